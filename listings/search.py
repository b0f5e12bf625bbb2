"""Browse and search: full-text search with a typo-tolerant fallback, facets with counts, the
time-zone overlap filter, sorting and pagination. Used by the browse page and the API alike.

Queries per search (constant whatever the number of listings). Without a text query: one for the
listings written since this process's in-memory copy of the visible listings was brought up to
date (snapshot.py), which counts every facet and picks the page, and one for the page's listings.
With one: a planner setting and a single pass that matches (and, by relevance, ranks) every
match, then one for the page's listings; a query this process matched recently instead takes one
query for the listings written since, and one more to match those again when there are any
(matches.py). With kept matches switched off, a filtered search by relevance ranks only its
results, in one more query. The overlap filter adds the in-memory copy's query (for the working
days), the typo fallback (only when full text finds nothing) three. Without a text
query, a student with an institution adds one (the organizations it blocked)."""

from __future__ import annotations

import contextlib
import logging
import re
from collections import Counter
from dataclasses import dataclass
from dataclasses import field as dc_field
from datetime import datetime, timedelta
from urllib.parse import unquote

import numpy as np
import psycopg
from django.conf import settings
from django.contrib.postgres.search import SearchQuery, SearchRank
from django.db import DatabaseError, connection, transaction
from django.db.models import BooleanField, ExpressionWrapper, F, Q, QuerySet, TextField
from django.db.models.functions import Cast, Length
from django.utils import timezone

from accounts.models import StudentProfile
from accounts.selectors import blocked_organization_ids

from . import facets, snapshot
from .facets import DURATION_BUCKETS, HOURS_BUCKETS
from .matches import CHANGED_SQL, REFRESH_AFTER, Kept, kept_matches, merged
from .models import Field, KeptMatch, Listing, SearchDocument, SearchTerm
from .timezones import overlap_hours, parse_work_window, valid_zone, viewer_today

logger = logging.getLogger(__name__)

PAGE_SIZE = 20
CONFIG = "english"

POSTED_WITHIN = {"1": "Last 24 hours", "7": "Last 7 days", "30": "Last 30 days"}
SORTS = {
    "relevance": "Relevance",
    "newest": "Newest",
    "deadline": "Deadline soonest",
    "pay": "Highest pay (compared in US dollars)",
}
OVERLAP_CHOICES = {"1": "At least 1 h", "2": "At least 2 h", "4": "At least 4 h", "6": "At least 6 h"}
WORLDWIDE = "worldwide"


@dataclass(frozen=True)
class Viewer:
    """Who is looking: decides hidden organizations and the time zone of the overlap."""

    user: object = None
    time_zone: str = "UTC"
    institution_id: int | None = None
    time_zone_from: str = "default"  # profile, browser, default


def viewer_for(request) -> Viewer:
    """The viewer's time zone from their profile, else the ``tz`` cookie set by site.js, else UTC."""
    user = getattr(request, "user", None)
    # site.js stores the zone URL-encoded ("Asia%2FTokyo").
    cookie_tz = valid_zone(unquote(request.COOKIES.get("tz", "")))
    if user is not None and user.is_authenticated and user.is_student:
        profile = StudentProfile.objects.filter(user=user).values("time_zone", "institution_id").first()
        if profile:
            return Viewer(
                user=user,
                time_zone=profile["time_zone"],
                institution_id=profile["institution_id"],
                time_zone_from="profile",
            )
    if cookie_tz:
        return Viewer(user=user, time_zone=cookie_tz, time_zone_from="browser")
    return Viewer(user=user)


@dataclass
class Params:
    q: str = ""
    kind: list[str] = dc_field(default_factory=list)
    field: list[str] = dc_field(default_factory=list)
    compensation: list[str] = dc_field(default_factory=list)
    hours: list[str] = dc_field(default_factory=list)
    duration: list[str] = dc_field(default_factory=list)
    country: list[str] = dc_field(default_factory=list)
    skill: list[str] = dc_field(default_factory=list)
    posted: str = ""
    overlap: str = ""
    sort: str = ""
    page: int = 1

    @classmethod
    def from_cleaned(cls, data: dict) -> Params:
        return cls(**{k: v for k, v in data.items() if k in cls.__dataclass_fields__ and v not in (None,)})


def _blocked(viewer: Viewer) -> QuerySet:
    """The ids of the organizations the viewer's institution blocked (the viewer has one)."""
    return blocked_organization_ids(institution_id=viewer.institution_id)


