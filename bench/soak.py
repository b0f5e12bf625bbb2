"""Soak: the production server configuration under steady load for a long time, on loopback.

    .venv/bin/python bench/soak.py                 # 30 minutes (the recorded run)
    .venv/bin/python bench/soak.py --minutes 3     # a short try; recorded only with --record

What runs: the demo data on PostgreSQL and Redis of its own (embedded, in .embedded/soak/, so its
queue holds only its own tasks; or DATABASE_URL / REDIS_URL when given), and the stack `make run`
starts (marketplace/supervise.py: gunicorn with gunicorn.conf.py, a Celery worker and beat) but
with the production settings (DEBUG off, manifest static files, secure cookies). Requests carry
`X-Forwarded-Proto: https`, as they would behind the TLS proxy production sits behind.

1. Peak: a closed loop of N clients (1, 2, 4, 8, 16) for --peak-seconds each; the peak is the
   highest throughput reached without a 5xx.
2. Soak: requests are started on a fixed schedule at half that rate (open loop: a slow answer does
   not slow the schedule, and latency counts from the scheduled start) for --minutes. Every 10 s
   it samples the resident memory of the web (gunicorn master and workers) and the Celery worker
   (main and pool) and the queue depth (the broker's queue and unacknowledged tasks).
3. Drain: after the load stops, how long until the queue is empty and no outbox email is pending.

The mix: anonymous pages and API reads (home, search with and without text, listing pages, the
API, /healthz, a stylesheet), signed-in pages of a student, an employer and career services, and
2% writes that send email through the worker (an employer invites a recruiter: a row in the
outbox, a task after commit). Results go to docs/benchmarks.md under "## Soak".
Goal: no 5xx, RSS growth under 10% from the end of the warm-up to the end, queue drained within
60 s of the end.
"""

from __future__ import annotations

import argparse
import http.client
import itertools
import os
import re
import signal
import subprocess
import sys
import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import quote_plus, urlencode

import common  # bench/common.py, next to this script

ROOT = common.ROOT
PY = sys.executable
SECTION = "## Soak"
DATA_DIR = ROOT / ".embedded" / "soak"
DEMO_PASSWORD = "internships-demo"  # noqa: S105 (the published demo logins' password)
SAMPLE_EVERY = 10.0
# The executor never holds more than this many scheduled requests: if the server falls that far
# behind, further requests are counted as dropped instead of piling up in memory.
MAX_IN_FLIGHT = 256


# --- processes -----------------------------------------------------------------------------------


def _processes() -> dict[int, tuple[int, str]]:
    table = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
                cmd = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
            except OSError:
                continue
            table[int(entry.name)] = (int(stat[stat.rindex(")") + 2 :].split()[1]), cmd)
    return table


def _tree(root: int, table: dict) -> list[int]:
    found, frontier = [root], [root]
    while frontier:
        frontier = [pid for pid, (ppid, _cmd) in table.items() if ppid in frontier]
        found += frontier
    return found


def _rss_kb(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def service_rss(supervisor: int) -> dict[str, int]:
    """Resident memory (kB) of each service's whole process tree under the supervisor."""
    table = _processes()
    words = {"web": "gunicorn", "worker": "celery -A marketplace worker", "beat": "celery -A marketplace beat"}
    rss = {}
    for pid, (ppid, cmd) in table.items():
        if ppid != supervisor:
            continue
        for name, word in words.items():
            if word in cmd:
                rss[name] = sum(_rss_kb(p) for p in _tree(pid, table))
    return rss


# --- HTTP ----------------------------------------------------------------------------------------


class Client:
    """One request per connection (no keep-alive surprises on POST), cookies kept by hand: the
    production cookies are Secure and the proxy's https is only a header here."""

    def __init__(self, port: int):
        self.port = port
        self.cookies: dict[str, str] = {}

    def request(self, method: str, path: str, form: dict | None = None, timeout: float = 60):
        headers = {"Host": f"127.0.0.1:{self.port}", "X-Forwarded-Proto": "https"}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body = None
        if form is not None:
            body = urlencode(form)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            headers["Origin"] = f"https://127.0.0.1:{self.port}"
            headers["Referer"] = f"https://127.0.0.1:{self.port}{path}"
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=timeout)
        try:
            conn.request(method, path, body=body, headers=headers)
            response = conn.getresponse()
            data = response.read()
            return response.status, data, response.getheader("Location", ""), response.msg.get_all("Set-Cookie") or []
        finally:
            conn.close()

    def keep_cookies(self, set_cookies: list[str]) -> None:
        for header in set_cookies:
            cookie = SimpleCookie()
            cookie.load(header)
            for key, morsel in cookie.items():
                self.cookies[key] = morsel.value

    def get_form_token(self, path: str) -> str:
        status, body, _loc, set_cookies = self.request("GET", path)
        self.keep_cookies(set_cookies)
        match = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', body)
        if status != 200 or not match:
            raise SystemExit(f"GET {path} gave {status} without a form token")
        return match.group(1).decode()

    def login(self, email: str) -> Client:
        token = self.get_form_token("/accounts/login/")
        status, _body, location, set_cookies = self.request(
            "POST",
            "/accounts/login/",
            {"csrfmiddlewaretoken": token, "login": email, "password": DEMO_PASSWORD},
        )
        self.keep_cookies(set_cookies)
        if status != 302 or "login" in location:
            raise SystemExit(f"logging in as {email} failed ({status}, {location})")
        self.token = self.get_form_token("/organization/") if email.startswith("employer") else ""
        return self


