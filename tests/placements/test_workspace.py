"""The workspace through its pages: goals at kick-off, check-ins and feedback, hours against the
estimate, the fixed fee and the rate actually earned, ending; bad input answered clearly; constant
query counts."""

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
import time_machine
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from applications.models import CheckIn, Goal, Placement, PlacementFee
from notifications.models import Notification, OutboxEmail
from placements import services
from tests.listings.factories import StudentFactory, member_of

from .conftest import linked_student
from .factories import active_placement, with_confirmed_goals

pytestmark = pytest.mark.django_db


def url(name, *args):
    return reverse(f"placements:{name}", args=args)


def test_the_workspace_shows_dates_hours_zones_overlap_goals_and_next_check_in(client, cast):
    client.force_login(cast.supervisor)
    page = client.get(url("workspace", cast.placement.pk)).content.decode()
    p = cast.placement
    assert f"{p.start_date:%-d %b %Y} – {p.end_date:%-d %b %Y}" in page
    assert "Intern: Africa/Lagos · Organization: Europe/Berlin" in page
    # Berlin's 9–17 is 9–17 in Lagos in winter (both UTC+1), 8–16 in summer (CEST): 8 then 7 hours
    # inside the intern's 9:00–18:00.
    for moment, hours, local in (
        (datetime(2027, 1, 15, 12, tzinfo=UTC), 8, "09:00–17:00"),
        (datetime(2027, 7, 15, 12, tzinfo=UTC), 7, "08:00–16:00"),
    ):
        with time_machine.travel(moment, tick=False):
            client.force_login(cast.supervisor)  # the session would have expired by then
            shown = client.get(url("workspace", cast.placement.pk)).content.decode()
        assert f'data-testid="overlap">{hours} h' in shown and f"that is {local} for the intern" in shown
    assert "0 of 200 estimated hours" in page  # 20 h a week over 70 days
    assert "Every week on Friday, due at the end of the day in the intern's time zone" in page
    assert "end of day Africa/Lagos" in page


def test_goals_are_proposed_by_the_student_confirmed_by_the_supervisor_and_marked_done(client, cast):
    p = cast.placement
    client.force_login(cast.student)
    assert client.post(url("goal_add", p.pk), {"text": "Clean the survey data"}).status_code == 302
    response = client.post(url("goal_add", p.pk), {"text": "", "link": "not a link"})
    assert response.status_code == 400
    assert "This field is required." in response.content.decode() and "Enter a valid URL." in response.content.decode()
    due = (p.start_date + timedelta(days=20)).isoformat()
    client.post(url("goal_add", p.pk), {"text": "Present findings", "due_on": due, "link": "https://example.org/brief"})
    assert Notification.objects.filter(recipient=cast.supervisor, event="placement.goals_proposed").count() == 2

    client.force_login(cast.colleague)
    goal = Goal.objects.get(placement=p, text="Present findings")
    client.post(url("goal_edit", p.pk, goal.pk), {f"goal-{goal.pk}-text": "Present findings to the board"})
    assert client.post(url("goals_confirm", p.pk)).status_code == 302
    assert set(Goal.objects.filter(placement=p).values_list("confirmed_at", flat=True)) != {None}
    assert OutboxEmail.objects.filter(to_email=cast.student.email, event="placement.goals_confirmed").count() == 1

    client.force_login(cast.student)
    page = client.get(url("workspace", p.pk)).content.decode()
    assert "Present findings to the board" in page and 'data-testid="goals-state">Confirmed' in page
    response = client.post(url("goal_done", p.pk, goal.pk), {f"done-{goal.pk}-done_link": "https://example.org/slides"})
    assert response.status_code == 302
    goal.refresh_from_db()
    assert goal.done_at is not None and goal.done_link == "https://example.org/slides"
    assert Notification.objects.filter(recipient=cast.supervisor, event="placement.goal_done").exists()

    # A goal added after confirmation waits for a new one.
    client.post(url("goal_add", p.pk), {"text": "Write the methods section"})
    assert Placement.objects.get(pk=p.pk).goals_confirmed_at is None


def test_goal_count_and_dates_are_checked(client, cast):
    p = cast.placement
    client.force_login(cast.supervisor)
    services.goal_propose(placement=p, user=cast.student, text="Only one")
    response = client.post(url("goals_confirm", p.pk))
    assert response.status_code == 400 and "needs 2 to 6 goals" in response.content.decode()
    for i in range(5):
        services.goal_propose(placement=p, user=cast.student, text=f"Goal {i}")
    client.force_login(cast.student)
    response = client.post(url("goal_add", p.pk), {"text": "A seventh"})
    assert response.status_code == 400 and "at most 6 goals" in response.content.decode()
    goal = p.goals.first()
    late = (p.end_date + timedelta(days=1)).isoformat()
    response = client.post(
        url("goal_edit", p.pk, goal.pk), {f"goal-{goal.pk}-text": "x", f"goal-{goal.pk}-due_on": late}
    )
    assert response.status_code == 400 and "Choose a date within the placement" in response.content.decode()
    assert Goal.objects.filter(placement=p).count() == 6