def visible_listings(viewer: Viewer) -> QuerySet[Listing]:
    """Published, unhidden listings, minus organizations the viewer's institution blocked."""
    qs = Listing.objects.visible()
    if viewer.institution_id:
        qs = qs.exclude(organization_id__in=_blocked(viewer))
    return qs


def blocked_organizations(viewer: Viewer) -> list[int]:
    """The organizations the viewer's institution blocked (none for other viewers)."""
    return list(_blocked(viewer)) if viewer.institution_id else []


SCALAR_FACETS = ("kind", "field", "compensation", "hours", "duration")


def _selected(params: Params) -> dict[str, set[str]]:
    return {name: set(getattr(params, name)) for name in SCALAR_FACETS if getattr(params, name)}


def scalar_q(params: Params, *, now: datetime) -> Q:
    """The filters on single-valued facets (within a facet: any of; across: all of), as a set of
    facet keys, and "posted within"."""
    q = Q()
    selected = _selected(params)
    if selected:
        q &= Q(facet_key__any=facets.keys_matching(selected))
    if params.posted:
        q &= Q(published_at__gte=now - timedelta(days=int(params.posted)))
    return q


def country_q(params: Params) -> Q:
    """Open to any of the chosen countries (a worldwide listing is open to every country)."""
    if not params.country:
        return Q()
    codes = [c for c in params.country if c != WORLDWIDE]
    return Q(eligible_countries=[]) | Q(eligible_countries__overlap=codes) if codes else Q(eligible_countries=[])


def other_q(params: Params, *, windows: list[str] | None) -> Q:
    """The filters that are not facets counted disjunctively: skills (all of) and the overlap."""
    q = Q()
    if params.skill:
        q &= Q(skill_names__contains=params.skill)
    if windows is not None:
        q &= Q(work_window__any=windows)
    return q


def filter_q(params: Params, *, viewer: Viewer, now: datetime, windows: list[str] | None) -> Q:
    """Every filter except the full-text query, as one Q."""
    return scalar_q(params, now=now) & country_q(params) & other_q(params, windows=windows)


def matching_windows(base: QuerySet, *, viewer: Viewer, minimum: float, now: datetime) -> list[str]:
    """The distinct working days among visible listings whose overlap with the viewer's day today
    is at least ``minimum`` hours. One query."""
    keys = base.order_by().values_list("work_window", flat=True).distinct()
    return windows_with_overlap(keys, viewer=viewer, minimum=minimum, now=now)


def windows_with_overlap(keys, *, viewer: Viewer, minimum: float, now: datetime) -> list[str]:
    """Those of the working days ``keys`` whose overlap with the viewer's day today is at least
    ``minimum`` hours: each computed once, with the same Python as the badge."""
    today = viewer_today(viewer.time_zone, now)
    keep = []
    for key in keys:
        parsed = parse_work_window(key)
        if parsed is None:
            continue
        tz, start, end = parsed
        hours = overlap_hours(listing_tz=tz, work_start=start, work_end=end, viewer_tz=viewer.time_zone, on=today)
        if hours >= minimum:
            keep.append(key)
    return keep


# --- typo fallback ----------------------------------------------------------------------------

_trigram: dict[str, bool] = {}


def trigram_available() -> bool:
    """Whether pg_trgm is installed in this database (the embedded server does not ship it)."""
    name = connection.settings_dict["NAME"]
    if name not in _trigram:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1 FROM pg_extension WHERE extname = 'pg_trgm'")
            _trigram[name] = cursor.fetchone() is not None
    return _trigram[name]


