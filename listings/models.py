from decimal import Decimal

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVectorField
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q

from accounts.models import TIME_ZONE_CHOICES, Organization, Skill
from marketplace.concurrency import version_of

from . import facets, visibility


class Field(models.TextChoices):
    INFORMATION_TECHNOLOGY = "information_technology", "Information technology"
    SOFTWARE_DEVELOPMENT = "software_development", "Software development"
    MARKETING = "marketing", "Marketing"
    SOCIAL_MEDIA = "social_media", "Social media"
    RESEARCH = "research", "Research"
    WRITING = "writing", "Writing"
    JOURNALISM = "journalism", "Journalism"
    MEDIA = "media", "Media"
    EVENT_PLANNING = "event_planning", "Event planning"
    VIDEO = "video", "Video"
    HUMAN_RESOURCES = "human_resources", "Human resources"
    GRAPHIC_DESIGN = "graphic_design", "Graphic design"
    SEO_SEM = "seo_sem", "SEO/SEM"
    NON_PROFIT = "non_profit", "Non-profit"
    GOVERNMENT = "government", "Government"
    POLITICAL = "political", "Political"
    ENGINEERING = "engineering", "Engineering"
    PUBLIC_RELATIONS = "public_relations", "Public relations"


class ListingQuerySet(models.QuerySet):
    def published(self):
        return self.filter(status=Listing.Status.PUBLISHED)

    def visible(self):
        """What the public browse page may show: published and not hidden by reports."""
        return self.filter(visibility.VISIBLE)

    def open(self):
        """Published listings still accepting applications."""
        from django.utils import timezone

        now = timezone.now()
        return self.visible().filter(Q(application_deadline__isnull=True) | Q(application_deadline__gt=now))

    def of(self, organization):
        return self.filter(organization=organization)


