"""The writes at the end of a placement: opening the evaluation, each party's submission, what the
intern publishes, the organization's reply, the certificate and its credential, key rotation,
revocation and the portfolio. Each runs in ``transaction.atomic()``, locks the row it changes and
records its notifications in the same transaction (emails leave after commit)."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify

from applications.models import Placement
from notifications.services import notify
from placements.permissions import Side, side_of
from placements.services import supervisors_of

from . import credentials, permissions
from .choices import EMPLOYER_KEYS, RATINGS, SKILL_KEYS, WINDOW_DAYS
from .models import Certificate, Evaluation, Portfolio, SigningKey


def _url(placement_id: int) -> str:
    return reverse("evaluations:evaluation", args=[placement_id])


def _student_name(placement: Placement) -> str:
    return placement.student.get_full_name() if placement.student_id else "The intern"


def _tell(*, event: str, recipients, placement: Placement, key: str, summary: str, url: str = "", **context):
    notify(
        event=event,
        recipients=[r for r in recipients if r is not None],
        key=f"placement:{placement.pk}:{key}",
        context={
            "placement": placement,
            "listing": placement.listing,
            "organization": placement.organization,
            "student_name": _student_name(placement),
            **context,
        },
        url=url or _url(placement.pk),
        summary=summary,
    )


# --- opening (on placements.signals.placement_ended) ------------------------------------------------


def evaluation_open(*, placement: Placement, now: datetime | None = None) -> Evaluation:
    """Open the two-way evaluation of a placement that just ended, for ``WINDOW_DAYS`` days, and
    tell both parties. Runs in the transaction that ended the placement (the row is locked)."""
    now = now or timezone.now()
    evaluation, created = Evaluation.objects.get_or_create(
        placement=placement, defaults={"opened_at": now, "closes_at": now + timedelta(days=WINDOW_DAYS)}
    )
    if created:
        closes = timezone.localtime(evaluation.closes_at)
        _tell(
            event="evaluation.opened",
            recipients=[placement.student, *supervisors_of(placement)],
            placement=placement,
            key="evaluation:opened",
            summary=f"Evaluate {placement.listing.title} by {closes:%-d %B}: answers are shown once both are in.",
            closes_at=evaluation.closes_at,
        )
    return evaluation


# --- the two submissions ----------------------------------------------------------------------------


def _lock(placement_id: int) -> tuple[Placement, Evaluation]:
    placement = (
        Placement.objects.select_for_update(no_key=True, of=("self",))
        .select_related("listing", "organization", "student__student_profile", "supervisor")
        .get(pk=placement_id)
    )
    evaluation = Evaluation.objects.select_for_update(no_key=True).filter(placement=placement).first()
    if evaluation is None:
        raise ValidationError("The evaluation opens when the placement is completed or ends early.")
    return placement, evaluation


def _clean_ratings(ratings: dict, keys, prefix: str) -> dict[str, int]:
    errors, cleaned = {}, {}
    for key in keys:
        value = ratings.get(key)
        try:
            value = int(value)
        except (TypeError, ValueError):
            value = None
        if value not in RATINGS:
            errors[key] = "Choose a rating from 1 to 5."
        else:
            cleaned[f"{prefix}_{key}"] = value
    if errors:
        raise ValidationError(errors)
    return cleaned


def _clean_text(value, *, field: str, limit: int, label: str) -> str:
    value = (value or "").strip()
    if len(value) > limit:
        raise ValidationError({field: f"Keep {label} under {limit:,} characters."})
    return value


def _submit_checks(user, placement: Placement, evaluation: Evaluation, side: Side, now) -> None:
    actual = side_of(user, placement)
    if actual != side:
        raise PermissionDenied(
            "Only the organization evaluates the intern."
            if side == Side.SUPERVISOR
            else "Only the intern self-assesses."
        )
    if permissions.has_submitted(evaluation, side):
        raise ValidationError("You already submitted your evaluation.")
    if not permissions.is_open(evaluation, now):
        raise ValidationError("The evaluation window has closed.")


def _after_submission(placement: Placement, evaluation: Evaluation, side: Side, now) -> None:
    if permissions.is_revealed(evaluation, now) and evaluation.revealed_told_at is None:
        evaluation.revealed_told_at = now
        evaluation.save(update_fields=["revealed_told_at"])
        _tell(
            event="evaluation.revealed",
            recipients=[placement.student, *supervisors_of(placement)],
            placement=placement,
            key="evaluation:revealed",
            summary=f"Both evaluations of {placement.listing.title} are in: see them side by side.",
        )
    else:
        other = supervisors_of(placement) if side == Side.STUDENT else [placement.student]
        _tell(
            event="evaluation.reminder",
            recipients=other,
            placement=placement,
            key=f"evaluation:{side}:submitted",
            summary=f"The other side evaluated {placement.listing.title}: add yours to see both.",
        )


def supervisor_evaluation_submit(
    *, placement: Placement, user, ratings: dict, comments: str = "", endorsement: str = ""
) -> Evaluation:
    """The supervisor (or a colleague) rates the intern on the fixed skills, once."""
    cleaned = _clean_ratings(ratings, SKILL_KEYS, "sup")
    comments = _clean_text(comments, field="comments", limit=4000, label="the comments")
    endorsement = _clean_text(endorsement, field="endorsement", limit=300, label="the endorsement")
    with transaction.atomic():
        locked, evaluation = _lock(placement.pk)
        now = timezone.now()
        _submit_checks(user, locked, evaluation, Side.SUPERVISOR, now)
        for name, value in cleaned.items():
            setattr(evaluation, name, value)
        evaluation.supervisor_comments = comments
        evaluation.endorsement = endorsement
        evaluation.supervisor_average = round(sum(cleaned.values()) / len(cleaned), 2)
        evaluation.supervisor_submitted_at = now
        evaluation.supervisor_by = user
        evaluation.save(
            update_fields=[
                *cleaned,
                "supervisor_comments",
                "endorsement",
                "supervisor_average",
                "supervisor_submitted_at",
                "supervisor_by",
            ]
        )
        _after_submission(locked, evaluation, Side.SUPERVISOR, now)
    return evaluation


def student_evaluation_submit(
    *,
    placement: Placement,
    user,
    self_ratings: dict,
    review_ratings: dict,
    would_recommend: bool | None,
    self_comments: str = "",
    review_comments: str = "",
) -> Evaluation:
    """The intern rates themselves on the same skills and reviews the organization, once."""
    errors = {}
    cleaned = {}
    for ratings, keys, prefix in ((self_ratings, SKILL_KEYS, "self"), (review_ratings, EMPLOYER_KEYS, "rev")):
        try:
            cleaned.update(_clean_ratings(ratings, keys, prefix))
        except ValidationError as exc:
            errors.update({f"{prefix}_{k}": v for k, v in exc.message_dict.items()})
    if would_recommend not in (True, False):
        errors["would_recommend"] = "Say whether you would recommend this organization."
    if errors:
        raise ValidationError(errors)
    self_comments = _clean_text(self_comments, field="self_comments", limit=4000, label="your comments")
    review_comments = _clean_text(review_comments, field="review_comments", limit=4000, label="your review")
    with transaction.atomic():
        locked, evaluation = _lock(placement.pk)
        now = timezone.now()
        _submit_checks(user, locked, evaluation, Side.STUDENT, now)
        for name, value in cleaned.items():
            setattr(evaluation, name, value)
        evaluation.would_recommend = would_recommend
        evaluation.self_comments = self_comments
        evaluation.review_comments = review_comments
        evaluation.student_submitted_at = now
        evaluation.save(
            update_fields=[*cleaned, "would_recommend", "self_comments", "review_comments", "student_submitted_at"]
        )
        _after_submission(locked, evaluation, Side.STUDENT, now)
    return evaluation


def evaluation_publish_set(
    *, placement: Placement, user, endorsement_published: bool, ratings_published: bool
) -> Evaluation:
    """The intern chooses whether the supervisor's endorsement and ratings appear on the verify
    page and the portfolio."""
    with transaction.atomic():
        locked, evaluation = _lock(placement.pk)
        if not permissions.can_publish(side_of(user, locked), evaluation, timezone.now()):
            if side_of(user, locked) != Side.STUDENT:
                raise PermissionDenied("Only the intern decides what is published.")
            raise ValidationError("You can publish the evaluation once the supervisor's is revealed.")
        evaluation.endorsement_published = bool(endorsement_published) and bool(evaluation.endorsement)
        evaluation.ratings_published = bool(ratings_published)
        evaluation.save(update_fields=["endorsement_published", "ratings_published"])
    return evaluation


def review_reply(*, evaluation: Evaluation, user, text: str) -> Evaluation:
    """The organization's one public reply to a review."""
    text = _clean_text(text, field="reply", limit=2000, label="the reply")
    if not text:
        raise ValidationError({"reply": "Write the reply first."})
    with transaction.atomic():
        locked, row = _lock(evaluation.placement_id)
        now = timezone.now()
        if not permissions.can_reply(user, row, locked.organization_id, now):
            if row.reply_at is not None:
                raise ValidationError("This review already has the organization's reply.")
            raise PermissionDenied("Only the reviewed organization replies, once the review is shown.")
        row.reply = text
        row.reply_by = user
        row.reply_at = now
        row.save(update_fields=["reply", "reply_by", "reply_at"])
        _tell(
            event="evaluation.review_replied",
            recipients=[locked.student],
            placement=locked,
            key="evaluation:reply",
            summary=f"{locked.organization.name} replied to your review.",
            url=reverse("evaluations:organization_reviews", args=[locked.organization.slug]),
        )
    return row


