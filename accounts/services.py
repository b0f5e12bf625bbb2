"""The writes of accounts: sign-up completion, profiles, institutions, organizations, invitations,
account deletion. Each function is keyword-only, runs in one transaction and notifies inside it."""

from __future__ import annotations

import hashlib
import secrets
import uuid
from collections.abc import Collection
from datetime import timedelta

from allauth.account.models import EmailAddress
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify

from marketplace.concurrency import check_version
from notifications.services import absolute_url, email_enqueue, notify

from . import events, permissions, selectors
from .models import (
    CareerServicesMembership,
    Institution,
    InstitutionLinkRequest,
    Invitation,
    Membership,
    Organization,
    PersonalToken,
    Role,
    Skill,
    StudentProfile,
    User,
)
from .signals import account_anonymising

SELF_SERVE_ROLES = (Role.STUDENT, Role.EMPLOYER)
MAX_SKILLS = 30
MAX_LINKS = 10


class InvitationError(Exception):
    """An invitation that cannot be used (expired, used, revoked, wrong account)."""

    def __init__(self, message: str, *, code: str):
        super().__init__(message)
        self.message = message
        self.code = code


# --- sign-up -------------------------------------------------------------------------------------


def user_signup_complete(*, user: User, name: str, role: str) -> User:
    """Give a freshly signed-up user their name and self-serve role; students get a profile."""
    if role not in SELF_SERVE_ROLES:
        raise ValidationError("Choose student or employer.", code="role")
    with transaction.atomic():
        user.name = name.strip()
        user.role = role
        user.save(update_fields=["name", "role"])
        if role == Role.STUDENT:
            StudentProfile.objects.get_or_create(user=user)
    return user


def student_link_by_email(*, user: User, email: str) -> Institution | None:
    """After an address is verified: link a student to the institution owning its domain, unless
    the student is already linked. Returns the institution linked, if any."""
    if not user.is_student or "@" not in email:
        return None
    institution = selectors.institution_for_domain(email.rsplit("@", 1)[1])
    if institution is None:
        return None
    with transaction.atomic():
        profile, _ = StudentProfile.objects.select_for_update(no_key=True).get_or_create(user=user)
        if profile.is_linked:
            return None
        profile.institution = institution
        profile.institution_link = StudentProfile.LinkStatus.DOMAIN
        profile.save(update_fields=["institution", "institution_link", "updated_at"])
        # A pending request to the same institution is answered by the verified address.
        pending = (
            InstitutionLinkRequest.objects.select_for_update(no_key=True)
            .filter(student=user, institution=institution, status=InstitutionLinkRequest.Status.PENDING)
            .first()
        )
        if pending is not None:
            _link_request_settle(pending, approve=True, decided_by=None)
    return institution


# --- student profile -----------------------------------------------------------------------------


def skill_slug(name: str) -> str:
    """Normalize a skill name to its tag: "C++" → "c-plus-plus", " Data  Analysis " → "data-analysis"."""
    text = name.strip().lower().replace("++", " plus plus ").replace("+", " plus ").replace("#", " sharp ")
    return slugify(text)[:60].strip("-")


def skills_from_names(names: list[str]) -> list[Skill]:
    """Existing tags for known names (whatever their spelling) and new tags for the others."""
    wanted: dict[str, str] = {}
    for raw in names:
        name = " ".join(raw.split())[:60]
        slug = skill_slug(name)
        if slug and slug not in wanted:
            wanted[slug] = name
    if len(wanted) > MAX_SKILLS:
        raise ValidationError(f"At most {MAX_SKILLS} skills.", code="too_many")
    existing = {s.slug: s for s in Skill.objects.filter(slug__in=list(wanted))}
    missing = [Skill(slug=slug, name=name) for slug, name in wanted.items() if slug not in existing]
    if missing:
        Skill.objects.bulk_create(missing, ignore_conflicts=True)
        existing = {s.slug: s for s in Skill.objects.filter(slug__in=list(wanted))}
    return [existing[slug] for slug in wanted]


PROFILE_FIELDS = (
    "program",
    "graduation_year",
    "country",
    "time_zone",
    "weekly_availability_hours",
    "bio",
    "links",
    "visibility",
)


