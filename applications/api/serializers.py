from drf_spectacular.utils import PolymorphicProxySerializer, extend_schema_field
from rest_framework import serializers

from applications.models import ApplicationStatus
from marketplace.serializers import Serializer

S = ApplicationStatus
# Multi-line text: keeps line breaks under the control-character rule (marketplace.serializers).
TEXTAREA = {"base_template": "textarea.html"}


# A pattern rather than an enum component: listings have another enum named ``status``, and
# drf-spectacular would give one of the two an unstable hashed name.
@extend_schema_field(
    {
        "type": "string",
        "pattern": "^(" + "|".join(S.values) + ")$",
        "description": "Application status: " + ", ".join(f"`{v}` ({label})" for v, label in S.choices),
    }
)
class StatusField(serializers.ChoiceField):
    """An application status (inline enum: listings have their own ``status`` enum)."""

    def __init__(self, **kwargs):
        super().__init__(choices=S.choices, **kwargs)


class ListingRefOutput(Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    organization = serializers.CharField(source="organization.name")


class HistoryOutput(Serializer):
    from_status = serializers.CharField()
    to_status = serializers.CharField()
    message = serializers.CharField()
    created_at = serializers.DateTimeField()


class AnswerOutput(Serializer):
    prompt = serializers.CharField()
    answer = serializers.CharField()


class ApplicationOutput(Serializer):
    """An application as its student sees it (never the organization's notes)."""

    id = serializers.IntegerField()
    listing = ListingRefOutput()
    status = StatusField()
    status_display = serializers.CharField(source="get_status_display")
    cover_letter = serializers.CharField()
    answers = serializers.DictField(child=AnswerOutput(), help_text="Keyed by screening question id")
    has_resume = serializers.SerializerMethodField()
    submitted_at = serializers.DateTimeField()
    status_changed_at = serializers.DateTimeField()
    offer_start_date = serializers.DateField(allow_null=True)

    def get_has_resume(self, obj) -> bool:
        return bool(obj.resume)


class ApplicationDetailOutput(ApplicationOutput):
    history = HistoryOutput(many=True, source="history.all")


class ApplicantOutput(Serializer):
    """An application as the listing's organization sees it in its pipeline."""

    id = serializers.IntegerField()
    listing_id = serializers.IntegerField()
    student_name = serializers.SerializerMethodField()
    status = StatusField()
    submitted_at = serializers.DateTimeField()
    status_changed_at = serializers.DateTimeField()
    first_response_at = serializers.DateTimeField(allow_null=True)
    offer_start_date = serializers.DateField(allow_null=True)

    def get_student_name(self, obj) -> str:
        return obj.student.get_full_name() if obj.student else ""


class ApplicationCreateInput(Serializer):
    listing = serializers.IntegerField(min_value=1)
    cover_letter = serializers.CharField(max_length=6000, trim_whitespace=True, style=TEXTAREA)
    answers = serializers.DictField(
        child=serializers.CharField(allow_blank=True, max_length=4000, style=TEXTAREA),
        required=False,
        default=dict,
        help_text="Screening question id → answer",
    )
    resume = serializers.FileField(required=False, help_text="A PDF résumé (multipart); else the profile's résumé")
    use_profile_resume = serializers.BooleanField(required=False, default=True)

    def validate_answers(self, value):
        try:
            return {int(k): v for k, v in value.items()}
        except (TypeError, ValueError):
            raise serializers.ValidationError("Answers are keyed by screening question id.") from None


class MessageInput(Serializer):
    message = serializers.CharField(required=False, allow_blank=True, max_length=4000, default="", style=TEXTAREA)


class StatusChangeInput(MessageInput):
    status = StatusField()
    offer_start_date = serializers.DateField(required=False, allow_null=True, default=None)


class NoteOutput(Serializer):
    id = serializers.IntegerField()
    author = serializers.SerializerMethodField()
    body = serializers.CharField()
    created_at = serializers.DateTimeField()

    def get_author(self, obj) -> str:
        return obj.author.get_full_name() if obj.author else ""


class NoteInput(Serializer):
    body = serializers.CharField(max_length=4000, style=TEXTAREA)


class ApplicantDetailOutput(ApplicantOutput):
    """An application as the listing's organization reviews it: answers, history, team notes."""

    cover_letter = serializers.CharField()
    answers = serializers.DictField(child=AnswerOutput(), help_text="Keyed by screening question id")
    has_resume = serializers.SerializerMethodField()
    history = HistoryOutput(many=True, source="history.all")
    notes = NoteOutput(many=True, source="notes.all")

    def get_has_resume(self, obj) -> bool:
        return bool(obj.resume)


class BulkRejectInput(MessageInput):
    listing = serializers.IntegerField(min_value=1)
    applications = serializers.ListField(child=serializers.IntegerField(min_value=1), min_length=1, max_length=500)


class BulkRejectOutput(Serializer):
    rejected = serializers.IntegerField(help_text="How many were rejected (those no longer open are left alone)")


class ApplicationPageOutput(Serializer):
    """A page of the applications collection: a student's own (``ApplicationOutput``) or an
    organization's applicants (``ApplicantOutput``)."""

    count = serializers.IntegerField()
    next = serializers.URLField(allow_null=True)
    previous = serializers.URLField(allow_null=True)
    results = PolymorphicProxySerializer(
        component_name="ApplicationForRole",
        serializers=[ApplicationOutput, ApplicantOutput],
        resource_type_field_name=None,
        many=True,
    )
