"""Browser journey at the end of a placement: the supervisor completes the demo student's active
internship and evaluates the intern; the student self-assesses and reviews the organization; both
see the ratings side by side; the student downloads the certificate and its verify page confirms it."""

import io
import re

import pytest
from playwright.sync_api import expect
from pypdf import PdfReader

from accounts.models import User
from applications.models import Placement
from tests.e2e.journeys import log_in, log_out

pytestmark = pytest.mark.e2e

TITLE = "QA and test automation intern"
SKILLS = ("Communication", "Quality of work", "Reliability", "Initiative", "Remote collaboration")


def required(label: str) -> re.Pattern:
    """A required field's label, with or without its asterisk."""
    return re.compile(rf"^{re.escape(label)}( \*)?$")


def test_complete_evaluate_both_sides_compare_download_and_verify(page, demo_data):
    placement = Placement.objects.get(student=User.objects.get(email="student@demo.example"), listing__title=TITLE)

    log_in(page, "employer@demo.example")
    page.goto(f"/placements/{placement.pk}/")
    page.get_by_role("button", name="Mark completed").click()
    expect(page.get_by_test_id("placement-status")).to_have_text("Completed")
    page.get_by_role("link", name="Evaluate the placement").click()
    form = page.get_by_role("form", name="Evaluate the intern")
    for skill, rating in zip(SKILLS, ("5", "5", "4", "5", "4"), strict=True):
        form.get_by_label(required(skill)).select_option(rating)
    form.get_by_label("Comments for the intern (optional)").fill("Cut the flaky tests in half in three weeks.")
    form.get_by_label("Endorsement (optional)").fill("Amara made our nightly test run trustworthy.")
    form.get_by_role("button", name="Submit the evaluation").click()
    expect(page.get_by_test_id("evaluation-state")).to_contain_text("You submitted your evaluation")
    log_out(page)

    log_in(page, "student@demo.example")
    page.goto(f"/placements/{placement.pk}/")
    page.get_by_role("link", name="Evaluate the placement").click()
    expect(page.get_by_test_id("comparison")).to_have_count(0)  # the supervisor's answers stay hidden
    form = page.get_by_role("form", name="Your self-assessment and review")
    for skill in SKILLS:
        form.get_by_label(required(f"Your {skill.lower()}")).select_option("3")
    for criterion in ("Supervision", "Feedback", "Clarity of the brief", "Learning"):
        form.get_by_label(required(criterion)).select_option("4")
    form.get_by_label("Would you recommend this organization to another student?").select_option("yes")
    form.get_by_label("Your review of the organization (optional)").fill("Quick, kind feedback every week.")
    form.get_by_role("button", name="Submit my evaluation").click()
    comparison = page.get_by_test_id("comparison")
    expect(comparison).to_contain_text("Communication")
    expect(comparison.get_by_role("row", name=re.compile("^Communication"))).to_contain_text("+2")
    expect(page.get_by_test_id("endorsement")).to_contain_text("nightly test run trustworthy")
    with page.expect_download() as download:
        page.get_by_role("link", name="Download the certificate (PDF)").click()
    with open(download.value.path(), "rb") as pdf:
        text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.read())).pages)
    assert "Amara Okafor" in text and TITLE in text and "Northwind Labs" in text
    code = page.get_by_test_id("certificate-code").inner_text()
    page.get_by_role("link", name="its verification page").click()
    expect(page.get_by_test_id("verify-result")).to_contain_text(f"Genuine. Certificate {code}")
    expect(page.get_by_test_id("certificate")).to_contain_text("Amara Okafor")
    expect(page.locator("body")).not_to_contain_text("student@demo.example")
    log_out(page)

    log_in(page, "employer@demo.example")
    page.goto(f"/placements/{placement.pk}/evaluation/")
    expect(page.get_by_test_id("comparison")).to_contain_text("supervisor rated higher")
    expect(page.get_by_test_id("review")).to_contain_text("Would recommend: Yes")
