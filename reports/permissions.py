"""Who may see which institution's reports. Every page, export and download asks these functions.

Career-services staff see their own institution's students only; nobody else sees these pages
(site staff use the Django admin).
"""

from __future__ import annotations

from accounts.models import StudentProfile

# A student belongs to an institution once the link is verified (email domain or approval);
# a pending link request does not let the institution see them.
LINKED = (StudentProfile.LinkStatus.DOMAIN, StudentProfile.LinkStatus.APPROVED)


def institution_id_of(user) -> int | None:
    """The institution a career-services staff member works for, or None for everyone else."""
    if not getattr(user, "is_authenticated", False) or not user.is_active or not user.is_career_services:
        return None
    membership = getattr(user, "career_services", None)
    return membership.institution_id if membership is not None else None


def can_view_reports(user) -> bool:
    return institution_id_of(user) is not None


def can_view_student(user, profile: StudentProfile) -> bool:
    institution_id = institution_id_of(user)
    return (
        institution_id is not None and profile.institution_id == institution_id and profile.institution_link in LINKED
    )


def can_record_outcome(user, profile: StudentProfile) -> bool:
    return can_view_student(user, profile)


def can_decide_employer(user) -> bool:
    return can_view_reports(user)


def can_download_export(user, export) -> bool:
    """Any staff member of the export's institution (not only the requester); nobody else."""
    institution_id = institution_id_of(user)
    return institution_id is not None and export.institution_id == institution_id
