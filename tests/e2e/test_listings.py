"""Browser journey: the demo employer creates and publishes a listing; a student finds it with a
search and a facet, opens it and saves it."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from listings.models import Listing, SavedListing
from tests.e2e.journeys import log_in, log_out

pytestmark = pytest.mark.e2e

TITLE = "Quantum cartography sprint"


def test_employer_publishes_and_student_finds_and_saves(page, demo_data):
    log_in(page, "employer@demo.example")
    nav = page.get_by_role("navigation", name="Main")
    nav.get_by_role("link", name="My listings").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Northwind Labs")
    page.get_by_role("link", name="New listing").click()

    page.get_by_label("Kind").select_option("micro")
    page.get_by_label("Title").fill(TITLE)
    page.get_by_role("combobox", name="Field", exact=True).select_option("research")
    page.get_by_label("Description").fill("Map **quantum** research groups for our newsletter.")
    page.get_by_label("Skills").fill("Research, Mapping")
    page.get_by_label("Compensation").select_option("fixed_fee")
    page.get_by_label("Amount").fill("300")
    page.get_by_label("Currency").fill("EUR")
    page.get_by_label("Hours per week").fill("10")
    page.get_by_label("Duration (days)").fill("14")
    deadline = (timezone.now() + timedelta(days=20)).strftime("%Y-%m-%dT%H:%M")
    page.get_by_label("Application deadline").fill(deadline)
    page.get_by_label("Working day starts").fill("09:00")
    page.get_by_label("Working day ends").fill("17:00")
    page.get_by_label("Time zone").select_option("Europe/Berlin")
    page.get_by_label("Estimated total hours").fill("15")
    page.locator("#id_questions-0-prompt").fill("Which mapping tools have you used?")
    page.get_by_role("button", name="Save and preview").click()

    expect(page.get_by_test_id("listing-status")).to_have_text("Draft")
    expect(page.get_by_text("Fixed fee 300 EUR (≈ 20 EUR/hour)").first).to_be_visible()
    page.get_by_role("button", name="Publish").click()
    expect(page.get_by_test_id("listing-status")).to_have_text("Published")
    assert Listing.objects.get(title=TITLE).status == Listing.Status.PUBLISHED
    log_out(page)

    log_in(page, "student@demo.example")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Browse listings").click()
    page.get_by_label("Search listings").fill("quantum cartography")
    page.get_by_role("button", name="Search", exact=True).click()
    expect(page).to_have_url(re.compile(r"q=quantum"))
    expect(page.get_by_role("heading", name=re.compile(r"^1 listing "))).to_be_visible()
    # Narrow with a facet: htmx updates the results in place and the URL stays shareable.
    page.wait_for_load_state("load")
    page.wait_for_function("window.htmx !== undefined")
    page.get_by_label(re.compile(r"^Micro-internship")).check()
    expect(page).to_have_url(re.compile(r"kind=micro"))
    expect(page.get_by_label(re.compile(r"^Micro-internship"))).to_be_checked()
    expect(page.get_by_role("link", name=TITLE)).to_be_visible()
    page.get_by_role("link", name=TITLE).click()

    expect(page.get_by_role("heading", level=1)).to_have_text(TITLE)
    expect(page.get_by_test_id("verified-badge")).to_be_visible()
    # The student's profile zone is Africa/Lagos (UTC+1 all year, like Berlin in winter).
    expect(page.get_by_test_id("local-hours")).to_contain_text("in your time zone (Africa/Lagos)")
    save = page.get_by_role("button", name=re.compile(rf"^Save {TITLE}"))
    save.click()
    expect(page.get_by_role("button", name=re.compile(rf"^Saved {TITLE}"))).to_have_attribute("aria-pressed", "true")
    assert SavedListing.objects.filter(user__email="student@demo.example", listing__title=TITLE).exists()
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Saved").click()
    expect(page.get_by_role("link", name=TITLE)).to_be_visible()
