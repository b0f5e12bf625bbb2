"""Career-services API serializers. Input is checked by the pages' own forms (``reports.forms``):
the filters' choices (the institution's programs and graduation years) and rules live there."""

from django.urls import reverse
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from applications.models import Placement
from listings.models import Field, Listing
from marketplace.api import form_errors
from marketplace.serializers import Serializer

from ..forms import ExportForm, ReportFilterForm
from ..models import OutcomeCategory, ReportExport


class ReportFilterInput(Serializer):
    """The dashboard's and the placement report's filters (query parameters), as on the pages.

    ``context["choices"]`` holds the institution's ``(programs, years)`` (``selectors.filter_choices``).
    """

    date_from = serializers.DateField(
        required=False, help_text="Applications submitted and placements running on or after this day."
    )
    date_to = serializers.DateField(required=False, help_text="… and on or before this day.")
    program = serializers.CharField(
        required=False, allow_blank=True, max_length=200, help_text="One of the institution's programs."
    )
    graduation_year = serializers.IntegerField(
        required=False, min_value=1900, max_value=2200, help_text="One of the students' graduation years."
    )

    def validate(self, attrs):
        programs, years = self.context["choices"]
        data = {name: str(value) for name, value in attrs.items() if value not in (None, "")}
        form = ReportFilterForm(data, programs=programs, years=years)
        if not form.is_valid():
            raise form_errors(form)
        return form.filters()


class ExportInput(ReportFilterInput):
    format = serializers.ChoiceField(choices=ReportExport.Format.choices)

    def validate(self, attrs):
        fmt = attrs.pop("format")
        form = ExportForm({"format": fmt})
        if not form.is_valid():
            raise form_errors(form)
        return {"format": form.cleaned_data["format"], "filters": super().validate(attrs)}


class ReportStudentOutput(Serializer):
    id = serializers.IntegerField(source="student_id")
    name = serializers.CharField(source="student.get_full_name")
    email = serializers.EmailField(source="student.email")
    student_number = serializers.CharField(source="student.student_profile.student_number")
    program = serializers.CharField(source="student.student_profile.program")
    graduation_year = serializers.IntegerField(source="student.student_profile.graduation_year", allow_null=True)


class ReportOrganizationOutput(Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    country = serializers.CharField()


class ReportListingOutput(Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    kind = serializers.ChoiceField(choices=Listing.Kind.choices)
    field = serializers.ChoiceField(choices=Field.choices)
    compensation_type = serializers.ChoiceField(choices=Listing.Compensation.choices)
    compensation_amount = serializers.DecimalField(max_digits=10, decimal_places=2, allow_null=True)
    currency = serializers.CharField()
    pay_period = serializers.CharField(help_text="Empty, or the period the amount is paid per.")
    hours_per_week = serializers.IntegerField()


class PlacementReportRowOutput(Serializer):
    """One row of the placement report: the columns of the page and of its CSV/XLSX export."""

    id = serializers.IntegerField()
    student = ReportStudentOutput(source="*")
    organization = ReportOrganizationOutput()
    listing = ReportListingOutput()
    start_date = serializers.DateField()
    end_date = serializers.DateField()
    status = serializers.ChoiceField(choices=Placement.Status.choices)
    hours_logged = serializers.DecimalField(max_digits=6, decimal_places=1)
    certificate_code = serializers.SerializerMethodField(help_text="The certificate's code once it is issued.")
    average_rating = serializers.DecimalField(
        source="revealed_average",
        max_digits=3,
        decimal_places=2,
        allow_null=True,
        help_text="The supervisor's average rating, once the evaluation is revealed.",
    )

    def get_certificate_code(self, placement) -> str | None:
        certificate = getattr(placement, "certificate", None)
        return certificate.code if certificate is not None else None


class ExportOutput(Serializer):
    id = serializers.IntegerField()
    format = serializers.ChoiceField(choices=ReportExport.Format.choices)
    status = serializers.ChoiceField(choices=ReportExport.Status.choices)
    progress = serializers.IntegerField(min_value=0, max_value=100, help_text="Percent done; 100 once ready.")
    row_count = serializers.IntegerField(allow_null=True)
    filters = serializers.JSONField(help_text="The filters the export was asked with.")
    requested_by = serializers.CharField(source="requested_by.get_full_name", allow_null=True, default=None)
    created_at = serializers.DateTimeField()
    finished_at = serializers.DateTimeField(allow_null=True)
    expires_at = serializers.DateTimeField(allow_null=True, help_text="The file is deleted after this moment.")
    download_url = serializers.SerializerMethodField(help_text="Set while the file can be downloaded.")

    def get_download_url(self, export) -> str | None:
        if not export.is_downloadable():
            return None
        return reverse("v1:career-export-download", kwargs={"pk": export.pk})


class CountOutput(Serializer):
    label = serializers.CharField()
    count = serializers.IntegerField()


def _counts(pairs) -> list[dict]:
    return [{"label": label, "count": count} for label, count in pairs]


class OutcomesOutput(Serializer):
    graduates = serializers.IntegerField(help_text="Students whose graduation year has come.")
    known = serializers.IntegerField(help_text="Graduates with a recorded outcome other than “no information”.")
    knowledge_rate = serializers.FloatField(allow_null=True, help_text="Known outcomes ÷ graduates (0–1).")
    career_outcomes_rate = serializers.FloatField(
        allow_null=True,
        help_text="(Employed + service + military + continuing education) ÷ known outcomes, not seeking excluded.",
    )
    by_category = serializers.SerializerMethodField(help_text="NACE first-destination categories.")

    def get_by_category(self, outcomes) -> dict[str, int]:
        return {value: outcomes.by_category.get(value, 0) for value in OutcomeCategory.values}


class DashboardOutput(Serializer):
    """The career-services dashboard's figures and chart data."""

    students = serializers.IntegerField()
    active_students = serializers.IntegerField(help_text="Students who applied or were placed in the period.")
    applications_total = serializers.IntegerField()
    applications_by_status = serializers.SerializerMethodField()
    placements_active = serializers.IntegerField()
    placements_completed = serializers.IntegerField()
    placements_ended_early = serializers.IntegerField()
    median_response_days = serializers.FloatField(
        allow_null=True, help_text="Median days from an application to the employer's first response."
    )
    responses_counted = serializers.IntegerField()
    placements_by_field = serializers.SerializerMethodField()
    compensation_share = serializers.SerializerMethodField()
    employer_countries = serializers.SerializerMethodField()
    applications_over_time = serializers.SerializerMethodField(help_text="Applications per month (YYYY-MM).")
    outcomes = OutcomesOutput()

    @extend_schema_field(CountOutput(many=True))
    def get_applications_by_status(self, d):
        return _counts(d.applications_by_status)

    @extend_schema_field(CountOutput(many=True))
    def get_placements_by_field(self, d):
        return _counts(d.placements_by_field)

    @extend_schema_field(CountOutput(many=True))
    def get_compensation_share(self, d):
        return _counts(d.compensation_share)

    @extend_schema_field(CountOutput(many=True))
    def get_employer_countries(self, d):
        return _counts(d.employer_countries)

    @extend_schema_field(CountOutput(many=True))
    def get_applications_over_time(self, d):
        return _counts(d.applications_over_time)
