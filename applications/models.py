import secrets
import uuid

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q

from accounts.models import Organization, private_storage
from listings.models import Listing
from marketplace.concurrency import version_of


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
    """Kept for migration 0001 (the certificate code now lives in ``evaluations.Certificate``)."""
    return secrets.token_hex(8).upper()


class CheckInCadence(models.TextChoices):
    WEEKLY = "weekly", "Every week"
    BIWEEKLY = "biweekly", "Every two weeks"


class Weekday(models.IntegerChoices):
    MONDAY = 0, "Monday"
    TUESDAY = 1, "Tuesday"
    WEDNESDAY = 2, "Wednesday"
    THURSDAY = 3, "Thursday"
    FRIDAY = 4, "Friday"
    SATURDAY = 5, "Saturday"
    SUNDAY = 6, "Sunday"


class Placement(models.Model):
    """An accepted offer: the remote internship itself, supervised, checked in on, evaluated.

    Its workspace (goals, check-ins, hours, fee, ending) is written by ``placements.services``; its
    evaluation and certificate are ``evaluations`` rows.
    """

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
    # Check-ins fall due on this weekday, every one or two weeks (chosen at kick-off).
    checkin_cadence = models.CharField(max_length=10, choices=CheckInCadence.choices, default=CheckInCadence.WEEKLY)
    checkin_weekday = models.PositiveSmallIntegerField(choices=Weekday.choices, default=Weekday.FRIDAY)
    goals_confirmed_at = models.DateTimeField(null=True, blank=True)
    goals_confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # The sum of the submitted check-ins' hours, kept by the check-in service under the row lock.
    hours_logged = models.DecimalField(max_digits=6, decimal_places=1, default=0)
    # Set by the periodic job when two check-in periods are overdue; cleared when the student catches up.
    attention_since = models.DateTimeField(null=True, blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)
    # Completion or early end: when, by whom and (early end) why.
    ended_at = models.DateTimeField(null=True, blank=True)
    ended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    end_reason = models.TextField(blank=True, max_length=2000)
    created_at = models.DateTimeField(auto_now_add=True)
    # Set by every write of a person (``placements.services``); the periodic jobs' bookkeeping
    # (``attention_since``) leaves it: the ETag of the schedule's edits (``version``).
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.CheckConstraint(condition=Q(end_date__gte=models.F("start_date")), name="placement_dates_ordered"),
            models.CheckConstraint(condition=Q(checkin_weekday__lte=6), name="placement_checkin_weekday_valid"),
            models.CheckConstraint(condition=Q(hours_logged__gte=0), name="placement_hours_not_negative"),
        ]
        indexes = [
            models.Index(fields=["organization", "status"], name="placement_org_status"),
            models.Index(
                fields=["id"], condition=Q(status="active", attention_since__isnull=True), name="placement_watch"
            ),
        ]

    def __str__(self):
        return f"Placement #{self.pk}"

    @property
    def is_active(self) -> bool:
        return self.status == self.Status.ACTIVE

    @property
    def version(self) -> str:
        """The API's ETag of the placement, which an edit of its schedule sends back in ``If-Match``."""
        return version_of(self.pk, self.updated_at)


class Goal(models.Model):
    """A learning goal or deliverable agreed at kick-off: proposed by the student, confirmed (and
    possibly edited) by the supervisor, marked done with a link to the work."""

    placement = models.ForeignKey(Placement, on_delete=models.CASCADE, related_name="goals")
    text = models.CharField(max_length=500)
    due_on = models.DateField(null=True, blank=True)
    link = models.URLField(blank=True, max_length=500)
    # The micro-internship's deliverable from its listing, set when the placement is created.
    from_listing = models.BooleanField(default=False)
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    done_at = models.DateTimeField(null=True, blank=True)
    done_link = models.URLField(blank=True, max_length=500)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # Set by every write (edits, confirmation, marking done): ``version``.
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["created_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(done_at__isnull=True) | Q(confirmed_at__isnull=False), name="goal_done_only_when_confirmed"
            )
        ]

    def __str__(self):
        return self.text

    @property
    def version(self) -> str:
        """The API's ETag of the goal, which its edits send back in ``If-Match`` (the page's
        edit form in a hidden field)."""
        return version_of(self.pk, self.updated_at)


