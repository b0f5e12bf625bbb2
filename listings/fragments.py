"""Rendered pieces of the browse page, cached by a key of everything they show.

The 20 result cards were about half of a browse request's time, and most of a page's cards were
rendered identically a moment before (the first page of a popular search, the same listing in
many searches). A card's HTML depends only on the listing's own fields (its ``version`` changes
with every write), its organization's name and verification, the viewer's hours of overlap with
it, the language and the time zone its dates are shown in: the key is a digest of exactly those, so a cached card is never stale; a
change makes a new key and the old entry simply ages out. What is the viewer's own (the save
button with its CSRF token, whether it is saved) is rendered around the card on every request.

The facet column is cached the same way: its key is a digest of the facet values and counts it
shows and the few parameters it echoes, so two searches with the same counts share it.

The cache is the site's cache (Redis, shared by every web process); while Redis is down it
answers as an empty cache (marketplace/cache.py) and the pieces are rendered afresh.
"""

from __future__ import annotations

import hashlib

from django.core.cache import cache
from django.db import connection
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

# Bump when a fragment's template changes, so that no entry of the old markup is served.
MARKUP_VERSION = "1"
PIECE_TIMEOUT = 24 * 3600
FACETS_TIMEOUT = 3600


def _key(kind: str, *parts) -> str:
    digest = hashlib.blake2b(repr(parts).encode(), digest_size=16).hexdigest()
    return f"listings:{kind}:{MARKUP_VERSION}:{digest}"


def listing_key(kind: str, listing, *context) -> str:
    """The key of a piece that shows ``listing`` as a card or an API item: the listing's version,
    what it shows of its organization, the viewer's overlap, the language and the time zone its
    times are shown in, and whatever else the caller names (``context``)."""
    organization = listing.organization
    return _key(
        kind,
        listing.pk,
        listing.version,
        organization.pk,
        organization.name,
        organization.slug,
        organization.country,
        organization.is_verified,
        getattr(listing, "overlap", None),  # annotated on search results only
        get_language(),
        timezone.get_current_timezone_name(),
        *context,
    )


def per_listing(kind: str, listings: list, build, *context) -> list:
    """``build(listing)`` for each of ``listings``, from the cache where it was built before with
    the same key (``listing_key``): one cache round trip for the page, one for what was missing."""
    keys = [listing_key(kind, listing, *context) for listing in listings]
    found = cache.get_many(keys) if keys else {}
    values, missing = [], {}
    for listing, key in zip(listings, keys, strict=True):
        value = found.get(key)
        if value is None:
            value = missing[key] = build(listing)
        values.append(value)
    if missing:
        cache.set_many(missing, PIECE_TIMEOUT)
    return values


def attach_cards(listings: list) -> None:
    """Give each listing of a result page its card's HTML (``card_html``)."""
    cards = per_listing("card", listings, lambda listing: render_to_string("listings/_card.html", {"listing": listing}))
    for listing, html in zip(listings, cards, strict=True):
        listing.card_html = mark_safe(html)  # noqa: S308 (our own template's output)


def facet_column(*, result, params, form) -> SafeString:
    """The filter column (facets with their counts, the posted and overlap choices), from the cache
    when the same values and counts were rendered before."""
    viewer = result.viewer
    shown = (
        [(name, [(v.value, v.label, v.count, v.selected) for v in values]) for name, values in result.facets.items()],
        params.overlap,
        viewer.time_zone,
        viewer.time_zone_from,
        get_language(),
    )
    key = _key("facets", shown)
    html = cache.get(key)
    if html is None:
        html = render_to_string(
            "listings/_facets.html",
            {"result": result, "params": params, "overlap_choices": form.fields["overlap"].choices},
        )
        cache.set(key, html, FACETS_TIMEOUT)
    return mark_safe(html)  # noqa: S308 (our own template's output)


# A whole search's answer (the results region of the browse page, the API's JSON) is kept this
# long; its key names the minute, so "posted in the last 24 hours" is at most a minute behind.
RESULTS_TIMEOUT = 120


def results_key(kind: str, *, state: int | None, request, viewer, extra=()) -> str | None:
    """The key of a whole search's answer, or None when it may not be shared: the listings are
    not exactly a copy's (``prepare().state`` is None), or the viewer's institution hides some
    organizations. Everything else the answer shows is in the key: the copy's horizon (the same
    horizon, the same listings in every process), the query string as given, the viewer's time
    zone and where it came from, the language and the time zone dates are shown in, and the
    minute (the posted-within counts and the overlap depend on the moment)."""
    if state is None or viewer.institution_id:
        return None
    return _key(
        kind,
        connection.settings_dict["NAME"],
        state,
        sorted(request.GET.lists()),
        viewer.time_zone,
        viewer.time_zone_from,
        get_language(),
        timezone.get_current_timezone_name(),
        timezone.now().strftime("%Y%m%d%H%M"),
        *extra,
    )


def cached_answer(key: str | None):
    return cache.get(key) if key is not None else None


def keep_answer(key: str | None, value) -> None:
    if key is not None:
        cache.set(key, value, RESULTS_TIMEOUT)
