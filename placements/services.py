"""Placement workspace writes: goals, the check-in schedule, check-ins and feedback, the fee, the
ending. Each function checks who acts (``permissions``), locks the placement row, saves with
``update_fields`` and records the notifications in the same transaction (emails leave after commit).

Every write sets the ``updated_at`` of the rows it changes (their ``version``, the API's ETag). The
edits that could overwrite someone else's (a goal, the schedule, a check-in's feedback) take
``if_version``, the versions their author read (the API's ``If-Match``, the page's hidden field),
and check it under the row lock: of two people who read the same version only the first writes,
the other gets ``StaleVersion`` and nothing changes. ``None`` writes whatever is there.
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import date
from decimal import Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from accounts.permissions import ACTIVE_USER
from accounts.selectors import organization_members_active
from applications.models import CheckIn, CheckInCadence, Goal, Placement, PlacementFee, Weekday
from listings.models import Listing
from marketplace.concurrency import check_version
from notifications.services import notify

from . import schedule
from .permissions import LINKED, Side, side_of
from .signals import placement_ended

MIN_GOALS, MAX_GOALS = 2, 6
MAX_HOURS = Decimal("80")

P = Placement.Status
F = PlacementFee.Status

# The two state machines, in one place: (from, to) -> the sides that may make the move.
PLACEMENT_MOVES: dict[tuple[str, str], set[Side]] = {
    (P.ACTIVE, P.COMPLETED): {Side.SUPERVISOR},
    (P.ACTIVE, P.ENDED_EARLY): {Side.SUPERVISOR, Side.STUDENT},
}
FEE_MOVES: dict[tuple[str, str], set[Side]] = {
    (F.DUE, F.PAID): {Side.SUPERVISOR},
    (F.PAID, F.RECEIVED): {Side.STUDENT},
}


# --- helpers ------------------------------------------------------------------------------------


def _lock(placement_id: int) -> Placement:
    return (
        Placement.objects.select_for_update(no_key=True, of=("self",))
        .select_related("listing", "organization", "student__student_profile", "supervisor")
        .get(pk=placement_id)
    )


def _side(user, placement: Placement, allowed: set[Side], message: str) -> Side:
    side = side_of(user, placement)
    if side not in allowed:
        raise PermissionDenied(message)
    return side


def _require_active(placement: Placement) -> None:
    if placement.status != P.ACTIVE:
        raise ValidationError(f"This placement is {placement.get_status_display().lower()}: it can no longer change.")


def _url(placement: Placement) -> str:
    return reverse("placements:workspace", args=[placement.pk])


def _student_zone(placement: Placement) -> str:
    profile = getattr(placement.student, "student_profile", None) if placement.student_id else None
    return profile.time_zone if profile is not None else "UTC"


def members_of(organization_id: int) -> list[User]:
    return list(organization_members_active(organization_ids=[organization_id]))


def supervisors_of(placement: Placement) -> list[User]:
    """Who hears of the student's side: the named supervisor while still an active member, else
    every active member of the organization."""
    members = members_of(placement.organization_id)
    named = [m for m in members if m.pk == placement.supervisor_id]
    return named or members


def careers_of(placement: Placement) -> list[User]:
    """Career-services staff of the student's institution, when the student is linked to it."""
    profile = getattr(placement.student, "student_profile", None) if placement.student_id else None
    if profile is None or profile.institution_id is None or profile.institution_link not in LINKED:
        return []
    return list(User.objects.filter(ACTIVE_USER, career_services__institution_id=profile.institution_id).order_by("pk"))


def _other_side(placement: Placement, side: Side) -> list[User]:
    if side == Side.STUDENT:
        return supervisors_of(placement)
    return [placement.student] if placement.student_id else []


def _tell(*, event: str, recipients, placement: Placement, key: str, summary: str, **context) -> None:
    notify(
        event=event,
        recipients=[r for r in recipients if r is not None],
        key=f"placement:{placement.pk}:{key}",
        context={
            "placement": placement,
            "listing": placement.listing,
            "organization": placement.organization,
            "student_name": placement.student.get_full_name() if placement.student_id else "The intern",
            **context,
        },
        url=_url(placement),
        summary=summary,
    )


def _clean_text(value: str, *, field: str, limit: int, required: bool, label: str) -> str:
    value = (value or "").strip()
    if required and not value:
        raise ValidationError({field: f"Write {label} first."})
    if len(value) > limit:
        raise ValidationError({field: f"Keep {label} under {limit:,} characters."})
    return value


