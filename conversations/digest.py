"""The message digest: at most one email per thread and recipient every 15 minutes, only while
they have unread messages, through the notifications outbox.

A participant is due when the first message they have neither read nor been emailed about is
``DIGEST_DELAY`` old (someone reading the thread live never gets an email) and their last
digest for the thread is ``DIGEST_INTERVAL`` old. The email and the participant's new state are
written in one transaction over rows locked with ``SKIP LOCKED``, and the outbox key names the
pending burst, so beat firing twice, or two workers at once, send one email.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import F, Q, Window
from django.db.models.functions import RowNumber
from django.urls import reverse
from django.utils import timezone

from notifications.services import Message as Notice
from notifications.services import notify_each

from .choices import Side
from .markdown import message_text
from .models import Message, Participant
from .permissions import conversation_access
from .selectors import other_side
from .thread import person_name

DIGEST_DELAY = timedelta(minutes=5)
DIGEST_INTERVAL = timedelta(minutes=15)
DIGEST_BATCH = 200
# The newest unread messages quoted in one email; the count covers the rest.
DIGEST_QUOTED = 5


def thread_url_for(application, side: str) -> str:
    """Where a party reads the thread: the student's or the employer's application page."""
    name = "applications:detail" if side == Side.STUDENT else "applications:employer_detail"
    return reverse(name, args=[application.pk]) + "#conversation"


def conversation_digests_send(*, now: datetime | None = None, batch_size: int = DIGEST_BATCH) -> tuple[int, bool]:
    """Email every due participant one digest of their unread messages. Returns (participants
    handled, more left) so the task can run again until the backlog is gone."""
    now = now or timezone.now()
    with transaction.atomic():
        due = list(
            Participant.objects.filter(
                Q(emailed_at__isnull=True) | Q(emailed_at__lte=now - DIGEST_INTERVAL),
                pending_since__lte=now - DIGEST_DELAY,
                unread__gt=0,
            )
            .select_related("user__membership", "application__listing__organization", "application__student")
            .order_by("pk")
            .select_for_update(skip_locked=True, no_key=True, of=("self",))[:batch_size]
        )
        if not due:
            return 0, False
        notices, handled = [], []
        sides = {p.pk: conversation_access(p.user, p.application).side for p in due}
        quoted = _quoted_messages([p for p in due if sides[p.pk] is not None], sides)
        for participant in due:
            handled.append(participant.pk)
            side = sides[participant.pk]
            if side is None:  # left the organization, account closed: nothing to send
                continue
            application = participant.application
            messages = [m for m in quoted[(application.pk, other_side(side))] if m.pk > participant.last_read_id]
            if not messages:
                continue
            notices.append(
                Notice(
                    recipient=participant.user,
                    key=f"conversation.digest:{participant.pk}:{participant.pending_since:%Y%m%dT%H%M%S.%f}",
                    url=thread_url_for(application, side),
                    context={
                        "application": application,
                        "listing": application.listing,
                        "other_party": _other_party_name(application, side),
                        "unread": participant.unread,
                        "messages": [
                            {
                                "author": person_name(m.author, "A former user"),
                                "created_at": m.created_at,
                                "text": message_text(m.body),
                            }
                            for m in messages[-DIGEST_QUOTED:]
                        ],
                        "more": max(0, participant.unread - min(len(messages), DIGEST_QUOTED)),
                    },
                )
            )
        notify_each(event="conversation.messages", messages=notices, in_app=False)
        Participant.objects.filter(pk__in=handled).update(emailed_at=now, pending_since=None)
    return len(handled), len(handled) == batch_size


def _other_party_name(application, side: str) -> str:
    if side == Side.STUDENT:
        return application.listing.organization.name
    return person_name(application.student, "the student")


def _quoted_messages(participants: list[Participant], sides: dict[int, str | None]) -> dict[tuple, list[Message]]:
    """The newest unread messages of every thread in the batch, in one query: per thread and
    side, the ``DIGEST_QUOTED`` newest after the lowest read position among its recipients."""
    lowest: dict[tuple[int, str], int] = {}
    for p in participants:
        key = (p.application_id, other_side(sides[p.pk]))
        lowest[key] = min(lowest.get(key, p.last_read_id), p.last_read_id)
    found: dict[tuple, list[Message]] = defaultdict(list)
    if not lowest:
        return found
    condition = Q()
    for (application_id, side), after in lowest.items():
        condition |= Q(application_id=application_id, side=side, pk__gt=after)
    rows = (
        Message.objects.filter(condition)
        .annotate(rank=Window(RowNumber(), partition_by=[F("application_id"), F("side")], order_by=F("pk").desc()))
        .filter(rank__lte=DIGEST_QUOTED)
        .select_related("author")
        .order_by("pk")
    )
    for message in rows:
        found[(message.application_id, message.side)].append(message)
    return found
