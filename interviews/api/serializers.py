from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from accounts.models import TIME_ZONE_CHOICES
from marketplace.serializers import Serializer

from ..services import MAX_MINUTES, MAX_SLOTS, MIN_MINUTES, MIN_SLOTS


@extend_schema_field({"type": "string", "description": "An IANA time zone, e.g. `Europe/Berlin`"})
class TimeZoneField(serializers.ChoiceField):
    def __init__(self, **kwargs):
        super().__init__(choices=TIME_ZONE_CHOICES, **kwargs)


class LocalDateTimeField(serializers.DateTimeField):
    """An aware datetime written with its own UTC offset (DRF would convert it to UTC)."""

    def to_representation(self, value):
        return value.isoformat()


class TimeOutput(Serializer):
    """One time as both parties see it."""

    starts_at = serializers.DateTimeField(help_text="UTC")
    minutes = serializers.IntegerField()
    local_start = LocalDateTimeField(source="own", help_text="In the caller's time zone")
    local_zone = serializers.CharField(source="own_zone")
    other_start = LocalDateTimeField(source="other", help_text="In the other party's time zone")
    other_zone = serializers.CharField()
    outside_student_day = serializers.BooleanField(
        source="student_warning", help_text="Outside 08:00–21:00 in the student's time zone"
    )


class SlotOutput(Serializer):
    id = serializers.IntegerField()
    time = TimeOutput()


class InterviewInvitationOutput(Serializer):
    id = serializers.IntegerField()
    application = serializers.IntegerField(source="application_id")
    listing_title = serializers.CharField(source="application.listing.title")
    organization = serializers.CharField(source="application.listing.organization.name")
    status = serializers.CharField()
    respond_by = serializers.DateTimeField()
    location = serializers.CharField(source="round.location")
    slots = SlotOutput(many=True)


class InterviewOutput(Serializer):
    id = serializers.IntegerField()
    application = serializers.IntegerField(source="application_id")
    listing_title = serializers.CharField(source="application.listing.title")
    organization = serializers.CharField(source="application.listing.organization.name")
    status = serializers.CharField()
    sequence = serializers.IntegerField(help_text="The calendar invitation's SEQUENCE")
    starts_at = serializers.DateTimeField()
    ends_at = serializers.DateTimeField()
    time_zone = serializers.CharField(help_text="The organization's time zone")
    location = serializers.CharField()
    no_show = serializers.CharField(help_text="`student` or `organization` when recorded, else empty")
    time = TimeOutput()


class SlotInput(Serializer):
    date = serializers.DateField()
    time = serializers.TimeField(help_text="Start, in `time_zone`")


class ProposeInput(Serializer):
    time_zone = TimeZoneField(help_text="The zone the dates and times are given in (the employer's)")
    minutes = serializers.IntegerField(min_value=MIN_MINUTES, max_value=MAX_MINUTES)
    location = serializers.CharField(max_length=1000, style={"base_template": "textarea.html"})
    slots = SlotInput(many=True, min_length=MIN_SLOTS, max_length=MAX_SLOTS)
    respond_by = serializers.DateTimeField(required=False, help_text="Default: in 7 days, or the last time")


class ProposeOutput(Serializer):
    invitation = serializers.IntegerField(allow_null=True)
    invited = serializers.IntegerField()
    skipped = serializers.ListField(child=serializers.CharField())


class BookInput(Serializer):
    slot = serializers.IntegerField(min_value=1, max_value=2**62)


class RescheduleInput(ProposeInput):
    location = serializers.CharField(
        max_length=1000,
        required=False,
        allow_blank=True,
        style={"base_template": "textarea.html"},
        help_text="Default: the interview's",
    )


class OtherTimesInput(Serializer):
    message = serializers.CharField(
        max_length=2000, help_text="Which days or times would suit you", style={"base_template": "textarea.html"}
    )


class OtherTimesOutput(Serializer):
    """The message the request became in the application's conversation."""

    id = serializers.IntegerField()
    application = serializers.IntegerField(source="application_id")
    body = serializers.CharField()
    created_at = serializers.DateTimeField()


class CancelInput(Serializer):
    reason = serializers.CharField(
        max_length=1000, required=False, allow_blank=True, style={"base_template": "textarea.html"}
    )