def test_a_micro_internship_starts_with_its_deliverable_as_a_goal(micro_listing):
    student = StudentFactory(profile={"time_zone": "Asia/Kolkata"})
    placement = active_placement(listing=micro_listing, student=student)
    goal = placement.goals.get()
    assert (goal.text, goal.from_listing, goal.confirmed_at is not None) == (
        "An audit report with fixes ranked by impact",
        True,
        True,
    )
    assert placement.checkins.count() == 3  # 21 days, weekly


def test_a_check_in_is_written_answered_and_its_hours_counted(client, cast):
    p = cast.placement
    first = p.checkins.order_by("due_on").first()
    client.force_login(cast.student)
    response = client.post(url("checkin_submit", p.pk, first.pk), {"hours": "90", "done": ""})
    assert response.status_code == 400
    page = response.content.decode()
    assert "Ensure this value is less than or equal to 80." in page and "This field is required." in page
    response = client.post(
        url("checkin_submit", p.pk, first.pk),
        {
            "hours": "12.5",
            "done": "Cleaned wave 1",
            "blockers": "No access to wave 2",
            "learned": "pandas",
            "proud_of": "A tidy notebook",
        },
    )
    assert response.status_code == 302
    assert client.post(url("checkin_submit", p.pk, first.pk), {"hours": "1", "done": "again"}).status_code == 400
    later = p.checkins.order_by("-due_on").first()
    response = client.post(url("checkin_submit", p.pk, later.pk), {"hours": "1", "done": "too early"})
    assert response.status_code == 400 and "opens when its period begins" in response.content.decode()
    assert Placement.objects.get(pk=p.pk).hours_logged == Decimal("12.5")
    assert OutboxEmail.objects.filter(to_email=cast.supervisor.email, event="placement.checkin_submitted").count() == 1

    client.force_login(cast.supervisor)
    page = client.get(url("workspace", p.pk)).content.decode()
    assert "No access to wave 2" in page and "12.5 of 200 estimated hours" in page
    response = client.post(url("checkin_feedback", p.pk, first.pk), {f"feedback-{first.pk}-feedback": ""})
    assert response.status_code == 400
    client.post(url("checkin_feedback", p.pk, first.pk), {f"feedback-{first.pk}-feedback": "Ask Sam for wave 2."})
    checkin = CheckIn.objects.get(pk=first.pk)
    assert (checkin.feedback, checkin.feedback_by) == ("Ask Sam for wave 2.", cast.supervisor)
    assert OutboxEmail.objects.filter(to_email=cast.student.email, event="placement.checkin_feedback").count() == 1


def test_changing_the_schedule_moves_the_future_periods_only(client, cast):
    p = cast.placement
    first = p.checkins.order_by("due_on").first()
    services.checkin_submit(checkin=first, user=cast.student, hours=3, done="Onboarding")
    client.force_login(cast.supervisor)
    response = client.post(url("schedule", p.pk), {"cadence": "biweekly", "weekday": "1"})
    assert response.status_code == 302
    today = timezone.localdate()
    future = list(p.checkins.filter(due_on__gte=today).values_list("due_on", flat=True))
    assert future and {d.weekday() for d in future} == {1}
    assert all((b - a).days == 14 for a, b in zip(future, future[1:], strict=False))
    assert CheckIn.objects.filter(pk=first.pk, submitted_at__isnull=False).exists()
    assert Notification.objects.filter(recipient=cast.student, event="placement.schedule_changed").exists()
    assert client.post(url("schedule", p.pk), {"cadence": "monthly", "weekday": "9"}).status_code == 400


