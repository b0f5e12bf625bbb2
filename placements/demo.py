"""Demo placements for `seed_demo` (runs after the applications demo), made through the workspace
services and then moved back in time so the dates read naturally:

- the demo student's active internship at Northwind ("QA and test automation intern"), started three
  weeks ago: three confirmed goals, three weekly check-ins, the latest still waiting for feedback;
- the demo student's micro-internship at Northwind ("Automate our invoice export with Python", accepted
  by the applications demo), completed a fortnight ago: deliverable accepted, fee paid and received.

Idempotent: a placement that already has its goals (active) or its fee (micro) is left alone.
"""

from __future__ import annotations

from datetime import datetime, time, timedelta

from django.utils import timezone

from accounts.models import User
from applications import services as application_services
from applications.demo import resume_pdf
from applications.models import Application, CheckIn, Goal, Placement, PlacementFee
from listings.models import Listing

from . import services

STUDENT = "student@demo.example"
SUPERVISOR = "employer@demo.example"
ACTIVE_TITLE = "QA and test automation intern"
MICRO_TITLE = "Automate our invoice export with Python"

ACTIVE_GOALS = [
    "Write end-to-end tests for the sign-up flow",
    "Learn how our CI pipeline runs the test suite",
    "Cut the flaky-test rate of the nightly run in half",
]
ACTIVE_CHECKINS = [
    (
        8,
        "Set up the project locally and read the test guide. Wrote my first two Playwright tests.",
        "",
        "How the fixtures share a browser",
        "My first green test run",
        "Welcome aboard! Great start: keep the tests small and named after behaviour.",
    ),
    (
        10,
        "Covered the sign-up form: errors, success, email verification.",
        "The staging mail server was down on Tuesday.",
        "Waiting on network idle is a smell",
        "Found a real bug in the email check",
        "Good catch on the bug. Ask Jonas for staging access next time it is down.",
    ),
    (
        9,
        "Measured the flaky tests of the nightly run: 7 of 212 fail sometimes. Drafted fixes for three.",
        "",
        "Most flakiness comes from time, not the network",
        "A dashboard of flaky tests",
        "",
    ),
]
MICRO_CHECKINS = [
    (
        12,
        "Read the invoice data model and wrote the first export script.",
        "",
        "The accounting team's CSV quirks",
        "Working export on day three",
    ),
    (
        16,
        "Added tests, a README and a scheduled job; handed over.",
        "",
        "Writing documentation for non-developers",
        "The team used it the same day",
    ),
]


def _at(day, hour: int = 17) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour)))


def _restart(placement: Placement, *, start, weekday: int) -> Placement:
    """Move a placement's dates back (demo realism) and lay its check-in periods out again."""
    listing = placement.listing
    Placement.objects.filter(pk=placement.pk).update(
        start_date=start, end_date=start + timedelta(days=listing.duration_days), checkin_weekday=weekday
    )
    CheckIn.objects.filter(placement=placement, submitted_at__isnull=True).delete()
    placement.refresh_from_db()
    services.placement_prepare(placement=placement)
    return placement


def _write(placement, student, supervisor, entries, today):
    periods = list(placement.checkins.filter(submitted_at__isnull=True, due_on__lt=today).order_by("due_on"))
    for checkin, (hours, done, blockers, learned, proud, *feedback) in zip(periods, entries, strict=False):
        services.checkin_submit(
            checkin=checkin, user=student, hours=hours, done=done, blockers=blockers, learned=learned, proud_of=proud
        )
        if feedback and feedback[0]:
            services.checkin_feedback(checkin=checkin, user=supervisor, feedback=feedback[0])
        # Written on the due day, answered the next morning.
        CheckIn.objects.filter(pk=checkin.pk).update(
            submitted_at=_at(checkin.due_on, 16),
            feedback_at=_at(checkin.due_on + timedelta(days=1), 10) if feedback and feedback[0] else None,
        )


