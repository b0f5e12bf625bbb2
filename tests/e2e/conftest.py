import pytest

from tests.e2e.journeys import AccessibilityAudit


@pytest.fixture
def page(page):
    """The shared browser page, with every page the journey visits checked for accessibility."""
    page.accessibility_audit = AccessibilityAudit(page).start()
    return page


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item):
    """A journey that passed still fails on the accessibility violations of the pages it visited."""
    result = yield
    page = item.funcargs.get("page")
    if page is not None:
        page.accessibility_audit.finish()
    return result
