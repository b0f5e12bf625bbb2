"""Benchmark: a web process's in-memory copy of the listings: time to ready and resident memory.

    .venv/bin/python bench/listings_copy.py \\
        postgres://postgres@127.0.0.1:5432/bench_h10_100k postgres://postgres@127.0.0.1:5432/bench_h10_1m

For each database (already seeded: bench/listings_search.py or `seed_bench --listings N`), a fresh
Python process (in an environment with requirements.txt only, as the container installs it:
`.venv-runtime/`, bench/common.py) does what a gunicorn worker does: sets Django up with the production settings and
imports the URLconf (every view), then builds the copy as the server hook does
(`listings.snapshot.warm`, gunicorn.conf.py's post_worker_init), then requests the
browse page with and without text (q=python, q=intern, the worst filtered case). It reports the resident memory (VmRSS) after each step and the peak
(VmHWM), the time to build the copy and the copy's arrays. The databases run back to back, so
their ratio is the figure to read on a shared machine. Results go to docs/benchmarks.md under
"## Listings copy: time to ready and memory".
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

import common  # bench/common.py, next to this script

SECTION = "## Listings copy: time to ready and memory"
# A text case run again with the process's kept matches (listings/matches.py) dropped before each
# request: the first search of those words in a process, which reads the frequent words' matches
# the database keeps (search.keep_frequent_matches, run before the cases as the periodic task does).
FIRST = ", first search in this process"
# The same with the database's kept matches dropped too: a word nobody has kept.
AFRESH = ", matched afresh"

CASES = [
    ("browse", {}),
    ("q=python", {"q": "python"}),
    ("q=intern", {"q": "intern"}),
    ("q=research + field + paid", {"q": "research", "field": "research", "compensation": "paid"}),
]

CHILD = r"""
import json, os, sys, time
sys.path.insert(0, os.getcwd())

def status(key):
    for line in open("/proc/self/status"):
        if line.startswith(key + ":"):
            return int(line.split()[1]) / 1024

import django
django.setup()
from django.urls import get_resolver
get_resolver().url_patterns  # every view imported, as in a worker
from django.db import connection
connection.ensure_connection()
from listings import snapshot
from listings.models import Listing
from listings.search import Params, Viewer, search_listings
out = {"rss_start": status("VmRSS"), "listings": Listing.objects.visible().count()}
import runpy
hook = runpy.run_path("gunicorn.conf.py")  # what the server hook does, step by step
started = time.perf_counter()
snapshot.warm()
out["ready_s"] = time.perf_counter() - started
hook["freeze_startup_objects"]()
copy = snapshot.snapshot().copy.columns
out["arrays_mb"] = sum(getattr(copy, name).nbytes for name in snapshot.DTYPES) / 1e6
out["rss_ready"] = status("VmRSS")
out["hwm_ready"] = status("VmHWM")
# What the periodic task does (on a Celery worker, here in this process: the work is PostgreSQL's).
from listings.models import KeptMatch
from listings.search import keep_frequent_matches
KeptMatch.objects.all().delete()
started = time.perf_counter()
keep_frequent_matches()
out["keep_s"] = time.perf_counter() - started
with connection.cursor() as cursor:
    # What the kept matches hold (the table's size on disk also counts rows replaced since the
    # last vacuum).
    cursor.execute("SELECT count(*), coalesce(sum(octet_length(packed)), 0) FROM listings_keptmatch")
    out["kept_words"], kept_bytes = cursor.fetchone()