def _clean_link(value: str, field: str = "link") -> str:
    value = (value or "").strip()
    if not value:
        return ""
    if len(value) > 500:
        raise ValidationError({field: "Keep the link under 500 characters."})
    try:
        URLValidator(schemes=["http", "https"])(value)
    except ValidationError:
        raise ValidationError({field: "Enter a full web address starting with https:// or http://."}) from None
    return value


# --- creation -----------------------------------------------------------------------------------


def placement_prepare(*, placement: Placement) -> None:
    """A new placement's workspace: its check-in periods on the default schedule and, for a
    micro-internship, the listing's deliverable as the first goal (agreed with the listing)."""
    if placement.status != P.ACTIVE:
        return  # a record of a past placement (demo and report data), nothing to schedule
    listing = placement.listing
    _sync_checkins(placement, today=placement.start_date)
    if listing.kind == Listing.Kind.MICRO and not placement.goals.filter(from_listing=True).exists():
        text = (listing.deliverables or "").strip() or f"Deliver: {listing.title}"
        Goal.objects.create(
            placement=placement,
            text=text[:500],
            from_listing=True,
            confirmed_at=timezone.now(),
        )


def _sync_checkins(placement: Placement, *, today: date) -> None:
    """Make the check-in periods from ``today`` on follow the schedule: unwritten periods the
    schedule no longer has are dropped, missing ones are added. Written check-ins and periods
    already past stay as they are."""
    wanted = {
        d
        for d in schedule.due_dates(
            start=placement.start_date,
            end=placement.end_date,
            cadence=placement.checkin_cadence,
            weekday=placement.checkin_weekday,
        )
        if d >= today
    }
    rows = dict(CheckIn.objects.filter(placement=placement).values_list("due_on", "submitted_at"))
    stale = [d for d, submitted in rows.items() if submitted is None and d >= today and d not in wanted]
    if stale:
        CheckIn.objects.filter(placement=placement, due_on__in=stale, submitted_at__isnull=True).delete()
    CheckIn.objects.bulk_create(
        [CheckIn(placement=placement, due_on=d) for d in sorted(wanted - set(rows))], ignore_conflicts=True
    )


# --- goals --------------------------------------------------------------------------------------


def _goal_fields(*, placement: Placement, text: str, due_on: date | None, link: str) -> dict:
    text = _clean_text(text, field="text", limit=500, required=True, label="the goal")
    if due_on is not None and not (placement.start_date <= due_on <= placement.end_date):
        raise ValidationError(
            {
                "due_on": f"Choose a date within the placement ({placement.start_date:%-d %b %Y} – "
                f"{placement.end_date:%-d %b %Y})."
            }
        )
    return {"text": text, "due_on": due_on, "link": _clean_link(link)}


def goal_propose(*, placement: Placement, user, text: str, due_on: date | None = None, link: str = "") -> Goal:
    """The student proposes a learning goal or deliverable (up to six). Goals added after the
    supervisor confirmed the set wait for a new confirmation."""
    with transaction.atomic():
        locked = _lock(placement.pk)
        _side(user, locked, {Side.STUDENT}, "Only the intern proposes goals.")
        _require_active(locked)
        fields = _goal_fields(placement=locked, text=text, due_on=due_on, link=link)
        if locked.goals.count() >= MAX_GOALS:
            raise ValidationError(f"A placement has at most {MAX_GOALS} goals: edit or remove one first.")
        goal = Goal.objects.create(placement=locked, proposed_by=user, **fields)
        if locked.goals_confirmed_at is not None:
            locked.goals_confirmed_at = None
            locked.goals_confirmed_by = None
            locked.save(update_fields=["goals_confirmed_at", "goals_confirmed_by", "updated_at"])
        _tell(
            event="placement.goals_proposed",
            recipients=supervisors_of(locked),
            placement=locked,
            key=f"goal:{goal.pk}:proposed",
            summary=f"New goal proposed for {locked.listing.title}: {goal.text[:80]}",
            goal=goal,
        )
    return goal


def _goal_for_update(goal: Goal) -> tuple[Placement, Goal]:
    locked = _lock(goal.placement_id)
    row = Goal.objects.select_for_update(no_key=True).filter(pk=goal.pk, placement=locked).first()
    if row is None:
        raise ValidationError("This goal no longer exists.")
    return locked, row


