"""`seed_bench --placements N`: N placements for Lakeside University's students (the export benchmark).

Bulk inserts in chunks: students with profiles linked to the institution, closed listings of a few
organizations in different countries, one accepted application and one placement per
(student, listing) pair. Names include commas, quotes and non-Latin letters, as real ones do.
"""

from __future__ import annotations

import math
import random
import time as clock
from datetime import time, timedelta
from decimal import Decimal

from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone

from accounts.models import Institution, Organization, Role, StudentProfile, User
from applications.models import Application, ApplicationStatus, Placement
from listings.models import Field, Listing

CHUNK = 2000
LISTINGS_PER_STUDENT = 50
BENCH_TAG = "bench-export"
NAMES = ["Amara Okafor", "Wei Chen", "José Álvarez, Jr.", 'Zoë "Z" Smith', "Αλέξης Παππάς", "Иван Петров", "山田 花子"]
PROGRAMS = ["BSc Computer Science", "BA Journalism", "BBA Marketing", "BSc Economics", "BA Communications"]
COUNTRIES = ["DE", "GB", "CA", "US", "FR", "JP", "BR", "IN"]


def _institution() -> Institution:
    return Institution.objects.get_or_create(
        slug="lakeside", defaults={"name": "Lakeside University", "country": "US"}
    )[0]


def _organizations() -> list[Organization]:
    return [
        Organization.objects.get_or_create(
            slug=f"{BENCH_TAG}-{country.lower()}",
            defaults={
                "name": f"Export Bench {country}, Ltd.",
                "country": country,
                "verification": Organization.Verification.VERIFIED,
            },
        )[0]
        for country in COUNTRIES
    ]


def _listings(rng: random.Random, organizations: list[Organization], count: int) -> list[Listing]:
    existing = list(Listing.objects.filter(organization__in=organizations).order_by("pk")[:count])
    fields, comps = [f.value for f in Field], [c.value for c in Listing.Compensation]
    missing = []
    for i in range(len(existing), count):
        comp = rng.choice(comps)
        missing.append(
            Listing(
                organization=organizations[i % len(organizations)],
                kind=rng.choice([Listing.Kind.INTERNSHIP, Listing.Kind.MICRO]),
                title=f"Export bench listing {i}: {rng.choice(['=SUM(1)', 'Data, analysis', 'Écriture'])}",
                description="Synthetic listing for the export benchmark.",
                field=rng.choice(fields),
                compensation_type=comp,
                compensation_amount=None if comp == Listing.Compensation.UNPAID else Decimal(rng.randint(100, 2000)),
                currency="" if comp == Listing.Compensation.UNPAID else "EUR",
                pay_period="month" if comp == Listing.Compensation.PAID else "",
                hours_per_week=rng.choice([10, 15, 20, 30]),
                duration_days=rng.choice([14, 60, 90]),
                work_start=time(9),
                work_end=time(17),
                time_zone="Europe/Berlin",
                status=Listing.Status.CLOSED,
            )
        )
    return existing + Listing.objects.bulk_create(missing)


def bulk_placements(*, institution: Institution, count: int, seed: int = 7) -> int:
    """Create ``count`` placements for ``institution``'s students (no notifications: synthetic data)."""
    rng = random.Random(seed)  # noqa: S311 (synthetic data)
    listings = _listings(rng, _organizations(), LISTINGS_PER_STUDENT)
    password = make_password(None)
    start = User.objects.filter(email__startswith=f"{BENCH_TAG}-").count()
    students_needed = math.ceil(count / LISTINGS_PER_STUDENT)
    made = 0
    today = timezone.localdate()
    for offset in range(0, students_needed, CHUNK // LISTINGS_PER_STUDENT):
        size = min(CHUNK // LISTINGS_PER_STUDENT, students_needed - offset)
        with transaction.atomic():
            users = User.objects.bulk_create(
                [
                    User(
                        email=f"{BENCH_TAG}-{start + offset + i}@bench.example",
                        name=f"{rng.choice(NAMES)} {start + offset + i}",
                        role=Role.STUDENT,
                        password=password,
                    )
                    for i in range(size)
                ]
            )
            StudentProfile.objects.bulk_create(
                [
                    StudentProfile(
                        user=u,
                        institution=institution,
                        institution_link=StudentProfile.LinkStatus.APPROVED,
                        student_number=f"L{u.pk:07d}",
                        program=rng.choice(PROGRAMS),
                        graduation_year=rng.choice([2024, 2025, 2026, 2027]),
                        country=rng.choice(COUNTRIES),
                    )
                    for u in users
                ]
            )
            pairs = [(u, listing) for u in users for listing in listings][: count - made]
            applications = Application.objects.bulk_create(
                [
                    Application(listing=listing, student=u, cover_letter="Bench", status=ApplicationStatus.ACCEPTED)
                    for u, listing in pairs
                ],
                batch_size=CHUNK,
            )
            placements = []
            for application, (u, listing) in zip(applications, pairs, strict=True):
                begin = today - timedelta(days=rng.randint(0, 900))
                end = begin + timedelta(days=listing.duration_days)
                placements.append(
                    Placement(
                        application=application,
                        student=u,
                        listing=listing,
                        organization_id=listing.organization_id,
                        start_date=begin,
                        end_date=end,
                        status=Placement.Status.COMPLETED if end < today else Placement.Status.ACTIVE,
                    )
                )
            Placement.objects.bulk_create(placements, batch_size=CHUNK)
            made += len(placements)
        if made >= count:
            break
    return made


def seed(stdout, *, placements: int = 0, **_) -> bool:
    if not placements:
        return False
    started = clock.monotonic()
    institution = _institution()
    have = Placement.objects.filter(organization__slug__startswith=BENCH_TAG).count()
    made = bulk_placements(institution=institution, count=placements - have) if placements > have else 0
    stdout.write(
        f"  reports: {made} placements added for {institution.name} "
        f"({have + made} bench placements, {clock.monotonic() - started:.1f} s)"
    )
    return True