# --- signing keys ------------------------------------------------------------------------------------


def signing_key_active() -> SigningKey:
    """The key that signs new credentials; the first one is made on first use."""
    key = SigningKey.objects.filter(active=True).first()
    if key is not None:
        return key
    return signing_key_rotate()


def signing_key_rotate() -> SigningKey:
    """A new active key; the previous one is retired but stays published, so every credential it
    signed still verifies."""
    new = credentials.key_generate(secret=settings.SECRET_KEY)
    with transaction.atomic():
        now = timezone.now()
        list(SigningKey.objects.select_for_update().filter(active=True))
        SigningKey.objects.filter(active=True).update(active=False, retired_at=now)
        try:
            with transaction.atomic():
                return SigningKey.objects.create(
                    kid=new.kid, private_key_encrypted=new.private_key_encrypted, public_key=new.public_key, active=True
                )
        except IntegrityError:
            # Another rotation won the race: use its key.
            return SigningKey.objects.get(active=True)


# --- the certificate -------------------------------------------------------------------------------


def _facts(certificate: Certificate, email: str) -> credentials.CredentialFacts:
    identity_hash, salt = credentials.identity(email)
    return credentials.CredentialFacts(
        credential_id=certificate.credential_id,
        code=certificate.code,
        student_name=certificate.student_name,
        identity_hash=identity_hash,
        identity_salt=salt,
        organization_name=certificate.organization_name,
        listing_title=certificate.listing_title,
        start_date=certificate.start_date.isoformat(),
        end_date=certificate.end_date.isoformat(),
        hours=f"{certificate.hours:f}",
        supervisor_name=certificate.supervisor_name,
        goals=[g["text"] for g in certificate.goals],
        issued_at=certificate.issued_at,
    )


