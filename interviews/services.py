"""Interview writes: proposing times, booking one, moving or cancelling the interview, recording
a no-show, and the periodic reminders and expiry.

Moving an application to ``interview`` goes through ``applications.services.application_transition``
(the status machine's one door). Every write that touches an application's interviews locks the
listing, then the application (``applications.locks``), then the slot, then the invite: booking,
moving, cancelling and the status machine's signal (an application leaving ``interview``) are
serialised per listing, and two students can never both hold one slot (also a database
constraint: ``one_booking_per_slot``). Each change of a booked interview is announced with a
calendar invitation (``invites``) attached to the email, through the notifications outbox.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from accounts.permissions import organization_id_for
from accounts.selectors import organization_members_active
from applications.locks import application_lock, applications_lock
from applications.models import Application, ApplicationStatus
from applications.permissions import can_view_pipeline
from applications.services import Actor, application_transition, statuses_movable_to
from conversations.services import message_post
from listings.models import Listing
from listings.timezones import valid_zone
from notifications.services import Message, notify_each

from .choices import InterviewStatus, InviteStatus, Party, SlotStatus
from .invites import invitation_attachment
from .models import Availability, Interview, InterviewInvite, InterviewRound, InterviewSlot
from .permissions import can_manage_availability, party_of
from .times import NonexistentTime, local, student_zone, to_utc

S = ApplicationStatus

MIN_SLOTS, MAX_SLOTS = 2, 8
MIN_MINUTES, MAX_MINUTES = 15, 240
RESPOND_DAYS = 7
ENDED = (S.REJECTED, S.WITHDRAWN, S.CLOSED, S.DECLINED)
BATCH = 500


class BookingRefused(ValidationError):
    """The time cannot be booked (taken, expired, already booked): the message is for the student."""


@dataclass(frozen=True)
class SlotInput:
    """One proposed time as the employer typed it: a date and a start in ``time_zone``, a length."""

    day: date
    at: time
    minutes: int


def zone_of(user, application: Application, interview_zone: str) -> str:
    """The zone ``user`` sees an application's interview times in: the student's profile zone,
    the organization's (the zone of the round) for its members."""
    return student_zone(application) if party_of(user, application) == Party.STUDENT else interview_zone


def _fmt(instant: datetime, zone_name: str) -> str:
    return f"{local(instant, zone_name):%A %-d %B %Y, %H:%M} ({zone_name})"


def _members(organization_id: int) -> list[User]:
    return list(organization_members_active(organization_ids=[organization_id]))


# --- proposing ----------------------------------------------------------------------------------


def slots_clean(*, slots: list[SlotInput], time_zone: str, now: datetime) -> list[tuple[datetime, datetime]]:
    """The proposed times as (start, end) UTC instants in order, or a ``ValidationError`` naming
    each problem: 2–8 times, 15–240 minutes each, in the future, none twice, none skipped by a
    daylight-saving change."""
    errors: list[str] = []
    if not MIN_SLOTS <= len(slots) <= MAX_SLOTS:
        errors.append(f"Propose between {MIN_SLOTS} and {MAX_SLOTS} times (you gave {len(slots)}).")
    times: list[tuple[datetime, datetime]] = []
    for number, slot in enumerate(slots, start=1):
        if not MIN_MINUTES <= slot.minutes <= MAX_MINUTES:
            errors.append(f"Time {number}: an interview lasts {MIN_MINUTES} to {MAX_MINUTES} minutes.")
            continue
        try:
            start = to_utc(slot.day, slot.at, time_zone)
        except NonexistentTime as exc:
            errors.append(f"Time {number}: {exc}")
            continue
        if start <= now:
            errors.append(f"Time {number} ({slot.day:%-d %B %Y} {slot.at:%H:%M}) is in the past.")
            continue
        times.append((start, start + timedelta(minutes=slot.minutes)))
    starts = [start for start, _ in times]
    if len(set(starts)) != len(starts):
        errors.append("The same time is proposed twice.")
    if errors:
        raise ValidationError({"slots": errors})
    return sorted(times)