def student_profile_update(
    *,
    profile: StudentProfile,
    name: str,
    skills: list[str],
    resume=None,
    remove_resume: bool = False,
    if_version: Collection[str] | None = None,
    **fields,
) -> StudentProfile:
    """Save the profile form. ``resume`` must already be checked (``uploads.resume_check``); it is
    stored in the private storage under a random name and the replaced file is deleted after commit.

    ``if_version``: the profile's versions the editor read (the API's ``If-Match``), checked under
    the row lock: ``StaleVersion`` with nothing changed when the profile was saved since."""
    unknown = set(fields) - set(PROFILE_FIELDS)
    if unknown:
        raise TypeError(f"Unknown profile fields: {sorted(unknown)}")
    old_resume = profile.resume.name if profile.resume else ""
    with transaction.atomic():
        current = StudentProfile.objects.select_for_update(no_key=True).only("pk", "updated_at").get(pk=profile.pk)
        check_version(current.version, if_version)
        user = profile.user
        user.name = name.strip()
        user.save(update_fields=["name"])
        for field, value in fields.items():
            setattr(profile, field, value)
        update = [*fields, "updated_at"]
        if resume is not None:
            resume.seek(0)
            profile.resume.save("resume.pdf", resume, save=False)
            profile.resume_uploaded_at = timezone.now()
            update += ["resume", "resume_uploaded_at"]
        elif remove_resume and old_resume:
            profile.resume = ""
            profile.resume_uploaded_at = None
            update += ["resume", "resume_uploaded_at"]
        profile.save(update_fields=update)
        profile.skills.set(skills_from_names(skills))
        replaced = old_resume and (resume is not None or remove_resume)
        if replaced:
            storage = profile.resume.storage
            transaction.on_commit(lambda: storage.delete(old_resume))
    return profile


def institution_link_request(
    *, student: User, institution: Institution, student_number: str = "", message: str = ""
) -> InstitutionLinkRequest:
    """A student without a matching verified address asks the institution's staff to link them."""
    with transaction.atomic():
        profile, _ = StudentProfile.objects.select_for_update(no_key=True).get_or_create(user=student)
        if profile.is_linked:
            raise ValidationError(f"Your profile is already linked to {profile.institution}.", code="linked")
        if InstitutionLinkRequest.objects.filter(
            student=student, status=InstitutionLinkRequest.Status.PENDING
        ).exists():
            raise ValidationError("You already have a pending request.", code="pending")
        link_request = InstitutionLinkRequest.objects.create(
            student=student, institution=institution, student_number=student_number.strip(), message=message.strip()
        )
        profile.institution_link = StudentProfile.LinkStatus.REQUESTED
        profile.save(update_fields=["institution_link", "updated_at"])
        staff = User.objects.filter(career_services__institution=institution, is_active=True)
        notify(
            event=events.LINK_REQUESTED.name,
            recipients=list(staff),
            key=f"accounts.link_requested:{link_request.pk}",
            context={
                "institution": institution,
                "student_name": student.name or student.email,
                "student_email": student.email,
                "student_number": link_request.student_number,
                "message": link_request.message,
            },
            url=reverse("accounts:institution", args=[institution.slug]),
            summary=f"{student.name or student.email} asks to join {institution.name}.",
        )
    return link_request


def institution_link_decide(*, link_request: InstitutionLinkRequest, decided_by: User, approve: bool) -> None:
    """Career-services staff approve (the student is linked) or reject a pending request."""
    with transaction.atomic():
        locked = (
            InstitutionLinkRequest.objects.select_for_update(no_key=True, of=("self",))
            .select_related("institution", "student")
            .get(pk=link_request.pk)
        )
        _link_request_settle(locked, approve=approve, decided_by=decided_by)
        profile, _ = StudentProfile.objects.select_for_update(no_key=True).get_or_create(user=locked.student)
        if approve:
            profile.institution = locked.institution
            profile.institution_link = StudentProfile.LinkStatus.APPROVED
            if locked.student_number:
                profile.student_number = locked.student_number
            profile.save(update_fields=["institution", "institution_link", "student_number", "updated_at"])
        elif profile.institution_link == StudentProfile.LinkStatus.REQUESTED:
            profile.institution_link = StudentProfile.LinkStatus.NONE
            profile.save(update_fields=["institution_link", "updated_at"])
        notify(
            event=events.LINK_DECIDED.name,
            recipients=[locked.student],
            key=f"accounts.link_decided:{locked.pk}",
            context={"institution": locked.institution, "approved": approve},
            url=reverse("accounts:profile"),
            summary=("Linked to " if approve else "Not linked to ") + locked.institution.name,
        )
        link_request.status = locked.status


