"""Calendar invitations: they parse with ``icalendar``; a cancellation (also of a moved interview,
whose new booking is a new event) is METHOD:CANCEL under the same UID with a higher SEQUENCE; both sides get them by email with
``Content-Type: text/calendar; method=REQUEST``; reminders and no-shows."""

from datetime import UTC, date, datetime, time, timedelta

import icalendar
import pytest
import time_machine
from django.core import mail
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from interviews import services
from interviews.models import Interview
from notifications.models import OutboxEmail
from notifications.services import outbox_deliver
from tests.listings.factories import member_of

from .factories import applicant, booked, propose

T0 = datetime(2026, 5, 4, 8, 0, tzinfo=UTC)
TIMES = [(date(2026, 5, 6), time(10)), (date(2026, 5, 6), time(11))]


def _invites(event: str) -> list[OutboxEmail]:
    return list(OutboxEmail.objects.filter(event=event).order_by("pk"))


def _calendar(row: OutboxEmail) -> icalendar.Calendar:
    (attachment,) = row.attachments
    return icalendar.Calendar.from_ical(attachment["content"])


def _event(cal: icalendar.Calendar) -> icalendar.Event:
    (event,) = cal.walk("VEVENT")
    return event


@pytest.fixture
def interview(db):
    with time_machine.travel(T0, tick=False):
        application = applicant(student_zone="America/New_York")
        return booked(propose(application, times=TIMES))


def test_booking_sends_both_sides_a_request_that_parses(interview):
    rows = _invites("interview.invitation")
    student = interview.application.student
    assert {r.to_email for r in rows} == {student.email, member_of(interview.application.listing).email}
    cal = _calendar(rows[0])
    assert str(cal["METHOD"]) == "REQUEST"
    event = _event(cal)
    assert str(event["UID"]).startswith(f"interview-{interview.pk}@")
    assert int(event["SEQUENCE"]) == 0
    start = event.decoded("DTSTART")
    assert event["DTSTART"].params["TZID"] == "Europe/Berlin"
    assert start.astimezone(UTC) == datetime(2026, 5, 6, 8, 0, tzinfo=UTC)
    assert [tz["TZID"] for tz in cal.walk("VTIMEZONE")] == ["Europe/Berlin"]
    assert str(event["ATTENDEE"]) == f"mailto:{student.email}"
    assert "TZID=Europe/Berlin" in rows[0].attachments[0]["content"]
    # The student's email gives the time in their own zone.
    student_row = next(r for r in rows if r.to_email == student.email)
    assert "04:00 (America/New_York)" in student_row.body_text


def test_the_email_carries_the_invitation_as_text_calendar_method_request(interview):
    row = OutboxEmail.objects.filter(event="interview.invitation").first()
    assert outbox_deliver(outbox_id=row.pk).sent
    (message,) = mail.outbox
    (part,) = message.attachments
    assert part.get_content_type() == "text/calendar"
    assert part.get_param("method") == "REQUEST"
    assert part.get_filename() == "invite.ics"
    raw = message.message().as_string()
    assert 'Content-Type: text/calendar; charset="utf-8"; method="REQUEST"' in raw
    parsed = icalendar.Calendar.from_ical(part.get_payload(decode=True))
    assert str(parsed["METHOD"]) == "REQUEST"


def test_a_move_cancels_under_the_same_uid_and_the_new_booking_is_a_new_event(interview):
    employer = member_of(interview.application.listing)
    with time_machine.travel(T0, tick=False):
        proposed = services.interview_reschedule(
            interview=interview,
            user=employer,
            slots=[services.SlotInput(day=date(2026, 5, 7), at=time(h), minutes=30) for h in (9, 10)],
            time_zone="America/New_York",
        )
        new = services.interview_book(
            invite=proposed.round.invites.get(),
            slot_id=proposed.round.slots.first().pk,
            user=interview.application.student,
        )
        assert new.starts_at == datetime(2026, 5, 7, 13, 0, tzinfo=UTC)
        services.interview_cancel(interview=new, user=employer, reason="Filled")
    first, moved, booked_again, cancel = (_calendar(r) for r in _rows_by_sequence())
    assert str(_event(first)["UID"]) == str(_event(moved)["UID"])
    assert str(_event(booked_again)["UID"]) == str(_event(cancel)["UID"]) != str(_event(first)["UID"])
    assert str(_event(booked_again)["UID"]).startswith(f"interview-{new.pk}@")
    assert [int(_event(c)["SEQUENCE"]) for c in (first, moved, booked_again, cancel)] == [0, 1, 0, 1]
    assert [str(c["METHOD"]) for c in (first, moved, booked_again, cancel)] == [
        "REQUEST",
        "CANCEL",
        "REQUEST",
        "CANCEL",
    ]
    assert _event(booked_again).decoded("DTSTART").astimezone(UTC) == datetime(2026, 5, 7, 13, 0, tzinfo=UTC)
    assert str(_event(moved)["STATUS"]) == "CANCELLED"
    cancel_row = OutboxEmail.objects.filter(event="interview.cancelled").first()
    assert cancel_row.attachments[0]["mimetype"] == "text/calendar; method=CANCEL"


