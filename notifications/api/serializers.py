from rest_framework import serializers

from marketplace.api import form_errors
from marketplace.serializers import ModelSerializer, Serializer

from ..forms import PreferencesForm
from ..models import Notification


class NotificationOutputSerializer(ModelSerializer):
    class Meta:
        model = Notification
        fields = ["id", "event", "title", "body", "url", "created_at", "read_at"]
        read_only_fields = fields


class MarkReadInput(Serializer):
    ids = serializers.ListField(
        child=serializers.IntegerField(min_value=1),
        required=False,
        max_length=1000,
        help_text="The notifications to mark read; without it, every unread one.",
    )


class MarkReadOutput(Serializer):
    marked = serializers.IntegerField()


class EmailPreferenceOutput(Serializer):
    event = serializers.CharField(help_text="The event's name, as in `email_events`.")
    label = serializers.CharField()
    email = serializers.BooleanField(help_text="Whether this event also comes by email.")


class PreferencesOutput(Serializer):
    events = EmailPreferenceOutput(many=True)


class PreferencesInput(Serializer):
    """The events to receive by email; every other configurable event is switched off (the page's form)."""

    email_events = serializers.ListField(child=serializers.CharField(max_length=60), allow_empty=True)

    def validate(self, attrs):
        form = PreferencesForm(data={"email_events": attrs["email_events"]})
        if not form.is_valid():
            raise form_errors(form)
        return {"email_events": set(form.cleaned_data["email_events"])}
