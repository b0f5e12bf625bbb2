"""Placement factories: each state reached through the real services, time controlled with
time-machine where a placement must have started in the past."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import time_machine
from django.utils import timezone

from applications import services as application_services
from applications.models import Placement
from placements import services
from tests.applications.factories import SubmittedApplicationFactory
from tests.listings.factories import member_of


def placement_started_on(start: date, *, listing, student, supervisor=None) -> Placement:
    """A placement of ``student`` on ``listing`` that started on ``start``: the student applied, was
    offered a start on that date and accepted, all on that day (noon UTC)."""
    supervisor = supervisor or member_of(listing)
    with time_machine.travel(datetime.combine(start, time(12), tzinfo=UTC), tick=False):
        application = SubmittedApplicationFactory(listing=listing, student=student)
        application_services.application_transition(
            application=application, to_status="offered", user=supervisor, offer_start_date=start
        )
        application_services.application_transition(application=application, to_status="accepted", user=student)
    return Placement.objects.select_related("listing", "student__student_profile").get(application=application)


def active_placement(*, listing, student, supervisor=None, started_days_ago: int = 0) -> Placement:
    return placement_started_on(
        timezone.localdate() - timedelta(days=started_days_ago), listing=listing, student=student, supervisor=supervisor
    )


def with_confirmed_goals(placement: Placement, *, supervisor, texts=("Ship the first feature", "Learn the codebase")):
    for text in texts:
        services.goal_propose(placement=placement, user=placement.student, text=text)
    services.goals_confirm(placement=placement, user=supervisor)
    placement.refresh_from_db()
    return placement
