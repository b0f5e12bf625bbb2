"""Listing factories: one per state, each built through the real services."""

from datetime import time, timedelta

import factory
from django.utils import timezone

from accounts.models import Institution, Membership, Organization, Role, StudentProfile
from listings import services
from listings.models import Listing
from tests.factories import UserFactory


class OrganizationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organization

    name = factory.Sequence(lambda n: f"Organization {n}")
    slug = factory.Sequence(lambda n: f"org-{n}")
    country = "DE"
    verification = Organization.Verification.VERIFIED


class UnverifiedOrganizationFactory(OrganizationFactory):
    verification = Organization.Verification.UNVERIFIED


class InstitutionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Institution

    name = factory.Sequence(lambda n: f"University {n}")
    slug = factory.Sequence(lambda n: f"uni-{n}")
    country = "US"


class EmployerFactory(UserFactory):
    role = Role.EMPLOYER

    @factory.post_generation
    def organization(obj, create, extracted, **kwargs):
        if create:
            Membership.objects.create(
                user=obj, organization=extracted or OrganizationFactory(), role=Membership.Role.RECRUITER
            )


class StudentFactory(UserFactory):
    role = Role.STUDENT

    @factory.post_generation
    def profile(obj, create, extracted, **kwargs):
        if create:
            StudentProfile.objects.create(user=obj, **(extracted or {}))


class StaffFactory(UserFactory):
    role = Role.STAFF
    is_staff = True


class CareerServicesFactory(UserFactory):
    role = Role.CAREER_SERVICES


def listing_data(**overrides) -> dict:
    data = {
        "kind": Listing.Kind.INTERNSHIP,
        "title": "Marketing intern",
        "description": "Help our team plan campaigns.",
        "field": "marketing",
        "compensation_type": Listing.Compensation.PAID,
        "compensation_amount": 15,
        "currency": "EUR",
        "pay_period": Listing.PayPeriod.HOUR,
        "hours_per_week": 20,
        "duration_days": 90,
        "start_date": None,
        "application_deadline": timezone.now() + timedelta(days=30),
        "work_start": time(9),
        "work_end": time(17),
        "time_zone": "Europe/Berlin",
        "eligible_countries": [],
        "openings": 1,
        "collaboration_tools": ["Slack"],
        "requires_resume": True,
        "deliverables": "",
        "milestones": [],
        "estimated_total_hours": None,
        "staleness_days": 14,
    }
    if overrides.get("kind") == Listing.Kind.MICRO:
        data.update(compensation_type=Listing.Compensation.FIXED_FEE, compensation_amount=300, duration_days=14)
        data["estimated_total_hours"] = 20
    data.update(overrides)
    return data


class DraftListingFactory:
    """``DraftListingFactory(organization=..., title=..., skills=[...], **fields)``."""

    status = Listing.Status.DRAFT

    def __new__(cls, *, organization=None, actor=None, skills=(), questions=(), **overrides):
        organization = organization or OrganizationFactory()
        actor = actor or EmployerFactory(organization=organization)
        listing = services.listing_create(
            organization=organization,
            actor=actor,
            data=listing_data(**overrides),
            skill_names=list(skills),
            questions=[{"prompt": q, "required": True} for q in questions],
        )
        return cls.finish(listing, actor)

    @classmethod
    def finish(cls, listing, actor):
        return listing


class PublishedListingFactory(DraftListingFactory):
    @classmethod
    def finish(cls, listing, actor):
        if not listing.organization.is_verified:
            raise ValueError("Use PendingListingFactory for unverified organizations")
        return services.listing_submit(listing=listing, actor=actor)


class PendingListingFactory(DraftListingFactory):
    def __new__(cls, *, organization=None, **kwargs):
        return super().__new__(cls, organization=organization or UnverifiedOrganizationFactory(), **kwargs)

    @classmethod
    def finish(cls, listing, actor):
        return services.listing_submit(listing=listing, actor=actor)


class ClosedListingFactory(PublishedListingFactory):
    @classmethod
    def finish(cls, listing, actor):
        listing = super().finish(listing, actor)
        return services.listing_close(listing=listing, actor=actor, reason="filled")


def member_of(listing) -> object:
    return Membership.objects.filter(organization_id=listing.organization_id).select_related("user").first().user