def edit_distance(a: str, b: str, limit: int) -> int:
    """Damerau–Levenshtein (optimal string alignment) distance, giving up past ``limit``."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    prev2: list[int] = []
    prev = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        cur = [i] + [0] * len(b)
        for j, cb in enumerate(b, 1):
            cost = 0 if ca == cb else 1
            cur[j] = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost)
            if i > 1 and j > 1 and ca == b[j - 2] and a[i - 2] == cb:
                cur[j] = min(cur[j], prev2[j - 2] + 1)
        if min(cur) > limit:
            return limit + 1
        prev2, prev = prev, cur
    return prev[-1]


def _allowed_typos(word: str) -> int:
    return 1 if len(word) <= 5 else 2


def corrections(words: list[str], *, use_trigram: bool | None = None) -> dict[str, list[str]]:
    """Dictionary words within a small edit distance of each query word, closest first.

    With pg_trgm, trigram similarity picks the candidates in SQL; without it, candidates are the
    dictionary words of a similar length sharing the first or the last letter. Either way the
    edit distance decides. One query.
    """
    words = [w for w in words if len(w) >= 3][:6]
    if not words:
        return {}
    if use_trigram is None:
        use_trigram = trigram_available()
    if use_trigram:
        sql = (
            "SELECT q.w, t.word FROM unnest(%s::text[]) AS q(w) CROSS JOIN LATERAL ("
            " SELECT word FROM listings_searchterm WHERE similarity(word, q.w) > 0.2"
            " ORDER BY similarity(word, q.w) DESC LIMIT 10) t"
        )
        with connection.cursor() as cursor:
            cursor.execute(sql, [words])
            pairs = cursor.fetchall()
    else:
        shortest, longest = min(len(w) for w in words) - 2, max(len(w) for w in words) + 2
        ends = {w[0] for w in words} | {w[-1] for w in words}
        letters = "".join(sorted(ends))
        candidates = (
            SearchTerm.objects.annotate(size=Length("word"))
            .filter(
                Q(word__regex=f"^[{letters}]") | Q(word__regex=f"[{letters}]$"), size__gte=shortest, size__lte=longest
            )
            .values_list("word", flat=True)
        )
        pairs = [(w, c) for c in candidates for w in words if c[0] == w[0] or c[-1] == w[-1]]
    found: dict[str, list[tuple[int, str]]] = {}
    for word, candidate in pairs:
        distance = edit_distance(word, candidate, _allowed_typos(word))
        if distance <= _allowed_typos(word):
            found.setdefault(word, []).append((distance, candidate))
    return {w: [c for _, c in sorted(found[w])[:3]] for w in words if w in found}


def fallback_query(q: str, *, use_trigram: bool | None = None) -> tuple[str | None, str]:
    """A raw tsquery of the corrected words (each word: any of its corrections) and a "did you
    mean" text, or (None, "") when nothing is close."""
    # Words the user excluded ("-word") are not corrected into the query.
    words = [w for token in q.lower().split() if not token.startswith("-") for w in re.findall(r"[a-z0-9]+", token)]
    fixed = corrections(words, use_trigram=use_trigram)
    if not fixed:
        return None, ""
    # Dictionary words are [a-z0-9] only, so they are safe inside a raw tsquery.
    raw = " & ".join("(" + " | ".join(f"'{c}'" for c in fixed[w]) + ")" for w in words if w in fixed)
    suggestion = " ".join(fixed[w][0] if w in fixed else w for w in words)
    return raw, suggestion


# --- the search ---------------------------------------------------------------------------------


@dataclass
class FacetValue:
    value: str
    label: str
    count: int
    selected: bool


@dataclass
class SearchResult:
    listings: list[Listing]
    total: int
    page: int
    num_pages: int
    facets: dict[str, list[FacetValue]]
    suggestion: str = ""
    used_fallback: bool = False
    viewer: Viewer = dc_field(default_factory=Viewer)

    @property
    def has_next(self) -> bool:
        return self.page < self.num_pages

    @property
    def has_previous(self) -> bool:
        return self.page > 1


# The grouped rows' count columns after the key (snapshot.count): every listing, then posted
# within each period.
POSTED_COLUMNS = {"": "n", **{k: f"p{k}" for k in POSTED_WITHIN}}


def _scalar_counts(rows: np.ndarray, params: Params) -> tuple[int, dict[str, Counter]]:
    """The total and the disjunctive counts of the single-valued facets, from the grouped rows
    (one per facet key: key, listings, posted within each period; snapshot.count).

    A group that passes every selected facet counts towards the total and every facet; a group
    that fails exactly one facet's selection counts towards that facet only (it is what choosing
    that value too would add); a group failing two or more counts nowhere. Computed over the
    groups' arrays (thousands of groups at 100,000 listings), not group by group.
    """
    selected = _selected(params)
    counts: dict[str, Counter] = {name: Counter() for name in (*SCALAR_FACETS, "posted", "worldwide")}
    if not len(rows):
        return 0, counts
    keys = rows[:, 0]
    n = rows[:, 1 + list(POSTED_COLUMNS).index(params.posted or "")]
    parts = {part.name: part for part in facets.parts()}
    index = {name: (keys >> part.shift) & ((1 << part.bits) - 1) for name, part in parts.items()}
    failing = {}
    for name, chosen in selected.items():
        wanted = [i for i, value in enumerate(parts[name].values) if value in chosen]
        failing[name] = ~np.isin(index[name], wanted)
    fails = sum((f.astype(np.int64) for f in failing.values()), np.zeros(len(keys), dtype=np.int64))
    passing = fails == 0

    def add(name: str, where: np.ndarray) -> None:
        values = parts[name].values
        per_index = np.bincount(index[name][where], weights=n[where], minlength=len(values))
        for i, value in enumerate(values):
            if per_index[i]:
                counts[name][value] += int(per_index[i])

    for name in (*SCALAR_FACETS, "worldwide"):
        add(name, passing)
    for name, fail in failing.items():
        add(name, (fails == 1) & fail)
    for offset, days in enumerate(POSTED_WITHIN, start=2):
        counts["posted"][days] += int(rows[passing, offset].sum())
    return int(n[passing].sum()), counts


