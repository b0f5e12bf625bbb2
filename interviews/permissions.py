"""Who may do what with interviews: the applications app's rules (the student of the
application, the members of the listing's organization), asked by pages, API and services."""

from __future__ import annotations

from accounts.permissions import institution_for_staff, is_active_user, organization_id_for
from applications.models import Application
from applications.permissions import can_review_application, can_view_own_application

from .choices import Party


def party_of(user, application: Application) -> Party | None:
    """Which side of the application's interviews ``user`` is on, or None (nobody else sees them)."""
    if not is_active_user(user):
        return None
    if user.is_student and can_view_own_application(user, application):
        return Party.STUDENT
    if user.is_employer and can_review_application(user, application):
        return Party.ORGANIZATION
    return None


def can_propose(user, application: Application) -> bool:
    return party_of(user, application) == Party.ORGANIZATION


def can_book(user, application: Application) -> bool:
    return party_of(user, application) == Party.STUDENT


def can_manage_availability(user) -> bool:
    """Every member of an organization keeps its weekly interview windows."""
    return organization_id_for(user) is not None


def can_see_no_shows(user) -> bool:
    """Career services see the no-shows of their own institution's students."""
    return institution_for_staff(user) is not None
