"""Moving a booked interview: the organization offers new times and the student picks one again
(the booking is cancelled for both calendars, its time goes back to the round); the student asks
for other times. Through the service, the pages and the API, from every role."""

from datetime import UTC, date, datetime, time

import icalendar
import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse

from calendars.services import calendar_feed_issue
from conversations.models import Message
from interviews import services
from interviews.choices import InterviewStatus, InviteStatus, SlotStatus
from interviews.models import Interview, InterviewInvite, InterviewRound, InterviewSlot
from notifications.models import Notification, OutboxEmail
from tests.listings.factories import EmployerFactory, StudentFactory, member_of

from .factories import applicant, booked, propose
from .test_pages import _slot_rows, at_t0, client_for  # noqa: F401 (at_t0: every test at 4 May 2026, 08:00 UTC)

TIMES = [(date(2026, 5, 6), time(10)), (date(2026, 5, 6), time(11))]
NEW_TIMES = [(date(2026, 5, 8), time(9)), (date(2026, 5, 8), time(15))]

pytestmark = pytest.mark.django_db


def _slots(times) -> list[services.SlotInput]:
    return [services.SlotInput(day=d, at=t, minutes=45) for d, t in times]


def _reschedule(interview, user, times=NEW_TIMES, **kwargs):
    return services.interview_reschedule(
        interview=interview, user=user, slots=_slots(times), time_zone="Europe/Berlin", **kwargs
    )


def _feed_uids(user) -> list[str]:
    body = Client().get(reverse("calendars:feed", args=[calendar_feed_issue(user=user)])).content
    return [str(e["UID"]) for e in icalendar.Calendar.from_ical(body).walk("VEVENT") if "interview-" in str(e["UID"])]


def _unchanged(interview: Interview) -> None:
    interview.refresh_from_db()
    assert (interview.status, interview.sequence) == (InterviewStatus.SCHEDULED, 0)
    assert InterviewRound.objects.count() == 1
    assert not OutboxEmail.objects.filter(event="interview.cancelled").exists()


def test_the_organization_offers_new_times_and_the_student_picks_one_again():
    application = applicant(student_zone="Asia/Tokyo")
    old = booked(propose(application, times=TIMES))
    employer = member_of(application.listing)
    assert [uid.split("@")[0] for uid in _feed_uids(application.student)] == [old.key]

    proposed = _reschedule(old, employer)

    old.refresh_from_db()
    assert (old.status, old.sequence, old.changed_by) == (InterviewStatus.CANCELLED, 1, employer)
    assert old.slot.status == SlotStatus.EXPIRED  # nobody else chooses from that round
    application.refresh_from_db()
    assert application.status == "interview"
    invite = InterviewInvite.objects.get(round=proposed.round)
    assert (invite.application, invite.status) == (application, InviteStatus.WAITING)
    assert proposed.round.location == old.location  # kept when none is given
    assert [s.starts_at for s in proposed.round.slots.all()] == [
        datetime(2026, 5, 8, 7, 0, tzinfo=UTC),
        datetime(2026, 5, 8, 13, 0, tzinfo=UTC),
    ]
    # Both calendars are told the old time is off; the student is asked to choose again.
    cancels = OutboxEmail.objects.filter(event="interview.cancelled")
    assert {r.to_email for r in cancels} == {application.student.email, employer.email}
    assert all(r.attachments[0]["mimetype"] == "text/calendar; method=CANCEL" for r in cancels)
    asked = OutboxEmail.objects.get(
        event="interview.proposed", to_email=application.student.email, key__contains=f"invite:{invite.pk}"
    )
    assert "would like to move your interview" in asked.body_text
    assert "Wednesday 6 May 2026, 17:00 (Asia/Tokyo)" in asked.body_text  # the old time, in the student's zone
    assert "Friday 8 May 2026, 16:00 (Asia/Tokyo)" in asked.body_text  # a new one
    assert asked.subject.startswith(f"{application.listing.organization.name} proposes new interview times")
    assert Notification.objects.filter(event="interview.proposed", recipient=application.student).count() == 2
    assert _feed_uids(application.student) == []

    new = services.interview_book(invite=invite, slot_id=proposed.round.slots.last().pk, user=application.student)
    assert new.pk != old.pk and new.starts_at == datetime(2026, 5, 8, 13, 0, tzinfo=UTC)
    assert (new.ends_at - new.starts_at).total_seconds() == 45 * 60
    assert [uid.split("@")[0] for uid in _feed_uids(application.student)] == [new.key]
    assert [uid.split("@")[0] for uid in _feed_uids(employer)] == [new.key]


