"""One lock order for a listing's applications: the listing first, then its applications by pk.

Two real database sessions (threads, each with its own connection) interleave the paths that
deadlocked; a third session holds a row that parks one of them at the point that matters.
Where a test waits, it waits for PostgreSQL to report that a session is blocked
(``pg_blocking_pids``), never for a fixed time.
"""

import queue
import threading
import time

import pytest
from django.db import connection, transaction
from django.utils import timezone

from applications.locks import listing_lock
from applications.models import Application, Placement
from applications.services import (
    application_transition,
    applications_bulk_reject,
    applications_close_for_listings,
)
from listings.models import Listing
from tests.applications.factories import OfferedApplicationFactory, SubmittedApplicationFactory
from tests.listings.factories import PublishedListingFactory, member_of


def _blocked_by(pid: int, blocker: int, timeout: float = 20.0) -> bool:
    """Whether session ``pid`` comes to wait for a lock held by session ``blocker``."""
    deadline = time.monotonic() + timeout
    with connection.cursor() as cursor:
        while time.monotonic() < deadline:
            cursor.execute("SELECT %s = ANY(pg_blocking_pids(%s))", [blocker, pid])
            if cursor.fetchone()[0]:
                return True
            time.sleep(0.02)
    return False


class Session(threading.Thread):
    """Runs ``work`` on its own database connection; reports its backend pid, then the outcome."""

    def __init__(self, work):
        super().__init__(daemon=True)
        self.work = work
        self._pid: queue.Queue[int] = queue.Queue()
        self._known: int | None = None
        self.result = None
        self.error: BaseException | None = None

    def run(self):
        try:
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_backend_pid()")
                self._pid.put(cursor.fetchone()[0])
            self.result = self.work()
        except BaseException as exc:  # noqa: BLE001 (reported to the test)
            self.error = exc
        finally:
            connection.close()

    def backend_pid(self) -> int:
        if self._known is None:
            self._known = self._pid.get(timeout=20)
        return self._known


def _my_pid() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        return cursor.fetchone()[0]


@pytest.mark.django_db(transaction=True)
def test_bulk_reject_and_accepting_the_last_offer_at_once_both_complete_without_deadlock():
    listing = PublishedListingFactory(requires_resume=False, openings=1)
    waiting = SubmittedApplicationFactory(listing=listing)  # the lower pk: bulk reject locks it first
    offered = OfferedApplicationFactory(listing=listing)
    assert waiting.pk < offered.pk
    employer = member_of(listing)

    accept = Session(lambda: application_transition(application=offered, to_status="accepted", user=offered.student))
    reject = Session(
        lambda: applications_bulk_reject(
            listing=listing, application_ids=[waiting.pk, offered.pk], user=employer, message="Thanks"
        )
    )
    with transaction.atomic():
        # The gate: an uncommitted placement of the offered application, rolled back below.
        # Accepting inserts the same placement, so it waits on the unique index right after it
        # locked the listing and the offered application, and before it closes the rest: the
        # moment at which bulk reject used to lock the waiting application.
        today = timezone.localdate()
        Placement.objects.create(
            application=offered,
            student=offered.student,
            listing=listing,
            organization_id=listing.organization_id,
            start_date=today,
            end_date=today,
        )
        gate = _my_pid()
        accept.start()
        assert _blocked_by(accept.backend_pid(), gate), "accepting never reached the placement"
        reject.start()
        assert _blocked_by(reject.backend_pid(), accept.backend_pid()), "bulk reject never waited for accepting"
        transaction.set_rollback(True)
    accept.join(timeout=60)
    reject.join(timeout=60)

    assert accept.error is None, f"accepting the offer failed: {accept.error!r}"
    assert reject.error is None, f"bulk reject failed: {reject.error!r}"
    # Bulk reject waited for the listing, then found nothing left open to reject.
    assert reject.result == 0
    assert Application.objects.get(pk=offered.pk).status == "accepted"
    assert Application.objects.get(pk=waiting.pk).status == "closed"
    assert Listing.objects.get(pk=listing.pk).status == Listing.Status.CLOSED


def _move_in_review(application, employer):
    return lambda: application_transition(application=application, to_status="in_review", user=employer)


def _withdraw(application, employer):
    return lambda: application_transition(application=application, to_status="withdrawn", user=application.student)


def _bulk_reject(application, employer):
    return lambda: applications_bulk_reject(
        listing=application.listing, application_ids=[application.pk], user=employer
    )


def _close_for_listing(application, employer):
    return lambda: applications_close_for_listings(listing_ids=[application.listing_id], reason="filled")


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("path", [_move_in_review, _withdraw, _bulk_reject, _close_for_listing])
def test_every_path_that_changes_an_application_locks_its_listing_first(path):
    application = SubmittedApplicationFactory()
    employer = member_of(application.listing)
    session = Session(path(application, employer))
    with transaction.atomic():
        listing_lock(application.listing_id)
        session.start()
        # The path waits for the listing before it touches the application.
        assert _blocked_by(session.backend_pid(), _my_pid()), "the path did not wait for the listing lock"
        assert Application.objects.get(pk=application.pk).status == "submitted"
    session.join(timeout=60)
    assert session.error is None, repr(session.error)
    assert Application.objects.get(pk=application.pk).status != "submitted"
