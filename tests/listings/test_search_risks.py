"""The in-memory search copy's risks (issue 17, item 6): a restore from a dump, a second session
writing while a search runs, the saved-search alerts agreeing with the browse page, the indexes."""

import random
from datetime import timedelta
from io import StringIO

import pytest
import time_machine
from django.core.management import call_command
from django.db import connection, connections
from django.http import QueryDict
from django.utils import timezone

from listings import alerts, snapshot
from listings.models import Listing, SavedSearch
from listings.search import Params, Viewer, search_listings
from tests.listings.factories import PublishedListingFactory


def shown(**params) -> list[int]:
    return sorted(listing.pk for listing in search_listings(Params(**params), viewer=Viewer()).listings)


def copied() -> set[int]:
    return {int(pk) for pk in snapshot.snapshot().copy.columns.id}


def _stamp_ahead(pk: int, by: int = 1_000_000) -> None:
    """Give a listing the stamp a dump from a busier server would carry: ahead of this server's
    transaction counter (the trigger, which would overwrite it, is off for the one statement)."""
    with connection.cursor() as cursor:
        cursor.execute("ALTER TABLE listings_listing DISABLE TRIGGER listings_listing_stamp")
        cursor.execute(
            "UPDATE listings_listing SET search_xid = (pg_current_xact_id()::text::bigint + %s)::text::xid8"
            " WHERE id = %s",
            [by, pk],
        )
        cursor.execute("ALTER TABLE listings_listing ENABLE TRIGGER listings_listing_stamp")


# --- a restore from a dump ----------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_reset_search_xid_lets_the_copy_fold_in_restored_rows(org, employer):
    restored = PublishedListingFactory(organization=org, actor=employer)
    _stamp_ahead(restored.pk)
    # Shown (laid over the copy on every search) but never folded in: each search reads it again.
    assert shown() == [restored.pk]
    assert copied() == set()

    out = StringIO()
    call_command("reset_search_xid", stdout=out)
    assert "Re-stamped 1 listing(s)" in out.getvalue()
    assert shown() == [restored.pk]
    assert copied() == {restored.pk}

    call_command("reset_search_xid", stdout=out)  # nothing left ahead: a second run changes nothing
    assert "Re-stamped 0 listing(s)" in out.getvalue()


@pytest.mark.django_db(transaction=True)
def test_a_copy_from_a_server_further_ahead_is_read_again(org, employer):
    """A process whose copy was read before the database was restored on a server with a lower
    transaction counter: new writes are stamped below the copy's horizon and would be missed."""
    first = PublishedListingFactory(organization=org, actor=employer)
    assert shown() == [first.pk]
    shared = snapshot.snapshot()
    shared.copy = snapshot.Copy(shared.copy.columns, shared.copy.horizon + 1_000_000)
    second = PublishedListingFactory(organization=org, actor=employer)
    assert shown() == sorted([first.pk, second.pk])
    assert copied() == {first.pk, second.pk}


# --- a second session writing while a search runs -----------------------------------------------


@pytest.fixture
def other_session():
    """A second database connection (another web process or a worker), in autocommit mode."""
    other = connections.create_connection("default")
    yield other
    other.close()


def _run(session, sql: str, params=()) -> None:
    with session.cursor() as cursor:
        cursor.execute(sql, params)


@pytest.mark.django_db(transaction=True)
def test_an_open_transaction_of_another_session_is_neither_seen_nor_missed(org, employer, other_session):
    kept, hidden = (PublishedListingFactory(organization=org, actor=employer) for _ in range(2))
    assert shown() == sorted([kept.pk, hidden.pk])
    _run(other_session, "BEGIN")
    _run(other_session, "UPDATE listings_listing SET hidden_for_review = true WHERE id = %s", [hidden.pk])
    late = PublishedListingFactory(organization=org, actor=employer)  # committed after the other began
    # Not committed yet: this session still sees the listing, and folds in what has ended.
    assert shown() == sorted([kept.pk, hidden.pk, late.pk])
    horizon = snapshot.snapshot().copy.horizon
    _run(other_session, "COMMIT")
    # The other session's write was stamped at or after the copy's horizon: the next search sees it.
    assert shown() == sorted([kept.pk, late.pk])
    assert snapshot.snapshot().copy.horizon > horizon
    assert copied() == {kept.pk, late.pk}


