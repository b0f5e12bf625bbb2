"""The in-memory copy of the visible listings (listings/snapshot.py) stays exact whoever writes:
the services, bulk updates that bypass them, deletions, rolled-back transactions, truncation."""

import gc
import logging
import runpy

import numpy as np
import pytest
from django.conf import settings
from django.db import connection, transaction
from django.urls import clear_url_caches, get_resolver

from listings import services, snapshot
from listings.models import Listing, SearchDocument
from listings.search import Params, Viewer, search_listings
from tests.listings.factories import DraftListingFactory, PublishedListingFactory, member_of


def shown(**params) -> list[int]:
    result = search_listings(Params(**params), viewer=Viewer())
    return sorted(listing.pk for listing in result.listings)


def copied() -> set[int]:
    """The listings folded into this process's copy (not merely laid over it)."""
    return {int(pk) for pk in snapshot.snapshot().copy.columns.id}


def test_a_write_is_seen_inside_its_transaction_and_a_rollback_leaves_nothing(org, employer):
    kept = PublishedListingFactory(organization=org, actor=employer)
    assert shown() == [kept.pk]
    with pytest.raises(RuntimeError), transaction.atomic():
        gone = PublishedListingFactory(organization=org, actor=employer, skills=["Rust"])
        assert shown() == sorted([kept.pk, gone.pk])
        assert shown(skill=["Rust"]) == [gone.pk]
        raise RuntimeError("roll back")
    assert shown() == [kept.pk]
    assert shown(skill=["Rust"]) == []


@pytest.mark.django_db(transaction=True)
def test_committed_writes_are_folded_into_the_copy_whoever_makes_them(org, employer):
    first = PublishedListingFactory(organization=org, actor=employer, title="First")
    assert shown() == [first.pk]
    horizon = snapshot.snapshot().copy.horizon

    second = PublishedListingFactory(organization=org, actor=employer, title="Second", skills=["Go"])
    assert shown() == sorted([first.pk, second.pk])
    assert snapshot.snapshot().copy.horizon > horizon and copied() == {first.pk, second.pk}

    # A bulk update outside the services (as an admin action or a data migration might make).
    Listing.objects.filter(pk=second.pk).update(hidden_for_review=True)
    assert shown() == [first.pk]
    Listing.objects.filter(pk=second.pk).update(hidden_for_review=False, skill_names=["Go", "SQL"])
    assert shown(skill=["SQL"]) == [second.pk]

    services.listing_close(listing=first, actor=member_of(first), reason="filled")
    assert shown() == [second.pk]
    Listing.objects.filter(pk=second.pk).delete()
    assert shown() == []
    assert copied() == set()


@pytest.mark.django_db(transaction=True)
def test_an_unpublished_draft_is_never_shown_and_its_deletion_is_noted(org, employer):
    draft = DraftListingFactory(organization=org, actor=employer)
    assert shown() == []
    services.listing_delete_draft(listing=draft, actor=employer)
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM listings_listing_removal WHERE listing_id = %s", [draft.pk])
        assert cursor.fetchone() == (1,)
    assert shown() == []


@pytest.mark.django_db(transaction=True)
def test_truncating_the_listings_makes_the_copy_read_everything_again(org, employer):
    PublishedListingFactory(organization=org, actor=employer)
    assert len(shown()) == 1
    with connection.cursor() as cursor:
        cursor.execute("TRUNCATE listings_listing CASCADE")
    assert shown() == []
    again = PublishedListingFactory(organization=org, actor=employer)
    assert shown() == [again.pk]


def documents() -> set[int]:
    return set(SearchDocument.objects.values_list("listing_id", flat=True))


def test_only_visible_listings_have_a_search_document_and_it_follows_edits(org, employer):
    draft = DraftListingFactory(organization=org, actor=employer)
    published = PublishedListingFactory(organization=org, actor=employer, title="Tide tables intern")
    assert documents() == {published.pk}
    assert shown(q="tide") == [published.pk]
    services.listing_update(
        listing=published,
        actor=employer,
        data={"title": "Glacier survey intern"},
        skill_names=published.skill_names,
        questions=[],
    )
    assert shown(q="tide") == [] and shown(q="glacier") == [published.pk]
    Listing.objects.filter(pk=published.pk).update(hidden_for_review=True)
    assert documents() == set()
    Listing.objects.filter(pk=published.pk).update(hidden_for_review=False)
    assert documents() == {published.pk}
    services.listing_close(listing=published, actor=employer, reason="filled")
    assert documents() == set() and draft.pk not in documents()