class Mix:
    """The requests of the soak, by weight; each call returns (label, method, client, path, form)."""

    def __init__(self, port: int, listing_ids: list[int], stylesheet: str, run_id: str):
        anonymous = Client(port)
        self.student = Client(port).login("student@demo.example")
        self.employer = Client(port).login("employer@demo.example")
        self.careers = Client(port).login("careers@demo.example")
        ids = itertools.cycle(listing_ids)
        queries = itertools.cycle(["research", "design", "python", "marketing", "social media"])
        self.invites = itertools.count(1)
        self.run_id = run_id
        self.lock = threading.Lock()
        entries = [
            (10, "home", lambda: ("GET", anonymous, "/", None)),
            (15, "search", lambda: ("GET", anonymous, "/listings/", None)),
            (10, "search text", lambda: ("GET", anonymous, f"/listings/?q={quote_plus(next(queries))}", None)),
            (5, "search facets", lambda: ("GET", anonymous, "/listings/?kind=micro&sort=newest", None)),
            (15, "listing", lambda: ("GET", anonymous, f"/listings/{next(ids)}/", None)),
            (8, "api list", lambda: ("GET", anonymous, "/api/v1/listings/", None)),
            (4, "api detail", lambda: ("GET", anonymous, f"/api/v1/listings/{next(ids)}/", None)),
            (3, "healthz", lambda: ("GET", anonymous, "/healthz", None)),
            (3, "static", lambda: ("GET", anonymous, stylesheet, None)),
            (6, "student", lambda: ("GET", self.student, "/applications/", None)),
            (6, "employer", lambda: ("GET", self.employer, "/listings/manage/", None)),
            (4, "employer pipeline", lambda: ("GET", self.employer, "/employer/applicants/", None)),
            (5, "careers", lambda: ("GET", self.careers, "/careers/", None)),
            (2, "invite (email)", self._invite),
        ]
        self.schedule = itertools.cycle([(label, make) for weight, label, make in entries for _ in range(weight)])

    def _invite(self):
        with self.lock:
            number = next(self.invites)
        form = {"csrfmiddlewaretoken": self.employer.token, "email": f"soak-{self.run_id}-{number}@example.com"}
        return "POST", self.employer, "/organization/invite/", form

    def next(self):
        with self.lock:
            label, make = next(self.schedule)
        return (label, *make())


class Results:
    def __init__(self):
        self.lock = threading.Lock()
        self.rows: list[tuple[float, str, object, float]] = []  # (start, label, status, seconds)

    def add(self, start: float, label: str, status, seconds: float) -> None:
        with self.lock:
            self.rows.append((start, label, status, seconds))


def _send(mix: Mix, results: Results, scheduled: float) -> None:
    label, method, client, path, form = mix.next()
    try:
        status, _body, _location, _cookies = client.request(method, path, form)
    except Exception as exc:  # a refused or timed-out request is a result, not the end of a client
        status = type(exc).__name__
    results.add(scheduled, label, status, time.monotonic() - scheduled)


def closed_loop(mix: Mix, clients: int, seconds: float) -> tuple[float, Counter]:
    results = Results()
    stop_at = time.monotonic() + seconds

    def client_loop():
        while time.monotonic() < stop_at:
            _send(mix, results, time.monotonic())

    threads = [threading.Thread(target=client_loop) for _ in range(clients)]
    started = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.monotonic() - started
    return len(results.rows) / elapsed, Counter(_kind(status) for _s, _l, status, _t in results.rows)


