"""One conversation per application: its messages, and where each party stands in it."""

from django.conf import settings
from django.db import models
from django.db.models import Q

from applications.models import Application

from .choices import Side


class Message(models.Model):
    """A plain-text message (safe Markdown for links) in an application's conversation.

    ``side`` says which party wrote it, so "unread" means "written by the other side" even
    after the author's account is deleted or leaves the organization.
    """

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="messages")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    side = models.CharField(max_length=20, choices=Side.choices)
    body = models.TextField(max_length=4000)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["pk"]
        indexes = [models.Index(fields=["application", "side", "id"], name="message_thread_side")]

    def __str__(self):
        return f"Message #{self.pk} on application {self.application_id}"


class Participant(models.Model):
    """One party's place in one conversation: how far they have read, how many messages of the
    other side wait for them, and the state of their email digest.

    ``unread`` is kept by the services (raised when the other side writes, recounted under the
    row lock when this person reads), so the navigation badge is a sum over a few rows.
    ``pending_since`` is the time of the first message neither read nor emailed yet; the digest
    job emails a participant once it is old enough and the last email is 15 minutes old.
    """

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="conversation_participants")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="conversations")
    last_read_id = models.BigIntegerField(default=0)
    unread = models.PositiveIntegerField(default=0)
    pending_since = models.DateTimeField(null=True, blank=True)
    emailed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["application", "user"], name="one_participant_per_thread")]
        indexes = [
            models.Index(fields=["user"], condition=Q(unread__gt=0), name="participant_unread"),
            models.Index(
                fields=["pending_since"], condition=Q(pending_since__isnull=False), name="participant_pending"
            ),
        ]

    def __str__(self):
        return f"{self.user_id} in conversation {self.application_id}"
