"""Browser journey: the demo student applies with answers and a résumé; the demo employer
shortlists, interviews and makes an offer; the student accepts; the placement appears for both."""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from applications.models import Application, Placement
from listings.models import Listing
from tests.applications.factories import pdf_bytes
from tests.e2e.journeys import log_in, log_out

pytestmark = pytest.mark.e2e

TITLE = "Accessibility audit of a web app"


def test_apply_shortlist_offer_accept_creates_a_placement(page, demo_data):
    listing = Listing.objects.get(title=TITLE)

    log_in(page, "student@demo.example")
    page.goto(f"/listings/{listing.pk}/")
    page.get_by_role("link", name="Apply", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(TITLE)
    page.get_by_label("Cover letter").fill("I audit websites with screen readers every week.")
    page.get_by_label("Upload a new résumé").check()
    page.get_by_label("Upload a résumé (PDF)").set_input_files(
        files=[{"name": "cv.pdf", "mimeType": "application/pdf", "buffer": pdf_bytes()}]
    )
    page.get_by_label("Why does this project interest you?").fill("Accessible software matters to me.")
    page.get_by_role("button", name="Send application").click()
    expect(page.get_by_test_id("application-status")).to_have_text("Submitted")
    log_out(page)

    log_in(page, "employer@demo.example")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Applicants").click()
    page.get_by_role("link", name=TITLE).click()
    page.get_by_role("link", name="Amara Okafor").click()
    expect(page.get_by_text("Accessible software matters to me.")).to_be_visible()
    page.get_by_role("combobox", name="Move to").select_option(label="Shortlisted")
    page.get_by_role("region", name="Move to a status").get_by_label("Message (optional)").fill(
        "You are on our shortlist."
    )
    page.get_by_role("button", name="Move").click()
    expect(page.get_by_test_id("application-status")).to_have_text("Shortlisted")
    page.get_by_role("combobox", name="Move to").select_option(label="Interview")
    page.get_by_role("button", name="Move").click()
    expect(page.get_by_test_id("application-status")).to_have_text("Interview")
    start = timezone.localdate() + timedelta(days=7)
    page.get_by_label("Proposed start date").fill(start.isoformat())
    page.get_by_role("region", name="Make an offer").get_by_label("Message (optional)").fill("Welcome aboard!")
    page.get_by_role("button", name="Send offer").click()
    expect(page.get_by_test_id("application-status")).to_have_text("Offer made")
    log_out(page)

    log_in(page, "student@demo.example")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="My applications").click()
    page.get_by_role("link", name=TITLE).click()
    expect(page.get_by_test_id("timeline")).to_contain_text("You are on our shortlist.")
    expect(page.get_by_text(f"Proposed start date: {start:%-d %B %Y}")).to_be_visible()
    page.get_by_role("button", name="Accept offer").click()
    expect(page.get_by_test_id("application-status")).to_have_text("Offer accepted")
    expect(page.get_by_test_id("placement")).to_contain_text("Lena Fischer")
    log_out(page)

    application = Application.objects.get(listing=listing, student__email="student@demo.example")
    placement = Placement.objects.get(application=application)
    assert placement.start_date == start and placement.supervisor.email == "employer@demo.example"

    log_in(page, "employer@demo.example")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Applicants").click()
    expect(page.get_by_test_id("placements")).to_contain_text("Amara Okafor")
