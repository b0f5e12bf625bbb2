"""The filters of the applications: the API's collection, a listing's applicants (API) and the
pipeline page, declared once here.

The pipeline's filters (statuses, the applicant's skill, institution and country, and for one
listing the time-zone overlap) are applied by ``selectors.applicants_narrowed``, the one home of
their rule; the others (listing, dates) are plain field lookups; the ordering is declared with
its allowed fields. A filter narrows the queryset the role's selector returned.
"""

from __future__ import annotations

import django_filters
from django import forms
from django.core.validators import RegexValidator, validate_slug

from marketplace.filters import FilterSet, IntegerFilter, Ordering

from . import selectors
from .models import Application, ApplicationStatus
from .selectors import PIPELINE_ORDER, PipelineFilters

S = ApplicationStatus
SELECT = {"class": "form-select"}
OVERLAP_CHOICES = [
    ("1", "At least 1 h"),
    ("2", "At least 2 h"),
    ("4", "At least 4 h"),
    ("6", "At least 6 h"),
]
# The filters whose rule is the pipeline's (``selectors.applicants_narrowed``).
PIPELINE_FIELDS = ("status", "skill", "institution", "country", "overlap")


class ApplicationFilter(FilterSet):
    """``/api/v1/applications/``: a student's own applications or an organization's applicants."""

    listing = IntegerFilter(
        field_name="listing_id", label="Listing", min_value=1, help_text="Only this listing's applications."
    )
    status = django_filters.MultipleChoiceFilter(
        label="Status",
        choices=[(s, S(s).label) for s in PIPELINE_ORDER],
        widget=forms.CheckboxSelectMultiple(attrs={"class": "form-check-input"}),
        help_text="Only these statuses (repeat the parameter for several).",
    )
    # The page's choices come from the applicants themselves (``set_choices``); any value filters safely.
    skill = django_filters.CharFilter(
        label="Skill",
        max_length=60,
        validators=[validate_slug],
        widget=forms.Select(attrs=SELECT),
        help_text="Applicants with this skill (its slug).",
    )
    institution = IntegerFilter(
        label="Institution", min_value=1, widget=forms.Select(attrs=SELECT), help_text="Applicants of this institution."
    )
    country = django_filters.CharFilter(
        label="Country",
        validators=[RegexValidator(r"^[A-Za-z]{2}$", "Enter a two-letter country code.")],
        widget=forms.Select(attrs=SELECT),
        help_text="Applicants living in this country (ISO 3166 code).",
    )
    submitted_at = django_filters.IsoDateTimeFromToRangeFilter(
        field_name="submitted_at",
        label="Submitted",
        help_text="Submitted at or after `submitted_at_after`, at or before `submitted_at_before` (ISO 8601).",
    )
    status_changed_at = django_filters.IsoDateTimeFromToRangeFilter(
        field_name="status_changed_at",
        label="Status changed",
        help_text="Status last changed within this range (ISO 8601).",
    )
    ordering = Ordering(
        fields=["submitted_at", "status_changed_at", "status"],
        expressions={"status": selectors.status_rank()},
        help_text="`status` sorts in pipeline order. Default: newest submitted first.",
    )

    class Meta(FilterSet.Meta):
        model = Application
        fields: list[str] = []

    def __init__(self, *args, listing=None, now=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.listing, self.now = listing, now

    def pipeline_filters(self) -> PipelineFilters:
        """The valid pipeline filters: a page shows the invalid ones' errors on its form and
        ignores them; the API refuses them first (``FilterBackend``)."""
        data = {}
        if self.is_bound:
            self.form.is_valid()  # keeps the valid fields in cleaned_data
            data = self.form.cleaned_data
        overlap = data.get("overlap")
        return PipelineFilters(
            statuses=list(data.get("status") or []),
            skill=data.get("skill") or "",
            institution=data.get("institution"),
            country=(data.get("country") or "").upper(),
            overlap=float(overlap) if overlap else None,
        )

    def filter_queryset(self, queryset):
        queryset = selectors.applicants_narrowed(queryset, self.pipeline_filters(), listing=self.listing, now=self.now)
        for name, value in self.form.cleaned_data.items():
            if name not in PIPELINE_FIELDS:
                queryset = self.filters[name].filter(queryset, value)
        return queryset

    def set_choices(self, *, skills, institutions, countries) -> None:
        """The page's select boxes offer what the applicants have."""
        fields = self.form.fields
        fields["skill"].widget.choices = [("", "Any")] + [(s.slug, s.name) for s in skills]
        fields["institution"].widget.choices = [("", "Any")] + [(str(i.pk), i.name) for i in institutions]
        fields["country"].widget.choices = [("", "Any")] + [(c, c) for c in countries]


class ListingApplicantFilter(ApplicationFilter):
    """One listing's applicants: ``/api/v1/employer/listings/<id>/applications/`` and the pipeline
    page. The view passes the listing and the time (``listing=``, ``now=``)."""

    listing = None
    overlap = django_filters.ChoiceFilter(
        label="Time-zone overlap",
        choices=OVERLAP_CHOICES,
        empty_label="Any",
        widget=forms.Select(attrs=SELECT),
        help_text="Hours of your working day inside the applicant's 9:00–18:00.",
    )
