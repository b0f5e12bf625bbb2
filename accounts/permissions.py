"""Who may see or change what in accounts: plain functions, imported by views, templates, the API
and other apps. Every function accepts an anonymous user and answers False / None for it.

"An active member of the organization" is decided here and nowhere else: :func:`is_member` and
:func:`organization_id_for` (pages, API, services, tasks) and, for lists of recipients,
``accounts.selectors.organization_members_active``, which applies the same :func:`is_active_user`
rule in SQL.
"""

from __future__ import annotations

from django.db.models import Q

from .models import (
    CareerServicesMembership,
    Institution,
    InstitutionLinkRequest,
    Invitation,
    Membership,
    Organization,
    StudentProfile,
)

# The same rule as :func:`is_active_user`, for queries of users.
ACTIVE_USER = Q(is_active=True, anonymised_at__isnull=True)


def is_active_user(user) -> bool:
    """Signed in, not deactivated, not deleted (``ACTIVE_USER`` is the same rule as a query)."""
    return bool(getattr(user, "is_authenticated", False)) and user.is_active and user.anonymised_at is None


_active = is_active_user


def membership_for(user) -> Membership | None:
    """The employer's membership (one organization per employer account), or None: also None for a
    deactivated or deleted account, so a member who is switched off loses access everywhere."""
    if not _active(user) or not user.is_employer:
        return None
    try:
        return user.membership
    except Membership.DoesNotExist:
        return None


def organization_id_for(user) -> int | None:
    """The id of the organization ``user`` is an active member of, or None."""
    membership = membership_for(user)
    return membership.organization_id if membership is not None else None


def is_member(user, organization_id: int | None) -> bool:
    """Whether ``user`` is an active member of the organization ``organization_id``."""
    return organization_id is not None and organization_id_for(user) == organization_id


def organization_for(user) -> Organization | None:
    """The organization an employer belongs to, or None."""
    membership = membership_for(user)
    return membership.organization if membership is not None else None


def is_owner(user, organization: Organization) -> bool:
    membership = membership_for(user)
    return (
        membership is not None
        and membership.organization_id == organization.pk
        and membership.role == Membership.Role.OWNER
    )


def can_create_organization(user) -> bool:
    """An employer without an organization yet (onboarding)."""
    return _active(user) and user.is_employer and membership_for(user) is None


def can_view_organization_page(user, organization: Organization) -> bool:
    """The members' page: members of the organization only."""
    return is_member(user, organization.pk)


def can_manage_organization(user, organization: Organization) -> bool:
    """Edit the profile, invite recruiters, remove members, transfer ownership: the owner only."""
    return is_owner(user, organization)


def can_remove_member(user, membership: Membership) -> bool:
    """The owner removes recruiters; the owner's own membership is never removed this way."""
    return can_manage_organization(user, membership.organization) and membership.role != Membership.Role.OWNER


def can_verify_organizations(user) -> bool:
    return _active(user) and user.is_site_staff


def institution_for_staff(user) -> Institution | None:
    """The institution a career-services staff member works for, or None."""
    if not _active(user) or not user.is_career_services:
        return None
    try:
        return user.career_services.institution
    except CareerServicesMembership.DoesNotExist:
        return None


def is_institution_staff(user, institution: Institution) -> bool:
    staff_of = institution_for_staff(user)
    return staff_of is not None and staff_of.pk == institution.pk


def can_manage_institution(user, institution: Institution) -> bool:
    """See the institution's page and invite career-services staff: its staff and site staff."""
    return is_institution_staff(user, institution) or (_active(user) and user.is_site_staff)


def can_decide_link_request(user, link_request: InstitutionLinkRequest) -> bool:
    """Only the institution's own career-services staff approve or reject a link request."""
    return is_institution_staff(user, link_request.institution)


def can_revoke_invitation(user, invitation: Invitation) -> bool:
    if invitation.kind == Invitation.Kind.ORGANIZATION:
        return can_manage_organization(user, invitation.organization)
    return can_manage_institution(user, invitation.institution)


def can_edit_student_profile(user) -> bool:
    return _active(user) and user.is_student


def _applied_to(student_id: int, organization_id: int) -> bool:
    # Read through the relation the applications app declares (Organization → listings →
    # applications), so that accounts, below it, does not import it.
    return Organization.objects.filter(pk=organization_id, listings__applications__student_id=student_id).exists()


def can_view_resume(viewer, profile: StudentProfile) -> bool:
    """The owner; an employer member of an organization the student applied to; career-services
    staff of the student's (linked) institution. Nobody else, site staff included."""
    if not _active(viewer):
        return False
    if viewer.pk == profile.user_id:
        return True
    if viewer.is_career_services:
        staff_of = institution_for_staff(viewer)
        return staff_of is not None and profile.institution_id == staff_of.pk and profile.is_linked
    organization = organization_for(viewer)
    if organization is not None:
        return _applied_to(profile.user_id, organization.pk)
    return False


def can_view_student_profile(viewer, profile: StudentProfile) -> bool:
    """Everyone allowed to see the résumé, plus members of verified organizations when the student
    made the profile searchable."""
    if can_view_resume(viewer, profile):
        return True
    organization = organization_for(viewer)
    return (
        organization is not None
        and organization.is_verified
        and profile.visibility == StudentProfile.Visibility.SEARCHABLE
    )
