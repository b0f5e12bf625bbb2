"""Every URL pattern of the site, visited by every role, answers as its row in this table says.

The patterns are read from the URLconf itself (``get_resolver()``, walked recursively, the admin
included), so a new page without a row here fails the test: a page cannot ship without someone
deciding who may open it. Pages and API endpoints are requested with GET (the API's other methods
are covered by its own tests).

The read-only token role is the student calling with a read-only personal token
(``Authorization: Bearer``) and no session: unless its row says otherwise, it gets the student's
answer on the API and the anonymous visitor's on pages (a token is no key to the site's pages).

The roles are those the product has, each seen from the same objects: a student's application to
an employer's listing, at the student's institution.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import time, timedelta
from urllib.parse import urlparse

import pytest
from django.contrib import admin
from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from accounts import services as account_services
from accounts.models import Membership, Organization
from accounts.uploads import logo_check, resume_check
from calendars import services as calendar_services
from evaluations import services as evaluation_services
from interviews import services as interview_services
from listings import services as listing_services
from listings.alerts import unsubscribe_token
from listings.expiry import extend_token
from notifications import services as notification_services
from notifications.models import Notification, PeriodicTaskRun
from placements import services as placement_services
from reports import selectors as report_selectors
from reports import services as report_services
from tests.accounts.conftest import fresh_ip
from tests.accounts.factories import (
    InstitutionFactory,
    SiteStaffFactory,
    StudentFactory,
    owner_of,
    pdf_upload,
    pending_invitation,
    png_bytes,
    recruiter_of,
)
from tests.applications.factories import SubmittedApplicationFactory
from tests.evaluations.factories import completed, student_evaluates, supervisor_evaluates
from tests.listings.factories import PublishedListingFactory
from tests.placements.factories import active_placement
from tests.reports.factories import CareerStaffFactory, InstitutionStudentFactory
from tests.support.world import World

ROLES = (
    "anonymous",
    "student",
    "other_student",
    "employer",
    "other_employer",
    "careers",
    "other_careers",
    "staff",
    "readonly_token",
)

# What a row expects besides a status code: a redirect to the site's login page, to the admin's
# login page (which sends on to the site's), or to another page of the site.
LOGIN = "login"
ADMIN_LOGIN = "admin login"
REDIRECT = "redirect"
# The read-only token's default: the student's answer on the API, the anonymous one on pages.
AS_TOKEN = "as token"


def answer(response) -> int | str:
    if response.status_code not in (301, 302):
        return response.status_code
    path = urlparse(response["Location"]).path
    if path == reverse("account_login"):
        return LOGIN
    if path == reverse("admin:login"):
        return ADMIN_LOGIN
    return REDIRECT


def answers(default, **by_role) -> dict[str, int | str]:
    unknown = set(by_role) - set(ROLES)
    assert not unknown, unknown
    return {role: by_role.get(role, AS_TOKEN if role == "readonly_token" else default) for role in ROLES}


def expected(row: Row, key: str, role: str):
    got = row.answers[role]
    if got == AS_TOKEN:
        got = row.answers["student" if key.startswith("v1:") else "anonymous"]
    return got


@pytest.fixture
def world(db) -> World:
    w = World()
    institution, other_institution = InstitutionFactory(), InstitutionFactory()
    employer = owner_of("Acme Remote", verification=Organization.Verification.VERIFIED)
    organization = employer.membership.organization
    other_employer = owner_of("Other Remote", verification=Organization.Verification.VERIFIED)
    student = InstitutionStudentFactory(institution=institution, name="Ada Student")
    other_student = InstitutionStudentFactory(institution=other_institution, name="Bo Student")
    careers = CareerStaffFactory(institution=institution)
    other_careers = CareerStaffFactory(institution=other_institution)
    staff = SiteStaffFactory(email=f"staff.{uuid.uuid4().hex[:8]}@example.org", is_superuser=True)
    w.users = {
        "anonymous": None,
        "student": student,
        "other_student": other_student,
        "employer": employer,
        "other_employer": other_employer,
        "careers": careers,
        "other_careers": other_careers,
        "staff": staff,
        "readonly_token": None,  # no session: the client sends the token (see the test)
    }
    listing = PublishedListingFactory(
        organization=organization, actor=employer, requires_resume=True, skills=["Python"]
    )
    application = SubmittedApplicationFactory(listing=listing, student=student)
    recruiter = recruiter_of(organization)
    linker = StudentFactory(name="Cy Applicant")
    profile = student.student_profile
    check_resume = pdf_upload()
    resume_check(check_resume)
    account_services.student_profile_update(
        profile=profile, name=student.name, skills=["Python"], resume=check_resume, program=profile.program
    )
    logo = SimpleUploadedFile("logo.png", png_bytes(), content_type="image/png")
    account_services.organization_update(organization=organization, logo=logo_check(logo))
    # One row of every model the admin lists, so that its change pages have something to show.
    listing_services.saved_listing_toggle(user=student, listing=listing)
    listing_services.listing_report(listing=listing, reporter=other_student, reason="other", details="Checking")
    notification_services.preferences_set(user=student, email_events=set())
    report_services.employer_approval_decide(user=careers, organization=organization, decision="approved")
    report_services.outcome_record(user=careers, profile=profile, category="employed_full_time")
    report_services.export_audit_record(
        user=careers, institution_id=institution.pk, format="csv", filters={}, row_count=1
    )
    PeriodicTaskRun.objects.create(task="notifications.tasks.outbox_sweep_task", last_state="SUCCESS")
    Group.objects.create(name="Moderators")
    _token, w.token_secret = account_services.personal_token_create(
        user=student, name="Script", scope="read", lifetime_days=30
    )
    # A placement of the student with the same organization: two goals agreed, a check-in written.
    placement = active_placement(
        listing=PublishedListingFactory(organization=organization, actor=employer, requires_resume=False),
        student=student,
        supervisor=employer,
    )
    for text in ("Clean the survey data", "Present the findings"):
        placement_services.goal_propose(placement=placement, user=student, text=text)
    placement_services.goals_confirm(placement=placement, user=employer)
    checkin = placement.checkins.order_by("due_on").first()
    placement_services.checkin_submit(checkin=checkin, user=student, hours=6, done="Cleaned the first wave")
    # A completed placement of the student: both evaluations in, a certificate, a public portfolio.
    finished = completed(
        active_placement(
            listing=PublishedListingFactory(organization=organization, actor=employer, requires_resume=False),
            student=student,
            supervisor=employer,
        ),
        supervisor=employer,
    )
    supervisor_evaluates(finished, employer)
    student_evaluates(finished)
    evaluation_services.portfolio_update(student=student, is_public=True, slug="ada-student")
    # An interview of the student at another listing of the organization: proposed, then booked.
    interviewing = SubmittedApplicationFactory(
        listing=PublishedListingFactory(organization=organization, actor=employer, requires_resume=False),
        student=student,
    )
    soon = timezone.localdate() + timedelta(days=3)
    proposed = interview_services.interview_round_propose(
        listing=interviewing.listing,
        application_ids=[interviewing.pk],
        user=employer,
        slots=[interview_services.SlotInput(day=soon, at=time(hour, 0), minutes=30) for hour in (10, 11)],
        time_zone="Europe/Berlin",
        location="https://meet.example.org/acme",
    )
    invite = proposed.round.invites.get()
    interview = interview_services.interview_book(invite=invite, slot_id=proposed.round.slots.first().pk, user=student)
    window = interview_services.availability_add(
        user=employer, weekday=1, start=time(14), end=time(17), time_zone="Europe/Berlin"
    )
    w.objects = {
        "placement": placement,
        "finished": finished,
        "evaluation": finished.evaluation,
        "certificate": finished.certificate,
        "interview_application": interviewing,
        "invite": invite,
        "interview": interview,
        "window": window,
        "goal": placement.goals.order_by("pk").first(),
        "checkin": checkin,
        "institution": institution,
        "organization": organization,
        "listing": listing,
        "application": application,
        "membership": Membership.objects.get(user=recruiter),
        "invitation": pending_invitation(organization=organization, email="invitee@example.org"),
        "link_request": account_services.institution_link_request(student=linker, institution=institution),
        "notification": Notification.objects.filter(recipient=employer).order_by("pk").first(),
        "saved_search": listing_services.saved_search_create(
            user=student, name="Research", query_string="q=research", frequency="daily"
        ),
        "export": ready_export(careers),
        "extend_token": extend_token(listing),
        "unsubscribe_token": unsubscribe_token(student),
        "feed_token": calendar_services.calendar_feed_issue(user=student),
    }
    return w


def ready_export(careers):
    """A background export, built (as the worker would) and ready to download."""
    export = report_services.report_export_start(user=careers, format="csv", filters=report_selectors.ReportFilters())
    return report_services.report_export_run(export_id=export.pk)


def patterns(resolver=None, prefix="", namespace=""):
    """Every URL pattern of the URLconf: (its key in the table, its route, its pattern)."""
    for entry in (resolver or get_resolver()).url_patterns:
        if isinstance(entry, URLResolver):
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from patterns(entry, prefix + str(entry.pattern), inner)
        elif isinstance(entry, URLPattern):
            route = prefix + str(entry.pattern)
            yield (f"{namespace}{entry.name}" if entry.name else route), route, entry


@dataclass(frozen=True)
class Row:
    """Who gets what at one URL pattern, and the URL's arguments in the world."""

    answers: dict[str, int | str]
    kwargs: Callable[[World], dict] = lambda w: {}
    path: Callable[[World], str] | None = None  # for the admin's unnamed patterns

    def url(self, w: World, key: str) -> str:
        return self.path(w) if self.path else reverse(key, kwargs=self.kwargs(w))