def goal_update(
    *,
    goal: Goal,
    user,
    text: str,
    due_on: date | None = None,
    link: str = "",
    if_version: Collection[str] | None = None,
) -> Goal:
    """Edit a goal: the supervisor any goal not yet done, the student their own until confirmed.
    ``if_version``: the goal's versions its editor read (``StaleVersion`` when it changed since)."""
    with transaction.atomic():
        locked, row = _goal_for_update(goal)
        side = _side(user, locked, {Side.STUDENT, Side.SUPERVISOR}, "You cannot edit this placement's goals.")
        check_version(row.version, if_version)
        _require_active(locked)
        if row.done_at is not None:
            raise ValidationError("This goal is done and can no longer be edited.")
        if side == Side.STUDENT and (row.confirmed_at is not None or row.from_listing):
            raise ValidationError("Your supervisor confirmed this goal: ask them to change it.")
        fields = _goal_fields(placement=locked, text=text, due_on=due_on, link=link)
        for name, value in fields.items():
            setattr(row, name, value)
        row.save(update_fields=[*fields, "updated_at"])
    return row


def goal_remove(*, goal: Goal, user, if_version: Collection[str] | None = None) -> None:
    """Remove a goal: the supervisor any goal not yet done, the student their own until confirmed.
    ``if_version``: the goal's versions the remover read (``StaleVersion`` when it changed since)."""
    with transaction.atomic():
        locked, row = _goal_for_update(goal)
        side = _side(user, locked, {Side.STUDENT, Side.SUPERVISOR}, "You cannot remove this placement's goals.")
        check_version(row.version, if_version)
        _require_active(locked)
        if row.done_at is not None:
            raise ValidationError("This goal is done and stays on the record.")
        if side == Side.STUDENT and (row.confirmed_at is not None or row.from_listing):
            raise ValidationError("Your supervisor confirmed this goal: ask them to remove it.")
        row.delete()


def goals_confirm(*, placement: Placement, user) -> Placement:
    """The supervisor confirms the goals as they now stand (two to six)."""
    with transaction.atomic():
        locked = _lock(placement.pk)
        _side(user, locked, {Side.SUPERVISOR}, "Only the organization confirms goals.")
        _require_active(locked)
        count = locked.goals.count()
        if not MIN_GOALS <= count <= MAX_GOALS:
            raise ValidationError(
                f"A placement needs {MIN_GOALS} to {MAX_GOALS} goals before they are confirmed (it has {count})."
            )
        now = timezone.now()
        locked.goals.filter(confirmed_at__isnull=True).update(confirmed_at=now, confirmed_by=user, updated_at=now)
        locked.goals_confirmed_at = now
        locked.goals_confirmed_by = user
        locked.save(update_fields=["goals_confirmed_at", "goals_confirmed_by", "updated_at"])
        _tell(
            event="placement.goals_confirmed",
            recipients=[locked.student],
            placement=locked,
            key=f"goals_confirmed:{now.isoformat()}",
            summary=f"{user.get_full_name()} confirmed your goals for {locked.listing.title}.",
            confirmed_by=user.get_full_name(),
        )
    placement.goals_confirmed_at = locked.goals_confirmed_at
    return locked


def goal_mark_done(*, goal: Goal, user, link: str = "", if_version: Collection[str] | None = None) -> Goal:
    """Either party marks a confirmed goal done, with a link to the work. ``if_version``: the
    goal's versions the marker read (``StaleVersion`` when it changed since)."""
    with transaction.atomic():
        locked, row = _goal_for_update(goal)
        side = _side(user, locked, {Side.STUDENT, Side.SUPERVISOR}, "You cannot change this placement's goals.")
        check_version(row.version, if_version)
        _require_active(locked)
        if row.confirmed_at is None:
            raise ValidationError("Goals are marked done once the supervisor confirmed them.")
        if row.done_at is not None:
            raise ValidationError("This goal is already done.")
        row.done_link = _clean_link(link, field="done_link")
        row.done_at = timezone.now()
        row.done_by = user
        row.save(update_fields=["done_link", "done_at", "done_by", "updated_at"])
        _tell(
            event="placement.goal_done",
            recipients=_other_side(locked, side),
            placement=locked,
            key=f"goal:{row.pk}:done",
            summary=f"Goal done: {row.text[:80]}",
            goal=row,
            done_by=user.get_full_name(),
        )
    return row


# --- schedule and check-ins ---------------------------------------------------------------------


