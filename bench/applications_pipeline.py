"""Benchmark: server time of the employer pipeline page for a listing with 2,000 applicants.

    .venv/bin/python bench/applications_pipeline.py                    # embedded PostgreSQL
    DATABASE_URL=postgres://…/bench_applications .venv/bin/python bench/applications_pipeline.py --applicants 2000

The database named in DATABASE_URL is created if missing (by default a separate
`bench_applications` database on the embedded server, never the project's own), migrated and
topped up with `seed_bench --applicants N`. Each case is requested in-process through Django's
test client as the listing's employer (middleware, view, SQL, template: the server's time without
the network), after warm-up; p50/p95 and the query count per case are written to
docs/benchmarks.md under "## Employer pipeline".
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import common  # noqa: E402 (bench/common.py, next to this script)

CASES = [
    ("all applicants, page 1", {}),
    ("all applicants, page 10", {"page": "10"}),
    ("status = in review", {"status": "in_review"}),
    ("skill = Python", {"skill": "python"}),
    ("country = NG + institution", {"country": "NG", "institution": "__institution__"}),
    ("overlap ≥ 4 h", {"overlap": "4"}),
    ("every filter", {"status": ["submitted", "in_review"], "skill": "sql", "overlap": "2", "country": "DE"}),
]
TARGET_MS = 200


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--applicants", type=int, default=2000)
    parser.add_argument("--runs", type=int, default=40, help="timed requests per case (after 3 warm-ups)")
    parser.add_argument("--output", default=str(ROOT / "docs" / "benchmarks.md"))
    args = parser.parse_args()

    common.setup_django("bench_applications")
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from accounts.models import User
    from applications.bench import BENCH_EMPLOYER, bench_listing
    from applications.models import Application

    listing = bench_listing()
    missing = args.applicants - Application.objects.filter(listing=listing).count()
    if missing > 0:
        print(f"Creating {missing} applicants…")
        call_command("seed_bench", applicants=args.applicants)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
        cursor.execute("SHOW server_version")
        server = cursor.fetchone()[0]
    total = Application.objects.filter(listing=listing).count()
    institution = (
        Application.objects.filter(listing=listing, student__student_profile__country="NG")
        .exclude(student__student_profile__institution=None)
        .values_list("student__student_profile__institution_id", flat=True)
        .first()
    )

    client = Client()
    client.force_login(User.objects.get(email=BENCH_EMPLOYER))
    path = f"/employer/listings/{listing.pk}/applicants/"
    rows = []
    for label, params in CASES:
        params = {k: (str(institution) if v == "__institution__" else v) for k, v in params.items()}
        timings = []
        for i in range(3 + args.runs):
            with CaptureQueriesContext(connection) as queries:
                started = time.perf_counter()
                response = client.get(path, params)
                elapsed = (time.perf_counter() - started) * 1000
            assert response.status_code == 200, (params, response.status_code)
            if i >= 3:
                timings.append(elapsed)
        shown = response.content.count(b'name="application"')
        rows.append((label, shown, len(queries), statistics.median(timings), common.percentile(timings, 95)))
        print(f"{label:32} rows={shown:>4} queries={len(queries)} p50={rows[-1][3]:6.1f} ms p95={rows[-1][4]:6.1f} ms")

    worst = max(r[4] for r in rows)
    section = [
        "## Employer pipeline",
        "",
        f"`bench/applications_pipeline.py`, {time.strftime('%Y-%m-%d')}: one listing with {total:,} applicants "
        f"on PostgreSQL {server}, this machine. Server time measured in-process through Django's test client as the "
        f"listing's employer (session, middleware, view, SQL, template), {args.runs} timed requests per case after "
        f"3 warm-ups. The page shows 50 applicants per page, grouped by status. Target: p95 under {TARGET_MS} ms.",
        "",
        "| case | applicant rows (open, selectable) | SQL queries | p50 ms | p95 ms |",
        "|---|---:|---:|---:|---:|",
        *[f"| {label} | {shown} | {q} | {p50:.1f} | {p95:.1f} |" for label, shown, q, p50, p95 in rows],
        "",
        f"Worst p95: {worst:.1f} ms ({'within' if worst < TARGET_MS else 'over'} the {TARGET_MS} ms target). "
        "The query count does not depend on the number of applicants (asserted exactly in "
        "tests/applications/test_pipeline.py at 5 and 50 applicants).",
        "",
    ]
    out = common.write_section("## Employer pipeline", section, Path(args.output))
    print(f"Wrote {out}")
    return 0 if worst < TARGET_MS else 1


if __name__ == "__main__":
    raise SystemExit(main())