class CheckIn(models.Model):
    """One check-in period of a placement, due at the end of ``due_on`` in the student's time zone.

    The row exists from the moment the period is scheduled; the student fills it in (what was done,
    hours, blockers, reflection) and the supervisor answers with feedback. Each reminder is sent once
    (``*_reminded_at``).
    """

    placement = models.ForeignKey(Placement, on_delete=models.CASCADE, related_name="checkins")
    due_on = models.DateField()
    hours = models.DecimalField(
        max_digits=4,
        decimal_places=1,
        null=True,
        blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(80)],
    )
    done = models.TextField(blank=True, max_length=4000)
    blockers = models.TextField(blank=True, max_length=2000)
    learned = models.TextField(blank=True, max_length=2000)
    proud_of = models.TextField(blank=True, max_length=2000)
    submitted_at = models.DateTimeField(null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    feedback = models.TextField(blank=True, max_length=4000)
    feedback_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    feedback_at = models.DateTimeField(null=True, blank=True)
    student_reminded_at = models.DateTimeField(null=True, blank=True)
    supervisor_reminded_at = models.DateTimeField(null=True, blank=True)
    # Set when the intern writes it and when the organization answers (the reminders' bookkeeping
    # leaves it): ``version``.
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["due_on"]
        constraints = [
            models.UniqueConstraint(fields=["placement", "due_on"], name="one_checkin_per_period"),
            models.CheckConstraint(
                condition=Q(submitted_at__isnull=True, hours__isnull=True)
                | Q(submitted_at__isnull=False, hours__isnull=False, hours__gte=0, hours__lte=80),
                name="checkin_hours_when_submitted",
            ),
            models.CheckConstraint(
                condition=Q(feedback_at__isnull=True) | Q(submitted_at__isnull=False),
                name="checkin_feedback_after_submission",
            ),
        ]
        indexes = [
            # The reminder jobs' scans: periods not yet written and not yet reminded, by due date;
            # written check-ins still waiting for feedback, by submission time.
            models.Index(
                fields=["due_on", "id"],
                condition=Q(submitted_at__isnull=True, student_reminded_at__isnull=True),
                name="checkin_unwritten",
            ),
            models.Index(
                fields=["submitted_at"],
                condition=Q(submitted_at__isnull=False, feedback_at__isnull=True, supervisor_reminded_at__isnull=True),
                name="checkin_awaiting_feedback",
            ),
        ]

    @property
    def is_submitted(self) -> bool:
        return self.submitted_at is not None

    @property
    def version(self) -> str:
        """The API's ETag of the check-in, which the organization's feedback sends back in ``If-Match``."""
        return version_of(self.pk, self.updated_at)


class PlacementFee(models.Model):
    """The fixed fee of a micro-internship: due when the supervisor accepts the deliverable, marked
    paid with a date, confirmed received by the student. A record only: no payment processor."""

    class Status(models.TextChoices):
        DUE = "due", "Due"
        PAID = "paid", "Paid"
        RECEIVED = "received", "Received"

    placement = models.OneToOneField(Placement, on_delete=models.CASCADE, related_name="fee")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DUE)
    amount = models.DecimalField(max_digits=10, decimal_places=2)
    currency = models.CharField(max_length=3)
    # Hours logged when the deliverable was accepted, and the fee divided by them: the hourly rate
    # actually earned (null when no hours were logged).
    hours = models.DecimalField(max_digits=6, decimal_places=1)
    hourly_rate = models.DecimalField(max_digits=10, decimal_places=2, null=True, blank=True)
    accepted_at = models.DateTimeField()
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    paid_on = models.DateField(null=True, blank=True)
    marked_paid_at = models.DateTimeField(null=True, blank=True)
    marked_paid_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    received_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="fee_amount_positive"),
            models.CheckConstraint(
                condition=Q(status="due", paid_on__isnull=True)
                | Q(status__in=["paid", "received"], paid_on__isnull=False),
                name="fee_paid_has_date",
            ),
            models.CheckConstraint(
                condition=~Q(status="received") | Q(received_at__isnull=False), name="fee_received_has_time"
            ),
        ]
        indexes = [
            models.Index(fields=["status"], condition=Q(status__in=["paid", "received"]), name="fee_paid"),
        ]
