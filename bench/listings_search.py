"""Benchmark: server time of the listings search page and API at 100,000 published listings.

    .venv/bin/python bench/listings_search.py                         # embedded PostgreSQL
    DATABASE_URL=postgres://postgres:postgres@127.0.0.1:5432/bench_listings \\
        .venv/bin/python bench/listings_search.py --listings 100000

The database named in DATABASE_URL is created if missing (never the project's own database:
by default a separate `bench_listings` database on the embedded server), migrated, given the
demo accounts and topped up to N published listings with `seed_bench`. Each case is requested
in-process through Django's test client (middleware, views, templates and SQL: the server's
time, without the network), after warm-up; p50/p95 per case and the query count are written
to docs/benchmarks.md under "## Listings search".
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import common  # noqa: E402 (bench/common.py, next to this script)

MODES = ("steady", "after a write")
CASES = [
    ("browse, newest", {}),
    ("q=python", {"q": "python"}),
    ("q=social media, newest", {"q": "social media", "sort": "newest"}),
    ("q=research + field + paid", {"q": "research", "field": "research", "compensation": "paid"}),
    ("micro + 11–20 h + ≤ 2 weeks", {"kind": "micro", "hours": "11-20", "duration": "lte14"}),
    ("skill=Python + country=DE, by pay", {"skill": "Python", "country": "DE", "sort": "pay"}),
    ("overlap ≥ 4 h (Berlin viewer)", {"overlap": "4"}),
    ("typo q=markting (fallback)", {"q": "markting"}),
    ("posted 7 days, by deadline, page 5", {"posted": "7", "sort": "deadline", "page": "5"}),
]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--listings", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=30, help="timed requests per case (after 3 warm-ups)")
    parser.add_argument("--output", default=str(ROOT / "docs" / "benchmarks.md"))
    args = parser.parse_args()

    common.setup_django("bench_listings")
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from listings import snapshot
    from listings.models import Listing

    # The worst case: every request matches and renders afresh. The text matches a process keeps
    # (listings/matches.py) and the cached cards (listings/fragments.py) are switched off here;
    # bench/listings_copy.py and bench/http_throughput.py measure with them.
    settings.SEARCH_MATCH_CACHE_IDS = 0
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}

    call_command("seed_demo", stdout=open(os.devnull, "w"))  # noqa: SIM115
    missing = args.listings - Listing.objects.published().count()
    if missing > 0:
        print(f"Creating {missing} listings…")
        started = time.monotonic()
        call_command("seed_bench", listings=missing)
        print(f"  seeded in {time.monotonic() - started:.0f} s")
    total = Listing.objects.published().count()
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        server = cursor.fetchone()[0]
        cursor.execute("SELECT 1 FROM pg_extension WHERE extname = 'pg_trgm'")
        trigram = cursor.fetchone() is not None
        cursor.execute(
            "SELECT current_setting('shared_buffers'), pg_size_pretty(pg_relation_size('listings_listing')),"
            " pg_size_pretty(pg_relation_size('listings_searchdocument'))"
        )
        shared_buffers, table_size, documents_size = cursor.fetchone()

    # The first search of a process reads every visible listing into memory (snapshot.py).
    snapshot.forget()
    started = time.perf_counter()
    Client().get("/api/v1/listings/")
    first_search = (time.perf_counter() - started) * 1000
    copy = snapshot.snapshot().copy.columns
    copy_mb = sum(getattr(copy, name).nbytes for name in snapshot.DTYPES) / 1e6

    client = Client()
    client.cookies["tz"] = "Europe/Berlin"
    written = Listing.objects.visible().order_by("pk").values_list("pk", flat=True).first()
    rows = []
    hits_by_case: dict[str, int] = {}
    for surface, path in (("API", "/api/v1/listings/"), ("page", "/listings/")):
        for label, params in CASES:
            measured = {}
            # "steady": nothing written between requests; "after a write": a listing is updated
            # (committed) before every request, so each search first lays that change over its
            # in-memory copy, or folds it in.
            for mode in MODES:
                timings, counts = [], []
                for i in range(3 + args.runs):
                    if mode == "after a write":
                        Listing.objects.filter(pk=written).update(openings=1 + i % 5)
                    with CaptureQueriesContext(connection) as queries:
                        started = time.perf_counter()
                        response = client.get(path, params)
                        elapsed = (time.perf_counter() - started) * 1000
                    assert response.status_code == 200, (path, params, response.status_code)
                    if i >= 3:
                        timings.append(elapsed)
                        counts.append(len(queries))
                measured[mode] = (max(counts), statistics.median(timings), common.percentile(timings, 95))
            if surface == "API":
                hits_by_case[label] = response.json()["count"]
            hits = hits_by_case[label]
            rows.append((surface, label, hits, *(measured[mode] for mode in MODES)))
            print(f"{surface:4} {label:38} hits={hits:>6}", *(f"{m} {measured[m]}" for m in MODES))

    worst = {mode: max(r[3 + i][2] for r in rows) for i, mode in enumerate(MODES)}
    load = os.getloadavg()
    section = [
        "## Listings search",
        "",
        f"`bench/listings_search.py`, {time.strftime('%Y-%m-%d')}: {total:,} published listings on PostgreSQL "
        f"{server} ({'with' if trigram else 'without'} pg_trgm), this machine (2 cores). Server time measured "
        f"in-process through Django's test client (middleware, view, SQL, template), {args.runs} timed requests per "
        "case and mode after 3 warm-ups; a viewer in Europe/Berlin (tz cookie). Target: p95 under 150 ms. "
        f"Machine load average at the end of the run: {load[0]:.1f} / {load[1]:.1f} / {load[2]:.1f} "
        "(other processes share the 2 cores; timings scale with it).",
        "",
        "Facet counts are disjunctive (each facet counted with every other filter but not its own). Every "
        "request counts everything afresh: filters, facet counts and the page's order come from the "
        "process's in-memory copy of the visible listings (listings/snapshot.py), brought up to date by one "
        "query per request; PostgreSQL matches a text query (GIN index), ranks its results and returns the "
        "page's 20 listings. Nothing is cached between requests: the text matches a process keeps "
        "(listings/matches.py) and the cached result cards (listings/fragments.py) are switched off, so this "
        "is the worst case (bench/listings_copy.py and bench/http_throughput.py measure with them). Modes: *steady*: nothing is written between "
        "requests; *after a write*: one listing is updated and committed before every request, so each "
        "search first lays that change over its copy, or folds it in (the row is removed and inserted again in "
        "order, by binary search).",
        "",
        "| surface | case | results | queries | p50 steady | p95 steady | queries after a write "
        "| p50 after a write | p95 after a write |",
        "|---|---|---:|---:|---:|---:|---:|---:|---:|",
        *[
            f"| {s} | {label} | {hits:,} | {a[0]} | {a[1]:.1f} | {a[2]:.1f} | {w[0]} | {w[1]:.1f} | {w[2]:.1f} |"
            for s, label, hits, a, w in rows
        ],
        "",
        f"Worst p95 (milliseconds): {worst['steady']:.1f} steady, {worst['after a write']:.1f} after a write. "
        "The query count per request does not depend on the number of listings (asserted exactly in "
        "tests/listings/test_queries.py at 10 and 60 listings). A text search's count here includes the BEGIN "
        "and COMMIT around its match (which runs with SET LOCAL random_page_cost); the tests run inside a "
        "transaction and do not see them.",
        "",
        f"The first search of a process reads every visible listing into memory: {first_search:,.0f} ms here "
        f"(once per process; later searches read only what changed); the copy's arrays take {copy_mb:.1f} MB. "
        "The server's shared_buffers is "
        f"{shared_buffers}; the listings table's heap is {table_size}, the search documents' (what a text "
        f"query reads) {documents_size}.",
        "",
    ]
    out = common.write_section("## Listings search", section, Path(args.output))
    print(f"Wrote {out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
