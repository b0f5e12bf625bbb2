"""Who may open what: the résumé file and the student profile per viewer, and every accounts page
per wrong role (403 or 404) and for anonymous visitors (sign-in redirect)."""

import pytest
from django.urls import reverse

from accounts import permissions, services
from accounts.models import Organization, StudentProfile
from tests.accounts.factories import (
    CareerServicesFactory,
    EmployerFactory,
    InstitutionFactory,
    LinkedStudentFactory,
    SiteStaffFactory,
    StudentFactory,
    owner_of,
    pdf_upload,
    recruiter_of,
)
from tests.applications.factories import SubmittedApplicationFactory
from tests.listings.factories import PublishedListingFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(db):
    """A student of Lakeside with a résumé who applied to Acme; everyone around them."""
    lakeside = InstitutionFactory(name="Lakeside")
    student = LinkedStudentFactory(profile={"institution": lakeside, "country": "DE", "time_zone": "Europe/Berlin"})
    profile = StudentProfile.objects.get(user=student)
    services.student_profile_update(profile=profile, name="Amara", skills=["Python"], resume=pdf_upload())
    acme_owner = owner_of("Acme", verification=Organization.Verification.VERIFIED)
    acme = acme_owner.membership.organization
    listing = PublishedListingFactory(organization=acme, actor=acme_owner, requires_resume=False)
    SubmittedApplicationFactory(listing=listing, student=student)
    other_owner = owner_of("Other Co", verification=Organization.Verification.VERIFIED)
    return {
        "profile": profile,
        "owner": student,
        "acme_owner": acme_owner,
        "acme_recruiter": recruiter_of(acme),
        "other_employer": recruiter_of(other_owner.membership.organization),
        "unverified_employer": owner_of("Shady", verification=Organization.Verification.UNVERIFIED),
        "employer_without_org": EmployerFactory(),
        "own_careers": CareerServicesFactory(institution=lakeside),
        "other_careers": CareerServicesFactory(),
        "other_student": StudentFactory(),
        "site_staff": SiteStaffFactory(),
    }


ALLOWED_RESUME = {"owner", "acme_owner", "acme_recruiter", "own_careers"}
EVERYONE = [
    "owner",
    "acme_owner",
    "acme_recruiter",
    "other_employer",
    "unverified_employer",
    "employer_without_org",
    "own_careers",
    "other_careers",
    "other_student",
    "site_staff",
]


@pytest.mark.parametrize("viewer", EVERYONE)
def test_resume_is_served_only_to_the_owner_applied_employers_and_own_career_services(client, world, viewer):
    client.force_login(world[viewer])
    response = client.get(reverse("accounts:resume", args=[world["profile"].pk]))
    if viewer in ALLOWED_RESUME:
        assert response.status_code == 200
        assert b"".join(response.streaming_content).startswith(b"%PDF-")
    else:
        assert response.status_code == 404
    assert permissions.can_view_resume(world[viewer], world["profile"]) is (viewer in ALLOWED_RESUME)


@pytest.mark.parametrize("viewer", EVERYONE)
def test_applied_only_profile_is_seen_by_the_same_people(client, world, viewer):
    StudentProfile.objects.filter(pk=world["profile"].pk).update(visibility=StudentProfile.Visibility.APPLIED_ONLY)
    client.force_login(world[viewer])
    response = client.get(reverse("accounts:student_profile", args=[world["profile"].pk]))
    assert response.status_code == (200 if viewer in ALLOWED_RESUME else 404)


@pytest.mark.parametrize("viewer", EVERYONE)
def test_searchable_profile_is_also_seen_by_verified_employers_but_not_their_resume(client, world, viewer):
    StudentProfile.objects.filter(pk=world["profile"].pk).update(visibility=StudentProfile.Visibility.SEARCHABLE)
    client.force_login(world[viewer])
    response = client.get(reverse("accounts:student_profile", args=[world["profile"].pk]))
    allowed = ALLOWED_RESUME | {"other_employer"}
    assert response.status_code == (200 if viewer in allowed else 404)
    if viewer == "other_employer":
        assert reverse("accounts:resume", args=[world["profile"].pk]) not in response.content.decode()