def _clean_location(location: str) -> str:
    location = (location or "").strip()
    if not location:
        raise ValidationError({"location": "Give a video-call link or instructions for joining."})
    if len(location) > 1000:
        raise ValidationError({"location": "Keep the joining instructions under 1,000 characters."})
    return location


@dataclass(frozen=True)
class Proposed:
    round: InterviewRound
    invited: int
    skipped: list[str]


def interview_round_propose(
    *,
    listing: Listing,
    application_ids: list[int],
    user,
    slots: list[SlotInput],
    time_zone: str,
    location: str,
    respond_by: datetime | None = None,
    now: datetime | None = None,
    moving_from: datetime | None = None,
) -> Proposed:
    """Offer the same 2–8 times to one or more applicants of ``listing`` (entered in the employer's
    ``time_zone``). Each applicant not yet in ``interview`` is moved there through the status
    machine; applicants the machine may not move (offered, rejected…) are skipped and named. An
    applicant's earlier round still waiting gives way to this one. Each student is told, with the
    times in their own zone (``moving_from``: the booked time these replace, see
    :func:`interview_reschedule`). Nothing is saved when a time is refused.
    """
    if not can_view_pipeline(user, listing):
        raise PermissionDenied("You cannot invite these applicants.")
    now = now or timezone.now()
    if not valid_zone(time_zone):
        raise ValidationError({"time_zone": "Choose a time zone from the list."})
    location = _clean_location(location)
    times = slots_clean(slots=slots, time_zone=time_zone, now=now)
    last_start = times[-1][0]
    if respond_by is None:
        respond_by = min(now + timedelta(days=RESPOND_DAYS), last_start)
    elif respond_by <= now or respond_by > last_start:
        raise ValidationError({"respond_by": "The reply deadline must be in the future and before the last time."})
    movable = set(statuses_movable_to(S.INTERVIEW, actor=Actor.EMPLOYER))
    with transaction.atomic():
        rows = applications_lock(listing_ids=[listing.pk], where=Q(pk__in=list(application_ids)))
        invited: list[Application] = []
        skipped: list[str] = []
        for row in rows:
            if row.status != S.INTERVIEW and row.status not in movable:
                skipped.append(
                    f"{row.student.get_full_name() if row.student else 'A former user'} (“{row.get_status_display()}”)"
                )
                continue
            if row.status != S.INTERVIEW:
                application_transition(
                    application=row, to_status=S.INTERVIEW, user=user, message="Please choose an interview time."
                )
            invited.append(row)
        if not invited:
            raise ValidationError(
                "None of these applicants can be invited to an interview: " + ", ".join(skipped or ["none selected"])
            )
        earlier = InterviewInvite.objects.filter(application__in=invited, status=InviteStatus.WAITING)
        earlier_rounds = set(earlier.values_list("round_id", flat=True))
        earlier.update(status=InviteStatus.EXPIRED, closed_at=now)
        _expire_slots_nobody_waits_for(earlier_rounds)
        interview_round = InterviewRound.objects.create(
            listing=listing, created_by=user, time_zone=time_zone, location=location, respond_by=respond_by
        )
        InterviewSlot.objects.bulk_create(
            [InterviewSlot(round=interview_round, starts_at=start, ends_at=end) for start, end in times]
        )
        invites = InterviewInvite.objects.bulk_create(
            [InterviewInvite(round=interview_round, application=row) for row in invited]
        )
        notify_each(
            event="interview.proposed",
            messages=[
                Message(
                    recipient=row.student,
                    key=f"interview-round:{interview_round.pk}:invite:{invite.pk}",
                    context={
                        "organization": listing.organization.name,
                        "listing_title": listing.title,
                        "times": [_fmt(start, student_zone(row)) for start, _ in times],
                        "respond_by": _fmt(respond_by, student_zone(row)),
                        "location": location,
                        "moving_from": _fmt(moving_from, student_zone(row)) if moving_from else "",
                    },
                    url=reverse("interviews:choose", args=[invite.pk]),
                    summary=(
                        f"{listing.organization.name} would like to move your interview for {listing.title}: "
                        f"choose one of {len(times)} new times."
                        if moving_from
                        else f"{listing.organization.name} proposes {len(times)} interview times for {listing.title}."
                    ),
                )
                for row, invite in zip(invited, invites, strict=True)
                if row.student is not None
            ],
        )
    return Proposed(round=interview_round, invited=len(invited), skipped=skipped)


