"""Who may read and write an application's conversation: one function, asked by the pages, the
thread fragment, the API, the digest job and the navigation count."""

from __future__ import annotations

from dataclasses import dataclass

from accounts.permissions import is_active_user
from applications.models import Application, ApplicationStatus, Placement
from applications.permissions import can_review_application, can_view_own_application
from placements.permissions import Side as PlacementSide
from placements.permissions import side_of

from .choices import Side

# A thread stays open for writing while the application is in play, and during the placement.
WRITABLE_STATUSES = {
    ApplicationStatus.SUBMITTED,
    ApplicationStatus.IN_REVIEW,
    ApplicationStatus.SHORTLISTED,
    ApplicationStatus.INTERVIEW,
    ApplicationStatus.OFFERED,
    ApplicationStatus.ACCEPTED,
}


@dataclass(frozen=True)
class Access:
    """What one user may do with one conversation. ``side`` is the party they write for (None
    for readers who are not a party); ``reason`` says why a reader may not write."""

    read: bool = False
    write: bool = False
    side: str | None = None
    reason: str = ""


NONE = Access()


def _has_placement(application: Application) -> bool:
    try:
        return application.placement is not None
    except Placement.DoesNotExist:
        return False


def _closed_reason(application: Application, side: str) -> str:
    if application.student_id is None or application.student.anonymised_at is not None:
        return "The student has deleted their account: this conversation is read-only."
    if application.status not in WRITABLE_STATUSES:
        return f"This application is “{application.get_status_display()}”: the conversation is closed."
    return ""


def conversation_access(user, application: Application) -> Access:
    """The student of the application and the members of the listing's organization read and
    write (while the application is in play or placed); career-services staff of the student's
    institution read once there is a placement, as they read its workspace
    (``placements.permissions.side_of``); nobody else sees the thread (pages answer 404).

    ``application`` should come with ``listing``, ``student`` and ``placement__student__student_profile``
    selected (see ``selectors.application_for_conversation``) so this asks no query.
    """
    if not is_active_user(user):
        return NONE
    if user.is_student and can_view_own_application(user, application):
        side = Side.STUDENT
    elif user.is_employer and can_review_application(user, application):
        side = Side.ORGANIZATION
    elif user.is_career_services and _has_placement(application):
        # The conversation continues in the placement workspace: whoever reads that reads this.
        if side_of(user, application.placement) == PlacementSide.CAREERS:
            return Access(read=True, reason="Career services can read this conversation, not write in it.")
        return NONE
    else:
        return NONE
    reason = _closed_reason(application, side)
    return Access(read=True, write=not reason, side=side, reason=reason)
