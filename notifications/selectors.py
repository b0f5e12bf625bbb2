from .models import Notification


def notifications_for(user):
    return Notification.objects.for_user(user).only("pk", "title", "body", "url", "created_at", "read_at", "event")
