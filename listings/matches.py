"""Recent text matches, kept by each web process and brought up to date like the copy.

Matching a text query means reading every matching search document: the cost grows with the
matches (q=intern matches two thirds of the listings), and past ``shared_buffers`` it is the disk's.
Searches repeat (the same few hundred words make most of a marketplace's queries, and paging
through results repeats the query), so each process keeps the ids (and, when asked for, the
ranks) of the queries it matched recently, with the moment they were matched: the oldest
transaction still running then (``pg_snapshot_xmin``), before which every write had ended and
was seen.

Kept exact by the database, as the copy is (snapshot.py): every write of a listing, and so of its
search document (the trigger of migration 0012), stamps the listing with its transaction's id
(``search_xid``). A kept match is used only with the listings stamped at or after its moment
matched again, by primary key (``vector @@ query`` as a value, not a filter, so the GIN index is
not scanned): those that now match are added, those that no longer do are dropped. A deleted
listing leaves its id behind, which is harmless: the copy, which every search intersects with,
no longer holds it. When more than ``REFRESH_AFTER`` listings changed since, or the server's
transaction counter is behind the kept moment (a restore into a new cluster), the query is matched
afresh. A transaction that has itself written uses kept matches (its own writes are stamped
after their moment, so they are matched again) but keeps nothing, since what it sees may be rolled
back.

The memory is bounded: at most ``SEARCH_MATCH_CACHE_IDS`` ids in all (8 bytes each with their
ranks), the least recently used query dropped first; a query matching more than half of that is
not kept.

A word no process has searched yet would still be matched whole, and the frequent words are the
costly ones (q=intern reads 195,000 documents at 300,000 listings: 125 ms). So the matches of
every word found in at least ``SEARCH_FREQUENT_WORD_LISTINGS`` listings are also kept in the
database (``KeptMatch``, an unlogged table), ids and ranks packed, with their moment: a periodic
task keeps them (``search.keep_frequent_matches``), matching a word again only once many listings
changed since. A search this process has not kept reads the database's row for its query in the
same statement that would otherwise match it (the match is then not run), lays the changes since
over it as above, and keeps the result. Rarer words are matched as before: their matches are few.
The restore command drops these rows (their moments are the old server's).
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import dataclass

import numpy as np
from django.conf import settings

REFRESH_AFTER = 500
# The listings written at or after a kept match's moment, whether this transaction has written,
# and the moment now.
CHANGED_SQL = (
    "SELECT coalesce(array_agg(id), '{}'), pg_current_xact_id_if_assigned() IS NOT NULL,"
    " pg_snapshot_xmin(pg_current_snapshot())::text FROM listings_listing WHERE search_xid >= %s::xid8"
)


@dataclass(frozen=True)
class Kept:
    since: str  # the xid8 before which every write was seen, as text
    ids: np.ndarray  # sorted, int64
    ranks: np.ndarray | None  # float32 (ts_rank is a real), aligned with ids

    @property
    def size(self) -> int:
        return len(self.ids)


class Matches:
    def __init__(self):
        self._kept: OrderedDict[tuple, Kept] = OrderedDict()
        self._size = 0
        self._lock = threading.Lock()

    @property
    def budget(self) -> int:
        return settings.SEARCH_MATCH_CACHE_IDS

    def get(self, key: tuple) -> Kept | None:
        with self._lock:
            kept = self._kept.get(key)
            if kept is not None:
                self._kept.move_to_end(key)
            return kept

    def put(self, key: tuple, kept: Kept) -> None:
        if kept.size * 2 > self.budget:
            return
        with self._lock:
            old = self._kept.pop(key, None)
            if old is not None:
                self._size -= old.size
            self._kept[key] = kept
            self._size += kept.size
            while self._size > self.budget and self._kept:
                _, dropped = self._kept.popitem(last=False)
                self._size -= dropped.size

    def clear(self) -> None:
        with self._lock:
            self._kept.clear()
            self._size = 0

    def __len__(self) -> int:
        return len(self._kept)


_matches = Matches()


def kept_matches() -> Matches:
    return _matches


def merged(kept: Kept, changed: np.ndarray, hit_ids: np.ndarray, hit_ranks: np.ndarray | None):
    """The kept ids (and ranks) without the ``changed`` listings, plus those of them that match now."""
    keep = ~np.isin(kept.ids, changed, assume_unique=True)
    ids = np.concatenate([kept.ids[keep], hit_ids])
    order = np.argsort(ids, kind="stable")
    if kept.ranks is None or hit_ranks is None:
        return ids[order], None
    ranks = np.concatenate([kept.ranks[keep], hit_ranks.astype(np.float32)])
    return ids[order], ranks[order]