def test_the_moved_time_goes_back_to_the_others_still_choosing_from_its_round():
    first = applicant()
    second = applicant(listing=first.listing)
    invite = propose(first, times=TIMES, others=[second])
    old = booked(invite)
    _reschedule(old, member_of(first.listing))
    old.slot.refresh_from_db()
    assert old.slot.status == SlotStatus.OPEN
    other_invite = InterviewInvite.objects.get(round=invite.round, application=second)
    taken = services.interview_book(invite=other_invite, slot_id=old.slot_id, user=second.student)
    assert taken.starts_at == old.starts_at


def test_only_the_organization_offers_new_times():
    application = applicant()
    interview = booked(propose(application, times=TIMES))
    outsiders = [
        application.student,
        EmployerFactory(),  # a member of another organization
        StudentFactory(),  # another student
    ]
    for user in outsiders:
        with pytest.raises(PermissionDenied):
            _reschedule(interview, user)
    _unchanged(interview)


def test_times_that_cannot_be_offered_change_nothing():
    application = applicant()
    interview = booked(propose(application, times=TIMES))
    employer = member_of(application.listing)
    with pytest.raises(ValidationError, match="in the past"):
        _reschedule(interview, employer, times=[(date(2026, 5, 1), time(9)), (date(2026, 5, 8), time(9))])
    with pytest.raises(ValidationError, match="Propose between 2 and 8"):
        _reschedule(interview, employer, times=[(date(2026, 5, 8), time(9))])
    with pytest.raises(ValidationError, match="does not exist"):
        services.interview_reschedule(
            interview=interview,
            user=employer,
            slots=_slots([(date(2027, 3, 14), time(2, 30)), (date(2027, 3, 14), time(9))]),
            time_zone="America/New_York",
        )
    _unchanged(interview)
    assert interview.slot.status == SlotStatus.BOOKED


def test_a_cancelled_or_started_interview_is_not_moved():
    application = applicant()
    interview = booked(propose(application, times=TIMES))
    employer = member_of(application.listing)
    with time_machine.travel(interview.starts_at, tick=False), pytest.raises(ValidationError, match="already started"):
        _reschedule(interview, employer, times=[(date(2026, 5, 9), time(9)), (date(2026, 5, 9), time(10))])
    services.interview_cancel(interview=interview, user=employer)
    with pytest.raises(ValidationError, match="cancelled"):
        _reschedule(interview, employer)
    assert InterviewRound.objects.count() == 1


def test_the_student_asks_to_move_and_the_interview_stays_booked():
    application = applicant(student_zone="Asia/Tokyo")
    interview = booked(propose(application, times=TIMES))
    url = reverse("interviews:interview_other_times", args=[interview.pk])
    empty = client_for(application.student).post(url, {"message": ""})
    assert empty.status_code == 400 and empty.context["other_form"].errors["message"]
    response = client_for(application.student).post(url, {"message": "Could we do Friday instead?"})
    assert response.status_code == 302
    message = Message.objects.get(application=application)
    assert message.body == (
        "Could we move our interview of Wednesday 6 May 2026, 17:00 (Asia/Tokyo)? Could we do Friday instead?"
    )
    interview.refresh_from_db()
    assert interview.status == InterviewStatus.SCHEDULED
    assert client_for(member_of(application.listing)).post(url, {"message": "Me too"}).status_code == 403
    assert client_for(StudentFactory()).post(url, {"message": "Me too"}).status_code == 404
    assert client_for(EmployerFactory()).post(url, {"message": "Me too"}).status_code == 404
    assert Message.objects.filter(application=application).count() == 1
    with time_machine.travel(interview.starts_at, tick=False):
        late = client_for(application.student).post(url, {"message": "Can we move it?"})
    assert late.status_code == 400 and "already started" in late.content.decode()
    interview.refresh_from_db()
    services.interview_cancel(interview=interview, user=application.student)
    gone = client_for(application.student).post(url, {"message": "Can we move it?"})
    assert gone.status_code == 400
    assert gone.context["other_form"].non_field_errors() == ["This interview is no longer booked."]
    assert Message.objects.filter(application=application).count() == 1


