from django.conf import settings
from django.core.validators import MaxValueValidator
from django.db import models
from django.utils import timezone

from accounts.models import EmployerApproval as EmployerApproval  # moved to accounts; still importable here
from accounts.models import Institution, private_storage


class OutcomeCategory(models.TextChoices):
    """NACE first-destination categories (SPEC: reports)."""

    EMPLOYED_FULL_TIME = "employed_full_time", "Employed full-time (30 h a week or more)"
    EMPLOYED_PART_TIME = "employed_part_time", "Employed part-time"
    SELF_EMPLOYED = "self_employed", "Self-employed or short-term project"
    POSTGRADUATE_INTERNSHIP = "postgraduate_internship", "Postgraduate internship"
    SERVICE = "service", "Volunteer or service programme"
    MILITARY = "military", "Military service"
    CONTINUING_EDUCATION = "continuing_education", "Continuing education"
    SEEKING_EMPLOYMENT = "seeking_employment", "Seeking employment"
    SEEKING_EDUCATION = "seeking_education", "Seeking continuing education"
    NOT_SEEKING = "not_seeking", "Not seeking"
    NO_INFORMATION = "no_information", "No information"


# The career outcomes rate's numerator: employed (every kind), service, military, continuing education.
CAREER_OUTCOMES = (
    OutcomeCategory.EMPLOYED_FULL_TIME,
    OutcomeCategory.EMPLOYED_PART_TIME,
    OutcomeCategory.SELF_EMPLOYED,
    OutcomeCategory.POSTGRADUATE_INTERNSHIP,
    OutcomeCategory.SERVICE,
    OutcomeCategory.MILITARY,
    OutcomeCategory.CONTINUING_EDUCATION,
)


class OutcomeRecord(models.Model):
    """A first-destination outcome recorded by career services for one of their students.

    Records are kept as history; the latest one per student is the student's current outcome.
    """

    student = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="outcome_records")
    institution = models.ForeignKey(Institution, on_delete=models.CASCADE, related_name="outcome_records")
    category = models.CharField(max_length=30, choices=OutcomeCategory.choices)
    note = models.TextField(blank=True, max_length=2000)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-recorded_at", "-pk"]
        indexes = [models.Index(fields=["student", "-recorded_at"], name="outcome_student_recent")]

    def __str__(self):
        return f"{self.get_category_display()} for {self.student_id}"


class ReportExport(models.Model):
    """A placement report export run in the background; its file lives in private storage."""

    class Format(models.TextChoices):
        CSV = "csv", "CSV"
        XLSX = "xlsx", "Excel (XLSX)"

    class Status(models.TextChoices):
        PENDING = "pending", "Waiting"
        RUNNING = "running", "Running"
        READY = "ready", "Ready"
        FAILED = "failed", "Failed"
        EXPIRED = "expired", "Expired"

    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="report_exports"
    )
    institution = models.ForeignKey(Institution, on_delete=models.CASCADE, related_name="report_exports")
    format = models.CharField(max_length=4, choices=Format.choices)
    filters = models.JSONField(default=dict, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    progress = models.PositiveSmallIntegerField(default=0, validators=[MaxValueValidator(100)])
    row_count = models.PositiveIntegerField(null=True, blank=True)
    file = models.FileField(storage=private_storage, upload_to="exports/", blank=True, max_length=200)
    error = models.CharField(max_length=500, blank=True)
    expires_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["institution", "-created_at"], name="export_institution_recent"),
            models.Index(fields=["status", "expires_at"], name="export_status_expires"),
        ]
        constraints = [
            models.CheckConstraint(condition=models.Q(progress__lte=100), name="export_progress_at_most_100")
        ]

    def __str__(self):
        return f"Export #{self.pk} ({self.format}, {self.status})"

    @property
    def is_finished(self) -> bool:
        return self.status in (self.Status.READY, self.Status.FAILED, self.Status.EXPIRED)

    def is_downloadable(self, now=None) -> bool:
        """Ready, with its file still kept (the page and the API both ask this)."""
        return (
            self.status == self.Status.READY
            and bool(self.file)
            and self.expires_at is not None
            and self.expires_at > (now or timezone.now())
        )

    @property
    def filename(self) -> str:
        return f"placements-{self.created_at:%Y%m%d-%H%M}-{self.pk}.{self.format}"


class ExportAuditLog(models.Model):
    """Who exported what, when: one row per export delivered (sync download or finished file)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    institution = models.ForeignKey(Institution, on_delete=models.CASCADE, related_name="export_audit_logs")
    format = models.CharField(max_length=4, choices=ReportExport.Format.choices)
    filters = models.JSONField(default=dict, blank=True)
    row_count = models.PositiveIntegerField()
    export = models.OneToOneField(
        ReportExport, on_delete=models.SET_NULL, null=True, blank=True, related_name="audit_log"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return f"{self.format} export of {self.row_count} rows by {self.user_id}"
