"""A student makes a read-only API token on the settings page, uses it from a script (here, the
browser's request context), sees that it cannot write, and revokes it."""

import pytest
from playwright.sync_api import expect

from tests.e2e.journeys import log_in

pytestmark = pytest.mark.e2e


def test_student_makes_uses_and_revokes_a_read_only_token(page, demo_data):
    log_in(page, "student@demo.example")
    page.get_by_role("button", name="Amara").click()
    page.get_by_role("link", name="API tokens").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("API tokens")
    page.get_by_label("Name").fill("My applications script")
    page.get_by_label("Read only").check()
    page.get_by_label("Expires after").select_option("30")
    page.get_by_role("button", name="Create token").click()
    secret = page.get_by_label("Copy it now: it is shown only this once").input_value()
    assert secret.startswith("ia_")
    expect(page.get_by_test_id("tokens")).to_contain_text("My applications script")

    bearer = {"Authorization": f"Bearer {secret}"}
    me = page.request.get("/api/v1/me/", headers=bearer)
    assert me.status == 200 and me.json()["token_scope"] == "read"
    assert page.request.patch("/api/v1/me/", headers=bearer, data={"program": "History"}).status == 403

    page.reload()  # shown once: gone on the next view
    expect(page.get_by_test_id("new-token")).to_have_count(0)
    expect(page.get_by_test_id("tokens")).not_to_contain_text("Never")  # its use was recorded
    page.get_by_role("button", name="Revoke My applications script").click()
    expect(page.get_by_text("revoked: it no longer works")).to_be_visible()
    assert page.request.get("/api/v1/me/", headers=bearer).status == 401
