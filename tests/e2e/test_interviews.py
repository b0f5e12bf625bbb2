"""Browser journey: the demo employer proposes three interview times (in Berlin time, the
browser's zone), the applicant in São Paulo books one shown in her own zone, both get a calendar
invitation; the employer moves the interview by offering new times, the student picks one again
and both see the new time."""

from datetime import timedelta

import icalendar
import pytest
from django.core import mail
from django.utils import timezone
from playwright.sync_api import expect

from applications.models import Application
from notifications.models import OutboxEmail
from notifications.services import outbox_deliver
from tests.e2e.journeys import log_in, log_out

pytestmark = pytest.mark.e2e

TITLE = "Backend developer intern (Python/Django)"


def _day(days: int):
    day = timezone.localdate() + timedelta(days=days)
    while day.weekday() >= 5:
        day += timedelta(days=1)
    return day


def test_employer_proposes_student_books_in_her_zone_then_moves_it(page, demo_data):
    application = Application.objects.get(student__email="student6@demo.example", listing__title=TITLE)
    day, later = _day(7), _day(9)

    log_in(page, "employer@demo.example")
    page.goto(f"/employer/applications/{application.pk}/")
    page.get_by_role("link", name="Propose interview times").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Propose interview times")
    expect(page.get_by_label("Your time zone")).to_have_value("Europe/Berlin")  # the browser's zone
    for number, hour in ((1, "09:00"), (2, "14:00"), (3, "16:00")):
        page.get_by_label(f"Time {number}: date").fill(day.isoformat())
        page.get_by_label(f"Time {number}: start").fill(hour)
    page.get_by_label("Length").select_option("30")
    page.get_by_label("Video-call link or instructions").fill("https://meet.example.org/northwind-lucas")
    page.get_by_role("button", name="Check the student's times").click()
    preview = page.get_by_test_id("preview")
    # 09:00 in Berlin is 05:00 in São Paulo: outside the student's day, and said so.
    expect(preview).to_contain_text(f"{day:%a %-d %b %Y}, 05:00")
    expect(preview.get_by_test_id("outside-day")).to_have_count(1)
    page.get_by_role("button", name="Propose these times").click()
    expect(page.get_by_role("alert").or_(page.get_by_role("status")).first).to_contain_text(
        "3 interview times proposed to 1 applicant"
    )
    log_out(page)

    log_in(page, "student6@demo.example")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="My interviews").click()
    page.get_by_test_id("invitations").get_by_role("link", name=TITLE).click()
    expect(page.get_by_text("times in America/Sao_Paulo")).to_be_visible()
    slot = page.get_by_test_id("slots").get_by_role("listitem").nth(1)
    expect(slot.get_by_test_id("own-time")).to_have_text(f"{day:%a %-d %b %Y}, 10:00–10:30")
    expect(slot.get_by_test_id("other-time")).to_have_text(f"{day:%a %-d %b %Y}, 14:00 in Europe/Berlin")
    slot.get_by_role("button", name=f"Book {day:%a %-d %b %Y}, 10:00–10:30").click()
    expect(page.get_by_test_id("interview-time")).to_contain_text(f"{day:%a %-d %b %Y}, 10:00–10:30")

    # Both sides have the invitation (METHOD:REQUEST, SEQUENCE 0) in their email.
    rows = OutboxEmail.objects.filter(event="interview.invitation", key__endswith=":sequence:0")
    assert {r.to_email for r in rows} >= {"student6@demo.example", "employer@demo.example"}
    for row in rows:
        outbox_deliver(outbox_id=row.pk)
    sent = {m.to[0]: m for m in mail.outbox if m.attachments}
    for address in ("student6@demo.example", "employer@demo.example"):
        part = sent[address].attachments[0]
        assert part.get_content_type() == "text/calendar" and part.get_param("method") == "REQUEST"
        cal = icalendar.Calendar.from_ical(part.get_payload(decode=True))
        (event,) = cal.walk("VEVENT")
        assert int(event["SEQUENCE"]) == 0 and event["DTSTART"].params["TZID"] == "Europe/Berlin"
    uid = str(event["UID"])

    log_out(page)

    # The employer moves it: the booked time is cancelled (same UID, SEQUENCE 1) and new times offered.
    log_in(page, "employer@demo.example")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Interviews").click()
    page.get_by_test_id("upcoming").get_by_role("link", name="Lucas Silva").click()
    page.get_by_role("link", name="Offer new times").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Offer new interview times")
    for number, hour in ((1, "15:00"), (2, "16:00")):
        page.get_by_label(f"Time {number}: date").fill(later.isoformat())
        page.get_by_label(f"Time {number}: start").fill(hour)
    page.get_by_role("button", name="Offer these times instead").click()
    expect(page.get_by_role("alert").or_(page.get_by_role("status")).first).to_contain_text("new times are offered")
    cancel = OutboxEmail.objects.get(event="interview.cancelled", to_email="employer@demo.example")
    (cancelled,) = icalendar.Calendar.from_ical(cancel.attachments[0]["content"]).walk("VEVENT")
    assert str(cancelled["UID"]) == uid and int(cancelled["SEQUENCE"]) == 1
    log_out(page)

    log_in(page, "student6@demo.example")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="My interviews").click()
    page.get_by_test_id("invitations").get_by_role("link", name=TITLE).click()
    slot = page.get_by_test_id("slots").get_by_role("listitem").first
    # 15:00 in Berlin is 11:00 in São Paulo.
    slot.get_by_role("button", name=f"Book {later:%a %-d %b %Y}, 11:00–11:30").click()
    expect(page.get_by_test_id("interview-time")).to_contain_text(f"{later:%a %-d %b %Y}, 11:00–11:30")
    log_out(page)

    log_in(page, "employer@demo.example")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Interviews").click()
    row = page.get_by_test_id("upcoming").get_by_role("listitem").filter(has_text="Lucas Silva")
    expect(row.get_by_test_id("own-time")).to_have_text(f"{later:%a %-d %b %Y}, 15:00–15:30")


def test_employer_keeps_weekly_windows_and_careers_sees_missed_interviews(page, demo_data):
    log_in(page, "employer@demo.example")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Interviews").click()
    page.get_by_role("link", name="Weekly interview windows").click()
    page.get_by_label("Day").select_option("Friday")
    page.get_by_label("From").fill("10:00")
    page.get_by_role("textbox", name="To", exact=True).fill("12:00")
    page.get_by_role("button", name="Add window").click()
    expect(page.get_by_test_id("windows")).to_contain_text("Friday 10:00–12:00 Europe/Berlin")
    log_out(page)

    log_in(page, "careers@demo.example")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Missed interviews").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Missed interviews")
    expect(page.get_by_test_id("no-shows")).to_contain_text("No missed interviews recorded.")
