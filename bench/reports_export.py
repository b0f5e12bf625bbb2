"""Benchmark: the placement report export at 100,000 placements.

    .venv/bin/python bench/reports_export.py                      # embedded PostgreSQL
    DATABASE_URL=postgres://…/bench_reports .venv/bin/python bench/reports_export.py --placements 100000

The database named in DATABASE_URL is created if missing (by default a separate `bench_reports`
database on the embedded server), migrated, given the demo accounts and topped up to N
placements for Lakeside University with `seed_bench --placements`. Then, in this process:

1. the report's query alone (the same ``values_list(...).iterator(chunk_size=2000)``, rows discarded);
2. the CSV export as the web process serves it (POST through Django's test client as
   careers@demo.example, the streamed body consumed chunk by chunk and discarded);
3. the XLSX export as the worker builds it (``report_export_run``: write-only workbook into a
   temporary file, then private storage).

Memory: peak RSS growth (VmHWM reset through /proc/self/clear_refs before each run) and, in a
separate run, the peak of Python allocations (tracemalloc). Results go to docs/benchmarks.md
under "## Career services exports".
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import common  # noqa: E402 (bench/common.py, next to this script)

SECTION = "## Career services exports"


def _status(field: str) -> int:
    """A /proc/self/status figure in bytes (VmRSS, VmHWM)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) * 1024
    raise LookupError(field)


def _reset_peak() -> None:
    Path("/proc/self/clear_refs").write_text("5")


