"""The filters of the placements list (``/api/v1/placements/``), within what the caller may see."""

from __future__ import annotations

import django_filters

from applications.models import Placement
from marketplace.filters import FilterSet, IntegerFilter, Ordering


class PlacementFilter(FilterSet):
    status = django_filters.MultipleChoiceFilter(
        choices=Placement.Status.choices,
        distinct=False,
        help_text="Only these statuses (repeat the parameter for several).",
    )
    organization = IntegerFilter(
        field_name="organization_id", min_value=1, help_text="Only this organization's placements."
    )
    listing = IntegerFilter(field_name="listing_id", min_value=1, help_text="Only this listing's placements.")
    start_date = django_filters.DateFromToRangeFilter(
        help_text="Starting on or after `start_date_after`, on or before `start_date_before` (dates)."
    )
    ordering = Ordering(fields=["start_date", "end_date", "status"], help_text="Default: latest start first.")

    class Meta(FilterSet.Meta):
        model = Placement
        fields: list[str] = []
