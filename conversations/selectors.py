"""Reads for the conversation pages, fragment, API and navigation: constant query counts
whatever the length of a thread."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Max, OuterRef, Q, QuerySet, Subquery, Sum
from django.db.models.functions import Coalesce

from accounts.models import Membership
from accounts.permissions import organization_id_for
from applications.models import Application

from .choices import Side
from .models import Message, Participant

THREAD_PAGE_SIZE = 20


def application_for_conversation(*, pk: int) -> Application | None:
    """The application with what :func:`permissions.conversation_access` and the thread header
    read (listing, organization, student, placement with the student's profile), in one query."""
    return (
        Application.objects.select_related(
            "listing__organization", "student", "placement__student__student_profile", "placement__supervisor"
        )
        .filter(pk=pk)
        .first()
    )


@dataclass(frozen=True)
class ThreadPage:
    """A slice of a thread in reading order (oldest first)."""

    messages: list[Message]
    has_earlier: bool

    @property
    def first_id(self) -> int | None:
        return self.messages[0].pk if self.messages else None

    @property
    def last_id(self) -> int | None:
        return self.messages[-1].pk if self.messages else None


def _messages(application_id: int) -> QuerySet[Message]:
    return Message.objects.filter(application_id=application_id).select_related("author")


def thread_page(*, application_id: int, before: int | None = None, size: int = THREAD_PAGE_SIZE) -> ThreadPage:
    """The newest ``size`` messages (or the ``size`` before message ``before``), oldest first.
    One query: one row more than the page tells whether there are earlier ones."""
    qs = _messages(application_id)
    if before is not None:
        qs = qs.filter(pk__lt=before)
    rows = list(qs.order_by("-pk")[: size + 1])
    return ThreadPage(messages=rows[:size][::-1], has_earlier=len(rows) > size)


def messages_after(*, application_id: int, after: int, limit: int = 200) -> list[Message]:
    """Messages newer than ``after``, oldest first (what a polling page has not shown yet)."""
    return list(_messages(application_id).filter(pk__gt=after).order_by("pk")[:limit])


def messages_for_api(*, application_id: int) -> QuerySet[Message]:
    return _messages(application_id)


def newest_message_id(*, application_id: int) -> int:
    return Message.objects.filter(application_id=application_id).aggregate(m=Max("pk"))["m"] or 0


def _party_scope(user) -> Q:
    """Threads the user is still a party to: their own applications, or their organization's."""
    # A subquery, not a join through the memberships: a join would repeat each row per member.
    organizations = Membership.objects.filter(user=user).values("organization_id")
    return Q(application__student=user) | Q(application__listing__organization_id__in=organizations)


def unread_messages_count_query(user) -> QuerySet:
    """The navigation badge: unread messages over the user's threads, as a one-value queryset
    (read inside the navigation's single query; see ``notifications.context_processors``)."""
    return (
        Participant.objects.filter(_party_scope(user), user=user, unread__gt=0)
        .order_by()
        .values("user")
        .annotate(n=Sum("unread"))
        .values("n")
    )


def unread_by_thread(*, user) -> list[dict]:
    """``[{"application": id, "unread": n}]`` for the threads with unread messages."""
    return list(
        Participant.objects.filter(_party_scope(user), user=user, unread__gt=0)
        .order_by("application_id")
        .values("application_id", "unread")
    )


def inbox(*, user) -> QuerySet[Application]:
    """The user's conversations (as the student or for their organization), most recent first,
    each with its last message time and the user's unread count."""
    if user.is_student:
        qs = Application.objects.filter(student=user)
    else:
        organization_id = organization_id_for(user)
        if organization_id is None:
            return Application.objects.none()
        qs = Application.objects.filter(listing__organization_id=organization_id)
    unread = Participant.objects.filter(application=OuterRef("pk"), user=user).values("unread")[:1]
    return (
        qs.annotate(last_message_at=Max("messages__created_at"), unread=Coalesce(Subquery(unread), 0))
        .filter(last_message_at__isnull=False)
        .select_related("listing__organization", "student")
        .order_by("-last_message_at", "-pk")
    )


def other_side(side: str) -> str:
    return Side.ORGANIZATION if side == Side.STUDENT else Side.STUDENT
