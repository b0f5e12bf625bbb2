"""What "visible to the public" means for a listing, written once.

A listing is visible when it is published and not hidden after reports. The browse and search
pages, the API, saved-search alerts and applying (``ListingQuerySet.visible``,
``Listing.is_visible``), the partial indexes of the visible listings, the in-memory copy of them
(``snapshot``) and the trigger that keeps the search documents (migration 0013) all derive from
the definitions below. A module of its own, without models, so that migrations may import it.
"""

from django.db.models import Q

PUBLISHED = "published"

# For the ORM (querysets, partial index conditions).
VISIBLE = Q(status=PUBLISHED, hidden_for_review=False)


def is_visible(*, status: str, hidden_for_review: bool) -> bool:
    """For a listing already in memory."""
    return status == PUBLISHED and not hidden_for_review


def visible_sql(row: str) -> str:
    """For hand-written SQL: the condition on the listing row named ``row`` (a table alias, or
    ``NEW`` in a trigger)."""
    return f"{row}.status = '{PUBLISHED}' AND NOT {row}.hidden_for_review"