def _facets(scalar: dict[str, Counter], arrays: dict, params: Params) -> dict[str, list[FacetValue]]:
    def make(name, choices, selected):
        return [FacetValue(v, label, scalar[name].get(v, 0), v in selected) for v, label in choices]

    counts = dict(arrays["country"])
    # Worldwide listings pass every country filter, so their count (from the facet keys) is the
    # same with or without one; a country's count includes the worldwide listings open to it.
    worldwide = scalar["worldwide"].get("yes", 0)
    countries = [(WORLDWIDE, "Worldwide (any country)")] + [(c, c) for c, _ in arrays["country"][:30]]
    country_values = [
        FacetValue(v, label, worldwide if v == WORLDWIDE else counts.get(v, 0) + worldwide, v in params.country)
        for v, label in countries
    ]
    for c in params.country:
        if c not in dict(countries):
            country_values.append(FacetValue(c, c, counts.get(c, 0) + worldwide, True))
    top_skills = arrays["skill"][:20]
    skill_values = [FacetValue(s, s, n, s in params.skill) for s, n in top_skills]
    for s in params.skill:
        if s not in dict(top_skills):
            skill_values.append(FacetValue(s, s, 0, True))
    return {
        "kind": make("kind", Listing.Kind.choices, params.kind),
        "field": make("field", Field.choices, params.field),
        "compensation": make("compensation", Listing.Compensation.choices, params.compensation),
        "hours": make("hours", [(k, v[0]) for k, v in HOURS_BUCKETS.items()], params.hours),
        "duration": make("duration", [(k, v[0]) for k, v in DURATION_BUCKETS.items()], params.duration),
        "country": country_values,
        "skill": skill_values,
        "posted": make("posted", list(POSTED_WITHIN.items()), [params.posted]),
    }


def country_test(params: Params):
    """The country filter as a test of a listing's set of eligible countries (None: no filter)."""
    if not params.country:
        return None
    codes = {c for c in params.country if c != WORLDWIDE}
    return lambda countries: not countries or not codes.isdisjoint(countries)


# PostgreSQL's default random_page_cost (4) prices a random heap read as a disk seek, so for a
# word in a tenth of the listings it scans every search document instead of fetching the matches
# the GIN index names (q=python at 100,000 listings: 46 ms against 9 ms). Priced as the cached
# reads they are, for the text query only (SET LOCAL ends with its transaction).
TEXT_RANDOM_PAGE_COST = 1.1


@contextlib.contextmanager
def _text_transaction(*, savepoint: bool = True):
    """A transaction whose queries read the search documents with random_page_cost priced as the
    cached reads they are (above); the setting ends with the transaction."""
    with transaction.atomic(savepoint=savepoint):
        with connection.cursor() as cursor:
            cursor.execute(f"SET LOCAL random_page_cost = {TEXT_RANDOM_PAGE_COST}")
        yield


def _packed(buffer, dtype: str) -> np.ndarray:
    return np.frombuffer(bytes(buffer or b""), dtype=dtype)


