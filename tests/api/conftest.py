"""A small world for the API's contract tests: a student who applied to an employer's listing and
is on a placement with that employer (goals agreed, a check-in written), made through the services."""

import pytest

from accounts.models import Organization
from placements import services as placement_services
from tests.accounts.factories import owner_of
from tests.applications.factories import SubmittedApplicationFactory
from tests.listings.factories import PublishedListingFactory
from tests.placements.factories import active_placement
from tests.reports.factories import InstitutionStudentFactory
from tests.support.world import World


def build_world() -> World:
    w = World()
    employer = owner_of("Acme Remote", verification=Organization.Verification.VERIFIED)
    organization = employer.membership.organization
    student = InstitutionStudentFactory(name="Ada Student")
    w.users = {"anonymous": None, "student": student, "employer": employer}
    listing = PublishedListingFactory(organization=organization, actor=employer, skills=["Python"])
    application = SubmittedApplicationFactory(listing=listing, student=student)
    placement = active_placement(
        listing=PublishedListingFactory(organization=organization, actor=employer, requires_resume=False),
        student=student,
        supervisor=employer,
    )
    for text in ("Clean the survey data", "Present the findings"):
        placement_services.goal_propose(placement=placement, user=student, text=text)
    placement_services.goals_confirm(placement=placement, user=employer)
    checkin = placement.checkins.order_by("due_on").first()
    placement_services.checkin_submit(checkin=checkin, user=student, hours=6, done="Cleaned the first wave")
    w.objects = {
        "listing": listing,
        "application": application,
        "placement": placement,
        "goal": placement.goals.order_by("pk").first(),
        "checkin": checkin,
    }
    return w


@pytest.fixture
def api_world(db) -> World:
    return build_world()
