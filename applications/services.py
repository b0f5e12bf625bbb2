"""Application writes. Every status change goes through :func:`application_transition`
(or, for a whole listing at once, :func:`applications_close_for_listings`): nothing else assigns
``Application.status``.
"""

from __future__ import annotations

from enum import StrEnum

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from accounts.models import User
from listings.models import Listing
from notifications.services import Message, notify, notify_each

from .models import OPEN_STATUSES, Application, ApplicationStatus, ApplicationStatusChange

S = ApplicationStatus


class Actor(StrEnum):
    EMPLOYER = "employer"
    STUDENT = "student"
    SYSTEM = "system"


# The status machine, in one place: (from, to) -> who may make the move.
PIPELINE = [S.SUBMITTED, S.IN_REVIEW, S.SHORTLISTED, S.INTERVIEW, S.OFFERED]
TRANSITIONS: dict[tuple[str, str], Actor] = {}
for _i, _src in enumerate(PIPELINE[:-1]):
    for _dst in PIPELINE[_i + 1 :]:
        # Employers move applicants forward, possibly skipping stages (e.g. straight to interview).
        TRANSITIONS[(_src, _dst)] = Actor.EMPLOYER
for _src in OPEN_STATUSES:
    TRANSITIONS[(_src, S.REJECTED)] = Actor.EMPLOYER
    TRANSITIONS[(_src, S.WITHDRAWN)] = Actor.STUDENT
    TRANSITIONS[(_src, S.CLOSED)] = Actor.SYSTEM
TRANSITIONS[(S.OFFERED, S.ACCEPTED)] = Actor.STUDENT
TRANSITIONS[(S.OFFERED, S.DECLINED)] = Actor.STUDENT

# Which notification event tells the student about a move (default: the generic status change).
STUDENT_EVENTS = {
    S.OFFERED: "application.offer_made",
    S.CLOSED: "application.closed",
}


class TransitionError(ValidationError):
    """A move the status machine does not allow; the message is shown to the user."""


def allowed_moves(*, application: Application, actor: Actor) -> list[str]:
    return [dst for (src, dst), who in TRANSITIONS.items() if src == application.status and who == actor]


def actor_for(*, application: Application, user) -> Actor:
    """Which side of the application ``user`` is on; refuses everyone else."""
    if user is None:
        return Actor.SYSTEM
    membership = getattr(user, "membership", None) if user.is_employer else None
    if membership is not None and membership.organization_id == application.listing.organization_id:
        return Actor.EMPLOYER
    if user.is_student and application.student_id == user.pk:
        return Actor.STUDENT
    raise PermissionDenied("You cannot change this application.")


def application_transition(
    *,
    application: Application,
    to_status: str,
    user=None,
    message: str = "",
    offer_start_date=None,
) -> Application:
    """Move one application to ``to_status`` if the machine allows it for ``user``'s side.

    Locks the row, re-checks the current status under the lock (two employers clicking at once
    cannot both move it), saves with ``update_fields``, records the change and notifies: the
    student for every move, the organization's members when the student acts.
    ``user=None`` is the system (used when a listing closes).
    """
    with transaction.atomic():
        locked = (
            Application.objects.select_for_update(no_key=True, of=("self",))
            .select_related("listing__organization", "student")
            .get(pk=application.pk)
        )
        actor = actor_for(application=locked, user=user)
        who = TRANSITIONS.get((locked.status, to_status))
        if who is None or who != actor:
            raise TransitionError(
                f"An application that is “{locked.get_status_display()}” cannot be moved to "
                f"“{S(to_status).label if to_status in S.values else to_status}” by you."
            )
        now = timezone.now()
        from_status = locked.status
        locked.status = to_status
        locked.status_changed_at = now
        fields = ["status", "status_changed_at"]
        if actor == Actor.EMPLOYER and locked.first_response_at is None:
            locked.first_response_at = now
            fields.append("first_response_at")
        if to_status == S.OFFERED:
            locked.offer_start_date = offer_start_date
            fields.append("offer_start_date")
        locked.save(update_fields=fields)
        change = ApplicationStatusChange.objects.create(
            application=locked, from_status=from_status, to_status=to_status, actor=user, message=message
        )
        _notify_change(application=locked, change=change, actor=actor)
    application.status = locked.status
    application.status_changed_at = locked.status_changed_at
    return locked


def _notify_change(*, application: Application, change: ApplicationStatusChange, actor: Actor) -> None:
    listing = application.listing
    context = {"application": application, "listing": listing, "change": change, "organization": listing.organization}
    key = f"application:{application.pk}:change:{change.pk}"
    if actor != Actor.STUDENT:
        notify(
            event=STUDENT_EVENTS.get(change.to_status, "application.status_changed"),
            recipients=[application.student],
            key=key,
            context=context,
            url=f"/applications/{application.pk}/",
            summary=f"{listing.title}: {application.get_status_display()}",
        )
    else:
        members = User.objects.filter(membership__organization_id=listing.organization_id, is_active=True)
        notify(
            event="application.student_responded",
            recipients=list(members),
            key=key,
            context=context,
            url=f"/employer/applications/{application.pk}/",
            summary=f"{application.student.get_full_name() if application.student else 'A student'}: {application.get_status_display()}",
        )


CLOSE_BATCH = 1000


def applications_close_for_listings(*, listing_ids: list[int], reason: str = "", actor=None) -> int:
    """Close every open application of the given listings and tell each student once.

    Set-based: rows are locked in primary-key order and updated in batches, with one history
    row per application and one notification per student and listing. Safe to call twice: the
    second call finds nothing open. Returns the number of applications closed.
    """
    if not listing_ids:
        return 0
    closed = 0
    titles = dict(Listing.objects.filter(pk__in=listing_ids).values_list("pk", "title"))
    while True:
        with transaction.atomic():
            rows = list(
                Application.objects.filter(listing_id__in=listing_ids, status__in=OPEN_STATUSES)
                .order_by("pk")
                .select_for_update(no_key=True)
                .values_list("pk", "status", "student_id", "listing_id")[:CLOSE_BATCH]
            )
            if not rows:
                return closed
            now = timezone.now()
            ids = [pk for pk, *_ in rows]
            Application.objects.filter(pk__in=ids).update(status=S.CLOSED, status_changed_at=now)
            ApplicationStatusChange.objects.bulk_create(
                [
                    ApplicationStatusChange(
                        application_id=pk, from_status=status, to_status=S.CLOSED, actor=actor, message=reason
                    )
                    for pk, status, _student, _listing in rows
                ]
            )
            students = User.objects.in_bulk({student for _, _, student, _ in rows if student})
            notify_each(
                event="application.closed",
                messages=[
                    Message(
                        recipient=students[student_id],
                        key=f"application:{pk}:closed",
                        context={"listing_title": titles.get(listing_id, ""), "reason": reason},
                        url=f"/applications/{pk}/",
                        summary=f"{titles.get(listing_id, 'A listing')} is no longer taking applicants.",
                    )
                    for pk, _status, student_id, listing_id in rows
                    if student_id in students
                ],
            )
            closed += len(rows)
