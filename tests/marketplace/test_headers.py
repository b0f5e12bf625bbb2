"""Security headers: a Content-Security-Policy on every response (pages, error pages, API answers,
static files), no markup the policy would block, and report exports that no cache keeps."""

from html.parser import HTMLParser

import pytest
from django.test import Client
from django.urls import reverse

from reports import selectors as report_selectors
from reports import services as report_services
from tests.accounts.conftest import fresh_ip
from tests.listings.factories import PublishedListingFactory, StaffFactory, StudentFactory
from tests.reports.factories import (
    CareerStaffFactory,
    InstitutionFactory,
    InstitutionStudentFactory,
    PlacementFactory,
)

REQUIRED = {
    "default-src": {"'self'"},
    "script-src": {"'self'"},
    "object-src": {"'none'"},
    "base-uri": {"'none'"},
    "frame-ancestors": {"'none'"},
}


def policy_of(response) -> dict[str, set[str]]:
    header = response.headers.get("Content-Security-Policy")
    assert header, f"no Content-Security-Policy on {response.request['PATH_INFO']} ({response.status_code})"
    directives = {}
    for part in header.split(";"):
        name, *sources = part.split()
        directives[name] = set(sources)
    return directives


def assert_policy(response) -> None:
    directives = policy_of(response)
    for name, sources in REQUIRED.items():
        assert directives.get(name) == sources, (response.request["PATH_INFO"], name, directives.get(name))
    # Nothing re-opens inline or evaluated code anywhere in the policy.
    assert not any("unsafe" in source for sources in directives.values() for source in sources), directives


class BlockedMarkup(HTMLParser):
    """Collects what the policy blocks: inline scripts, <style> elements, style attributes, event
    handler attributes, javascript: URLs and htmx's evaluated hx-on attributes."""

    DATA_SCRIPTS = {"application/json", "application/ld+json"}

    def __init__(self):
        super().__init__()
        self.found = []

    def handle_starttag(self, tag, attrs):
        names = dict(attrs)
        if tag == "script" and not names.get("src") and names.get("type") not in self.DATA_SCRIPTS:
            self.found.append(f"inline <script> {attrs}")
        if tag == "style":
            self.found.append("<style> element")
        for name, value in attrs:
            if name == "style":
                self.found.append(f"style attribute on <{tag}>: {value}")
            elif name.startswith("on") or name.startswith("hx-on"):
                self.found.append(f"{name} handler on <{tag}>")
            elif name in ("href", "src", "action") and (value or "").strip().lower().startswith("javascript:"):
                self.found.append(f"javascript: URL on <{tag}>")


def blocked_markup(html: str) -> list[str]:
    parser = BlockedMarkup()
    parser.feed(html)
    return parser.found


@pytest.fixture
def world(db):
    """A student with a placement at a career-services staff member's institution, an export in
    progress: the pages with progress bars, charts and forms all have something to show."""
    institution = InstitutionFactory()
    staff = CareerStaffFactory(institution=institution)
    student = InstitutionStudentFactory(institution=institution, name="Ada Student")
    placement = PlacementFactory(student=student)
    export = report_services.report_export_start(user=staff, format="csv", filters=report_selectors.ReportFilters())
    return {"careers": staff, "student": student, "placement": placement, "export": export}


def signed_in(user) -> Client:
    client = Client(REMOTE_ADDR=fresh_ip())
    client.force_login(user)
    return client


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("name", "path", "status"),
    [
        ("home page", "/", 200),
        ("listing search", "/listings/", 200),
        ("login page", "/accounts/login/", 200),
        ("page that does not exist", "/no-such-page/", 404),
        ("page that needs a login", "/applications/", 302),
        ("admin (sends to its login)", "/admin/", 302),
        ("readiness check (JSON)", "/healthz", 200),
        ("API list", "/api/v1/listings/", 200),
        ("API error: not signed in", "/api/v1/applications/", 401),
        ("API error: no such object", "/api/v1/listings/999999999/", 404),
        ("API error: no such endpoint", "/api/v1/no-such-endpoint/", 404),
        ("API schema", "/api/schema/", 200),
        ("API docs", "/api/docs/", 200),
        ("API docs (ReDoc)", "/api/redoc/", 200),
    ],
)
def test_every_kind_of_response_carries_the_policy(client, name, path, status):
    response = client.get(path)
    assert response.status_code == status, name
    assert_policy(response)


@pytest.mark.django_db
def test_static_files_carry_the_policy(settings):
    # WhiteNoise serves static files (from the finders here, as it does from STATIC_ROOT in
    # production) from inside the middleware stack, below the policy's middleware.
    settings.WHITENOISE_USE_FINDERS = True
    response = Client().get("/static/css/site.css")
    assert response.status_code == 200
    assert_policy(response)


@pytest.mark.django_db
def test_forbidden_page_and_refused_post_carry_the_policy():
    refused = signed_in(StudentFactory()).get(reverse("listings:moderation"))
    assert refused.status_code == 403
    assert_policy(refused)
    csrf_failure = Client(enforce_csrf_checks=True, REMOTE_ADDR=fresh_ip()).post(reverse("account_login"), {})
    assert csrf_failure.status_code == 403
    assert_policy(csrf_failure)
    wrong_method = Client(REMOTE_ADDR=fresh_ip()).post(reverse("healthz"))
    assert wrong_method.status_code == 405
    assert_policy(wrong_method)


