"""Benchmark: the placement workspace page with 50 check-ins, and the workspace's periodic jobs over
20,000 active placements.

    .venv/bin/python bench/placements_workspace.py                      # embedded PostgreSQL
    DATABASE_URL=postgres://…/bench_placements .venv/bin/python bench/placements_workspace.py --placements 20000

The database named in DATABASE_URL (by default a separate `bench_placements` database on the
embedded server, never the project's own) is created if missing and migrated.

1. Page: one placement made through the services (apply, offer, accept, six goals confirmed), with
   50 written check-ins and their feedback, and a conversation of 2,000 messages. The workspace is requested in-process through Django's
   test client as the student and as the supervisor (middleware, view, SQL, template: the server's
   time without the network), after warm-up; p50/p95 and the query count are reported.
2. Jobs: N active placements (bulk-inserted, as `seed_bench` does: no notifications for synthetic
   data), every one with a check-in period that fell overdue at the end of yesterday in its
   student's zone (11 zones), one in five with a check-in waiting for feedback for 4 days and one
   in ten with two periods overdue. The three jobs run exactly as their tasks do (batch after batch
   until done) in this process; wall time and the growth of the peak resident memory (VmHWM, reset
   before) are measured, and each job is run a second time to show it sends nothing more.

Results go to docs/benchmarks.md under "## Placement workspace".
"""

from __future__ import annotations

import argparse
import contextlib
import os
import resource
import statistics
import time
from datetime import timedelta
from pathlib import Path

import common  # bench/common.py, next to this script

ROOT = common.ROOT
SECTION = "## Placement workspace"
TARGET_MS = 150
TARGET_S = 60
TARGET_MB = 300
MESSAGES = 2000
CHUNK = 2000


def _vm(field: str) -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    return 0


def _reset_peak() -> None:
    # Linux: writing 5 to clear_refs resets VmHWM to the current RSS.
    with contextlib.suppress(OSError):
        Path("/proc/self/clear_refs").write_text("5")


def workspace_page(runs: int) -> list[tuple]:
    from django.db import connection
    from django.test import Client
    from django.utils import timezone

    from accounts.models import Role, StudentProfile, User
    from applications import services as application_services
    from applications.bench import bench_listing
    from applications.models import CheckIn, Placement
    from placements import services

    listing = bench_listing()
    supervisor = User.objects.get(email="bench-employer@bench.example")
    student = User.objects.filter(email="bench-workspace-student@bench.example").first()
    if student is None:
        student = User.objects.create_user(
            email="bench-workspace-student@bench.example", password=None, name="Workspace Student", role=Role.STUDENT
        )
        StudentProfile.objects.create(user=student, time_zone="Asia/Kolkata", country="IN")
    placement = Placement.objects.filter(student=student).first()
    if placement is None:
        application = application_services.application_submit(
            student=student,
            listing=listing,
            cover_letter="Bench",
            answers={q.pk: "Bench" for q in listing.questions.all()},
        )
        application_services.application_transition(
            application=application, to_status="offered", user=supervisor, offer_start_date=timezone.localdate()
        )
        application_services.application_transition(application=application, to_status="accepted", user=student)
        placement = Placement.objects.get(application=application)
        for i in range(6):
            services.goal_propose(placement=placement, user=student, text=f"Bench goal {i + 1}: a realistic sentence")
        services.goals_confirm(placement=placement, user=supervisor)
    missing = 50 - placement.checkins.filter(submitted_at__isnull=False).count()
    if missing > 0:
        now = timezone.now()
        earliest = placement.checkins.order_by("due_on").first().due_on
        CheckIn.objects.bulk_create(
            [
                CheckIn(
                    placement=placement,
                    due_on=earliest - timedelta(days=7 * (i + 1)),
                    hours=12,
                    done="Wrote tests, reviewed a pull request and paired with the team. " * 4,
                    blockers="Waiting for staging access." if i % 3 == 0 else "",
                    learned="How the CI pipeline caches dependencies.",
                    proud_of="A faster test suite.",
                    submitted_at=now,
                    submitted_by=student,
                    feedback="Good progress; keep the pull requests small. " * 3,
                    feedback_by=supervisor,
                    feedback_at=now,
                )
                for i in range(missing)
            ]
        )
    # The conversation continues in the workspace: the page shows its newest messages.
    from conversations.models import Message

    missing = MESSAGES - Message.objects.filter(application=placement.application).count()
    if missing > 0:
        start = timezone.now() - timedelta(minutes=missing)
        Message.objects.bulk_create(
            [
                Message(
                    application=placement.application,
                    author_id=student.pk if i % 2 else supervisor.pk,
                    side="student" if i % 2 else "organization",
                    body=f"Message {i}: a few lines about the work, with a link https://example.org/{i} and **emphasis**.",
                    created_at=start + timedelta(minutes=i),
                )
                for i in range(missing)
            ],
            batch_size=1000,
        )
    written = placement.checkins.filter(submitted_at__isnull=False).count()
    messages = Message.objects.filter(application=placement.application).count()
    rows = []
    for who, query in ((student, ""), (supervisor, ""), (supervisor, "?checkins=all")):
        client = Client()
        client.force_login(who)
        path = f"/placements/{placement.pk}/{query}"
        for _ in range(5):
            assert client.get(path).status_code == 200
        # Counted at the cursor: Django clears its own query log when a request starts.
        executed: list[str] = []

        def count(execute, sql, params, many, context, executed=executed):
            executed.append(sql)
            return execute(sql, params, many, context)

        with connection.execute_wrapper(count):
            client.get(path)
        timings = []
        for _ in range(runs):
            started = time.perf_counter()
            response = client.get(path)
            timings.append((time.perf_counter() - started) * 1000)
            assert response.status_code == 200
        rows.append(
            (
                ("student" if who == student else "supervisor") + (", all check-ins listed" if query else ""),
                written,
                response.content.count(b'data-testid="checkin"'),
                messages,
                response.content.count(b'class="conversation-message'),
                len(executed),
                statistics.median(timings),
                common.percentile(timings, 95),
            )
        )
    return rows


