"""Reads for the listing pages (search itself lives in ``listings.search``)."""

from __future__ import annotations

from django.db.models import Count, Prefetch, Q, QuerySet

from accounts.models import Organization
from accounts.selectors import blocked_organization_ids as organizations_blocked_by

from .models import Listing, ListingReport, SavedListing, SavedSearch, ScreeningQuestion
from .search import Viewer, visible_listings


def dashboard_listings(*, organization: Organization) -> list[Listing]:
    """The organization's listings with ``applicant_counts`` ({status: n}) and ``applicant_total``.

    Two queries whatever the number of listings: the listings, then one aggregate over their
    applications, read through the relation the applications app declares (``Listing.applications``)
    so that this app, below it, does not import it.
    """
    listings = list(Listing.objects.of(organization).defer("search_vector").order_by("-created_at", "-pk"))
    counts: dict[int, dict[str, int]] = {}
    rows = (
        Listing.objects.of(organization)
        .filter(applications__isnull=False)
        .values("pk", "applications__status")
        .annotate(n=Count("applications"))
        .order_by()
    )
    for row in rows:
        counts.setdefault(row["pk"], {})[row["applications__status"]] = row["n"]
    for listing in listings:
        listing.applicant_counts = counts.get(listing.pk, {})
        listing.applicant_total = sum(listing.applicant_counts.values())
    return listings


# What decides who may see a listing's page and names the version it shows (its shared page's key,
# marketplace/pages.py): enough to answer from the cache without reading the whole listing.
BRIEF_FIELDS = ("status", "hidden_for_review", "updated_at", "organization")


def listing_for_detail(*, pk: int, brief: bool = False) -> Listing | None:
    """The listing with its organization and its screening questions in order; with ``brief``,
    only ``BRIEF_FIELDS`` and the organization."""
    listings = Listing.objects.select_related("organization").filter(pk=pk)
    if brief:
        listings = listings.only(*BRIEF_FIELDS)
    else:
        listings = listings.prefetch_related(
            Prefetch("questions", queryset=ScreeningQuestion.objects.order_by("position", "pk"))
        )
    return next(iter(listings), None)  # at most one row: no ORDER BY for first() to compile


def blocked_organization_ids(viewer: Viewer) -> frozenset[int]:
    """The organizations the viewer's institution blocked (``accounts.selectors``' query)."""
    if not viewer.institution_id:
        return frozenset()
    return frozenset(organizations_blocked_by(institution_id=viewer.institution_id))


def saved_listing_ids(*, user, listing_ids: list[int]) -> set[int]:
    if not getattr(user, "is_authenticated", False) or not user.is_student or not listing_ids:
        return set()
    return set(SavedListing.objects.filter(user=user, listing_id__in=listing_ids).values_list("listing_id", flat=True))


def saved_listings(*, user, viewer: Viewer) -> QuerySet[SavedListing]:
    """A student's saved listings that they may still see."""
    visible = visible_listings(viewer).values("pk")
    return (
        SavedListing.objects.filter(user=user)
        .filter(Q(listing_id__in=visible) | Q(listing__status__in=[Listing.Status.CLOSED, Listing.Status.EXPIRED]))
        .select_related("listing__organization")
        .order_by("-created_at")
    )


def saved_searches(*, user) -> QuerySet[SavedSearch]:
    return SavedSearch.objects.filter(user=user).order_by("-created_at")


def moderation_queue() -> tuple[list[Listing], list[Listing]]:
    """Listings waiting for review, and listings with open reports (with their reports)."""
    pending = list(
        Listing.objects.filter(status=Listing.Status.PENDING_REVIEW)
        .select_related("organization")
        .defer("search_vector")
        .order_by("updated_at", "pk")
    )
    reported = list(
        Listing.objects.filter(reports__status=ListingReport.Status.OPEN)
        .annotate(open_reports=Count("reports", filter=Q(reports__status=ListingReport.Status.OPEN)))
        .select_related("organization")
        .prefetch_related(
            Prefetch(
                "reports",
                queryset=ListingReport.objects.filter(status=ListingReport.Status.OPEN)
                .select_related("reporter")
                .order_by("created_at"),
                to_attr="open_report_list",
            )
        )
        .defer("search_vector")
        .order_by("-hidden_for_review", "-open_reports", "pk")
        .distinct()
    )
    return pending, reported
