from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from applications.models import CheckInCadence, Placement, PlacementFee, Weekday
from marketplace.serializers import Serializer

# Multi-line text: keeps line breaks under the control-character rule (marketplace.serializers).
TEXTAREA = {"base_template": "textarea.html"}


def _inline_choices(choices, *, description: str = ""):
    """A string choice field described by a pattern rather than an enum component: other apps have
    their own ``status`` enums, and drf-spectacular would give these hashed or duplicate names (the
    same choice as ``applications.api.serializers.StatusField``)."""

    @extend_schema_field(
        {
            "type": "string",
            "pattern": "^(" + "|".join(str(value) for value, _ in choices) + ")$",
            "description": description or ", ".join(f"`{value}` ({label})" for value, label in choices),
        }
    )
    class InlineChoiceField(serializers.ChoiceField):
        def __init__(self, **kwargs):
            super().__init__(choices=choices, **kwargs)

    return InlineChoiceField


@extend_schema_field({"type": "integer", "minimum": 0, "maximum": 6, "description": "0 = Monday … 6 = Sunday"})
class WeekdayField(serializers.ChoiceField):
    def __init__(self, **kwargs):
        super().__init__(choices=Weekday.choices, **kwargs)


PlacementStatusField = _inline_choices(Placement.Status.choices)
FeeStatusField = _inline_choices(PlacementFee.Status.choices)
CadenceField = _inline_choices(CheckInCadence.choices)


class PersonOutput(Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField(source="get_full_name")


class GoalOutput(Serializer):
    id = serializers.IntegerField()
    text = serializers.CharField()
    due_on = serializers.DateField(allow_null=True)
    link = serializers.CharField()
    from_listing = serializers.BooleanField()
    confirmed_at = serializers.DateTimeField(allow_null=True)
    done_at = serializers.DateTimeField(allow_null=True)
    done_link = serializers.CharField()
    version = serializers.CharField(help_text="Its ETag: send it in If-Match to edit, remove or mark it done")


class CheckInOutput(Serializer):
    id = serializers.IntegerField()
    due_on = serializers.DateField(help_text="Due at the end of this day in the intern's time zone")
    due_at = serializers.DateTimeField(help_text="The moment it falls overdue (UTC)")
    submitted_at = serializers.DateTimeField(allow_null=True)
    hours = serializers.DecimalField(max_digits=4, decimal_places=1, allow_null=True)
    done = serializers.CharField()
    blockers = serializers.CharField()
    learned = serializers.CharField()
    proud_of = serializers.CharField()
    feedback = serializers.CharField()
    feedback_by = PersonOutput(allow_null=True)
    feedback_at = serializers.DateTimeField(allow_null=True)
    version = serializers.CharField(help_text="Its ETag: send it in If-Match with the organization's feedback")


class FeeOutput(Serializer):
    status = FeeStatusField()
    amount = serializers.DecimalField(max_digits=10, decimal_places=2)
    currency = serializers.CharField()
    hours = serializers.DecimalField(max_digits=6, decimal_places=1)
    hourly_rate = serializers.DecimalField(
        max_digits=10,
        decimal_places=2,
        allow_null=True,
        help_text="Fee ÷ hours logged when the deliverable was accepted",
    )
    accepted_at = serializers.DateTimeField()
    paid_on = serializers.DateField(allow_null=True)
    received_at = serializers.DateTimeField(allow_null=True)


class PlacementOutput(Serializer):
    id = serializers.IntegerField()
    application_id = serializers.IntegerField()
    listing_id = serializers.IntegerField()
    listing_title = serializers.CharField(source="listing.title")
    organization = serializers.CharField(source="listing.organization.name")
    student = PersonOutput(allow_null=True)
    supervisor = PersonOutput(allow_null=True)
    start_date = serializers.DateField()
    end_date = serializers.DateField()
    status = PlacementStatusField()
    checkin_cadence = CadenceField()
    checkin_weekday = WeekdayField()
    goals_confirmed_at = serializers.DateTimeField(allow_null=True)
    hours_logged = serializers.DecimalField(max_digits=6, decimal_places=1)
    needs_attention = serializers.SerializerMethodField()
    completed_at = serializers.DateTimeField(allow_null=True)
    ended_at = serializers.DateTimeField(allow_null=True)
    end_reason = serializers.CharField()

    def get_needs_attention(self, obj) -> bool:
        return obj.attention_since is not None


class PlacementDetailOutput(PlacementOutput):
    version = serializers.CharField(help_text="Its ETag: send it in If-Match to change the schedule")
    student_time_zone = serializers.CharField()
    organization_time_zone = serializers.CharField(source="listing.time_zone")
    overlap_hours = serializers.FloatField(
        help_text="Hours of the organization's working day in the intern's 9:00–18:00"
    )
    hours_estimate = serializers.IntegerField()
    next_checkin = CheckInOutput(allow_null=True)
    goals = GoalOutput(many=True)
    fee = FeeOutput(allow_null=True)


class GoalInput(Serializer):
    text = serializers.CharField(max_length=500, style=TEXTAREA)
    due_on = serializers.DateField(required=False, allow_null=True, default=None)
    link = serializers.CharField(required=False, allow_blank=True, max_length=500, default="")


class GoalDoneInput(Serializer):
    link = serializers.CharField(required=False, allow_blank=True, max_length=500, default="")


class ScheduleInput(Serializer):
    cadence = CadenceField()
    weekday = WeekdayField()


class CheckInInput(Serializer):
    hours = serializers.DecimalField(max_digits=4, decimal_places=1, min_value=0, max_value=80)
    done = serializers.CharField(max_length=4000, style=TEXTAREA)
    blockers = serializers.CharField(required=False, allow_blank=True, max_length=2000, default="", style=TEXTAREA)
    learned = serializers.CharField(required=False, allow_blank=True, max_length=2000, default="", style=TEXTAREA)
    proud_of = serializers.CharField(required=False, allow_blank=True, max_length=2000, default="", style=TEXTAREA)


class FeedbackInput(Serializer):
    feedback = serializers.CharField(max_length=4000, style=TEXTAREA)


class FeePaidInput(Serializer):
    paid_on = serializers.DateField()


class EndEarlyInput(Serializer):
    reason = serializers.CharField(max_length=2000, style=TEXTAREA)
