"""Every role around one organization's applications: the student, another student, two members
of the organization, a member of another one, career services of the student's institution and
of another. Applications and placements are made through the real services."""

from dataclasses import dataclass

import pytest

from tests.applications.conftest import private_dir  # noqa: F401 (autouse: résumés in a temporary folder)
from tests.applications.factories import AcceptedApplicationFactory, SubmittedApplicationFactory
from tests.listings.factories import EmployerFactory, OrganizationFactory, PublishedListingFactory, member_of
from tests.reports.factories import CareerStaffFactory, InstitutionFactory, InstitutionStudentFactory


@dataclass
class World:
    student: object
    other_student: object
    employer: object
    colleague: object
    outsider: object
    careers: object
    other_careers: object
    application: object  # submitted, no placement
    placed: object  # accepted: the student's placement at the same organization


@pytest.fixture
def world(db) -> World:
    lakeside, elsewhere = InstitutionFactory(name="Lakeside"), InstitutionFactory(name="Elsewhere")
    organization = OrganizationFactory(name="Northwind Labs")
    listing = PublishedListingFactory(organization=organization, title="Backend intern", requires_resume=False)
    employer = member_of(listing)
    second = PublishedListingFactory(
        organization=organization, actor=employer, title="Invoice export", requires_resume=False
    )
    student = InstitutionStudentFactory(institution=lakeside, name="Amara Okafor", time_zone="Africa/Lagos")
    return World(
        student=student,
        other_student=InstitutionStudentFactory(institution=lakeside, name="Other Student"),
        employer=employer,
        colleague=EmployerFactory(organization=organization, name="Colleague Member"),
        outsider=EmployerFactory(organization=OrganizationFactory(name="Other Org"), name="Outside Member"),
        careers=CareerStaffFactory(institution=lakeside, name="Lakeside Careers"),
        other_careers=CareerStaffFactory(institution=elsewhere, name="Elsewhere Careers"),
        application=SubmittedApplicationFactory(listing=listing, student=student),
        placed=AcceptedApplicationFactory(listing=second, student=student),
    )
