"""What every filtered list shares (django-filter): the backend, the FilterSet base, the ordering.

A list endpoint declares its query parameters once, as a ``FilterSet`` in its app's ``filters.py``,
and names it in ``filterset_class``; ``FilterBackend`` (``REST_FRAMEWORK["DEFAULT_FILTER_BACKENDS"]``)
applies it to the queryset the role's selector returned, so a filter can only narrow what the
caller may see. drf-spectacular documents the parameters from the same declaration. An invalid
value is a 400 in the API's error shape (``marketplace.api``), never a filter silently dropped.
A page that filters the same collection binds the same FilterSet and renders its ``form``.
"""

from __future__ import annotations

import django_filters
from django import forms
from django.db.models import Expression
from django_filters.constants import EMPTY_VALUES
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.contrib.django_filters import DjangoFilterExtension

from .forms import Form

BIGINT_MAX = 2**63 - 1


class FilterBackend(DjangoFilterBackend):
    """django-filter's backend; a view may hand its FilterSet more context (the listing a list is
    of) through ``get_filterset_context()``."""

    def get_filterset_kwargs(self, request, queryset, view):
        kwargs = super().get_filterset_kwargs(request, queryset, view)
        context = getattr(view, "get_filterset_context", None)
        if context is not None:
            kwargs.update(context())
        return kwargs


class FilterBackendSchema(DjangoFilterExtension):
    """drf-spectacular's django-filter extension, for the lists that declare a FilterSet only (the
    backend is the default of every generic view, most of which filter nothing)."""

    target_class = "marketplace.filters.FilterBackend"
    priority = 1

    def get_schema_operation_parameters(self, auto_schema, *args, **kwargs):
        if getattr(auto_schema.view, "filterset_class", None) is None:
            return []
        return super().get_schema_operation_parameters(auto_schema, *args, **kwargs)

    def resolve_filter_field(self, auto_schema, model, filterset_class, field_name, filter_field):
        parameters = super().resolve_filter_field(auto_schema, model, filterset_class, field_name, filter_field)
        if isinstance(filter_field, IntegerFilter):  # an id: the extension would say "number"
            bounds = {"minimum": filter_field.extra.get("min_value"), "maximum": filter_field.extra.get("max_value")}
            for parameter in parameters:
                parameter["schema"] = {"type": "integer", **{k: v for k, v in bounds.items() if v is not None}}
        if isinstance(filter_field, BooleanFilter):  # a boolean, not a choice of two strings
            for parameter in parameters:
                parameter["schema"] = {"type": "boolean"}
                parameter["description"] = filter_field.extra.get("help_text") or parameter.get("description", "")
        return parameters


class FilterSet(django_filters.FilterSet):
    """Base of every FilterSet: its form applies the text rule of every form (``marketplace.forms``)."""

    class Meta:
        form = Form


class IntegerFilter(django_filters.NumberFilter):
    """A whole number (an id): ``1.5`` or ``abc`` is refused, not rounded or ignored, and so is one
    past the database's bigint (which would otherwise fail in the query)."""

    field_class = forms.IntegerField

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("max_value", BIGINT_MAX)
        super().__init__(*args, **kwargs)


class Ordering(django_filters.OrderingFilter):
    """``?ordering=`` with the allowed fields declared (``-`` for descending, several comma-
    separated). Without it the selector's order stands; with it the primary key breaks ties, so
    pages never repeat or skip a row. ``expressions`` orders a parameter by an expression instead
    of a field (an application's status by its place in the pipeline)."""

    def __init__(self, *args, expressions: dict[str, Expression] | None = None, **kwargs):
        self.expressions = expressions or {}
        kwargs.setdefault("help_text", "")
        super().__init__(*args, **kwargs)
        allowed = ", ".join(f"`{param}`" for param in self.param_map)
        self.extra["help_text"] = (
            f"Sort by {allowed}; `-` before a name sorts descending; several, comma-separated. "
            + self.extra["help_text"]
        ).strip()

    def get_ordering_value(self, param):
        descending = param.startswith("-")
        name = self.param_map.get(param.removeprefix("-"), param.removeprefix("-"))
        expression = self.expressions.get(name)
        if expression is None:
            return super().get_ordering_value(param)
        return expression.desc() if descending else expression.asc()

    def filter(self, qs, value):
        if value in EMPTY_VALUES:
            return qs
        ordering = [self.get_ordering_value(param) for param in value if param not in EMPTY_VALUES]
        return qs.order_by(*ordering, "pk")


class BooleanFilter(django_filters.TypedChoiceFilter):
    """``true`` or ``false``: anything else is refused (django-filter's own boolean widget reads an
    unknown value as "no filter", which would answer more than was asked for)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("choices", [("true", "Yes"), ("false", "No")])
        super().__init__(*args, coerce=lambda value: value == "true", **kwargs)
