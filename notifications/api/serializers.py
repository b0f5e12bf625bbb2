from marketplace.serializers import ModelSerializer

from ..models import Notification


class NotificationOutputSerializer(ModelSerializer):
    class Meta:
        model = Notification
        fields = ["id", "event", "title", "body", "url", "created_at", "read_at"]
        read_only_fields = fields
