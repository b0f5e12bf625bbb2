"""Steps shared by the browser journeys, found by role and label as a user would.

Every page a journey visits is checked with axe (axe-core, shipped inside the
``axe-playwright-python`` package: nothing is fetched at run time) by ``AccessibilityAudit``,
which the ``page`` fixture of tests/e2e/conftest.py starts for every journey. A serious or
critical violation fails the journey.
"""

from axe_playwright_python.sync_playwright import Axe

from accounts.demo import DEMO_PASSWORD

AXE = Axe()
FAILING_IMPACTS = ("serious", "critical")
# The WCAG 2.0/2.1 A and AA rules and axe's best practices.
AXE_OPTIONS = {
    "resultTypes": ["violations"],
    "runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]},
}
CHECKED = "data-axe-checked"


def accessibility_violations(page) -> list[dict]:
    """The serious and critical axe violations of the page as it is now."""
    violations = AXE.run(page, options=AXE_OPTIONS).response["violations"]
    return [v for v in violations if v["impact"] in FAILING_IMPACTS]


def describe(violations: list[dict]) -> str:
    lines = []
    for violation in violations:
        lines.append(f"- {violation['id']} ({violation['impact']}): {violation['help']}")
        for node in violation["nodes"][:5]:
            lines.append(
                f"    {', '.join(map(str, node['target']))}: {node['failureSummary'].splitlines()[-1].strip()}"
            )
    return "\n".join(lines)


class AccessibilityAudit:
    """Checks each document a journey reaches, before Playwright acts or asserts on it.

    A violation is recorded rather than raised where it is found: Playwright runs the check
    inside the action that triggered it, and cannot stop that action. ``finish`` checks the page
    the journey ends on and fails with every page's violations; tests/e2e/conftest.py calls it
    at the end of each journey.
    """

    def __init__(self, page):
        self.page = page
        self.checked: list[str] = []
        self.failures: dict[str, list[dict]] = {}

    def start(self) -> "AccessibilityAudit":
        self.page.add_locator_handler(self.unchecked(), self.check)
        return self

    def unchecked(self):
        return self.page.locator(f"html:not([{CHECKED}])")

    def check(self) -> None:
        self.page.wait_for_load_state("load")
        violations = accessibility_violations(self.page)
        self.page.evaluate(f"document.documentElement.setAttribute('{CHECKED}', '')")
        self.checked.append(self.page.url)
        if violations:
            self.failures.setdefault(self.page.url, []).extend(violations)

    def finish(self) -> None:
        if not self.page.is_closed() and self.unchecked().count():
            self.check()
        failures, self.failures = self.failures, {}
        assert not failures, "Accessibility violations (serious or critical):\n" + "\n".join(
            f"{url}\n{describe(violations)}" for url, violations in failures.items()
        )


def log_in(page, email: str, password: str = DEMO_PASSWORD) -> None:
    page.goto("/accounts/login/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign In").click()


def log_out(page) -> None:
    page.get_by_role("button", name="Log out").click()
    # allauth asks to confirm on its own page.
    if page.get_by_role("button", name="Sign Out").count():
        page.get_by_role("button", name="Sign Out").click()