def certificate_issue(*, placement: Placement, now: datetime | None = None) -> Certificate:
    """Write the certificate of a completed placement and sign its Open Badges credential. Runs in
    the transaction that completed the placement; issuing twice returns the first one."""
    existing = Certificate.objects.filter(placement=placement).first()
    if existing is not None:
        return existing
    if placement.status != Placement.Status.COMPLETED:
        raise ValidationError("A certificate is issued for a completed placement.")
    now = now or timezone.now()
    key = signing_key_active()
    goals = [
        {"text": g.text, "done": g.done_at is not None} for g in placement.goals.filter(confirmed_at__isnull=False)
    ]
    certificate = Certificate(
        placement=placement,
        issued_at=now,
        student_name=placement.student.get_full_name() if placement.student_id else "Former user",
        organization_name=placement.organization.name,
        listing_title=placement.listing.title,
        start_date=placement.start_date,
        end_date=timezone.localdate(placement.completed_at) if placement.completed_at else placement.end_date,
        hours=placement.hours_logged or 0,
        supervisor_name=placement.supervisor.get_full_name() if placement.supervisor_id else "",
        goals=goals,
        credential_id=f"urn:uuid:{uuid.uuid4()}",
        signing_kid=key.kid,
    )
    if certificate.end_date < certificate.start_date:
        certificate.end_date = certificate.start_date
    credential = credentials.credential_build(
        _facts(certificate, placement.student.email if placement.student_id else ""),
        site_url=settings.SITE_URL,
        issuer_name=settings.SITE_NAME,
    )
    try:
        token = credentials.jwt_sign(
            credential, kid=key.kid, private_key_encrypted=key.private_key_encrypted, secret=settings.SECRET_KEY
        )
    except ValueError:
        # The active key was encrypted under an earlier SECRET_KEY: a new key signs from now on (the
        # old public key stays published), so completing a placement never fails on it.
        key = signing_key_rotate()
        certificate.signing_kid = key.kid
        token = credentials.jwt_sign(
            credential, kid=key.kid, private_key_encrypted=key.private_key_encrypted, secret=settings.SECRET_KEY
        )
    certificate.credential_jwt = token
    certificate.save()
    _tell(
        event="certificate.issued",
        recipients=[placement.student],
        placement=placement,
        key="certificate:issued",
        summary=f"Your certificate for {placement.listing.title} is ready (code {certificate.code}).",
        code=certificate.code,
        verify_url=reverse("evaluations:verify", args=[certificate.code]),
    )
    return certificate


