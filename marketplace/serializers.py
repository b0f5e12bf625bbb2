"""Bases of every API serializer: they apply the text rule of ``marketplace.validators``.

A ``CharField`` is single-line unless it is styled as a text area
(``style={"base_template": "textarea.html"}``, which a model ``TextField`` gets by itself); the
children of list and dict fields are covered as well.
"""

from __future__ import annotations

from datetime import datetime
from datetime import timezone as dt_timezone
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.utils import timezone
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from .validators import text_rule_apply


def _apply(field) -> None:
    child = getattr(field, "child", None)
    if isinstance(field, serializers.ListField | serializers.DictField | serializers.HStoreField) and child:
        _apply(child)
    if isinstance(field, serializers.CharField):
        multiline = field.style.get("base_template") == "textarea.html"
        field.validators = text_rule_apply(field.validators, multiline=multiline)


class TextRuleMixin:
    def get_fields(self):
        fields = super().get_fields()
        for field in fields.values():
            _apply(field)
        return fields


class Serializer(TextRuleMixin, serializers.Serializer):
    pass


class ModelSerializer(TextRuleMixin, serializers.ModelSerializer):
    pass


@extend_schema_field(
    {
        "type": "string",
        "format": "time",
        "examples": ["09:00:00+02:00"],
        "description": "A local time of day with the UTC offset its time zone has on the day of the response "
        "(RFC 3339 full-time).",
    }
)
class ZonedTimeField(serializers.Field):
    """A wall-clock time kept with a separate IANA zone name (``zone_attr`` on the same object),
    answered as ISO 8601 with the offset the zone has today: ``09:00:00+02:00``. A bare
    ``09:00:00`` is not a ``format: time`` value and does not say which 9 o'clock it is."""

    def __init__(self, *, zone_attr: str, **kwargs):
        self.zone_attr = zone_attr
        kwargs["read_only"] = True
        super().__init__(**kwargs)

    def get_attribute(self, instance):
        return (super().get_attribute(instance), getattr(instance, self.zone_attr, None))

    def to_representation(self, value):
        moment, zone_name = value
        if moment is None:
            return None
        try:
            zone = ZoneInfo(zone_name or "UTC")
        except (ZoneInfoNotFoundError, ValueError):
            zone = ZoneInfo("UTC")
        today = timezone.now().astimezone(zone).date()
        offset = datetime.combine(today, moment, tzinfo=zone).utcoffset()
        return moment.replace(tzinfo=dt_timezone(offset)).isoformat()
