"""The interview pages through the test client: proposing (one applicant, and the pipeline's bulk
action), the student's own zone, booking, moving, asking for other times, windows, the lists of
each side, career services' no-shows, the calendar feed; and the API with the same rules."""

from datetime import UTC, date, datetime, time, timedelta

import icalendar
import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from calendars.services import calendar_feed_issue
from conversations.models import Message
from interviews import services
from interviews.models import Availability, Interview, InterviewInvite
from tests.accounts.factories import CareerServicesFactory, InstitutionFactory
from tests.applications.factories import ShortlistedApplicationFactory
from tests.listings.factories import member_of

from .factories import applicant, booked, propose

T0 = datetime(2026, 5, 4, 8, 0, tzinfo=UTC)
TIMES = [(date(2026, 5, 6), time(10)), (date(2026, 5, 6), time(11)), (date(2026, 5, 7), time(14))]

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def at_t0():
    with time_machine.travel(T0, tick=False):
        yield


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _slot_rows(times) -> dict:
    data = {}
    for i, (day, at) in enumerate(times):
        data[f"slot_{i}_date"] = day.isoformat()
        data[f"slot_{i}_time"] = at.strftime("%H:%M")
    return data


def test_the_employer_previews_the_students_times_then_proposes():
    application = applicant(student_zone="Asia/Tokyo")
    employer = client_for(member_of(application.listing))
    url = reverse("interviews:propose", args=[application.pk])
    assert employer.get(url).status_code == 200
    data = {
        "time_zone": "Europe/Berlin",
        "minutes": "30",
        "location": "https://meet.example.org/x",
        "application": application.pk,
        **_slot_rows([(date(2026, 5, 6), time(10)), (date(2026, 5, 6), time(16))]),
    }
    preview = employer.post(url, {**data, "preview": "1"})
    assert preview.status_code == 200
    text = preview.content.decode()
    # 10:00 CEST is 17:00 in Tokyo; 16:00 CEST is 23:00 there, flagged as outside the student's day.
    assert "Wed 6 May 2026, 17:00" in text and "Wed 6 May 2026, 23:00" in text
    assert text.count('data-testid="outside-day"') == 1
    assert not InterviewInvite.objects.exists()
    response = employer.post(url, data)
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.status == "interview"
    assert InterviewInvite.objects.get(application=application).round.slots.count() == 2


def test_a_bad_proposal_is_a_message_not_a_500():
    application = applicant()
    employer = client_for(member_of(application.listing))
    url = reverse("interviews:propose", args=[application.pk])
    data = {
        "time_zone": "Europe/Berlin",
        "minutes": "30",
        "location": "x",
        **_slot_rows([(date(2026, 5, 6), time(10))]),
    }
    response = employer.post(url, data)
    assert response.status_code == 400
    assert "Propose between 2 and 8 times" in response.content.decode()
    response = employer.post(url, {**data, "slot_1_date": "2026-05-07"})
    assert "Give both a date and a start time" in response.content.decode()


def test_the_pipeline_invites_several_applicants_to_the_same_times():
    first = applicant()
    second = applicant(listing=first.listing)
    employer = client_for(member_of(first.listing))
    url = reverse("interviews:listing_propose", args=[first.listing.pk])
    start = employer.post(url, {"application": [first.pk, second.pk], "stage": "start"})
    assert start.status_code == 200
    assert "Propose interview times" in start.content.decode()
    response = employer.post(
        url,
        {
            "application": [first.pk, second.pk],
            "time_zone": "Europe/Berlin",
            "minutes": "45",
            "location": "Call +49 30 1234",
            **_slot_rows(TIMES),
        },
    )
    assert response.status_code == 302
    assert InterviewInvite.objects.filter(round__listing=first.listing, status="waiting").count() == 2


def test_times_can_be_offered_from_the_weekly_windows():
    application = applicant()
    employer_user = member_of(application.listing)
    employer = client_for(employer_user)
    response = employer.post(
        reverse("interviews:availability"),
        {"weekday": "2", "start": "09:00", "end": "10:00", "time_zone": "Europe/Berlin"},
    )
    assert response.status_code == 302
    assert Availability.objects.filter(organization_id=application.listing.organization_id).count() == 1
    page = employer.get(reverse("interviews:propose", args=[application.pk]))
    choices = page.context["form"].fields["from_windows"].choices
    # Wednesdays 6 and 13 May, 09:00 and 09:30 in Berlin (07:00 and 07:30 UTC).
    assert [value for value, _ in choices][:2] == ["2026-05-06T07:00:00+00:00", "2026-05-06T07:30:00+00:00"]
    response = employer.post(
        reverse("interviews:propose", args=[application.pk]),
        {
            "time_zone": "Europe/Berlin",
            "minutes": "30",
            "location": "https://meet.example.org/x",
            "from_windows": [choices[0][0], choices[1][0]],
        },
    )
    assert response.status_code == 302
    starts = list(InterviewInvite.objects.get().round.slots.values_list("starts_at", flat=True))
    assert starts == [datetime(2026, 5, 6, 7, 0, tzinfo=UTC), datetime(2026, 5, 6, 7, 30, tzinfo=UTC)]