def schedule_set(
    *, placement: Placement, user, cadence: str, weekday: int, if_version: Collection[str] | None = None
) -> Placement:
    """Choose the check-in rhythm (weekly or every two weeks, on a weekday). Periods from today on
    follow the new schedule; written check-ins and past periods stay. ``if_version``: the
    placement's versions its author read (``StaleVersion`` when it changed since)."""
    if cadence not in CheckInCadence.values:
        raise ValidationError({"cadence": "Choose weekly or every two weeks."})
    if weekday not in Weekday.values:
        raise ValidationError({"weekday": "Choose a day of the week."})
    with transaction.atomic():
        locked = _lock(placement.pk)
        side = _side(user, locked, {Side.STUDENT, Side.SUPERVISOR}, "You cannot change this placement's schedule.")
        check_version(locked.version, if_version)
        _require_active(locked)
        if (locked.checkin_cadence, locked.checkin_weekday) == (cadence, weekday):
            return locked
        locked.checkin_cadence = cadence
        locked.checkin_weekday = weekday
        locked.save(update_fields=["checkin_cadence", "checkin_weekday", "updated_at"])
        _sync_checkins(locked, today=schedule.local_today(_student_zone(locked), timezone.now()))
        _tell(
            event="placement.schedule_changed",
            recipients=_other_side(locked, side),
            placement=locked,
            key=f"schedule:{timezone.now().isoformat()}",
            summary=f"Check-ins are now due {locked.get_checkin_cadence_display().lower()} on "
            f"{locked.get_checkin_weekday_display()}.",
            changed_by=user.get_full_name(),
        )
    return locked


def checkin_is_open(*, checkin: CheckIn, placement: Placement, now) -> bool:
    """A period may be written once it has begun (and the placement has started)."""
    today = schedule.local_today(_student_zone(placement), now)
    step = schedule.STEP_DAYS[CheckInCadence(placement.checkin_cadence)]
    return today >= placement.start_date and (checkin.due_on.toordinal() - step) < today.toordinal()


def _clean_hours(hours) -> Decimal:
    try:
        value = Decimal(str(hours)).quantize(Decimal("0.1"))
    except (InvalidOperation, ValueError, TypeError):
        raise ValidationError({"hours": "Enter the hours as a number, e.g. 12.5."}) from None
    if not Decimal(0) <= value <= MAX_HOURS:
        raise ValidationError({"hours": "Enter between 0 and 80 hours."})
    return value


def checkin_submit(
    *,
    checkin: CheckIn,
    user,
    hours,
    done: str,
    blockers: str = "",
    learned: str = "",
    proud_of: str = "",
) -> CheckIn:
    """The student writes a check-in: what was done, hours, blockers and a short reflection.

    The hours are added to the placement's total under its row lock; a placement flagged as
    needing attention is cleared once fewer than two periods are overdue.
    """
    errors = {}
    cleaned = {}
    for name, value, limit, required, label in (
        ("done", done, 4000, True, "what you did"),
        ("blockers", blockers, 2000, False, "the blockers"),
        ("learned", learned, 2000, False, "what you learned"),
        ("proud_of", proud_of, 2000, False, "what you are proud of"),
    ):
        try:
            cleaned[name] = _clean_text(value, field=name, limit=limit, required=required, label=label)
        except ValidationError as exc:
            errors.update(exc.message_dict)
    try:
        cleaned["hours"] = _clean_hours(hours)
    except ValidationError as exc:
        errors.update(exc.message_dict)
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        locked = _lock(checkin.placement_id)
        _side(user, locked, {Side.STUDENT}, "Only the intern writes check-ins.")
        _require_active(locked)
        row = CheckIn.objects.select_for_update(no_key=True).filter(pk=checkin.pk, placement=locked).first()
        if row is None:
            raise ValidationError("This check-in is no longer on the schedule.")
        if row.submitted_at is not None:
            raise ValidationError("This check-in was already sent.")
        now = timezone.now()
        if not checkin_is_open(checkin=row, placement=locked, now=now):
            raise ValidationError(f"The check-in due {row.due_on:%-d %B} opens when its period begins.")
        for name, value in cleaned.items():
            setattr(row, name, value)
        row.submitted_at = now
        row.submitted_by = user
        row.save(update_fields=[*cleaned, "submitted_at", "submitted_by", "updated_at"])
        locked.hours_logged = (locked.hours_logged or 0) + cleaned["hours"]
        fields = ["hours_logged", "updated_at"]
        if locked.attention_since is not None:
            unwritten = CheckIn.objects.filter(placement=locked, submitted_at__isnull=True).values_list(
                "due_on", flat=True
            )
            if not schedule.needs_attention(unwritten, _student_zone(locked), now):
                locked.attention_since = None
                fields.append("attention_since")
        locked.save(update_fields=fields)
        _tell(
            event="placement.checkin_submitted",
            recipients=supervisors_of(locked),
            placement=locked,
            key=f"checkin:{row.pk}:submitted",
            summary=f"{locked.student.get_full_name() if locked.student_id else 'The intern'} wrote the check-in "
            f"due {row.due_on:%-d %B}.",
            checkin=row,
        )
    return row


