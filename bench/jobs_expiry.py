"""Benchmark: expire 50,000 stale micro-internships holding 200,000 open applications.

    .venv/bin/python bench/jobs_expiry.py                                   # embedded servers
    DATABASE_URL=postgresql://postgres@127.0.0.1:5432/bench_jobs REDIS_URL=redis://127.0.0.1:6379/7 \
        .venv/bin/python bench/jobs_expiry.py --listings 50000 --applications 200000

The database named in DATABASE_URL is (re)created, migrated and seeded with `seed_bench`
(published listings, turned into micro-internships published 30 days ago, so all are past their
staleness window; then open applications spread over them). A real Celery worker (solo pool, so
the task runs in the measured process) gets one `listings_expire_due_task`; the script waits
until no stale listing is left and the queue is empty, then reads the worker's peak resident
memory (VmHWM). Results go to docs/benchmarks.md under "## Expiry of stale postings".
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import time
from pathlib import Path

import common  # bench/common.py, next to this script

ROOT = common.ROOT
PY = sys.executable
SECTION = "## Expiry of stale postings"


def _redis_url(given: str | None) -> str:
    if given:
        return given
    sys.path.insert(0, str(ROOT))
    from marketplace import embedded

    return embedded.redis_url()


def _manage(env: dict, *args: str) -> str:
    out = subprocess.run([PY, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, check=False)
    if out.returncode != 0:
        raise SystemExit(f"manage.py {' '.join(args)} failed:\n{out.stdout}\n{out.stderr}")
    return out.stdout


def _sql(env: dict, statement: str) -> list[tuple]:
    code = (
        "import django, json; django.setup(); from django.db import connection\n"
        "with connection.cursor() as c:\n"
        f"    c.execute({statement!r})\n"
        "    print(json.dumps(c.fetchall() if c.description else []))\n"
    )
    out = subprocess.run([PY, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, check=True)
    import json

    return [tuple(r) for r in json.loads(out.stdout.strip().splitlines()[-1])]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--listings", type=int, default=50_000)
    parser.add_argument("--applications", type=int, default=200_000)
    parser.add_argument("--no-write", action="store_true", help="Print results without updating docs/benchmarks.md")
    args = parser.parse_args()

    database_url = common.database_url(os.environ.get("DATABASE_URL"), "bench_jobs")
    redis_url = _redis_url(os.environ.get("REDIS_URL"))
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "marketplace.settings.local",
        "DATABASE_URL": database_url,
        "REDIS_URL": redis_url,
        "DEBUG": "false",
        "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
        "LOG_LEVEL": "WARNING",
    }
    print(f"database: {database_url}\nredis: {redis_url}")
    common.ensure_database(database_url, recreate=True)
    _manage(env, "migrate", "--noinput", "-v0")

    t0 = time.monotonic()
    _manage(env, "seed_bench", "--listings", str(args.listings))
    # Every seeded listing becomes an unfilled micro-internship published 30 days ago: all stale.
    _sql(
        env,
        "UPDATE listings_listing SET kind = 'micro', staleness_days = 14, application_deadline = NULL, "
        "published_at = now() - interval '30 days', expires_at = now() - interval '16 days'",
    )
    _manage(env, "seed_bench", "--stale", str(args.listings), "--stale-applications", str(args.applications))
    seeded = time.monotonic() - t0
    (listings, opened) = _sql(
        env,
        "SELECT (SELECT count(*) FROM listings_listing WHERE status = 'published'), "
        "(SELECT count(*) FROM applications_application WHERE status IN "
        "('submitted','in_review','shortlisted','interview','offered'))",
    )[0]
    print(f"seeded {listings} stale listings, {opened} open applications in {seeded:.0f} s")
    # Purge what is left of earlier runs on this broker.
    _manage(env, "shell", "-c", "from marketplace.celery import app; app.control.purge()")

    log = ROOT / ".embedded" / "bench-worker.log"
    log.parent.mkdir(exist_ok=True)
    worker = subprocess.Popen(
        [PY, "-m", "celery", "-A", "marketplace", "worker", "--pool=solo", "--loglevel=INFO",
         "--without-gossip", "--without-mingle", "--without-heartbeat"],
        cwd=ROOT, env=env, stdout=log.open("w"), stderr=subprocess.STDOUT,
    )  # fmt: skip
    try:
        for _ in range(600):
            if "ready." in log.read_text(errors="replace"):
                break
            time.sleep(0.1)
        baseline_kb = _rss_kb(worker.pid, "VmRSS")
        started = time.monotonic()
        _manage(env, "run_periodic", "listings-expire-due", "--queue")
        runs = 0
        while True:
            time.sleep(1)
            text = log.read_text(errors="replace")
            received = len(re.findall(r"listings_expire_due_task\[[^\]]+\] received", text))
            runs = len(re.findall(r"listings_expire_due_task\[[^\]]+\] succeeded", text))
            if " raised " in text:
                raise SystemExit(f"the task failed; see {log}")
            if runs and runs == received:
                left = _sql(env, "SELECT count(*) FROM listings_listing WHERE status = 'published'")[0][0]
                if left == 0:
                    break
        elapsed = time.monotonic() - started
        peak_kb = _rss_kb(worker.pid, "VmHWM")
    finally:
        worker.terminate()
        worker.wait(timeout=60)
    (expired, closed, history, outbox) = _sql(
        env,
        "SELECT (SELECT count(*) FROM listings_listing WHERE status = 'expired'), "
        "(SELECT count(*) FROM applications_application WHERE status = 'closed'), "
        "(SELECT count(*) FROM applications_applicationstatuschange WHERE to_status = 'closed'), "
        "(SELECT count(*) FROM notifications_outboxemail WHERE event = 'application.closed')",
    )[0]
    server = _sql(env, "SELECT version()")[0][0].split(" on ")[0]
    result = f"""{SECTION}

`bench/jobs_expiry.py`, {time.strftime("%Y-%m-%d")}: {listings:,} unfilled micro-internships past their
staleness window with {opened:,} open applications, on {server}, this machine (2 cores). One
`listings_expire_due_task` sent to a real Celery worker (solo pool, so the task runs in the measured
process); batches of 500 listings, each one set-based update of the listings, one of their
applications, bulk history rows and batched notifications.

| measure | value |
|---|---:|
| listings expired | {expired:,} |
| applications closed (each student told once: outbox emails) | {closed:,} ({outbox:,}) |
| history rows written | {history:,} |
| task runs needed | {runs} |
| wall time from enqueue to done | {elapsed:.1f} s |
| worker peak RSS (VmHWM) | {peak_kb / 1024:.0f} MB (idle before: {baseline_kb / 1024:.0f} MB) |

Target: one run of the task, in batches, peak worker memory under 300 MB.
"""
    print(result)
    if not args.no_write:
        common.write_section(SECTION, result.splitlines())


def _rss_kb(pid: int, field: str) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    return 0


if __name__ == "__main__":
    main()
