"""Browser journey: a student signs up, follows the verification link from the sent email,
completes the profile with a résumé upload and sees completeness reach 100%."""

import re
import uuid
from urllib.parse import urlparse

import pytest
from playwright.sync_api import expect

from notifications.models import OutboxEmail
from tests.accounts.factories import pdf_bytes

pytestmark = pytest.mark.e2e


def confirmation_path(email: str) -> str:
    message = OutboxEmail.objects.filter(to_email=email).order_by("-pk").first()
    assert message is not None, "no verification email in the outbox"
    return urlparse(re.search(r"https?://\S+", message.body_text).group(0)).path


def test_student_signs_up_verifies_and_completes_the_profile(page, tmp_path):
    email = f"amara.{uuid.uuid4().hex[:8]}@example.org"
    password = "a-Long-and-unusual-passphrase-42"
    page.goto("/")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Sign up").click()
    expect(page.get_by_role("heading", name="Sign Up")).to_be_visible()
    page.get_by_label("Full name").fill("Amara Okafor")
    page.get_by_label("Email").fill(email)
    page.get_by_label("A student or graduate").check()
    page.get_by_label(re.compile(r"^Password\W*$")).fill(password)
    page.get_by_label("Password (again)").fill(password)
    page.get_by_role("button", name="Sign Up").click()
    expect(page.get_by_role("heading", name="Verify Your Email Address")).to_be_visible()

    # The verification email went through the notifications outbox.
    page.goto(confirmation_path(email))
    page.get_by_role("button", name="Confirm").click()

    expect(page.get_by_role("heading", name="My profile")).to_be_visible()
    expect(page.get_by_test_id("completeness")).not_to_have_text("100%")
    expect(page.get_by_test_id("missing")).to_contain_text("a résumé (PDF)")

    page.get_by_role("link", name="Edit profile").click()
    page.get_by_label("Program of study").fill("BSc Computer Science")
    page.get_by_label("Graduation year").fill("2027")
    page.get_by_label("Country").fill("NG")
    page.get_by_label("Time zone").select_option("Africa/Lagos")
    page.get_by_label("Weekly availability (hours)").fill("20")
    page.get_by_label("Skills").fill("Python, Django")
    page.get_by_label("Bio").fill("I build small web tools for non-profits.")
    page.get_by_label("Portfolio links").fill("https://github.com/amara")
    resume = tmp_path / "Amara CV.pdf"
    resume.write_bytes(pdf_bytes())
    page.get_by_label("Résumé (PDF)").set_input_files(str(resume))
    page.get_by_label("Searchable by verified employers").check()
    page.get_by_role("button", name="Save profile").click()

    expect(page.get_by_text("Your profile is saved.")).to_be_visible()
    expect(page.get_by_test_id("completeness")).to_have_text("100%")
    expect(page.get_by_text("Your profile is complete.")).to_be_visible()
    with page.expect_response(lambda r: "/resume/" in r.url) as info:
        page.evaluate("url => fetch(url)", page.get_by_role("link", name="Open résumé (PDF)").get_attribute("href"))
    assert info.value.status == 200 and info.value.headers["content-type"] == "application/pdf"
