"""Demo evaluations for `seed_demo` (after the placements and reports demos):

- the demo student's completed micro-internship at Northwind (“Automate our invoice export with
  Python”): both evaluations in (revealed), the endorsement published, its certificate and Open
  Badges credential (issued when the placements demo completed it), and a public portfolio;
- three more past Northwind placements reviewed by their interns, so Northwind's page shows its
  averages and the share who would recommend it (never shown below three reviews).

Idempotent: an evaluation already submitted, or a history placement that exists, is left alone.
"""

from __future__ import annotations

from datetime import datetime, time, timedelta

from django.db.models import F
from django.utils import timezone

from accounts.models import Organization, User
from applications.models import Application, ApplicationStatus, Placement
from listings.models import Listing
from notifications.models import Notification

from . import services
from .models import Certificate, Evaluation

STUDENT = "student@demo.example"
SUPERVISOR = "employer@demo.example"
MICRO_TITLE = "Automate our invoice export with Python"
PORTFOLIO_SLUG = "amara-okafor"

# (student, listing title, days ago it ended, supervision, feedback, clarity, learning, recommends, comments)
HISTORY = [
    (
        "student8@demo.example",
        "Winter 2025: data cleaning sprint",
        316,
        5,
        4,
        4,
        5,
        True,
        "Weekly calls and quick answers.",
    ),
    (
        "student7@demo.example",
        "Spring 2026: API documentation sprint",
        200,
        4,
        5,
        3,
        4,
        True,
        "Great feedback on every draft.",
    ),
    (
        "student2@demo.example",
        "Autumn 2025: survey dashboard",
        260,
        3,
        3,
        4,
        3,
        False,
        "The brief changed twice mid-way.",
    ),
]
SKILLS = {"communication": 5, "quality": 4, "reliability": 5, "initiative": 4, "remote": 5}
SELF = {"communication": 3, "quality": 4, "reliability": 4, "initiative": 3, "remote": 4}


def _at(day, hour=12) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour)))


def _micro(student: User, supervisor: User) -> bool:
    placement = Placement.objects.filter(student=student, listing__title=MICRO_TITLE, status="completed").first()
    if placement is None:
        return False
    evaluation = Evaluation.objects.filter(placement=placement).first()
    if evaluation is None:
        evaluation = services.evaluation_open(placement=placement)
    if not Certificate.objects.filter(placement=placement).exists():
        services.certificate_issue(placement=placement)
    if evaluation.supervisor_submitted_at and evaluation.student_submitted_at:
        return False
    if evaluation.closes_at <= timezone.now():
        Evaluation.objects.filter(pk=evaluation.pk).update(closes_at=timezone.now() + timedelta(days=14))
    if evaluation.supervisor_submitted_at is None:
        services.supervisor_evaluation_submit(
            placement=placement,
            user=supervisor,
            ratings=SKILLS,
            comments="Clean code, clear README, and the accounting team uses the export every day.",
            endorsement="Amara automated our invoice export in two weeks and documented it for non-developers.",
        )
    if Evaluation.objects.get(pk=evaluation.pk).student_submitted_at is None:
        services.student_evaluation_submit(
            placement=placement,
            user=student,
            self_ratings=SELF,
            review_ratings={"supervision": 5, "feedback": 5, "clarity": 4, "learning": 5},
            would_recommend=True,
            self_comments="I wrote the export script, its tests and the documentation.",
            review_comments="Feedback on every check-in within a day; a clear brief with examples.",
        )
    services.evaluation_publish_set(
        placement=placement, user=student, endorsement_published=True, ratings_published=True
    )
    return True


