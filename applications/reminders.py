"""The nudge to employers who leave applications untouched: nobody should wait in silence."""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone

from accounts.selectors import organization_members_active
from notifications.services import Message, notify_each

from .models import Application, ApplicationStatus

UNTOUCHED_AFTER = timedelta(days=7)
NUDGE_BATCH = 2000


def applications_nudge_untouched(*, now: datetime | None = None, batch_size: int = NUDGE_BATCH) -> tuple[int, bool]:
    """Nudge each organization once about its applications still "submitted" after 7 days.

    The applications are marked (``nudge_sent_at``) in the same transaction that records the
    nudge, so a second run finds nothing; one nudge per organization and run, whatever the number
    of applications. Returns (applications covered, more left).
    """
    now = now or timezone.now()
    with transaction.atomic():
        rows = list(
            Application.objects.filter(
                status=ApplicationStatus.SUBMITTED,
                submitted_at__lte=now - UNTOUCHED_AFTER,
                nudge_sent_at__isnull=True,
            )
            .order_by("pk")
            .select_for_update(skip_locked=True, no_key=True, of=("self",))
            .values_list("pk", "listing_id", "listing__title", "listing__organization_id")[:batch_size]
        )
        if not rows:
            return 0, False
        Application.objects.filter(pk__in=[r[0] for r in rows]).update(nudge_sent_at=now)
        per_org: dict[int, dict[int, list]] = defaultdict(dict)
        for _pk, listing_id, title, org_id in rows:
            per_org[org_id].setdefault(listing_id, [title, 0])[1] += 1
        members = organization_members_active(organization_ids=per_org)
        notify_each(
            event="application.untouched_nudge",
            messages=[
                Message(
                    recipient=member,
                    key=f"nudge:{member.membership.organization_id}:{now:%Y-%m-%dT%H:%M}",
                    context={
                        "listings": sorted(per_org[member.membership.organization_id].values(), key=lambda x: -x[1]),
                        "total": sum(n for _, n in per_org[member.membership.organization_id].values()),
                    },
                    url="/listings/manage/",
                    summary="Applicants are waiting for an answer for more than a week.",
                )
                for member in members
            ],
        )
    return len(rows), len(rows) == batch_size