def row(default, kwargs=None, **by_role) -> Row:
    return Row(answers(default, **by_role), kwargs or (lambda w: {}))


def like(template: Row, kwargs) -> Row:
    return Row(template.answers, kwargs)


PUBLIC = row(200)
SIGNED_IN = row(200, anonymous=LOGIN)
# A form's target: only POST acts, a GET is refused (after the login, where the view needs one).
FORM_TARGET = row(405, anonymous=LOGIN)
API_FORM_TARGET = row(405, anonymous=401)
STUDENTS = row(403, anonymous=LOGIN, student=200, other_student=200)
EMPLOYERS = row(403, anonymous=LOGIN, employer=200, other_employer=200)
CAREERS = row(403, anonymous=LOGIN, careers=200, other_careers=200)
SITE_STAFF = row(403, anonymous=LOGIN, staff=200)
CAREERS_API = row(403, anonymous=401, careers=200, other_careers=200)
ADMIN_PAGE = row(ADMIN_LOGIN, staff=200)

LISTING = lambda w: {"pk": w.listing.pk}  # noqa: E731
APPLICATION = lambda w: {"pk": w.application.pk}  # noqa: E731
PLACEMENT = lambda w: {"pk": w.placement.pk}  # noqa: E731
GOAL = lambda w: {"pk": w.placement.pk, "goal_pk": w.goal.pk}  # noqa: E731
CHECKIN = lambda w: {"pk": w.placement.pk, "checkin_pk": w.checkin.pk}  # noqa: E731
PROFILE = lambda w: {"pk": w.users["student"].student_profile.pk}  # noqa: E731
EXPORT = lambda w: {"pk": w.export.pk}  # noqa: E731
FINISHED = lambda w: {"pk": w.finished.pk}  # noqa: E731
CODE = lambda w: {"code": w.certificate.code}  # noqa: E731
INTERVIEW_APPLICATION = lambda w: {"pk": w.interview_application.pk}  # noqa: E731
INVITE = lambda w: {"pk": w.invite.pk}  # noqa: E731
INTERVIEW = lambda w: {"pk": w.interview.pk}  # noqa: E731

