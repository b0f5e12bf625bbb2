"""`seed_bench --applicants N`: one listing with N applicants (the pipeline benchmark);
`--stale-applications N`: N open applications spread over the stale micro-internships.

Bulk inserts in chunks (students, profiles, profile skills, applications, history rows): no
notifications are recorded for synthetic data.
"""

from __future__ import annotations

import random
import time as clock
from datetime import time, timedelta

from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.db.models import DurationField, ExpressionWrapper, F
from django.utils import timezone

from accounts.models import Institution, Membership, Organization, Role, Skill, StudentProfile, User
from listings.models import Listing

from .models import OPEN_STATUSES, Application, ApplicationStatus, ApplicationStatusChange

S = ApplicationStatus
CHUNK = 2000
BENCH_ORG = "bench-pipeline"
BENCH_EMPLOYER = "bench-employer@bench.example"
BENCH_LISTING = "Pipeline benchmark: data analyst intern"

ZONES = [
    "Europe/Berlin", "Europe/London", "America/New_York", "America/Los_Angeles", "America/Sao_Paulo",
    "Africa/Lagos", "Africa/Nairobi", "Asia/Kolkata", "Asia/Singapore", "Asia/Tokyo", "Australia/Sydney",
]  # fmt: skip
COUNTRIES = ["DE", "GB", "US", "BR", "NG", "KE", "IN", "SG", "JP", "AU", "MX", "FR"]
SKILLS = ["Python", "SQL", "Excel", "Data analysis", "R", "Writing", "Research", "Figma", "JavaScript", "Tableau"]
# Where a benchmark listing's applicants are: mostly early stages, as in real pipelines.
STATUS_WEIGHTS = [
    (S.SUBMITTED, 40),
    (S.IN_REVIEW, 20),
    (S.SHORTLISTED, 10),
    (S.INTERVIEW, 6),
    (S.OFFERED, 2),
    (S.REJECTED, 15),
    (S.WITHDRAWN, 4),
    (S.DECLINED, 3),
]


def _bench_owner() -> tuple[Organization, User]:
    organization, _ = Organization.objects.get_or_create(
        slug=BENCH_ORG,
        defaults={"name": "Pipeline Bench Ltd", "country": "DE", "verification": Organization.Verification.VERIFIED},
    )
    user = User.objects.filter(email=BENCH_EMPLOYER).first()
    if user is None:
        user = User.objects.create_user(email=BENCH_EMPLOYER, password=None, name="Bench Employer", role=Role.EMPLOYER)
    Membership.objects.get_or_create(user=user, defaults={"organization": organization, "role": "owner"})
    return organization, user


def bench_listing() -> Listing:
    """The listing whose pipeline is benchmarked (created through the listing services once)."""
    from listings import services

    organization, user = _bench_owner()
    listing = Listing.objects.filter(organization=organization, title=BENCH_LISTING).first()
    if listing is not None:
        return listing
    listing = services.listing_create(
        organization=organization,
        actor=user,
        data={
            "kind": Listing.Kind.INTERNSHIP,
            "title": BENCH_LISTING,
            "description": "Analyse data for our remote team.",
            "field": "research",
            "compensation_type": Listing.Compensation.PAID,
            "compensation_amount": 15,
            "currency": "EUR",
            "pay_period": Listing.PayPeriod.HOUR,
            "hours_per_week": 20,
            "duration_days": 90,
            "application_deadline": timezone.now() + timedelta(days=365),
            "work_start": time(9),
            "work_end": time(17),
            "time_zone": "Europe/Berlin",
            "eligible_countries": [],
            "openings": 3,
            "requires_resume": False,
        },
        skill_names=["Python", "SQL"],
        questions=[{"prompt": "Why this listing?", "required": True}],
    )
    return services.listing_submit(listing=listing, actor=user)


def _institutions() -> list[int]:
    ids = []
    for n in range(6):
        ids.append(
            Institution.objects.get_or_create(
                slug=f"bench-uni-{n}", defaults={"name": f"Bench University {n}", "country": COUNTRIES[n]}
            )[0].pk
        )
    return ids


def _skills() -> list[int]:
    from django.utils.text import slugify

    return [Skill.objects.get_or_create(slug=slugify(name), defaults={"name": name})[0].pk for name in SKILLS]