def seed_jobs(n: int) -> int:
    """N active placements with overdue periods (bulk inserts); returns the number present."""
    from django.contrib.auth.hashers import make_password
    from django.db import transaction
    from django.utils import timezone

    from accounts.models import Role, StudentProfile, User
    from applications.bench import ZONES, bench_listing
    from applications.models import Application, ApplicationStatus, CheckIn, Placement

    listing = bench_listing()
    have = Placement.objects.filter(listing=listing, student__email__startswith="bench-job-").count()
    today = timezone.now().date()
    supervisor = User.objects.get(email="bench-employer@bench.example")
    password = make_password(None)
    for start in range(have, n, CHUNK):
        size = min(CHUNK, n - start)
        with transaction.atomic():
            users = User.objects.bulk_create(
                [
                    User(
                        email=f"bench-job-{i}@bench.example",
                        name=f"Job Student {i}",
                        role=Role.STUDENT,
                        password=password,
                    )
                    for i in range(start, start + size)
                ]
            )
            StudentProfile.objects.bulk_create(
                [StudentProfile(user=u, time_zone=ZONES[i % len(ZONES)]) for i, u in enumerate(users, start)]
            )
            apps = Application.objects.bulk_create(
                [
                    Application(listing=listing, student=u, cover_letter="Bench", status=ApplicationStatus.ACCEPTED)
                    for u in users
                ]
            )
            placements = Placement.objects.bulk_create(
                [
                    Placement(
                        application=a,
                        student_id=a.student_id,
                        listing=listing,
                        organization_id=listing.organization_id,
                        supervisor=supervisor,
                        start_date=today - timedelta(days=23),
                        end_date=today + timedelta(days=67),
                    )
                    for a in apps
                ]
            )
            checkins = []
            submitted = timezone.now() - timedelta(days=4)
            for i, p in enumerate(placements, start):
                # Every placement: a period due two days ago (overdue everywhere); one in five has an
                # earlier one written 4 days ago without feedback; one in ten a second one overdue.
                checkins.append(CheckIn(placement=p, due_on=today - timedelta(days=2)))
                if i % 5 == 0:
                    checkins.append(
                        CheckIn(
                            placement=p,
                            due_on=today - timedelta(days=9),
                            hours=10,
                            done="Bench",
                            submitted_at=submitted,
                        )
                    )
                elif i % 10 == 1:
                    checkins.append(CheckIn(placement=p, due_on=today - timedelta(days=9)))
                checkins += [CheckIn(placement=p, due_on=today + timedelta(days=5 + 7 * k)) for k in range(9)]
            CheckIn.objects.bulk_create(checkins, batch_size=CHUNK)
        print(f"  {start + size} placements")
    return Placement.objects.filter(listing=listing, student__email__startswith="bench-job-").count()


