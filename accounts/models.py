import secrets
import uuid
from zoneinfo import available_timezones

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.core.files.storage import storages
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone

from marketplace.concurrency import version_of


class Role(models.TextChoices):
    STUDENT = "student", "Student or graduate"
    EMPLOYER = "employer", "Employer"
    CAREER_SERVICES = "career_services", "Career services"
    STAFF = "staff", "Site staff"


class UserManager(BaseUserManager):
    use_in_migrations = True

    def _create_user(self, email, password, **extra):
        if not email:
            raise ValueError("An email address is required.")
        email = self.normalize_email(email).lower()
        user = self.model(email=email, **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email, password=None, **extra):
        extra.setdefault("is_staff", False)
        extra.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra)

    def create_superuser(self, email, password=None, **extra):
        extra.update(is_staff=True, is_superuser=True, role=Role.STAFF)
        return self._create_user(email, password, **extra)


class User(AbstractBaseUser, PermissionsMixin):
    """A person who signs in with their email address. One role decides what they see."""

    email = models.EmailField("email address", unique=True)
    name = models.CharField("full name", max_length=150, blank=True)
    role = models.CharField(max_length=20, choices=Role.choices, default=Role.STUDENT, db_index=True)
    is_staff = models.BooleanField(default=False, help_text="Can log into the admin site.")
    is_active = models.BooleanField(default=True)
    date_joined = models.DateTimeField(default=timezone.now)
    # Set when the user deletes their account: personal data is gone, counts are kept.
    anonymised_at = models.DateTimeField(null=True, blank=True)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    class Meta:
        constraints = [models.UniqueConstraint(Lower("email"), name="user_email_ci_unique")]

    def __str__(self):
        return self.name or self.email

    def get_full_name(self):
        return self.name or self.email

    def get_short_name(self):
        return (self.name.split() or [self.email])[0]

    @property
    def is_student(self) -> bool:
        return self.role == Role.STUDENT

    @property
    def is_employer(self) -> bool:
        return self.role == Role.EMPLOYER

    @property
    def is_career_services(self) -> bool:
        return self.role == Role.CAREER_SERVICES

    @property
    def is_site_staff(self) -> bool:
        return self.is_staff or self.role == Role.STAFF


class Skill(models.Model):
    """A normalized skill tag shared by profiles and listings ("python", "seo")."""

    name = models.CharField(max_length=60)
    slug = models.SlugField(max_length=60, unique=True)

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name


class Institution(models.Model):
    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=80, unique=True)
    country = models.CharField(max_length=2, help_text="ISO 3166-1 alpha-2 code")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name


class InstitutionDomain(models.Model):
    """A verified email domain: a student whose verified address ends in it joins the institution."""

    institution = models.ForeignKey(Institution, on_delete=models.CASCADE, related_name="domains")
    domain = models.CharField(max_length=253, unique=True)

    def __str__(self):
        return self.domain


class CareerServicesMembership(models.Model):
    """A career-services staff member of one institution."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="career_services")
    institution = models.ForeignKey(Institution, on_delete=models.CASCADE, related_name="staff")
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self):
        return f"{self.user} @ {self.institution}"


def _token() -> str:
    return secrets.token_urlsafe(32)


class Invitation(models.Model):
    """A single-use, expiring invitation by email: to an organization or to an institution's staff."""

    class Kind(models.TextChoices):
        ORGANIZATION = "organization", "Organization member"
        CAREER_SERVICES = "career_services", "Career services staff"

    kind = models.CharField(max_length=20, choices=Kind.choices)
    email = models.EmailField()
    token = models.CharField(max_length=64, unique=True, default=_token)
    organization = models.ForeignKey(
        "Organization", on_delete=models.CASCADE, null=True, blank=True, related_name="invitations"
    )
    institution = models.ForeignKey(
        Institution, on_delete=models.CASCADE, null=True, blank=True, related_name="invitations"
    )
    role = models.CharField(max_length=20, blank=True, help_text="Membership role for organization invitations")
    invited_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(kind="organization", organization__isnull=False, institution__isnull=True)
                    | models.Q(kind="career_services", institution__isnull=False, organization__isnull=True)
                ),
                name="invitation_target_matches_kind",
            )
        ]

    def __str__(self):
        return f"{self.get_kind_display()} invitation for {self.email}"

    @property
    def is_usable(self) -> bool:
        return self.accepted_at is None and self.revoked_at is None and self.expires_at > timezone.now()