TABLE: dict[str, Row] = {
    # Public pages and checks.
    "home": PUBLIC,
    "healthz": PUBLIC,
    "livez": PUBLIC,
    "accounts:skills_autocomplete": PUBLIC,
    "listings:list": PUBLIC,
    "listings:detail": like(PUBLIC, LISTING),
    "accounts:organization_logo": like(PUBLIC, lambda w: {"slug": w.organization.slug}),
    "api-schema": PUBLIC,
    "api-docs": PUBLIC,
    "api-redoc": PUBLIC,
    # Links from emails: the signed token is the credential, and a GET only shows what a POST would do.
    "listing_extend": like(PUBLIC, lambda w: {"token": w.extend_token}),
    "saved_search_unsubscribe": like(PUBLIC, lambda w: {"token": w.unsubscribe_token}),
    "accounts:invitation": like(PUBLIC, lambda w: {"token": w.invitation.token}),
    "accounts:invitation_signup": row(REDIRECT, lambda w: {"token": w.invitation.token}, anonymous=200),
    # allauth's account pages.
    "account_login": row(REDIRECT, anonymous=200),
    "account_logout": row(200, anonymous=REDIRECT),
    "account_inactive": PUBLIC,
    "account_signup": row(REDIRECT, anonymous=200),
    "account_reauthenticate": SIGNED_IN,
    "account_email": SIGNED_IN,
    "account_email_verification_sent": PUBLIC,
    "account_change_password": SIGNED_IN,
    "account_set_password": row(REDIRECT, anonymous=LOGIN),  # every account has a password: to "change"
    "account_reset_password": PUBLIC,
    "account_reset_password_done": PUBLIC,
    "account_confirm_login_code": row(REDIRECT, anonymous=LOGIN),  # no login code was asked for
    "account_confirm_email": like(PUBLIC, lambda w: {"key": "not-a-key"}),  # says the link is invalid
    "account_reset_password_from_key": like(PUBLIC, lambda w: {"uidb36": "zz", "key": "not-a-key"}),
    "account_reset_password_from_key_done": PUBLIC,
    # Every signed-in user's own pages.
    "accounts:next_step": row(REDIRECT, anonymous=LOGIN),
    "accounts:account_delete": SIGNED_IN,
    "accounts:tokens": SIGNED_IN,
    "accounts:token_revoke": like(FORM_TARGET, lambda w: {"pk": 1}),
    "notifications:list": SIGNED_IN,
    "notifications:preferences": SIGNED_IN,
    "notifications:open": like(FORM_TARGET, lambda w: {"pk": w.notification.pk}),
    "notifications:mark_all_read": FORM_TARGET,
    # Students.
    "accounts:profile": STUDENTS,
    "accounts:profile_edit": STUDENTS,
    "accounts:institution_link_request": STUDENTS,
    "listings:saved": STUDENTS,
    "listings:save": like(FORM_TARGET, LISTING),
    "listings:search-create": FORM_TARGET,
    "listings:search-update": like(FORM_TARGET, lambda w: {"pk": w.saved_search.pk}),
    "applications:list": STUDENTS,
    # The student who applied is sent to the application; members of organizations cannot apply.
    "applications:apply": row(
        403, lambda w: {"listing_pk": w.listing.pk}, anonymous=LOGIN, student=REDIRECT, other_student=200
    ),
    "applications:detail": row(404, APPLICATION, anonymous=LOGIN, student=200),
    "applications:withdraw": like(FORM_TARGET, APPLICATION),
    "applications:accept": like(FORM_TARGET, APPLICATION),
    "applications:decline": like(FORM_TARGET, APPLICATION),
    "applications:resume": row(404, APPLICATION, anonymous=LOGIN, student=200, employer=200),
    # A student's profile and résumé: the student, the organization applied to, the institution's
    # career services; nobody else (site staff use the admin).
    "accounts:student_profile": row(404, PROFILE, anonymous=LOGIN, student=200, employer=200, careers=200),
    "accounts:resume": row(404, PROFILE, anonymous=LOGIN, student=200, employer=200, careers=200),
    # Anyone signed in may report a listing, except its own organization.
    "listings:report": row(200, LISTING, anonymous=LOGIN, employer=403),
    # Employers: their organization, its listings and applicants.
    "accounts:organization": EMPLOYERS,
    "accounts:organization_edit": EMPLOYERS,
    "accounts:organization_create": row(403, anonymous=LOGIN, employer=REDIRECT, other_employer=REDIRECT),
    "accounts:organization_invite": FORM_TARGET,
    "accounts:membership_remove": like(FORM_TARGET, lambda w: {"pk": w.membership.pk}),
    "accounts:ownership_transfer": like(FORM_TARGET, lambda w: {"pk": w.membership.pk}),
    "accounts:invitation_revoke": like(FORM_TARGET, lambda w: {"pk": w.invitation.pk}),
    "listings:dashboard": EMPLOYERS,
    "listings:create": EMPLOYERS,
    "listings:manage": row(404, LISTING, anonymous=LOGIN, employer=200),
    "listings:edit": row(404, LISTING, anonymous=LOGIN, employer=200),
    "listings:submit": like(FORM_TARGET, LISTING),
    "listings:close": like(FORM_TARGET, LISTING),
    "listings:duplicate": like(FORM_TARGET, LISTING),
    "listings:delete": like(FORM_TARGET, LISTING),
    "applications:employer_applicants": EMPLOYERS,
    "applications:pipeline": row(404, LISTING, anonymous=LOGIN, employer=200),
    "applications:bulk_reject": like(FORM_TARGET, LISTING),
    "applications:employer_detail": row(404, APPLICATION, anonymous=LOGIN, employer=200),
    "applications:employer_move": like(FORM_TARGET, APPLICATION),
    "applications:employer_offer": like(FORM_TARGET, APPLICATION),
    "applications:employer_note": like(FORM_TARGET, APPLICATION),
    # A placement's workspace: the two parties, read only for the student's career services.
    "placements:workspace": row(404, PLACEMENT, anonymous=LOGIN, student=200, employer=200, careers=200),
    "placements:goal_add": like(FORM_TARGET, PLACEMENT),
    "placements:goals_confirm": like(FORM_TARGET, PLACEMENT),
    "placements:goal_edit": like(FORM_TARGET, GOAL),
    "placements:goal_remove": like(FORM_TARGET, GOAL),
    "placements:goal_done": like(FORM_TARGET, GOAL),
    "placements:schedule": like(FORM_TARGET, PLACEMENT),
    "placements:checkin_submit": like(FORM_TARGET, CHECKIN),
    "placements:checkin_feedback": like(FORM_TARGET, CHECKIN),
    "placements:fee_accept": like(FORM_TARGET, PLACEMENT),
    "placements:fee_paid": like(FORM_TARGET, PLACEMENT),
    "placements:fee_received": like(FORM_TARGET, PLACEMENT),
    "placements:complete": like(FORM_TARGET, PLACEMENT),
    "placements:end_early": like(FORM_TARGET, PLACEMENT),
    # The API lists each user's own placements; anyone else's placement is not found.
    "v1:placement-list": row(200, anonymous=401),
    "v1:placement-detail": row(404, PLACEMENT, anonymous=401, student=200, employer=200, careers=200),
    "v1:placement-goals": row(404, PLACEMENT, anonymous=401, student=200, employer=200, careers=200),
    "v1:placement-goals-confirm": like(API_FORM_TARGET, PLACEMENT),
    "v1:placement-goal": row(404, GOAL, anonymous=401, student=200, employer=200, careers=200),
    "v1:placement-goal-done": like(API_FORM_TARGET, GOAL),
    "v1:placement-schedule": like(API_FORM_TARGET, PLACEMENT),
    "v1:placement-checkins": row(404, PLACEMENT, anonymous=401, student=200, employer=200, careers=200),
    "v1:placement-checkin": row(404, CHECKIN, anonymous=401, student=200, employer=200, careers=200),
    "v1:placement-checkin-submit": like(API_FORM_TARGET, CHECKIN),
    "v1:placement-checkin-feedback": like(API_FORM_TARGET, CHECKIN),
    "v1:placement-fee-accept": like(API_FORM_TARGET, PLACEMENT),
    "v1:placement-fee-paid": like(API_FORM_TARGET, PLACEMENT),
    "v1:placement-fee-received": like(API_FORM_TARGET, PLACEMENT),
    "v1:placement-complete": like(API_FORM_TARGET, PLACEMENT),
    "v1:placement-end": like(API_FORM_TARGET, PLACEMENT),
    # The end of a placement: its evaluation (the two parties, career services read), the
    # certificate (the PDF to the workspace, the credential files to the intern), public checks.
    "evaluations:evaluation": row(404, PLACEMENT, anonymous=LOGIN, student=200, employer=200, careers=200),
    "evaluations:supervisor_submit": like(FORM_TARGET, FINISHED),
    "evaluations:student_submit": like(FORM_TARGET, FINISHED),
    "evaluations:publish": like(FORM_TARGET, FINISHED),
    "evaluations:certificate_pdf": row(404, FINISHED, anonymous=LOGIN, student=200, employer=200, careers=200),
    "evaluations:credential_json": row(404, FINISHED, anonymous=LOGIN, student=200, employer=403, careers=403),
    "evaluations:badge_png": row(404, FINISHED, anonymous=LOGIN, student=200, employer=403, careers=403),
    "evaluations:verify": like(PUBLIC, CODE),
    "evaluations:certificate_revoke": like(FORM_TARGET, CODE),
    "evaluations:jwks": PUBLIC,
    "evaluations:issuer": PUBLIC,
    "evaluations:issuer_profile": PUBLIC,
    "evaluations:revocations": PUBLIC,
    "evaluations:organization_reviews": like(PUBLIC, lambda w: {"slug": w.organization.slug}),
    "evaluations:review_reply": like(FORM_TARGET, lambda w: {"pk": w.evaluation.pk}),
    "evaluations:careers_reviews": CAREERS,
    "evaluations:portfolio_settings": STUDENTS,
    "evaluations:portfolio": like(PUBLIC, lambda w: {"slug": "ada-student"}),
    "v1:placement-evaluation": row(404, PLACEMENT, anonymous=401, student=200, employer=200, careers=200),
    "v1:placement-evaluation-supervisor": like(API_FORM_TARGET, FINISHED),
    "v1:placement-evaluation-student": like(API_FORM_TARGET, FINISHED),
    "v1:certificate-list": row(200, anonymous=401),
    "v1:certificate-verify": like(PUBLIC, CODE),
    "v1:portfolio": like(PUBLIC, lambda w: {"slug": "ada-student"}),
    # The conversation of an application: its two parties.
    "conversations:inbox": SIGNED_IN,
    "conversations:thread": row(404, APPLICATION, anonymous=LOGIN, student=200, employer=200),
    "conversations:poll": row(404, APPLICATION, anonymous=LOGIN, student=204, employer=204),  # nothing new
    "conversations:earlier": row(404, APPLICATION, anonymous=LOGIN, student=200, employer=200),
    "conversations:post": like(FORM_TARGET, APPLICATION),
    "v1:conversation-messages": row(404, APPLICATION, anonymous=401, student=200, employer=200),
    "v1:conversation-mark-read": like(API_FORM_TARGET, APPLICATION),
    "v1:conversation-unread": row(200, anonymous=401),
    # Interviews: the two parties of the application; windows and lists of one's own organization.
    "interviews:propose": row(404, INTERVIEW_APPLICATION, anonymous=LOGIN, employer=200),
    "interviews:listing_propose": like(FORM_TARGET, LISTING),
    "interviews:listing": row(404, LISTING, anonymous=LOGIN, employer=200),
    "interviews:organization": EMPLOYERS,
    "interviews:availability": EMPLOYERS,
    "interviews:availability_remove": like(FORM_TARGET, lambda w: {"pk": w.window.pk}),
    "interviews:mine": STUDENTS,
    "interviews:choose": row(404, INVITE, anonymous=LOGIN, student=200, employer=200),
    "interviews:book": like(FORM_TARGET, INVITE),
    "interviews:other_times": like(FORM_TARGET, INVITE),
    "interviews:detail": row(404, INTERVIEW, anonymous=LOGIN, student=200, employer=200),
    # The organization offers new times (a page); the student asks for other times instead.
    "interviews:reschedule": row(404, INTERVIEW, anonymous=LOGIN, student=403, employer=200),
    "interviews:interview_other_times": like(FORM_TARGET, INTERVIEW),
    "interviews:cancel": like(FORM_TARGET, INTERVIEW),
    "interviews:no_show": like(FORM_TARGET, INTERVIEW),
    "interviews:careers_no_shows": CAREERS,
    "v1:interview-list": row(200, anonymous=401),
    "v1:interview-detail": row(404, INTERVIEW, anonymous=401, student=200, employer=200),
    "v1:interview-reschedule": like(API_FORM_TARGET, INTERVIEW),
    "v1:interview-other-times": like(API_FORM_TARGET, INTERVIEW),
    "v1:interview-cancel": like(API_FORM_TARGET, INTERVIEW),
    "v1:interview-invitation": row(404, INVITE, anonymous=401, student=200, employer=200),
    "v1:interview-book": like(API_FORM_TARGET, INVITE),
    "v1:interview-invitation-other-times": like(API_FORM_TARGET, INVITE),
    "v1:interview-propose": like(API_FORM_TARGET, INTERVIEW_APPLICATION),
    # Calendars: each user's own; the private feed's secret URL is its own credential.
    "calendars:settings": SIGNED_IN,
    "calendars:issue": FORM_TARGET,
    "calendars:revoke": FORM_TARGET,
    "calendars:feed": like(PUBLIC, lambda w: {"token": w.feed_token}),
    "calendars:event": row(
        404, lambda w: {"key": f"placement-start-{w.placement.pk}"}, anonymous=LOGIN, student=200, employer=200
    ),
    # Career services: their institution only.
    "accounts:my_institution": row(403, anonymous=LOGIN, careers=REDIRECT, other_careers=REDIRECT),
    "accounts:institution": row(404, lambda w: {"slug": w.institution.slug}, anonymous=LOGIN, careers=200, staff=200),
    "accounts:institution_invite": like(FORM_TARGET, lambda w: {"slug": w.institution.slug}),
    "accounts:link_request_decide": like(FORM_TARGET, lambda w: {"pk": w.link_request.pk}),
    "reports:dashboard": CAREERS,
    "reports:placements": CAREERS,
    "reports:students": CAREERS,
    "reports:employers": CAREERS,
    "reports:student_detail": row(403, PROFILE, anonymous=LOGIN, careers=200, other_careers=404),
    "reports:export_status": row(403, lambda w: {"pk": w.export.pk}, anonymous=LOGIN, careers=200, other_careers=404),
    "reports:export_download": row(403, lambda w: {"pk": w.export.pk}, anonymous=LOGIN, careers=200, other_careers=404),
    # POST-only views that refuse other methods before asking for a login.
    "reports:placement_export": row(405),
    "reports:employer_decide": row(405, lambda w: {"pk": w.organization.pk}),
    # Site staff.
    "accounts:staff_organizations": SITE_STAFF,
    "accounts:staff_institutions": SITE_STAFF,
    "accounts:staff_organization_verify": like(FORM_TARGET, lambda w: {"slug": w.organization.slug}),
    "listings:moderation": SITE_STAFF,
    "listings:moderation-decide": like(FORM_TARGET, lambda w: {"pk": w.listing.pk, "decision": "approve"}),
    "notifications:operations": ADMIN_PAGE,
    # The API (session-authenticated here, or the read-only token; 401 without either).
    "v1:listing-list": PUBLIC,
    "v1:listing-detail": like(PUBLIC, LISTING),  # its members also PATCH, PUT and DELETE it
    "v1:listing-submit": like(API_FORM_TARGET, LISTING),
    "v1:listing-close": like(API_FORM_TARGET, LISTING),
    "v1:listing-duplicate": like(API_FORM_TARGET, LISTING),
    # One collection scoped by role: a student's own applications, an organization's applicants.
    "v1:application-list": row(403, anonymous=401, student=200, other_student=200, employer=200, other_employer=200),
    "v1:application-bulk-reject": API_FORM_TARGET,
    "v1:application-create": API_FORM_TARGET,
    "v1:application-detail": row(
        403, APPLICATION, anonymous=401, student=200, other_student=404, employer=200, other_employer=404
    ),
    "v1:application-notes": row(403, APPLICATION, anonymous=401, employer=200, other_employer=404),
    "v1:application-withdraw": like(API_FORM_TARGET, APPLICATION),
    "v1:application-accept": like(API_FORM_TARGET, APPLICATION),
    "v1:application-decline": like(API_FORM_TARGET, APPLICATION),
    "v1:employer-listing-applications": row(403, LISTING, anonymous=401, employer=200, other_employer=404),
    "v1:employer-application-status": like(API_FORM_TARGET, APPLICATION),
    "v1:notification-list": row(200, anonymous=401),
    # The member's own organization: every member reads it; its owner manages members and invitations.
    "v1:organization": row(403, anonymous=401, employer=200, other_employer=200),
    "v1:organization-members": row(403, anonymous=401, employer=200, other_employer=200),
    "v1:organization-member-remove": like(API_FORM_TARGET, lambda w: {"pk": w.membership.pk}),
    "v1:organization-invitations": row(403, anonymous=401, employer=200, other_employer=200),
    "v1:organization-invitation-revoke": like(API_FORM_TARGET, lambda w: {"pk": w.invitation.pk}),
    # The career-services staff member's institution and its students' link requests.
    "v1:institution": row(403, anonymous=401, careers=200, other_careers=200),
    "v1:institution-invitations": row(403, anonymous=401, careers=200, other_careers=200),
    "v1:institution-invitation-revoke": like(API_FORM_TARGET, lambda w: {"pk": w.invitation.pk}),
    "v1:institution-link-request-decide": like(API_FORM_TARGET, lambda w: {"pk": w.link_request.pk}),
    # Every user's own account and tokens.
    "v1:me": row(200, anonymous=401),
    "v1:token-list": row(200, anonymous=401),
    "v1:token-revoke": like(API_FORM_TARGET, lambda w: {"pk": 1}),
    "v1:notification-mark-read": API_FORM_TARGET,
    "v1:notification-preferences": row(200, anonymous=401),
    # Career services: each staff member reads their own institution's report; another
    # institution's export is not found.
    "v1:career-placement-report": CAREERS_API,
    "v1:career-dashboard": CAREERS_API,
    "v1:career-export-list": CAREERS_API,
    "v1:career-export-detail": like(row(403, anonymous=401, careers=200, other_careers=404), EXPORT),
    "v1:career-export-download": like(row(403, anonymous=401, careers=200, other_careers=404), EXPORT),
    # The admin: site staff only; everyone else is sent to its login (which sends on to the site's).
    "admin:index": ADMIN_PAGE,
    "admin:login": row(403, anonymous=LOGIN, staff=REDIRECT),
    "admin:logout": row(REDIRECT, staff=405),  # logging out is a POST
    "admin:password_change": ADMIN_PAGE,
    "admin:password_change_done": ADMIN_PAGE,
    "admin:jsi18n": ADMIN_PAGE,
    "admin:autocomplete": row(ADMIN_LOGIN, staff=403),  # refused without its query parameters
    "admin:app_list": like(ADMIN_PAGE, lambda w: {"app_label": "listings"}),
    "admin:view_on_site": row(
        ADMIN_LOGIN,
        lambda w: {"content_type_id": ContentType.objects.get_for_model(w.listing).pk, "object_id": w.listing.pk},
        staff=404,  # a listing has no get_absolute_url
    ),
    "admin:auth_user_password_change": like(ADMIN_PAGE, lambda w: {"id": w.users["student"].pk}),
    "admin/(?P<url>.*)$": Row(answers(ADMIN_LOGIN, staff=404), path=lambda w: "/admin/no-such-page/"),
}