def _link_request_settle(locked: InstitutionLinkRequest, *, approve: bool, decided_by: User | None) -> None:
    """The one write of a link request's decision, on a row the caller locked: only a pending
    request is decided, once. ``decided_by`` is None when the student's verified address answered
    it (``student_link_by_email``)."""
    if locked.status != InstitutionLinkRequest.Status.PENDING:
        raise ValidationError("This request was already decided.", code="decided")
    locked.status = InstitutionLinkRequest.Status.APPROVED if approve else InstitutionLinkRequest.Status.REJECTED
    locked.decided_by = decided_by
    locked.decided_at = timezone.now()
    locked.save(update_fields=["status", "decided_by", "decided_at"])


# --- organizations -------------------------------------------------------------------------------


def _unique_slug(name: str) -> str:
    base = slugify(name)[:70] or "organization"
    slug = base
    while Organization.objects.filter(slug=slug).exists():
        slug = f"{base}-{uuid.uuid4().hex[:6]}"
    return slug


def organization_create(*, owner: User, logo=None, **fields) -> Organization:
    """Onboarding: an employer without an organization creates one and becomes its owner.
    ``logo`` is the re-encoded file from ``uploads.logo_check``."""
    if not permissions.can_create_organization(owner):
        raise ValidationError("You already belong to an organization.", code="has_organization")
    with transaction.atomic():
        organization = Organization(slug=_unique_slug(fields["name"]), **fields)
        if logo is not None:
            organization.logo.save("logo.png", logo, save=False)
        organization.save()
        try:
            with transaction.atomic():
                Membership.objects.create(organization=organization, user=owner, role=Membership.Role.OWNER)
        except IntegrityError:
            raise ValidationError("You already belong to an organization.", code="has_organization") from None
    return organization


def organization_update(*, organization: Organization, logo=None, remove_logo: bool = False, **fields) -> Organization:
    old_logo = organization.logo.name if organization.logo else ""
    with transaction.atomic():
        for field, value in fields.items():
            setattr(organization, field, value)
        update = list(fields)
        if logo is not None:
            organization.logo.save("logo.png", logo, save=False)
            update.append("logo")
        elif remove_logo and old_logo:
            organization.logo = ""
            update.append("logo")
        organization.save(update_fields=update)
        if old_logo and (logo is not None or remove_logo):
            storage = organization.logo.storage
            transaction.on_commit(lambda: storage.delete(old_logo))
    return organization


def organization_set_verification(
    *, organization: Organization, verification: str, by: User, note: str = ""
) -> Organization:
    """Site staff verify or reject an organization; its owner is told."""
    if verification not in Organization.Verification.values:
        raise ValidationError("Unknown verification state.", code="state")
    with transaction.atomic():
        locked = Organization.objects.select_for_update(no_key=True).get(pk=organization.pk)
        changed = locked.verification != verification or locked.verification_note != note
        locked.verification = verification
        locked.verification_note = note.strip()
        locked.verified_at = timezone.now() if verification == Organization.Verification.VERIFIED else None
        locked.save(update_fields=["verification", "verification_note", "verified_at"])
        if changed:
            owners = User.objects.filter(membership__organization=locked, membership__role=Membership.Role.OWNER)
            notify(
                event=events.ORGANIZATION_VERIFICATION.name,
                recipients=list(owners),
                key=f"accounts.org_verification:{locked.pk}:{verification}:{timezone.now().timestamp()}",
                context={"organization": locked},
                url=reverse("accounts:organization"),
                summary=f"{locked.name}: {locked.get_verification_display()}",
            )
    organization.verification = locked.verification
    organization.verification_note = locked.verification_note
    organization.verified_at = locked.verified_at
    return organization


def membership_remove(*, membership: Membership, by: User) -> None:
    """The owner removes a recruiter; the recruiter's account stays, without an organization."""
    if not permissions.can_remove_member(by, membership):
        raise ValidationError("Only the owner can remove members, and not themselves.", code="forbidden")
    with transaction.atomic():
        Membership.objects.filter(pk=membership.pk, role=Membership.Role.RECRUITER).delete()


