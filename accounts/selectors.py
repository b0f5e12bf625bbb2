"""Reads for the accounts pages, with the joins they need."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Case, Count, OuterRef, Q, QuerySet, Subquery, Value, When
from django.db.models.functions import Lower
from django.utils import timezone

from .models import (
    EmployerApproval,
    Institution,
    InstitutionDomain,
    InstitutionLinkRequest,
    Invitation,
    Membership,
    Organization,
    PersonalToken,
    Skill,
    StudentProfile,
    User,
)
from .permissions import ACTIVE_USER


@dataclass(frozen=True)
class Completeness:
    percent: int
    missing: list[str]
    total: int

    @property
    def complete(self) -> bool:
        return not self.missing


# (label shown when missing, test on the profile). The institution is not required: independent
# students can reach 100%.
def _checks(profile: StudentProfile, skill_count: int) -> list[tuple[str, bool]]:
    return [
        ("your full name", bool(profile.user.name.strip())),
        ("your program of study", bool(profile.program.strip())),
        ("your graduation year", profile.graduation_year is not None),
        ("your country", bool(profile.country)),
        ("your weekly availability", profile.weekly_availability_hours is not None),
        ("at least one skill", skill_count > 0),
        ("a short bio", bool(profile.bio.strip())),
        ("a portfolio link", bool(profile.links)),
        ("a résumé (PDF)", bool(profile.resume)),
    ]


def profile_completeness(profile: StudentProfile) -> Completeness:
    """How complete the profile is and what is missing. Uses prefetched skills when present."""
    cache = getattr(profile, "_prefetched_objects_cache", {})
    skill_count = len(cache["skills"]) if "skills" in cache else profile.skills.count()
    checks = _checks(profile, skill_count)
    missing = [label for label, ok in checks if not ok]
    percent = round(100 * (len(checks) - len(missing)) / len(checks))
    return Completeness(percent=percent, missing=missing, total=len(checks))


def student_profile_for(user) -> StudentProfile:
    """The student's own profile (created on first use), with institution and skills loaded."""
    profile, _ = StudentProfile.objects.get_or_create(user=user)
    return StudentProfile.objects.select_related("user", "institution").prefetch_related("skills").get(pk=profile.pk)


def student_profile_get(pk: int) -> StudentProfile | None:
    return (
        StudentProfile.objects.select_related("user", "institution")
        .prefetch_related("skills")
        .filter(pk=pk, user__anonymised_at__isnull=True)
        .first()
    )


def pending_link_request(user) -> InstitutionLinkRequest | None:
    return (
        InstitutionLinkRequest.objects.select_related("institution")
        .filter(student=user, status=InstitutionLinkRequest.Status.PENDING)
        .first()
    )


def skills_matching(query: str, *, limit: int = 10) -> list[Skill]:
    query = " ".join(query.split())[:60]
    if not query:
        return []
    return list(
        Skill.objects.filter(Q(name__istartswith=query) | Q(slug__startswith=query.lower()))
        .order_by(Lower("name"), "pk")
        .only("name", "slug")[:limit]
    )


def institution_for_domain(domain: str) -> Institution | None:
    """The institution owning ``domain`` or a parent of it (cs.lakeside.edu → lakeside.edu)."""
    domain = domain.lower().strip(".")
    parts = domain.split(".")
    candidates = [".".join(parts[i:]) for i in range(len(parts) - 1)]
    if not candidates:
        return None
    rows = {d.domain: d for d in InstitutionDomain.objects.select_related("institution").filter(domain__in=candidates)}
    for candidate in candidates:  # most specific first
        if candidate in rows:
            return rows[candidate].institution
    return None


def organization_members_active(*, organization_ids) -> QuerySet[User]:
    """The active members of the given organizations (each with ``membership`` loaded), in a stable
    order: the people told about their organizations' listings and applicants. The SQL form of
    ``permissions.is_member``: a deactivated or deleted member is told nothing."""
    return (
        User.objects.filter(ACTIVE_USER, membership__organization_id__in=list(organization_ids))
        .select_related("membership")
        .order_by("pk")
    )


def blocked_organization_ids(*, institution_id: int) -> QuerySet:
    """The ids of the organizations ``institution_id`` blocked, as a lazy query (use it in
    ``__in``, ``.filter(organization_id=…).exists()`` or ``list()``). The one query of it: the
    browse and search pages, the API, saved-search alerts and applying all derive from it."""
    return EmployerApproval.objects.filter(
        institution_id=institution_id, decision=EmployerApproval.Decision.BLOCKED
    ).values_list("organization_id", flat=True)


def organization_members(organization: Organization) -> QuerySet[Membership]:
    """Members, owner first."""
    return (
        Membership.objects.filter(organization=organization)
        .select_related("user")
        .annotate(is_owner=Case(When(role=Membership.Role.OWNER, then=Value(0)), default=Value(1)))
        .order_by("is_owner", "user__name", "pk")
    )


def pending_invitations(*, organization: Organization | None = None, institution: Institution | None = None):
    qs = Invitation.objects.filter(accepted_at__isnull=True, revoked_at__isnull=True, expires_at__gt=timezone.now())
    if organization is not None:
        qs = qs.filter(organization=organization)
    if institution is not None:
        qs = qs.filter(institution=institution)
    return qs.select_related("invited_by").order_by("-created_at")


def invitation_by_token(token: str) -> Invitation | None:
    return Invitation.objects.select_related("organization", "institution", "invited_by").filter(token=token).first()


def institution_page(institution: Institution) -> dict:
    """Everything the institution's staff page shows, in a fixed number of queries."""
    return {
        "domains": list(institution.domains.order_by("domain")),
        "staff": list(institution.staff.select_related("user").order_by("user__name", "pk")),
        "link_requests": list(
            InstitutionLinkRequest.objects.filter(institution=institution, status=InstitutionLinkRequest.Status.PENDING)
            .select_related("student")
            .order_by("created_at", "pk")
        ),
        "invitations": list(pending_invitations(institution=institution)),
        "student_count": StudentProfile.objects.filter(
            institution=institution,
            institution_link__in=[StudentProfile.LinkStatus.DOMAIN, StudentProfile.LinkStatus.APPROVED],
        ).count(),
    }


def institutions_overview() -> QuerySet[Institution]:
    return Institution.objects.annotate(
        staff_count=Count("staff", distinct=True),
    ).prefetch_related("domains")


def organizations_for_review(*, verification: str | None = None) -> QuerySet[Organization]:
    """The staff review list: each organization with its owner's email and member count."""
    owner = Membership.objects.filter(organization=OuterRef("pk"), role=Membership.Role.OWNER)
    qs = Organization.objects.annotate(
        owner_email=Subquery(owner.values("user__email")[:1]),
        owner_name=Subquery(owner.values("user__name")[:1]),
        member_count=Count("memberships", distinct=True),
    ).order_by("verification", "-created_at", "pk")
    if verification:
        qs = qs.filter(verification=verification)
    return qs


def personal_tokens_of(user) -> QuerySet:
    """The user's tokens for the settings page and the API, newest first (revoked ones included,
    so that the user sees what they revoked)."""
    return PersonalToken.objects.filter(user=user).order_by("-created_at", "-pk")
