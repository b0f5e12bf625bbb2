"""The evaluation's periodic jobs: a reminder on day 3 and day 10 to whichever party has not
submitted, and the "both shown" message when the window closes with one side missing.

Like ``placements.reminders``, each works in bounded batches, marks its rows in the transaction
that records the notifications (a second beat or a retried task finds nothing more to send) and
skips rows another run holds locked.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from accounts.selectors import organization_members_active
from notifications.services import Message, notify_each

from .choices import REMINDER_DAYS
from .models import Evaluation

BATCH = 500
WAITING = Q(supervisor_submitted_at__isnull=True) | Q(student_submitted_at__isnull=True)


def _url(placement_id: int) -> str:
    return reverse("evaluations:evaluation", args=[placement_id])


def _rows(qs, batch_size: int) -> list[tuple]:
    return list(
        qs.order_by("pk")
        .select_for_update(skip_locked=True, no_key=True, of=("self",))
        .values_list(
            "pk",
            "placement_id",
            "placement__student_id",
            "placement__supervisor_id",
            "placement__organization_id",
            "placement__listing__title",
            "supervisor_submitted_at",
            "student_submitted_at",
            "placement__organization__name",
        )[:batch_size]
    )


def _members(org_ids: set[int]) -> dict[int, list[User]]:
    found: dict[int, list[User]] = defaultdict(list)
    for user in organization_members_active(organization_ids=org_ids):
        found[user.membership.organization_id].append(user)
    return found


def _recipients(rows) -> tuple[dict[int, User], dict[int, list[User]]]:
    students = User.objects.in_bulk({r[2] for r in rows if r[2]})
    return students, _members({r[4] for r in rows})


def evaluations_remind(*, day: int, now: datetime | None = None, batch_size: int = BATCH) -> tuple[int, bool]:
    """Remind, once on ``day`` (3 or 10) after opening, each party that has not submitted an open
    evaluation. Returns (evaluations handled, more left)."""
    assert day in REMINDER_DAYS
    now = now or timezone.now()
    marker = f"reminded_day{day}_at"
    with transaction.atomic():
        rows = _rows(
            Evaluation.objects.filter(WAITING, opened_at__lte=now - timedelta(days=day), closes_at__gt=now).filter(
                **{f"{marker}__isnull": True}
            ),
            batch_size,
        )
        if not rows:
            return 0, False
        Evaluation.objects.filter(pk__in=[r[0] for r in rows]).update(**{marker: now})
        students, members = _recipients(rows)
        messages = []
        for pk, placement_id, student_id, supervisor_id, org_id, title, sup_at, student_at, org_name in rows:
            recipients = []
            if student_at is None and student_id in students:
                recipients.append(students[student_id])
            if sup_at is None:
                team = members.get(org_id, [])
                recipients += [m for m in team if m.pk == supervisor_id] or team
            messages += [
                Message(
                    recipient=r,
                    key=f"placement:{placement_id}:evaluation:{pk}:day{day}",
                    context={"listing": {"title": title}, "organization": {"name": org_name}},
                    url=_url(placement_id),
                    summary=f"Your evaluation of {title} is waiting: answers are shown once both are in.",
                )
                for r in recipients
            ]
        notify_each(event="evaluation.reminder", messages=messages)
    return len(rows), len(rows) == batch_size


def evaluations_reveal_closed(*, now: datetime | None = None, batch_size: int = BATCH) -> tuple[int, bool]:
    """Tell both parties, once, that a window closed and what was submitted is now shown."""
    now = now or timezone.now()
    with transaction.atomic():
        rows = _rows(Evaluation.objects.filter(closes_at__lte=now, revealed_told_at__isnull=True), batch_size)
        if not rows:
            return 0, False
        Evaluation.objects.filter(pk__in=[r[0] for r in rows]).update(revealed_told_at=now)
        students, members = _recipients(rows)
        messages = []
        for pk, placement_id, student_id, supervisor_id, org_id, title, _sup, _stu, org_name in rows:
            team = members.get(org_id, [])
            recipients = [students[student_id]] if student_id in students else []
            recipients += [m for m in team if m.pk == supervisor_id] or team
            messages += [
                Message(
                    recipient=r,
                    key=f"placement:{placement_id}:evaluation:{pk}:revealed",
                    context={"listing": {"title": title}, "organization": {"name": org_name}},
                    url=_url(placement_id),
                    summary=f"The evaluation window of {title} closed: what was submitted is now shown.",
                )
                for r in recipients
            ]
        notify_each(event="evaluation.revealed", messages=messages)
    return len(rows), len(rows) == batch_size