def checkin_feedback(*, checkin: CheckIn, user, feedback: str, if_version: Collection[str] | None = None) -> CheckIn:
    """The supervisor (or a colleague) answers a written check-in with feedback. ``if_version``:
    the check-in's versions its author read (``StaleVersion`` when it changed since: a colleague
    answered first)."""
    feedback = _clean_text(feedback, field="feedback", limit=4000, required=True, label="your feedback")
    with transaction.atomic():
        locked = _lock(checkin.placement_id)
        _side(user, locked, {Side.SUPERVISOR}, "Only the organization gives feedback on check-ins.")
        row = CheckIn.objects.select_for_update(no_key=True).filter(pk=checkin.pk, placement=locked).first()
        if row is None or row.submitted_at is None:
            raise ValidationError("Feedback answers a check-in the intern has written.")
        check_version(row.version, if_version)
        if row.feedback_at is not None:
            raise ValidationError("This check-in already has feedback.")
        row.feedback = feedback
        row.feedback_by = user
        row.feedback_at = timezone.now()
        row.save(update_fields=["feedback", "feedback_by", "feedback_at", "updated_at"])
        _tell(
            event="placement.checkin_feedback",
            recipients=[locked.student],
            placement=locked,
            key=f"checkin:{row.pk}:feedback",
            summary=f"{user.get_full_name()} answered your check-in due {row.due_on:%-d %B}.",
            checkin=row,
            feedback_by=user.get_full_name(),
        )
    return row


# --- the fee ------------------------------------------------------------------------------------


def deliverable_accept(*, placement: Placement, user) -> PlacementFee:
    """The supervisor accepts a fixed-fee micro-internship's deliverable: the fee becomes due, with
    the hourly rate actually earned (the fee divided by the hours logged so far)."""
    with transaction.atomic():
        locked = _lock(placement.pk)
        _side(user, locked, {Side.SUPERVISOR}, "Only the organization accepts the deliverable.")
        listing = locked.listing
        if listing.compensation_type != Listing.Compensation.FIXED_FEE or not listing.compensation_amount:
            raise ValidationError("Only a fixed-fee placement has a fee to record.")
        if locked.status == P.ENDED_EARLY:
            raise ValidationError("This placement ended early; agree any payment with the intern directly.")
        if PlacementFee.objects.filter(placement=locked).exists():
            raise ValidationError("The deliverable was already accepted.")
        now = timezone.now()
        hours = locked.hours_logged or Decimal(0)
        fee = PlacementFee.objects.create(
            placement=locked,
            amount=listing.compensation_amount,
            currency=listing.currency,
            hours=hours,
            hourly_rate=(listing.compensation_amount / hours).quantize(Decimal("0.01")) if hours > 0 else None,
            accepted_at=now,
            accepted_by=user,
        )
        locked.goals.filter(from_listing=True, done_at__isnull=True, confirmed_at__isnull=False).update(
            done_at=now, done_by=user, updated_at=now
        )
        _tell(
            event="placement.fee_due",
            recipients=[locked.student],
            placement=locked,
            key="fee:due",
            summary=f"Deliverable accepted: {fee.amount} {fee.currency} is due to you.",
            fee=fee,
        )
    return fee


def _fee_move(*, placement: Placement, user, to_status: str) -> tuple[Placement, PlacementFee, Side]:
    locked = _lock(placement.pk)
    fee = PlacementFee.objects.select_for_update(no_key=True).filter(placement=locked).first()
    if fee is None:
        raise ValidationError("No fee is due yet: the deliverable has not been accepted.")
    allowed = FEE_MOVES.get((fee.status, to_status))
    if allowed is None:
        raise ValidationError(f"A fee that is “{fee.get_status_display()}” cannot become “{F(to_status).label}”.")
    side = _side(user, locked, allowed, "You cannot record this step of the fee.")
    return locked, fee, side