def organization_transfer_ownership(*, organization: Organization, to: Membership, by: User) -> None:
    """The owner hands the organization to another member and becomes a recruiter."""
    if not permissions.can_manage_organization(by, organization) or to.organization_id != organization.pk:
        raise ValidationError("Only the owner can transfer ownership to a member.", code="forbidden")
    with transaction.atomic():
        members = list(
            Membership.objects.filter(organization=organization).order_by("pk").select_for_update(no_key=True)
        )
        current = next((m for m in members if m.role == Membership.Role.OWNER), None)
        target = next((m for m in members if m.pk == to.pk), None)
        if current is None or current.user_id != by.pk or target is None or target.pk == current.pk:
            raise ValidationError("Ownership can only go from the owner to another member.", code="forbidden")
        # Demote first: the database allows one owner per organization at any moment.
        current.role = Membership.Role.RECRUITER
        current.save(update_fields=["role"])
        target.role = Membership.Role.OWNER
        target.save(update_fields=["role"])
        notify(
            event=events.OWNERSHIP_TRANSFERRED.name,
            recipients=[target.user],
            key=f"accounts.ownership:{organization.pk}:{target.pk}:{timezone.now().timestamp()}",
            context={"organization": organization, "previous_owner_name": by.name or by.email},
            url=reverse("accounts:organization"),
            summary=f"You are now the owner of {organization.name}.",
        )


# --- invitations ---------------------------------------------------------------------------------


def invitation_create(
    *,
    invited_by: User,
    email: str,
    organization: Organization | None = None,
    institution: Institution | None = None,
) -> Invitation:
    """Invite an address to an organization (as recruiter) or to an institution's career-services
    team. A still-usable earlier invitation of the same address to the same place is revoked, so
    only the newest link works. The email goes through the outbox after commit."""
    email = User.objects.normalize_email(email).strip().lower()
    if organization is not None:
        if not permissions.can_manage_organization(invited_by, organization):
            raise ValidationError("Only the owner can invite recruiters.", code="forbidden")
        if Membership.objects.filter(organization=organization, user__email__iexact=email).exists():
            raise ValidationError("This person is already a member of your organization.", code="member")
        kind, target = Invitation.Kind.ORGANIZATION, {"organization": organization}
    elif institution is not None:
        if not permissions.can_manage_institution(invited_by, institution):
            raise ValidationError("You cannot invite staff to this institution.", code="forbidden")
        if CareerServicesMembership.objects.filter(institution=institution, user__email__iexact=email).exists():
            raise ValidationError("This person is already on the career services team.", code="member")
        kind, target = Invitation.Kind.CAREER_SERVICES, {"institution": institution}
    else:
        raise ValueError("An invitation needs an organization or an institution.")
    now = timezone.now()
    with transaction.atomic():
        Invitation.objects.filter(
            email__iexact=email, accepted_at__isnull=True, revoked_at__isnull=True, **target
        ).update(revoked_at=now)
        invitation = Invitation.objects.create(
            kind=kind,
            email=email,
            invited_by=invited_by,
            expires_at=now + settings.INVITATION_TTL,
            role=Membership.Role.RECRUITER if organization is not None else "",
            **target,
        )
        _send_invitation(invitation)
    return invitation


def _send_invitation(invitation: Invitation) -> None:
    context = {
        "site_name": settings.SITE_NAME,
        "invitation": invitation,
        "inviter_name": (invitation.invited_by.name or invitation.invited_by.email)
        if invitation.invited_by
        else settings.SITE_NAME,
        "url": absolute_url(reverse("accounts:invitation", args=[invitation.token])),
    }
    subject = render_to_string("accounts/email/invitation_subject.txt", context).strip().replace("\n", " ")
    body = render_to_string("accounts/email/invitation.txt", context).strip() + "\n"
    existing = User.objects.filter(email__iexact=invitation.email).first()
    email_enqueue(
        to_email=invitation.email,
        subject=subject,
        body_text=body,
        key=f"accounts.invitation:{invitation.pk}",
        event=events.INVITATION.name,
        recipient=existing,
    )


def invitation_revoke(*, invitation: Invitation, by: User) -> None:
    if not permissions.can_revoke_invitation(by, invitation):
        raise ValidationError("You cannot revoke this invitation.", code="forbidden")
    with transaction.atomic():
        Invitation.objects.filter(pk=invitation.pk, accepted_at__isnull=True, revoked_at__isnull=True).update(
            revoked_at=timezone.now()
        )


def _lock_usable(invitation: Invitation) -> Invitation:
    locked = (
        Invitation.objects.select_for_update(no_key=True, of=("self",))
        .select_related("organization", "institution")
        .get(pk=invitation.pk)
    )
    if locked.accepted_at is not None:
        raise InvitationError("This invitation has already been used.", code="used")
    if locked.revoked_at is not None:
        raise InvitationError("This invitation was withdrawn. Ask for a new one.", code="revoked")
    if locked.expires_at <= timezone.now():
        raise InvitationError("This invitation has expired. Ask for a new one.", code="expired")
    return locked


