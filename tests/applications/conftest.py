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


@pytest.fixture(autouse=True)
def private_dir(tmp_path, monkeypatch):
    """Each test keeps private files (résumés) in its own directory, so parallel runs never see
    each other's files and "nothing was saved" can be asserted exactly."""
    from applications.models import Application

    storage = Application._meta.get_field("resume").storage
    location = tmp_path / "private"
    monkeypatch.setattr(storage, "base_location", str(location), raising=False)
    monkeypatch.setattr(storage, "location", str(location), raising=False)
    return location


@pytest.fixture
def resume_files(private_dir):
    """The application résumé files in private storage now (to assert that nothing was left)."""
    folder = private_dir / "application-resumes"

    def current() -> set[str]:
        return {p.name for p in folder.iterdir()} if folder.exists() else set()

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