# Every model the admin lists, with the staff's answer where it is not 200 (the other roles are
# sent to the admin's login). A newly registered model needs its line here.
ADMIN_MODELS: dict[str, dict[str, int]] = {
    "auth.group": {},
    "sites.site": {},
    "account.emailaddress": {},
    "accounts.user": {},
    "accounts.institution": {},
    "accounts.organization": {},
    "accounts.studentprofile": {},
    "accounts.skill": {},
    "accounts.careerservicesmembership": {},
    "accounts.invitation": {},
    "accounts.institutionlinkrequest": {},
    "accounts.employerapproval": {},
    "accounts.personaltoken": {"add": 403},  # made by its user, who alone sees the secret
    "notifications.outboxemail": {},
    "notifications.notification": {},
    "notifications.notificationpreference": {},
    "notifications.periodictaskrun": {},
    "listings.listing": {},
    "listings.listingreport": {},
    "listings.savedsearch": {},
    "listings.savedlisting": {},
    "reports.exportauditlog": {"add": 403},  # the audit log is written by exports only
    "reports.reportexport": {},
    "reports.outcomerecord": {},
    # Keys are made by rotation and certificates by completing a placement; neither is deleted.
    "evaluations.signingkey": {"add": 403, "delete": 403},
    "evaluations.certificate": {"add": 403, "delete": 403},
    # Rounds, invitations and interviews change through the services (calendar updates); windows
    # are added by their organization.
    "interviews.interviewround": {"add": 403, "delete": 403},
    "interviews.interviewinvite": {"add": 403, "delete": 403},
    "interviews.interview": {"add": 403, "delete": 403},
    "interviews.availability": {"add": 403},
}