def _rows_by_sequence() -> list[OutboxEmail]:
    """The student's invitation and cancellation emails, oldest first."""
    rows = OutboxEmail.objects.filter(event__in=["interview.invitation", "interview.cancelled"]).order_by("pk")
    return [r for r in rows if r.recipient and r.recipient.is_student]


def test_moving_into_the_past_or_a_skipped_hour_is_refused(interview):
    employer = member_of(interview.application.listing)
    later = services.SlotInput(day=date(2026, 5, 20), at=time(9), minutes=30)
    with time_machine.travel(T0, tick=False):
        with pytest.raises(ValidationError, match="in the past"):
            services.interview_reschedule(
                interview=interview,
                user=employer,
                slots=[services.SlotInput(day=date(2026, 5, 1), at=time(9), minutes=30), later],
                time_zone="UTC",
            )
        # 14 March 2027, 02:30 does not exist in New York (the clocks go forward at 02:00).
        with pytest.raises(ValidationError, match="does not exist"):
            services.interview_reschedule(
                interview=interview,
                user=employer,
                slots=[services.SlotInput(day=date(2027, 3, 14), at=time(2, 30), minutes=30), later],
                time_zone="America/New_York",
            )
    interview.refresh_from_db()
    assert (interview.status, interview.sequence) == ("scheduled", 0)


def test_the_database_refuses_a_second_booking_of_one_slot(interview):
    with pytest.raises(IntegrityError), transaction.atomic():
        Interview.objects.create(
            application=interview.application,
            invite=interview.invite,
            slot=interview.slot,
            starts_at=interview.starts_at,
            ends_at=interview.ends_at,
            time_zone="UTC",
            location="x",
        )


def test_reminders_go_out_24_hours_and_1_hour_before_once_each(interview):
    start = interview.starts_at
    assert services.interviews_remind(which="day", now=start - timedelta(hours=25)) == (0, False)
    assert services.interviews_remind(which="day", now=start - timedelta(hours=23)) == (1, False)
    assert services.interviews_remind(which="day", now=start - timedelta(hours=22)) == (0, False)
    assert services.interviews_remind(which="hour", now=start - timedelta(hours=2)) == (0, False)
    assert services.interviews_remind(which="hour", now=start - timedelta(minutes=50)) == (1, False)
    assert services.interviews_remind(which="hour", now=start - timedelta(minutes=40)) == (0, False)
    rows = OutboxEmail.objects.filter(event="interview.reminder")
    assert rows.count() == 4  # two reminders, each to the student and the organization's member
    assert {r.subject.split(":")[0] for r in rows} == {"Interview in 24 hours", "Interview in 1 hour"}


def test_a_no_show_is_recorded_once_after_the_start_by_either_side(interview):
    employer = member_of(interview.application.listing)
    with pytest.raises(ValidationError, match="once the interview's time has come"):
        services.interview_record_no_show(interview=interview, user=employer, now=interview.starts_at - timedelta(1))
    services.interview_record_no_show(interview=interview, user=employer, now=interview.starts_at)
    interview.refresh_from_db()
    assert interview.no_show == "student"
    with pytest.raises(ValidationError, match="already recorded"):
        services.interview_record_no_show(
            interview=interview, user=interview.application.student, now=interview.starts_at
        )
    assert OutboxEmail.objects.filter(event="interview.no_show", to_email=interview.application.student.email).exists()