class Listing(models.Model):
    class Kind(models.TextChoices):
        INTERNSHIP = "internship", "Internship"
        MICRO = "micro", "Micro-internship"

    class Compensation(models.TextChoices):
        PAID = "paid", "Paid"
        UNPAID = "unpaid", "Unpaid"
        FIXED_FEE = "fixed_fee", "Fixed fee"

    class PayPeriod(models.TextChoices):
        HOUR = "hour", "per hour"
        WEEK = "week", "per week"
        MONTH = "month", "per month"
        TOTAL = "total", "in total"

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        PENDING_REVIEW = "pending_review", "Pending review"
        PUBLISHED = visibility.PUBLISHED, "Published"
        REJECTED = "rejected", "Rejected"
        CLOSED = "closed", "Closed"
        EXPIRED = "expired", "Expired"

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="listings")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.INTERNSHIP)
    title = models.CharField(max_length=160)
    description = models.TextField(help_text="Markdown; sanitized when shown.")
    field = models.CharField(max_length=40, choices=Field.choices)
    skills = models.ManyToManyField(Skill, blank=True, related_name="listings")
    # Denormalized skill names, kept by the listing services, for the search vector and facets.
    skill_names = ArrayField(models.CharField(max_length=60), default=list, blank=True)

    compensation_type = models.CharField(max_length=20, choices=Compensation.choices)
    compensation_amount = models.DecimalField(max_digits=10, decimal_places=2, null=True, blank=True)
    currency = models.CharField(max_length=3, blank=True, help_text="ISO 4217 code, e.g. USD")
    pay_period = models.CharField(max_length=10, choices=PayPeriod.choices, blank=True)

    hours_per_week = models.PositiveSmallIntegerField(validators=[MinValueValidator(1), MaxValueValidator(60)])
    duration_days = models.PositiveSmallIntegerField(
        help_text="Length of the placement in days", validators=[MinValueValidator(1), MaxValueValidator(730)]
    )
    start_date = models.DateField(null=True, blank=True)
    application_deadline = models.DateTimeField(null=True, blank=True)
    work_start = models.TimeField(help_text="Start of the working day, in the listing's time zone")
    work_end = models.TimeField(help_text="End of the working day, in the listing's time zone")
    time_zone = models.CharField(max_length=64, choices=TIME_ZONE_CHOICES)
    # Empty means worldwide.
    eligible_countries = ArrayField(models.CharField(max_length=2), default=list, blank=True)
    openings = models.PositiveSmallIntegerField(default=1, validators=[MinValueValidator(1), MaxValueValidator(100)])
    collaboration_tools = ArrayField(models.CharField(max_length=60), default=list, blank=True)
    requires_resume = models.BooleanField(default=True)

    # Micro-internship project brief.
    deliverables = models.TextField(blank=True)
    milestones = models.JSONField(default=list, blank=True)
    estimated_total_hours = models.PositiveSmallIntegerField(null=True, blank=True)
    staleness_days = models.PositiveSmallIntegerField(
        default=14,
        validators=[MinValueValidator(3), MaxValueValidator(60)],
        help_text="A micro-internship still unfilled this many days after publishing expires.",
    )

    status = models.CharField(max_length=20, choices=Status.choices, default=Status.DRAFT)
    moderation_note = models.TextField(blank=True)
    hidden_for_review = models.BooleanField(default=False, help_text="Hidden after several open reports")
    published_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    expiry_reminder_sent_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    search_vector = SearchVectorField(null=True, editable=False)
    # Maintained by the listing services: "<time zone>|HH:MM|HH:MM", so the time-zone overlap filter
    # can evaluate each distinct working day once (in Python, DST-aware) and filter with IN.
    work_window = models.CharField(max_length=80, blank=True, editable=False)
    # Pay per hour in US dollars at approximate rates (currency.py), for the "pay" sort; 0 when unpaid,
    # null when the currency has no rate.
    hourly_pay = models.DecimalField(max_digits=12, decimal_places=2, null=True, blank=True, editable=False)
    # Every single-valued facet (kind, field, compensation, hours and duration buckets, worldwide)
    # packed into one integer by the database itself; the search groups by it (see facets.py).
    facet_key = models.GeneratedField(
        expression=facets.key_expression(Kind.values, Field.values, Compensation.values),
        output_field=models.SmallIntegerField(),
        db_persist=True,
    )

    objects = ListingQuerySet.as_manager()

    class Meta:
        indexes = [
            models.Index(fields=["status", "-published_at"], name="listing_status_published"),
            models.Index(fields=["status", "application_deadline"], name="listing_status_deadline"),
            models.Index(fields=["status", "expires_at"], name="listing_status_expires"),
            models.Index(fields=["organization", "status"], name="listing_org_status"),
            GinIndex(fields=["skill_names"], name="listing_skill_names_gin"),
            GinIndex(fields=["eligible_countries"], name="listing_countries_gin"),
            models.Index(
                fields=["work_window"],
                condition=visibility.VISIBLE,
                name="listing_visible_work_window",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(compensation_type="unpaid") | Q(compensation_amount__gt=0, currency__regex=r"^[A-Z]{3}$"),
                name="listing_paid_has_amount_and_currency",
            ),
            models.CheckConstraint(condition=~Q(work_start=models.F("work_end")), name="listing_working_day_not_empty"),
        ]

    def __str__(self):
        return self.title

    @property
    def is_visible(self) -> bool:
        """Published and not hidden: what the public sees (``visibility``)."""
        return visibility.is_visible(status=self.status, hidden_for_review=self.hidden_for_review)

    @property
    def is_micro(self) -> bool:
        return self.kind == self.Kind.MICRO

    @property
    def version(self) -> str:
        """Changes whenever the listing is saved (every write sets ``updated_at``, transitions
        included): the API's ETag, which an edit must send back in ``If-Match``."""
        return version_of(self.pk, self.updated_at)

    @property
    def effective_hourly_rate(self) -> Decimal | None:
        """A fixed fee divided by the estimated hours, so fees can be compared with wages."""
        if (
            self.compensation_type == self.Compensation.FIXED_FEE
            and self.compensation_amount
            and self.estimated_total_hours
        ):
            return (self.compensation_amount / self.estimated_total_hours).quantize(Decimal("0.01"))
        return None


