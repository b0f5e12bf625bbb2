"""The cast of every workspace test: one placement and someone in every role around it."""

from dataclasses import dataclass
from datetime import time

import pytest

from accounts.models import StudentProfile
from tests.accounts.factories import CareerServicesFactory, InstitutionFactory
from tests.listings.factories import (
    EmployerFactory,
    OrganizationFactory,
    PublishedListingFactory,
    StudentFactory,
    member_of,
)

from .factories import active_placement


@dataclass
class Cast:
    listing: object
    student: object
    supervisor: object
    colleague: object
    careers: object
    other_student: object
    other_employer: object
    other_careers: object
    placement: object


def linked_student(institution, *, time_zone="Africa/Lagos", name="Amara Okafor"):
    return StudentFactory(
        name=name,
        profile={
            "country": "NG",
            "time_zone": time_zone,
            "institution": institution,
            "institution_link": StudentProfile.LinkStatus.DOMAIN,
        },
    )


@pytest.fixture
def institution(db):
    return InstitutionFactory(name="Lakeside University")


@pytest.fixture
def micro_listing(db):
    return PublishedListingFactory(
        kind="micro",
        title="Accessibility audit",
        deliverables="An audit report with fixes ranked by impact",
        requires_resume=False,
        openings=5,
        duration_days=21,
        time_zone="Europe/Berlin",
        work_start=time(9),
        work_end=time(17),
    )


@pytest.fixture
def cast(db, institution):
    listing = PublishedListingFactory(
        title="Data analyst intern",
        requires_resume=False,
        openings=5,
        duration_days=70,
        hours_per_week=20,
        time_zone="Europe/Berlin",
        work_start=time(9),
        work_end=time(17),
    )
    supervisor = member_of(listing)
    student = linked_student(institution)
    placement = active_placement(listing=listing, student=student, supervisor=supervisor, started_days_ago=10)
    return Cast(
        listing=listing,
        student=student,
        supervisor=supervisor,
        colleague=EmployerFactory(name="Colleague Member", organization=listing.organization),
        careers=CareerServicesFactory(institution=institution),
        other_student=StudentFactory(profile={"time_zone": "Europe/Berlin"}),
        other_employer=EmployerFactory(organization=OrganizationFactory(name="Other Org")),
        other_careers=CareerServicesFactory(),
        placement=placement,
    )
