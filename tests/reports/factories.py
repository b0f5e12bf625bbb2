"""Career-services factories: one per state. Placements are made through the application
services (apply → offer → accept), as a user's actions would."""

from __future__ import annotations

import factory

from accounts.models import CareerServicesMembership, Role, StudentProfile
from applications.models import Placement
from reports.models import OutcomeRecord
from tests.applications.factories import AcceptedApplicationFactory
from tests.factories import UserFactory
from tests.listings.factories import (
    CareerServicesFactory,
    InstitutionFactory,
    OrganizationFactory,
    PublishedListingFactory,
    StudentFactory,
)

__all__ = [
    "InstitutionFactory",
    "OrganizationFactory",
    "PublishedListingFactory",
    "CareerStaffFactory",
    "InstitutionStudentFactory",
    "PendingLinkStudentFactory",
    "PlacementFactory",
    "CompletedPlacementFactory",
    "OutcomeFactory",
]


class CareerStaffFactory(CareerServicesFactory):
    """``CareerStaffFactory(institution=...)``: a career-services user with a membership."""

    @factory.post_generation
    def institution(obj, create, extracted, **kwargs):
        if create:
            CareerServicesMembership.objects.create(user=obj, institution=extracted or InstitutionFactory())


class InstitutionStudentFactory:
    """``InstitutionStudentFactory(institution=..., name=..., program=..., graduation_year=...)``:
    a student whose link to the institution is approved."""

    link = StudentProfile.LinkStatus.APPROVED

    def __new__(cls, *, institution=None, name=None, email=None, **profile):
        user_fields = {"role": Role.STUDENT}
        if name is not None:
            user_fields["name"] = name
        if email is not None:
            user_fields["email"] = email
        user = UserFactory(**user_fields)
        StudentProfile.objects.create(
            user=user,
            institution=institution or InstitutionFactory(),
            institution_link=cls.link,
            **{
                "program": "BSc Computer Science",
                "graduation_year": 2026,
                "country": "DE",
                "time_zone": "Europe/Berlin",
                **profile,
            },
        )
        return user


class PendingLinkStudentFactory(InstitutionStudentFactory):
    """A student who asked to join the institution but is not linked yet."""

    link = StudentProfile.LinkStatus.REQUESTED


class PlacementFactory:
    """``PlacementFactory(student=..., listing=...)``: an active placement through the services."""

    status = Placement.Status.ACTIVE

    def __new__(cls, *, student=None, listing=None, **listing_fields):
        student = student or StudentFactory(profile={"country": "DE"})
        listing = listing or PublishedListingFactory(requires_resume=False, **listing_fields)
        application = AcceptedApplicationFactory(listing=listing, student=student)
        placement = Placement.objects.get(application=application)
        if cls.status != Placement.Status.ACTIVE:
            # Completing a placement belongs to a later issue's service; history is written directly.
            placement.status = cls.status
            placement.save(update_fields=["status"])
        return placement


class CompletedPlacementFactory(PlacementFactory):
    status = Placement.Status.COMPLETED


class OutcomeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = OutcomeRecord

    category = "employed_full_time"
    note = ""