def fee_mark_paid(*, placement: Placement, user, paid_on: date) -> PlacementFee:
    """The organization records that it paid the fee, and on which date."""
    with transaction.atomic():
        locked, fee, _ = _fee_move(placement=placement, user=user, to_status=F.PAID)
        if paid_on is None:
            raise ValidationError({"paid_on": "Enter the date the fee was paid."})
        if paid_on > timezone.localdate() or paid_on < timezone.localdate(fee.accepted_at):
            raise ValidationError({"paid_on": "The payment date is between the acceptance and today."})
        fee.status = F.PAID
        fee.paid_on = paid_on
        fee.marked_paid_at = timezone.now()
        fee.marked_paid_by = user
        fee.save(update_fields=["status", "paid_on", "marked_paid_at", "marked_paid_by"])
        _tell(
            event="placement.fee_paid",
            recipients=[locked.student],
            placement=locked,
            key="fee:paid",
            summary=f"{locked.organization.name} marked your fee of {fee.amount} {fee.currency} paid "
            f"on {paid_on:%-d %B %Y}. Confirm when you receive it.",
            fee=fee,
        )
    return fee


def fee_confirm_received(*, placement: Placement, user) -> PlacementFee:
    """The student confirms the fee arrived."""
    with transaction.atomic():
        locked, fee, _ = _fee_move(placement=placement, user=user, to_status=F.RECEIVED)
        fee.status = F.RECEIVED
        fee.received_at = timezone.now()
        fee.save(update_fields=["status", "received_at"])
        _tell(
            event="placement.fee_received",
            recipients=members_of(locked.organization_id),
            placement=locked,
            key="fee:received",
            summary=f"{locked.student.get_full_name() if locked.student_id else 'The intern'} received the fee.",
            fee=fee,
        )
    return fee


# --- ending -------------------------------------------------------------------------------------


def _end(*, placement: Placement, user, to_status: str, reason: str = "") -> Placement:
    with transaction.atomic():
        locked = _lock(placement.pk)
        allowed = PLACEMENT_MOVES.get((locked.status, to_status))
        if allowed is None:
            raise ValidationError(f"This placement is {locked.get_status_display().lower()} already.")
        side = _side(
            user,
            locked,
            allowed,
            "Only the organization marks a placement completed."
            if to_status == P.COMPLETED
            else "You cannot end this placement.",
        )
        now = timezone.now()
        locked.status = to_status
        locked.ended_at = now
        locked.ended_by = user
        locked.end_reason = reason
        locked.attention_since = None
        fields = ["status", "ended_at", "ended_by", "end_reason", "attention_since", "updated_at"]
        if to_status == P.COMPLETED:
            locked.completed_at = now
            fields.append("completed_at")
        locked.save(update_fields=fields)
        # Periods nobody will write any more.
        CheckIn.objects.filter(placement=locked, submitted_at__isnull=True).delete()
        early = to_status == P.ENDED_EARLY
        if early:
            recipients = {u.pk: u for u in [*_other_side(locked, side), *members_of(locked.organization_id)]}
            recipients.pop(user.pk, None)
            summary = f"{locked.listing.title} ended early: {reason[:120]}"
        else:
            recipients = {locked.student.pk: locked.student} if locked.student_id else {}
            summary = f"{locked.listing.title} is completed ({locked.hours_logged} hours logged)."
        recipients.update({u.pk: u for u in careers_of(locked)})
        _tell(
            event="placement.ended_early" if early else "placement.completed",
            recipients=list(recipients.values()),
            placement=locked,
            key="ended",
            summary=summary,
            ended_by=user.get_full_name(),
            reason=reason,
        )
        placement_ended.send(sender=Placement, placement=locked, early=early)
    return locked


def placement_complete(*, placement: Placement, user) -> Placement:
    """The organization marks the placement completed: status, ``completed_at`` and the hours
    logged are what the evaluation that follows reads."""
    return _end(placement=placement, user=user, to_status=P.COMPLETED)


def placement_end_early(*, placement: Placement, user, reason: str) -> Placement:
    """Either party ends the placement before its time, with a reason (career services are told
    when the student is linked to an institution)."""
    reason = _clean_text(reason, field="reason", limit=2000, required=True, label="the reason")
    return _end(placement=placement, user=user, to_status=P.ENDED_EARLY, reason=reason)