def test_the_student_books_in_their_zone_and_both_lists_show_it():
    application = applicant(student_zone="America/Sao_Paulo")
    invite = propose(application, times=TIMES)
    student = client_for(application.student)
    page = student.get(reverse("interviews:choose", args=[invite.pk]))
    text = page.content.decode()
    assert "times in <strong>America/Sao_Paulo</strong>" in text
    assert "Wed 6 May 2026, 05:00–05:30" in text  # 10:00 CEST
    slot = invite.round.slots.order_by("starts_at")[1]
    response = student.post(reverse("interviews:book", args=[invite.pk]), {"slot": slot.pk})
    interview = Interview.objects.get()
    assert response["Location"] == reverse("interviews:detail", args=[interview.pk])
    mine = student.get(reverse("interviews:mine")).content.decode()
    assert "Wed 6 May 2026, 06:00–06:30" in mine
    employer = client_for(member_of(application.listing))
    org = employer.get(reverse("interviews:organization")).content.decode()
    assert "Wed 6 May 2026, 09:00–09:30" in org  # no browser zone: UTC
    employer.cookies["tz"] = "Asia%2FTokyo"
    listed = employer.get(reverse("interviews:listing", args=[application.listing.pk]))
    assert "Wed 6 May 2026, 18:00–18:30" in listed.content.decode()  # in the employer's browser zone


def test_the_student_asks_for_other_times_in_the_conversation():
    application = applicant()
    invite = propose(application, times=TIMES)
    student = client_for(application.student)
    response = student.post(reverse("interviews:other_times", args=[invite.pk]), {"message": "Mornings next week?"})
    assert response.status_code == 302
    message = Message.objects.get(application=application)
    assert "Mornings next week?" in message.body


def test_moving_by_page_offers_new_times_and_shows_the_new_booking_to_the_employer():
    application = applicant(student_zone="Asia/Tokyo")
    interview = booked(propose(application, times=TIMES))
    employer = client_for(member_of(application.listing))
    response = employer.post(
        reverse("interviews:reschedule", args=[interview.pk]),
        {
            "time_zone": "Europe/Berlin",
            "minutes": "30",
            "location": interview.location,
            **_slot_rows([(date(2026, 5, 8), time(11)), (date(2026, 5, 8), time(12))]),
        },
    )
    assert response.status_code == 302
    interview.refresh_from_db()
    assert (interview.status, interview.sequence) == ("cancelled", 1)
    invite = InterviewInvite.objects.get(application=application, status="waiting")
    student = client_for(application.student)
    slot = invite.round.slots.order_by("starts_at").first()
    assert student.post(reverse("interviews:book", args=[invite.pk]), {"slot": slot.pk}).status_code == 302
    new = Interview.objects.get(application=application, status="scheduled")
    assert new.starts_at == datetime(2026, 5, 8, 9, 0, tzinfo=UTC)  # 18:00 in Tokyo
    detail = employer.get(reverse("interviews:detail", args=[new.pk])).content.decode()
    assert "Fri 8 May 2026, 11:00–11:30" in detail  # the organization's zone (Berlin), no browser zone
    bad = employer.post(
        reverse("interviews:reschedule", args=[new.pk]),
        {"time_zone": "Europe/Berlin", "minutes": "30", "location": "x", **_slot_rows([(date(2026, 1, 1), time(18))])},
    )
    assert bad.status_code == 400
    assert "is in the past" in bad.content.decode()


def test_cancelling_by_page_keeps_a_bad_reason_on_the_form_then_cancels():
    application = applicant()
    interview = booked(propose(application, times=TIMES))
    employer = client_for(member_of(application.listing))
    url = reverse("interviews:cancel", args=[interview.pk])
    too_long = employer.post(url, {"reason": "x" * 1001})
    assert too_long.status_code == 400
    assert too_long.context["cancel_form"].errors["reason"]
    assert not too_long.context["other_form"].is_bound
    interview.refresh_from_db()
    assert interview.status == "scheduled"
    assert client_for(applicant().student).post(url, {"reason": "Mine now"}).status_code == 404
    response = employer.post(url, {"reason": "The role is filled"})
    assert response.status_code == 302
    assert response["Location"] == reverse("interviews:detail", args=[interview.pk])
    interview.refresh_from_db()
    assert (interview.status, interview.cancel_reason, interview.sequence) == ("cancelled", "The role is filled", 1)
    again = employer.post(url, {"reason": ""})
    assert again.status_code == 400
    assert again.context["cancel_form"].non_field_errors() == ["This interview is already cancelled."]
    assert "This interview is already cancelled." in again.content.decode()  # shown though the forms are not


