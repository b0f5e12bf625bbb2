"""Who may see and change a placement's workspace. Pages, API and services all ask these functions.

- the student of the placement works in it (check-ins, proposing goals, confirming receipt of a fee);
- every active member of the placement's organization works in it as a supervisor may (the named
  supervisor is the one told of events; colleagues can stand in);
- career-services staff of the student's institution (the student linked to it) read it only;
- everyone else gets a 404: they are not told it exists.
"""

from __future__ import annotations

from enum import StrEnum

from django.db.models import Q

from accounts.models import StudentProfile
from accounts.permissions import institution_for_staff, is_active_user, membership_for
from applications.models import Placement


class Side(StrEnum):
    STUDENT = "student"
    SUPERVISOR = "supervisor"
    CAREERS = "careers"


# The rule of ``StudentProfile.is_linked`` as values for queries: a pending link request shows nothing.
LINKED = (StudentProfile.LinkStatus.DOMAIN, StudentProfile.LinkStatus.APPROVED)


def side_of(user, placement: Placement) -> Side | None:
    """Which side of ``placement`` the user is on, or None when they may not see it at all.

    Expects ``placement.student.student_profile`` loaded for the career-services case (the
    workspace selector loads it).
    """
    if not is_active_user(user):
        return None
    if user.is_student:
        return Side.STUDENT if placement.student_id == user.pk else None
    membership = membership_for(user)
    if membership is not None:
        return Side.SUPERVISOR if membership.organization_id == placement.organization_id else None
    institution = institution_for_staff(user)
    if institution is not None and placement.student_id is not None:
        profile = getattr(placement.student, "student_profile", None)
        if profile is not None and profile.institution_id == institution.pk and profile.institution_link in LINKED:
            return Side.CAREERS
    return None


def visible_placements_filter(user) -> Q | None:
    """The same rule as :func:`side_of`, as a filter for lists (None: the user sees none)."""
    if not is_active_user(user):
        return None
    if user.is_student:
        return Q(student_id=user.pk)
    membership = membership_for(user)
    if membership is not None:
        return Q(organization_id=membership.organization_id)
    institution = institution_for_staff(user)
    if institution is not None:
        return Q(
            student__student_profile__institution_id=institution.pk,
            student__student_profile__institution_link__in=LINKED,
        )
    return None


def can_view_placement(user, placement: Placement) -> bool:
    return side_of(user, placement) is not None


def can_work_in(user, placement: Placement) -> bool:
    """The two parties: the student and the organization's members (career services only read)."""
    return side_of(user, placement) in (Side.STUDENT, Side.SUPERVISOR)


def is_placement_student(user, placement: Placement) -> bool:
    return side_of(user, placement) == Side.STUDENT


def can_supervise(user, placement: Placement) -> bool:
    return side_of(user, placement) == Side.SUPERVISOR