def _history(organization: Organization, supervisor: User, row, now) -> bool:
    email, title, ended_days_ago, supervision, feedback, clarity, learning, recommends, comments = row
    student = User.objects.filter(email=email).first()
    if student is None:
        return False
    listing = Listing.objects.filter(organization=organization, title=title).first()
    end = (now - timedelta(days=ended_days_ago)).date()
    start = end - timedelta(days=14)
    if listing is None:
        listing = Listing.objects.create(
            organization=organization,
            kind=Listing.Kind.MICRO,
            title=title,
            description=f"A past remote placement of the demo data: {title}.",
            field="research",
            compensation_type=Listing.Compensation.FIXED_FEE,
            compensation_amount=300,
            currency="EUR",
            hours_per_week=10,
            duration_days=14,
            start_date=start,
            work_start=time(9),
            work_end=time(17),
            time_zone="Europe/Berlin",
            estimated_total_hours=20,
            status=Listing.Status.CLOSED,
            published_at=_at(start - timedelta(days=30)),
            closed_at=_at(start),
        )
    placement = Placement.objects.filter(student=student, listing=listing).first()
    if placement is None:
        application = Application.objects.filter(
            student=student, listing=listing
        ).first() or Application.objects.create(
            listing=listing,
            student=student,
            cover_letter="I would love to join remotely.",
            status=ApplicationStatus.ACCEPTED,
        )
        placement = Placement.objects.create(
            application=application,
            student=student,
            listing=listing,
            organization=organization,
            supervisor=supervisor,
            start_date=start,
            end_date=end,
            status=Placement.Status.COMPLETED,
            hours_logged=20,
            completed_at=_at(end, 17),
            ended_at=_at(end, 17),
        )
    if Evaluation.objects.filter(placement=placement).exists():
        return False
    opened = placement.completed_at or _at(end, 17)
    Evaluation.objects.create(
        placement=placement,
        opened_at=opened,
        closes_at=opened + timedelta(days=14),
        **{f"sup_{k}": v for k, v in SKILLS.items()},
        supervisor_average=sum(SKILLS.values()) / len(SKILLS),
        supervisor_comments="Reliable and independent.",
        supervisor_submitted_at=opened + timedelta(days=2),
        supervisor_by=supervisor,
        **{f"self_{k}": v for k, v in SELF.items()},
        rev_supervision=supervision,
        rev_feedback=feedback,
        rev_clarity=clarity,
        rev_learning=learning,
        would_recommend=recommends,
        review_comments=comments,
        student_submitted_at=opened + timedelta(days=3),
        revealed_told_at=opened + timedelta(days=3),
    )
    if not Certificate.objects.filter(placement=placement).exists():
        services.certificate_issue(placement=placement, now=opened)
    return True


def seed(stdout) -> None:
    users = {u.email: u for u in User.objects.filter(email__in=[STUDENT, SUPERVISOR])}
    student, supervisor = users.get(STUDENT), users.get(SUPERVISOR)
    northwind = Organization.objects.filter(slug="northwind-labs").first()
    if student is None or supervisor is None or northwind is None:
        return
    now = timezone.now()
    micro = _micro(student, supervisor)
    history = sum(_history(northwind, supervisor, row, now) for row in HISTORY)
    # Demo realism: the evaluation's notifications belong to a micro-internship that ended days
    # ago, so they sit behind the demo's newer notifications (the welcome first), not on top.
    Notification.objects.filter(created_at__gte=now).update(created_at=F("created_at") - timedelta(days=3))
    portfolio = services.portfolio_for(student)
    if not portfolio.is_public:
        goals = Placement.objects.filter(student=student, status="completed").values_list("goals__pk", flat=True)
        services.portfolio_update(
            student=student,
            is_public=True,
            slug=PORTFOLIO_SLUG,
            headline="Test automation and Python scripting, remotely.",
            shown_goal_ids=[g for g in goals if g],
        )
    stdout.write(
        f"  evaluations: demo micro-internship {'evaluated' if micro else 'already evaluated'}, "
        f"{history} past Northwind reviews added, portfolio at /portfolio/{portfolio.slug if portfolio.is_public else PORTFOLIO_SLUG}/"
    )
