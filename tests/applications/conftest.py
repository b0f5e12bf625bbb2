import pytest

from tests.listings.factories import (
    CareerServicesFactory,
    EmployerFactory,
    InstitutionFactory,
    OrganizationFactory,
    PublishedListingFactory,
    StaffFactory,
    StudentFactory,
    member_of,
)


@pytest.fixture
def resume_files():
    """The application résumé files in private storage now (to assert that nothing was left)."""
    from applications.models import Application

    storage = Application._meta.get_field("resume").storage

    def current() -> set[str]:
        try:
            return set(storage.listdir("application-resumes")[1])
        except FileNotFoundError:
            return set()

    return current


@pytest.fixture
def listing(db):
    return PublishedListingFactory(
        title="Data analyst intern", skills=["Python", "SQL"], questions=["Why us?"], requires_resume=True
    )


@pytest.fixture
def employer(listing):
    return member_of(listing)


@pytest.fixture
def other_employer(db):
    return EmployerFactory(organization=OrganizationFactory(name="Other Org"))


@pytest.fixture
def student(db):
    return StudentFactory(
        name="Amara Okafor",
        profile={"country": "NG", "time_zone": "Africa/Lagos", "institution": InstitutionFactory(name="Lakeside")},
    )


@pytest.fixture
def other_student(db):
    return StudentFactory(name="Other Student", profile={"country": "DE", "time_zone": "Europe/Berlin"})


@pytest.fixture
def careers(db):
    return CareerServicesFactory()


@pytest.fixture
def staff(db):
    return StaffFactory()
