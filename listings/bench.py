"""`seed_bench --listings N`: N realistic published listings, fast (bulk inserts in chunks, then one
UPDATE for the search vectors and one INSERT … SELECT for the typo dictionary)."""

from __future__ import annotations

import random
import time as clock
from datetime import time, timedelta
from decimal import Decimal

from django.db import connection, transaction
from django.utils import timezone

from accounts.models import Organization

from .models import Field, Listing
from .services import hourly_pay, listings_refresh_search
from .timezones import work_window_key

CHUNK = 5000

ROLES = {
    "information_technology": ["IT support", "Cloud operations", "Systems", "Help desk", "Network"],
    "software_development": ["Backend developer", "Frontend developer", "Python developer", "Mobile developer", "QA engineer"],
    "marketing": ["Growth marketing", "Content marketing", "Email marketing", "Brand marketing", "Product marketing"],
    "social_media": ["Social media", "Community manager", "TikTok content", "Instagram content", "Influencer outreach"],
    "research": ["Research assistant", "Market research", "User research", "Data research", "Policy research"],
    "writing": ["Copywriter", "Technical writer", "Content writer", "Grant writer", "Editor"],
    "journalism": ["Junior reporter", "Fact-checker", "Newsletter writer", "Data journalist", "Podcast reporter"],
    "media": ["Media production", "Podcast producer", "Photo editor", "Media relations", "Archive"],
    "event_planning": ["Virtual events", "Conference", "Webinar producer", "Event logistics", "Community events"],
    "video": ["Video editor", "Motion graphics", "YouTube producer", "Videographer", "Subtitling"],
    "human_resources": ["People operations", "Recruiting", "HR analytics", "Onboarding", "Talent sourcing"],
    "graphic_design": ["Graphic designer", "Illustrator", "Brand designer", "UI designer", "Presentation designer"],
    "seo_sem": ["SEO analyst", "SEM specialist", "Keyword research", "Link building", "Search analytics"],
    "non_profit": ["Fundraising", "Volunteer coordinator", "Programme assistant", "Impact evaluation", "Outreach"],
    "government": ["Civic tech", "Open data", "Public policy", "Digital services", "Procurement analyst"],
    "political": ["Campaign", "Policy analyst", "Legislative research", "Advocacy", "Polling analyst"],
    "engineering": ["Hardware prototyping", "CAD", "Embedded systems", "Energy modelling", "Quality engineering"],
    "public_relations": ["Public relations", "Press office", "Communications", "Crisis comms", "Media outreach"],
}  # fmt: skip
SKILLS = {
    "information_technology": ["Linux", "Networking", "AWS", "Bash", "IT support"],
    "software_development": ["Python", "Django", "JavaScript", "React", "SQL", "Git", "TypeScript"],
    "marketing": ["Copywriting", "Google Analytics", "Email marketing", "HubSpot", "Excel"],
    "social_media": ["Social media", "Canva", "Instagram", "TikTok", "Copywriting"],
    "research": ["Research", "Excel", "Data analysis", "Interviewing", "R"],
    "writing": ["Writing", "Editing", "SEO", "Research"],
    "journalism": ["Journalism", "Writing", "Research", "Interviewing"],
    "media": ["Audio editing", "Photography", "Storytelling", "Metadata"],
    "event_planning": ["Event planning", "Zoom", "Logistics", "Communication"],
    "video": ["Video editing", "Premiere Pro", "After Effects", "Storytelling"],
    "human_resources": ["Recruiting", "Excel", "Interviewing", "Communication"],
    "graphic_design": ["Figma", "Illustration", "Graphic design", "Canva", "Photoshop"],
    "seo_sem": ["SEO", "Google Ads", "Keyword research", "Google Analytics"],
    "non_profit": ["Fundraising", "Grant writing", "Community outreach", "Excel"],
    "government": ["Policy analysis", "Python", "Open data", "Research"],
    "political": ["Policy analysis", "Research", "Writing", "Polling"],
    "engineering": ["CAD", "Python", "MATLAB", "Electronics"],
    "public_relations": ["Public relations", "Writing", "Media relations", "Communication"],
}
ZONES = [
    "Europe/Berlin", "Europe/London", "America/New_York", "America/Los_Angeles", "America/Toronto",
    "America/Sao_Paulo", "Africa/Lagos", "Africa/Nairobi", "Asia/Kolkata", "Asia/Singapore", "Asia/Tokyo",
    "Australia/Sydney", "America/Mexico_City", "Europe/Madrid", "Asia/Dubai", "Pacific/Auckland",
]  # fmt: skip
COUNTRIES = ["DE", "GB", "US", "CA", "FR", "NG", "IN", "BR", "MX", "KE", "ES", "NL", "AU", "SG", "JP"]
CURRENCIES = {"Europe": "EUR", "America": "USD", "Africa": "USD", "Asia": "USD", "Australia": "AUD", "Pacific": "NZD"}
SENTENCES = [
    "You will work remotely with a small team and a named supervisor.",
    "Every week you will have a check-in call and written feedback.",
    "We use asynchronous communication and clear written briefs.",
    "The role suits students who enjoy solving practical problems.",
    "You will present your results to the team at the end of the placement.",
    "Our organization works with partners in several countries.",
    "No previous internship is required; curiosity and reliability matter most.",
    "You will build a portfolio piece that you can show future employers.",
]


