"""The periodic jobs of the workspace: the overdue check-in reminder (student), the missing
feedback reminder (supervisor) and the "needs attention" flag (organization, career services).

Like ``applications.reminders`` and ``listings.expiry``, each works in bounded batches, marks its
rows in the same transaction that records the notifications (so a second beat, or a retried task,
finds nothing more to send) and skips rows another run holds locked.

Due dates are compared with the student's own calendar date (``schedule``); the database narrows
the candidates to periods that may be overdue somewhere on Earth, and the exact test runs here with
``zoneinfo``. The two jobs that need that exact test walk the candidates by primary key (a cursor),
so periods not yet overdue in their student's zone are passed over rather than read again.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime

from django.db import transaction
from django.db.models import OuterRef, Subquery
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from accounts.permissions import ACTIVE_USER
from accounts.selectors import organization_members_active
from applications.models import CheckIn, Placement
from notifications.services import Message, notify_each

from . import schedule
from .permissions import LINKED

BATCH = 1000
ACTIVE = Placement.Status.ACTIVE


def _url(placement_id: int) -> str:
    return reverse("placements:workspace", args=[placement_id])


def checkins_remind_overdue(
    *, now: datetime | None = None, after: int = 0, batch_size: int = BATCH
) -> tuple[int, int | None]:
    """Remind each student once about each check-in not written by the end of its due day (in the
    student's time zone). Returns (reminders, cursor to continue from or None when done)."""
    now = now or timezone.now()
    with transaction.atomic():
        rows = list(
            CheckIn.objects.filter(
                pk__gt=after,
                submitted_at__isnull=True,
                student_reminded_at__isnull=True,
                due_on__lte=schedule.may_be_overdue_somewhere(now),
                placement__status=ACTIVE,
                placement__student__isnull=False,
            )
            .order_by("pk")
            .select_for_update(skip_locked=True, no_key=True, of=("self",))
            .values_list(
                "pk",
                "due_on",
                "placement_id",
                "placement__student_id",
                "placement__student__student_profile__time_zone",
                "placement__listing__title",
            )[:batch_size]
        )
        if not rows:
            return 0, None
        due = [r for r in rows if schedule.is_overdue(r[1], r[4] or "UTC", now)]
        if due:
            CheckIn.objects.filter(pk__in=[r[0] for r in due]).update(student_reminded_at=now)
            students = User.objects.in_bulk({r[3] for r in due})
            notify_each(
                event="placement.checkin_overdue",
                messages=[
                    Message(
                        recipient=students[student_id],
                        key=f"placement:{placement_id}:checkin:{pk}:overdue",
                        context={"title": title, "due_on": due_on, "time_zone": tz or "UTC"},
                        url=_url(placement_id),
                        summary=f"Your check-in for {title}, due {due_on:%-d %B}, is overdue.",
                    )
                    for pk, due_on, placement_id, student_id, tz, title in due
                    if student_id in students
                ],
            )
    return len(due), (rows[-1][0] if len(rows) == batch_size else None)


def checkins_remind_feedback(*, now: datetime | None = None, batch_size: int = BATCH) -> tuple[int, bool]:
    """Remind the supervisor once about each written check-in left without feedback for 3 days.
    Returns (reminders, more left)."""
    now = now or timezone.now()
    with transaction.atomic():
        rows = list(
            CheckIn.objects.filter(
                submitted_at__isnull=False,
                submitted_at__lte=now - schedule.FEEDBACK_REMINDER_AFTER,
                feedback_at__isnull=True,
                supervisor_reminded_at__isnull=True,
                placement__status=ACTIVE,
            )
            .order_by("pk")
            .select_for_update(skip_locked=True, no_key=True, of=("self",))
            .values_list(
                "pk",
                "due_on",
                "placement_id",
                "placement__supervisor_id",
                "placement__organization_id",
                "placement__listing__title",
                "placement__student__name",
            )[:batch_size]
        )
        if not rows:
            return 0, False
        CheckIn.objects.filter(pk__in=[r[0] for r in rows]).update(supervisor_reminded_at=now)
        members = _members({r[4] for r in rows})
        messages = []
        for pk, due_on, placement_id, supervisor_id, org_id, title, student_name in rows:
            team = members.get(org_id, [])
            named = [m for m in team if m.pk == supervisor_id]
            for recipient in named or team:
                messages.append(
                    Message(
                        recipient=recipient,
                        key=f"placement:{placement_id}:checkin:{pk}:feedback_overdue",
                        context={"title": title, "due_on": due_on, "student_name": student_name or "Your intern"},
                        url=_url(placement_id),
                        summary=f"{student_name or 'Your intern'}'s check-in due {due_on:%-d %B} waits for your feedback.",
                    )
                )
        notify_each(event="placement.feedback_overdue", messages=messages)
    return len(rows), len(rows) == batch_size


def placements_flag_attention(
    *, now: datetime | None = None, after: int = 0, batch_size: int = BATCH
) -> tuple[int, int | None]:
    """Flag each active placement whose check-ins are two periods overdue, once, and tell the
    organization's members and the career services of the student's (linked) institution.
    Returns (placements flagged, cursor to continue from or None when done)."""
    now = now or timezone.now()
    second_unwritten = Subquery(
        CheckIn.objects.filter(placement=OuterRef("pk"), submitted_at__isnull=True)
        .order_by("due_on")
        .values("due_on")[1:2]
    )
    with transaction.atomic():
        rows = list(
            Placement.objects.filter(pk__gt=after, status=ACTIVE, attention_since__isnull=True)
            .annotate(second_due=second_unwritten)
            .filter(second_due__lte=schedule.may_be_overdue_somewhere(now))
            .order_by("pk")
            .select_for_update(skip_locked=True, no_key=True, of=("self",))
            .values_list(
                "pk",
                "second_due",
                "organization_id",
                "student__student_profile__time_zone",
                "student__student_profile__institution_id",
                "student__student_profile__institution_link",
                "student__name",
                "listing__title",
            )[:batch_size]
        )
        if not rows:
            return 0, None
        flagged = [r for r in rows if schedule.is_overdue(r[1], r[3] or "UTC", now)]
        if flagged:
            Placement.objects.filter(pk__in=[r[0] for r in flagged]).update(attention_since=now)
            members = _members({r[2] for r in flagged})
            careers = _careers({r[4] for r in flagged if r[4] and r[5] in LINKED})
            messages = []
            for pk, _due, org_id, _tz, institution_id, link, student_name, title in flagged:
                recipients = list(members.get(org_id, []))
                if institution_id and link in LINKED:
                    recipients += careers.get(institution_id, [])
                messages += [
                    Message(
                        recipient=recipient,
                        key=f"placement:{pk}:attention:{now.isoformat()}",
                        context={"title": title, "student_name": student_name or "The intern"},
                        url=_url(pk),
                        summary=f"{student_name or 'The intern'} on {title}: check-ins two periods overdue.",
                    )
                    for recipient in recipients
                ]
            notify_each(event="placement.needs_attention", messages=messages)
    return len(flagged), (rows[-1][0] if len(rows) == batch_size else None)


def _members(org_ids: set[int]) -> dict[int, list[User]]:
    found: dict[int, list[User]] = defaultdict(list)
    for user in organization_members_active(organization_ids=org_ids):
        found[user.membership.organization_id].append(user)
    return found


def _careers(institution_ids: set[int]) -> dict[int, list[User]]:
    found: dict[int, list[User]] = defaultdict(list)
    if institution_ids:
        for user in (
            User.objects.filter(ACTIVE_USER, career_services__institution_id__in=institution_ids)
            .select_related("career_services")
            .order_by("pk")
        ):
            found[user.career_services.institution_id].append(user)
    return found