def _expire_slots_nobody_waits_for(round_ids) -> int:
    """Open slots of rounds where no invite still waits: nobody can book them any more."""
    if not round_ids:
        return 0
    return (
        InterviewSlot.objects.filter(round_id__in=list(round_ids), status=SlotStatus.OPEN)
        .exclude(round__invites__status=InviteStatus.WAITING)
        .update(status=SlotStatus.EXPIRED)
    )


def interview_ask_other_times(*, application: Application, user, message: str, interview: Interview | None = None):
    """The student asks for other times: a message in the application's conversation (the
    organization is told there, as for any message). Whatever is offered or booked stays as it is
    meanwhile: the organization answers by proposing new times (for a booked ``interview``,
    :func:`interview_reschedule`)."""
    if party_of(user, application) != Party.STUDENT:
        raise PermissionDenied("You cannot answer this invitation.")
    message = (message or "").strip()
    if not message:
        raise ValidationError({"message": "Say which days or times would suit you."})
    if interview is None:
        opening = "None of the proposed interview times suit me."
    else:
        if interview.application_id != application.pk or not interview.is_scheduled:
            raise ValidationError("This interview is no longer booked.")
        if interview.starts_at <= timezone.now():
            raise ValidationError("This interview has already started: it can no longer be moved.")
        opening = f"Could we move our interview of {_fmt(interview.starts_at, student_zone(application))}?"
    return message_post(application=application, user=user, body=f"{opening} {message}")


def _slot_lock(**where) -> InterviewSlot | None:
    """Lock the slot (after the listing and the application, before the invite), with its round."""
    return InterviewSlot.objects.select_for_update(no_key=True).filter(**where).select_related("round").first()


# --- booking ------------------------------------------------------------------------------------

TAKEN = "Sorry: someone else has just booked this time. Please choose another one."


def interview_book(*, invite: InterviewInvite, slot_id: int, user, now: datetime | None = None) -> Interview:
    """The student books one time of the round offered to them.

    Locks the listing and the application (``applications.locks``), then the slot and the invite,
    and re-checks everything under the locks: of many students booking one slot at once exactly
    one gets it, the others a clear :class:`BookingRefused` (the database's
    ``one_booking_per_slot`` is the last word). The round's other times expire when nobody else
    waits for them; both sides get the calendar invitation.
    """
    application = invite.application
    if party_of(user, application) != Party.STUDENT:
        raise PermissionDenied("You cannot book this interview.")
    now = now or timezone.now()
    with transaction.atomic():
        locked_application = application_lock(application.pk)
        slot = _slot_lock(pk=slot_id, round_id=invite.round_id)
        if slot is None:
            raise BookingRefused("This time is not part of your invitation.", code="unknown")
        locked_invite = InterviewInvite.objects.select_for_update(no_key=True).get(pk=invite.pk)
        if locked_invite.status == InviteStatus.BOOKED:
            raise BookingRefused("You have already booked a time from these.", code="booked")
        if locked_invite.status != InviteStatus.WAITING or locked_application.status != S.INTERVIEW:
            raise BookingRefused("These interview times are no longer offered.", code="expired")
        if slot.status == SlotStatus.BOOKED:
            raise BookingRefused(TAKEN, code="taken")
        if slot.status != SlotStatus.OPEN or slot.starts_at <= now or slot.round.respond_by <= now:
            raise BookingRefused("This time is no longer available. Please choose another one.", code="expired")
        try:
            with transaction.atomic():
                interview = Interview.objects.create(
                    application=locked_application,
                    invite=locked_invite,
                    slot=slot,
                    starts_at=slot.starts_at,
                    ends_at=slot.ends_at,
                    time_zone=slot.round.time_zone,
                    location=slot.round.location,
                    booked_by=user,
                )
        except IntegrityError as exc:
            raise BookingRefused(TAKEN, code="taken") from exc
        slot.status = SlotStatus.BOOKED
        slot.save(update_fields=["status"])
        locked_invite.status = InviteStatus.BOOKED
        locked_invite.closed_at = now
        locked_invite.save(update_fields=["status", "closed_at"])
        _expire_slots_nobody_waits_for([slot.round_id])
        _announce(interview=interview, application=locked_application, organizer=slot.round.created_by, now=now)
    return interview