def private_storage():
    """Storage outside every served path; files are read only through permission-checked views."""
    return storages["private"]


def resume_upload_to(instance, filename):
    # Random name: the original file name never reaches the disk or a URL.
    return f"resumes/{uuid.uuid4().hex}.pdf"


TIME_ZONE_CHOICES = sorted((tz, tz.replace("_", " ")) for tz in available_timezones() if "/" in tz or tz == "UTC")


class StudentProfile(models.Model):
    class Visibility(models.TextChoices):
        APPLIED_ONLY = "applied_only", "Only employers I apply to"
        SEARCHABLE = "searchable", "Searchable by verified employers"

    class LinkStatus(models.TextChoices):
        NONE = "none", "Independent"
        DOMAIN = "domain", "Linked by verified email domain"
        REQUESTED = "requested", "Link requested"
        APPROVED = "approved", "Link approved by career services"

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="student_profile")
    institution = models.ForeignKey(
        Institution, on_delete=models.SET_NULL, null=True, blank=True, related_name="students"
    )
    institution_link = models.CharField(max_length=20, choices=LinkStatus.choices, default=LinkStatus.NONE)
    student_number = models.CharField("student ID at the institution", max_length=40, blank=True)
    program = models.CharField(max_length=150, blank=True)
    graduation_year = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=[MinValueValidator(1950), MaxValueValidator(2100)]
    )
    country = models.CharField(max_length=2, blank=True, help_text="ISO 3166-1 alpha-2 code")
    time_zone = models.CharField(max_length=64, choices=TIME_ZONE_CHOICES, default="UTC")
    weekly_availability_hours = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(80)]
    )
    skills = models.ManyToManyField(Skill, blank=True, related_name="students")
    bio = models.TextField(blank=True, max_length=4000)
    links = models.JSONField(default=list, blank=True, help_text="Portfolio links (URLs)")
    resume = models.FileField(storage=private_storage, upload_to=resume_upload_to, blank=True)
    resume_uploaded_at = models.DateTimeField(null=True, blank=True)
    visibility = models.CharField(max_length=20, choices=Visibility.choices, default=Visibility.APPLIED_ONLY)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self):
        return f"Profile of {self.user}"

    @property
    def version(self) -> str:
        """The API's ETag of the profile (``/api/v1/me/``), which its edit sends back in ``If-Match``."""
        return version_of(self.pk, self.updated_at)

    @property
    def is_linked(self) -> bool:
        """Linked to an institution by a verified email domain or by its staff's approval."""
        return self.institution_id is not None and self.institution_link in (
            self.LinkStatus.DOMAIN,
            self.LinkStatus.APPROVED,
        )


def logo_upload_to(instance, filename):
    return f"logos/{uuid.uuid4().hex}.png"


class Organization(models.Model):
    class Verification(models.TextChoices):
        UNVERIFIED = "unverified", "Unverified"
        VERIFIED = "verified", "Verified"
        REJECTED = "rejected", "Rejected"

    class Size(models.TextChoices):
        MICRO = "1-9", "1–9 people"
        SMALL = "10-49", "10–49 people"
        MEDIUM = "50-249", "50–249 people"
        LARGE = "250+", "250 or more people"

    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=80, unique=True)
    website = models.URLField(blank=True)
    country = models.CharField(max_length=2, help_text="ISO 3166-1 alpha-2 code")
    description = models.TextField(blank=True, max_length=5000)
    logo = models.ImageField(upload_to=logo_upload_to, blank=True)
    size = models.CharField(max_length=10, choices=Size.choices, blank=True)
    verification = models.CharField(
        max_length=20, choices=Verification.choices, default=Verification.UNVERIFIED, db_index=True
    )
    verification_note = models.TextField(blank=True)
    verified_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name

    @property
    def is_verified(self) -> bool:
        return self.verification == self.Verification.VERIFIED


