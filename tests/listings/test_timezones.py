"""Time-zone overlap: the arithmetic across zones, daylight-saving changes and the date line,
and the same numbers used by the SQL-side filter and the badge."""

from datetime import date, datetime, time
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from listings.search import Params, Viewer, search_listings
from listings.timezones import overlap_hours
from tests.listings.factories import PublishedListingFactory


def ov(listing_tz, start, end, viewer_tz, on):
    return overlap_hours(listing_tz=listing_tz, work_start=time(start), work_end=time(end), viewer_tz=viewer_tz, on=on)


def test_same_zone_overlap_is_the_shared_hours():
    assert ov("Europe/Berlin", 9, 17, "Europe/Berlin", date(2026, 6, 1)) == 8.0
    assert ov("Europe/Berlin", 14, 22, "Europe/Berlin", date(2026, 6, 1)) == 4.0


def test_new_york_and_berlin_across_the_march_dst_gap():
    # Usually 6 hours apart: New York 9–17 is Berlin 15–23, so 3 hours inside Berlin's 9–18.
    assert ov("America/New_York", 9, 17, "Europe/Berlin", date(2026, 3, 2)) == 3.0
    # US clocks moved on 8 March 2026, Europe's only on 29 March: 5 hours apart, 14–22 in Berlin.
    assert ov("America/New_York", 9, 17, "Europe/Berlin", date(2026, 3, 16)) == 4.0
    assert ov("America/New_York", 9, 17, "Europe/Berlin", date(2026, 4, 6)) == 3.0


def test_southern_hemisphere_dst_goes_the_other_way():
    # Sydney is UTC+11 in January (summer time) and UTC+10 in July; London UTC+0 / UTC+1.
    # Sydney 9–17 in January = 22:00–06:00 London: nothing inside London's 9–18.
    assert ov("Australia/Sydney", 9, 17, "Europe/London", date(2026, 1, 15)) == 0.0
    # A Sydney evening shift 17–23 in July = 08:00–14:00 London: 5 hours from 9:00.
    assert ov("Australia/Sydney", 17, 23, "Europe/London", date(2026, 7, 15)) == 5.0


def test_across_the_date_line_the_listings_previous_day_counts():
    # Los Angeles 9–17 on 15 Jan (UTC−8) is 06:00–14:00 on 16 Jan in Auckland (UTC+13).
    assert ov("America/Los_Angeles", 9, 17, "Pacific/Auckland", date(2026, 1, 16)) == 5.0
    # Kiritimati (UTC+14) and Honolulu (UTC−10) share the clock, one date apart: full overlap.
    assert ov("Pacific/Honolulu", 9, 18, "Pacific/Kiritimati", date(2026, 5, 5)) == 9.0


def test_overnight_working_day_and_half_hour_zones():
    # A 22:00–06:00 shift in Kolkata (UTC+5:30) is 16:30–00:30 in London in winter: 1.5 h.
    assert ov("Asia/Kolkata", 22, 6, "Europe/London", date(2026, 1, 10)) == 1.5
    assert ov("Asia/Kolkata", 9, 17, "Asia/Kathmandu", date(2026, 1, 10)) == 8.0


@pytest.fixture
def new_york_listing(org, employer):
    return PublishedListingFactory(
        organization=org, actor=employer, title="New York hours", time_zone="America/New_York"
    )


def test_filter_and_badge_follow_the_dst_date(new_york_listing, org, employer):
    PublishedListingFactory(organization=org, actor=employer, title="Tokyo hours", time_zone="Asia/Tokyo")
    berlin = Viewer(time_zone="Europe/Berlin")
    with time_machine.travel(datetime(2026, 3, 2, 12, tzinfo=ZoneInfo("UTC")), tick=False):
        result = search_listings(Params(overlap="4"), viewer=berlin)
        assert result.total == 0
        result = search_listings(Params(overlap="2"), viewer=berlin)
        assert [x.title for x in result.listings] == ["New York hours"]
        assert result.listings[0].overlap == 3.0
    with time_machine.travel(datetime(2026, 3, 16, 12, tzinfo=ZoneInfo("UTC")), tick=False):
        result = search_listings(Params(overlap="4"), viewer=berlin)
        assert [x.title for x in result.listings] == ["New York hours"]
        assert result.listings[0].overlap == 4.0
    # Tokyo 9–17 (UTC+9) is 01:00–09:00 in Berlin in winter: no overlap at all.
    with time_machine.travel(datetime(2026, 1, 10, 12, tzinfo=ZoneInfo("UTC")), tick=False):
        titles = {x.title: x.overlap for x in search_listings(Params(), viewer=berlin).listings}
        assert titles == {"New York hours": 3.0, "Tokyo hours": 0.0}
        assert [x.title for x in search_listings(Params(overlap="1"), viewer=berlin).listings] == ["New York hours"]


def test_viewer_zone_comes_from_profile_then_cookie(new_york_listing, client, student):
    with time_machine.travel(datetime(2026, 3, 16, 12, tzinfo=ZoneInfo("UTC")), tick=False):
        client.cookies["tz"] = "Asia%2FTokyo"  # as static/js/site.js writes it
        page = client.get(reverse("listings:list")).content.decode()
        assert "Asia/Tokyo (from your browser)" in page
        assert "0.0 h overlap" in page
        client.cookies["tz"] = "Not/AZone"
        assert "Your time zone: UTC" in client.get(reverse("listings:list")).content.decode()
        client.force_login(student)  # profile: Europe/Berlin wins over the cookie
        client.cookies["tz"] = "Asia/Tokyo"
        page = client.get(reverse("listings:list")).content.decode()
        assert "Your time zone: Europe/Berlin" in page and "4.0 h overlap" in page
        detail = client.get(reverse("listings:detail", args=[new_york_listing.pk])).content.decode()
        # New York 09:00–17:00 is 14:00–22:00 in Berlin that week.
        assert "14:00–22:00 in your time zone (Europe/Berlin)" in detail