@pytest.mark.django_db(transaction=True)
def test_a_listing_hidden_between_the_counts_and_the_page_is_left_out(org, employer, other_session, monkeypatch):
    kept, hidden = (PublishedListingFactory(organization=org, actor=employer) for _ in range(2))
    real_page = snapshot.page

    def page_then_write(*args, **kwargs):
        ids = real_page(*args, **kwargs)
        # Another session commits while this search is between its counts and its page.
        _run(other_session, "UPDATE listings_listing SET hidden_for_review = true WHERE id = %s", [hidden.pk])
        return ids

    monkeypatch.setattr(snapshot, "page", page_then_write)
    result = search_listings(Params(), viewer=Viewer())
    assert result.total == 2  # counted before the write
    assert [x.pk for x in result.listings] == [kept.pk]  # the page reads only what is visible now
    monkeypatch.setattr(snapshot, "page", real_page)
    assert shown() == [kept.pk]
    assert search_listings(Params(), viewer=Viewer()).total == 1


# --- the saved-search alerts and the browse page agree ------------------------------------------

CHOICES = {
    "kind": ["internship", "micro"],
    "field": ["marketing", "research", "software_development"],
    "compensation": ["paid", "unpaid", "fixed_fee"],
    "hours": ["lte10", "11-20", "21-30", "gt30"],
    "duration": ["lte14", "15-42", "43-90", "gt90"],
    "country": ["worldwide", "DE", "NG", "US"],
    "skill": ["Python", "Excel", "Figma"],
    "posted": ["1", "7", "30"],
    "overlap": ["1", "4", "6"],
    "q": ["intern", "python", "research", "marketing campaigns"],
}


@pytest.fixture
def varied(org, employer):
    rng = random.Random(17)  # noqa: S311 (test data)
    zones = ["Europe/Berlin", "America/New_York", "Asia/Tokyo", "Africa/Lagos"]
    now = timezone.now()
    for i in range(24):
        kind = rng.choice(["internship", "micro"])
        extra = {"kind": kind}
        if kind == "internship" and rng.random() < 0.3:
            extra.update(compensation_type="unpaid", compensation_amount=None, currency="", pay_period="")
        with time_machine.travel(now - timedelta(days=rng.choice([0.2, 3, 12, 45]), minutes=i)):
            PublishedListingFactory(
                organization=org,
                actor=employer,
                title=rng.choice(["Marketing intern", "Python developer intern", "Research assistant"]),
                field=rng.choice(CHOICES["field"]),
                skills=rng.sample(CHOICES["skill"], rng.randint(0, 2)),
                hours_per_week=rng.choice([5, 15, 25, 35]),
                duration_days=rng.choice([10, 30, 60, 120]) if kind == "internship" else rng.choice([7, 14, 30]),
                eligible_countries=rng.choice([[], ["DE"], ["NG", "US"]]),
                time_zone=rng.choice(zones),
                **extra,
            )


def _random_query(rng: random.Random) -> str:
    query = QueryDict(mutable=True)
    for name in rng.sample(sorted(CHOICES), rng.randint(1, 4)):
        values = CHOICES[name]
        if name in ("posted", "overlap", "q"):
            query[name] = rng.choice(values)
        else:
            query.setlist(name, rng.sample(values, rng.randint(1, 2)))
    return query.urlencode()


@pytest.mark.parametrize("seed", range(6))
def test_alerts_and_the_browse_page_agree_on_random_filters(varied, student, seed):
    rng = random.Random(seed)  # noqa: S311 (test data)
    viewer = Viewer(user=student, time_zone="Europe/Berlin")
    since, now = timezone.now() - timedelta(days=365), timezone.now()
    for _ in range(8):
        search = SavedSearch(user=student, query_string=_random_query(rng))
        params = alerts._params(search)
        params.sort = "newest"
        browsed = search_listings(params, viewer=viewer, page_size=alerts.LISTINGS_PER_SEARCH)
        if browsed.used_fallback:  # the page corrects typos; alerts only send exact matches
            continue
        alerted, total = alerts.saved_search_new_matches(search=search, viewer=viewer, since=since, now=now)
        assert (total, [x.pk for x in alerted]) == (browsed.total, [x.pk for x in browsed.listings]), (
            search.query_string
        )


# --- indexes ------------------------------------------------------------------------------------


def test_the_sort_indexes_the_copy_replaced_are_gone(db):
    """The deadline and pay sorts run on the in-memory copy; their partial indexes only cost writes."""
    with connection.cursor() as cursor:
        names = set(connection.introspection.get_constraints(cursor, Listing._meta.db_table))
    assert not {"listing_visible_by_deadline", "listing_visible_by_pay"} & names
    assert "listing_search_xid" in names
