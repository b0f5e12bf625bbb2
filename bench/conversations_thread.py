"""Benchmark: server time of a conversation with 2,000 messages (the thread is paginated).

    .venv/bin/python bench/conversations_thread.py                    # embedded PostgreSQL
    DATABASE_URL=postgres://…/bench_applications .venv/bin/python bench/conversations_thread.py --messages 2000

Uses the pipeline benchmark's database (`bench_applications` on the embedded server unless
DATABASE_URL names another, never the project's own), topped up with `seed_bench --applicants 50`
if empty, and gives one application a thread of N messages alternating between the student and
the organization (written in bulk: this is data for a measurement, not a user's action). Each case
is requested in-process through Django's test client (middleware, view, SQL, template) after
warm-up; p50/p95 and the query count per case are written to docs/benchmarks.md under
"## Conversation thread".
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import common  # noqa: E402 (bench/common.py, next to this script)

TARGET_MS = 150
TITLE = "## Conversation thread"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--messages", type=int, default=2000)
    parser.add_argument("--runs", type=int, default=40, help="timed requests per case (after 3 warm-ups)")
    parser.add_argument("--output", default=str(ROOT / "docs" / "benchmarks.md"))
    args = parser.parse_args()

    common.setup_django("bench_applications")
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from accounts.models import User
    from applications.bench import BENCH_EMPLOYER, bench_listing
    from applications.models import Application
    from conversations.models import Message

    listing = bench_listing()
    if not Application.objects.filter(listing=listing).exists():
        call_command("seed_bench", applicants=50)
    application = Application.objects.filter(listing=listing).order_by("pk").first()
    employer = User.objects.get(email=BENCH_EMPLOYER)
    missing = args.messages - Message.objects.filter(application=application).count()
    if missing > 0:
        print(f"Writing {missing} messages…")
        start = timezone.now() - timedelta(minutes=missing)
        Message.objects.bulk_create(
            [
                Message(
                    application=application,
                    author_id=application.student_id if i % 2 else employer.pk,
                    side="student" if i % 2 else "organization",
                    body=f"Message {i}: a few lines about the work, with a link https://example.org/{i} and **emphasis**.",
                    created_at=start + timedelta(minutes=i),
                )
                for i in range(missing)
            ],
            batch_size=1000,
        )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
        cursor.execute("SHOW server_version")
        server = cursor.fetchone()[0]
    total = Message.objects.filter(application=application).count()
    ids = list(Message.objects.filter(application=application).order_by("pk").values_list("pk", flat=True))
    htmx = {"HTTP_HX_REQUEST": "true"}
    cases = [
        ("employer's application page (thread included)", f"/employer/applications/{application.pk}/", {}, {}),
        ("thread page", f"/conversations/{application.pk}/", {}, {}),
        ("poll, nothing new (204)", f"/conversations/{application.pk}/poll/", {"after": ids[-1]}, htmx),
        ("poll, 5 new messages", f"/conversations/{application.pk}/poll/", {"after": ids[-6]}, htmx),
        (
            "earlier page, half-way back",
            f"/conversations/{application.pk}/earlier/",
            {"before": ids[len(ids) // 2]},
            htmx,
        ),
    ]
    client = Client()
    client.force_login(employer)
    rows = []
    for label, path, params, headers in cases:
        timings = []
        for i in range(3 + args.runs):
            with CaptureQueriesContext(connection) as queries:
                started = time.perf_counter()
                response = client.get(path, params, **headers)
                elapsed = (time.perf_counter() - started) * 1000
            assert response.status_code in (200, 204), (path, response.status_code)
            if i >= 3:
                timings.append(elapsed)
        shown = response.content.count(b'class="conversation-message')
        rows.append((label, shown, len(queries), statistics.median(timings), common.percentile(timings, 95)))
        print(
            f"{label:48} messages={shown:>3} queries={len(queries)} p50={rows[-1][3]:6.1f} ms p95={rows[-1][4]:6.1f} ms"
        )

    worst = max(r[4] for r in rows)
    section = [
        TITLE,
        "",
        f"`bench/conversations_thread.py`, {time.strftime('%Y-%m-%d')}: one application's conversation with "
        f"{total:,} messages on PostgreSQL {server}, this machine. Server time measured in-process through Django's "
        f"test client as a member of the organization, {args.runs} timed requests per case after 3 warm-ups. The "
        f"thread shows the newest 20 messages; older ones come 20 at a time. Target: p95 under {TARGET_MS} ms.",
        "",
        "| case | messages rendered | SQL queries | p50 ms | p95 ms |",
        "|---|---:|---:|---:|---:|",
        *[f"| {label} | {shown} | {q} | {p50:.1f} | {p95:.1f} |" for label, shown, q, p50, p95 in rows],
        "",
        f"Worst p95: {worst:.1f} ms ({'within' if worst < TARGET_MS else 'over'} the {TARGET_MS} ms target). "
        "The query counts do not depend on the number of messages (asserted exactly in "
        "tests/conversations/test_thread.py at 3 and 60 messages).",
        "",
    ]
    out = common.write_section(TITLE, section, Path(args.output))
    print(f"Wrote {out}")
    return 0 if worst < TARGET_MS else 1


if __name__ == "__main__":
    raise SystemExit(main())