def test_a_few_rows_are_merged_into_the_copy_in_the_order_a_full_sort_gives():
    rng = np.random.default_rng(7)

    def made(n, offset):
        values = {name: rng.integers(0, 50, n).astype(dtype) for name, dtype in snapshot.DTYPES.items()}
        values["published"] = rng.integers(0, 6, n).astype(np.int64)  # many equal times: ties by id
        values["id"] = rng.permutation(1000)[:n].astype(np.int64) + offset
        return snapshot.Columns(**values)

    for _ in range(100):
        kept, added = made(int(rng.integers(0, 30)), 0), made(int(rng.integers(0, 5)), 1000)
        merged = snapshot.Columns.merged(snapshot.Columns.concat([kept]), added)
        sorted_ = snapshot.Columns.concat([kept, added])
        for name in snapshot.DTYPES:
            assert np.array_equal(getattr(merged, name), getattr(sorted_, name))


def test_the_first_keys_of_a_page_are_those_a_stable_sort_gives_even_with_many_ties():
    rng = np.random.default_rng(11)
    for _ in range(300):
        n = int(rng.integers(1, 400))
        keys = rng.integers(0, int(rng.integers(1, 6)), n).astype(np.float64)  # few distinct keys
        keys[rng.random(n) < 0.1] = np.inf  # no deadline, unknown pay
        count = int(rng.integers(1, n + 5))
        assert snapshot.first(keys, count).tolist() == np.argsort(keys, kind="stable")[:count].tolist()


def _counted_with_masks(columns, codes, *, keys, posted_since, since, only, country, skills, blocked):
    """What snapshot.count returns, computed the plain way (boolean masks throughout)."""
    rest = np.isin(columns.id, only) if only is not None else np.ones(len(columns), dtype=bool)
    if skills:
        rest &= codes.skills.table(set(skills).issubset)[columns.skills]
    if blocked:
        rest &= ~np.isin(columns.organization, blocked)
    in_country = codes.countries.table(country)[columns.countries] if country is not None else None
    in_scalar = np.isin(columns.facet_key, keys) if keys is not None else np.ones(len(columns), dtype=bool)
    if since is not None:
        in_scalar &= columns.published >= snapshot.micros(since)
    grouped = rest if in_country is None else rest & in_country
    n = np.bincount(columns.facet_key[grouped], minlength=snapshot.KEY_SPACE)
    periods = [
        np.bincount(
            columns.facet_key[grouped & (columns.published >= snapshot.micros(t))], minlength=snapshot.KEY_SPACE
        )
        for t in posted_since
    ]
    present = np.flatnonzero(n)
    countable = rest & in_scalar
    result = countable if in_country is None else countable & in_country
    return (
        np.column_stack([present, n[present], *(p[present] for p in periods)]),
        codes.countries.per_value(np.bincount(columns.countries[countable])),
        codes.skills.per_value(np.bincount(columns.skills[result])),
        np.flatnonzero(result),
    )


def test_counts_read_by_position_equal_counts_read_by_mask():
    from datetime import UTC, datetime, timedelta

    rng = np.random.default_rng(5)
    codes = snapshot.Dictionaries()
    countries = [codes.countries.code(text) for text in ("[]", '["US"]', '["DE", "US"]', '["FR"]')]
    skills = [codes.skills.code(text) for text in ("[]", '["Python"]', '["Python", "SQL"]', '["Figma"]')]
    now = datetime(2026, 11, 30, tzinfo=UTC)
    day = 86_400_000_000
    for case in range(300):
        n = 0 if case % 10 == 0 else int(rng.integers(1, 300))  # an empty copy now and then
        # Whole days: many listings posted at the same moment, some exactly at a period's start.
        published = np.sort(rng.integers(0, 40, n))[::-1] * day + snapshot.micros(now - timedelta(days=40))
        columns = snapshot.Columns(
            id=np.arange(n, dtype=np.int64) + 1,
            facet_key=rng.integers(0, 40, n).astype(np.int16),
            published=published.astype(np.int64),
            organization=rng.integers(0, 5, n).astype(np.int64),
            window=np.zeros(n, dtype=np.int32),
            countries=rng.choice(countries, n).astype(np.int32),
            skills=rng.choice(skills, n).astype(np.int32),
            deadline=np.full(n, np.inf),
            pay=np.full(n, np.nan),
        )
        chance = rng.random(6)
        only = (
            np.sort(rng.choice(np.arange(1, 400), int(rng.integers(0, 200)), replace=False))
            if chance[0] < 0.5
            else None
        )
        keys = sorted(set(rng.integers(0, 40, 8).tolist())) if chance[1] < 0.4 else None
        country = (lambda members: not members or "US" in members) if chance[2] < 0.4 else None
        since = now - timedelta(days=int(rng.integers(0, 41))) if chance[3] < 0.3 else None
        wanted = ["Python"] if chance[4] < 0.3 else []
        blocked = sorted(set(rng.integers(0, 5, 2).tolist())) if chance[5] < 0.3 else []
        posted_since = [now - timedelta(days=d) for d in (1, 7, 30)]
        counted = snapshot.count(
            columns,
            codes,
            keys=keys,
            posted_since=posted_since,
            since=since,
            country=country,
            skills=wanted,
            windows=None,
            blocked=blocked,
            only=only,
        )
        rows, by_country, by_skill, result = _counted_with_masks(
            columns,
            codes,
            keys=keys,
            posted_since=posted_since,
            since=since,
            only=only,
            country=country,
            skills=wanted,
            blocked=blocked,
        )
        assert np.array_equal(counted.rows, rows)
        assert counted.arrays == {"country": by_country, "skill": by_skill}
        assert counted.result.tolist() == result.tolist()