def test_the_fixed_fee_is_due_with_the_rate_actually_earned_then_paid_and_received(client, micro_listing):
    student = StudentFactory(profile={"time_zone": "Asia/Kolkata"})
    supervisor = member_of(micro_listing)
    placement = active_placement(listing=micro_listing, student=student, started_days_ago=8)
    first = placement.checkins.order_by("due_on").first()
    services.checkin_submit(checkin=first, user=student, hours=24, done="Audited 12 pages")

    client.force_login(supervisor)
    assert client.post(url("fee_accept", placement.pk)).status_code == 302
    fee = PlacementFee.objects.get(placement=placement)
    # 300 EUR for 24 hours logged: 12.50 EUR an hour (the listing estimated 20 hours: 15.00).
    assert (fee.status, fee.amount, fee.hours, fee.hourly_rate) == (
        "due",
        Decimal("300"),
        Decimal("24"),
        Decimal("12.50"),
    )
    assert placement.goals.get(from_listing=True).done_at is not None
    assert OutboxEmail.objects.filter(to_email=student.email, event="placement.fee_due").count() == 1
    assert client.post(url("fee_accept", placement.pk)).status_code == 400

    tomorrow = (timezone.localdate() + timedelta(days=1)).isoformat()
    response = client.post(url("fee_paid", placement.pk), {"paid_on": tomorrow})
    assert response.status_code == 400 and "between the acceptance and today" in response.content.decode()
    client.force_login(student)
    assert client.post(url("fee_received", placement.pk)).status_code == 400  # not paid yet
    client.force_login(supervisor)
    assert client.post(url("fee_paid", placement.pk), {"paid_on": timezone.localdate().isoformat()}).status_code == 302
    client.force_login(student)
    page = client.get(url("workspace", placement.pk)).content.decode()
    assert "12.50 EUR an hour (300.00 EUR ÷ 24 h logged)" in page
    assert client.post(url("fee_received", placement.pk)).status_code == 302
    fee.refresh_from_db()
    assert fee.status == "received" and fee.received_at is not None
    assert OutboxEmail.objects.filter(to_email=supervisor.email, event="placement.fee_received").count() == 1


def test_an_unpaid_or_hourly_placement_has_no_fee_to_accept(client, cast):
    client.force_login(cast.supervisor)
    response = client.post(url("fee_accept", cast.placement.pk))
    assert response.status_code == 400 and "Only a fixed-fee placement" in response.content.decode()


def test_listing_and_organization_pages_show_the_median_rate_actually_earned_from_three_paid_fees(
    client, micro_listing
):
    supervisor = member_of(micro_listing)
    listing_url = reverse("listings:detail", args=[micro_listing.pk])
    for i, hours in enumerate((20, 30, 40)):
        student = StudentFactory(profile={"time_zone": "UTC"})
        placement = active_placement(listing=micro_listing, student=student, started_days_ago=8)
        services.checkin_submit(
            checkin=placement.checkins.order_by("due_on").first(), user=student, hours=hours, done="Work"
        )
        services.deliverable_accept(placement=placement, user=supervisor)
        services.fee_mark_paid(placement=placement, user=supervisor, paid_on=timezone.localdate())
        if i < 2:  # fewer than three paid fees: nothing shown
            assert 'data-testid="earned-hourly-rate"' not in client.get(listing_url).content.decode()
    # 300 EUR over 20, 30 and 40 hours: 15.00, 10.00 and 7.50 an hour; the median is 10.00.
    # A signed-in student's page is their own, rendered now; the page anonymous visitors share
    # (marketplace/pages.py) was kept for this minute and shows it from the next.
    signed_in = Client()
    signed_in.force_login(StudentFactory())
    page = signed_in.get(listing_url).content.decode()
    assert "10.00 EUR an hour" in page and "over 3 paid placements" in page
    with time_machine.travel(timezone.now() + timedelta(minutes=1)):
        page = client.get(listing_url).content.decode()
    assert "10.00 EUR an hour" in page and "over 3 paid placements" in page
    client.force_login(supervisor)
    assert "10.00 EUR an hour" in client.get(reverse("accounts:organization")).content.decode()


def test_the_supervisor_completes_and_career_services_are_told(client, cast):
    p = with_confirmed_goals(cast.placement, supervisor=cast.supervisor)
    services.checkin_submit(checkin=p.checkins.order_by("due_on").first(), user=cast.student, hours=7, done="Work")
    client.force_login(cast.student)
    assert client.post(url("complete", p.pk)).status_code == 403
    client.force_login(cast.colleague)
    assert client.post(url("complete", p.pk)).status_code == 302
    p.refresh_from_db()
    assert (p.status, p.completed_at is not None, p.ended_by, p.hours_logged) == (
        "completed",
        True,
        cast.colleague,
        Decimal("7"),
    )
    assert not p.checkins.filter(submitted_at__isnull=True).exists()
    told = set(OutboxEmail.objects.filter(event="placement.completed").values_list("to_email", flat=True))
    assert told == {cast.student.email, cast.careers.email}
    page = client.get(url("workspace", p.pk)).content.decode()
    assert "Completed on" in page and "Mark completed" not in page
    assert client.post(url("goal_add", p.pk), {"text": "late"}).status_code == 403  # the supervisor side
    client.force_login(cast.student)
    response = client.post(url("goal_add", p.pk), {"text": "late"})
    assert response.status_code == 400 and "can no longer change" in response.content.decode()


