"""Demo listings for `seed_demo`, built through the listing services (idempotent: a title that an
organization already has is not created again)."""

from datetime import time, timedelta

from django.utils import timezone

from accounts.models import Membership, Organization, User

from . import services
from .models import Field, Listing

INTERN, MICRO = Listing.Kind.INTERNSHIP, Listing.Kind.MICRO
PAID, UNPAID, FEE = Listing.Compensation.PAID, Listing.Compensation.UNPAID, Listing.Compensation.FIXED_FEE

# (org, kind, field, title, skills, compensation, amount, currency, period, hours/week, days, time zone,
#  start hour, end hour, countries, estimated total hours, final state)
# fmt: off
LISTINGS = [
    ("northwind-labs", INTERN, "software_development", "Backend developer intern (Python/Django)", ["Python", "Django", "SQL"], PAID, 18, "EUR", "hour", 20, 120, "Europe/Berlin", 9, 17, [], None, "published"),
    ("northwind-labs", INTERN, "software_development", "Frontend developer intern (React)", ["JavaScript", "React", "CSS"], PAID, 1400, "EUR", "month", 30, 90, "Europe/Berlin", 10, 18, ["DE", "FR", "NL", "PL", "ES"], None, "published"),
    ("northwind-labs", MICRO, "information_technology", "Automate our invoice export with Python", ["Python", "Automation"], FEE, 600, "EUR", "", 15, 14, "Europe/Berlin", 9, 17, [], 30, "published"),
    ("northwind-labs", INTERN, "information_technology", "IT support and systems intern", ["Linux", "Networking"], PAID, 900, "EUR", "month", 20, 120, "Europe/Berlin", 8, 16, ["DE", "AT", "CH"], None, "published"),
    ("northwind-labs", MICRO, "software_development", "Accessibility audit of a web app", ["Accessibility", "HTML", "Testing"], FEE, 450, "EUR", "", 10, 10, "Europe/Berlin", 9, 17, [], 20, "published"),
    ("northwind-labs", INTERN, "engineering", "Data engineering intern: pipelines for non-profits", ["Python", "SQL", "Data analysis"], PAID, 20, "EUR", "hour", 25, 150, "Europe/Berlin", 9, 17, [], None, "published"),
    ("northwind-labs", MICRO, "research", "User interviews for a volunteer-scheduling tool", ["Research", "Interviewing"], FEE, 300, "EUR", "", 8, 14, "Europe/Berlin", 13, 19, [], 16, "published"),
    ("northwind-labs", INTERN, "software_development", "Mobile developer intern (Flutter)", ["Flutter", "Dart"], PAID, 1200, "EUR", "month", 25, 90, "Europe/Berlin", 9, 17, [], None, "closed"),
    ("northwind-labs", MICRO, "graphic_design", "Design a set of onboarding illustrations", ["Illustration", "Figma"], FEE, 500, "EUR", "", 12, 21, "Europe/Berlin", 9, 17, [], 25, "draft"),
    ("northwind-labs", INTERN, "human_resources", "People operations intern", ["Recruiting", "Excel"], PAID, 800, "EUR", "month", 16, 120, "Europe/Berlin", 9, 13, ["DE"], None, "published"),
    ("brightpath-media", INTERN, "social_media", "Social media intern for youth campaigns", ["Social media", "Copywriting", "Canva"], PAID, 12, "GBP", "hour", 20, 90, "Europe/London", 9, 17, [], None, "published"),
    ("brightpath-media", MICRO, "video", "Edit three 60-second explainer videos", ["Video editing", "Premiere Pro"], FEE, 400, "GBP", "", 15, 10, "Europe/London", 10, 18, [], 24, "published"),
    ("brightpath-media", INTERN, "public_relations", "PR and press relations intern", ["Public relations", "Writing"], PAID, 1100, "GBP", "month", 30, 120, "Europe/London", 9, 17, ["GB", "IE"], None, "published"),
    ("brightpath-media", MICRO, "seo_sem", "SEO audit for a charity website", ["SEO", "Google Analytics"], FEE, 350, "GBP", "", 10, 14, "Europe/London", 9, 17, [], 20, "published"),
    ("brightpath-media", INTERN, "media", "Podcast production intern", ["Audio editing", "Storytelling"], UNPAID, None, "", "", 10, 60, "Europe/London", 14, 18, [], None, "published"),
    ("brightpath-media", MICRO, "marketing", "Write a launch email sequence", ["Copywriting", "Email marketing"], FEE, 250, "GBP", "", 8, 7, "Europe/London", 9, 17, [], 12, "published"),
    ("brightpath-media", INTERN, "journalism", "Junior reporter: remote newsroom internship", ["Journalism", "Writing", "Research"], PAID, 11, "GBP", "hour", 25, 90, "Europe/London", 8, 16, [], None, "published"),
    ("brightpath-media", MICRO, "graphic_design", "Design social media templates", ["Graphic design", "Canva", "Figma"], FEE, 300, "GBP", "", 10, 10, "Europe/London", 9, 17, [], 18, "published"),
    ("brightpath-media", INTERN, "event_planning", "Virtual events intern", ["Event planning", "Zoom"], PAID, 950, "GBP", "month", 20, 90, "Europe/London", 12, 20, [], None, "closed"),
    ("brightpath-media", MICRO, "video", "Subtitle and caption a documentary short", ["Subtitling", "Video editing"], FEE, 200, "GBP", "", 10, 7, "Europe/London", 9, 17, [], 14, "published"),
    ("open-harbor", INTERN, "non_profit", "Digital inclusion programme intern", ["Community outreach", "Research"], PAID, 17, "CAD", "hour", 20, 120, "America/Toronto", 9, 17, [], None, "published"),
    ("open-harbor", MICRO, "research", "Literature review on rural broadband access", ["Research", "Policy analysis"], FEE, 500, "CAD", "", 12, 21, "America/Toronto", 9, 17, [], 30, "published"),
    ("open-harbor", INTERN, "government", "Civic tech and open government intern", ["Policy analysis", "Python"], PAID, 1800, "CAD", "month", 30, 120, "America/Toronto", 9, 17, ["CA", "US", "MX"], None, "published"),
    ("open-harbor", MICRO, "writing", "Write plain-language guides to online safety", ["Writing", "Editing"], FEE, 400, "CAD", "", 10, 14, "America/Toronto", 9, 17, [], 20, "published"),
    ("open-harbor", INTERN, "political", "Policy research intern: digital rights", ["Policy analysis", "Research", "Writing"], UNPAID, None, "", "", 12, 90, "America/Toronto", 10, 16, [], None, "published"),
    ("open-harbor", MICRO, "non_profit", "Grant application research sprint", ["Research", "Grant writing"], FEE, 350, "CAD", "", 10, 10, "America/Toronto", 9, 17, [], 18, "published"),
    ("open-harbor", INTERN, "information_technology", "Volunteer IT help-desk intern", ["IT support", "Documentation"], PAID, 16, "CAD", "hour", 15, 90, "America/Vancouver", 8, 16, [], None, "published"),
    ("open-harbor", MICRO, "media", "Photo archive tagging and metadata", ["Metadata", "Photography"], FEE, 200, "CAD", "", 8, 7, "America/Toronto", 9, 17, [], 12, "closed"),
    ("open-harbor", INTERN, "human_resources", "Volunteer coordinator intern", ["Volunteer management", "Excel"], PAID, 1500, "CAD", "month", 25, 120, "America/Toronto", 9, 17, ["CA"], None, "published"),
    ("open-harbor", MICRO, "engineering", "Prototype a low-cost Wi-Fi coverage map", ["Python", "GIS"], FEE, 700, "CAD", "", 15, 28, "America/Toronto", 9, 17, [], 40, "published"),
    ("open-harbor", INTERN, "research", "Survey data analyst intern", ["Data analysis", "R", "Excel"], PAID, 18, "CAD", "hour", 20, 90, "America/Toronto", 9, 17, [], None, "published"),
    ("open-harbor", MICRO, "public_relations", "Press kit for our annual report", ["Public relations", "Writing"], FEE, 300, "CAD", "", 10, 10, "America/Toronto", 9, 17, [], 15, "published"),
    ("quickgig", MICRO, "marketing", "Instagram growth sprint for a coffee brand", ["Social media", "Instagram"], FEE, 150, "USD", "", 10, 7, "America/New_York", 9, 17, [], 15, "pending_review"),
    ("quickgig", MICRO, "seo_sem", "Keyword research for a dropshipping store", ["SEO", "Keyword research"], FEE, 120, "USD", "", 8, 5, "America/New_York", 9, 17, [], 10, "pending_review"),
    ("quickgig", MICRO, "marketing", "Write ten product descriptions", ["Copywriting"], FEE, 100, "USD", "", 6, 5, "America/New_York", 10, 16, [], 8, "pending_review"),
    ("quickgig", INTERN, "marketing", "Growth marketing intern", ["Marketing", "Google Ads"], PAID, 15, "USD", "hour", 20, 60, "America/Los_Angeles", 9, 17, ["US"], None, "published"),
    ("quickgig", MICRO, "social_media", "TikTok content calendar for a launch", ["TikTok", "Social media"], FEE, 200, "USD", "", 10, 10, "America/Los_Angeles", 9, 17, [], 16, "published"),
    ("quickgig", MICRO, "writing", "Blog posts on remote work productivity", ["Writing", "SEO"], FEE, 180, "USD", "", 8, 7, "America/New_York", 9, 17, [], 12, "draft"),
    ("northwind-labs", INTERN, "software_development", "QA and test automation intern", ["Testing", "Python", "Playwright"], PAID, 17, "EUR", "hour", 20, 90, "Europe/Berlin", 9, 17, [], None, "published"),
    ("brightpath-media", MICRO, "marketing", "Competitor analysis for a fintech client", ["Market research", "Excel"], FEE, 300, "GBP", "", 10, 10, "Asia/Singapore", 9, 17, [], 18, "published"),
]
# fmt: on