def test_each_side_sees_its_own_way_to_move_on_the_detail_page():
    application = applicant()
    interview = booked(propose(application, times=TIMES))
    url = reverse("interviews:detail", args=[interview.pk])
    student_page = client_for(application.student).get(url).content.decode()
    assert reverse("interviews:interview_other_times", args=[interview.pk]) in student_page
    assert reverse("interviews:reschedule", args=[interview.pk]) not in student_page
    employer_page = client_for(member_of(application.listing)).get(url).content.decode()
    assert reverse("interviews:reschedule", args=[interview.pk]) in employer_page
    assert reverse("interviews:interview_other_times", args=[interview.pk]) not in employer_page


def _offer_form(times=NEW_TIMES, **extra) -> dict:
    return {
        "time_zone": "Europe/Berlin",
        "minutes": "45",
        "location": "https://meet.example.org/new",
        **_slot_rows(times),
        **extra,
    }


def test_the_organization_offers_new_times_by_page_after_a_preview():
    application = applicant(student_zone="Asia/Tokyo")
    interview = booked(propose(application, times=TIMES))
    employer = client_for(member_of(application.listing))
    url = reverse("interviews:reschedule", args=[interview.pk])
    page = employer.get(url)
    assert page.status_code == 200
    assert "Offer new interview times" in page.content.decode()
    assert page.context["form"].initial["location"] == interview.location
    assert page.context["form"].initial["minutes"] == 30
    preview = employer.post(url, {**_offer_form(), "preview": "1"})
    assert preview.status_code == 200
    assert "Fri 8 May 2026, 16:00" in preview.content.decode()  # 09:00 in Berlin, in Tokyo
    _unchanged(interview)
    bad = employer.post(url, _offer_form(times=[(date(2026, 5, 8), time(9))]))
    assert bad.status_code == 400 and "Propose between 2 and 8 times" in bad.content.decode()
    _unchanged(interview)
    response = employer.post(url, _offer_form())
    assert response.status_code == 302
    interview.refresh_from_db()
    assert interview.status == InterviewStatus.CANCELLED
    invite = InterviewInvite.objects.get(application=application, status=InviteStatus.WAITING)
    assert invite.round.location == "https://meet.example.org/new"
    choose = client_for(application.student).get(reverse("interviews:choose", args=[invite.pk])).content.decode()
    assert "Fri 8 May 2026, 16:00–16:45" in choose


def test_the_reschedule_page_is_the_organizations_only():
    application = applicant()
    interview = booked(propose(application, times=TIMES))
    url = reverse("interviews:reschedule", args=[interview.pk])
    assert client_for(application.student).get(url).status_code == 403
    assert client_for(application.student).post(url, _offer_form()).status_code == 403
    for outsider in (StudentFactory(), EmployerFactory()):
        assert client_for(outsider).get(url).status_code == 404
        assert client_for(outsider).post(url, _offer_form()).status_code == 404
    assert Client().get(url).status_code == 302  # to the login
    _unchanged(interview)


def _api_body(times=NEW_TIMES, **extra) -> dict:
    return {
        "time_zone": "Europe/Berlin",
        "minutes": 45,
        "slots": [{"date": d.isoformat(), "time": t.strftime("%H:%M")} for d, t in times],
        **extra,
    }