def _binary_rows(sql: str, params) -> list[tuple]:
    """The rows of ``sql``, read in PostgreSQL's binary format: a bytea column arrives as its bytes.
    Django's cursors bind parameters on the client, which reads results only as text, where bytea
    comes as hex (twice the bytes, then decoded: 13 of the 16 ms reading 195,000 kept matches). A
    server-binding psycopg cursor on the same connection and transaction, wrapped as Django wraps
    its own, so the query is counted, logged and passed to execute wrappers like any other."""
    connection.ensure_connection()
    raw = psycopg.Cursor(connection.connection)
    raw.format = psycopg.pq.Format.BINARY
    with connection.make_debug_cursor(raw) if connection.queries_logged else connection.make_cursor(raw) as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def text_matches(query: SearchQuery, *, ranked: bool = False) -> tuple[np.ndarray, np.ndarray | None]:
    """The ids, sorted, of the visible listings whose search vector matches ``query``: the GIN
    index of the narrow search documents, then those rows. Filters and counts are applied to them
    in memory. ``ranked``: also each match's relevance, read in the same pass (for a search whose
    every match is a result).

    The matches come back as one packed value per column (``string_agg`` of each id's and rank's
    binary form), read straight into numpy: q=intern matches 65,000 of 100,000 listings, and
    turning 65,000 rows into Python tuples cost more than finding them. Matches are kept at two
    levels (matches.py), each brought up to date with the listings written since: a query matched
    recently by this process is not matched again; otherwise the matches of a frequent word kept in
    the database are read in the same query that would match it, and used instead."""
    matches = SearchDocument.objects.filter(vector=query)
    if ranked:
        matches = matches.annotate(rank=SearchRank(F("vector"), query)).values_list("listing_id", "rank")
        packing = "string_agg(int8send(m.listing_id), ''), string_agg(float4send(m.rank), '')"
    else:
        matches = matches.values_list("listing_id")
        packing = "string_agg(int8send(m.listing_id), ''), NULL"
    sql, sql_params = matches.query.sql_with_params()
    key = (connection.settings_dict["NAME"], ranked, sql, tuple(sql_params))
    kept = kept_matches().get(key)
    if kept is not None:
        current = _brought_up_to_date(key, kept, query, ranked=ranked)
        if current is not None:
            return current
        return _matched_afresh(key, _match(sql, sql_params, packing), ranked=ranked)
    in_database = KeptMatch.objects.filter(query=Cast(query, output_field=TextField()))
    kept_sql, kept_params = in_database.values_list("since", "packed", "matches").query.sql_with_params()
    rows = _match(sql, sql_params, packing, kept_sql=kept_sql, kept_params=kept_params)
    found = next((row for row in rows if row[0]), None)
    if found is None:
        return _matched_afresh(key, rows, ranked=ranked)
    _, since, packed, _, _, count = found
    if len(packed) != 12 * count:  # not as keep_frequent_matches writes them: match afresh
        return _matched_afresh(key, _match(sql, sql_params, packing), ranked=ranked)
    kept = Kept(
        since=since,
        ids=np.frombuffer(packed, dtype=">i8", count=count).astype(np.int64),
        ranks=np.frombuffer(packed, dtype=">f4", count=count, offset=8 * count).astype(np.float32) if ranked else None,
    )
    # What the database kept was committed before ``since``: whatever this transaction wrote is
    # stamped after it and is matched again on every use, so this process may keep it too.
    kept_matches().put(key, kept)
    current = _brought_up_to_date(key, kept, query, ranked=ranked)
    if current is not None:
        return current
    return _matched_afresh(key, _match(sql, sql_params, packing), ranked=ranked)


def _match(sql: str, sql_params, packing: str, *, kept_sql: str | None = None, kept_params=()) -> list[tuple]:
    """Match the query ``sql`` selects (one row: False, the moment, the packed ids and ranks,
    whether this transaction has written, NULL). With ``kept_sql``, the row the database keeps for
    the query comes first (True, its moment, its ids and ranks in one value, NULL, NULL, its
    number of matches) when there is one, and then the match itself is not run: one query either
    way."""
    matched = (
        f"SELECT false, pg_snapshot_xmin(pg_current_snapshot())::text, {packing},"  # noqa: S608 (the ORM's own SQL)
        f" pg_current_xact_id_if_assigned() IS NOT NULL, NULL::integer FROM ({sql}) m"
    )
    if kept_sql is not None:
        matched = (
            f"WITH k AS ({kept_sql}) SELECT true, k.since::text, k.packed, NULL::bytea, NULL::boolean, k.matches"  # noqa: S608
            f" FROM k UNION ALL {matched} WHERE NOT EXISTS (SELECT 1 FROM k)"
        )
        sql_params = (*kept_params, *sql_params)
    with _text_transaction(savepoint=False):
        return _binary_rows(matched, sql_params)


def _matched_afresh(key: tuple, rows: list[tuple], *, ranked: bool) -> tuple[np.ndarray, np.ndarray | None]:
    """The ids (sorted) and ranks of a match ``_match`` ran, kept by this process unless its
    transaction has written (what it sees may be rolled back)."""
    ((_, since, packed_ids, packed_ranks, wrote, _),) = [row for row in rows if not row[0]]
    ids = _packed(packed_ids, ">i8").astype(np.int64)
    order = np.argsort(ids, kind="stable")
    ids = ids[order]
    ranks_ = _packed(packed_ranks, ">f4")[order].astype(np.float32) if ranked else None
    if not wrote:
        kept_matches().put(key, Kept(since=since, ids=ids, ranks=ranks_))
    return ids, _as_float64(ranks_)


