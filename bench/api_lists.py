"""Benchmark: the API's list endpoints at 100,000 listings and 2,000 applicants on one listing.

    .venv/bin/python bench/api_lists.py                                   # embedded PostgreSQL
    DATABASE_URL=postgres://…/bench_api .venv/bin/python bench/api_lists.py --listings 100000

The database named in DATABASE_URL (by default a separate `bench_api` database on the embedded
server, never the project's own) is created if missing, migrated and topped up with
`seed_bench --listings N --applicants M`. Each endpoint is requested in-process through DRF's test
client with a personal token (``Authorization: Bearer``, as a script would) or anonymously
(middleware, authentication, view, SQL, serializers: the server's time without the network), after
warm-up; p50/p95 and the query count are written to docs/benchmarks.md under "## API lists".
"""

from __future__ import annotations

import argparse
import os
import statistics
import time
from pathlib import Path

import common  # bench/common.py, next to this script

ROOT = common.ROOT
SECTION = "## API lists"
TARGET_MS = 100


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--listings", type=int, default=100_000)
    parser.add_argument("--applicants", type=int, default=2000)
    parser.add_argument("--runs", type=int, default=40, help="timed requests per case (after 3 warm-ups)")
    parser.add_argument("--output", default=str(ROOT / "docs" / "benchmarks.md"))
    args = parser.parse_args()

    common.setup_django("bench_api")
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection
    from django.test.utils import CaptureQueriesContext, override_settings
    from rest_framework.test import APIClient

    from accounts import services as account_services
    from accounts.models import User
    from applications.bench import BENCH_EMPLOYER, bench_listing
    from applications.models import Application
    from listings.models import Listing

    have_listings = Listing.objects.filter(status=Listing.Status.PUBLISHED).count()
    listing = bench_listing()
    have_applicants = Application.objects.filter(listing=listing).count()
    if have_listings < args.listings or have_applicants < args.applicants:
        print(f"Seeding up to {args.listings:,} listings and {args.applicants:,} applicants…")
        started = time.perf_counter()
        call_command("seed_bench", listings=args.listings, applicants=args.applicants)
        print(f"  seeded in {time.perf_counter() - started:.0f} s")
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
        cursor.execute("SHOW server_version")
        server = cursor.fetchone()[0]
    published = Listing.objects.filter(status=Listing.Status.PUBLISHED).count()
    applicants = Application.objects.filter(listing=listing).count()

    employer = User.objects.get(email=BENCH_EMPLOYER)
    student = Application.objects.filter(listing=listing).order_by("pk").first().student
    clients = {"anonymous": APIClient()}
    for name, user in (("employer", employer), ("student", student)):
        _token, secret = account_services.personal_token_create(
            user=user, name="API benchmark", scope="read", lifetime_days=30
        )
        clients[name] = APIClient(HTTP_AUTHORIZATION=f"Bearer {secret}")

    cases = [
        ("listing search, page 1", "anonymous", "/api/v1/listings/", {}),
        ("listing search, q=python", "anonymous", "/api/v1/listings/", {"q": "python"}),
        ("listing search, page 50, 100 per page", "anonymous", "/api/v1/listings/", {"page": 50, "page_size": 100}),
        ("applicants of one listing", "employer", "/api/v1/applications/", {"listing": listing.pk}),
        (
            "applicants, status submitted, 100 per page",
            "employer",
            "/api/v1/applications/",
            {"listing": listing.pk, "status": "submitted", "page_size": 100},
        ),
        ("applicants, page 20", "employer", f"/api/v1/employer/listings/{listing.pk}/applications/", {"page": 20}),
        ("a student's applications", "student", "/api/v1/applications/", {}),
        ("notifications", "employer", "/api/v1/notifications/", {}),
    ]
    rows = []
    # Throttles are for clients, not for this loop of a few hundred requests.
    with override_settings(
        REST_FRAMEWORK={
            **settings.REST_FRAMEWORK,
            "DEFAULT_THROTTLE_CLASSES": [],
        }
    ):
        for label, who, path, params in cases:
            client = clients[who]
            timings = []
            for i in range(3 + args.runs):
                with CaptureQueriesContext(connection) as queries:
                    started = time.perf_counter()
                    response = client.get(path, params)
                    elapsed = (time.perf_counter() - started) * 1000
                assert response.status_code == 200, (label, response.status_code, response.content[:300])
                if i >= 3:
                    timings.append(elapsed)
            body = response.json()
            rows.append(
                (
                    label,
                    who,
                    body["count"],
                    len(body["results"]),
                    len(queries),
                    statistics.median(timings),
                    common.percentile(timings, 95),
                )
            )
            print(f"{label:45} count={body['count']:>7} queries={len(queries)} p95={rows[-1][6]:6.1f} ms")

    load = " ".join(f"{x:.1f}" for x in os.getloadavg())
    worst = max(r[6] for r in rows)
    section = [
        SECTION,
        "",
        f"`bench/api_lists.py`, {time.strftime('%Y-%m-%d %H:%M')} UTC: {published:,} published listings and "
        f"{applicants:,} applicants on one listing, PostgreSQL {server}, this machine (2 cores, shared; load average "
        f"{load} at the end). Server time in-process through DRF's test client with a read-only personal token "
        f"(Bearer) or anonymously, {args.runs} timed requests per case after 3 warm-ups. Target: p95 under "
        f"{TARGET_MS} ms.",
        "",
        "| case | as | count | rows | SQL queries | p50 ms | p95 ms |",
        "|---|---|---:|---:|---:|---:|---:|",
        *[
            f"| {label} | {who} | {count:,} | {shown} | {q} | {p50:.1f} | {p95:.1f} |"
            for label, who, count, shown, q, p50, p95 in rows
        ],
        "",
        f"Worst p95: {worst:.1f} ms ({'within' if worst < TARGET_MS else 'over'} the {TARGET_MS} ms target). "
        "The query counts do not depend on the number of rows (asserted exactly in the API tests of each app).",
        "",
    ]
    out = common.write_section(SECTION, section, Path(args.output))
    print(f"Wrote {out}")
    return 0 if worst < TARGET_MS else 1


if __name__ == "__main__":
    raise SystemExit(main())
