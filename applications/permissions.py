"""Who may do what to applications. Every page, endpoint and service asks these functions."""

from __future__ import annotations

from datetime import datetime

from accounts.permissions import is_active_user, organization_id_for
from listings.models import Listing

from .models import Application


def _authenticated(user) -> bool:
    return bool(getattr(user, "is_authenticated", False))


# The organization an employer is an active member of, or None: the accounts app's rule.
organization_id_of = organization_id_for


def is_member_of_listing_org(user, listing: Listing) -> bool:
    org_id = organization_id_of(user)
    return org_id is not None and org_id == listing.organization_id


def can_view_pipeline(user, listing: Listing) -> bool:
    """The applicants of a listing: every member of its organization, nobody else."""
    return is_member_of_listing_org(user, listing)


def can_view_applications_as_employer(user) -> bool:
    return organization_id_of(user) is not None


def can_review_application(user, application: Application) -> bool:
    """Read the applicant's profile, résumé, answers, history and the team's notes; move it."""
    return is_member_of_listing_org(user, application.listing)


def can_view_own_application(user, application: Application) -> bool:
    return _authenticated(user) and user.is_student and application.student_id == user.pk


def can_view_application(user, application: Application) -> bool:
    return can_view_own_application(user, application) or can_review_application(user, application)


def can_read_notes(user, application: Application) -> bool:
    """Team notes are private to the listing's organization (never the student)."""
    return can_review_application(user, application)


def can_download_resume(user, application: Application) -> bool:
    return can_view_application(user, application)


def can_apply_at_all(user) -> bool:
    return is_active_user(user) and user.is_student


def apply_refusal(
    *,
    user,
    listing: Listing,
    country: str,
    has_applied: bool,
    blocked: bool,
    now: datetime,
) -> str | None:
    """Why ``user`` may not apply to ``listing`` right now, in words for the student; None if they may.

    ``country`` is the student's profile country, ``has_applied`` whether an application exists,
    ``blocked`` whether the student's institution blocked the organization.
    """
    if not can_apply_at_all(user):
        return "Only students can apply to listings."
    if has_applied:
        return "You have already applied to this listing."
    if blocked or not listing.is_visible:
        return "This listing is not open for applications."
    if listing.application_deadline is not None and listing.application_deadline <= now:
        return "The application deadline has passed."
    if listing.eligible_countries:
        if not country:
            return "This listing is open to some countries only: add your country to your profile first."
        if country.upper() not in listing.eligible_countries:
            return "This listing is not open to applicants in your country."
    return None