def _kind(status) -> str:
    if isinstance(status, int):
        return "5xx" if status >= 500 else "ok" if status < 400 else f"{status}"
    return "error"


# --- the broker and the outbox -------------------------------------------------------------------


class Probe:
    def __init__(self, database_url: str, redis_url: str):
        import psycopg
        import redis

        self.db = psycopg.connect(database_url, autocommit=True)
        self.redis = redis.Redis.from_url(redis_url)

    def queue_depth(self) -> int:
        keys = ["celery"] + [f"celery\x06\x16{p}" for p in (3, 6, 9)]
        return sum(self.redis.llen(k) for k in keys) + self.redis.hlen("unacked")

    def outbox(self) -> dict[str, int]:
        rows = self.db.execute("SELECT status, count(*) FROM notifications_outboxemail GROUP BY status").fetchall()
        return dict(rows)


# --- the run -------------------------------------------------------------------------------------


def _prepare(env: dict) -> None:
    local = {**env, "DJANGO_SETTINGS_MODULE": "marketplace.settings.local"}
    for args in (["migrate", "--noinput"], ["seed_demo"]):
        subprocess.run([PY, "manage.py", *args], cwd=ROOT, env=local, check=True, capture_output=True)
    # Production serves the hashed files whitenoise finds in STATIC_ROOT (as the image builds them).
    subprocess.run([PY, "manage.py", "collectstatic", "--noinput"], cwd=ROOT, env=env, check=True, capture_output=True)