def test_either_party_ends_early_with_a_reason(client, cast):
    client.force_login(cast.student)
    response = client.post(url("end_early", cast.placement.pk), {"reason": "  "})
    assert response.status_code == 400
    assert client.post(url("end_early", cast.placement.pk), {"reason": "I found a full-time job"}).status_code == 302
    p = Placement.objects.get(pk=cast.placement.pk)
    assert (p.status, p.end_reason, p.ended_by) == ("ended_early", "I found a full-time job", cast.student)
    told = set(OutboxEmail.objects.filter(event="placement.ended_early").values_list("to_email", flat=True))
    assert told == {cast.supervisor.email, cast.colleague.email, cast.careers.email}
    assert client.post(url("end_early", cast.placement.pk), {"reason": "again"}).status_code == 400


def test_email_preferences_are_honoured(cast):
    from notifications.services import preferences_set

    preferences_set(user=cast.supervisor, email_events=set())
    first = cast.placement.checkins.order_by("due_on").first()
    services.checkin_submit(checkin=first, user=cast.student, hours=2, done="Work")
    assert Notification.objects.filter(recipient=cast.supervisor, event="placement.checkin_submitted").exists()
    assert not OutboxEmail.objects.filter(to_email=cast.supervisor.email, event="placement.checkin_submitted").exists()


def test_links_to_the_workspace_from_my_applications_the_pipeline_and_the_careers_student_view(client, cast):
    link = url("workspace", cast.placement.pk)
    client.force_login(cast.student)
    assert link in client.get(reverse("applications:list")).content.decode()
    assert link in client.get(reverse("applications:detail", args=[cast.placement.application_id])).content.decode()
    client.force_login(cast.colleague)
    assert link in client.get(reverse("applications:employer_applicants")).content.decode()
    assert (
        link
        in client.get(reverse("applications:employer_detail", args=[cast.placement.application_id])).content.decode()
    )
    client.force_login(cast.careers)
    assert (
        link in client.get(reverse("reports:student_detail", args=[cast.student.student_profile.pk])).content.decode()
    )


@pytest.mark.parametrize("role", ["student", "supervisor", "careers"])
def test_workspace_query_count_does_not_grow_with_check_ins_or_goals(client, cast, role, django_assert_num_queries):
    def fill(placement, supervisor, n_goals):
        with_confirmed_goals(placement, supervisor=supervisor, texts=[f"Goal {i}" for i in range(n_goals)])
        for checkin in placement.checkins.order_by("due_on"):
            CheckIn.objects.filter(pk=checkin.pk).update(
                hours=5,
                done="Work",
                submitted_at=timezone.now(),
                feedback="Good",
                feedback_by=supervisor,
                feedback_at=timezone.now(),
            )

    small = cast.placement
    fill(small, cast.supervisor, 2)
    big_student = linked_student(cast.student.student_profile.institution, name="Busy Intern")
    big = active_placement(listing=cast.listing, student=big_student, supervisor=cast.supervisor, started_days_ago=3)
    services.schedule_set(placement=big, user=cast.supervisor, cadence="weekly", weekday=0)
    CheckIn.objects.bulk_create(
        [CheckIn(placement=big, due_on=big.start_date - timedelta(days=7 * (i + 1))) for i in range(48)]
    )
    fill(big, cast.supervisor, 6)
    assert big.checkins.count() >= 50
    user = {"student": None, "supervisor": cast.supervisor, "careers": cast.careers}[role]
    counts = []
    for placement, student in ((small, cast.student), (big, big_student)):
        client.force_login(user or student)
        client.get(url("workspace", placement.pk))  # warm the session
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url("workspace", placement.pk)).status_code == 200
        counts.append(len(ctx.captured_queries))
    assert counts[0] == counts[1]
    client.force_login(user or big_student)
    with django_assert_num_queries(counts[0]):
        client.get(url("workspace", big.pk))


def test_the_page_lists_the_latest_ten_check_ins_and_all_on_request(client, cast):
    p = cast.placement
    now = timezone.now()
    CheckIn.objects.bulk_create(
        [
            CheckIn(
                placement=p,
                due_on=p.start_date - timedelta(days=7 * (i + 1)),
                hours=2,
                done=f"Old work {i}",
                submitted_at=now,
                feedback="ok",
                feedback_by=cast.supervisor,
                feedback_at=now,
            )
            for i in range(12)
        ]
    )
    client.force_login(cast.student)
    page = client.get(url("workspace", p.pk)).content.decode()
    assert page.count('data-testid="checkin"') == 10 and "Show all 12 written check-ins" in page
    assert "Old work 0" in page and "Old work 11" not in page
    page = client.get(url("workspace", p.pk) + "?checkins=all").content.decode()
    assert page.count('data-testid="checkin"') == 12 and "Old work 11" in page
