"""Kept text matches (listings/matches.py): a query matched recently is not matched again, and
what it returns stays exactly what matching afresh returns, whoever writes (issue 17, item 3)."""

import threading

import numpy as np
import pytest
from django.contrib.postgres.search import SearchQuery
from django.db import connection, connections, transaction
from django.test.utils import CaptureQueriesContext

from listings import matches, search, services
from listings.models import Listing
from listings.search import CONFIG, Params, Viewer, search_listings, text_matches
from tests.listings.factories import PublishedListingFactory

pytestmark = pytest.mark.django_db(transaction=True)


def query(text: str) -> SearchQuery:
    return SearchQuery(text, search_type="websearch", config=CONFIG)


def afresh(text: str, *, ranked: bool = False):
    """What matching the query without anything kept returns."""
    matches.kept_matches().clear()
    return text_matches(query(text), ranked=ranked)


def kept(text: str, *, ranked: bool = False):
    return text_matches(query(text), ranked=ranked)


def same(a, b) -> bool:
    ids_a, ranks_a = a
    ids_b, ranks_b = b
    if not np.array_equal(ids_a, ids_b):
        return False
    return (ranks_a is None and ranks_b is None) or np.allclose(ranks_a, ranks_b)


@pytest.fixture
def listings(python_listings):
    return python_listings


def edit(listing, employer, **data):
    return services.listing_update(listing=listing, actor=employer, data=data, skill_names=[], questions=[])


@pytest.mark.parametrize("ranked", [False, True])
def test_a_kept_match_answers_without_matching_again_and_equals_a_fresh_one(listings, ranked):
    first = afresh("python", ranked=ranked)
    assert len(first[0]) == 3 and len(matches.kept_matches()) == 1
    with CaptureQueriesContext(connection) as queries:
        again = kept("python", ranked=ranked)
    assert same(again, first)
    # One query for the listings written since: no search document is read.
    assert len(queries) == 1 and "searchdocument" not in queries[0]["sql"]


def test_writes_after_a_match_are_matched_again(listings, org, employer):
    afresh("python")
    writer = listings[3]
    edit(writer, employer, title="Python social media writer")  # now matches
    edit(listings[0], employer, title="Data intern")  # no longer matches (skills emptied too)
    services.listing_close(listing=listings[1], actor=employer, reason="Filled")  # its document goes
    added = PublishedListingFactory(organization=org, actor=employer, title="Python tutor")
    with CaptureQueriesContext(connection) as queries:
        now = kept("python")
    assert same(now, afresh("python"))
    assert added.pk in now[0] and writer.pk in now[0]
    assert listings[0].pk not in now[0] and listings[1].pk not in now[0]
    assert len(queries) == 2  # the changed listings, then those matched again by primary key
    # The merged matches are kept from the newer moment: nothing changed since.
    with CaptureQueriesContext(connection) as queries:
        assert same(kept("python"), now)
    assert len(queries) == 1


def test_a_deleted_listing_leaves_its_id_but_no_result(listings, employer):
    afresh("python")
    gone = listings[2]
    Listing.objects.filter(pk=gone.pk).delete()
    result = search_listings(Params(q="python"), viewer=Viewer())
    assert gone.pk not in [listing.pk for listing in result.listings]
    assert result.total == 2


def test_many_changes_match_afresh(listings, org, employer, monkeypatch):
    monkeypatch.setattr(search, "REFRESH_AFTER", 2)
    afresh("python")
    for listing in listings[:3]:
        edit(listing, employer, openings=2)
    with CaptureQueriesContext(connection) as queries:
        result = kept("python")
    assert same(result, afresh("python"))
    assert any("searchdocument" in q["sql"] and "string_agg" in q["sql"] for q in queries.captured_queries)


def test_a_transaction_that_has_written_keeps_nothing_but_sees_its_own_writes(listings, employer):
    with transaction.atomic():
        edit(listings[3], employer, title="Python writer")
        inside = kept("python")
        assert listings[3].pk in inside[0]
        assert len(matches.kept_matches()) == 0
        transaction.set_rollback(True)
    assert listings[3].pk not in afresh("python")[0]
    # And with a kept match, the own write is matched again, and rolled back leaves nothing kept.
    with transaction.atomic():
        edit(listings[3], employer, title="Python writer")
        assert listings[3].pk in kept("python")[0]
        transaction.set_rollback(True)
    assert listings[3].pk not in kept("python")[0]


def test_a_second_session_writing_is_seen_once_it_commits(listings, employer):
    afresh("python")
    target = listings[3]
    started, release, done = threading.Event(), threading.Event(), threading.Event()

    def other_session():
        try:
            with transaction.atomic():
                edit(Listing.objects.get(pk=target.pk), employer, title="Python community manager")
                started.set()
                release.wait(10)
        finally:
            connections.close_all()
            done.set()

    thread = threading.Thread(target=other_session)
    thread.start()
    assert started.wait(10)
    during = kept("python")  # the other session has not committed: not a match yet
    assert target.pk not in during[0]
    release.set()
    assert done.wait(10)
    thread.join()
    after = kept("python")
    assert target.pk in after[0]
    assert same(after, afresh("python"))


def test_the_server_counter_behind_a_kept_moment_matches_afresh(listings):
    afresh("python")
    key = next(iter(matches.kept_matches()._kept))
    ahead = matches.kept_matches()._kept[key]
    # As after a restore into a new cluster: the kept moment is ahead of the server's counter.
    matches.kept_matches().put(
        key, matches.Kept(since=str(int(ahead.since) + 10_000_000), ids=ahead.ids[:1], ranks=None)
    )
    assert same(kept("python"), afresh("python"))
    assert len(kept("python")[0]) == 3


def test_memory_is_bounded(listings, settings):
    settings.SEARCH_MATCH_CACHE_IDS = 4
    afresh("python")  # 3 ids: more than half of 4, not kept
    assert len(matches.kept_matches()) == 0
    settings.SEARCH_MATCH_CACHE_IDS = 6
    kept("python")
    kept("writer")
    kept("intern")  # 3 + 1 + 3 > 6: the least recently used is dropped
    held = matches.kept_matches()
    assert len(held) == 2 and held._size <= 6
    settings.SEARCH_MATCH_CACHE_IDS = 0
    matches.kept_matches().clear()
    kept("writer")
    assert len(matches.kept_matches()) == 0
