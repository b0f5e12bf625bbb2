from rest_framework import serializers

from listings.models import Field, Listing, ScreeningQuestion
from marketplace.serializers import ModelSerializer, Serializer, ZonedTimeField


class OrganizationOutput(Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    slug = serializers.CharField()
    country = serializers.CharField()
    verified = serializers.BooleanField(source="is_verified")


class ListingSummaryOutput(ModelSerializer):
    organization = OrganizationOutput()
    effective_hourly_rate = serializers.DecimalField(max_digits=10, decimal_places=2, allow_null=True)
    overlap_hours = serializers.FloatField(
        source="overlap", help_text="Hours of the working day inside the viewer's 9:00–18:00 today"
    )
    url = serializers.SerializerMethodField()
    work_start = ZonedTimeField(zone_attr="time_zone", help_text="Start of the working day in the listing's time zone")
    work_end = ZonedTimeField(zone_attr="time_zone", help_text="End of the working day in the listing's time zone")

    class Meta:
        model = Listing
        fields = [
            "id",
            "url",
            "title",
            "kind",
            "field",
            "organization",
            "skill_names",
            "compensation_type",
            "compensation_amount",
            "currency",
            "pay_period",
            "effective_hourly_rate",
            "hours_per_week",
            "duration_days",
            "start_date",
            "application_deadline",
            "work_start",
            "work_end",
            "time_zone",
            "overlap_hours",
            "eligible_countries",
            "published_at",
        ]

    def get_url(self, obj) -> str:
        return f"/listings/{obj.pk}/"


class QuestionOutput(ModelSerializer):
    class Meta:
        model = ScreeningQuestion
        fields = ["id", "prompt", "required"]


class ListingDetailOutput(ListingSummaryOutput):
    questions = QuestionOutput(many=True)
    description_html = serializers.SerializerMethodField()

    class Meta(ListingSummaryOutput.Meta):
        fields = [
            *ListingSummaryOutput.Meta.fields,
            "status",
            "description",
            "description_html",
            "openings",
            "collaboration_tools",
            "requires_resume",
            "deliverables",
            "milestones",
            "estimated_total_hours",
            "questions",
        ]

    def get_description_html(self, obj) -> str:
        from listings.markdown import render_markdown

        return str(render_markdown(obj.description))


class FacetValueOutput(Serializer):
    value = serializers.CharField()
    label = serializers.CharField()
    count = serializers.IntegerField()
    selected = serializers.BooleanField()


class ListingSearchOutput(Serializer):
    count = serializers.IntegerField()
    page = serializers.IntegerField()
    num_pages = serializers.IntegerField()
    next = serializers.CharField(allow_null=True)
    previous = serializers.CharField(allow_null=True)
    suggestion = serializers.CharField(help_text="Corrected query when the typo fallback was used")
    facets = serializers.DictField(child=FacetValueOutput(many=True))
    results = ListingSummaryOutput(many=True)


TEXTAREA = {"base_template": "textarea.html"}


class QuestionInput(Serializer):
    id = serializers.IntegerField(
        required=False, allow_null=True, help_text="Keep (and edit) this existing question; omit for a new one"
    )
    prompt = serializers.CharField(max_length=300)
    required = serializers.BooleanField(default=True)


class ListingInput(Serializer):
    """A listing as an organization member writes it. The dashboard's listing form checks it as
    well (the same rules as the page); on PATCH only the fields sent change."""

    kind = serializers.ChoiceField(choices=Listing.Kind.choices)
    title = serializers.CharField(max_length=160)
    field = serializers.ChoiceField(choices=Field.choices)
    description = serializers.CharField(max_length=20000, style=TEXTAREA, help_text="Markdown")
    skills = serializers.ListField(child=serializers.CharField(max_length=60), max_length=15, required=False)
    compensation_type = serializers.ChoiceField(choices=Listing.Compensation.choices)
    compensation_amount = serializers.DecimalField(max_digits=10, decimal_places=2, required=False, allow_null=True)
    currency = serializers.CharField(max_length=3, required=False, allow_blank=True, help_text="ISO 4217, e.g. USD")
    pay_period = serializers.ChoiceField(choices=Listing.PayPeriod.choices, required=False, allow_blank=True)
    hours_per_week = serializers.IntegerField(min_value=1, max_value=60)
    duration_days = serializers.IntegerField(min_value=1, max_value=730)
    start_date = serializers.DateField(required=False, allow_null=True)
    application_deadline = serializers.DateTimeField(
        required=False, allow_null=True, help_text="ISO 8601 with an offset, e.g. 2027-01-31T17:00:00+01:00"
    )
    work_start = serializers.TimeField(help_text="Start of the working day, in the listing's time zone")
    work_end = serializers.TimeField()
    time_zone = serializers.CharField(max_length=64, help_text="IANA time zone, e.g. Europe/Berlin")
    eligible_countries = serializers.ListField(
        child=serializers.CharField(max_length=2), max_length=250, required=False, help_text="Empty: worldwide"
    )
    openings = serializers.IntegerField(min_value=1, max_value=100, default=1)
    collaboration_tools = serializers.ListField(
        child=serializers.CharField(max_length=60), max_length=15, required=False
    )
    requires_resume = serializers.BooleanField(default=True)
    deliverables = serializers.CharField(max_length=5000, required=False, allow_blank=True, style=TEXTAREA)
    milestones = serializers.ListField(child=serializers.CharField(max_length=150), max_length=20, required=False)
    estimated_total_hours = serializers.IntegerField(min_value=1, max_value=32767, required=False, allow_null=True)
    staleness_days = serializers.IntegerField(min_value=3, max_value=60, default=14)
    questions = QuestionInput(many=True, required=False, max_length=10)


class CloseInput(Serializer):
    reason = serializers.ChoiceField(choices=[("filled", "filled"), ("cancelled", "cancelled"), ("other", "other")])


class ManagedListingOutput(ListingDetailOutput):
    """A listing as its organization's members see it (drafts included), with its version."""

    version = serializers.CharField(help_text="Also the ETag; send it back in If-Match to edit")

    class Meta(ListingDetailOutput.Meta):
        fields = [*ListingDetailOutput.Meta.fields, "version", "created_at", "updated_at", "expires_at"]
