"""Steps shared by the browser journeys, found by role and label as a user would."""

from accounts.demo import DEMO_PASSWORD


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