def _percentile(values: list[float], pct: float) -> float:
    return common.percentile(values, pct) * 1000 if values else 0.0


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--minutes", type=float, default=30.0, help="length of the soak (default 30)")
    parser.add_argument("--peak-seconds", type=float, default=20.0, help="length of each peak step")
    parser.add_argument("--rate", type=float, default=None, help="requests per second (default: half the peak)")
    parser.add_argument("--port", type=int, default=8691)
    parser.add_argument(
        "--record",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="write docs/benchmarks.md (default: only for a run of 30 minutes or more)",
    )
    args = parser.parse_args(argv)
    record = args.minutes >= 30 if args.record is None else args.record

    os.environ.setdefault("EMBEDDED_DIR", str(DATA_DIR))
    from marketplace import embedded

    env = {k: v for k, v in os.environ.items() if k not in {"DJANGO_SETTINGS_MODULE"}}
    stop_servers = embedded.start_missing(env)
    env.update(
        DJANGO_SETTINGS_MODULE="marketplace.settings.production",
        SECRET_KEY="soak-only-not-secret",  # noqa: S106
        ALLOWED_HOSTS="127.0.0.1",
        EMAIL_BACKEND="django.core.mail.backends.filebased.EmailBackend",
        EMAIL_FILE_PATH=str(embedded.ROOT / "mail"),
        SITE_URL=f"https://127.0.0.1:{args.port}",
        LOG_LEVEL="WARNING",
    )
    log_path = embedded.ROOT / "soak-stack.log"
    stack = None
    try:
        print("Preparing: migrate, seed_demo, collectstatic…", flush=True)
        _prepare(env)
        stack = subprocess.Popen(
            [PY, "-m", "marketplace.supervise", "--port", str(args.port), "--no-setup"],
            cwd=ROOT,
            env=env,
            stdout=log_path.open("w"),
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        client = Client(args.port)
        deadline = time.monotonic() + 120
        while True:
            try:
                if client.request("GET", "/healthz", timeout=5)[0] == 200:
                    break
            except OSError:
                pass
            if time.monotonic() > deadline or stack.poll() is not None:
                raise SystemExit(f"the stack did not start; see {log_path}")
            time.sleep(0.5)
        status, body, _l, _c = client.request("GET", "/api/v1/listings/?page=1")
        listing_ids = [int(i) for i in re.findall(rb'"id":\s*(\d+)', body)][:20]
        status, home, _l, _c = client.request("GET", "/")
        stylesheet = re.search(rb'href="(/static/[^"]+\.css)"', home).group(1).decode()
        probe = Probe(env["DATABASE_URL"], env["REDIS_URL"])
        mix = Mix(args.port, listing_ids, stylesheet, datetime.now(tz=UTC).strftime("%Y%m%d%H%M%S"))
        load_start = os.getloadavg()

        # 1. peak
        peak_rows = []
        for clients in (1, 2, 4, 8, 16):
            rate, kinds = closed_loop(mix, clients, args.peak_seconds)
            peak_rows.append((clients, rate, kinds))
            print(f"peak step: {clients:>2} clients {rate:6.1f} req/s {dict(kinds)}", flush=True)
        clean = [rate for _c, rate, kinds in peak_rows if kinds["5xx"] == 0 and kinds["error"] == 0]
        peak = max(clean) if clean else max(rate for _c, rate, _k in peak_rows)
        rate = args.rate or peak / 2
        # Let the peak's email tasks drain so the soak starts from an empty queue.
        drain_deadline = time.monotonic() + 120
        while (probe.queue_depth() or probe.outbox().get("pending", 0)) and time.monotonic() < drain_deadline:
            time.sleep(1)
        outbox_before = probe.outbox()

        # 2. soak
        seconds = args.minutes * 60
        warmup = min(120.0, seconds / 10)
        print(f"soak: {args.minutes:g} min at {rate:.1f} req/s (peak {peak:.1f})", flush=True)
        results = Results()
        samples: list[tuple[float, dict, int]] = []
        supervisor = stack.pid
        dropped = 0
        stop = threading.Event()

        def sampler():
            while not stop.is_set():
                samples.append((time.monotonic() - t0, service_rss(supervisor), probe.queue_depth()))
                stop.wait(SAMPLE_EVERY)

        t0 = time.monotonic()
        sampling = threading.Thread(target=sampler)
        sampling.start()
        in_flight = threading.Semaphore(MAX_IN_FLIGHT)
        with ThreadPoolExecutor(max_workers=32) as pool:
            for n in itertools.count():
                scheduled = t0 + n / rate
                if scheduled - t0 >= seconds:
                    break
                delay = scheduled - time.monotonic()
                if delay > 0:
                    time.sleep(delay)
                if not in_flight.acquire(blocking=False):
                    dropped += 1
                    continue

                def task(when=scheduled):
                    try:
                        _send(mix, results, when)
                    finally:
                        in_flight.release()

                pool.submit(task)
        load_end_at = time.monotonic()
        stop.set()
        sampling.join()

        # 3. drain
        drained = None
        while time.monotonic() - load_end_at < 300:
            outbox = probe.outbox()
            if probe.queue_depth() == 0 and outbox.get("pending", 0) == 0:
                drained = time.monotonic() - load_end_at
                break
            time.sleep(0.5)
        outbox_after = probe.outbox()
        samples.append((time.monotonic() - t0, service_rss(supervisor), probe.queue_depth()))
        load_end = os.getloadavg()
    finally:
        if stack is not None and stack.poll() is None:
            stack.send_signal(signal.SIGTERM)
            stack.wait(timeout=60)
        for stop_server in stop_servers:
            stop_server()

    report = _report(
        args=args,
        peak_rows=peak_rows,
        peak=peak,
        rate=rate,
        results=results,
        samples=samples,
        warmup=warmup,
        seconds=seconds,
        dropped=dropped,
        drained=drained,
        outbox=(outbox_before, outbox_after),
        load=(load_start, load_end),
    )
    print("\n".join(report["lines"]))
    if record:
        path = common.write_section(SECTION, report["lines"])
        print(f"\nrecorded in {path.relative_to(ROOT)}")
    return 0 if report["met"] else 1


def _report(*, args, peak_rows, peak, rate, results, samples, warmup, seconds, dropped, drained, outbox, load):
    rows = sorted(results.rows)
    t0 = rows[0][0] if rows else 0.0
    kinds = Counter(_kind(status) for _s, _l, status, _t in rows)
    bucket = max(60.0, seconds / 10)
    lines = [
        SECTION,
        "",
        f"`bench/soak.py`, {datetime.now(tz=UTC):%Y-%m-%d}: {args.minutes:g} minutes on loopback against the "
        "production configuration (gunicorn.conf.py: 2 gthread workers × 4 threads; a Celery worker with 2 "
        "processes; beat; production settings) under marketplace/supervise.py, with the demo data on an "
        f"embedded PostgreSQL and Redis of its own; this machine ({os.cpu_count()} cores, shared). Load average "
        f"{load[0][0]:.1f} at the start, {load[1][0]:.1f} at the end.",
        "",
        "Peak (closed loop, "
        + f"{args.peak_seconds:g} s per step): "
        + ", ".join(
            f"{c} client{'s' if c > 1 else ''} {r:.1f} req/s" + (f" ({k['5xx']} 5xx)" if k["5xx"] else "")
            for c, r, k in peak_rows
        )
        + f". Peak {peak:.1f} req/s; the soak ran at {rate:.1f} req/s (open loop: each request starts on "
        "schedule, latency counts from that moment).",
        "",
        "| minutes | requests | req/s | 5xx | errors | p50 ms | p95 ms | p99 ms | web RSS MB | worker RSS MB | "
        "queue depth (max) |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for index in range(int(-(-seconds // bucket))):
        lo, hi = index * bucket, min((index + 1) * bucket, seconds)
        part = [r for r in rows if lo <= r[0] - t0 < hi]
        times = [r[3] for r in part]
        in_bucket = [s for s in samples if lo <= s[0] < hi + SAMPLE_EVERY]
        last = in_bucket[-1][1] if in_bucket else {}
        depth = max((s[2] for s in in_bucket), default=0)
        part_kinds = Counter(_kind(r[2]) for r in part)
        lines.append(
            f"| {lo / 60:g}–{hi / 60:g} | {len(part):,} | {len(part) / (hi - lo):.1f} | {part_kinds['5xx']} | "
            f"{part_kinds['error']} | {_percentile(times, 50):.0f} | {_percentile(times, 95):.0f} | "
            f"{_percentile(times, 99):.0f} | {last.get('web', 0) / 1024:.0f} | {last.get('worker', 0) / 1024:.0f} | "
            f"{depth} |"
        )
    base = next((s[1] for s in samples if s[0] >= warmup), samples[0][1] if samples else {})
    first = samples[0][1] if samples else {}
    end = samples[-1][1] if samples else {}

    def growth(name: str, since: dict) -> float:
        return (end.get(name, 0) - since.get(name, 0)) / since[name] * 100 if since.get(name) else 0.0

    times = [r[3] for r in rows]
    by_label = {}
    for _s, label, _status, spent in rows:
        by_label.setdefault(label, []).append(spent)
    sent = outbox[1].get("sent", 0) - outbox[0].get("sent", 0)
    invites = sum(1 for r in rows if r[1] == "invite (email)" and r[2] == 302)
    met = kinds["5xx"] == 0 and growth("web", base) < 10 and growth("worker", base) < 10
    met = met and drained is not None and drained <= 60
    lines += [
        "",
        f"Totals: {len(rows):,} requests, {kinds['5xx']} answered 5xx, {kinds['error']} failed to connect or "
        f"timed out, {dropped} dropped by the client (more than {MAX_IN_FLIGHT} in flight); p50 "
        f"{_percentile(times, 50):.0f} ms, p95 {_percentile(times, 95):.0f} ms, p99 {_percentile(times, 99):.0f} ms. "
        f"{invites} invitations sent through the outbox; {sent} outbox emails delivered during the soak and drain, "
        f"{outbox[1].get('pending', 0)} left pending, {outbox[1].get('failed', 0)} failed.",
        "",
        f"Resident memory (whole process trees) from the end of the {warmup / 60:g}-minute warm-up to the end: "
        f"web {base.get('web', 0) / 1024:.1f} → {end.get('web', 0) / 1024:.1f} MB ({growth('web', base):+.1f}%), "
        f"worker {base.get('worker', 0) / 1024:.1f} → {end.get('worker', 0) / 1024:.1f} MB "
        f"({growth('worker', base):+.1f}%), beat {base.get('beat', 0) / 1024:.1f} → {end.get('beat', 0) / 1024:.1f} MB; "
        f"from the first sample: web {growth('web', first):+.1f}%, worker {growth('worker', first):+.1f}%.",
        "",
        "Queue drained "
        + (f"{drained:.1f} s after the load stopped" if drained is not None else "NOT within 300 s of the end")
        + " (broker queue and unacknowledged tasks empty, no outbox email pending).",
        "",
        "p95 by request (ms): "
        + ", ".join(f"{label} {_percentile(v, 95):.0f}" for label, v in sorted(by_label.items()))
        + ".",
        "",
        "Goal: 0 5xx, RSS growth under 10%, queue drained within 60 s of the end: " + ("met." if met else "NOT met."),
    ]
    return {"lines": lines, "met": met}


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