def test_the_api_offers_new_times_and_the_student_books_one_again():
    application = applicant(student_zone="Asia/Tokyo")
    interview = booked(propose(application, times=TIMES))
    employer = client_for(member_of(application.listing))
    url = reverse("v1:interview-reschedule", args=[interview.pk])
    bad = employer.post(url, _api_body(times=[(date(2026, 5, 8), time(9))]), content_type="application/json")
    assert bad.status_code == 400
    past = employer.post(
        url,
        _api_body(times=[(date(2026, 5, 1), time(9)), (date(2026, 5, 8), time(9))]),
        content_type="application/json",
    )
    assert past.status_code == 400 and "in the past" in str(past.json())
    _unchanged(interview)
    response = employer.post(url, _api_body(), content_type="application/json")
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["status"] == "waiting" and body["application"] == application.pk
    assert body["location"] == interview.location
    assert [s["time"]["local_start"] for s in body["slots"]] == [
        "2026-05-08T09:00:00+02:00",
        "2026-05-08T15:00:00+02:00",
    ]
    cancelled = employer.get(reverse("v1:interview-detail", args=[interview.pk])).json()
    assert (cancelled["status"], cancelled["sequence"]) == ("cancelled", 1)
    again = employer.post(url, _api_body(), content_type="application/json")
    assert again.status_code == 400 and "cancelled" in str(again.json())
    student = client_for(application.student)
    booked_now = student.post(reverse("v1:interview-book", args=[body["id"]]), {"slot": body["slots"][1]["id"]})
    assert booked_now.status_code == 201
    assert booked_now.json()["starts_at"] == "2026-05-08T13:00:00Z"


def test_the_api_refuses_new_times_from_anyone_but_the_organization():
    application = applicant()
    interview = booked(propose(application, times=TIMES))
    url = reverse("v1:interview-reschedule", args=[interview.pk])
    refused = client_for(application.student).post(url, _api_body(), content_type="application/json")
    assert refused.status_code == 403
    for outsider in (StudentFactory(), EmployerFactory()):
        assert client_for(outsider).post(url, _api_body(), content_type="application/json").status_code == 404
    assert Client().post(url, _api_body(), content_type="application/json").status_code == 401
    _unchanged(interview)


def test_the_api_lets_the_student_ask_for_other_times_for_a_booking_or_an_invitation():
    application = applicant()
    invite = propose(application, times=TIMES)
    invitation_url = reverse("v1:interview-invitation-other-times", args=[invite.pk])
    student = client_for(application.student)
    asked = student.post(invitation_url, {"message": "Mornings, please"}, content_type="application/json")
    assert asked.status_code == 201
    assert asked.json()["body"] == "None of the proposed interview times suit me. Mornings, please"
    assert asked.json()["application"] == application.pk
    interview = booked(invite)
    url = reverse("v1:interview-other-times", args=[interview.pk])
    assert student.post(url, {"message": ""}, content_type="application/json").status_code == 400
    moved = student.post(url, {"message": "Friday?"}, content_type="application/json")
    assert moved.status_code == 201 and moved.json()["body"].endswith("Friday?")
    employer = client_for(member_of(application.listing))
    assert employer.post(url, {"message": "x"}, content_type="application/json").status_code == 403
    assert employer.post(invitation_url, {"message": "x"}, content_type="application/json").status_code == 403
    for outsider in (StudentFactory(), EmployerFactory()):
        assert client_for(outsider).post(url, {"message": "x"}, content_type="application/json").status_code == 404
        assert (
            client_for(outsider).post(invitation_url, {"message": "x"}, content_type="application/json").status_code
            == 404
        )
    assert Message.objects.filter(application=application).count() == 2
    assert Interview.objects.get(pk=interview.pk).status == InterviewStatus.SCHEDULED
    assert InterviewSlot.objects.filter(pk=interview.slot_id, status=SlotStatus.BOOKED).exists()
