"""Frequent words' matches kept in the database (listings/matches.py, search.keep_frequent_matches):
a search this process has not kept reads them instead of matching the word, and gets exactly
what matching afresh returns, whoever writes (issue 17, item 3)."""

from io import StringIO

import numpy as np
import pytest
from django.core.management import call_command
from django.db import connection, connections, transaction
from django.test.utils import CaptureQueriesContext

from listings import matches, search, services
from listings.models import KeptMatch, Listing
from listings.search import Params, Viewer, keep_frequent_matches, search_listings, text_matches
from listings.tasks import keep_frequent_matches_task
from marketplace.celery import ping_task
from tests.listings.factories import PublishedListingFactory
from tests.listings.test_matches import edit, query, same

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def listings(python_listings):
    return python_listings


def first_search(text: str, *, ranked: bool = True):
    """A search for ``text`` by a process that has not kept it."""
    matches.kept_matches().clear()
    return text_matches(query(text), ranked=ranked)


def truth(text: str, *, ranked: bool = True):
    """What matching the search documents returns, with nothing kept anywhere (rolled back)."""
    with transaction.atomic():
        KeptMatch.objects.all().delete()
        found = first_search(text, ranked=ranked)
        transaction.set_rollback(True)
    matches.kept_matches().clear()
    return found


def kept_words() -> set[str]:
    return set(KeptMatch.objects.values_list("query", flat=True))


def refuse(*args, **kwargs):
    raise AssertionError("matched afresh where the kept row should have answered")


@pytest.fixture
def no_match(monkeypatch):
    """Fail any search that would match a word afresh: the database's kept row must answer."""
    monkeypatch.setattr(search, "_matched_afresh", refuse)


def test_words_in_enough_listings_are_kept_and_rarer_ones_are_not(listings, org, employer):
    # In a description only, a weaker match than in a title: the ranks differ.
    described = PublishedListingFactory(
        organization=org, actor=employer, title="Data analyst", description="Some Python scripting."
    )
    done = keep_frequent_matches(minimum=3)
    assert {"'python'", "'data'", "'intern'"} <= kept_words()
    assert "'social'" not in kept_words() and "'writer'" not in kept_words()
    assert done.kept == len(kept_words()) and done.fresh == 0 and done.dropped == 0
    row = KeptMatch.objects.get(query="'python'")
    assert row.matches == 4 and len(row.packed) == 12 * 4
    ids = np.frombuffer(row.packed, dtype=">i8", count=4)
    assert ids.tolist() == sorted([listing.pk for listing in listings[:3]] + [described.pk])
    # The same relevance a search for the word computes, id by id.
    ranks = np.frombuffer(row.packed, dtype=">f4", offset=32)
    assert len(set(ranks.tolist())) == 2
    np.testing.assert_array_equal(ranks, truth("python")[1].astype(np.float32))


@pytest.mark.parametrize("ranked", [True, False])
def test_a_first_search_reads_the_kept_row_instead_of_matching(listings, ranked):
    keep_frequent_matches(minimum=3)
    expected = truth("pythons", ranked=ranked)  # a search for "pythons" is a search for 'python'
    with CaptureQueriesContext(connection) as queries:
        found = first_search("pythons", ranked=ranked)
    assert same(found, expected)
    # SET LOCAL, the statement that reads the kept row (or would have matched), the listings
    # written since: as many queries as a match afresh and no more.
    statements = [q["sql"] for q in queries if q["sql"] not in ("BEGIN", "COMMIT")]
    assert len(statements) == 3
    assert "listings_keptmatch" in statements[1]
    # The row the task kept answered (a match would carry a newer moment), and this process keeps it.
    ((key, kept),) = matches.kept_matches()._kept.items()
    assert kept.since == str(KeptMatch.objects.get(query="'python'").since)
    with CaptureQueriesContext(connection) as queries:
        assert same(text_matches(query("pythons"), ranked=ranked), expected)
    assert len(queries) == 1


def test_writes_since_the_word_was_kept_are_laid_over_it(listings, org, employer, monkeypatch):
    keep_frequent_matches(minimum=3)
    edit(listings[3], employer, title="Python social media writer")  # now matches
    edit(listings[0], employer, title="Data intern")  # no longer matches (skills emptied too)
    services.listing_close(listing=listings[1], actor=employer, reason="Filled")  # its document goes
    added = PublishedListingFactory(organization=org, actor=employer, title="Python tutor")
    expected = truth("python")
    with monkeypatch.context() as patched:
        patched.setattr(search, "_matched_afresh", refuse)
        found = first_search("python")
    assert same(found, expected)
    assert added.pk in found[0] and listings[3].pk in found[0]
    assert listings[0].pk not in found[0]
    result = search_listings(Params(q="python"), viewer=Viewer())
    assert {listing.pk for listing in result.listings} == {listings[2].pk, listings[3].pk, added.pk}
    assert result.total == 3


def test_a_search_in_a_transaction_that_wrote_sees_its_own_write_and_keeps_none_of_it(listings, org, employer):
    keep_frequent_matches(minimum=3)
    matches.kept_matches().clear()
    with transaction.atomic():
        mine = PublishedListingFactory(organization=org, actor=employer, title="Python mentor")
        found = text_matches(query("python"), ranked=True)
        assert mine.pk in found[0]
        transaction.set_rollback(True)
    assert not Listing.objects.filter(pk=mine.pk).exists()
    # What this process kept meanwhile is the database's row, without the rolled-back listing.
    again = text_matches(query("python"), ranked=True)
    assert mine.pk not in again[0]
    assert same(again, truth("python"))


