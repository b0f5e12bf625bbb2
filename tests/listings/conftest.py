import pytest

from tests.listings.factories import (
    CareerServicesFactory,
    EmployerFactory,
    InstitutionFactory,
    OrganizationFactory,
    PublishedListingFactory,
    StaffFactory,
    StudentFactory,
)


@pytest.fixture
def org(db):
    return OrganizationFactory(name="Acme Remote")


@pytest.fixture
def employer(org):
    return EmployerFactory(organization=org)


@pytest.fixture
def other_employer(db):
    return EmployerFactory()


@pytest.fixture
def student(db):
    return StudentFactory(profile={"time_zone": "Europe/Berlin", "institution": InstitutionFactory()})


@pytest.fixture
def careers(db):
    return CareerServicesFactory()


@pytest.fixture
def staff(db):
    return StaffFactory()


@pytest.fixture
def python_listings(org, employer):
    """Three Python data internships and a social media post: text searches and their kept
    matches (tests/listings/test_matches.py, test_kept_words.py)."""
    made = [
        PublishedListingFactory(organization=org, actor=employer, title=f"Python data intern {i}", skills=["Python"])
        for i in range(3)
    ]
    made.append(PublishedListingFactory(organization=org, actor=employer, title="Social media writer"))
    return made
