"""Application writes. Every status change is checked against :data:`TRANSITIONS`, one row at a
time (:func:`application_transition`, bulk reject) or as a set (:func:`applications_close_for_listings`):
nothing else assigns ``Application.status``. Every path locks the listing before its applications
(``applications.locks``).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from accounts.models import StudentProfile
from accounts.permissions import is_member
from accounts.selectors import blocked_organization_ids, organization_members_active
from accounts.uploads import resume_check
from listings.models import Listing
from listings.services import listing_close
from notifications.services import Message, notify, notify_each

from .locks import application_lock, applications_lock, listing_lock
from .models import (
    OPEN_STATUSES,
    Application,
    ApplicationNote,
    ApplicationStatus,
    ApplicationStatusChange,
    Placement,
)
from .permissions import apply_refusal, can_review_application, can_view_pipeline
from .signals import applications_left_status

logger = logging.getLogger(__name__)

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


def statuses_movable_to(to_status: str, *, actor: Actor) -> list[str]:
    """The statuses from which ``actor`` may move an application to ``to_status`` (the set-based
    moves select their rows with these)."""
    return [src for (src, dst), who in TRANSITIONS.items() if dst == to_status and who == actor]


def _check_move(*, from_status: str, to_status: str, actor: Actor) -> None:
    if TRANSITIONS.get((from_status, to_status)) != actor:
        raise TransitionError(
            f"An application that is “{_label(from_status)}” cannot be moved to “{_label(to_status)}” by you."
        )


def actor_for(*, application: Application, user) -> Actor:
    """Which side of the application ``user`` is on; refuses everyone else."""
    if user is None:
        return Actor.SYSTEM
    if is_member(user, application.listing.organization_id):
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

    Locks the listing, then the row (``applications.locks``), re-checks the current status under the
    lock (two employers clicking at once cannot both move it), saves with ``update_fields``, records the change and notifies: the
    student for every move, the organization's members when the student acts.
    ``user=None`` is the system (used when a listing closes).

    Accepting an offer creates the placement: it goes through :func:`application_accept_offer`,
    which locks the listing first.
    """
    if to_status == S.ACCEPTED:
        application_accept_offer(application=application, user=user, message=message)
        application.refresh_from_db(fields=["status", "status_changed_at"])
        return application
    with transaction.atomic():
        locked = application_lock(application.pk)
        _move(locked=locked, to_status=to_status, user=user, message=message, offer_start_date=offer_start_date)
    application.status = locked.status
    application.status_changed_at = locked.status_changed_at
    return locked


def _label(status: str) -> str:
    return S(status).label if status in S.values else status


