"""Saved-search alerts: one digest email per user and period with the new listings matching each
of their saved searches, and a signed unsubscribe link that works without logging in."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.core import signing
from django.db import transaction
from django.db.models import Q
from django.http import QueryDict
from django.urls import reverse
from django.utils import timezone

from accounts.models import StudentProfile, User
from notifications.events import Event, register
from notifications.services import notify

from .models import Listing, SavedSearch
from .search import CONFIG, Params, Viewer, filter_q, matching_windows, visible_listings

PERIODS = {SavedSearch.Frequency.DAILY: timedelta(days=1), SavedSearch.Frequency.WEEKLY: timedelta(days=7)}
# Beat fires at a fixed hour; allow it to run a little early without skipping a period.
PERIOD_SLACK = timedelta(hours=2)
USERS_PER_BATCH = 200
LISTINGS_PER_SEARCH = 10
UNSUBSCRIBE_SALT = "listings.saved-search-unsubscribe"
UNSUBSCRIBE_MAX_AGE = timedelta(days=60)

register(
    Event("listing.saved_search_digest", "New listings match my saved searches", "listings/email/saved_search_digest")
)


@dataclass
class DigestSection:
    search: SavedSearch
    listings: list[Listing]
    total: int
    url: str


def _params(search: SavedSearch) -> Params:
    from .forms import SearchForm

    form = SearchForm(QueryDict(search.query_string))
    if not form.is_valid():
        # A saved query that no longer validates (a removed field, say) keeps its valid parts.
        data = {k: v for k, v in form.cleaned_data.items() if k not in form.errors}
    else:
        data = form.cleaned_data
    return Params.from_cleaned(data)


def saved_search_new_matches(
    *, search: SavedSearch, viewer: Viewer, since: datetime, now: datetime
) -> tuple[list[Listing], int]:
    """Listings published after ``since`` that match the saved search, newest first."""
    from django.contrib.postgres.search import SearchQuery

    params = _params(search)
    base = visible_listings(viewer)
    windows = matching_windows(base, viewer=viewer, minimum=float(params.overlap), now=now) if params.overlap else None
    qs = base.filter(
        filter_q(params, viewer=viewer, now=now, windows=windows), published_at__gt=since, published_at__lte=now
    )
    if params.q:
        qs = qs.filter(search_document__vector=SearchQuery(params.q, search_type="websearch", config=CONFIG))
    total = qs.count()
    listings = (
        list(
            qs.select_related("organization")
            .defer("search_vector", "description")
            .order_by("-published_at", "-pk")[:LISTINGS_PER_SEARCH]
        )
        if total
        else []
    )
    return listings, total


def unsubscribe_token(user: User) -> str:
    return signing.dumps({"u": user.pk}, salt=UNSUBSCRIBE_SALT)


def unsubscribe_url(user: User) -> str:
    return settings.SITE_URL.rstrip("/") + reverse("saved_search_unsubscribe", args=[unsubscribe_token(user)])


class UnsubscribeRefused(Exception):
    pass


def saved_searches_unsubscribe(*, token: str) -> int:
    """Turn off every saved-search alert of the token's user. Returns how many were turned off."""
    try:
        data = signing.loads(token, salt=UNSUBSCRIBE_SALT, max_age=UNSUBSCRIBE_MAX_AGE)
    except signing.SignatureExpired as exc:
        raise UnsubscribeRefused(
            "This unsubscribe link has expired. Log in and turn alerts off on your saved searches page."
        ) from exc
    except signing.BadSignature as exc:
        raise UnsubscribeRefused("This unsubscribe link is not valid.") from exc
    return (
        SavedSearch.objects.filter(user_id=data.get("u"))
        .exclude(frequency=SavedSearch.Frequency.OFF)
        .update(frequency=SavedSearch.Frequency.OFF)
    )


def saved_search_alerts_send(
    *, frequency: str, now: datetime | None = None, batch_size: int = USERS_PER_BATCH
) -> tuple[int, bool]:
    """Send one batch of digests for ``frequency`` (daily or weekly). Returns (users emailed, more left).

    A search is due when it was never alerted or its last alert is a period old. Its
    ``last_alerted_at`` moves to ``now`` in the transaction that records the digest, and the
    digest's key names the user, period and day, so a second run sends nothing.
    """
    now = now or timezone.now()
    period = PERIODS[SavedSearch.Frequency(frequency)]
    due = Q(frequency=frequency) & (
        Q(last_alerted_at__isnull=True) | Q(last_alerted_at__lte=now - period + PERIOD_SLACK)
    )
    with transaction.atomic():
        user_ids = list(
            SavedSearch.objects.filter(due)
            .order_by("user_id")
            .values_list("user_id", flat=True)
            .distinct()[:batch_size]
        )
        if not user_ids:
            return 0, False
        searches = list(
            SavedSearch.objects.filter(due, user_id__in=user_ids)
            .select_for_update(skip_locked=True, of=("self",))
            .select_related("user")
            .order_by("user_id", "pk")
        )
        profiles = {
            p["user_id"]: p
            for p in StudentProfile.objects.filter(user_id__in=user_ids).values(
                "user_id", "time_zone", "institution_id"
            )
        }
        emailed = 0
        by_user: dict[int, list[SavedSearch]] = {}
        for search in searches:
            by_user.setdefault(search.user_id, []).append(search)
        for user_id, user_searches in by_user.items():
            user = user_searches[0].user
            profile = profiles.get(user_id, {})
            viewer = Viewer(
                user=user,
                time_zone=profile.get("time_zone", "UTC"),
                institution_id=profile.get("institution_id"),
                time_zone_from="profile" if profile else "default",
            )
            sections = []
            for search in user_searches:
                since = search.last_alerted_at or max(search.created_at, now - period)
                listings, total = saved_search_new_matches(search=search, viewer=viewer, since=since, now=now)
                if total:
                    url = reverse("listings:list") + ("?" + search.query_string if search.query_string else "")
                    sections.append(
                        DigestSection(
                            search=search, listings=listings, total=total, url=settings.SITE_URL.rstrip("/") + url
                        )
                    )
            if sections:
                notify(
                    event="listing.saved_search_digest",
                    recipients=[user],
                    key=f"digest:{frequency}:{user_id}:{now:%Y-%m-%d}",
                    context={
                        "sections": sections,
                        "frequency": frequency,
                        "total": sum(s.total for s in sections),
                        "unsubscribe_url": unsubscribe_url(user),
                    },
                    url="/listings/saved/",
                    summary=f"{sum(s.total for s in sections)} new listings match your saved searches.",
                )
                emailed += 1
        SavedSearch.objects.filter(pk__in=[s.pk for s in searches]).update(last_alerted_at=now)
    return emailed, len(user_ids) == batch_size