def invitation_problem(*, invitation: Invitation) -> InvitationError | None:
    """Why the link cannot be used at all (for the landing page), or None."""
    if invitation.accepted_at is not None:
        return InvitationError("This invitation has already been used.", code="used")
    if invitation.revoked_at is not None:
        return InvitationError("This invitation was withdrawn. Ask for a new one.", code="revoked")
    if invitation.expires_at <= timezone.now():
        return InvitationError("This invitation has expired. Ask for a new one.", code="expired")
    return None


def _join(invitation: Invitation, user: User) -> None:
    if invitation.kind == Invitation.Kind.ORGANIZATION:
        if not user.is_employer:
            raise InvitationError(
                "This invitation is for an employer account; your account is not one. "
                "Ask for an invitation to another address.",
                code="wrong_role",
            )
        if Membership.objects.filter(user=user).exists():
            raise InvitationError(
                "Your account already belongs to an organization (one organization per account).",
                code="has_organization",
            )
        Membership.objects.create(
            organization=invitation.organization, user=user, role=invitation.role or Membership.Role.RECRUITER
        )
    else:
        if not user.is_career_services:
            raise InvitationError(
                "This invitation is for a career services account; your account is not one. "
                "Ask for an invitation to another address.",
                code="wrong_role",
            )
        if CareerServicesMembership.objects.filter(user=user).exists():
            raise InvitationError("Your account already belongs to a career services team.", code="has_institution")
        CareerServicesMembership.objects.create(institution=invitation.institution, user=user)


def invitation_accept(*, invitation: Invitation, user: User) -> Invitation:
    """A signed-in user whose verified address is the invited one joins; the link is then spent."""
    with transaction.atomic():
        locked = _lock_usable(invitation)
        verified = EmailAddress.objects.filter(user=user, email__iexact=locked.email, verified=True).exists()
        if not verified:
            raise InvitationError(
                f"This invitation was sent to {locked.email}; sign in with that address to accept it.",
                code="wrong_email",
            )
        _join(locked, user)
        locked.accepted_at = timezone.now()
        locked.accepted_by = user
        locked.save(update_fields=["accepted_at", "accepted_by"])
    return locked


def invitation_signup(*, invitation: Invitation, name: str, password: str) -> User:
    """Create the invited person's account and join in one step. The address is verified: the
    link was delivered to it. Career-services accounts are only ever created this way."""
    with transaction.atomic():
        locked = _lock_usable(invitation)
        if User.objects.filter(email__iexact=locked.email).exists():
            raise InvitationError(
                f"An account for {locked.email} already exists: sign in to accept the invitation.", code="exists"
            )
        role = Role.EMPLOYER if locked.kind == Invitation.Kind.ORGANIZATION else Role.CAREER_SERVICES
        user = User.objects.create_user(email=locked.email, password=password, name=name.strip(), role=role)
        EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
        _join(locked, user)
        locked.accepted_at = timezone.now()
        locked.accepted_by = user
        locked.save(update_fields=["accepted_at", "accepted_by"])
    return user


# --- account deletion ----------------------------------------------------------------------------


def user_delete(*, user: User) -> User:
    """Delete an account, GDPR-style, by anonymising it.

    The user row stays (inactive, no name, a placeholder address, no password) so that counts
    which refer to it (applications per listing, placements, audit history) stay true; everything
    personal goes: profile and résumé file, skills, links, email addresses, institution and
    organization memberships, link requests, in-app notifications, API tokens. An owner who still
    has other members must transfer ownership first.
    """
    from notifications.models import Notification

    with transaction.atomic():
        locked = User.objects.select_for_update().get(pk=user.pk)
        if locked.anonymised_at is not None:
            return locked
        membership = Membership.objects.filter(user=locked).first()
        if (
            membership is not None
            and membership.role == Membership.Role.OWNER
            and Membership.objects.filter(organization_id=membership.organization_id).exclude(user=locked).exists()
        ):
            raise ValidationError(
                "You own an organization with other members: transfer the ownership before deleting your account.",
                code="owner",
            )
        files = []
        profile = StudentProfile.objects.filter(user=locked).first()
        if profile is not None:
            if profile.resume:
                files.append((profile.resume.storage, profile.resume.name))
            profile.delete()
        InstitutionLinkRequest.objects.filter(student=locked).delete()
        Membership.objects.filter(user=locked).delete()
        CareerServicesMembership.objects.filter(user=locked).delete()
        EmailAddress.objects.filter(user=locked).delete()
        Notification.objects.filter(recipient=locked).delete()
        PersonalToken.objects.filter(user=locked).delete()
        for _receiver, scrubbed_files in account_anonymising.send(sender=User, user_id=locked.pk):
            files.extend(scrubbed_files or [])
        locked.email = f"deleted-{locked.pk}@anonymised.invalid"
        locked.name = ""
        locked.is_active = False
        locked.is_staff = False
        locked.is_superuser = False
        locked.anonymised_at = timezone.now()
        locked.set_unusable_password()
        locked.save(
            update_fields=["email", "name", "is_active", "is_staff", "is_superuser", "anonymised_at", "password"]
        )

        def delete_files():
            for storage, name in files:
                storage.delete(name)

        transaction.on_commit(delete_files)
    return locked


