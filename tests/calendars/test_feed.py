"""The private iCalendar feed: made and revoked from the calendar page, parsed with `icalendar`,
each event in its own zone across a daylight-saving change, 404 once revoked or replaced, and
a one-off .ics per event."""

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import icalendar
import pytest
import time_machine
from django.urls import reverse

from applications import services as application_services
from calendars.ics import uid_domain
from calendars.models import CalendarFeed
from listings.services import saved_listing_toggle
from placements import services as placement_services
from tests.applications.conftest import private_dir  # noqa: F401 (autouse: résumés in a temporary folder)
from tests.applications.factories import pdf_upload
from tests.listings.factories import PublishedListingFactory, StudentFactory, member_of

pytestmark = pytest.mark.django_db

# 1 March 2026: Berlin changes to summer time on 29 March, New York on 8 March.
NOW = datetime(2026, 3, 1, 10, 0, tzinfo=UTC)
BERLIN, NEW_YORK = ZoneInfo("Europe/Berlin"), ZoneInfo("America/New_York")


@pytest.fixture
def calendar(db):
    """A London student placed at a Berlin organization from Friday 27 March to Friday 10 April,
    across both cities' change to summer time (29 March), with check-ins due on Saturdays (28
    March and 4 April) and a goal due on 8 April, who saved two New York listings whose
    deadlines fall on either side of New York's change."""
    with time_machine.travel(NOW, tick=False):
        student = StudentFactory(name="Amara Okafor", profile={"country": "GB", "time_zone": "Europe/London"})
        listing = PublishedListingFactory(
            title="Backend intern", time_zone="Europe/Berlin", duration_days=14, requires_resume=False
        )
        employer = member_of(listing)
        application = application_services.application_submit(
            student=student, listing=listing, cover_letter="Hello", answers={}, resume_upload=pdf_upload()
        )
        application_services.application_transition(
            application=application, to_status="offered", user=employer, offer_start_date=date(2026, 3, 27)
        )
        application_services.application_transition(application=application, to_status="accepted", user=student)
        placement = application.placement
        placement_services.schedule_set(placement=placement, user=employer, cadence="weekly", weekday=5)
        placement_services.goal_propose(
            placement=placement, user=student, text="Ship the export", due_on=date(2026, 4, 8)
        )
        before = PublishedListingFactory(
            title="Survey sprint",
            time_zone="America/New_York",
            application_deadline=datetime(2026, 3, 6, 17, 0, tzinfo=NEW_YORK),
        )
        after = PublishedListingFactory(
            title="Press kit",
            time_zone="America/New_York",
            application_deadline=datetime(2026, 3, 13, 17, 0, tzinfo=NEW_YORK),
        )
        for saved in (before, after):
            saved_listing_toggle(user=student, listing=saved)
    return {
        "student": student,
        "employer": employer,
        "placement": application.placement,
        "before": before,
        "after": after,
    }


def _feed_url(client, user) -> str:
    client.force_login(user)
    response = client.post(reverse("calendars:issue"), follow=True)
    page = response.content.decode()
    start = page.index('id="feed-url" type="text" readonly value="') + len('id="feed-url" type="text" readonly value="')
    return page[start : page.index('"', start)]


def _events(body: bytes) -> dict[str, icalendar.Event]:
    cal = icalendar.Calendar.from_ical(body)
    return {str(e["summary"]): e for e in cal.walk("VEVENT")}


def test_feed_parses_with_each_event_in_its_own_zone_across_daylight_saving(client, calendar):
    url = _feed_url(client, calendar["student"])
    client.logout()
    with time_machine.travel(NOW, tick=False):
        response = client.get(url)
    assert response.status_code == 200 and response["Content-Type"] == "text/calendar; charset=utf-8"
    assert response["Cache-Control"] == "private, no-store"
    events = _events(response.content)
    org = calendar["placement"].organization.name
    assert sorted(events) == sorted(
        [
            f"First day at {org}: Backend intern",
            f"Last day at {org}: Backend intern",
            "Check-in due: Backend intern",
            "Goal due: Ship the export",
            f"Application deadline: Survey sprint ({calendar['before'].organization.name})",
            f"Application deadline: Press kit ({calendar['after'].organization.name})",
        ]
    )
    first = next(e for s, e in events.items() if s.startswith("First day"))
    last = next(e for s, e in events.items() if s.startswith("Last day"))
    # 09:00 in Berlin both days, which is 08:00 UTC before the change and 07:00 UTC after it.
    assert first["dtstart"].params["TZID"] == "Europe/Berlin"
    assert first.start == datetime(2026, 3, 27, 9, 0, tzinfo=BERLIN) and first.end.hour == 17
    assert first.start.astimezone(UTC).hour == 8
    assert last.start == datetime(2026, 4, 10, 9, 0, tzinfo=BERLIN) and last.start.astimezone(UTC).hour == 7
    survey = next(e for s, e in events.items() if "Survey sprint" in s)
    press = next(e for s, e in events.items() if "Press kit" in s)
    # 17:00 in New York both days: 22:00 UTC in winter time, 21:00 UTC in summer time.
    assert survey["dtstart"].params["TZID"] == "America/New_York"
    assert survey.start.astimezone(UTC) == datetime(2026, 3, 6, 22, 0, tzinfo=UTC)
    assert press.start.astimezone(UTC) == datetime(2026, 3, 13, 21, 0, tzinfo=UTC)
    assert (survey.start.hour, press.start.hour) == (17, 17)
    # Check-ins fall due at the end of the day in the intern's zone: 23:59 in London, which is
    # 23:59 UTC on 28 March and 22:59 UTC on 4 April (summer time).
    cal = icalendar.Calendar.from_ical(response.content)
    checkins = sorted(
        (e for e in cal.walk("VEVENT") if str(e["summary"]).startswith("Check-in")), key=lambda e: e.start
    )
    assert [e["dtstart"].params["TZID"] for e in checkins] == ["Europe/London", "Europe/London"]
    assert [e.start.astimezone(UTC) for e in checkins] == [
        datetime(2026, 3, 28, 23, 59, tzinfo=UTC),
        datetime(2026, 4, 4, 22, 59, tzinfo=UTC),
    ]
    goal = next(e for e in cal.walk("VEVENT") if str(e["summary"]).startswith("Goal"))
    assert goal.start == date(2026, 4, 8) and goal.end == date(2026, 4, 9)  # all day, no zone
    # Each zone used comes with its VTIMEZONE, with both its standard and summer rules.
    zones = {str(tz["tzid"]): tz for tz in cal.walk("VTIMEZONE")}
    assert set(zones) == {"Europe/Berlin", "Europe/London", "America/New_York"}
    for tz in zones.values():
        assert tz.walk("STANDARD") and tz.walk("DAYLIGHT")
    uids = [str(e["uid"]) for e in cal.walk("VEVENT")]
    assert len(set(uids)) == 7 and all(uid.endswith(f"@{uid_domain()}") for uid in uids)


