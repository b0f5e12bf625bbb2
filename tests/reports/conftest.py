import pytest

from tests.reports.factories import (
    CareerStaffFactory,
    InstitutionFactory,
    InstitutionStudentFactory,
    OrganizationFactory,
    PlacementFactory,
    PublishedListingFactory,
)


@pytest.fixture
def campus(db):
    """Two institutions, each with a staff member, two students and one placement."""

    class Campus:
        pass

    c = Campus()
    c.a, c.b = InstitutionFactory(name="Alpha University"), InstitutionFactory(name="Beta College")
    c.staff_a, c.staff_b = CareerStaffFactory(institution=c.a), CareerStaffFactory(institution=c.b)
    c.org = OrganizationFactory(name="Northwind", country="DE")
    c.alice = InstitutionStudentFactory(institution=c.a, name="Alice Alpha", program="BA History", graduation_year=2025)
    c.anna = InstitutionStudentFactory(institution=c.a, name="Anna Alpha", program="BSc Physics", graduation_year=2027)
    c.bob = InstitutionStudentFactory(institution=c.b, name="Bob Beta", program="BA History", graduation_year=2025)
    c.listing_a = PublishedListingFactory(organization=c.org, title="Alpha listing", requires_resume=False)
    c.listing_b = PublishedListingFactory(organization=c.org, title="Beta listing", requires_resume=False)
    c.placement_a = PlacementFactory(student=c.alice, listing=c.listing_a)
    c.placement_b = PlacementFactory(student=c.bob, listing=c.listing_b)
    return c
