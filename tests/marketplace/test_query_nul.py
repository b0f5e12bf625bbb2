"""A NUL byte in a query parameter is refused or ignored, never a 500.

Every GET page of the URLconf is visited by a user allowed to see it, with its path filled from
real objects; the page's own query parameters are found by recording which ones it reads, then
each of them (and ``q``) is sent with a value containing NUL, one at a time and all together.
A page without a row in ``PAGES`` fails the test, unless it answers a GET with 405 (POST only).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import time, timedelta
from urllib.parse import urlencode

import pytest
from django.contrib import admin
from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import QueryDict
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.urls.converters import IntConverter
from django.utils import timezone

from accounts import services as account_services
from accounts.models import Organization, StudentProfile
from accounts.uploads import logo_check
from applications.models import Placement
from calendars.services import calendar_feed_issue
from evaluations import services as evaluation_services
from interviews import services as interview_services
from listings import alerts, expiry
from listings import services as listing_services
from notifications import services as notification_services
from notifications.models import Notification, PeriodicTaskRun
from reports import services as report_services
from reports.selectors import ReportFilters
from tests.accounts.factories import (
    InstitutionFactory,
    SiteStaffFactory,
    StudentFactory,
    owner_of,
    pdf_upload,
    pending_invitation,
    png_bytes,
)
from tests.applications.factories import AcceptedApplicationFactory, SubmittedApplicationFactory
from tests.evaluations.factories import completed, student_evaluates, supervisor_evaluates
from tests.listings.factories import DraftListingFactory, PublishedListingFactory, member_of
from tests.reports.factories import CareerStaffFactory, InstitutionStudentFactory, OutcomeFactory
from tests.support.world import World

pytestmark = pytest.mark.django_db

NUL = "bad\x00value"
REFUSAL = "Enter this on a single line, without line breaks, tabs or other control characters (found U+0000)."


# --- which query parameters a page reads ----------------------------------------------------------

READ: set[str] = set()


class RecordingQueryDict(QueryDict):
    """``request.GET`` that notes each parameter name a view, form or serializer asks for."""

    def __init__(self, source: QueryDict):
        super().__init__(mutable=True)
        for key, values in source.lists():
            self.setlist(key, values)
        self._mutable = False

    def __getitem__(self, key):
        READ.add(key)
        return super().__getitem__(key)

    def get(self, key, default=None):
        READ.add(key)
        return super().get(key, default)

    def getlist(self, key, default=None):
        READ.add(key)
        return super().getlist(key, default)

    def __contains__(self, key):
        READ.add(key)
        return super().__contains__(key)

    def copy(self):
        plain = QueryDict(mutable=True)
        for key, values in self.lists():
            plain.setlist(key, list(values))
        return plain

    __copy__ = copy

    def __deepcopy__(self, memo):
        return self.copy()


class RecordQueryParams:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.GET = RecordingQueryDict(request.GET)
        return self.get_response(request)


# --- the pages, their visitors and their path arguments -------------------------------------------


@pytest.fixture
def world() -> World:
    w = World()
    institution = InstitutionFactory(name="Lakeside", slug="lakeside")
    owner = owner_of("Northwind", verification=Organization.Verification.VERIFIED)
    organization = Organization.objects.get(memberships__user=owner)
    account_services.organization_update(
        organization=organization,
        logo=logo_check(SimpleUploadedFile("logo.png", png_bytes(), content_type="image/png")),
        **{f: getattr(organization, f) for f in ["name", "website", "country", "size", "description"]},
    )
    student = InstitutionStudentFactory(institution=institution, name="Amara Okafor")
    profile = StudentProfile.objects.get(user=student)
    account_services.student_profile_update(
        profile=profile,
        name="Amara Okafor",
        skills=["Python"],
        resume=pdf_upload(),
        links=[],
        **{
            "program": "BSc",
            "graduation_year": 2027,
            "country": "NG",
            "time_zone": "Africa/Lagos",
            "weekly_availability_hours": 20,
            "bio": "",
            "visibility": StudentProfile.Visibility.SEARCHABLE,
        },
    )
    careers = CareerStaffFactory(institution=institution)
    staff = SiteStaffFactory(is_superuser=True)
    listing = PublishedListingFactory(organization=organization, actor=owner, skills=["Python"], questions=["Why?"])
    other_listing = PublishedListingFactory(organization=organization, actor=owner, title="Second listing")
    draft = DraftListingFactory(organization=organization, actor=owner, title="A draft")
    application = SubmittedApplicationFactory(listing=listing, student=student)
    placement = Placement.objects.get(application=AcceptedApplicationFactory(student=student))
    search = listing_services.saved_search_create(
        user=student, name="Research", query_string="q=research", frequency="weekly"
    )
    listing_services.listing_report(listing=listing, reporter=student, reason="scam", details="")
    report_services.employer_approval_decide(user=careers, organization=organization, decision="approved")
    OutcomeFactory(student=student, institution=institution, recorded_by=careers)
    export = report_services.report_export_start(user=careers, format="csv", filters=ReportFilters())
    report_services.report_export_run(export_id=export.pk)
    account_services.institution_link_request(student=StudentFactory(name="Jonas Berg"), institution=institution)
    notification_services.preferences_set(user=student, email_events=set())
    PeriodicTaskRun.objects.get_or_create(task="test")
    listing_services.saved_listing_toggle(user=student, listing=listing)
    Group.objects.create(name="Moderators")
    account_services.personal_token_create(user=staff, name="Script", scope="read", lifetime_days=30)
    # The placement completed and evaluated by both sides: a certificate, a public portfolio.
    placement = completed(placement, supervisor=member_of(placement.listing))
    supervisor_evaluates(placement, member_of(placement.listing))
    student_evaluates(placement)
    evaluation_services.portfolio_update(student=student, is_public=True, slug="amara")
    interviewing = SubmittedApplicationFactory(
        listing=PublishedListingFactory(organization=organization, actor=owner, title="Interview listing"),
        student=student,
    )
    soon = timezone.localdate() + timedelta(days=3)
    proposed = interview_services.interview_round_propose(
        listing=interviewing.listing,
        application_ids=[interviewing.pk],
        user=owner,
        slots=[interview_services.SlotInput(day=soon, at=time(hour), minutes=30) for hour in (10, 11)],
        time_zone="Europe/Berlin",
        location="https://meet.example.org/acme",
    )
    invite = proposed.round.invites.get()
    interview = interview_services.interview_book(invite=invite, slot_id=proposed.round.slots.first().pk, user=student)
    interview_services.availability_add(user=owner, weekday=1, start=time(9), end=time(12), time_zone="Europe/Berlin")
    w.users = {"anonymous": None, "student": student, "owner": owner, "careers": careers, "staff": staff}
    w.objects = {
        "institution": institution,
        "organization": organization,
        "profile": profile,
        "listing": listing,
        "other_listing": other_listing,
        "draft": draft,
        "application": application,
        "placement": placement,
        "search": search,
        "export": export,
        "invitation": pending_invitation(organization=organization, email="new.recruiter@example.org"),
        "notification": Notification.objects.filter(recipient=owner).first(),
        "feed_token": calendar_feed_issue(user=student),
        "interview_application": interviewing,
        "invite": invite,
        "interview": interview,
    }
    return w


@dataclass(frozen=True)
class Page:
    visitor: str
    kwargs: Callable[[World], dict] = lambda w: {}


PAGES: dict[str, Page] = {
    # public
    "home": Page("anonymous"),
    "healthz": Page("anonymous"),
    "livez": Page("anonymous"),
    "api-schema": Page("anonymous"),
    "api-docs": Page("anonymous"),
    "api-redoc": Page("anonymous"),
    "listings:list": Page("anonymous"),
    "listings:detail": Page("anonymous", lambda w: {"pk": w.listing.pk}),
    "v1:listing-list": Page("anonymous"),
    "v1:listing-detail": Page("anonymous", lambda w: {"pk": w.listing.pk}),
    "listing_extend": Page("anonymous", lambda w: {"token": expiry.extend_token(w.listing)}),
    "saved_search_unsubscribe": Page("anonymous", lambda w: {"token": alerts.unsubscribe_token(w.users["student"])}),
    "accounts:skills_autocomplete": Page("anonymous"),
    "accounts:organization_logo": Page("anonymous", lambda w: {"slug": w.organization.slug}),
    "accounts:invitation": Page("anonymous", lambda w: {"token": w.invitation.token}),
    "accounts:invitation_signup": Page("anonymous", lambda w: {"token": w.invitation.token}),
    # allauth
    "account_login": Page("anonymous"),
    "account_signup": Page("anonymous"),
    "account_inactive": Page("anonymous"),
    "account_reset_password": Page("anonymous"),
    "account_reset_password_done": Page("anonymous"),
    "account_reset_password_from_key": Page("anonymous", lambda w: {"uidb36": "1", "key": "set-password"}),
    "account_reset_password_from_key_done": Page("anonymous"),
    "account_email_verification_sent": Page("anonymous"),
    "account_confirm_email": Page("anonymous", lambda w: {"key": "no-such-key"}),
    "account_confirm_login_code": Page("anonymous"),
    "account_logout": Page("student"),
    "account_reauthenticate": Page("student"),
    "account_email": Page("student"),
    "account_change_password": Page("student"),
    "account_set_password": Page("student"),
    # students
    "accounts:next_step": Page("student"),
    "accounts:profile": Page("student"),
    "accounts:profile_edit": Page("student"),
    "accounts:institution_link_request": Page("student"),
    "accounts:account_delete": Page("student"),
    "accounts:tokens": Page("student"),
    "v1:me": Page("student"),
    "v1:token-list": Page("student"),
    "accounts:resume": Page("student", lambda w: {"pk": w.profile.pk}),
    "notifications:list": Page("student"),
    "notifications:preferences": Page("student"),
    "listings:saved": Page("student"),
    "listings:report": Page("student", lambda w: {"pk": w.other_listing.pk}),
    "listings:search-update": Page("student", lambda w: {"pk": w.search.pk}),
    "applications:list": Page("student"),
    "applications:apply": Page("student", lambda w: {"listing_pk": w.other_listing.pk}),
    "applications:detail": Page("student", lambda w: {"pk": w.application.pk}),
    "applications:resume": Page("student", lambda w: {"pk": w.application.pk}),
    "v1:application-list": Page("student"),
    "v1:application-detail": Page("student", lambda w: {"pk": w.application.pk}),
    "v1:notification-list": Page("student"),
    "v1:notification-preferences": Page("student"),
    "v1:institution": Page("careers"),
    "v1:institution-invitations": Page("careers"),
    "v1:organization": Page("owner"),
    "v1:organization-members": Page("owner"),
    "v1:organization-invitations": Page("owner"),
    "placements:workspace": Page("student", lambda w: {"pk": w.placement.pk}),
    "v1:placement-list": Page("student"),
    "v1:placement-detail": Page("student", lambda w: {"pk": w.placement.pk}),
    "v1:placement-goals": Page("student", lambda w: {"pk": w.placement.pk}),
    "v1:placement-checkins": Page("student", lambda w: {"pk": w.placement.pk}),
    "v1:placement-goal": Page(
        "student", lambda w: {"pk": w.placement.pk, "goal_pk": w.placement.goals.order_by("pk").first().pk}
    ),
    "v1:placement-checkin": Page(
        "student", lambda w: {"pk": w.placement.pk, "checkin_pk": w.placement.checkins.order_by("pk").first().pk}
    ),
    "conversations:inbox": Page("student"),
    "conversations:thread": Page("student", lambda w: {"pk": w.application.pk}),
    "conversations:poll": Page("student", lambda w: {"pk": w.application.pk}),
    "conversations:earlier": Page("student", lambda w: {"pk": w.application.pk}),
    "v1:conversation-messages": Page("student", lambda w: {"pk": w.application.pk}),
    "v1:conversation-unread": Page("student"),
    "calendars:settings": Page("student"),
    "calendars:feed": Page("anonymous", lambda w: {"token": w.feed_token}),
    "calendars:event": Page("student", lambda w: {"key": f"placement-start-{w.placement.pk}"}),
    "interviews:mine": Page("student"),
    "interviews:choose": Page("student", lambda w: {"pk": w.invite.pk}),
    "interviews:detail": Page("student", lambda w: {"pk": w.interview.pk}),
    "v1:interview-list": Page("student"),
    "v1:interview-detail": Page("student", lambda w: {"pk": w.interview.pk}),
    "v1:interview-invitation": Page("student", lambda w: {"pk": w.invite.pk}),
    "interviews:propose": Page("owner", lambda w: {"pk": w.interview_application.pk}),
    "interviews:reschedule": Page("owner", lambda w: {"pk": w.interview.pk}),
    "interviews:listing": Page("owner", lambda w: {"pk": w.interview_application.listing_id}),
    "interviews:organization": Page("owner"),
    "interviews:availability": Page("owner"),
    "interviews:careers_no_shows": Page("careers"),
    # employers
    "accounts:organization": Page("owner"),
    "accounts:organization_create": Page("owner"),
    "accounts:organization_edit": Page("owner"),
    "accounts:organization_invite": Page("owner"),
    "accounts:student_profile": Page("owner", lambda w: {"pk": w.profile.pk}),
    "listings:dashboard": Page("owner"),
    "listings:create": Page("owner"),
    "listings:manage": Page("owner", lambda w: {"pk": w.listing.pk}),
    "listings:edit": Page("owner", lambda w: {"pk": w.draft.pk}),
    "listings:delete": Page("owner", lambda w: {"pk": w.draft.pk}),
    "applications:employer_applicants": Page("owner"),
    "applications:pipeline": Page("owner", lambda w: {"pk": w.listing.pk}),
    "applications:employer_detail": Page("owner", lambda w: {"pk": w.application.pk}),
    "v1:employer-listing-applications": Page("owner", lambda w: {"pk": w.listing.pk}),
    # the end of a placement
    "evaluations:evaluation": Page("student", lambda w: {"pk": w.placement.pk}),
    "evaluations:certificate_pdf": Page("student", lambda w: {"pk": w.placement.pk}),
    "evaluations:credential_json": Page("student", lambda w: {"pk": w.placement.pk}),
    "evaluations:badge_png": Page("student", lambda w: {"pk": w.placement.pk}),
    "evaluations:verify": Page("anonymous", lambda w: {"code": w.placement.certificate.code}),
    "evaluations:jwks": Page("anonymous"),
    "evaluations:issuer": Page("anonymous"),
    "evaluations:issuer_profile": Page("anonymous"),
    "evaluations:revocations": Page("anonymous"),
    "evaluations:organization_reviews": Page("anonymous", lambda w: {"slug": w.placement.organization.slug}),
    "evaluations:careers_reviews": Page("careers"),
    "evaluations:portfolio_settings": Page("student"),
    "evaluations:portfolio": Page("anonymous", lambda w: {"slug": "amara"}),
    "v1:placement-evaluation": Page("student", lambda w: {"pk": w.placement.pk}),
    "v1:certificate-list": Page("student"),
    "v1:certificate-verify": Page("anonymous", lambda w: {"code": w.placement.certificate.code}),
    "v1:portfolio": Page("anonymous", lambda w: {"slug": "amara"}),
    "v1:application-notes": Page("owner", lambda w: {"pk": w.application.pk}),
    # career services
    "accounts:my_institution": Page("careers"),
    "accounts:institution": Page("careers", lambda w: {"slug": w.institution.slug}),
    "accounts:institution_invite": Page("careers", lambda w: {"slug": w.institution.slug}),
    "reports:dashboard": Page("careers"),
    "reports:placements": Page("careers"),
    "reports:export_status": Page("careers", lambda w: {"pk": w.export.pk}),
    "reports:export_download": Page("careers", lambda w: {"pk": w.export.pk}),
    "reports:students": Page("careers"),
    "reports:student_detail": Page("careers", lambda w: {"pk": w.profile.pk}),
    "reports:employers": Page("careers"),
    "v1:career-placement-report": Page("careers"),
    "v1:career-dashboard": Page("careers"),
    "v1:career-export-list": Page("careers"),
    "v1:career-export-detail": Page("careers", lambda w: {"pk": w.export.pk}),
    "v1:career-export-download": Page("careers", lambda w: {"pk": w.export.pk}),
    # site staff
    "accounts:staff_organizations": Page("staff"),
    "accounts:staff_institutions": Page("staff"),
    "listings:moderation": Page("staff"),
    "notifications:operations": Page("staff"),
}

# Django's admin reads its query string as a whole (every key can be a filter), so its
# parameters are named here rather than recorded.
ADMIN_PARAMS = ["q", "p", "o", "e", "all", "_popup", "_to_field", "_changelist_filters"]

# Pages that refuse even the visitor of their row by design (keyed by name, or by route when unnamed).
REFUSED = {
    "admin:autocomplete": 403,  # no admin field uses autocomplete: every lookup is refused
    "admin:reports_exportauditlog_add": 403,  # the export audit log is written by exports only
    # Signing keys come from rotation, certificates from completing a placement; neither is deleted.
    "admin:evaluations_signingkey_add": 403,
    "admin:evaluations_signingkey_delete": 403,
    "admin:evaluations_certificate_add": 403,
    "admin:evaluations_certificate_delete": 403,
    "admin:accounts_personaltoken_add": 403,  # a token is made by its user, who alone sees the secret
    # Interviews change through their services (calendar updates); windows are added by the organization.
    **{
        f"admin:interviews_{m}_{v}": 403
        for m in ("interviewround", "interviewinvite", "interview")
        for v in ("add", "delete")
    },
    "admin:interviews_availability_add": 403,
    "admin/(?P<url>.*)$": 404,  # the admin's catch-all for unknown pages
    "account_confirm_login_code": 302,  # without a login by code under way, allauth sends one to log in
}


def patterns(resolver=None, prefix="", namespace=None):
    """(name, route, pattern) of every URL pattern, namespaces joined as ``reverse`` takes them."""
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            ns = namespace
            if entry.namespace:
                ns = f"{namespace}:{entry.namespace}" if namespace else entry.namespace
            yield from patterns(entry, prefix + str(entry.pattern), ns)
        elif isinstance(entry, URLPattern):
            name = f"{namespace}:{entry.name}" if namespace and entry.name else entry.name
            yield name, prefix + str(entry.pattern), entry


def admin_path(name: str | None, route: str, entry: URLPattern) -> str | None:
    """The admin's pages, filled generically: each registered model's changelist, add, change,
    delete, history (and extra) pages with the model's first row."""
    models = {f"{m._meta.app_label}/{m._meta.model_name}": m for m in admin.site._registry}
    params = list(entry.pattern.converters) or list(entry.pattern.regex.groupindex)
    model = models.get("/".join(route.split("/")[1:3]))
    if model is not None:
        first = model.objects.order_by("pk").first()
        assert first is not None, f"the world has no {model.__name__} for {route}"
        kwargs = dict.fromkeys(params, first.pk)
        if name is None:  # the admin's redirect from /admin/<app>/<model>/<id>/ to the change page
            return "/" + route.replace("<path:object_id>", str(first.pk))
        return reverse(name, kwargs=kwargs)
    if name == "admin:app_list":
        return reverse(name, kwargs={"app_label": "listings"})
    if name == "admin:view_on_site":
        return None  # a redirect to the object's own page, which is visited on its own
    if name is None:  # the catch-all view
        return "/admin/no-such-page/"
    return reverse(name)


