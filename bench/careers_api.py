"""Benchmark: the career-services API at N placements of one institution.

    .venv/bin/python bench/careers_api.py --placements 20000
    DATABASE_URL=postgres://…/bench_reports .venv/bin/python bench/careers_api.py --placements 100000

Uses the export benchmark's database (``bench_reports``: demo accounts, Lakeside University topped
up with ``seed_bench --placements``). Signed in as careers@demo.example through Django's test
client (session authentication, the whole middleware stack), each endpoint is requested a few
times to warm up, then ``--requests`` times; the queries of one request are counted. Results go
to docs/benchmarks.md under "## Career services API".
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import common  # noqa: E402 (bench/common.py, next to this script)

SECTION = "## Career services API"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--placements", type=int, default=100_000)
    parser.add_argument("--requests", type=int, default=50)
    parser.add_argument("--verbose", action="store_true", help="print the slowest queries of each case")
    parser.add_argument("--output", default=str(ROOT / "docs" / "benchmarks.md"))
    args = parser.parse_args()

    common.setup_django("bench_reports")
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client

    from accounts.models import Institution, User
    from applications.models import Placement
    from reports import bench, selectors
    from reports.models import ReportExport

    call_command("seed_demo", stdout=open(os.devnull, "w"))  # noqa: SIM115
    lakeside = Institution.objects.get(slug="lakeside")
    scope = {"student__student_profile__institution": lakeside}
    missing = args.placements - Placement.objects.filter(**scope).count()
    if missing > 0:
        print(f"Creating {missing} placements…")
        bench.seed(
            sys.stdout,
            placements=missing + Placement.objects.filter(organization__slug__startswith=bench.BENCH_TAG).count(),
        )
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")
    total = Placement.objects.filter(**scope).count()
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        server = cursor.fetchone()[0]

    careers = User.objects.get(email="careers@demo.example")
    # A page of finished exports to list (rows only: no task is queued for them).
    existing = ReportExport.objects.filter(institution=lakeside).count()
    ReportExport.objects.bulk_create(
        ReportExport(requested_by=careers, institution=lakeside, format="csv", status="failed")
        for _ in range(max(0, 25 - existing))
    )
    client = Client()
    client.force_login(careers)
    programs, years = selectors.filter_choices(institution_id=lakeside.pk)
    last_page = (total + 19) // 20
    cases = [
        ("placement report, page 1", "/api/v1/careers/placements/", {}),
        ("placement report, one program", "/api/v1/careers/placements/", {"program": programs[0]}),
        ("placement report, page 50", "/api/v1/careers/placements/", {"page": min(50, last_page)}),
        ("dashboard", "/api/v1/careers/dashboard/", {}),
        ("dashboard, one graduation year", "/api/v1/careers/dashboard/", {"graduation_year": years[0]}),
        ("exports", "/api/v1/careers/exports/", {}),
        ("notification preferences", "/api/v1/notifications/preferences/", {}),
    ]
    rows = []
    for label, path, params in cases:
        for _ in range(3):
            assert client.get(path, params).status_code == 200, (label, client.get(path, params).content[:300])
        queries = []

        def timed(execute, sql, params_, many, context, queries=queries):
            started = time.perf_counter()
            try:
                return execute(sql, params_, many, context)
            finally:
                queries.append(((time.perf_counter() - started) * 1000, sql))

        # request_started empties connection.queries, so the queries are counted by a wrapper.
        with connection.execute_wrapper(timed):
            client.get(path, params)
        if args.verbose:
            for ms, sql in sorted(queries, reverse=True)[:3]:
                print(f"    {ms:7.1f} ms  {sql[:160]}")
        times = []
        for _ in range(args.requests):
            started = time.perf_counter()
            client.get(path, params)
            times.append((time.perf_counter() - started) * 1000)
        rows.append((label, len(queries), common.percentile(times, 50), common.percentile(times, 95)))
        print(f"{label}: {len(queries)} queries, p50 {rows[-1][2]:.1f} ms, p95 {rows[-1][3]:.1f} ms")

    load = os.getloadavg()[0]
    section = [
        SECTION,
        "",
        f"`bench/careers_api.py`, {time.strftime('%Y-%m-%d')}: {total:,} placements of one institution on "
        f"PostgreSQL {server}, this machine (2 cores shared, load average {load:.1f} at the end of the run). "
        f"{args.requests} requests per case through Django's test client (session authentication, the whole "
        "middleware stack, no network), after three to warm up.",
        "",
        "| request | queries | p50 (ms) | p95 (ms) |",
        "|---|---|---|---|",
        *(f"| {label} | {n} | {p50:.1f} | {p95:.1f} |" for label, n, p50, p95 in rows),
    ]
    out = common.write_section(SECTION, section, Path(args.output))
    print(f"Written to {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