def _students(rng: random.Random, count: int, *, tag: str) -> list[int]:
    """Create ``count`` synthetic students with profiles and skills; returns their user ids."""
    password = make_password(None)
    institutions, skills = _institutions(), _skills()
    start = User.objects.filter(email__startswith=f"bench-{tag}-").count()
    ids: list[int] = []
    for offset in range(0, count, CHUNK):
        size = min(CHUNK, count - offset)
        with transaction.atomic():
            users = User.objects.bulk_create(
                [
                    User(
                        email=f"bench-{tag}-{start + offset + i}@bench.example",
                        name=f"Bench Student {start + offset + i}",
                        role=Role.STUDENT,
                        password=password,
                    )
                    for i in range(size)
                ]
            )
            profiles = StudentProfile.objects.bulk_create(
                [
                    StudentProfile(
                        user=user,
                        institution_id=rng.choice(institutions) if rng.random() < 0.8 else None,
                        country=rng.choice(COUNTRIES),
                        time_zone=rng.choice(ZONES),
                        weekly_availability_hours=rng.choice([10, 15, 20, 30]),
                    )
                    for user in users
                ]
            )
            through = StudentProfile.skills.through
            through.objects.bulk_create(
                [
                    through(studentprofile_id=profile.pk, skill_id=skill_id)
                    for profile in profiles
                    for skill_id in rng.sample(skills, k=rng.randint(1, 4))
                ]
            )
        ids.extend(u.pk for u in users)
    return ids


def _applications(rng: random.Random, pairs: list[tuple[int, int]], *, statuses, weights, now) -> int:
    """Bulk-insert applications for (listing id, student id) pairs, with their first history row."""
    made = 0
    for offset in range(0, len(pairs), CHUNK):
        chunk = pairs[offset : offset + CHUNK]
        rows = []
        for listing_id, student_id in chunk:
            status = rng.choices(statuses, weights=weights)[0]
            submitted = now - timedelta(hours=rng.randint(1, 24 * 40))
            answered = status not in (S.SUBMITTED, S.WITHDRAWN)
            rows.append(
                Application(
                    listing_id=listing_id,
                    student_id=student_id,
                    cover_letter="I would like to join your team.",
                    answers={},
                    status=status,
                    first_response_at=submitted + timedelta(hours=rng.randint(2, 24 * 7)) if answered else None,
                )
            )
            rows[-1]._submitted = submitted
        with transaction.atomic():
            created = Application.objects.bulk_create(rows)
            ApplicationStatusChange.objects.bulk_create(
                [ApplicationStatusChange(application=a, from_status="", to_status=S.SUBMITTED) for a in created]
            )
            for application in created:
                application.submitted_at = application._submitted
                application.status_changed_at = application.first_response_at or application._submitted
            Application.objects.bulk_update(created, ["submitted_at", "status_changed_at"], batch_size=1000)
        made += len(created)
    return made


def seed(stdout, *, applicants: int = 0, stale: int = 0, stale_applications: int = 0, **_) -> bool:
    rng = random.Random(5)  # noqa: S311 (synthetic data)
    now = timezone.now()
    ran = False
    if applicants:
        started = clock.monotonic()
        listing = bench_listing()
        missing = applicants - Application.objects.filter(listing=listing).count()
        if missing > 0:
            students = _students(rng, missing, tag="pipeline")
            statuses, weights = zip(*STATUS_WEIGHTS, strict=True)
            _applications(rng, [(listing.pk, s) for s in students], statuses=statuses, weights=weights, now=now)
        stdout.write(
            f"  applications: listing #{listing.pk} has {Application.objects.filter(listing=listing).count()} "
            f"applicants ({clock.monotonic() - started:.1f} s); employer login {BENCH_EMPLOYER}"
        )
        ran = True
    if stale_applications:
        stale_listings = list(
            Listing.objects.filter(status=Listing.Status.PUBLISHED, kind=Listing.Kind.MICRO)
            .annotate(window=ExpressionWrapper(F("staleness_days") * timedelta(days=1), output_field=DurationField()))
            .filter(published_at__lte=now - F("window"))
            .order_by("pk")
            .values_list("pk", flat=True)[: stale or None]
        )
        if not stale_listings:
            stdout.write("  applications: no stale micro-internships to apply to (create them with --stale)")
            return ran
        students = _students(rng, stale_applications, tag="stale")
        pairs = [(stale_listings[i % len(stale_listings)], s) for i, s in enumerate(students)]
        open_statuses = [s for s in OPEN_STATUSES if s != S.OFFERED]
        made = _applications(rng, pairs, statuses=open_statuses, weights=[5, 3, 2, 1], now=now)
        stdout.write(f"  applications: {made} open applications over {len(stale_listings)} stale listings")
        ran = True
    return ran
