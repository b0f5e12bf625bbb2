"""Check-ins fall due at the end of the chosen day in the student's time zone; reminders go out once
(even when beat fires twice), across time zones and daylight-saving changes; two overdue periods
flag the placement to the organization and career services."""

from datetime import UTC, date, datetime, time, timedelta
from time import monotonic

import pytest
import time_machine
from django.urls import reverse

from applications.models import CheckIn, Placement
from notifications.models import Notification, OutboxEmail
from placements import reminders, schedule, services
from tests.accounts.factories import CareerServicesFactory
from tests.listings.factories import EmployerFactory, PublishedListingFactory, StudentFactory, member_of

from .conftest import linked_student
from .factories import placement_started_on

pytestmark = pytest.mark.django_db

SUNDAY = 6


def at(*args) -> datetime:
    return datetime(*args, tzinfo=UTC)


def _listing(**fields):
    return PublishedListingFactory(
        requires_resume=False, openings=10, duration_days=60, time_zone="Europe/Berlin", **fields
    )


def _overdue_emails(student) -> int:
    return OutboxEmail.objects.filter(to_email=student.email, event="placement.checkin_overdue").count()


def _run_all_reminders():
    sent, cursor = reminders.checkins_remind_overdue()
    while cursor is not None:
        more, cursor = reminders.checkins_remind_overdue(after=cursor)
        sent += more
    return sent


def test_due_dates_follow_the_chosen_weekday_and_rhythm():
    monday = date(2026, 3, 2)
    assert schedule.due_dates(start=monday, end=monday + timedelta(days=20), cadence="weekly", weekday=4) == [
        date(2026, 3, 6),
        date(2026, 3, 13),
        date(2026, 3, 20),
    ]
    # Every two weeks: the first after the first week.
    assert schedule.due_dates(start=monday, end=monday + timedelta(days=34), cadence="biweekly", weekday=4) == [
        date(2026, 3, 13),
        date(2026, 3, 27),
    ]
    # A check-in on the start's own weekday falls a week later; too short a placement has one, at its end.
    assert schedule.due_dates(start=monday, end=monday + timedelta(days=9), cadence="weekly", weekday=0) == [
        date(2026, 3, 9)
    ]
    assert schedule.due_dates(start=monday, end=monday + timedelta(days=3), cadence="weekly", weekday=4) == [
        date(2026, 3, 5)
    ]


def test_the_same_due_date_falls_overdue_at_each_students_own_midnight():
    """Due Friday 6 March 2026: Auckland's Friday ends at 11:00 UTC, Los Angeles' at 08:00 UTC on the
    Saturday. Each student is reminded once, after their own day ended."""
    with time_machine.travel(at(2026, 2, 25, 12), tick=False):
        listing = _listing()
        auckland = StudentFactory(profile={"time_zone": "Pacific/Auckland"})
        los_angeles = StudentFactory(profile={"time_zone": "America/Los_Angeles"})
        placements = [
            placement_started_on(date(2026, 3, 2), listing=listing, student=s) for s in (auckland, los_angeles)
        ]
    assert {p.checkins.order_by("due_on").first().due_on for p in placements} == {date(2026, 3, 6)}

    with time_machine.travel(at(2026, 3, 6, 10, 59), tick=False):
        assert _run_all_reminders() == 0
    with time_machine.travel(at(2026, 3, 6, 11, 1), tick=False):
        assert _run_all_reminders() == 1
        assert _run_all_reminders() == 0  # beat fires again: nothing more
    assert (_overdue_emails(auckland), _overdue_emails(los_angeles)) == (1, 0)
    with time_machine.travel(at(2026, 3, 7, 7, 59), tick=False):
        assert _run_all_reminders() == 0
    with time_machine.travel(at(2026, 3, 7, 8, 1), tick=False):
        assert _run_all_reminders() == 1
        assert _run_all_reminders() == 0
    assert (_overdue_emails(auckland), _overdue_emails(los_angeles)) == (1, 1)
    assert Notification.objects.filter(event="placement.checkin_overdue").count() == 2


