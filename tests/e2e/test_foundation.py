"""Browser journey: home page, log in as the demo student, see the notification count, log out."""

import re

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.e2e


def test_demo_student_logs_in_sees_notifications_and_logs_out(page, demo_data):
    page.goto("/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Remote internships")
    nav = page.get_by_role("navigation", name="Main")
    nav.get_by_role("link", name="Log in").click()
    page.get_by_label("Email").fill("student@demo.example")
    page.get_by_label("Password").fill("internships-demo")
    page.get_by_role("button", name="Sign In").click()
    count = page.locator("#unread-count")
    expect(count).to_have_text(re.compile(r"^[1-9]\d*$"))
    page.get_by_test_id("notifications-link").click()
    expect(page.get_by_role("heading", name="Notifications")).to_be_visible()
    expect(page.get_by_text("Welcome to Intern Anywhere")).to_be_visible()
    page.get_by_role("button", name="Log out").click()
    # allauth asks to confirm on its own page.
    if page.get_by_role("button", name="Sign Out").count():
        page.get_by_role("button", name="Sign Out").click()
    expect(nav.get_by_role("link", name="Log in")).to_be_visible()
    expect(page.locator("#unread-count")).to_have_count(0)
