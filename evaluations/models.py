"""The rows of the end of a placement: its two-way evaluation (with the intern's review of the
organization), its certificate, the keys that sign the Open Badges credentials, and portfolios."""

from __future__ import annotations

import secrets

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q

from applications.models import Placement

from .choices import EMPLOYER_KEYS, SKILL_KEYS, SKILLS


def _rating(**kwargs):
    return models.PositiveSmallIntegerField(
        null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(5)], **kwargs
    )


def _ratings_in_range(prefix: str, keys) -> list[models.CheckConstraint]:
    return [
        models.CheckConstraint(
            condition=Q(**{f"{prefix}_{k}__isnull": True}) | Q(**{f"{prefix}_{k}__gte": 1, f"{prefix}_{k}__lte": 5}),
            name=f"evaluation_{prefix}_{k}_1_to_5",
        )
        for k in keys
    ]


class EvaluationQuerySet(models.QuerySet):
    def revealed(self, now):
        """The reveal rule as a filter (the same as ``permissions.is_revealed``)."""
        return self.filter(
            Q(supervisor_submitted_at__isnull=False, student_submitted_at__isnull=False) | Q(closes_at__lte=now)
        )

    def reviews(self, now):
        """Submitted reviews of organizations that their readers may see (revealed)."""
        return self.revealed(now).filter(student_submitted_at__isnull=False)


class Evaluation(models.Model):
    """The two-way evaluation of a placement, opened when it ends, for ``choices.WINDOW_DAYS`` days.

    The supervisor rates the intern (``sup_*``), with comments and an optional endorsement; the
    intern rates themselves on the same skills (``self_*``) and reviews the organization
    (``rev_*``, would recommend). Neither side reads the other's answers until both are in or the
    window closed (``permissions.is_revealed``).
    """

    placement = models.OneToOneField(Placement, on_delete=models.CASCADE, related_name="evaluation")
    opened_at = models.DateTimeField()
    closes_at = models.DateTimeField()
    # The supervisor's side.
    sup_communication = _rating()
    sup_quality = _rating()
    sup_reliability = _rating()
    sup_initiative = _rating()
    sup_remote = _rating()
    supervisor_comments = models.TextField(blank=True, max_length=4000)
    endorsement = models.CharField(blank=True, max_length=300)
    supervisor_average = models.DecimalField(max_digits=3, decimal_places=2, null=True, blank=True)
    supervisor_submitted_at = models.DateTimeField(null=True, blank=True)
    supervisor_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # The intern's side: the self-assessment and the review of the organization.
    self_communication = _rating()
    self_quality = _rating()
    self_reliability = _rating()
    self_initiative = _rating()
    self_remote = _rating()
    self_comments = models.TextField(blank=True, max_length=4000)
    rev_supervision = _rating()
    rev_feedback = _rating()
    rev_clarity = _rating()
    rev_learning = _rating()
    would_recommend = models.BooleanField(null=True, blank=True)
    review_comments = models.TextField(blank=True, max_length=4000)
    student_submitted_at = models.DateTimeField(null=True, blank=True)
    # What the intern chose to publish (verify page, portfolio, credential).
    endorsement_published = models.BooleanField(default=False)
    ratings_published = models.BooleanField(default=False)
    # The organization's one public reply to the review.
    reply = models.TextField(blank=True, max_length=2000)
    reply_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    reply_at = models.DateTimeField(null=True, blank=True)
    # Reminders sent (each once) to whoever had not submitted on day 3 and day 10; revealed told once.
    reminded_day3_at = models.DateTimeField(null=True, blank=True)
    reminded_day10_at = models.DateTimeField(null=True, blank=True)
    revealed_told_at = models.DateTimeField(null=True, blank=True)

    objects = EvaluationQuerySet.as_manager()

    class Meta:
        constraints = [
            *_ratings_in_range("sup", SKILL_KEYS),
            *_ratings_in_range("self", SKILL_KEYS),
            *_ratings_in_range("rev", EMPLOYER_KEYS),
            models.CheckConstraint(condition=Q(closes_at__gt=models.F("opened_at")), name="evaluation_window_order"),
            models.CheckConstraint(
                condition=Q(supervisor_submitted_at__isnull=True)
                | Q(
                    sup_communication__isnull=False,
                    sup_quality__isnull=False,
                    sup_reliability__isnull=False,
                    sup_initiative__isnull=False,
                    sup_remote__isnull=False,
                ),
                name="evaluation_supervisor_complete",
            ),
            models.CheckConstraint(
                condition=Q(student_submitted_at__isnull=True)
                | Q(
                    self_communication__isnull=False,
                    self_quality__isnull=False,
                    self_reliability__isnull=False,
                    self_initiative__isnull=False,
                    self_remote__isnull=False,
                    rev_supervision__isnull=False,
                    rev_feedback__isnull=False,
                    rev_clarity__isnull=False,
                    rev_learning__isnull=False,
                    would_recommend__isnull=False,
                ),
                name="evaluation_student_complete",
            ),
            models.CheckConstraint(
                condition=Q(reply_at__isnull=True) | Q(student_submitted_at__isnull=False),
                name="evaluation_reply_to_a_review",
            ),
        ]
        indexes = [
            # The reminder job's scan: open evaluations with one side missing.
            models.Index(
                fields=["opened_at", "id"],
                condition=Q(supervisor_submitted_at__isnull=True) | Q(student_submitted_at__isnull=True),
                name="evaluation_waiting",
            ),
        ]

    def __str__(self):
        return f"Evaluation of placement #{self.placement_id}"

    def supervisor_ratings(self) -> dict[str, int | None]:
        return {k: getattr(self, f"sup_{k}") for k in SKILL_KEYS}

    def self_ratings(self) -> dict[str, int | None]:
        return {k: getattr(self, f"self_{k}") for k in SKILL_KEYS}

    def review_ratings(self) -> dict[str, int | None]:
        return {k: getattr(self, f"rev_{k}") for k in EMPLOYER_KEYS}

    def published_ratings(self) -> list[tuple[str, int]]:
        """The supervisor's ratings as the intern may publish them (labels and values)."""
        if self.supervisor_submitted_at is None:
            return []
        return [(c.label, getattr(self, f"sup_{c.key}")) for c in SKILLS]