def test_career_services_see_their_own_students_no_shows_only():
    institution = InstitutionFactory()
    application = applicant()
    profile = application.student.student_profile
    profile.institution = institution
    profile.save(update_fields=["institution"])
    interview = booked(propose(application, times=TIMES))
    services.interview_record_no_show(
        interview=interview, user=member_of(application.listing), now=interview.starts_at + timedelta(minutes=5)
    )
    careers = client_for(CareerServicesFactory(institution=institution))
    assert application.student.get_full_name() in careers.get(reverse("interviews:careers_no_shows")).content.decode()
    other = client_for(CareerServicesFactory(institution=InstitutionFactory()))
    assert application.student.get_full_name() not in other.get(reverse("interviews:careers_no_shows")).content.decode()


def test_the_interview_is_in_both_parties_calendar_feeds():
    application = applicant(student_zone="Asia/Tokyo")
    interview = booked(propose(application, times=TIMES))
    for user, zone in ((application.student, "Asia/Tokyo"), (member_of(application.listing), "Europe/Berlin")):
        token = calendar_feed_issue(user=user)
        body = Client().get(reverse("calendars:feed", args=[token])).content
        events = [
            e for e in icalendar.Calendar.from_ical(body).walk("VEVENT") if str(e["UID"]).startswith("interview-")
        ]
        assert len(events) == 1
        assert str(events[0]["UID"]).startswith(f"interview-{interview.pk}@")
        assert events[0]["DTSTART"].params["TZID"] == zone


def test_the_api_proposes_books_with_409_for_a_taken_time_and_moves():
    first = applicant()
    second = applicant(listing=first.listing)
    employer = client_for(member_of(first.listing))
    response = employer.post(
        reverse("v1:interview-propose", args=[first.pk]),
        {
            "time_zone": "Europe/Berlin",
            "minutes": 30,
            "location": "https://meet.example.org/x",
            "slots": [{"date": "2026-05-06", "time": "10:00"}, {"date": "2026-05-06", "time": "11:00"}],
        },
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    invite_id = response.json()["invitation"]
    bad = employer.post(
        reverse("v1:interview-propose", args=[second.pk]),
        {
            "time_zone": "Europe/Berlin",
            "minutes": 30,
            "location": "x",
            "slots": [{"date": "2026-05-06", "time": "10:00"}],
        },
        content_type="application/json",
    )
    assert bad.status_code == 400
    student = client_for(first.student)
    assert client_for(second.student).get(reverse("v1:interview-invitation", args=[invite_id])).status_code == 404
    invitation = student.get(reverse("v1:interview-invitation", args=[invite_id])).json()
    assert invitation["slots"][0]["time"]["local_zone"] == "Asia/Tokyo"
    assert invitation["slots"][0]["time"]["local_start"].startswith("2026-05-06T17:00:00+09:00")
    slot_id = invitation["slots"][0]["id"]
    assert employer.post(reverse("v1:interview-book", args=[invite_id]), {"slot": slot_id}).status_code == 403
    booked_now = student.post(reverse("v1:interview-book", args=[invite_id]), {"slot": slot_id})
    assert booked_now.status_code == 201
    again = student.post(reverse("v1:interview-book", args=[invite_id]), {"slot": slot_id})
    assert again.status_code == 409
    assert "already booked" in again.json()["detail"]
    interview_id = booked_now.json()["id"]
    moved = employer.post(
        reverse("v1:interview-reschedule", args=[interview_id]),
        {
            "time_zone": "Europe/Berlin",
            "minutes": 30,
            "slots": [{"date": "2026-05-07", "time": t} for t in ("15:00", "16:00")],
        },
        content_type="application/json",
    )
    assert moved.status_code == 201
    assert moved.json()["slots"][0]["time"]["starts_at"] == "2026-05-07T13:00:00Z"
    assert student.get(reverse("v1:interview-detail", args=[interview_id])).json()["sequence"] == 1
    rebooked = student.post(
        reverse("v1:interview-book", args=[moved.json()["id"]]), {"slot": moved.json()["slots"][0]["id"]}
    )
    assert rebooked.status_code == 201
    interview_id = rebooked.json()["id"]
    cancelled = student.post(reverse("v1:interview-cancel", args=[interview_id]), {"reason": "Found a place"})
    assert cancelled.json()["status"] == "cancelled"


@pytest.mark.parametrize("count", [2, 5])
def test_the_interview_lists_ask_the_same_number_of_queries_whatever_their_length(count, django_assert_num_queries):
    """One applicant booked, the others choosing; the first also chooses times for a second listing."""
    first = applicant()
    others = [applicant(listing=first.listing) for _ in range(count - 1)]
    booked(propose(first, times=TIMES))
    for other in others:
        propose(other, times=[(date(2026, 5, 8), time(10)), (date(2026, 5, 8), time(11))])
    second = applicant(listing_zone="Asia/Tokyo")
    second_for_first = ShortlistedApplicationFactory(listing=second.listing, student=first.student)
    propose(second_for_first, times=TIMES, time_zone="Asia/Tokyo")
    employer = client_for(member_of(first.listing))
    with django_assert_num_queries(7):
        assert employer.get(reverse("interviews:organization")).status_code == 200
    student = client_for(first.student)
    with django_assert_num_queries(6):
        assert student.get(reverse("interviews:mine")).status_code == 200
