"""Accounts factories: one per state, built through the accounts services where one exists."""

from datetime import timedelta
from io import BytesIO

import factory
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from accounts import services
from accounts.models import (
    CareerServicesMembership,
    Institution,
    InstitutionDomain,
    Invitation,
    Organization,
    Role,
    StudentProfile,
)
from tests.factories import UserFactory

PASSWORD = "correct-horse-battery"


def pdf_bytes(pages: int = 1) -> bytes:
    from pypdf import PdfWriter

    writer = PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(width=595, height=842)
    out = BytesIO()
    writer.write(out)
    return out.getvalue()


def pdf_upload(name: str = "cv.pdf", content: bytes | None = None) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, pdf_bytes() if content is None else content, content_type="application/pdf")


def png_bytes(size=(40, 20), fmt="PNG") -> bytes:
    from PIL import Image

    out = BytesIO()
    Image.new("RGB", size, (200, 30, 30)).save(out, format=fmt)
    return out.getvalue()


class InstitutionFactory(factory.django.DjangoModelFactory):
    """An institution with one verified domain (``<slug>.edu``)."""

    class Meta:
        model = Institution
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"Test University {n}")
    slug = factory.Sequence(lambda n: f"test-uni-{n}")
    country = "US"

    @factory.post_generation
    def domain(obj, create, extracted, **kwargs):
        if create and extracted is not False:
            InstitutionDomain.objects.create(institution=obj, domain=extracted or f"{obj.slug}.edu")


class StudentFactory(UserFactory):
    """A verified student with an (empty) profile."""

    role = Role.STUDENT

    @factory.post_generation
    def profile(obj, create, extracted, **kwargs):
        if create:
            StudentProfile.objects.create(user=obj, **(extracted or {}))


class LinkedStudentFactory(StudentFactory):
    """A student linked to ``profile__institution`` by a verified domain."""

    @factory.post_generation
    def profile(obj, create, extracted, **kwargs):
        if create:
            fields = {"institution_link": StudentProfile.LinkStatus.DOMAIN, **(extracted or {})}
            fields.setdefault("institution", InstitutionFactory())
            StudentProfile.objects.create(user=obj, **fields)


class EmployerFactory(UserFactory):
    """An employer who has not created an organization yet (onboarding pending)."""

    role = Role.EMPLOYER


def owner_of(name: str = "Acme Remote", *, verification=Organization.Verification.UNVERIFIED, **user_fields):
    """An employer who created an organization through onboarding (the owner)."""
    owner = EmployerFactory(**user_fields)
    organization = services.organization_create(
        owner=owner, name=name, country="DE", website="", description="", size=Organization.Size.SMALL
    )
    if verification != Organization.Verification.UNVERIFIED:
        Organization.objects.filter(pk=organization.pk).update(verification=verification)
        organization.refresh_from_db()
    return owner


def recruiter_of(organization: Organization, **user_fields):
    """An employer who joined ``organization`` by accepting an invitation."""
    owner = organization.memberships.get(role="owner").user
    recruiter = EmployerFactory(**user_fields)
    invitation = services.invitation_create(invited_by=owner, email=recruiter.email, organization=organization)
    services.invitation_accept(invitation=invitation, user=recruiter)
    return recruiter


class CareerServicesFactory(UserFactory):
    """Career-services staff of ``institution`` (a new one unless given)."""

    role = Role.CAREER_SERVICES

    @factory.post_generation
    def institution(obj, create, extracted, **kwargs):
        if create:
            CareerServicesMembership.objects.create(user=obj, institution=extracted or InstitutionFactory())


class SiteStaffFactory(UserFactory):
    role = Role.STAFF
    is_staff = True


def pending_invitation(*, organization=None, institution=None, email="invitee@example.org", by=None):
    if by is None:
        by = organization.memberships.get(role="owner").user if organization is not None else SiteStaffFactory()
    return services.invitation_create(invited_by=by, email=email, organization=organization, institution=institution)


def expired_invitation(**kwargs) -> Invitation:
    invitation = pending_invitation(**kwargs)
    Invitation.objects.filter(pk=invitation.pk).update(expires_at=timezone.now() - timedelta(minutes=1))
    invitation.refresh_from_db()
    return invitation