def test_a_revoked_or_replaced_address_gives_404(client, calendar):
    student = calendar["student"]
    old = _feed_url(client, student)
    new = _feed_url(client, student)  # "Make a new address"
    assert old != new
    assert client.get(old).status_code == 404
    assert client.get(new).status_code == 200
    response = client.post(reverse("calendars:revoke"), follow=True)
    assert "Calendar feed turned off" in response.content.decode()
    assert client.get(new).status_code == 404
    assert not CalendarFeed.objects.filter(user=student).exists()
    assert client.get(reverse("calendars:feed", args=["not-a-real-token"])).status_code == 404


def test_the_address_is_shown_once_and_only_its_hash_is_stored(client, calendar):
    url = _feed_url(client, calendar["student"])
    token = url.rsplit("/", 1)[1].removesuffix(".ics")
    feed = CalendarFeed.objects.get(user=calendar["student"])
    assert token not in feed.token_hash and len(feed.token_hash) == 64
    again = client.get(reverse("calendars:settings")).content.decode()
    assert token not in again and "Your feed is on since" in again


def test_a_deleted_account_has_no_feed(client, calendar):
    url = _feed_url(client, calendar["student"])
    type(calendar["student"]).objects.filter(pk=calendar["student"].pk).update(is_active=False)
    assert client.get(url).status_code == 404


def test_the_supervisors_feed_has_the_placement_with_the_students_name(client, calendar):
    url = _feed_url(client, calendar["employer"])
    with time_machine.travel(NOW, tick=False):
        events = _events(client.get(url).content)
    assert set(events) == {
        "Amara Okafor starts: Backend intern",
        "Amara Okafor's last day: Backend intern",
        "Check-in due (Amara Okafor): Backend intern",
        "Goal due (Amara Okafor): Ship the export",
    }


def test_another_student_sees_none_of_these_events(client, calendar):
    other = StudentFactory()
    url = _feed_url(client, other)
    with time_machine.travel(NOW, tick=False):
        assert _events(client.get(url).content) == {}
    key = f"placement-start-{calendar['placement'].pk}"
    assert client.get(reverse("calendars:event", args=[key])).status_code == 404


def test_one_event_downloads_as_its_own_ics(client, calendar):
    client.force_login(calendar["student"])
    key = f"listing-deadline-{calendar['before'].pk}"
    with time_machine.travel(NOW, tick=False):
        page = client.get(reverse("calendars:settings")).content.decode()
        assert reverse("calendars:event", args=[key]) in page
        response = client.get(reverse("calendars:event", args=[key]))
    assert response.status_code == 200 and f'filename="{key}.ics"' in response["Content-Disposition"]
    cal = icalendar.Calendar.from_ical(response.content)
    [event] = cal.walk("VEVENT")
    assert str(event["summary"]).startswith("Application deadline: Survey sprint")
    assert [str(tz["tzid"]) for tz in cal.walk("VTIMEZONE")] == ["America/New_York"]
    assert client.get(reverse("calendars:event", args=["listing-deadline-999999"])).status_code == 404


def test_deadlines_long_past_leave_the_feed(client, calendar):
    url = _feed_url(client, calendar["student"])
    with time_machine.travel(datetime(2026, 4, 10, tzinfo=UTC) + timedelta(days=1), tick=False):
        summaries = set(_events(client.get(url).content))
    assert not any("Survey sprint" in s for s in summaries)  # 6 March: more than 30 days ago
    assert any("Press kit" in s for s in summaries)


def test_deleting_the_account_deletes_its_feed(client, calendar):
    from accounts.services import user_delete

    url = _feed_url(client, calendar["student"])
    user_delete(user=calendar["student"])
    assert not CalendarFeed.objects.exists()
    assert client.get(url).status_code == 404