@pytest.mark.parametrize(
    "zone, due_on, before, after",
    [
        # Europe springs forward on Sunday 29 March 2026: that Sunday ends at 22:00 UTC (CEST), not 23:00.
        ("Europe/Berlin", date(2026, 3, 29), at(2026, 3, 29, 21, 59), at(2026, 3, 29, 22, 1)),
        # New York falls back on Sunday 1 November 2026: that Sunday ends at 05:00 UTC (EST), not 04:00.
        ("America/New_York", date(2026, 11, 1), at(2026, 11, 2, 4, 59), at(2026, 11, 2, 5, 1)),
    ],
)
def test_a_check_in_due_on_a_daylight_saving_day_falls_overdue_at_local_midnight(zone, due_on, before, after):
    start = due_on - timedelta(days=12)
    with time_machine.travel(datetime.combine(start, time(9), tzinfo=UTC), tick=False):
        listing = _listing()
        student = StudentFactory(profile={"time_zone": zone})
        placement = placement_started_on(start, listing=listing, student=student)
        services.schedule_set(placement=placement, user=student, cadence="weekly", weekday=SUNDAY)
    assert due_on in set(placement.checkins.values_list("due_on", flat=True))
    overdue_before = CheckIn.objects.filter(placement=placement, due_on__lt=due_on).count()
    assert schedule.due_moment(due_on, zone) == after.replace(minute=0)

    with time_machine.travel(before, tick=False):
        assert _run_all_reminders() == overdue_before
    with time_machine.travel(after, tick=False):
        assert _run_all_reminders() == 1
        assert _run_all_reminders() == 0
    reminded = CheckIn.objects.filter(placement=placement, student_reminded_at__isnull=False)
    assert sorted(reminded.values_list("due_on", flat=True))[-1] == due_on
    assert _overdue_emails(student) == overdue_before + 1


def test_a_written_check_in_is_never_reminded_and_the_page_shows_the_due_time_in_both_zones(client):
    with time_machine.travel(at(2026, 3, 2, 9), tick=False):
        listing = _listing()
        student = StudentFactory(profile={"time_zone": "Asia/Tokyo"})
        placement = placement_started_on(date(2026, 3, 2), listing=listing, student=student)
    first = placement.checkins.order_by("due_on").first()
    with time_machine.travel(at(2026, 3, 5, 9), tick=False):
        client.force_login(student)
        page = client.get(reverse("placements:workspace", args=[placement.pk])).content.decode()
        # Friday 6 March ends at midnight in Tokyo: 16:00 on the Friday in Berlin.
        assert "Friday 6 March 2026, end of day Asia/Tokyo (Fri 6 Mar, 16:00 Europe/Berlin" in page
        services.checkin_submit(checkin=first, user=student, hours=10, done="Set up the project")
    with time_machine.travel(at(2026, 3, 9, 9), tick=False):
        assert _run_all_reminders() == 0
    assert _overdue_emails(student) == 0


def test_a_check_in_left_without_feedback_for_three_days_reminds_the_supervisor_once():
    with time_machine.travel(at(2026, 3, 2, 9), tick=False):
        listing = _listing()
        supervisor = member_of(listing)
        colleague = EmployerFactory(organization=listing.organization)
        student = StudentFactory(profile={"time_zone": "Europe/Berlin"})
        placement = placement_started_on(date(2026, 3, 2), listing=listing, student=student)
    first = placement.checkins.order_by("due_on").first()
    with time_machine.travel(at(2026, 3, 6, 15), tick=False):
        services.checkin_submit(checkin=first, user=student, hours=8, done="Interviews")
    with time_machine.travel(at(2026, 3, 9, 14, 59), tick=False):
        assert reminders.checkins_remind_feedback() == (0, False)
    with time_machine.travel(at(2026, 3, 9, 15, 1), tick=False):
        assert reminders.checkins_remind_feedback() == (1, False)
        assert reminders.checkins_remind_feedback() == (0, False)
    sent = OutboxEmail.objects.filter(event="placement.feedback_overdue")
    assert [e.to_email for e in sent] == [supervisor.email]
    assert colleague.email not in {e.to_email for e in sent}