# --- personal API tokens -------------------------------------------------------------------------

TOKEN_PREFIX = "ia_"  # noqa: S105 (not a secret) marks our secrets, so that secret scanners and people recognise a leaked one
MAX_ACTIVE_TOKENS = 20
# last_used_at is written at most this often per token: a busy script does not write on every call.
TOKEN_TOUCH_INTERVAL = timedelta(minutes=1)


def token_hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def personal_token_create(*, user: User, name: str, scope: str, lifetime_days: int) -> tuple[PersonalToken, str]:
    """Make a token for ``user`` and return it with its secret: the only time the secret exists
    outside the user's own keeping (only its hash is stored)."""
    if not permissions.is_active_user(user):
        raise ValidationError("Sign in to create a token.", code="inactive")
    name = name.strip()
    if not name:
        raise ValidationError({"name": "Give the token a name, such as the script that will use it."})
    if scope not in PersonalToken.Scope.values:
        raise ValidationError({"scope": "Choose read only or read and write."})
    if lifetime_days not in PersonalToken.LIFETIMES:
        days = ", ".join(str(d) for d in PersonalToken.LIFETIMES)
        raise ValidationError({"lifetime_days": f"Choose one of {days} days."})
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    now = timezone.now()
    with transaction.atomic():
        # Lock the user's row so that two requests at once cannot both pass the cap.
        User.objects.select_for_update(no_key=True).filter(pk=user.pk).first()
        active = PersonalToken.objects.filter(user=user, revoked_at__isnull=True, expires_at__gt=now).count()
        if active >= MAX_ACTIVE_TOKENS:
            raise ValidationError(
                f"You have {MAX_ACTIVE_TOKENS} active tokens: revoke one you no longer use first.", code="too_many"
            )
        token = PersonalToken.objects.create(
            user=user,
            name=name[:100],
            scope=scope,
            key_hash=token_hash(secret),
            prefix=secret[: len(TOKEN_PREFIX) + 6],
            expires_at=now + timedelta(days=lifetime_days),
        )
        notify(
            event=events.TOKEN_CREATED.name,
            recipients=[user],
            key=f"accounts.token:{token.pk}",
            context={"token": token, "scope": token.get_scope_display()},
            url=reverse("accounts:tokens"),
            summary=f"API token “{token.name}” created ({token.get_scope_display().lower()}).",
        )
    return token, secret


def personal_token_revoke(*, user: User, token_id: int) -> PersonalToken | None:
    """Revoke one of ``user``'s own tokens (None when it is not theirs); revoking twice is harmless."""
    with transaction.atomic():
        token = PersonalToken.objects.select_for_update().filter(pk=token_id, user=user).first()
        if token is not None and token.revoked_at is None:
            token.revoked_at = timezone.now()
            token.save(update_fields=["revoked_at"])
    return token


def personal_token_use(*, secret: str) -> PersonalToken | None:
    """The token a request presents, with its user, when it may be used now: known, not revoked,
    not expired, its user active. Records the time of use (at most once a minute)."""
    if not secret.startswith(TOKEN_PREFIX) or len(secret) > 100:
        return None
    now = timezone.now()
    token = (
        PersonalToken.objects.select_related("user")
        .filter(key_hash=token_hash(secret), revoked_at__isnull=True, expires_at__gt=now)
        .first()
    )
    if token is None or not permissions.is_active_user(token.user):
        return None
    if token.last_used_at is None or now - token.last_used_at >= TOKEN_TOUCH_INTERVAL:
        # A plain UPDATE without a lock: two requests in the same minute both writing is harmless.
        PersonalToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now
    return token