def _move(
    *, locked: Application, to_status: str, user, message: str = "", offer_start_date: date | None = None
) -> ApplicationStatusChange:
    """The move itself, on a row the caller has locked inside its transaction."""
    actor = actor_for(application=locked, user=user)
    _check_move(from_status=locked.status, to_status=to_status, actor=actor)
    message = (message or "").strip()
    if len(message) > 4000:
        raise ValidationError({"message": "Keep the message under 4,000 characters."})
    now = timezone.now()
    if to_status == S.OFFERED and offer_start_date is not None and offer_start_date < timezone.localdate(now):
        raise ValidationError({"offer_start_date": "The proposed start date cannot be in the past."})
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
    applications_left_status.send(
        sender=Application, application_ids=[locked.pk], from_status=from_status, to_status=to_status
    )
    return change


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
        members = organization_members_active(organization_ids=[listing.organization_id])
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

    The system's move to ``closed``, taken from :data:`TRANSITIONS` like every other move, but
    set-based: the listings and then their applications are locked in primary-key order
    (``applications.locks``) and updated in batches, with one history row per application and one
    notification per student and listing. Safe to call twice: the second call finds nothing to
    close. Returns the number of applications closed. Called inside the transaction that ended
    the listings (``listings.signals.listings_ended``).
    """
    if not listing_ids:
        return 0
    closable = statuses_movable_to(S.CLOSED, actor=Actor.SYSTEM)
    closed = 0
    while True:
        with transaction.atomic():
            rows = applications_lock(listing_ids=listing_ids, where=Q(status__in=closable), limit=CLOSE_BATCH)
            if not rows:
                return closed
            for row in rows:
                _check_move(from_status=row.status, to_status=S.CLOSED, actor=Actor.SYSTEM)
            now = timezone.now()
            Application.objects.filter(pk__in=[row.pk for row in rows]).update(status=S.CLOSED, status_changed_at=now)
            ApplicationStatusChange.objects.bulk_create(
                [
                    ApplicationStatusChange(
                        application_id=row.pk, from_status=row.status, to_status=S.CLOSED, actor=actor, message=reason
                    )
                    for row in rows
                ]
            )
            notify_each(
                event="application.closed",
                messages=[
                    Message(
                        recipient=row.student,
                        key=f"application:{row.pk}:closed",
                        context={"listing_title": row.listing.title, "reason": reason},
                        url=f"/applications/{row.pk}/",
                        summary=f"{row.listing.title} is no longer taking applicants.",
                    )
                    for row in rows
                    if row.student is not None
                ],
            )
            for from_status in sorted({row.status for row in rows}):
                applications_left_status.send(
                    sender=Application,
                    application_ids=[row.pk for row in rows if row.status == from_status],
                    from_status=from_status,
                    to_status=S.CLOSED,
                )
            closed += len(rows)


def applications_close_on_listings_ended(*, listing_ids: list[int], reason: str = "", actor=None, **kwargs) -> None:
    """Receiver of ``listings.signals.listings_ended`` (connected in ``ApplicationsConfig.ready``):
    a listing that closes or expires closes its open applications in the same transaction."""
    applications_close_for_listings(listing_ids=listing_ids, reason=reason, actor=actor)


# --- applying -----------------------------------------------------------------------------------


class ApplicationRefused(ValidationError):
    """The student may not apply (listing not open, deadline passed, not eligible, applied)."""


@dataclass(frozen=True)
class ApplyContext:
    """What decides whether a student may apply: read once, shown on the listing page too."""

    country: str
    has_applied: bool
    blocked: bool
    has_profile_resume: bool
    refusal: str | None


def application_apply_context(*, student, listing: Listing) -> ApplyContext:
    """Whether ``student`` may apply to ``listing`` now, and why not (three small queries)."""
    profile = (
        StudentProfile.objects.filter(user_id=getattr(student, "pk", None))
        .values("country", "institution_id", "resume")
        .first()
        or {}
    )
    has_applied = bool(
        getattr(student, "pk", None) and Application.objects.filter(listing=listing, student=student).exists()
    )
    blocked = bool(
        profile.get("institution_id")
        and blocked_organization_ids(institution_id=profile["institution_id"])
        .filter(organization_id=listing.organization_id)
        .exists()
    )
    country = profile.get("country") or ""
    refusal = apply_refusal(
        user=student, listing=listing, country=country, has_applied=has_applied, blocked=blocked, now=timezone.now()
    )
    return ApplyContext(
        country=country,
        has_applied=has_applied,
        blocked=blocked,
        has_profile_resume=bool(profile.get("resume")),
        refusal=refusal,
    )


MAX_ANSWER_LENGTH = 4000


def application_submit(
    *,
    student,
    listing: Listing,
    cover_letter: str,
    answers: dict[int, str] | None = None,
    resume_upload=None,
    use_profile_resume: bool = True,
) -> Application:
    """Apply to a listing: cover letter, a résumé snapshot (a new upload, else a copy of the
    profile's résumé) and answers to the screening questions, each stored with its prompt.

    Refuses with :class:`ApplicationRefused` when the student may not apply, and with a
    ``ValidationError`` naming each bad field (nothing is saved either way). One application per
    student and listing is enforced by the database: of concurrent submits one wins and the
    others are refused clearly. The organization's members are notified.
    """
    ctx = application_apply_context(student=student, listing=listing)
    if ctx.refusal:
        raise ApplicationRefused(ctx.refusal, code="refused")

    errors: dict[str, list[str]] = {}
    cover_letter = (cover_letter or "").strip()
    if not cover_letter:
        errors.setdefault("cover_letter", []).append("Write a short cover letter.")
    elif len(cover_letter) > 6000:
        errors.setdefault("cover_letter", []).append("Keep the cover letter under 6,000 characters.")

    answers = {int(k): (v or "").strip() for k, v in (answers or {}).items()}
    stored_answers: dict[str, dict[str, str]] = {}
    for question in listing.questions.all():
        answer = answers.get(question.pk, "")
        if question.required and not answer:
            errors.setdefault(f"answer_{question.pk}", []).append("This question needs an answer.")
        elif len(answer) > MAX_ANSWER_LENGTH:
            errors.setdefault(f"answer_{question.pk}", []).append("Keep the answer under 4,000 characters.")
        if answer:
            stored_answers[str(question.pk)] = {"prompt": question.prompt, "answer": answer}

    resume_content = None
    if resume_upload is not None:
        try:
            resume_check(resume_upload)  # the same rules as the profile résumé
        except ValidationError as exc:
            errors.setdefault("resume", []).extend(exc.messages)
        else:
            resume_content = ContentFile(resume_upload.read())
    elif use_profile_resume and ctx.has_profile_resume:
        profile = StudentProfile.objects.only("resume").get(user=student)
        with profile.resume.open("rb") as fh:
            resume_content = ContentFile(fh.read())
    if listing.requires_resume and resume_content is None and "resume" not in errors:
        errors.setdefault("resume", []).append(
            "This listing asks for a résumé: upload a PDF, or add one to your profile."
        )
    if errors:
        raise ValidationError(errors)

    application = Application(listing=listing, student=student, cover_letter=cover_letter, answers=stored_answers)
    if resume_content is not None:
        # Written before the row; removed again if the row is refused.
        application.resume.save("resume.pdf", resume_content, save=False)
    try:
        with transaction.atomic():
            # Serialises applying with closing: a listing that closes while someone applies either
            # sees the application (and closes it) or the applicant sees the closed listing.
            current = listing_lock(listing.pk)
            if current.status != Listing.Status.PUBLISHED:
                raise ApplicationRefused("This listing is not open for applications.", code="refused")
            try:
                with transaction.atomic():
                    application.save()
            except IntegrityError as exc:
                raise ApplicationRefused("You have already applied to this listing.", code="duplicate") from exc
            ApplicationStatusChange.objects.create(
                application=application, from_status="", to_status=S.SUBMITTED, actor=student
            )
            members = organization_members_active(organization_ids=[listing.organization_id])
            notify(
                event="application.submitted",
                recipients=list(members),
                key=f"application:{application.pk}:submitted",
                context={"application": application, "listing": listing, "organization": listing.organization},
                url=f"/employer/applications/{application.pk}/",
                summary=f"New applicant for {listing.title}",
            )
    except BaseException:
        if application.resume:
            application.resume.storage.delete(application.resume.name)
        raise
    return application


# --- offers and placements ----------------------------------------------------------------------


# An offer may be accepted while the listing runs (an unverified organization's edit may send it
# back to review); once it closed or expired, its open applications are closed too.
ACCEPTING_LISTING_STATUSES = (Listing.Status.PUBLISHED, Listing.Status.PENDING_REVIEW)


def placement_dates(*, application: Application, listing: Listing, today: date) -> tuple[date, date]:
    """Start on the proposed date, else the listing's start date, else today; end after the duration."""
    start = application.offer_start_date or listing.start_date or today
    start = max(start, today)
    return start, start + timedelta(days=listing.duration_days)


def application_accept_offer(*, application: Application, user, message: str = "") -> Placement:
    """The student accepts an offer: the application becomes ``accepted`` and a Placement is created
    (supervisor: the member who made the offer).

    Locks the listing row first, then the application (``applications.locks``), so two students accepting the last opening
    at once are served one after the other: the first gets the placement, the second a clear
    refusal. When accepted placements reach the listing's openings the listing closes itself
    ("filled"), which closes every application still open and tells each student.
    """
    with transaction.atomic():
        listing = listing_lock(application.listing_id)
        locked = application_lock(application.pk)
        actor = actor_for(application=locked, user=user)
        filled = Placement.objects.filter(listing=listing).count()
        if (
            actor == Actor.STUDENT
            and locked.status in (S.OFFERED, S.CLOSED)
            and (filled >= listing.openings or listing.status not in ACCEPTING_LISTING_STATUSES)
        ):
            raise TransitionError(
                "Sorry: this listing's openings have all been filled or it has closed, "
                "so the offer can no longer be accepted."
            )
        _move(locked=locked, to_status=S.ACCEPTED, user=user, message=message)
        offer = (
            ApplicationStatusChange.objects.filter(application=locked, to_status=S.OFFERED)
            .order_by("-created_at", "-pk")
            .first()
        )
        start, end = placement_dates(application=locked, listing=listing, today=timezone.localdate())
        placement = Placement.objects.create(
            application=locked,
            student=locked.student,
            listing=listing,
            organization_id=listing.organization_id,
            supervisor_id=offer.actor_id if offer else None,
            start_date=start,
            end_date=end,
        )
        if filled + 1 >= listing.openings and listing.status in ACCEPTING_LISTING_STATUSES:
            listing_close(listing=listing, actor=None, reason="filled")
    application.status = locked.status
    return placement


# --- the employer's pipeline --------------------------------------------------------------------


def applications_bulk_reject(*, listing: Listing, application_ids: list[int], user, message: str = "") -> int:
    """Reject many applicants of one listing with one message; each is told once.

    The listing is locked first, then the applications in primary-key order (``applications.locks``),
    the order every other path takes; applications that are no longer open (or that belong to
    another listing) are left alone. Returns how many were rejected.
    """
    if not can_view_pipeline(user, listing):
        raise PermissionDenied("You cannot change these applications.")
    rejected = 0
    with transaction.atomic():
        rows = applications_lock(
            listing_ids=[listing.pk],
            where=Q(pk__in=application_ids, status__in=statuses_movable_to(S.REJECTED, actor=Actor.EMPLOYER)),
        )
        for row in rows:
            _move(locked=row, to_status=S.REJECTED, user=user, message=message)
            rejected += 1
    return rejected


def application_note_add(*, application: Application, author, body: str) -> ApplicationNote:
    """A private note of the organization's team on an applicant (never shown to the student)."""
    if not can_review_application(author, application):
        raise PermissionDenied("You cannot add notes to this application.")
    body = (body or "").strip()
    if not body:
        raise ValidationError({"body": "Write the note first."})
    if len(body) > 4000:
        raise ValidationError({"body": "Keep notes under 4,000 characters."})
    with transaction.atomic():
        return ApplicationNote.objects.create(application=application, author=author, body=body)


def applications_anonymise_on_account_deleted(*, user_id: int, **kwargs) -> list[tuple]:
    """Receiver of ``accounts.signals.account_anonymising`` (connected in ``ApplicationsConfig.ready``)."""
    return applications_anonymise_for_student(student_id=user_id)


def applications_anonymise_for_student(*, student_id: int) -> list[tuple]:
    """Scrub what a deleting student wrote (cover letters, answers, team notes about them stay with
    the organization that wrote them) while keeping the rows, so counts and statuses stay true.

    Returns the (storage, name) of résumé snapshots for the caller to delete after commit.
    """
    rows = Application.objects.filter(student_id=student_id).exclude(cover_letter="", answers={}, resume="")
    files = [(app.resume.storage, app.resume.name) for app in rows.only("pk", "resume") if app.resume]
    rows.update(cover_letter="", answers={}, resume="")
    ApplicationStatusChange.objects.filter(application__student_id=student_id, actor_id=student_id).update(message="")
    return files