def test_pages_carry_no_markup_the_policy_blocks(world):
    """The pages with progress bars, charts and inline forms: every bar and colour now comes from
    the stylesheet or SVG attributes, never a style attribute."""
    careers, student = signed_in(world["careers"]), signed_in(world["student"])
    pages = {
        "profile (completeness bar)": student.get(reverse("accounts:profile")),
        "placement workspace (hours bar)": student.get(reverse("placements:workspace", args=[world["placement"].pk])),
        "careers dashboard (charts)": careers.get(reverse("reports:dashboard")),
        "careers employers (reason inputs)": careers.get(reverse("reports:employers")),
        "placement report (export progress)": careers.get(reverse("reports:placements")),
        "export status (htmx fragment)": careers.get(reverse("reports:export_status", args=[world["export"].pk])),
        "listing search": student.get(reverse("listings:list")),
        "listing detail": student.get(reverse("listings:detail", args=[PublishedListingFactory().pk])),
        "admin index": signed_in(StaffFactory(is_superuser=True)).get("/admin/"),
        "admin change form": signed_in(StaffFactory(is_superuser=True)).get(
            reverse("admin:accounts_user_change", args=[world["student"].pk])
        ),
    }
    for name, response in pages.items():
        assert response.status_code == 200, name
        assert blocked_markup(response.content.decode()) == [], name
    html = pages["placement report (export progress)"].content.decode()
    assert 'class="progress-fill' in html and 'aria-valuenow="0"' in html


def test_progress_bar_is_drawn_to_the_percentage(world):
    response = signed_in(world["student"]).get(reverse("accounts:profile"))
    percent = response.context["completeness"].percent
    assert f'<rect width="{percent}" height="1">' in response.content.decode()


@pytest.mark.django_db
def test_api_docs_load_their_script_from_a_url(client):
    page = client.get(reverse("api-docs"))
    html = page.content.decode()
    assert blocked_markup(html) == []
    assert "api-docs.css" in html and "swagger-ui-bundle.js" in html
    script = client.get(reverse("api-docs") + "?script=")
    assert script.status_code == 200 and script["Content-Type"].startswith("application/javascript")
    assert "SwaggerUIBundle(" in script.content.decode() and "/api/schema/" in script.content.decode()
    assert_policy(script)


def test_report_exports_are_never_cached(world):
    """Both the direct download and a finished background export: private, no-store."""
    careers = signed_in(world["careers"])
    direct = careers.post(reverse("reports:placement_export"), {"format": "csv"})
    assert direct.status_code == 200 and direct["Content-Disposition"].startswith("attachment")
    assert set(direct["Cache-Control"].replace(" ", "").split(",")) == {"private", "no-store"}
    assert_policy(direct)
    report_services.report_export_run(export_id=world["export"].pk)
    download = careers.get(reverse("reports:export_download", args=[world["export"].pk]))
    assert download.status_code == 200 and download["Content-Disposition"].startswith("attachment")
    assert set(download["Cache-Control"].replace(" ", "").split(",")) == {"private", "no-store"}


RECORD_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (e) => {
  window.__cspViolations.push(`${e.violatedDirective} blocked ${e.blockedURI || "inline"} at ${e.sourceFile}:${e.lineNumber}`);
});
"""


def redoc_known(violation: str) -> bool:
    """What ReDoc tries that the policy blocks, as it must: its vendor's logo from a CDN (always
    asked for by its sidebar), and the stylesheets its bundle inserts while loading, before it has
    read the page's nonce (the styles it renders with carry the nonce and apply)."""
    return violation == "img-src blocked https://cdn.redoc.ly/redoc/logo-mini.svg at :0" or (
        violation.startswith("style-src-elem blocked inline at ") and violation.endswith("redoc.standalone.js:8")
    )


@pytest.mark.e2e
def test_browser_reports_no_policy_violation_on_the_main_pages(page, demo_data):
    """Chromium enforces the policy: the pages with scripts, htmx, charts, progress bars and the
    Swagger UI run without a single blocked script, style or image."""
    from playwright.sync_api import expect

    from tests.e2e.journeys import log_in, log_out

    page.add_init_script(RECORD_VIOLATIONS)
    seen = {}

    def visit(path):
        page.goto(path)
        page.wait_for_load_state("networkidle")
        seen[path] = page.evaluate("window.__cspViolations")

    visit("/")
    visit("/listings/")
    page.get_by_label("Search listings").fill("research")
    page.get_by_label("Search listings").press("Enter")
    page.wait_for_load_state("networkidle")
    seen["/listings/ (htmx search)"] = page.evaluate("window.__cspViolations")
    visit("/api/docs/")
    expect(page.locator(".swagger-ui .info .title")).to_contain_text("Intern Anywhere API")
    seen["/api/docs/ (rendered)"] = page.evaluate("window.__cspViolations")
    visit("/api/redoc/")
    seen["/api/redoc/"] = [v for v in seen["/api/redoc/"] if not redoc_known(v)]
    expect(page.locator("h1").first).to_contain_text("Intern Anywhere API")
    seen["/api/redoc/ (rendered)"] = [v for v in page.evaluate("window.__cspViolations") if not redoc_known(v)]
    visit("/no-such-page/")
    log_in(page, "student@demo.example")
    visit("/profile/")
    visit("/profile/edit/")
    log_out(page)
    log_in(page, "careers@demo.example")
    visit("/careers/")
    visit("/careers/employers/")
    visit("/careers/placements/")
    assert {path: found for path, found in seen.items() if found} == {}