def run_job(name: str, step) -> tuple[int, float, float]:
    """Run one job batch after batch until done, as its task does; (count, seconds, peak MB growth)."""
    import gc

    gc.collect()
    base = _vm("VmRSS")
    _reset_peak()
    started = time.perf_counter()
    total = step()
    seconds = time.perf_counter() - started
    return total, seconds, max(0, _vm("VmHWM") - base) / 1024


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--placements", type=int, default=20000)
    parser.add_argument("--runs", type=int, default=100)
    parser.add_argument("--output", default=str(ROOT / "docs" / "benchmarks.md"))
    args = parser.parse_args()

    if not os.environ.get("DATABASE_URL"):
        # A fresh database each run: the jobs must find every reminder still to send.
        common.ensure_database(common.database_url(None, "bench_placements"), recreate=True)
    common.setup_django("bench_placements")
    from django.db import connection

    from placements import reminders
    from placements.selectors import RECENT_CHECKINS

    load_before = " ".join(f"{x:.1f}" for x in os.getloadavg())
    page_rows = workspace_page(args.runs)
    load_after = " ".join(f"{x:.1f}" for x in os.getloadavg())
    print("page:", page_rows)
    print(f"Seeding {args.placements} active placements…")
    present = seed_jobs(args.placements)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
        cursor.execute("SHOW server_version")
        server = cursor.fetchone()[0]

    def overdue():
        total, cursor = reminders.checkins_remind_overdue()
        while cursor is not None:
            sent, cursor = reminders.checkins_remind_overdue(after=cursor)
            total += sent
        return total

    def feedback():
        total, more = reminders.checkins_remind_feedback()
        while more:
            sent, more = reminders.checkins_remind_feedback()
            total += sent
        return total

    def attention():
        total, cursor = reminders.placements_flag_attention()
        while cursor is not None:
            flagged, cursor = reminders.placements_flag_attention(after=cursor)
            total += flagged
        return total

    job_rows = []
    for label, step in (
        ("overdue check-in reminders (students)", overdue),
        ("missing-feedback reminders (supervisors)", feedback),
        ("needs-attention flags (organization)", attention),
    ):
        count, seconds, peak = run_job(label, step)
        again, seconds_again, _ = run_job(label, step)
        job_rows.append((label, count, seconds, peak, again, seconds_again))
        print(label, count, f"{seconds:.1f}s", f"{peak:.0f}MB", "again:", again, f"{seconds_again:.2f}s")
    rss_max_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

    lines = [
        SECTION,
        "",
        f"`bench/placements_workspace.py`, {time.strftime('%Y-%m-%d')}: PostgreSQL {server}, this machine (2 cores, shared).",
        "",
        f"Workspace page (server time through Django's test client, {args.runs} requests after warm-up):",
        "",
        "| viewer | check-ins written | listed | messages | shown | queries | p50 ms | p95 ms |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
        *[
            f"| {who} | {n} | {shown} | {m:,} | {m_shown} | {q} | {p50:.1f} | {p95:.1f} |"
            for who, n, shown, m, m_shown, q, p50, p95 in page_rows
        ],
        "",
        f"Worst p95: {max(r[7] for r in page_rows):.1f} ms (target {TARGET_MS} ms); load average during the run: "
        f"{load_before} before, {load_after} after (2 cores shared with other work). The page lists the "
        f"{RECENT_CHECKINS} most recent check-ins (all on request). The query count does not depend on the number "
        "of check-ins or goals (asserted in tests/placements/test_workspace.py).",
        "",
        f"Periodic jobs over {present:,} active placements (batches of {reminders.BATCH}; each job run batch after "
        "batch as its task does, in this process; memory is the growth of the process's peak RSS over the run):",
        "",
        "| job | sent | time s | peak RSS growth MB | second run: sent | second run s |",
        "|---|---:|---:|---:|---:|---:|",
        *[f"| {label} | {c:,} | {s:.1f} | {m:.0f} | {a} | {s2:.2f} |" for label, c, s, m, a, s2 in job_rows],
        "",
        f"All three: {sum(r[2] for r in job_rows):.1f} s (target: each job under {TARGET_S} s and {TARGET_MB} MB); "
        f"the process's peak RSS over the whole script was {rss_max_mb:.0f} MB. Each reminder is recorded "
        "with its in-app notification and outbox email (rendered); a second run finds nothing to send.",
    ]
    common.write_section(SECTION, lines, Path(args.output))
    print("\n".join(lines))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
