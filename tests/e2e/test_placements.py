"""Browser journey in the placement workspace: the demo student proposes a goal beside the listing's
deliverable, the supervisor confirms the goals, the student sends a check-in, the supervisor answers,
they exchange messages in the workspace's conversation, the supervisor accepts the deliverable and
marks the fee paid, and the student confirms receiving it."""

import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from accounts.models import User
from applications import services as application_services
from applications.models import Application, PlacementFee
from listings.models import Listing
from tests.e2e.journeys import log_in, log_out

pytestmark = pytest.mark.e2e

TITLE = "Accessibility audit of a web app"


def test_goals_check_in_feedback_deliverable_and_fee_in_the_workspace(page, demo_data):
    student = User.objects.get(email="student@demo.example")
    employer = User.objects.get(email="employer@demo.example")
    listing = Listing.objects.get(title=TITLE)
    application = application_services.application_submit(
        student=student,
        listing=listing,
        cover_letter="I audit websites with screen readers.",
        answers={q.pk: "Accessible software matters to me." for q in listing.questions.all()},
        use_profile_resume=True,
    )
    application_services.application_transition(
        application=application, to_status="offered", user=employer, offer_start_date=timezone.localdate()
    )
    application_services.application_transition(application=application, to_status="accepted", user=student)

    log_in(page, "student@demo.example")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="My applications").click()
    page.get_by_role("link", name=f"Open the workspace for {TITLE}").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(TITLE)
    expect(page.get_by_test_id("goals")).to_contain_text("From the listing")
    propose = page.get_by_role("form", name="Propose a goal")
    propose.get_by_label("Goal or deliverable").fill("Test the checkout with NVDA and VoiceOver")
    propose.get_by_role("button", name="Propose goal").click()
    expect(page.get_by_test_id("goals")).to_contain_text("Test the checkout with NVDA and VoiceOver")
    expect(page.get_by_test_id("goals-state")).to_have_text("Waiting for confirmation")
    log_out(page)

    log_in(page, "employer@demo.example")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Applicants").click()
    page.get_by_role("link", name=f"Workspace of Amara Okafor, {TITLE}").click()
    page.get_by_role("button", name="Confirm goals").click()
    expect(page.get_by_test_id("goals-state")).to_have_text("Confirmed")
    log_out(page)

    log_in(page, "student@demo.example")
    page.goto(f"/placements/{application.placement.pk}/")
    checkin = page.get_by_role("form", name=re.compile("Your check-in due"))
    checkin.get_by_label("Hours worked this period").fill("6")
    checkin.get_by_label("What did you do?").fill("Audited sign-up and checkout; 14 issues logged.")
    checkin.get_by_label("What did you learn? (optional)").fill("How screen readers announce live regions")
    checkin.get_by_role("button", name="Send check-in").click()
    expect(page.get_by_test_id("checkin")).to_contain_text("14 issues logged")
    expect(page.get_by_test_id("hours-logged")).to_have_text("6 of 20 estimated hours")
    conversation = page.get_by_role("region", name="Conversation with Northwind Labs")
    conversation.get_by_label("Your message").fill("The 14 issues are in the tracker, ordered by severity.")
    conversation.get_by_role("button", name="Send message").click()
    expect(conversation.get_by_role("listitem").filter(has_text="ordered by severity")).to_contain_text("You")
    log_out(page)

    log_in(page, "employer@demo.example")
    page.goto(f"/placements/{application.placement.pk}/")
    page.get_by_label("Feedback").fill("Thorough work. Prioritise the checkout issues.")
    page.get_by_role("button", name="Send feedback").click()
    expect(page.get_by_test_id("feedback")).to_contain_text("Prioritise the checkout issues.")
    conversation = page.get_by_role("region", name="Conversation with Amara Okafor")
    expect(conversation.get_by_role("listitem").filter(has_text="ordered by severity")).to_contain_text("Amara Okafor")
    conversation.get_by_label("Your message").fill("Thanks, I will go through them today.")
    conversation.get_by_role("button", name="Send message").click()
    expect(conversation.get_by_role("listitem").filter(has_text="go through them today")).to_contain_text("You")
    page.get_by_role("button", name="Accept the deliverable").click()
    expect(page.get_by_test_id("fee-status")).to_have_text("Due")
    expect(page.get_by_test_id("earned-rate")).to_contain_text("75.00 EUR an hour (450.00 EUR ÷ 6 h logged)")
    page.get_by_label("Paid on").fill(timezone.localdate().isoformat())
    page.get_by_role("button", name="Mark fee paid").click()
    expect(page.get_by_test_id("fee-status")).to_have_text("Paid")
    log_out(page)

    log_in(page, "student@demo.example")
    page.goto(f"/placements/{application.placement.pk}/")
    expect(page.get_by_role("region", name="Conversation with Northwind Labs")).to_contain_text(
        "Thanks, I will go through them today."
    )
    page.get_by_role("button", name="I received the fee").click()
    expect(page.get_by_test_id("fee-status")).to_have_text("Received")

    fee = PlacementFee.objects.get(placement__application=Application.objects.get(pk=application.pk))
    assert (fee.status, str(fee.hourly_rate), fee.paid_on) == ("received", "75.00", timezone.localdate())
