"""Benchmark: requests per second of the listings pages under gunicorn, as a share of a bare view.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_h10_http \\
        .venv/bin/python bench/http_throughput.py --listings 100000

What runs: gunicorn with the production settings and gunicorn.conf.py exactly as deployed
(WEB_CONCURRENCY workers × WEB_THREADS threads), from an environment with requirements.txt only, as
the container installs it (`.venv-runtime/`, bench/common.py), plus BENCH_BARE_VIEW=1, which routes /bench/ok: a
view that answers "ok" through the middleware without the database, cache or templates. That view
is the ceiling: on a shared machine absolute figures move with the load, a page's share of the
bare view measured next to it does not (much).

The load generator is a closed loop of N threads in this process, each holding one keep-alive
connection (http.client), for --seconds per run. Each page's run is sandwiched between two runs of
the bare view and compared with their mean. CPU per request is the growth of the gunicorn workers'
user + system CPU time (/proc/<pid>/stat) over a run divided by its requests; the database's, the
same for the PostgreSQL backends connected to the benchmark's database.

The database (DATABASE_URL, else `bench_http` on the embedded server) is migrated, given the demo
data and topped up to N published listings with `seed_bench`. Results go to docs/benchmarks.md
under "## HTTP throughput".
"""

from __future__ import annotations

import argparse
import http.client
import itertools
import os
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

import common  # bench/common.py, next to this script

ROOT = common.ROOT
SECTION = "## HTTP throughput"
BARE = "/bench/ok"
CLK_TCK = os.sysconf("SC_CLK_TCK")


def cpu_times(pids: list[int]) -> dict[int, float]:
    """User + system CPU seconds of each of ``pids`` still running."""
    found = {}
    for pid in pids:
        try:
            stat = Path(f"/proc/{pid}/stat").read_text()
        except OSError:
            continue
        fields = stat[stat.rindex(")") + 2 :].split()
        found[pid] = (int(fields[11]) + int(fields[12])) / CLK_TCK  # utime, stime
    return found


def cpu_used(before: dict[int, float], after: dict[int, float]) -> float:
    """CPU seconds used between two readings: a process that started in between counts from zero,
    one that ended in between is not counted (its last ticks are unknown)."""
    return sum(t - before.get(pid, 0.0) for pid, t in after.items())


def memory(pid: int) -> dict[str, float]:
    """A process's resident memory in MB: RSS, PSS (shared pages divided among the processes that
    map them) and private (what the process alone holds), from /proc/<pid>/smaps_rollup."""
    fields = {}
    for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines()[1:]:
        name, value, *_ = line.split()
        fields[name.rstrip(":")] = int(value) / 1024
    return {"rss": fields["Rss"], "pss": fields["Pss"], "private": fields["Private_Clean"] + fields["Private_Dirty"]}