def test_resume_and_profile_redirect_anonymous_visitors_to_sign_in(client, world):
    for name in ("accounts:resume", "accounts:student_profile"):
        response = client.get(reverse(name, args=[world["profile"].pk]))
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_career_services_do_not_see_a_student_whose_link_is_only_requested(client, world):
    lakeside = world["own_careers"].career_services.institution
    StudentProfile.objects.filter(pk=world["profile"].pk).update(
        institution_link=StudentProfile.LinkStatus.REQUESTED, institution=lakeside
    )
    client.force_login(world["own_careers"])
    assert client.get(reverse("accounts:resume", args=[world["profile"].pk])).status_code == 404


def test_a_removed_recruiter_loses_access(client, world):
    recruiter = world["acme_recruiter"]
    services.membership_remove(membership=recruiter.membership, by=world["acme_owner"])
    recruiter.refresh_from_db()
    client.force_login(recruiter)
    assert client.get(reverse("accounts:resume", args=[world["profile"].pk])).status_code == 404


def test_deleted_students_resume_is_gone_for_everyone(client, world):
    services.user_delete(user=world["owner"])
    client.force_login(world["acme_owner"])
    assert client.get(reverse("accounts:resume", args=[world["profile"].pk])).status_code == 404


# --- pages per role ------------------------------------------------------------------------------

STUDENT_PAGES = ["accounts:profile", "accounts:profile_edit", "accounts:institution_link_request"]
MEMBER_PAGES = ["accounts:organization"]
OWNER_PAGES = ["accounts:organization_edit"]
STAFF_PAGES = ["accounts:staff_organizations", "accounts:staff_institutions"]


@pytest.mark.parametrize("who", ["acme_owner", "own_careers", "site_staff"])
@pytest.mark.parametrize("name", STUDENT_PAGES)
def test_student_pages_refuse_other_roles(client, world, who, name):
    client.force_login(world[who])
    assert client.get(reverse(name)).status_code == 403


@pytest.mark.parametrize("who", ["owner", "own_careers", "site_staff"])
@pytest.mark.parametrize("name", MEMBER_PAGES + OWNER_PAGES)
def test_organization_pages_refuse_non_employers(client, world, who, name):
    client.force_login(world[who])
    assert client.get(reverse(name)).status_code == 403


@pytest.mark.parametrize("who", ["acme_recruiter", "other_employer"])
def test_owner_only_actions_refuse_recruiters(client, world, who):
    client.force_login(world[who])
    assert client.get(reverse("accounts:organization_edit")).status_code == 403
    assert client.post(reverse("accounts:organization_invite"), {"email": "x@example.org"}).status_code == 403


def test_members_page_shows_only_the_viewers_own_organization(client, world):
    client.force_login(world["other_employer"])
    page = client.get(reverse("accounts:organization")).content.decode()
    assert "Other Co" in page and "Acme" not in page


@pytest.mark.parametrize("who", ["owner", "acme_owner", "own_careers"])
@pytest.mark.parametrize("name", STAFF_PAGES)
def test_staff_pages_refuse_everyone_but_site_staff(client, world, who, name):
    client.force_login(world[who])
    assert client.get(reverse(name)).status_code == 403


@pytest.mark.parametrize(
    "name",
    STUDENT_PAGES + MEMBER_PAGES + OWNER_PAGES + STAFF_PAGES + ["accounts:account_delete", "accounts:my_institution"],
)
def test_every_private_page_sends_anonymous_visitors_to_sign_in(client, db, name):
    response = client.get(reverse(name))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_site_staff_see_every_page_they_need(client, world):
    client.force_login(world["site_staff"])
    assert client.get(reverse("accounts:staff_organizations")).status_code == 200
    assert client.get(reverse("accounts:staff_institutions")).status_code == 200
    lakeside = world["own_careers"].career_services.institution
    assert client.get(reverse("accounts:institution", args=[lakeside.slug])).status_code == 200


def test_navigation_links_follow_the_role(client, world):
    client.force_login(world["owner"])
    page = client.get(reverse("home")).content.decode()
    assert reverse("accounts:profile") in page and reverse("accounts:organization") not in page
    client.force_login(world["acme_owner"])
    page = client.get(reverse("home")).content.decode()
    assert reverse("accounts:organization") in page and reverse("accounts:profile") not in page
    assert reverse("accounts:staff_organizations") not in page
    client.force_login(world["site_staff"])
    assert reverse("accounts:staff_organizations") in client.get(reverse("home")).content.decode()