DESCRIPTION = """## What you will do

You will join our {org} team remotely and work on **{title_lower}**. A named supervisor meets you
every week on a video call and reviews your work in writing.

- Work on real tasks from week one, with clear goals
- Skills you will use: {skills}
- Weekly check-in and written feedback

## Who we are looking for

Students and recent graduates curious about {field}. No prior internship needed; tell us about a
project you are proud of.
"""


def _member(organization: Organization):
    membership = Membership.objects.filter(organization=organization).select_related("user").order_by("pk").first()
    return membership.user if membership else None


def seed(stdout) -> None:
    now = timezone.now()
    orgs = {o.slug: o for o in Organization.objects.filter(slug__in={row[0] for row in LISTINGS})}
    existing = set(Listing.objects.values_list("organization__slug", "title"))
    created = 0
    moderator = User.objects.filter(email="admin@demo.example", is_staff=True).first()
    for i, row in enumerate(LISTINGS):
        (
            slug,
            kind,
            field,
            title,
            skills,
            comp,
            amount,
            currency,
            period,
            hours,
            days,
            tz,
            start,
            end,
            countries,
            est,
            state,
        ) = row
        organization = orgs.get(slug)
        if organization is None or (slug, title) in existing:
            continue
        actor = _member(organization)
        data = {
            "kind": kind,
            "title": title,
            "description": DESCRIPTION.format(
                org=organization.name,
                title_lower=title[0].lower() + title[1:],
                skills=", ".join(skills),
                field=Field(field).label.lower(),
            ),
            "field": field,
            "compensation_type": comp,
            "compensation_amount": amount,
            "currency": currency,
            "pay_period": period,
            "hours_per_week": hours,
            "duration_days": days,
            "start_date": (now + timedelta(days=30 + i)).date(),
            "application_deadline": now + timedelta(days=7 + (i * 3) % 40),
            "work_start": time(start),
            "work_end": time(end),
            "time_zone": tz,
            "eligible_countries": countries,
            "openings": 1 + i % 3,
            "collaboration_tools": ["Slack", "Google Docs"] if i % 2 else ["Microsoft Teams", "Notion"],
            "requires_resume": kind == INTERN,
            "deliverables": f"A finished {title_lower_noun(title)} handed over with a short written summary."
            if kind == MICRO
            else "",
            "milestones": ["Kick-off call and brief", "First draft for feedback", "Final delivery"]
            if kind == MICRO
            else [],
            "estimated_total_hours": est,
            "staleness_days": 14,
        }
        questions = [{"prompt": "Why does this project interest you?", "required": True}]
        if kind == INTERN:
            questions.append({"prompt": "Which hours of our working day can you overlap with?", "required": False})
        listing = services.listing_create(
            organization=organization, actor=actor, data=data, skill_names=skills, questions=questions
        )
        created += 1
        if state == "draft":
            continue
        listing = services.listing_submit(listing=listing, actor=actor)
        if listing.status == Listing.Status.PENDING_REVIEW and state != "pending_review" and moderator:
            # An unverified organization's listing is published only once site staff approve it.
            listing = services.listing_approve(listing=listing, actor=moderator)
        if state == "closed":
            services.listing_close(listing=listing, actor=actor, reason="filled")
    stdout.write(f"  listings: {created} demo listings created ({len(LISTINGS)} in the demo set)")


def title_lower_noun(title: str) -> str:
    return title[0].lower() + title[1:]
