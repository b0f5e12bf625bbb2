"""Evaluation states reached through the real services."""

from __future__ import annotations

from evaluations import services
from placements import services as placement_services
from tests.placements.factories import with_confirmed_goals

SUPERVISOR_RATINGS = {"communication": 5, "quality": 4, "reliability": 5, "initiative": 4, "remote": 5}
SELF_RATINGS = {"communication": 3, "quality": 3, "reliability": 4, "initiative": 3, "remote": 4}
REVIEW = {"supervision": 5, "feedback": 4, "clarity": 4, "learning": 5}


def completed(placement, *, supervisor, hours=12):
    """Goals confirmed, one check-in written, the placement completed by the supervisor."""
    placement = with_confirmed_goals(placement, supervisor=supervisor)
    checkin = placement.checkins.order_by("due_on").first()
    placement_services.checkin_submit(
        checkin=checkin, user=placement.student, hours=hours, done="Built the first report"
    )
    placement_services.checkin_feedback(checkin=checkin, user=supervisor, feedback="Well done")
    return placement_services.placement_complete(placement=placement, user=supervisor)


def supervisor_evaluates(placement, supervisor, **overrides):
    return services.supervisor_evaluation_submit(
        placement=placement,
        user=supervisor,
        ratings={**SUPERVISOR_RATINGS, **overrides},
        comments="A pleasure to work with.",
        endorsement="Amara shipped our first automated report in week two.",
    )


def student_evaluates(placement, *, recommend=True, comments="Clear brief and weekly feedback.", **review):
    return services.student_evaluation_submit(
        placement=placement,
        user=placement.student,
        self_ratings=SELF_RATINGS,
        review_ratings={**REVIEW, **review},
        would_recommend=recommend,
        self_comments="I automated the weekly report.",
        review_comments=comments,
    )