def admin_object_pk(label: str):
    model = next(m for m in admin.site._registry if m._meta.label_lower == label)
    first = model._default_manager.order_by("pk").first()
    assert first is not None, f"the world has no {label} for its admin pages"
    return first.pk


def admin_rows() -> dict[str, Row]:
    rows = {}
    for label, staff_answers in ADMIN_MODELS.items():
        app_label, model_name = label.split(".")
        one = lambda w, label=label: {"object_id": admin_object_pk(label)}  # noqa: E731
        for view in ("changelist", "add", "history", "delete", "change"):
            answer_for_staff = staff_answers.get(view, 200)
            rows[f"admin:{app_label}_{model_name}_{view}"] = row(
                ADMIN_LOGIN, one if view in ("history", "delete", "change") else None, staff=answer_for_staff
            )
        # The bare object URL redirects to its change page.
        rows[f"admin/{app_label}/{model_name}/<path:object_id>/"] = Row(
            answers(ADMIN_LOGIN, staff=REDIRECT),
            path=lambda w, a=app_label, m=model_name, label=label: f"/admin/{a}/{m}/{admin_object_pk(label)}/",
        )
    return rows


def full_table() -> dict[str, Row]:
    return {**TABLE, **admin_rows()}


def api_error_shaped(response) -> bool:
    """Every refusal of the API answers {"type", "detail", "fields"} (marketplace/api.py)."""
    if response["Content-Type"] != "application/json":
        return False
    body = response.json()
    return set(body) == {"type", "detail", "fields"} and isinstance(body["fields"], dict)