@pytest.mark.django_db(transaction=True)
def test_a_search_inside_a_transaction_that_wrote_and_rolled_back_leaves_the_copy_as_committed(org, employer):
    kept = PublishedListingFactory(organization=org, actor=employer)
    other = PublishedListingFactory(organization=org, actor=employer)
    # The first search of the process runs in a transaction that has hidden a listing.
    snapshot.forget()
    with pytest.raises(RuntimeError), transaction.atomic():
        Listing.objects.filter(pk=kept.pk).update(hidden_for_review=True)
        assert shown() == [other.pk]
        raise RuntimeError("roll back")
    assert shown() == sorted([kept.pk, other.pk])

    # Listings committed since the copy was made, then a search in a transaction that edited one.
    edited = PublishedListingFactory(organization=org, actor=employer)
    later = PublishedListingFactory(organization=org, actor=employer)
    with pytest.raises(RuntimeError), transaction.atomic():
        Listing.objects.filter(pk=edited.pk).update(skill_names=["Rust"])
        assert shown(skill=["Rust"]) == [edited.pk]
        raise RuntimeError("roll back")
    assert shown(skill=["Rust"]) == []
    assert shown() == sorted([kept.pk, other.pk, edited.pk, later.pk])
    assert copied() == {kept.pk, other.pk, edited.pk, later.pk}


@pytest.mark.django_db(transaction=True)
def test_a_listing_id_deleted_and_inserted_again_is_shown(org, employer):
    listing = PublishedListingFactory(organization=org, actor=employer)
    assert shown() == [listing.pk]
    Listing.objects.filter(pk=listing.pk).delete()
    assert shown() == []
    listing.save(force_insert=True)  # the same id again (as loaddata would)
    assert shown() == [listing.pk]


@pytest.mark.django_db(transaction=True)
def test_the_copy_read_in_chunks_equals_the_copy_read_at_once(org, employer, monkeypatch):
    for i in range(5):
        PublishedListingFactory(
            organization=org, actor=employer, skills=[f"Skill {i}"], eligible_countries=["DE"][: i % 2]
        )
    monkeypatch.setattr(snapshot, "LOAD_CHUNK", 2)
    chunked = snapshot.snapshot().current()
    snapshot.forget()
    monkeypatch.setattr(snapshot, "LOAD_CHUNK", 10_000)
    whole = snapshot.snapshot().current()
    for name in snapshot.DTYPES:
        np.testing.assert_array_equal(getattr(chunked, name), getattr(whole, name))
    newest_first = list(Listing.objects.visible().order_by("-published_at", "-pk").values_list("pk", flat=True))
    assert chunked.id.tolist() == newest_first
    assert shown(skill=["Skill 3"]) == [newest_first[1]]


@pytest.mark.django_db(transaction=True)
def test_warm_builds_the_copy_before_any_search_with_a_heartbeat_per_chunk(org, employer, monkeypatch):
    made = [PublishedListingFactory(organization=org, actor=employer) for _ in range(3)]
    monkeypatch.setattr(snapshot, "LOAD_CHUNK", 2)
    beats = []
    assert snapshot.snapshot().copy is None
    assert snapshot.warm(on_chunk=lambda: beats.append(1)) == 3
    assert copied() == {x.pk for x in made}
    assert len(beats) == 2


class _Worker:
    """What gunicorn hands post_worker_init: a heartbeat and a logger."""

    def __init__(self):
        self.beats = 0
        self.log = logging.getLogger("gunicorn.error")

    def notify(self):
        self.beats += 1


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("warm_start", ["1", "0"])
def test_the_gunicorn_hook_makes_a_worker_ready_before_its_first_request(org, employer, monkeypatch, warm_start):
    made = [PublishedListingFactory(organization=org, actor=employer) for _ in range(3)]
    monkeypatch.setenv("SEARCH_WARM_START", warm_start)
    hook = runpy.run_path(str(settings.BASE_DIR / "gunicorn.conf.py"))["post_worker_init"]
    clear_url_caches()
    worker = _Worker()
    gc.unfreeze()
    try:
        hook(worker)
        # Every view imported, and what the worker made while starting left out of later collections.
        assert "url_patterns" in get_resolver().__dict__
        assert gc.get_freeze_count() > 10_000
    finally:
        gc.unfreeze()
    if warm_start == "1":
        assert copied() == {x.pk for x in made}
        assert worker.beats == 1
    else:
        assert snapshot.snapshot().copy is None
        assert worker.beats == 0
