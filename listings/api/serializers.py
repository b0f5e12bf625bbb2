from rest_framework import serializers

from listings.models import Listing, ScreeningQuestion
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