def _as_float64(ranks: np.ndarray | None) -> np.ndarray | None:
    """Kept ranks (float32, as ts_rank returns them) as the search computes with them."""
    return ranks.astype(np.float64) if ranks is not None else None


def _brought_up_to_date(key: tuple, kept: Kept, query: SearchQuery, *, ranked: bool):
    """``kept`` with the listings written since it was matched matched again (by primary key);
    None when too many changed (the query is then matched afresh)."""
    with connection.cursor() as cursor:
        cursor.execute(CHANGED_SQL, [kept.since])
        changed, wrote, now_since = cursor.fetchone()
    if len(changed) > REFRESH_AFTER or int(now_since) < int(kept.since):
        # Many changes; or the server's counter is behind the kept moment (a restore into a new
        # cluster), so later writes could carry older stamps: match afresh.
        return None
    if not changed:
        return kept.ids, _as_float64(kept.ranks)
    changed = np.unique(np.asarray(changed, dtype=np.int64))
    again = SearchDocument.objects.filter(listing__id__any=changed.tolist()).annotate(
        hit=ExpressionWrapper(Q(vector=query), output_field=BooleanField())
    )
    if ranked:
        rows = list(again.annotate(rank=SearchRank(F("vector"), query)).values_list("listing_id", "hit", "rank"))
    else:
        rows = [(pk, hit, None) for pk, hit in again.values_list("listing_id", "hit")]
    hits = [(pk, rank) for pk, hit, rank in rows if hit]
    hit_ids = np.array([pk for pk, _ in hits], dtype=np.int64)
    hit_ranks = np.array([rank for _, rank in hits], dtype=np.float32) if ranked else None
    ids, ranks_ = merged(kept, changed, hit_ids, hit_ranks)
    if not wrote:
        # Every listing written before ``now_since`` has been seen: keep the merged matches from there.
        kept_matches().put(key, Kept(since=now_since, ids=ids, ranks=ranks_))
    return ids, _as_float64(ranks_)


# A frequent word's matches, kept by keep_frequent_matches: ids ascending, with the same ts_rank a
# search for the word computes (``%s`` is the word's tsquery, a quoted lexeme).
KEEP_SQL = (
    "INSERT INTO listings_keptmatch (query, since, matches, packed, kept_at)"
    " SELECT w.q::text, pg_snapshot_xmin(pg_current_snapshot())::text::bigint, count(d.listing_id),"
    " coalesce(string_agg(int8send(d.listing_id), '' ORDER BY d.listing_id), ''::bytea)"
    " || coalesce(string_agg(float4send(ts_rank(d.vector, w.q)), '' ORDER BY d.listing_id), ''::bytea), now()"
    " FROM (SELECT %s::tsquery AS q) w LEFT JOIN listings_searchdocument d ON d.vector @@ w.q GROUP BY w.q"
    " ON CONFLICT (query) DO UPDATE SET since = excluded.since, matches = excluded.matches,"
    " packed = excluded.packed, kept_at = excluded.kept_at RETURNING query"
)


@dataclass(frozen=True)
class Keeping:
    """What a run of keep_frequent_matches did: words matched and kept, words still fresh, rows
    dropped (words no longer frequent or past the budget); ``busy``: another run was under way,
    so this one did nothing."""

    kept: int
    fresh: int
    dropped: int
    busy: bool = False


# The advisory lock one run of keep_frequent_matches holds (two at once would each match every
# stale word): an arbitrary key of this project's.
KEEP_LOCK = 0x6B_65_70_74  # "kept"


def keep_frequent_matches(*, minimum: int | None = None, most: int | None = None, budget: int | None = None) -> Keeping:
    """Keep in the database the matches of the words found in at least ``minimum`` visible listings
    (settings.SEARCH_FREQUENT_WORD_LISTINGS), most frequent first, at most ``most`` words
    (SEARCH_FREQUENT_WORDS_MAX) and ``budget`` matches in all (SEARCH_FREQUENT_MATCHES_MAX, 12
    bytes each), for every web process to read instead of matching them (matches.py): the most
    frequent words are the costliest to match. A word kept is matched again only once more than
    half of REFRESH_AFTER listings changed since (a search lays fewer changes over it), and only if
    the oldest running transaction has moved past its moment (else matching again would give the
    same moment); or when the server's counter went behind its moment (a restore). Words no longer
    kept are dropped. Run by a periodic task; one run at a time."""
    minimum = settings.SEARCH_FREQUENT_WORD_LISTINGS if minimum is None else minimum
    most = settings.SEARCH_FREQUENT_WORDS_MAX if most is None else most
    budget = settings.SEARCH_FREQUENT_MATCHES_MAX if budget is None else budget
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_lock(%s)", [KEEP_LOCK])
        if not cursor.fetchone()[0]:
            return Keeping(kept=0, fresh=0, dropped=0, busy=True)
    try:
        return _keep_frequent_matches(_frequent_words(minimum, most, budget))
    finally:
        # A broken connection ends its session, and the lock with it: its error is the one to see.
        with contextlib.suppress(DatabaseError), connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_unlock(%s)", [KEEP_LOCK])


