"""Demo data for career services (runs after the listings and applications demo): past, completed
placements of Lakeside University students and first-destination outcomes, so the demo login
careers@demo.example sees a populated dashboard.

The past placements are history, so they are written directly through the models (a few closed
listings of the demo organizations, an accepted application with its audited history, a
completed placement). Idempotent: a (student, listing) pair that exists is left alone.
"""

from __future__ import annotations

from datetime import datetime, time, timedelta
from decimal import Decimal

from django.utils import timezone

from accounts.models import Institution, Organization, User
from applications.models import Application, ApplicationStatus, ApplicationStatusChange, Placement
from listings.models import Listing

from .models import OutcomeCategory, OutcomeRecord

S = ApplicationStatus
INTERN, MICRO = Listing.Kind.INTERNSHIP, Listing.Kind.MICRO
PAID, UNPAID, FEE = Listing.Compensation.PAID, Listing.Compensation.UNPAID, Listing.Compensation.FIXED_FEE

# (student, org slug, listing title, kind, field, compensation, amount, currency, period, hours/week,
#  days ago it started, length in days, days to the employer's first answer, final status)
# fmt: off
HISTORY = [
    ("student4@demo.example", "brightpath-media", "Summer 2025: SEO and content marketing intern", INTERN, "seo_sem", PAID, "12", "GBP", "hour", 20, 520, 84, 2, Placement.Status.COMPLETED),
    ("student4@demo.example", "quickgig", "2025 micro-project: social ads for a bakery", MICRO, "marketing", FEE, "150", "USD", "", 10, 400, 10, 6, Placement.Status.ENDED_EARLY),
    ("student2@demo.example", "open-harbor", "Spring 2025: policy newsletter writer", INTERN, "writing", UNPAID, None, "", "", 10, 560, 90, 5, Placement.Status.COMPLETED),
    ("student7@demo.example", "brightpath-media", "Autumn 2025: event PR sprint", MICRO, "public_relations", FEE, "350", "GBP", "", 12, 300, 14, 1, Placement.Status.COMPLETED),
    ("student8@demo.example", "northwind-labs", "Winter 2025: data cleaning sprint", MICRO, "research", FEE, "400", "EUR", "", 10, 330, 14, 3, Placement.Status.COMPLETED),
    ("student@demo.example", "open-harbor", "Summer 2025: civic data intern", INTERN, "information_technology", PAID, "1600", "CAD", "month", 25, 480, 90, 4, Placement.Status.COMPLETED),
]
# fmt: on

# Graduates' first destinations (latest record counts). Jonas graduated in 2025, Wei and Fatima in 2026.
OUTCOMES = [
    ("student4@demo.example", OutcomeCategory.EMPLOYED_FULL_TIME, "Junior SEO specialist at a Stockholm agency."),
    ("student2@demo.example", OutcomeCategory.CONTINUING_EDUCATION, "MA in Data Journalism."),
]

DESCRIPTION = "A past remote placement of the demo data: {title}."


def _listing(organization: Organization, row, now) -> Listing:
    _, _, title, kind, field, comp, amount, currency, period, hours, days_ago, length, _, _ = row
    listing = Listing.objects.filter(organization=organization, title=title).first()
    if listing is not None:
        return listing
    started = now - timedelta(days=days_ago)
    return Listing.objects.create(
        organization=organization,
        kind=kind,
        title=title,
        description=DESCRIPTION.format(title=title),
        field=field,
        compensation_type=comp,
        compensation_amount=Decimal(amount) if amount else None,
        currency=currency,
        pay_period=period,
        hours_per_week=hours,
        duration_days=length,
        start_date=started.date(),
        work_start=time(9),
        work_end=time(17),
        time_zone="Europe/London",
        estimated_total_hours=hours * 2 if kind == MICRO else None,
        status=Listing.Status.CLOSED,
        published_at=started - timedelta(days=30),
        closed_at=started,
    )


def _placement(student: User, listing: Listing, row, now) -> bool:
    *_, days_ago, length, answered_after, final = row
    if Application.objects.filter(listing=listing, student=student).exists():
        return False
    submitted = now - timedelta(days=days_ago + 21)
    responded = submitted + timedelta(days=answered_after)
    accepted = submitted + timedelta(days=answered_after + 7)
    application = Application.objects.create(
        listing=listing,
        student=student,
        cover_letter="I would love to join this project remotely.",
        status=S.ACCEPTED,
        first_response_at=responded,
    )
    Application.objects.filter(pk=application.pk).update(submitted_at=submitted, status_changed_at=accepted)
    steps = [("", S.SUBMITTED, submitted), (S.SUBMITTED, S.IN_REVIEW, responded)]
    steps += [(S.IN_REVIEW, S.OFFERED, responded + timedelta(days=3)), (S.OFFERED, S.ACCEPTED, accepted)]
    changes = ApplicationStatusChange.objects.bulk_create(
        [ApplicationStatusChange(application=application, from_status=a, to_status=b) for a, b, _ in steps]
    )
    for change, (_, _, when) in zip(changes, steps, strict=True):
        ApplicationStatusChange.objects.filter(pk=change.pk).update(created_at=when)
    start = (now - timedelta(days=days_ago)).date()
    end = start + timedelta(days=length)
    if final == Placement.Status.ENDED_EARLY:
        end = start + timedelta(days=max(1, length // 2))
    Placement.objects.create(
        application=application,
        student=student,
        listing=listing,
        organization=listing.organization,
        start_date=start,
        end_date=end,
        status=final,
        completed_at=timezone.make_aware(datetime.combine(end, time(17))),
    )
    return True


def seed(stdout) -> None:
    lakeside = Institution.objects.filter(slug="lakeside").first()
    careers = User.objects.filter(email="careers@demo.example").first()
    if lakeside is None:
        stdout.write("  reports: no Lakeside University (accounts demo missing); nothing to do")
        return
    now = timezone.now()
    organizations = {o.slug: o for o in Organization.objects.filter(slug__in={r[1] for r in HISTORY})}
    students = {u.email: u for u in User.objects.filter(email__in={r[0] for r in HISTORY} | {e for e, *_ in OUTCOMES})}
    made = 0
    for row in HISTORY:
        student, organization = students.get(row[0]), organizations.get(row[1])
        if student is None or organization is None:
            continue
        made += _placement(student, _listing(organization, row, now), row, now)
    recorded = 0
    for email, category, note in OUTCOMES:
        student = students.get(email)
        if student is None or OutcomeRecord.objects.filter(student=student, institution=lakeside).exists():
            continue
        OutcomeRecord.objects.create(
            student=student, institution=lakeside, category=category, note=note, recorded_by=careers
        )
        recorded += 1
    total = Placement.objects.filter(student__student_profile__institution=lakeside).count()
    stdout.write(
        f"  reports: {made} past placements and {recorded} outcomes added; Lakeside students have {total} placements"
    )
