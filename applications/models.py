import secrets
import uuid

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q

from accounts.models import Organization, private_storage
from listings.models import Listing


class ApplicationStatus(models.TextChoices):
    SUBMITTED = "submitted", "Submitted"
    IN_REVIEW = "in_review", "In review"
    SHORTLISTED = "shortlisted", "Shortlisted"
    INTERVIEW = "interview", "Interview"
    OFFERED = "offered", "Offer made"
    ACCEPTED = "accepted", "Offer accepted"
    REJECTED = "rejected", "Not selected"
    WITHDRAWN = "withdrawn", "Withdrawn"
    DECLINED = "declined", "Offer declined"
    CLOSED = "closed", "Listing closed"


OPEN_STATUSES = (
    ApplicationStatus.SUBMITTED,
    ApplicationStatus.IN_REVIEW,
    ApplicationStatus.SHORTLISTED,
    ApplicationStatus.INTERVIEW,
    ApplicationStatus.OFFERED,
)


class ApplicationQuerySet(models.QuerySet):
    def open(self):
        return self.filter(status__in=OPEN_STATUSES)

    def of_student(self, user):
        return self.filter(student=user)

    def of_organization(self, organization):
        return self.filter(listing__organization=organization)


def application_resume_upload_to(instance, filename):
    return f"application-resumes/{uuid.uuid4().hex}.pdf"


class Application(models.Model):
    listing = models.ForeignKey(Listing, on_delete=models.CASCADE, related_name="applications")
    # Nullable: deleting an account anonymises its applications, which stay as counts.
    student = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="applications"
    )
    cover_letter = models.TextField(max_length=6000)
    resume = models.FileField(storage=private_storage, upload_to=application_resume_upload_to, blank=True)
    # {"<question id>": {"prompt": "...", "answer": "..."}}: the prompt is kept with the answer.
    answers = models.JSONField(default=dict, blank=True)
    status = models.CharField(max_length=20, choices=ApplicationStatus.choices, default=ApplicationStatus.SUBMITTED)
    submitted_at = models.DateTimeField(auto_now_add=True)
    status_changed_at = models.DateTimeField(auto_now_add=True)
    # First move out of "submitted" by the employer: the basis of the response-time figure.
    first_response_at = models.DateTimeField(null=True, blank=True)
    offer_start_date = models.DateField(null=True, blank=True)
    nudge_sent_at = models.DateTimeField(null=True, blank=True)

    objects = ApplicationQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["listing", "student"], name="one_application_per_student_and_listing")
        ]
        indexes = [
            models.Index(fields=["listing", "status"], name="application_listing_status"),
            models.Index(fields=["student", "-submitted_at"], name="application_student_recent"),
            models.Index(fields=["status", "status_changed_at"], name="application_status_changed"),
        ]

    def __str__(self):
        return f"Application #{self.pk} to {self.listing_id}"

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES


class ApplicationStatusChange(models.Model):
    """Audited history: who moved an application, when, from and to, with the message sent."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="history")
    from_status = models.CharField(max_length=20, choices=ApplicationStatus.choices, blank=True)
    to_status = models.CharField(max_length=20, choices=ApplicationStatus.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    message = models.TextField(blank=True, max_length=4000)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]


class ApplicationNote(models.Model):
    """Private team note: visible to the listing's organization only."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="notes")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    body = models.TextField(max_length=4000)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]


def _verification_code() -> str:
    return secrets.token_hex(8).upper()


class Placement(models.Model):
    """An accepted offer: the remote internship itself, supervised, checked in on, evaluated."""

    class Status(models.TextChoices):
        ACTIVE = "active", "Active"
        COMPLETED = "completed", "Completed"
        ENDED_EARLY = "ended_early", "Ended early"

    application = models.OneToOneField(Application, on_delete=models.PROTECT, related_name="placement")
    student = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="placements"
    )
    listing = models.ForeignKey(Listing, on_delete=models.PROTECT, related_name="placements")
    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="placements")
    supervisor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="supervised_placements"
    )
    start_date = models.DateField()
    end_date = models.DateField()
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.ACTIVE, db_index=True)
    completed_at = models.DateTimeField(null=True, blank=True)
    # Completion certificate: a public code anyone can verify.
    certificate_code = models.CharField(max_length=16, unique=True, default=_verification_code)
    certificate_issued_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.CheckConstraint(condition=Q(end_date__gte=models.F("start_date")), name="placement_dates_ordered")
        ]
        indexes = [models.Index(fields=["organization", "status"], name="placement_org_status")]

    def __str__(self):
        return f"Placement #{self.pk}"


class CheckIn(models.Model):
    """A weekly check-in: the student's log and hours, then the supervisor's feedback."""

    placement = models.ForeignKey(Placement, on_delete=models.CASCADE, related_name="checkins")
    week_start = models.DateField()
    hours = models.DecimalField(
        max_digits=4, decimal_places=1, validators=[MinValueValidator(0), MaxValueValidator(80)]
    )
    log = models.TextField(max_length=4000)
    blockers = models.TextField(blank=True, max_length=2000)
    submitted_at = models.DateTimeField(auto_now_add=True)
    feedback = models.TextField(blank=True, max_length=4000)
    feedback_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    feedback_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["week_start"]
        constraints = [models.UniqueConstraint(fields=["placement", "week_start"], name="one_checkin_per_week")]


class Evaluation(models.Model):
    """End-of-placement evaluation: employer ratings and comments, student self-assessment."""

    placement = models.OneToOneField(Placement, on_delete=models.CASCADE, related_name="evaluation")
    quality = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    communication = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    reliability = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    employer_comments = models.TextField(blank=True, max_length=4000)
    evaluated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    evaluated_at = models.DateTimeField(null=True, blank=True)
    self_assessment = models.TextField(blank=True, max_length=4000)
    self_assessed_at = models.DateTimeField(null=True, blank=True)
