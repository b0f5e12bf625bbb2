"""Who may do what to listings. Every view and API endpoint asks these functions."""

from __future__ import annotations

from accounts.permissions import is_member, organization_for

from .models import Listing

# Which organization an employer belongs to is the accounts app's rule.
organization_of = organization_for


def can_manage_listings(user) -> bool:
    """May open the dashboard and create listings: an employer with an organization."""
    return organization_of(user) is not None


def can_manage_listing(user, listing: Listing) -> bool:
    """Every active member of the listing's organization, and nobody else."""
    return is_member(user, listing.organization_id)


def can_moderate(user) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.is_site_staff)


def can_view_listing(user, listing: Listing, *, blocked_organization_ids: frozenset[int] = frozenset()) -> bool:
    """The public sees published, unhidden listings (and ended ones, which applicants may still
    open); members and staff see everything of theirs. A student never sees an organization their
    institution blocked."""
    if can_manage_listing(user, listing) or can_moderate(user):
        return True
    if listing.organization_id in blocked_organization_ids:
        return False
    if listing.is_visible:
        return True
    # Ended listings stay readable by their applicants, unless moderators hid them.
    return not listing.hidden_for_review and listing.status in (Listing.Status.CLOSED, Listing.Status.EXPIRED)


def can_report_listing(user, listing: Listing) -> bool:
    return bool(getattr(user, "is_authenticated", False)) and not can_manage_listing(user, listing)


def can_save_listings(user) -> bool:
    """Saved listings and saved searches are the students' tools."""
    return bool(getattr(user, "is_authenticated", False) and user.is_student)