def test_every_url_pattern_has_a_permission_row():
    table = full_table()
    missing = sorted(key for key, _, _ in patterns() if key not in table)
    assert missing == [], "URL patterns without a row in TABLE (who may open them?): " + ", ".join(missing)
    stale = sorted(set(table) - {key for key, _, _ in patterns()})
    assert stale == [], "rows for URL patterns that no longer exist: " + ", ".join(stale)


def test_every_model_in_the_admin_has_a_row():
    registered = {model._meta.label_lower for model in admin.site._registry}
    assert registered == set(ADMIN_MODELS)


@pytest.mark.parametrize("role", ROLES)
def test_every_url_answers_each_role_as_its_row_says(world, role):
    # A failing page is reported as a 500 among the other answers, not raised.
    client = Client(REMOTE_ADDR=fresh_ip(), raise_request_exception=False)
    if role == "readonly_token":
        client = Client(
            REMOTE_ADDR=fresh_ip(), raise_request_exception=False, HTTP_AUTHORIZATION=f"Bearer {world.token_secret}"
        )
    elif world.users[role] is not None:
        client.force_login(world.users[role])
    table = full_table()
    wrong = {}
    for key, _, _ in patterns():
        if key not in table:
            continue  # reported by test_every_url_pattern_has_a_permission_row
        url = table[key].url(world, key)
        response = client.get(url)
        got = answer(response)
        want = expected(table[key], key, role)
        if got != want:
            wrong[key] = f"GET {url}: expected {want}, got {got}"
        elif key.startswith("v1:") and response.status_code >= 400 and not api_error_shaped(response):
            wrong[key] = f"GET {url}: {response.status_code} not in the API's error shape: {response.content[:200]}"
    assert wrong == {}, f"as {role}:\n" + "\n".join(wrong.values())