# --- changing a booked interview ----------------------------------------------------------------


def _lock_interview(interview: Interview) -> tuple[Application, Interview]:
    application = application_lock(interview.application_id)
    locked = Interview.objects.select_for_update(no_key=True).select_related("invite__round").get(pk=interview.pk)
    return application, locked


def _party_or_refuse(user, application: Application) -> Party:
    party = party_of(user, application)
    if party is None:
        raise PermissionDenied("You cannot change this interview.")
    return party


def interview_reschedule(
    *,
    interview: Interview,
    user,
    slots: list[SlotInput],
    time_zone: str,
    location: str = "",
    respond_by: datetime | None = None,
    now: datetime | None = None,
) -> Proposed:
    """The organization moves a booked interview by offering new times: the booking is cancelled
    (both sides get ``METHOD:CANCEL`` and its time goes back to the round, see
    :func:`_release_slot`), and the times are proposed to the student as any round is
    (:func:`interview_round_propose`, in the same transaction), who picks one again or asks for
    other times. ``location`` defaults to the interview's. Nothing changes when a time is refused.
    """
    application = interview.application
    if party_of(user, application) != Party.ORGANIZATION:
        raise PermissionDenied("Only the organization offers new interview times.")
    now = now or timezone.now()
    with transaction.atomic():
        locked_application, locked = _lock_interview(interview)
        if not locked.is_scheduled:
            raise ValidationError("This interview was cancelled: it cannot be moved.")
        if locked_application.status != S.INTERVIEW:
            raise ValidationError("This application is no longer at the interview stage.")
        if locked.starts_at <= now:
            raise ValidationError("This interview has already started: it can no longer be moved.")
        organization = locked_application.listing.organization.name
        _cancel_locked(
            locked=locked,
            application=locked_application,
            user=user,
            reason=f"{organization} is offering new times to choose from.",
            now=now,
        )
        return interview_round_propose(
            listing=locked_application.listing,
            application_ids=[locked_application.pk],
            user=user,
            slots=slots,
            time_zone=time_zone,
            location=location or locked.location,
            respond_by=respond_by,
            now=now,
            moving_from=locked.starts_at,
        )


def interview_cancel(*, interview: Interview, user, reason: str = "", now: datetime | None = None) -> Interview:
    """Either side cancels a booked interview (``user=None``: the system, when the application
    ends). Both sides get ``METHOD:CANCEL`` with the same UID and a higher SEQUENCE."""
    now = now or timezone.now()
    if user is not None:
        _party_or_refuse(user, interview.application)
    reason = (reason or "").strip()
    if len(reason) > 1000:
        raise ValidationError({"reason": "Keep the reason under 1,000 characters."})
    with transaction.atomic():
        locked_application, locked = _lock_interview(interview)
        if not locked.is_scheduled:
            raise ValidationError("This interview is already cancelled.")
        if user is not None and locked.ends_at <= now:
            raise ValidationError("This interview is over: record a no-show instead if someone missed it.")
        _cancel_locked(locked=locked, application=locked_application, user=user, reason=reason, now=now)
    return locked