def certificate_code() -> str:
    """16 characters from an alphabet without look-alikes: 80 bits, not guessable."""
    alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
    return "".join(secrets.choice(alphabet) for _ in range(16))


class Certificate(models.Model):
    """The certificate of completion: what it says is written once, when the placement is completed,
    so the PDF, the verify page and the credential always agree (a later change of name or title
    does not alter an issued certificate)."""

    placement = models.OneToOneField(Placement, on_delete=models.PROTECT, related_name="certificate")
    code = models.CharField(max_length=16, unique=True, default=certificate_code)
    issued_at = models.DateTimeField()
    student_name = models.CharField(max_length=200)
    organization_name = models.CharField(max_length=200)
    listing_title = models.CharField(max_length=200)
    start_date = models.DateField()
    end_date = models.DateField()
    hours = models.DecimalField(max_digits=6, decimal_places=1)
    supervisor_name = models.CharField(max_length=200, blank=True)
    # [{"text": ..., "done": bool}] as confirmed at completion.
    goals = models.JSONField(default=list, blank=True)
    # The signed Open Badges 3.0 credential (compact VC-JWT) and the key that signed it.
    credential_id = models.CharField(max_length=64, unique=True)
    credential_jwt = models.TextField()
    signing_kid = models.CharField(max_length=64)
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_reason = models.CharField(max_length=300, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(revoked_at__isnull=True) | ~Q(revoked_reason=""), name="certificate_revoked_has_reason"
            )
        ]
        indexes = [
            models.Index(fields=["revoked_at"], condition=Q(revoked_at__isnull=False), name="certificate_revoked")
        ]

    def __str__(self):
        return f"Certificate {self.code}"

    @property
    def is_revoked(self) -> bool:
        return self.revoked_at is not None


class SigningKey(models.Model):
    """An Ed25519 key that signs credentials. The private half is stored encrypted (``keys``); only
    one key is active; retired keys stay published so credentials they signed keep verifying."""

    kid = models.CharField(max_length=64, unique=True)
    private_key_encrypted = models.TextField()
    public_key = models.CharField(max_length=64)  # raw 32 bytes, base64url
    active = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    retired_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["active"], condition=Q(active=True), name="one_active_signing_key")
        ]

    def __str__(self):
        return self.kid


def portfolio_slug() -> str:
    return secrets.token_urlsafe(12).lower().replace("_", "-")


class Portfolio(models.Model):
    """A student's opt-in public page of completed placements. Off by default."""

    student = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="portfolio")
    slug = models.SlugField(max_length=60, unique=True, default=portfolio_slug)
    is_public = models.BooleanField(default=False)
    headline = models.CharField(max_length=200, blank=True)
    # Goals whose work links the student shows (ids of their placements' goals).
    shown_goal_ids = models.JSONField(default=list, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self):
        return f"Portfolio {self.slug}"