def test_two_overdue_periods_flag_the_placement_once_to_the_organization_and_career_services(client, institution):
    with time_machine.travel(at(2026, 3, 2, 9), tick=False):
        listing = _listing()
        supervisor = member_of(listing)
        colleague = EmployerFactory(organization=listing.organization)
        careers = CareerServicesFactory(institution=institution)
        other_careers = CareerServicesFactory()
        student = linked_student(institution, time_zone="Europe/Berlin")
        placement = placement_started_on(date(2026, 3, 2), listing=listing, student=student)
    # Friday 6 March is overdue, 13 March not yet: one period is not enough.
    with time_machine.travel(at(2026, 3, 10, 9), tick=False):
        assert reminders.placements_flag_attention() == (0, None)
    with time_machine.travel(at(2026, 3, 13, 22, 59), tick=False):  # 23:59 in Berlin: still Friday
        assert reminders.placements_flag_attention() == (0, None)
    with time_machine.travel(at(2026, 3, 13, 23, 1), tick=False):
        assert reminders.placements_flag_attention() == (1, None)
        assert reminders.placements_flag_attention() == (0, None)
    placement.refresh_from_db()
    assert placement.attention_since == at(2026, 3, 13, 23, 1)
    told = set(OutboxEmail.objects.filter(event="placement.needs_attention").values_list("to_email", flat=True))
    assert told == {supervisor.email, colleague.email, careers.email}
    assert other_careers.email not in told and student.email not in told

    client.force_login(colleague)
    assert "Needs attention" in client.get(reverse("applications:employer_applicants")).content.decode()
    client.force_login(careers)
    page = client.get(reverse("reports:student_detail", args=[student.student_profile.pk])).content.decode()
    assert "Needs attention" in page and reverse("placements:workspace", args=[placement.pk]) in page
    assert (
        'data-testid="needs-attention"'
        in client.get(reverse("placements:workspace", args=[placement.pk])).content.decode()
    )

    # Catching up on one period leaves one overdue: the flag is cleared.
    with time_machine.travel(at(2026, 3, 14, 10), tick=False):
        services.checkin_submit(
            checkin=placement.checkins.order_by("due_on").first(), user=student, hours=5, done="Caught up"
        )
    assert Placement.objects.get(pk=placement.pk).attention_since is None


@pytest.mark.worker
def test_the_beat_jobs_firing_twice_send_each_reminder_once(celery_worker, institution):
    """Real worker, real time: a placement that started three weeks ago, its first check-in written
    four days ago without feedback since, the later periods not written."""
    from marketplace.celery import ping_task
    from placements.tasks import (
        checkins_remind_feedback_task,
        checkins_remind_overdue_task,
        placements_flag_attention_task,
    )

    listing = _listing(title="Research assistant")
    supervisor = member_of(listing)
    careers = CareerServicesFactory(institution=institution)
    student = linked_student(institution, time_zone="America/Sao_Paulo")
    placement = placement_started_on(datetime.now(tz=UTC).date() - timedelta(days=22), listing=listing, student=student)
    written = placement.checkins.order_by("due_on").first()
    with time_machine.travel(datetime.now(tz=UTC) - timedelta(days=4)):
        services.checkin_submit(checkin=written, user=student, hours=4, done="Read the literature")
    now = datetime.now(tz=UTC)
    overdue = [
        c
        for c in placement.checkins.filter(submitted_at__isnull=True)
        if schedule.is_overdue(c.due_on, "America/Sao_Paulo", now)
    ]
    assert len(overdue) >= 2

    for _ in range(2):  # beat fires twice
        checkins_remind_overdue_task.delay()
        checkins_remind_feedback_task.delay()
        placements_flag_attention_task.delay()
    assert ping_task.delay("done").get(timeout=60) == "pong:done"
    expected = {
        (student.email, "Your check-in for Research assistant is overdue"): len(overdue),
        (supervisor.email, f"{student.name} is waiting for your feedback"): 1,
        (supervisor.email, f"Needs attention: {student.name} on Research assistant"): 1,
        (careers.email, f"Needs attention: {student.name} on Research assistant"): 1,
    }

    def counted():
        found = dict.fromkeys(expected, 0)
        for message in celery_worker.mail.messages():
            key = (message["To"], message["Subject"])
            if key in found:
                found[key] += 1
        return found

    # The worker delivers the outbox after the jobs: wait for the mail it writes (at most 30 s).
    deadline = monotonic() + 30
    while counted() != expected and monotonic() < deadline:
        celery_worker.mail.wait_for(10**6, timeout=0.5)
    assert counted() == expected
    assert OutboxEmail.objects.filter(event="placement.checkin_overdue").count() == len(overdue)