def _listing(rng: random.Random, organization_id: int, now) -> Listing:
    field = rng.choice(Field.values)
    kind = Listing.Kind.MICRO if rng.random() < 0.35 else Listing.Kind.INTERNSHIP
    role = rng.choice(ROLES[field])
    title = f"{role} {'micro-internship' if kind == Listing.Kind.MICRO else 'intern'}"
    skills = rng.sample(SKILLS[field], k=min(len(SKILLS[field]), rng.randint(2, 4)))
    tz = rng.choice(ZONES)
    start_hour = rng.choice([7, 8, 9, 9, 9, 10, 12, 14])
    hours = rng.choice([5, 8, 10, 15, 20, 20, 25, 30, 40])
    if kind == Listing.Kind.MICRO:
        duration = rng.randint(3, 42)
        comp = Listing.Compensation.FIXED_FEE
        amount = Decimal(rng.randrange(100, 1500, 50))
        period, estimated = Listing.PayPeriod.TOTAL, rng.randint(8, 80)
    else:
        duration = rng.choice([30, 60, 90, 120, 180])
        comp = Listing.Compensation.UNPAID if rng.random() < 0.15 else Listing.Compensation.PAID
        period = rng.choice([Listing.PayPeriod.HOUR, Listing.PayPeriod.MONTH])
        amount = (
            None
            if comp == Listing.Compensation.UNPAID
            else Decimal(rng.randint(10, 30) if period == Listing.PayPeriod.HOUR else rng.randrange(500, 3000, 100))
        )
        estimated = None
    published = now - timedelta(minutes=rng.randint(0, 60 * 24 * 60))
    listing = Listing(
        organization_id=organization_id,
        kind=kind,
        title=title,
        description=f"## {title}\n\n" + " ".join(rng.sample(SENTENCES, 4)) + f"\n\nSkills: {', '.join(skills)}.",
        field=field,
        skill_names=skills,
        compensation_type=comp,
        compensation_amount=amount,
        currency="" if amount is None else CURRENCIES[tz.split("/")[0]],
        pay_period="" if amount is None else period,
        hours_per_week=hours,
        duration_days=duration,
        application_deadline=published + timedelta(days=rng.randint(20, 120)),
        work_start=time(start_hour),
        work_end=time(min(start_hour + 8, 23)),
        time_zone=tz,
        eligible_countries=[] if rng.random() < 0.6 else sorted(rng.sample(COUNTRIES, rng.randint(1, 4))),
        openings=rng.randint(1, 3),
        collaboration_tools=["Slack", "Google Docs"],
        estimated_total_hours=estimated,
        deliverables="A finished piece of work with a short summary." if kind == Listing.Kind.MICRO else "",
        status=Listing.Status.PUBLISHED,
        published_at=published,
        expires_at=published + timedelta(days=60),
    )
    listing.work_window = work_window_key(time_zone=tz, work_start=listing.work_start, work_end=listing.work_end)
    listing.hourly_pay = hourly_pay(listing)
    return listing


def _organizations() -> list[int]:
    ids = list(
        Organization.objects.filter(verification=Organization.Verification.VERIFIED).values_list("pk", flat=True)
    )
    while len(ids) < 20:
        n = len(ids)
        ids.append(
            Organization.objects.get_or_create(
                slug=f"bench-org-{n}",
                defaults={
                    "name": f"Bench Organization {n}",
                    "country": COUNTRIES[n % len(COUNTRIES)],
                    "verification": "verified",
                },
            )[0].pk
        )
    return ids


def seed(stdout, *, listings: int = 0, **_) -> bool:
    if not listings:
        return False
    started = clock.monotonic()
    rng = random.Random(4)  # noqa: S311 (synthetic data)
    now = timezone.now()
    organizations = _organizations()
    made = 0
    while made < listings:
        size = min(CHUNK, listings - made)
        with transaction.atomic():
            Listing.objects.bulk_create([_listing(rng, rng.choice(organizations), now) for _ in range(size)])
        made += size
        stdout.write(f"  listings: {made}/{listings} inserted")
    with connection.cursor() as cursor:
        listings_refresh_search(listing_ids=None, only_missing=True)
        cursor.execute(
            """
            INSERT INTO listings_searchterm (word)
            SELECT DISTINCT w FROM listings_listing,
                regexp_split_to_table(lower(title || ' ' || array_to_string(skill_names, ' ')), '[^a-z0-9]+') AS w
            WHERE w ~ '^[a-z][a-z0-9]{2,29}$'
            ON CONFLICT (word) DO NOTHING
            """
        )
    with connection.cursor() as cursor:
        # Index-only scans (the facet index) need the visibility map; autovacuum would get there later.
        if connection.in_atomic_block:
            cursor.execute("ANALYZE listings_listing")
        else:
            cursor.execute("VACUUM (ANALYZE) listings_listing")
        cursor.execute("ANALYZE listings_searchterm")
    stdout.write(f"  listings: {listings} published listings in {clock.monotonic() - started:.1f} s")
    return True
