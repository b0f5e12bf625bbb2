import pytest

from tests.listings.factories import (
    CareerServicesFactory,
    EmployerFactory,
    InstitutionFactory,
    OrganizationFactory,
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