def test_too_many_changes_since_match_afresh_and_the_task_keeps_the_word_again(listings, employer, monkeypatch):
    monkeypatch.setattr(search, "REFRESH_AFTER", 2)
    keep_frequent_matches(minimum=3)
    before = KeptMatch.objects.get(query="'python'").since
    for listing in listings[:2]:
        edit(listing, employer, title="Data intern")
    edit(listings[3], employer, title="Python writer")
    with CaptureQueriesContext(connection) as queries:
        found = first_search("python")
    assert same(found, truth("python"))
    assert any("string_agg(int8send(m.listing_id)" in q["sql"] and "keptmatch" not in q["sql"] for q in queries)
    done = keep_frequent_matches(minimum=1)
    assert done.kept >= 1
    assert KeptMatch.objects.get(query="'python'").since > before


def test_a_second_run_keeps_only_what_many_changes_made_stale(listings, employer):
    first = keep_frequent_matches(minimum=3)
    kept_at = dict(KeptMatch.objects.values_list("query", "kept_at"))
    again = keep_frequent_matches(minimum=3)
    assert again.kept == 0 and again.fresh == first.kept
    edit(listings[0], employer, openings=2)  # one change: still far from stale
    assert keep_frequent_matches(minimum=3).kept == 0
    assert dict(KeptMatch.objects.values_list("query", "kept_at")) == kept_at


def test_words_no_longer_frequent_are_dropped_and_the_most_frequent_are_kept_first(listings, org, employer):
    keep_frequent_matches(minimum=3)
    assert "'python'" in kept_words()
    done = keep_frequent_matches(minimum=4)
    assert "'python'" not in kept_words() and done.dropped >= 1
    PublishedListingFactory(organization=org, actor=employer, title="Python tutor", skills=["Python"])
    keep_frequent_matches(minimum=1, most=1)
    # 'python' (4 listings) is not the most frequent word: the description's words are in all five.
    assert len(kept_words()) == 1 and "'python'" not in kept_words()
    keep_frequent_matches(minimum=0)
    assert kept_words() == set()


def test_the_most_frequent_words_are_kept_within_a_budget_of_matches(listings):
    keep_frequent_matches(minimum=1, budget=4)
    # A word of the description every listing shares fills the budget; no other word fits.
    assert list(KeptMatch.objects.values_list("matches", flat=True)) == [4]
    keep_frequent_matches(minimum=1, budget=100)
    kept = dict(KeptMatch.objects.values_list("query", "matches"))
    assert "'python'" in kept and sum(kept.values()) <= 100


def test_one_run_at_a_time(listings):
    other = connections.create_connection("default")
    try:
        with other.cursor() as cursor:
            cursor.execute("SELECT pg_try_advisory_lock(%s)", [search.KEEP_LOCK])
            assert cursor.fetchone()[0]
        done = keep_frequent_matches(minimum=3)
        assert done.busy and (done.kept, done.fresh, done.dropped) == (0, 0, 0)
        assert kept_words() == set()
        with other.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_unlock(%s)", [search.KEEP_LOCK])
    finally:
        other.close()
    done = keep_frequent_matches(minimum=3)
    assert not done.busy and done.kept >= 3


def test_a_word_kept_while_an_old_transaction_runs_is_not_matched_again_for_nothing(listings, employer, monkeypatch):
    monkeypatch.setattr(search, "REFRESH_AFTER", 2)
    old = connections.create_connection("default")
    try:
        with old.cursor() as cursor:  # an open transaction with an id holds the horizon back
            cursor.execute("BEGIN; SELECT pg_current_xact_id()")
        first = keep_frequent_matches(minimum=3)
        for listing in listings[:3]:
            edit(listing, employer, openings=3)
        # Many changes, but the oldest running transaction has not moved: matching again would
        # give the same moment.
        again = keep_frequent_matches(minimum=3)
        assert not again.busy and again.kept == 0 and again.fresh == first.kept
        with old.cursor() as cursor:
            cursor.execute("ROLLBACK")
    finally:
        old.close()
    assert keep_frequent_matches(minimum=3).kept == first.kept


def test_the_restore_command_drops_the_kept_matches(listings):
    keep_frequent_matches(minimum=3)
    assert kept_words()
    out = StringIO()
    call_command("reset_search_xid", stdout=out)
    assert kept_words() == set()
    assert "dropped" in out.getvalue()
    assert same(first_search("python"), truth("python"))


def test_the_browse_page_and_the_api_answer_alike_from_a_kept_word(client, listings, no_match):
    keep_frequent_matches(minimum=3)
    matches.kept_matches().clear()
    page = client.get("/listings/", {"q": "python", "sort": "relevance"})
    matches.kept_matches().clear()
    api = client.get("/api/v1/listings/", {"q": "python"})
    assert page.status_code == 200 and api.status_code == 200
    shown = [item["id"] for item in api.json()["results"]]
    assert sorted(shown) == sorted(listing.pk for listing in listings[:3])
    for pk in shown:
        assert f"/listings/{pk}/" in page.content.decode()


@pytest.mark.worker
def test_the_task_keeps_the_frequent_words_on_a_real_worker(worker_factory, listings):
    worker = worker_factory(extra_env={"SEARCH_FREQUENT_WORD_LISTINGS": "3"}).start()
    try:
        keep_frequent_matches_task.delay()
        assert ping_task.delay("done").get(timeout=60) == "pong:done"  # one task at a time: it ran
    finally:
        worker.stop()
    assert {"'python'", "'data'", "'intern'"} <= kept_words() and "'social'" not in kept_words()
    assert same(first_search("python"), truth("python"))
