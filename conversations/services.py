"""Conversation writes: posting a message and marking a thread read.

Each party has a :class:`~conversations.models.Participant` row per thread. Posting raises the
other side's unread counts and starts their digest clock; reading recounts under the row lock,
so a message posted while someone reads is never lost from their count.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from accounts.selectors import organization_members_active
from applications.models import Application

from .choices import Side
from .models import Message, Participant
from .permissions import conversation_access
from .selectors import other_side

MAX_LENGTH = 4000


class ConversationClosed(PermissionDenied):
    """A reader who may not write (career services, or a closed application); shown as is."""


def _recipients(application: Application, side: str) -> list[int]:
    """The other party's user ids: the student, or every active member of the organization."""
    if side == Side.ORGANIZATION:
        return [application.student_id] if application.student_id else []
    members = organization_members_active(organization_ids=[application.listing.organization_id])
    return list(members.values_list("pk", flat=True))


def message_post(*, application: Application, user, body: str) -> Message:
    """Add ``user``'s message to the application's conversation.

    Refuses readers who may not write (:class:`ConversationClosed`) and empty or over-long
    bodies (``ValidationError`` on ``body``). The other side's participants get one more unread
    message and, if nothing was pending for them, their digest clock starts now.
    """
    access = conversation_access(user, application)
    if not access.read:
        raise PermissionDenied("No such conversation.")
    if not access.write:
        raise ConversationClosed(access.reason)
    body = (body or "").strip()
    if not body:
        raise ValidationError({"body": "Write a message before sending."})
    if len(body) > MAX_LENGTH:
        raise ValidationError({"body": f"Keep a message under {MAX_LENGTH:,} characters (this one has {len(body):,})."})
    now = timezone.now()
    with transaction.atomic():
        message = Message.objects.create(application=application, author=user, side=access.side, body=body)
        recipients = _recipients(application, access.side)
        if recipients:
            Participant.objects.bulk_create(
                [Participant(application=application, user_id=pk) for pk in recipients], ignore_conflicts=True
            )
            Participant.objects.filter(application=application, user_id__in=recipients).update(
                unread=F("unread") + 1, pending_since=Coalesce(F("pending_since"), Value(now))
            )
    return message


def conversation_mark_read(*, application: Application, user, up_to: int | None = None) -> int:
    """Mark the thread read for ``user`` up to message ``up_to`` (default: the newest), and
    return how many messages of the other side are still unread after it.

    Readers who are not a party (career services) have nothing to mark. Costs one query when
    nothing changed (the polling fragment calls this every few seconds).
    """
    access = conversation_access(user, application)
    if not access.read:
        raise PermissionDenied("No such conversation.")
    if access.side is None:
        return 0
    participant = Participant.objects.filter(application=application, user=user).only("last_read_id", "unread").first()
    # No row yet: the other side never wrote since this person joined, so nothing is unread.
    if participant is None or (participant.unread == 0 and up_to is not None and participant.last_read_id >= up_to):
        return 0
    with transaction.atomic():
        participant = Participant.objects.select_for_update(no_key=True).get(pk=participant.pk)
        newest = Message.objects.filter(application=application).order_by("-pk").values_list("pk", flat=True).first()
        newest = newest or 0
        target = newest if up_to is None else min(up_to, newest)
        last_read = max(participant.last_read_id, target)
        # Counted after taking the lock: a message committed by a writer we waited for is seen.
        unread = Message.objects.filter(application=application, side=other_side(access.side), pk__gt=last_read).count()
        participant.last_read_id = last_read
        participant.unread = unread
        if unread == 0:
            participant.pending_since = None
        participant.save(update_fields=["last_read_id", "unread", "pending_since"])
    return unread


def conversations_scrub_for_user(*, user_id: int, **_signal) -> list:
    """A student deletes their account (``accounts.signals.account_anonymising``): what they
    wrote goes (the rows stay, so the thread keeps its shape), and so does their place in every
    thread. Messages written for an organization stay with it, as its team notes do. No files."""
    Message.objects.filter(author_id=user_id, side=Side.STUDENT).update(body="")
    Participant.objects.filter(user_id=user_id).delete()
    return []