def _frequent_words(minimum: int, most: int, budget: int) -> list[str]:
    """The words in at least ``minimum`` search documents, most frequent first, within ``most``
    words and ``budget`` matches. ts_stat reads every document (0.5 s at 300,000 listings)."""
    if minimum <= 0 or most <= 0 or budget <= 0:
        return []
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT word, ndoc FROM ts_stat('SELECT vector FROM listings_searchdocument')"
            " WHERE ndoc >= %s ORDER BY ndoc DESC, word LIMIT %s",
            [minimum, most],
        )
        found = cursor.fetchall()
    words, total = [], 0
    for word, matches in found:
        if total + matches > budget:
            break
        # A lexeme is written as a tsquery by quoting it; the rare one with a quote or a backslash
        # (the only characters special inside quotes) is left to be matched afresh.
        if "'" not in word and "\\" not in word:
            words.append(word)
            total += matches
    return words


def _keep_frequent_matches(words: list[str]) -> Keeping:
    wanted = [f"'{word}'" for word in words]
    dropped, _ = KeptMatch.objects.exclude(query__in=wanted).delete()
    kept_since = dict(KeptMatch.objects.values_list("query", "since"))
    stale: dict[int, bool] = {}
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_snapshot_xmin(pg_current_snapshot())::text")
        now = int(cursor.fetchone()[0])
        for since in set(kept_since.values()):
            cursor.execute(
                "SELECT count(*) FROM (SELECT 1 FROM listings_listing WHERE search_xid >= %s::xid8 LIMIT %s) c",
                [str(since), REFRESH_AFTER // 2 + 1],
            )
            many = cursor.fetchone()[0] > REFRESH_AFTER // 2
            stale[since] = now < since or (many and now > since)
    kept = fresh = 0
    for query in wanted:
        since = kept_since.get(query)
        if since is not None and not stale[since]:
            fresh += 1
            continue
        with _text_transaction(), connection.cursor() as cursor:
            cursor.execute(KEEP_SQL, [query])
            (written,) = cursor.fetchone()
            if written != query:  # a search looks its query's own tsquery text up: never found
                logger.error("Matches of %s would be kept under %s: not kept", query, written)
                transaction.set_rollback(True)
                continue
        kept += 1
    return Keeping(kept=kept, fresh=fresh, dropped=dropped)


def ranks(ids: np.ndarray, query: SearchQuery) -> np.ndarray:
    """The relevance (ts_rank of the weighted vector) of each of ``ids``, in their order. Only the
    result set is ranked: ranking reads each listing's whole search vector. Packed both ways."""
    ranked = (
        SearchDocument.objects.filter(listing__id__any=ids.tolist())  # listing_id: no join
        .annotate(rank=SearchRank(F("vector"), query))
        .values_list("listing_id", "rank")
    )
    sql, sql_params = ranked.query.sql_with_params()
    ((packed_ids, packed_ranks),) = _binary_rows(
        f"SELECT string_agg(int8send(m.listing_id), ''), string_agg(float4send(m.rank), '') FROM ({sql}) m",  # noqa: S608
        sql_params,
    )
    found_ids = _packed(packed_ids, ">i8").astype(np.int64)
    found_ranks = _packed(packed_ranks, ">f4").astype(np.float64)
    order = np.argsort(found_ids)
    found_ids, found_ranks = found_ids[order], found_ranks[order]
    at = np.clip(np.searchsorted(found_ids, ids), 0, max(len(found_ids) - 1, 0))
    hit = found_ids[at] == ids if len(found_ids) else np.zeros(len(ids), dtype=bool)
    return np.where(hit, found_ranks[at] if len(found_ids) else 0.0, 0.0)


@dataclass(frozen=True)
class Prepared:
    """The visible listings a search will see (the process's copy brought up to date: one query),
    and ``state``: the copy's horizon when they are exactly the copy, nothing written since and
    nothing laid over it; two processes whose copies have the same horizon hold the same
    listings. None otherwise (writes since, or this transaction has written)."""

    columns: snapshot.Columns
    state: int | None


def prepare() -> Prepared:
    shared = snapshot.snapshot()
    columns = shared.current()
    copy = shared.copy
    return Prepared(columns, copy.horizon if copy is not None and columns is copy.columns else None)


def search_listings(
    params: Params, *, viewer: Viewer, page_size: int = PAGE_SIZE, prepared: Prepared | None = None
) -> SearchResult:
    """Run a search. Each facet is counted with every other filter applied but not its own (so
    choosing one value still shows the others'); skills, an "all of" filter, within the results.

    Filters, counts and the page's order come from this process's in-memory copy of the visible
    listings (snapshot.py); PostgreSQL matches the text query (GIN index), ranks the results and
    returns the page's listings. ``prepared``: the listings as ``prepare()`` read them for this
    request (read here otherwise)."""
    now = timezone.now()
    sort = params.sort or "relevance"
    if sort == "relevance" and not params.q:
        sort = "newest"
    shared = snapshot.snapshot()
    columns = prepared.columns if prepared is not None else shared.current()
    windows = None
    if params.overlap:
        minimum = float(params.overlap)
        windows = set(windows_with_overlap(shared.codes.windows.values, viewer=viewer, minimum=minimum, now=now))
    selected = _selected(params)
    blocked = blocked_organizations(viewer)

    def counted(only: np.ndarray | None) -> snapshot.Counted:
        return snapshot.count(
            columns,
            shared.codes,
            keys=facets.keys_matching(selected) if selected else None,
            posted_since=[now - timedelta(days=int(days)) for days in POSTED_WITHIN],
            since=now - timedelta(days=int(params.posted)) if params.posted else None,
            country=country_test(params),
            skills=params.skill,
            windows=windows,
            blocked=blocked,
            only=only,
        )

    # By relevance, only the results are ranked; when there are no filters, every match is one,
    # and is ranked as it is matched.
    # When the process keeps its matches (matches.py), every match is ranked once and kept, and a
    # filtered search looks its results' ranks up too.
    filtered = bool(selected or params.posted or params.country or params.skill or windows is not None or blocked)
    rank_matches = sort == "relevance" and (not filtered or kept_matches().budget > 0)
    query, suggestion, matched, matched_ranks = None, "", None, None
    if params.q:
        query = SearchQuery(params.q, search_type="websearch", config=CONFIG)
        matched, matched_ranks = text_matches(query, ranked=rank_matches)
        found = counted(matched)
        total, scalar = _scalar_counts(found.rows, params)
        if total == 0:
            fallback_raw, suggestion = fallback_query(params.q)
            if fallback_raw is not None:
                query = SearchQuery(fallback_raw, search_type="raw", config=CONFIG)
                matched, matched_ranks = text_matches(query, ranked=rank_matches)
                found = counted(matched)
                total, scalar = _scalar_counts(found.rows, params)
    else:
        found = counted(None)
        total, scalar = _scalar_counts(found.rows, params)

    num_pages = max(1, -(-total // page_size))
    page = min(max(1, params.page), num_pages)
    relevance = None
    if matched_ranks is not None:
        # Every result is a match: look each up in a table by id (a binary search of 65,000
        # unsorted ids in 65,000 matches cost more than the page's template).
        by_id = np.zeros(int(matched[-1]) + 1 if len(matched) else 0, dtype=np.float64)
        by_id[matched] = matched_ranks
        relevance = by_id[columns.id[found.result]]
    elif sort == "relevance" and total:
        relevance = ranks(columns.id[found.result], query)
    page_ids = snapshot.page(
        columns, found.result, sort=sort, offset=(page - 1) * page_size, limit=page_size, ranks=relevance
    )
    listings = []
    if page_ids:
        by_id = (
            visible_listings(viewer)
            .select_related("organization")
            .defer("search_vector", "description")
            .in_bulk(page_ids)
        )
        listings = [by_id[pk] for pk in page_ids if pk in by_id]

    today = viewer_today(viewer.time_zone, now)
    for listing in listings:
        listing.overlap = overlap_hours(
            listing_tz=listing.time_zone,
            work_start=listing.work_start,
            work_end=listing.work_end,
            viewer_tz=viewer.time_zone,
            on=today,
        )
    return SearchResult(
        listings=listings,
        total=total,
        page=page,
        num_pages=num_pages,
        facets=_facets(scalar, found.arrays, params),
        suggestion=suggestion,
        used_fallback=bool(suggestion),
        viewer=viewer,
    )