def certificate_revoke(*, certificate: Certificate, user, reason: str) -> Certificate:
    """Site staff revoke a certificate: the verify page and the credential's status say so."""
    if not permissions.can_revoke_certificates(user):
        raise PermissionDenied("Only site staff revoke certificates.")
    reason = _clean_text(reason, field="reason", limit=300, label="the reason")
    if not reason:
        raise ValidationError({"reason": "Give the reason for revoking the certificate."})
    with transaction.atomic():
        row = Certificate.objects.select_for_update().select_related("placement__listing").get(pk=certificate.pk)
        if row.revoked_at is not None:
            return row
        row.revoked_at = timezone.now()
        row.revoked_reason = reason
        row.revoked_by = user
        row.save(update_fields=["revoked_at", "revoked_reason", "revoked_by"])
        placement = (
            Placement.objects.select_related("listing", "organization", "student").filter(pk=row.placement_id).first()
        )
        _tell(
            event="certificate.revoked",
            recipients=[placement.student],
            placement=placement,
            key="certificate:revoked",
            summary=f"Your certificate {row.code} was revoked: {reason}",
            reason=reason,
            code=row.code,
            url=reverse("evaluations:verify", args=[row.code]),
        )
    return row


# --- the portfolio ---------------------------------------------------------------------------------


def portfolio_for(student) -> Portfolio:
    """The student's portfolio settings (made, off, on first use)."""
    portfolio, _ = Portfolio.objects.get_or_create(student=student)
    return portfolio


def portfolio_update(*, student, is_public: bool, slug: str = "", headline: str = "", shown_goal_ids=()) -> Portfolio:
    """Switch the public portfolio on or off, choose its address, headline and the work links shown.
    Off makes the page answer 404 at once (it is read on every request)."""
    if not getattr(student, "is_student", False):
        raise PermissionDenied("Only students have a portfolio.")
    headline = _clean_text(headline, field="headline", limit=200, label="the headline")
    slug = slugify(slug or "")[:60]
    with transaction.atomic():
        portfolio = portfolio_for(student)
        portfolio = Portfolio.objects.select_for_update().get(pk=portfolio.pk)
        fields = ["is_public", "headline", "shown_goal_ids", "updated_at"]
        if slug and slug != portfolio.slug:
            if len(slug) < 3:
                raise ValidationError({"slug": "Use at least 3 letters or digits for the address."})
            if Portfolio.objects.filter(slug=slug).exclude(pk=portfolio.pk).exists():
                raise ValidationError({"slug": "This address is taken: choose another."})
            portfolio.slug = slug
            fields.append("slug")
        allowed = set(
            Placement.objects.filter(student=student, status=Placement.Status.COMPLETED)
            .filter(goals__done_at__isnull=False)
            .values_list("goals__pk", flat=True)
        )
        portfolio.shown_goal_ids = sorted({int(g) for g in shown_goal_ids if int(g) in allowed})
        portfolio.is_public = bool(is_public)
        portfolio.headline = headline
        try:
            with transaction.atomic():
                portfolio.save(update_fields=fields)
        except IntegrityError:
            raise ValidationError({"slug": "This address is taken: choose another."}) from None
    return portfolio
