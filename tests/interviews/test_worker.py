"""With a real Celery worker: the invitation reaches both sides as an email with a
``text/calendar; method=REQUEST`` part, and the reminder job fired twice by beat sends each
reminder once."""

from datetime import UTC, datetime, timedelta
from time import monotonic
from zoneinfo import ZoneInfo

import icalendar
import pytest

from interviews.tasks import interview_rounds_expire_task, interviews_remind_task
from marketplace.celery import ping_task
from notifications.models import OutboxEmail
from tests.listings.factories import member_of

from .factories import applicant, booked, propose


def _calendar_parts(message):
    return [part for part in message.walk() if part.get_content_type() == "text/calendar"]


@pytest.mark.worker
def test_the_worker_mails_the_invitation_and_reminds_once(celery_worker):
    application = applicant(student_zone="Asia/Tokyo")
    employer = member_of(application.listing)
    # Three hours from now (real time: the worker's clock), on the quarter hour, in Berlin.
    start = (datetime.now(tz=UTC) + timedelta(hours=3)).replace(second=0, microsecond=0)
    start -= timedelta(minutes=start.minute % 15)
    berlin = [start.astimezone(ZoneInfo("Europe/Berlin")) + timedelta(hours=h) for h in (0, 1)]
    invite = propose(application, times=[(t.date(), t.time().replace(tzinfo=None)) for t in berlin])
    interview = booked(invite)

    deadline = monotonic() + 30
    while monotonic() < deadline:
        invitations = [m for m in celery_worker.mail.messages() if _calendar_parts(m)]
        if len(invitations) >= 2:
            break
        celery_worker.mail.wait_for(10**6, timeout=0.5)
    by_address = {m["To"]: m for m in invitations}
    assert set(by_address) == {application.student.email, employer.email}
    for message in by_address.values():
        (part,) = _calendar_parts(message)
        assert part.get_param("method") == "REQUEST"
        (event,) = icalendar.Calendar.from_ical(part.get_payload(decode=True)).walk("VEVENT")
        assert str(event["UID"]).startswith(f"interview-{interview.pk}@")

    for _ in range(2):  # beat fires twice
        interviews_remind_task.delay("day")
        interviews_remind_task.delay("hour")
        interview_rounds_expire_task.delay()
    assert ping_task.delay("done").get(timeout=60) == "pong:done"
    reminders = OutboxEmail.objects.filter(event="interview.reminder")
    assert sorted(reminders.values_list("to_email", flat=True)) == sorted([application.student.email, employer.email])
    assert {r.subject for r in reminders} == {f"Interview in 24 hours: {application.listing.title}"}