def _active(student: User, supervisor: User, today) -> bool:
    listing = Listing.objects.filter(title=ACTIVE_TITLE, organization__slug="northwind-labs").first()
    if listing is None:
        return False
    placement = Placement.objects.filter(student=student, listing=listing).first()
    if placement is None:
        if listing.status != Listing.Status.PUBLISHED:
            return False
        application = Application.objects.filter(student=student, listing=listing).first()
        if application is None:
            application = application_services.application_submit(
                student=student,
                listing=listing,
                cover_letter="Hello,\n\nI love making software trustworthy and would like to learn testing at scale.\n\nAmara",
                answers={q.pk: "I test my university projects with pytest." for q in listing.questions.all()},
                resume_upload=resume_pdf(student.get_full_name()),
            )
        for step, user in (("in_review", supervisor), ("offered", supervisor), ("accepted", student)):
            application.refresh_from_db(fields=["status"])
            if application.status != "accepted":
                application_services.application_transition(
                    application=application,
                    to_status=step,
                    user=user,
                    offer_start_date=today if step == "offered" else None,
                )
        placement = Placement.objects.get(application=application)
    if placement.goals.exists():
        return False
    # Started 23 days ago, check-ins due on tomorrow's weekday: three periods behind, the next due tomorrow.
    placement = _restart(placement, start=today - timedelta(days=23), weekday=(today + timedelta(days=1)).weekday())
    for text in ACTIVE_GOALS:
        services.goal_propose(placement=placement, user=student, text=text)
    services.goals_confirm(placement=placement, user=supervisor)
    Goal.objects.filter(placement=placement).update(created_at=_at(placement.start_date, 11))
    Placement.objects.filter(pk=placement.pk).update(goals_confirmed_at=_at(placement.start_date + timedelta(days=1)))
    _write(placement, student, supervisor, ACTIVE_CHECKINS, today)
    return True


def _micro(student: User, supervisor: User, today) -> bool:
    placement = (
        Placement.objects.filter(student=student, listing__title=MICRO_TITLE, status=Placement.Status.ACTIVE)
        .select_related("listing")
        .first()
    )
    if placement is None or PlacementFee.objects.filter(placement=placement).exists():
        return False
    placement = _restart(placement, start=today - timedelta(days=30), weekday=4)
    services.goal_propose(placement=placement, user=student, text="Document the export for the accounting team")
    services.goals_confirm(placement=placement, user=supervisor)
    _write(placement, student, supervisor, [(*e, "Thank you, this works well.") for e in MICRO_CHECKINS], today)
    fee = services.deliverable_accept(placement=placement, user=supervisor)
    PlacementFee.objects.filter(pk=fee.pk).update(accepted_at=_at(placement.end_date, 12))
    services.fee_mark_paid(placement=placement, user=supervisor, paid_on=placement.end_date + timedelta(days=3))
    services.fee_confirm_received(placement=placement, user=student)
    services.placement_complete(placement=placement, user=supervisor)
    ended = _at(placement.end_date, 15)
    Placement.objects.filter(pk=placement.pk).update(completed_at=ended, ended_at=ended)
    PlacementFee.objects.filter(pk=fee.pk).update(
        marked_paid_at=_at(placement.end_date + timedelta(days=3), 9),
        received_at=_at(placement.end_date + timedelta(days=4), 9),
    )
    return True


def seed(stdout) -> None:
    users = {u.email: u for u in User.objects.filter(email__in=[STUDENT, SUPERVISOR])}
    student, supervisor = users.get(STUDENT), users.get(SUPERVISOR)
    if student is None or supervisor is None:
        return
    today = timezone.localdate()
    made = [
        name
        for name, done in (
            ("active", _active(student, supervisor, today)),
            ("micro", _micro(student, supervisor, today)),
        )
        if done
    ]
    stdout.write(f"  placements: demo workspaces prepared: {', '.join(made) or 'already there'}")