class Membership(models.Model):
    class Role(models.TextChoices):
        OWNER = "owner", "Owner"
        RECRUITER = "recruiter", "Recruiter"

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="memberships")
    # An employer account belongs to one organization.
    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="membership")
    role = models.CharField(max_length=20, choices=Role.choices, default=Role.RECRUITER)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["organization"], condition=models.Q(role="owner"), name="one_owner_per_organization"
            )
        ]

    def __str__(self):
        return f"{self.user} ({self.role}) at {self.organization}"


class InstitutionLinkRequest(models.Model):
    """A student without a matching email domain asks to be linked to an institution."""

    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        APPROVED = "approved", "Approved"
        REJECTED = "rejected", "Rejected"

    student = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="institution_link_requests"
    )
    institution = models.ForeignKey(Institution, on_delete=models.CASCADE, related_name="link_requests")
    student_number = models.CharField(max_length=40, blank=True)
    message = models.TextField(blank=True, max_length=1000)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.PENDING)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["student", "institution"], condition=models.Q(status="pending"), name="one_pending_link_request"
            )
        ]


class EmployerApproval(models.Model):
    """A career-services decision about an organization, for their institution's students only.

    A blocked organization's listings are hidden from the institution's students and they cannot
    apply to it (``accounts.selectors.blocked_organization_ids`` is the one query of that); a new
    block is flagged to site staff. Kept here, beside the institution and the organization it
    joins, so that the listings and applications apps can read it without importing the reports
    app above them. (Its table kept the name it had when the model lived in ``reports``.)
    """

    class Decision(models.TextChoices):
        APPROVED = "approved", "Approved"
        BLOCKED = "blocked", "Blocked"

    institution = models.ForeignKey(Institution, on_delete=models.CASCADE, related_name="employer_approvals")
    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="institution_approvals")
    decision = models.CharField(max_length=10, choices=Decision.choices)
    reason = models.TextField(blank=True, max_length=2000)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    decided_at = models.DateTimeField(auto_now=True)

    class Meta:
        db_table = "reports_employerapproval"
        constraints = [
            models.UniqueConstraint(fields=["institution", "organization"], name="one_decision_per_institution_and_org")
        ]
        indexes = [models.Index(fields=["institution", "decision"], name="approval_institution_decision")]


class PersonalToken(models.Model):
    """A personal API token: ``Authorization: Bearer <secret>`` for a user's own scripts.

    Only the SHA-256 of the secret is stored (the secret is shown once, at creation) with a short
    prefix of it, which is not enough to use it, so that the settings page can tell tokens apart.
    A token expires at ``expires_at`` and stops working for good once revoked.
    """

    class Scope(models.TextChoices):
        READ = "read", "Read only"
        WRITE = "write", "Read and write"

    # The lifetimes a user may choose, in days. There is no "never": a forgotten token expires.
    LIFETIMES = (30, 90, 365)

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="personal_tokens")
    name = models.CharField(max_length=100)
    scope = models.CharField(max_length=10, choices=Scope.choices, default=Scope.READ)
    key_hash = models.CharField(max_length=64, unique=True)
    prefix = models.CharField(max_length=16)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["user", "-created_at"], name="personaltoken_user_created")]

    def __str__(self):
        return f"{self.name} ({self.prefix}…)"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None and self.expires_at > timezone.now()

    @property
    def read_only(self) -> bool:
        return self.scope == self.Scope.READ