out["kept_mb"] = kept_bytes / 1e6
from django.test import Client
client = Client()
from listings.matches import kept_matches
import itertools
unique = itertools.count()
RUNS_AS = [(label, params, False) for label, params in CASES]
RUNS_AS += [(label + FIRST, params, True) for label, params in CASES if "q" in params]
RUNS_AS += [(label + AFRESH, params, True) for label, params in CASES if "q" in params]
for label, params, afresh in RUNS_AS:
    if label.endswith(AFRESH):
        KeptMatch.objects.all().delete()  # nothing kept in the database either
    timings = []
    for i in range(3 + RUNS):
        if afresh:
            kept_matches().clear()  # as the first search of these words in this process
        started = time.perf_counter()
        # A parameter the search ignores, new each time: the whole answer is never the one kept
        # for the same query string (listings/fragments.py), the search runs.
        response = client.get("/listings/", {**params, "n": next(unique)}, secure=True)
        if i >= 3:
            timings.append((time.perf_counter() - started) * 1000)
        # As gunicorn calls it once the response is sent, before the thread takes the next request.
        hook["post_request"](None, None, None, response)
    assert response.status_code == 200, response.status_code
    timings.sort()
    out[label] = (timings[len(timings) // 2], timings[min(len(timings) - 1, round(0.95 * len(timings) + 0.5) - 1)], client.get("/api/v1/listings/", params, secure=True).json()["count"])
out["rss_searched"] = status("VmRSS")
out["hwm_searched"] = status("VmHWM")
print(json.dumps(out))
"""


def measure(url: str, runs: int, cases: list) -> dict:
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "DJANGO_SETTINGS_MODULE": "marketplace.settings.production",
        "SECRET_KEY": "bench-only-not-secret",
        "ALLOWED_HOSTS": "127.0.0.1,testserver",
        "REDIS_URL": os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/15"),
        # The result counts are read through the API: one address sends every request.
        **{f"API_RATE_{scope}": "100000000/min" for scope in ("ANON", "USER", "TOKEN", "SEARCH", "WRITE")},
    }
    child = f"CASES = {cases!r}\nRUNS = {runs}\nFIRST = {FIRST!r}\nAFRESH = {AFRESH!r}\n" + CHILD
    # The deployed environment (requirements.txt only, as the container installs): a process with
    # the test tools installed imports some of them too (bench/common.py).
    done = subprocess.run(
        [common.runtime_python(), "-c", child], cwd=common.ROOT, env=env, check=True, capture_output=True, text=True
    )
    return json.loads(done.stdout.strip().splitlines()[-1])


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("databases", nargs="+", help="database URLs, smallest first")
    parser.add_argument("--runs", type=int, default=20, help="timed requests per search case")
    parser.add_argument(
        "--browse-only",
        default="",
        help="comma-separated database URLs measured without the text cases (search vectors still being written)",
    )
    parser.add_argument("--seeding", default="", help="a note on how long seeding took, for the record")
    parser.add_argument("--output", default=str(common.RESULTS))
    args = parser.parse_args(argv)
    rows = []
    for url in args.databases:
        text = url not in args.browse_only.split(",")
        found = measure(url, args.runs, CASES if text else CASES[:1])
        rows.append(found)
        print(json.dumps(found), flush=True)
    load = os.getloadavg()
    base = rows[0]
    lines = [
        SECTION,
        "",
        f"`bench/listings_copy.py`, {time.strftime('%Y-%m-%d %H:%M')} UTC; machine load average (1 min) "
        f"{load[0]:.1f} at the end (2 cores, shared). A fresh process per database, run back to back: Django set "
        "up with the production settings, in an environment with requirements.txt only (as the container "
        "installs it), and every view imported (*start*), then the copy built as "
        "gunicorn.conf.py's `post_worker_init` hook builds it before the worker takes a request (*ready*), "
        "then the browse page's search cases below (*searched*). RSS is VmRSS, peak is VmHWM.",
        "",
        "| listings | time to ready s | arrays MB | RSS start MB | RSS ready MB | peak while reading MB "
        "| RSS after searches MB | peak MB | words kept in the database | their matches MB | keeping them s |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
        *[
            f"| {r['listings']:,} | {r['ready_s']:.2f} | {r['arrays_mb']:.1f} | {r['rss_start']:.0f} "
            f"| {r['rss_ready']:.0f} | {r['hwm_ready']:.0f} | {r['rss_searched']:.0f} | {r['hwm_searched']:.0f} "
            f"| {r['kept_words']:,} | {r['kept_mb']:.0f} | {r['keep_s']:.1f} |"
            for r in rows
        ],
        "",
        f"The browse page in the same process (Django's test client: middleware, view, SQL, template), "
        f"{args.runs} timed requests per case after 3 warm-ups, p50 / p95 in ms (results), and each size's "
        "p95 as a multiple of the first size's. Each request carries a parameter the search ignores, new each "
        "time, so no request is answered with a whole answer kept for its query string (listings/fragments.py): "
        "the search runs every time. A text query repeated is answered from the process's kept "
        "matches, brought up to date with what was written since (listings/matches.py); *first search in "
        "this process* drops them before each request, so a frequent word is read from the matches the "
        "database keeps (`search.keep_frequent_matches`, run before the cases as the periodic task runs it; "
        "its time and table are in the table above); *matched afresh* drops those too, as for a word "
        "nobody has kept:",
        "",
        "| case | " + " | ".join(f"{r['listings']:,} listings" for r in rows) + " |",
        "|---|" + "---:|" * len(rows),
        *[
            f"| {label} | "
            + " | ".join(
                f"{r[label][0]:.0f} / {r[label][1]:.0f} ({r[label][2]:,}) ×{r[label][1] / base[label][1]:.2f}"
                if label in r
                else "–"
                for r in rows
            )
            + " |"
            for label in [c[0] for c in CASES]
            + [c[0] + FIRST for c in CASES if "q" in c[1]]
            + [c[0] + AFRESH for c in CASES if "q" in c[1]]
        ],
        "",
    ]
    if len(rows) > 1:
        last = rows[-1]
        per = (last["rss_searched"] - base["rss_searched"]) / ((last["listings"] - base["listings"]) / 100_000)
        lines += [
            f"Growth per 100,000 listings (RSS after searches, {base['listings']:,} → {last['listings']:,}): "
            f"{per:.1f} MB; time to ready grows {last['ready_s'] / base['ready_s']:.1f}× for "
            f"{last['listings'] / base['listings']:.1f}× the listings. Goals (issue 17): under 120 MB at 100,000, "
            "under 20 MB per 100,000 more.",
            "",
        ]
    if args.seeding:
        lines += [args.seeding, ""]
    out = common.write_section(SECTION, lines, Path(args.output))
    print(f"Wrote {out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
