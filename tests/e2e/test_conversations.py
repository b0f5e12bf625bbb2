"""Browser journeys: the demo student and the demo employer, each in their own browser, exchange
messages on the student's application; each new message appears on the other's open page
without a reload, and the student's unread badge clears once the thread is shown. The demo
student then makes a private calendar address and subscribes to it."""

import icalendar
import pytest
from playwright.sync_api import expect

from applications.models import Application
from tests.e2e.journeys import AccessibilityAudit, log_in

pytestmark = pytest.mark.e2e

TITLE = "Backend developer intern (Python/Django)"


@pytest.fixture
def employer_page(browser, live_server):
    context = browser.new_context(base_url=live_server.url, timezone_id="Europe/Berlin", locale="en-US")
    context.set_default_timeout(15_000)
    page = context.new_page()
    audit = AccessibilityAudit(page).start()
    yield page
    audit.finish()
    context.close()


def test_student_and_employer_exchange_messages_without_reloading(page, employer_page, demo_data, settings):
    settings.CONVERSATION_POLL_SECONDS = 1
    application = Application.objects.get(student__email="student@demo.example", listing__title=TITLE)

    log_in(page, "student@demo.example")
    messages_link = page.get_by_role("navigation", name="Main").get_by_test_id("messages-link")
    expect(messages_link.locator("#unread-messages")).to_have_text("2")  # Northwind's last words, unread
    messages_link.click()
    page.get_by_role("link", name=f"Northwind Labs: {TITLE}").click()
    student_thread = page.get_by_role("region", name="Conversation with Northwind Labs")
    expect(student_thread).to_contain_text("A conversation first (30 minutes)")

    log_in(employer_page, "employer@demo.example")
    employer_page.goto(f"/employer/applications/{application.pk}/")
    employer_thread = employer_page.get_by_role("region", name="Conversation with Amara Okafor")
    expect(employer_thread).to_contain_text("Is the interview a technical exercise")

    employer_thread.get_by_label("Your message").fill(
        "Could you do Tuesday at 10:00 Berlin time? Details: https://northwind.example/interview"
    )
    employer_thread.get_by_role("button", name="Send message").click()
    expect(employer_thread.get_by_role("listitem").filter(has_text="Could you do Tuesday")).to_contain_text("You")
    expect(employer_thread.get_by_label("Your message")).to_have_value("")

    # The student's page was never reloaded: the message arrives by polling, with its link.
    arrived = student_thread.get_by_role("listitem").filter(has_text="Could you do Tuesday at 10:00")
    expect(arrived).to_contain_text("Lena Fischer")
    expect(arrived.get_by_role("link", name="https://northwind.example/interview")).to_be_visible()

    student_thread.get_by_label("Your message").fill("Tuesday works for me, thank you!")
    student_thread.get_by_role("button", name="Send message").click()
    expect(student_thread.get_by_role("listitem").filter(has_text="Tuesday works for me")).to_contain_text("You")
    expect(employer_thread.get_by_role("listitem").filter(has_text="Tuesday works for me")).to_contain_text(
        "Amara Okafor"
    )

    # The thread the student has open is read; the other one (the placement's) still waits.
    page.get_by_role("navigation", name="Main").get_by_role("link", name="My applications").click()
    expect(page.locator("#unread-messages")).to_have_text("1")


def test_student_makes_a_private_calendar_address_and_the_feed_has_her_placement(page, demo_data):
    log_in(page, "student@demo.example")
    page.get_by_role("button", name="Amara").click()
    page.get_by_role("link", name="Calendar").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your calendar")
    expect(page.get_by_test_id("calendar-events")).to_contain_text("First day at Northwind Labs")
    page.get_by_role("button", name="Create my calendar address").click()
    address = page.get_by_label("Your calendar address (shown only now: copy it into your calendar application)")
    feed_url = address.input_value()
    assert "/calendar/feed/" in feed_url and feed_url.endswith(".ics")
    response = page.request.get(feed_url)  # the feed view reads no session: the token is the key
    assert response.status == 200
    summaries = {str(e["summary"]) for e in icalendar.Calendar.from_ical(response.body()).walk("VEVENT")}
    assert any(s.startswith("First day at Northwind Labs") for s in summaries)
    page.get_by_role("button", name="Turn the feed off").click()
    expect(page.get_by_text("Calendar feed turned off")).to_be_visible()
    assert page.request.get(feed_url).status == 404