def _cancel_locked(*, locked: Interview, application: Application, user, reason: str, now: datetime) -> None:
    locked.status = InterviewStatus.CANCELLED
    locked.sequence += 1
    locked.changed_by = user
    locked.changed_at = now
    locked.cancel_reason = reason
    locked.save(update_fields=["status", "sequence", "changed_by", "changed_at", "cancel_reason"])
    if locked.slot_id is not None:
        _release_slot(slot_id=locked.slot_id, now=now)
    _announce(
        interview=locked,
        application=application,
        organizer=locked.invite.round.created_by,
        now=now,
        changed_by=user,
        cancelled=True,
    )


def _release_slot(*, slot_id: int, now: datetime) -> None:
    """A cancelled booking's time goes back to the applicants still choosing from its round, while
    it is ahead and the round open; otherwise nobody can book it any more."""
    slot = _slot_lock(pk=slot_id, status=SlotStatus.BOOKED)
    if slot is None:
        return
    reopen = (
        slot.starts_at > now
        and slot.round.respond_by > now
        and slot.round.invites.filter(status=InviteStatus.WAITING).exists()
    )
    slot.status = SlotStatus.OPEN if reopen else SlotStatus.EXPIRED
    slot.save(update_fields=["status"])


def interview_record_no_show(*, interview: Interview, user, now: datetime | None = None) -> Interview:
    """Either side records that the other did not come, once the interview's time has come. The
    other side is told; career services of the student's institution see students' no-shows."""
    now = now or timezone.now()
    party = _party_or_refuse(user, interview.application)
    with transaction.atomic():
        locked_application, locked = _lock_interview(interview)
        if not locked.is_scheduled:
            raise ValidationError("This interview was cancelled.")
        if locked.starts_at > now:
            raise ValidationError("A no-show can be recorded once the interview's time has come.")
        if locked.no_show:
            raise ValidationError("A no-show is already recorded for this interview.")
        missing = Party.ORGANIZATION if party == Party.STUDENT else Party.STUDENT
        locked.no_show = missing
        locked.no_show_recorded_by = user
        locked.no_show_recorded_at = now
        locked.save(update_fields=["no_show", "no_show_recorded_by", "no_show_recorded_at"])
        listing = locked_application.listing
        recipients = [locked_application.student] if missing == Party.STUDENT else _members(listing.organization_id)
        notify_each(
            event="interview.no_show",
            messages=[
                Message(
                    recipient=recipient,
                    key=f"interview:{locked.pk}:no-show",
                    context={
                        "listing_title": listing.title,
                        "when": _fmt(locked.starts_at, zone_of(recipient, locked_application, locked.time_zone)),
                        "missing": missing,
                    },
                    url=reverse("interviews:detail", args=[locked.pk]),
                    summary=f"A missed interview was recorded for {listing.title}.",
                )
                for recipient in recipients
                if recipient is not None
            ],
        )
    return locked


# --- invitations --------------------------------------------------------------------------------