def children(parent: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            if int(stat[stat.rindex(")") + 2 :].split()[1]) == parent:
                found.append(int(entry.name))
    return found


class Load:
    """A closed loop: ``clients`` threads, each with one keep-alive connection, for ``seconds``."""

    def __init__(self, port: int, path: str, clients: int, seconds: float):
        self.port, self.path, self.clients, self.seconds = port, path, clients, seconds
        # A path with "{n}" gets a new number each request: a query string never seen before, so
        # nothing cached for a whole answer serves it.
        self.numbers = itertools.count()
        self.latencies: list[float] = []
        self.errors = 0
        self.lock = threading.Lock()

    def _client(self, stop_at: float) -> None:
        headers = {"Host": "127.0.0.1", "X-Forwarded-Proto": "https", "Connection": "keep-alive"}
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        mine, errors = [], 0
        while time.monotonic() < stop_at:
            started = time.perf_counter()
            try:
                path = self.path.format(n=next(self.numbers)) if "{n}" in self.path else self.path
                conn.request("GET", path, headers=headers)
                response = conn.getresponse()
                response.read()
                ok = response.status == 200
                if response.will_close:
                    conn.close()
            except (OSError, http.client.HTTPException):
                ok = False
                conn.close()
            if ok:
                mine.append(time.perf_counter() - started)
            else:
                errors += 1
        conn.close()
        with self.lock:
            self.latencies += mine
            self.errors += errors

    def run(self) -> float:
        stop_at = time.monotonic() + self.seconds
        threads = [threading.Thread(target=self._client, args=(stop_at,)) for _ in range(self.clients)]
        started = time.monotonic()
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        return time.monotonic() - started


def postgres_backends(database_url: str) -> list[int]:
    import psycopg

    name = database_url.rsplit("/", 1)[1].split("?")[0]
    with psycopg.connect(database_url, autocommit=True) as conn:
        rows = conn.execute(
            "SELECT pid FROM pg_stat_activity WHERE datname = %s AND pid <> pg_backend_pid()", [name]
        ).fetchall()
    return [row[0] for row in rows]


def measure(port: int, path: str, clients: int, seconds: float, workers: list[int], database_url: str) -> dict:
    web_before, db_before = cpu_times(workers), cpu_times(postgres_backends(database_url))
    load = Load(port, path, clients, seconds)
    elapsed = load.run()
    web = cpu_used(web_before, cpu_times(workers))
    db = cpu_used(db_before, cpu_times(postgres_backends(database_url)))
    n = len(load.latencies)
    ms = [t * 1000 for t in load.latencies] or [0.0]
    return {
        "requests": n,
        "errors": load.errors,
        "rps": n / elapsed,
        "p50": common.percentile(ms, 50),
        "p95": common.percentile(ms, 95),
        "p99": common.percentile(ms, 99),
        "web_ms": web * 1000 / max(n, 1),
        "db_ms": db * 1000 / max(n, 1),
    }


def prepare(listings: int) -> tuple[str, int]:
    """Migrate, seed, collect static files. Returns the database URL and a listing's id."""
    url = common.setup_django("bench_http")
    from django.core.management import call_command

    from listings.models import Listing

    call_command("seed_demo", stdout=open(os.devnull, "w"))  # noqa: SIM115
    missing = listings - Listing.objects.published().count()
    if missing > 0:
        print(f"Creating {missing} listings…", flush=True)
        started = time.monotonic()
        call_command("seed_bench", listings=missing)
        print(f"  seeded in {time.monotonic() - started:.0f} s", flush=True)
    listing = Listing.objects.visible().order_by("-published_at").values_list("pk", flat=True).first()
    return url, listing


def start_gunicorn(env: dict, port: int) -> subprocess.Popen:
    # The deployed environment: requirements.txt only, as the container installs (bench/common.py).
    python = common.runtime_python()
    subprocess.run(
        [python, "manage.py", "collectstatic", "--noinput"], cwd=ROOT, env=env, check=True, capture_output=True
    )
    server = subprocess.Popen(
        [python, "-m", "gunicorn", "-c", "gunicorn.conf.py", "marketplace.wsgi"],
        cwd=ROOT,
        env={**env, "PORT": str(port)},
        stdout=subprocess.DEVNULL,
        stderr=(ROOT / ".embedded" / "http_throughput.log").open("w"),
        start_new_session=True,
    )
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            conn.request("GET", "/livez", headers={"X-Forwarded-Proto": "https"})
            if conn.getresponse().status == 200:
                return server
        except OSError:
            time.sleep(0.5)
    server.terminate()
    raise SystemExit("gunicorn did not answer /livez within 120 s (see .embedded/http_throughput.log)")


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--listings", type=int, default=100_000)
    parser.add_argument("--seconds", type=float, default=8.0, help="length of each run")
    parser.add_argument("--concurrency", type=int, nargs="+", default=[4, 16])
    parser.add_argument("--port", type=int, default=8693)
    parser.add_argument("--output", default=str(common.RESULTS))
    parser.add_argument("--pages", nargs="+", default=[], help="only the pages whose label contains one of these")
    args = parser.parse_args(argv)

    url, listing = prepare(args.listings)
    from django.db import connection

    from listings.models import Listing

    total = Listing.objects.published().count()
    connection.close()
    from marketplace import embedded

    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    env["DATABASE_URL"] = url
    stop_servers = embedded.start_missing(env)
    env.update(
        DJANGO_SETTINGS_MODULE="marketplace.settings.production",
        SECRET_KEY="bench-only-not-secret",  # noqa: S106
        ALLOWED_HOSTS="127.0.0.1",
        LOG_LEVEL="WARNING",
        BENCH_BARE_VIEW="1",
        # Throughput, not the throttles, is measured: one address sends every request.
        **{f"API_RATE_{scope}": "100000000/min" for scope in ("ANON", "USER", "TOKEN", "SEARCH", "WRITE")},
    )
    pages = [
        ("`/listings/`", "/listings/"),
        ("`/listings/?q=python`", "/listings/?q=python"),
        ("`/api/v1/listings/`", "/api/v1/listings/"),
        ("a listing's page", f"/listings/{listing}/"),
        # Each request a query string never seen (an ignored parameter that changes): the search
        # runs every time, as for the long tail of searches.
        ("`/listings/?n=…` (every request new)", "/listings/?n={n}"),
        ("`/listings/?q=python&n=…` (every request new)", "/listings/?q=python&n={n}"),
        ("`/api/v1/listings/?n=…` (every request new)", "/api/v1/listings/?n={n}"),
    ]
    if args.pages:
        pages = [(label, path) for label, path in pages if any(word in label for word in args.pages)]
    server = start_gunicorn(env, args.port)
    rows = []
    try:
        workers = children(server.pid)
        # Warm-up: every worker builds its copy of the listings (if the server hook has not) and
        # fills its caches before anything is timed.
        for _label, path in [("bare", BARE), *pages]:
            Load(args.port, path, 2 * len(workers) * 4, 3).run()
        load_before = os.getloadavg()
        for clients in args.concurrency:
            bare_runs = [measure(args.port, BARE, clients, args.seconds, workers, url)]
            for label, path in pages:
                page = measure(args.port, path, clients, args.seconds, workers, url)
                bare_runs.append(measure(args.port, BARE, clients, args.seconds, workers, url))
                ceiling = statistics.mean(r["rps"] for r in bare_runs[-2:])
                rows.append((clients, label, page, ceiling))
                print(
                    f"c={clients:<3} {label:26} {page['rps']:8.1f} req/s = {page['rps'] / ceiling:6.1%} of bare "
                    f"{ceiling:7.1f}; p50/95/99 {page['p50']:.0f}/{page['p95']:.0f}/{page['p99']:.0f} ms; "
                    f"CPU web {page['web_ms']:.1f} ms, db {page['db_ms']:.1f} ms; errors {page['errors']}",
                    flush=True,
                )
            bare = statistics.mean(r["rps"] for r in bare_runs)
            merged = {k: statistics.mean(r[k] for r in bare_runs) for k in ("p50", "p95", "p99", "web_ms", "db_ms")}
            errors = sum(r["errors"] for r in bare_runs)
            rows.append((clients, "bare view (`/bench/ok`)", {"rps": bare, "errors": errors, **merged}, bare))
            print(f"c={clients:<3} bare view {bare:.1f} req/s, CPU web {merged['web_ms']:.2f} ms", flush=True)
        load_after = os.getloadavg()
        # Each worker's memory after every run: the copy read, every page above served many times.
        worker_memory = [memory(pid) for pid in children(server.pid)]
    finally:
        server.terminate()
        server.wait(timeout=30)
        for stop in stop_servers:
            stop()

    import django
    import gunicorn

    section = [
        SECTION,
        "",
        f"`bench/http_throughput.py`, {time.strftime('%Y-%m-%d %H:%M')} UTC: {total:,} published listings; "
        f"gunicorn {gunicorn.__version__} with gunicorn.conf.py ({env.get('WEB_CONCURRENCY', '2')} gthread workers × "
        f"{env.get('WEB_THREADS', '4')} threads) and the production settings (Django {django.get_version()}), "
        "from an environment with requirements.txt only, as the container installs it, on loopback. Load: a closed loop of N client threads in one process, each with one keep-alive "
        f"connection, {args.seconds:.0f} s per run; each page's run sits between two runs of the bare view "
        '(`/bench/ok`: the middleware and an "ok", no database) and its share is of their mean. Machine load '
        f"average (1 min) {load_before[0]:.1f} before and {load_after[0]:.1f} after the timed runs (2 cores, "
        "shared with other work: compare the shares, not the absolute rates). The client threads share the "
        "2 cores with the server, so the bare view's rate is a floor of the true ceiling.",
        "",
        "CPU per request: the gunicorn workers' user + system time over the run ÷ its requests (web), and "
        "the same for the PostgreSQL backends of the benchmark's database (db).",
        "",
        "A page requested again while no listing changed is answered from the cache for that minute "
        "(an anonymous visitor's whole page, with their own CSRF token put in: marketplace/pages.py; the "
        "API's whole answer: listings/fragments.py); a listing's page is shared the same way while the "
        "listing stays as it is (one short query reads its version); the rows "
        "marked *every request new* add a parameter that changes with each request, so the search and "
        "rendering run every time (with the cached cards and the process's kept text matches).",
        "",
        "| concurrency | page | req/s | share of the bare view | p50 ms | p95 ms | p99 ms "
        "| web CPU ms/request | db CPU ms/request | errors |",
        "|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|",
        *[
            f"| {c} | {label} | {m['rps']:,.1f} | {m['rps'] / ceiling:.1%} | {m['p50']:.1f} | {m['p95']:.1f} "
            f"| {m['p99']:.1f} | {m['web_ms']:.1f} | {m['db_ms']:.1f} | {m['errors']} |"
            for c, label, m, ceiling in rows
        ],
        "",
        "Goals (issue 17): `/listings/` and the API at least 15% of the bare view, a listing's page at least 25%.",
        "",
        "Each gunicorn worker's memory after the runs (its copy of the listings read, every page above served "
        "many times), MB: "
        + "; ".join(f"RSS {m['rss']:.0f}, PSS {m['pss']:.0f}, private {m['private']:.0f}" for m in worker_memory)
        + ".",
        "",
    ]
    out = common.write_section(SECTION, section, Path(args.output))
    print(f"Wrote {out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
