"""Row locks on a listing and its applications, taken in one order by every writer.

The order: the listing rows first (in primary-key order), then their applications (in primary-key
order), always ``FOR NO KEY UPDATE``. Two transactions that both follow it cannot wait for each
other in a circle: whichever locks the listing first finishes before the other touches any of
its applications. A path that locked applications without the listing (bulk reject did) while
another held the listing and one application and then closed the rest (accepting the last
offer) deadlocked. So every path that changes a listing's applications (a single move, bulk
reject, accepting an offer, closing them when the listing ends) locks through this module. (The
untouched-applications nudge only marks rows it can lock at once, ``skip_locked``: it never
waits, so it cannot take part in a deadlock.)

(Saleor's ``checkout/lock_objects.py``: the lock queries written once.) ``listing_transition``
in the listings app locks listings alone, in the same primary-key order, and closes applications
only through :func:`applications_lock`, so it keeps the order too.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import Q

from listings.models import Listing

from .models import Application


def listings_lock(listing_ids: Iterable[int]) -> list[Listing]:
    """Lock the listings, in primary-key order, with their organizations loaded (not locked)."""
    return list(
        Listing.objects.filter(pk__in=list(listing_ids))
        .order_by("pk")
        .select_for_update(no_key=True, of=("self",))
        .select_related("organization")
    )


def listing_lock(listing_id: int) -> Listing:
    """Lock one listing (raises ``Listing.DoesNotExist``)."""
    rows = listings_lock([listing_id])
    if not rows:
        raise Listing.DoesNotExist(f"Listing {listing_id} does not exist.")
    return rows[0]


def applications_lock(
    *, listing_ids: Iterable[int], where: Q | None = None, limit: int | None = None
) -> list[Application]:
    """Lock the listings, then those of their applications that match ``where``, in primary-key
    order (at most ``limit``), with listing, organization and student loaded."""
    locked = [listing.pk for listing in listings_lock(listing_ids)]
    rows = (
        Application.objects.filter(listing_id__in=locked)
        .filter(where or Q())
        .order_by("pk")
        .select_for_update(no_key=True, of=("self",))
        .select_related("listing__organization", "student")
    )
    return list(rows[:limit] if limit is not None else rows)


def application_lock(pk: int) -> Application:
    """Lock one application, its listing first (raises ``Application.DoesNotExist``).

    The listing an application belongs to never changes, so reading it before taking the locks
    is safe.
    """
    listing_id = Application.objects.values_list("listing_id", flat=True).get(pk=pk)
    rows = applications_lock(listing_ids=[listing_id], where=Q(pk=pk))
    if not rows:
        raise Application.DoesNotExist(f"Application {pk} does not exist.")
    return rows[0]