def _announce(
    *,
    interview: Interview,
    application: Application,
    organizer,
    now: datetime,
    changed_by=None,
    cancelled: bool = False,
) -> None:
    """Email both sides the invitation (or its cancellation) with the .ics attached, each with the
    time in their own zone. One outbox row per recipient and SEQUENCE."""
    listing = application.listing
    student = application.student
    members = _members(listing.organization_id)
    organizer = organizer if organizer is not None and organizer in members else (members[0] if members else None)
    title = f"Interview: {student.get_full_name() if student else 'Former user'} × {listing.organization.name}"
    method = "CANCEL" if cancelled else "REQUEST"
    attachment = invitation_attachment(
        interview=interview, method=method, organizer=organizer, attendees=[student], title=title, stamp=now
    )
    messages = []
    for recipient in [student, *members]:
        if recipient is None:
            continue
        zone_name = zone_of(recipient, application, interview.time_zone)
        messages.append(
            Message(
                recipient=recipient,
                key=f"interview:{interview.pk}:sequence:{interview.sequence}",
                context={
                    "listing_title": listing.title,
                    "organization": listing.organization.name,
                    "student": student.get_full_name() if student else "Former user",
                    "when": _fmt(interview.starts_at, zone_name),
                    "minutes": int((interview.ends_at - interview.starts_at).total_seconds() // 60),
                    "location": interview.location,
                    "by": changed_by.get_full_name() if changed_by is not None else "",
                    "reason": interview.cancel_reason,
                },
                url=reverse("interviews:detail", args=[interview.pk]),
                summary=(
                    f"Interview for {listing.title} cancelled."
                    if cancelled
                    else f"Interview for {listing.title}: {_fmt(interview.starts_at, zone_name)}"
                ),
                attachments=(attachment,),
            )
        )
    notify_each(event="interview.cancelled" if cancelled else "interview.invitation", messages=messages)


# --- the status machine's signal ----------------------------------------------------------------


def interviews_on_applications_left_status(
    *, application_ids: list[int], from_status: str, to_status: str, **_signal
) -> None:
    """Receiver of ``applications.signals.applications_left_status``: an application that leaves
    ``interview`` is no longer offered times (its waiting invite expires, and the round's open
    slots with it when nobody else waits for them); one that ends (rejected, withdrawn, closed)
    has its upcoming interviews cancelled, with the calendar cancellation to both sides. Runs in
    the transaction that moved the applications, which holds their locks."""
    if from_status != S.INTERVIEW:
        return
    now = timezone.now()
    waiting = InterviewInvite.objects.filter(application_id__in=application_ids, status=InviteStatus.WAITING)
    rounds = set(waiting.values_list("round_id", flat=True))
    waiting.update(status=InviteStatus.EXPIRED, closed_at=now)
    _expire_slots_nobody_waits_for(rounds)
    if to_status not in ENDED:
        return
    upcoming = (
        Interview.objects.scheduled()
        .filter(application_id__in=application_ids, ends_at__gt=now)
        .select_related("invite__round", "application__listing__organization", "application__student__student_profile")
        .order_by("pk")
        .select_for_update(no_key=True, of=("self",))
    )
    for interview in upcoming:
        _cancel_locked(
            locked=interview,
            application=interview.application,
            user=None,
            reason=f"The application is now “{S(to_status).label}”.",
            now=now,
        )


# --- availability -------------------------------------------------------------------------------


def availability_add(*, user, weekday: int, start: time, end: time, time_zone: str) -> Availability:
    """Add a weekly interview window to the user's organization."""
    if not can_manage_availability(user):
        raise PermissionDenied("Only members of an organization keep interview windows.")
    errors = {}
    if weekday not in range(7):
        errors["weekday"] = "Choose a day of the week."
    if end <= start:
        errors["end"] = "The window must end after it starts."
    if not valid_zone(time_zone):
        errors["time_zone"] = "Choose a time zone from the list."
    if errors:
        raise ValidationError(errors)
    organization_id = organization_id_for(user)
    with transaction.atomic():
        if Availability.objects.filter(organization_id=organization_id).count() >= 50:
            raise ValidationError("An organization keeps at most 50 interview windows.")
        return Availability.objects.create(
            organization_id=organization_id, weekday=weekday, start=start, end=end, time_zone=time_zone
        )


def availability_remove(*, user, availability: Availability) -> None:
    if organization_id_for(user) != availability.organization_id:
        raise PermissionDenied("You cannot change this organization's interview windows.")
    with transaction.atomic():
        availability.delete()


# --- periodic jobs ------------------------------------------------------------------------------

REMINDERS = {
    "day": (timedelta(hours=24), "day_reminded_at", "24 hours"),
    "hour": (timedelta(hours=1), "hour_reminded_at", "1 hour"),
}


def interviews_remind(*, which: str, now: datetime | None = None, batch_size: int = BATCH) -> tuple[int, bool]:
    """Remind both sides once of each interview starting within 24 hours (``which="day"``) or
    1 hour (``"hour"``). Rows are marked in the transaction that records the notifications and
    rows another run holds are skipped, so a second run or a retried task sends nothing twice.
    An interview booked less than an hour ahead gets only the hour's reminder. Returns (sent,
    more left)."""
    ahead, field, label = REMINDERS[which]
    now = now or timezone.now()
    with transaction.atomic():
        candidates = Interview.objects.scheduled().filter(
            **{f"{field}__isnull": True}, starts_at__gt=now, starts_at__lte=now + ahead
        )
        if which == "day":
            candidates = candidates.filter(starts_at__gt=now + REMINDERS["hour"][0])
        rows = list(
            candidates.order_by("starts_at", "pk")
            .select_for_update(skip_locked=True, no_key=True, of=("self",))
            .select_related("application__listing__organization", "application__student__student_profile")[:batch_size]
        )
        if not rows:
            return 0, False
        Interview.objects.filter(pk__in=[row.pk for row in rows]).update(**{field: now})
        org_ids = {row.application.listing.organization_id for row in rows}
        members: dict[int, list[User]] = defaultdict(list)
        for member in organization_members_active(organization_ids=org_ids):
            members[member.membership.organization_id].append(member)
        messages = []
        for row in rows:
            application = row.application
            listing = application.listing
            for recipient in [application.student, *members[listing.organization_id]]:
                if recipient is None:
                    continue
                zone_name = student_zone(application) if recipient == application.student else row.time_zone
                messages.append(
                    Message(
                        recipient=recipient,
                        key=f"interview:{row.pk}:reminder:{which}:{row.starts_at:%Y%m%dT%H%M}",
                        context={
                            "listing_title": listing.title,
                            "organization": listing.organization.name,
                            "when": _fmt(row.starts_at, zone_name),
                            "in": label,
                            "location": row.location,
                        },
                        url=reverse("interviews:detail", args=[row.pk]),
                        summary=f"Interview in {label}: {listing.title}",
                    )
                )
        notify_each(event="interview.reminder", messages=messages)
    return len(rows), len(rows) == batch_size


def interview_rounds_expire(*, now: datetime | None = None, batch_size: int = BATCH) -> tuple[int, bool]:
    """Past their reply deadline, invites still waiting expire; slots whose time has come or whose
    round's deadline passed expire. Rows another transaction holds are skipped (a booking in
    progress) and taken by the next run. Returns (rows expired, more left)."""
    now = now or timezone.now()
    with transaction.atomic():
        invites = list(
            InterviewInvite.objects.filter(status=InviteStatus.WAITING, round__respond_by__lte=now)
            .order_by("pk")
            .select_for_update(skip_locked=True, no_key=True, of=("self",))
            .values_list("pk", flat=True)[:batch_size]
        )
        InterviewInvite.objects.filter(pk__in=invites).update(status=InviteStatus.EXPIRED, closed_at=now)
        slots = list(
            InterviewSlot.objects.filter(status=SlotStatus.OPEN)
            .filter(Q(starts_at__lte=now) | Q(round__respond_by__lte=now))
            .order_by("pk")
            .select_for_update(skip_locked=True, no_key=True, of=("self",))
            .values_list("pk", flat=True)[:batch_size]
        )
        InterviewSlot.objects.filter(pk__in=slots).update(status=SlotStatus.EXPIRED)
    return len(invites) + len(slots), batch_size in (len(invites), len(slots))