def client_for(world: World, visitor: str) -> Client:
    client = Client(raise_request_exception=False)
    user = world.users[visitor]
    if user is not None:
        client.force_login(user)
    return client


def visit(client: Client, path: str, params: dict | None = None):
    READ.clear()
    return client.get(path + ("?" + urlencode(params) if params else ""))


def test_a_nul_byte_in_any_query_parameter_of_any_page_is_never_a_server_error(world, settings):
    settings.MIDDLEWARE = ["tests.marketplace.test_query_nul.RecordQueryParams", *settings.MIDDLEWARE]
    missing, failures, visited = [], [], {}
    for name, route, entry in patterns():
        if route.startswith("admin/"):
            path, client, known = admin_path(name, route, entry), client_for(world, "staff"), set(ADMIN_PARAMS)
            if path is None:
                continue
            baseline = visit(client, path)
        elif name in PAGES:
            page = PAGES[name]
            path, client = reverse(name, kwargs=page.kwargs(world)), client_for(world, page.visitor)
            baseline = visit(client, path)
            known = set(READ)
        else:
            # Not a GET page if it answers a GET from site staff with 405; else it needs a row.
            client = client_for(world, "staff")
            dummy = {k: 1 if isinstance(v, IntConverter) else "x" for k, v in entry.pattern.converters.items()}
            path = reverse(name, kwargs=dummy)
            baseline = visit(client, path)
            if baseline.status_code != 405:
                missing.append(name)
                continue
            known = set(READ)
        expected = REFUSED.get(name or route)
        sent_to_log_in = baseline.status_code == 302 and baseline["Location"].startswith(reverse("account_login"))
        allowed = (
            baseline.status_code == expected
            if expected
            else (baseline.status_code < 400 and not sent_to_log_in) or baseline.status_code == 405
        )
        if baseline.status_code >= 500:
            failures.append(f"{path}: {baseline.status_code} without any parameter")
            continue
        if not allowed:
            failures.append(f"{path}: the visitor is not allowed to see it ({baseline.status_code})")
            continue
        known.add("q")
        visited[path] = sorted(known)
        # All of them at once, then each alone (a valid neighbour must not let a bad one through);
        # the admin's parameters, being Django's own, only together and ``q`` alone.
        singles = ["q"] if route.startswith("admin/") else sorted(known)
        for params in [dict.fromkeys(known, NUL), *({key: NUL} for key in singles)]:
            response = visit(client, path, params)
            if response.status_code >= 500:
                failures.append(f"{path} {sorted(params)}: {response.status_code}")
    assert not missing, f"GET pages without a row in PAGES (say who may see them and with which objects): {missing}"
    assert not failures, "\n".join(failures)
    # The enumeration reached the pages the fault was found on, with the parameters they read.
    assert "q" in visited["/skills/autocomplete/"] and "q" in visited["/careers/employers/"]
    assert {"q", "kind", "page", "sort"} <= set(visited["/listings/"])
    assert len(visited) > 150, len(visited)


def test_skill_suggestions_refuse_a_nul_byte_with_a_json_error(client):
    response = client.get("/skills/autocomplete/", {"q": "py\x00thon"})
    assert response.status_code == 400
    assert response.json() == {"results": [], "errors": {"q": [REFUSAL]}}


def test_career_services_employer_search_shows_the_refusal_next_to_the_search_box(client):
    careers = CareerStaffFactory()
    organization = Organization.objects.get(memberships__user=owner_of("Northwind", verification="verified"))
    client.force_login(careers)
    response = client.get("/careers/employers/", {"q": "North\x00wind"})
    assert response.status_code == 200
    html = response.content.decode()
    assert 'aria-invalid="true"' in html and REFUSAL in html
    assert organization.name in html  # the list is shown unfiltered


def test_employer_applicant_list_api_refuses_a_nul_byte_in_status():
    from rest_framework.test import APIClient

    listing = PublishedListingFactory(requires_resume=False)
    api = APIClient()
    api.force_authenticate(Organization.objects.get(pk=listing.organization_id).memberships.first().user)
    response = api.get(f"/api/v1/employer/listings/{listing.pk}/applications/", {"status": "in_review\x00"})
    assert response.status_code == 400
    assert "status" in response.json()["fields"]
