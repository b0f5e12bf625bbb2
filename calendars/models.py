from django.conf import settings
from django.db import models


class CalendarFeed(models.Model):
    """A user's private iCalendar feed. Only a SHA-256 of the secret token is stored: the URL is
    shown once when it is made, and a leaked database reveals no working feed address.
    Revoking deletes the row (the old URL answers 404); regenerating replaces the hash."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="calendar_feed")
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self):
        return f"Calendar feed of {self.user_id}"