def measure(fn, *, runs: int) -> dict:
    """Memory first, on a cold run in this fresh process (peak RSS growth with VmHWM reset, then
    the traced allocation peak on a second run), then the median time over ``runs``."""
    import gc

    gc.collect()
    before = _status("VmRSS")
    _reset_peak()
    result = fn()
    rss_growth = max(0, _status("VmHWM") - before)
    gc.collect()
    tracemalloc.start()
    fn()
    _, traced_peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    times = []
    for _ in range(runs):
        gc.collect()
        started = time.perf_counter()
        fn()
        times.append(time.perf_counter() - started)
    return {"seconds": statistics.median(times), "rss": rss_growth, "traced": traced_peak, "result": result}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--placements", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=3, help="timed runs per case (median)")
    parser.add_argument("--output", default=str(ROOT / "docs" / "benchmarks.md"))
    parser.add_argument("--case", choices=["query", "csv", "xlsx"], help=argparse.SUPPRESS)
    args = parser.parse_args()

    common.setup_django("bench_reports")
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client

    from accounts.models import Institution, User
    from applications.models import Placement
    from reports import exports, selectors, services
    from reports.models import ReportExport

    call_command("seed_demo", stdout=open(os.devnull, "w"))  # noqa: SIM115
    lakeside = Institution.objects.get(slug="lakeside")
    scope = {"student__student_profile__institution": lakeside}
    missing = args.placements - Placement.objects.filter(**scope).count()
    if missing > 0:
        print(f"Creating {missing} placements…")
        started = time.monotonic()
        from reports import bench

        bench.seed(
            sys.stdout,
            placements=missing + Placement.objects.filter(organization__slug__startswith=bench.BENCH_TAG).count(),
        )
        print(f"  seeded in {time.monotonic() - started:.0f} s")
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")
    total = Placement.objects.filter(**scope).count()
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        server = cursor.fetchone()[0]

    filters = selectors.ReportFilters()
    queryset = selectors.placement_report(institution_id=lakeside.pk, filters=filters)
    paths = [c.path for c in exports.COLUMNS]

    def query_alone() -> int:
        count = 0
        for _row in queryset.values_list(*paths).iterator(chunk_size=exports.CHUNK_SIZE):
            count += 1
        return count

    settings.REPORTS_ASYNC_EXPORT_THRESHOLD = 10**9  # the web process streams it
    client = Client()
    client.force_login(User.objects.get(email="careers@demo.example"))

    def csv_export() -> int:
        response = client.post("/careers/placements/export/", {"format": "csv"})
        assert response.status_code == 200 and response.streaming, response.status_code
        size = 0
        for chunk in response.streaming_content:
            size += len(chunk)
        response.close()
        return size

    careers = User.objects.get(email="careers@demo.example")
    made: list[ReportExport] = []

    def xlsx_export() -> int:
        export = ReportExport.objects.create(
            requested_by=careers, institution=lakeside, format="xlsx", filters=filters.as_json()
        )
        export = services.report_export_run(export_id=export.pk)
        made.append(export)
        return export.file.size

    if args.case:
        # One case in this fresh process: its memory figures are not hidden by an earlier case's.
        fn = {"query": query_alone, "csv": csv_export, "xlsx": xlsx_export}[args.case]
        outcome = measure(fn, runs=args.runs if args.case != "xlsx" else 1)
        for export in made:  # the benchmark's files are not kept
            export.file.delete(save=False)
        ReportExport.objects.filter(pk__in=[e.pk for e in made]).delete()
        print("RESULT " + json.dumps(outcome))
        return 0

    def run_case(case: str) -> dict:
        done = subprocess.run(
            [sys.executable, __file__, "--case", case, "--placements", str(args.placements), "--runs", str(args.runs)],
            capture_output=True,
            text=True,
            check=True,
            env=os.environ,
        )
        line = next(x for x in done.stdout.splitlines() if x.startswith("RESULT "))
        return json.loads(line.removeprefix("RESULT "))

    print(f"{total:,} placements; measuring each case in a fresh process…")
    alone = run_case("query")
    print(f"  query alone: {alone['seconds']:.2f} s, RSS +{alone['rss'] / 2**20:.1f} MB")
    streamed = run_case("csv")
    print(f"  CSV export: {streamed['seconds']:.2f} s, RSS +{streamed['rss'] / 2**20:.1f} MB")
    workbook = run_case("xlsx")
    print(f"  XLSX export: {workbook['seconds']:.2f} s, RSS +{workbook['rss'] / 2**20:.1f} MB")
    assert alone["result"] == total

    mb = 2**20
    ratio = streamed["seconds"] / alone["seconds"]
    load = os.getloadavg()
    section = [
        SECTION,
        "",
        f"`bench/reports_export.py`, {time.strftime('%Y-%m-%d')}: {total:,} placements of one institution on "
        f"PostgreSQL {server}, this machine (2 cores, load average {load[0]:.1f} at the end of the run). Times are "
        f"medians of {args.runs} runs (XLSX: one run). Each case runs in a fresh process, memory first: the growth "
        "of the process's peak RSS over a cold run (VmHWM reset before it, Django and the session already loaded) "
        "and, over a second run, the peak of Python allocations traced by tracemalloc.",
        "",
        "| case | where | rows | output | time s | peak RSS growth MB | traced peak MB |",
        "|---|---|---:|---:|---:|---:|---:|",
        f"| report query alone (`values_list` + `iterator(chunk_size=2000)`) | – | {alone['result']:,} | – | "
        f"{alone['seconds']:.2f} | {alone['rss'] / mb:.1f} | {alone['traced'] / mb:.1f} |",
        f"| CSV export, streamed (`StreamingHttpResponse`) | web | {total:,} | {streamed['result'] / mb:.1f} MB | "
        f"{streamed['seconds']:.2f} | {streamed['rss'] / mb:.1f} | {streamed['traced'] / mb:.1f} |",
        f"| XLSX export, write-only workbook (`report_export_run`) | worker task | {total:,} | "
        f"{workbook['result'] / mb:.1f} MB | {workbook['seconds']:.2f} | {workbook['rss'] / mb:.1f} | "
        f"{workbook['traced'] / mb:.1f} |",
        "",
        f"The CSV export takes {ratio:.1f}× the time of its query alone (targets: under 50 MB of peak memory growth, "
        "a small multiple of the query's time). The XLSX case runs the worker task's own function in this process "
        "(the worker executes exactly this; exports above `REPORTS_ASYNC_EXPORT_THRESHOLD` rows, 5,000 by default, "
        "go there).",
        "",
    ]
    out = common.write_section(SECTION, section, Path(args.output))
    print(f"Wrote {out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