class SearchDocument(models.Model):
    """The search vector of a visible listing, apart from the wide listings table.

    A text query reads only these narrow rows (their GIN index names the matches): a quarter of the
    pages the same matches take in the listings table. Kept by the database (migration 0012): a
    trigger copies ``Listing.search_vector`` here while the listing is published and not hidden,
    and removes the row otherwise, whoever writes.
    """

    listing = models.OneToOneField(
        Listing, on_delete=models.DO_NOTHING, primary_key=True, related_name="search_document"
    )
    vector = SearchVectorField()

    class Meta:
        indexes = [GinIndex(fields=["vector"], name="searchdocument_vector_gin")]


class SearchTerm(models.Model):
    """A word seen in a listing title or skill: the dictionary of the typo-tolerant search fallback.

    Maintained by the listing services (words are only added; a stale word finds nothing).
    """

    word = models.CharField(max_length=60, unique=True)

    def __str__(self):
        return self.word


class KeptMatch(models.Model):
    """The matches of a frequent word, kept in the database for every web process (matches.py).

    ``query`` is the text of the word's tsquery (what a search for it compiles to); ``packed`` the
    ids of the visible listings whose search document matched it (big-endian int8, ascending),
    then their ``ts_rank`` in the same order (big-endian float4): 12 bytes a match, one value, as
    seen by a snapshot whose oldest running transaction was ``since``; a search lays the listings
    stamped since over them. One column rather than two: a row with two values of megabytes each
    took twice as long to read. Written only by ``search.keep_frequent_matches`` (a periodic task);
    an unlogged table (a cache the task rebuilds, not data to replicate or recover), with the
    packed column stored uncompressed.
    """

    query = models.TextField(primary_key=True)
    since = models.BigIntegerField()
    matches = models.PositiveIntegerField()
    packed = models.BinaryField()
    kept_at = models.DateTimeField()

    def __str__(self):
        return f"{self.query} ({self.matches} matches)"


class ScreeningQuestion(models.Model):
    listing = models.ForeignKey(Listing, on_delete=models.CASCADE, related_name="questions")
    prompt = models.CharField(max_length=300)
    required = models.BooleanField(default=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "pk"]

    def __str__(self):
        return self.prompt


class SavedListing(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="saved_listings")
    listing = models.ForeignKey(Listing, on_delete=models.CASCADE, related_name="saves")
    created_at = models.DateTimeField(auto_now_add=True)
    deadline_reminder_sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "listing"], name="saved_listing_unique")]


class SavedSearch(models.Model):
    class Frequency(models.TextChoices):
        OFF = "off", "No alerts"
        DAILY = "daily", "Daily"
        WEEKLY = "weekly", "Weekly"

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="saved_searches")
    name = models.CharField(max_length=120)
    # The browse page's query string (q, filters, sort): the single source of what is searched.
    query_string = models.CharField(max_length=1000, blank=True)
    frequency = models.CharField(max_length=10, choices=Frequency.choices, default=Frequency.WEEKLY)
    last_alerted_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["frequency", "last_alerted_at"], name="savedsearch_due")]

    def __str__(self):
        return self.name


class ListingReport(models.Model):
    class Reason(models.TextChoices):
        SCAM = "scam", "Scam or fraud"
        MISLEADING = "misleading", "Misleading description"
        UNPAID_AS_PAID = "unpaid_as_paid", "Unpaid work presented as paid"
        OTHER = "other", "Other"

    class Status(models.TextChoices):
        OPEN = "open", "Open"
        UPHELD = "upheld", "Upheld"
        DISMISSED = "dismissed", "Dismissed"

    listing = models.ForeignKey(Listing, on_delete=models.CASCADE, related_name="reports")
    reporter = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    reason = models.CharField(max_length=20, choices=Reason.choices)
    details = models.TextField(blank=True, max_length=2000)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.OPEN, db_index=True)
    created_at = models.DateTimeField(auto_now_add=True)
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["listing", "reporter"], condition=Q(status="open"), name="one_open_report_per_reporter"
            )
        ]


class ListingStatusChange(models.Model):
    """Audit of every listing status move (moderation, closing, expiry)."""

    listing = models.ForeignKey(Listing, on_delete=models.CASCADE, related_name="status_changes")
    from_status = models.CharField(max_length=20)
    to_status = models.CharField(max_length=20)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    reason = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]
