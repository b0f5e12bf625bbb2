"""The accessibility check of the journeys: axe runs offline on each page before the journey acts
on it, and a serious violation fails the journey."""

import pytest
from playwright.sync_api import expect

from tests.e2e.journeys import CHECKED

pytestmark = pytest.mark.e2e

IMAGE_WITHOUT_TEXT = (
    "document.querySelector('main').append(Object.assign(document.createElement('img'), {src: '/static/favicon.svg'}))"
)


def test_each_page_is_checked_before_the_journey_acts_on_it(page, live_server):
    page.goto("/")
    assert page.locator(f"html[{CHECKED}]").count() == 0
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Log in").click()
    expect(page.get_by_role("heading", name="Sign In")).to_be_visible()
    # The home page was checked before the click, the login page before the assertion.
    checked = [url.removeprefix(live_server.url) for url in page.accessibility_audit.checked]
    assert checked == ["/", "/accounts/login/"]


def test_a_serious_violation_fails_the_journey(page):
    page.goto("/")
    page.evaluate(IMAGE_WITHOUT_TEXT)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Log in").click()
    expect(page.get_by_role("heading", name="Sign In")).to_be_visible()
    with pytest.raises(AssertionError, match=r"(?s)/\n- image-alt \(critical\): Images must have alternative text"):
        page.accessibility_audit.finish()
