"""Benchmark: what indexing ``search_xid`` costs each listing write (HOT updates, WAL, time).

    .venv/bin/python bench/listings_writes.py postgres://postgres@127.0.0.1:5432/bench_h10_100k

The stamping trigger (migration 0010) writes ``search_xid`` on every update, and the column is
indexed (each search asks for the rows stamped since its copy's horizon). An update that changes
an indexed column cannot be HOT (heap-only: no new index entries), so every listing update also
writes an entry in each of the table's indexes. This script makes --updates single-row updates of
a column nothing indexes (``openings``), each its own transaction, first as deployed and then with
the ``listing_search_xid`` index dropped (it is recreated at the end), and reports per update:
time, WAL bytes and the share of HOT updates. Both runs are back to back: read their ratio.
Results go to docs/benchmarks.md under "## Listing writes and the search_xid index".
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

import common  # bench/common.py, next to this script

SECTION = "## Listing writes and the search_xid index"


def run(conn, ids: list[int]) -> dict:
    def stats():
        conn.execute("SELECT pg_stat_force_next_flush()")
        time.sleep(1.1)
        row = conn.execute(
            "SELECT n_tup_upd, n_tup_hot_upd, pg_current_wal_lsn() FROM pg_stat_user_tables"
            " WHERE relname = 'listings_listing'"
        ).fetchone()
        return row

    upd0, hot0, wal0 = stats()
    started = time.perf_counter()
    for i, pk in enumerate(ids):
        conn.execute("UPDATE listings_listing SET openings = %s WHERE id = %s", [1 + i % 3, pk])
    elapsed = time.perf_counter() - started
    upd1, hot1, wal1 = stats()
    (wal,) = conn.execute("SELECT %s::pg_lsn - %s::pg_lsn", [wal1, wal0]).fetchone()
    n = upd1 - upd0
    return {"ms": elapsed * 1000 / len(ids), "hot": (hot1 - hot0) / max(n, 1), "wal": float(wal) / len(ids)}


def main(argv: list[str]) -> int:
    import psycopg

    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("database")
    parser.add_argument("--updates", type=int, default=2000)
    parser.add_argument("--output", default=str(common.RESULTS))
    args = parser.parse_args(argv)
    with psycopg.connect(args.database, autocommit=True) as conn:
        ids = [
            row[0]
            for row in conn.execute(
                "SELECT id FROM listings_listing ORDER BY random() LIMIT %s", [args.updates]
            ).fetchall()
        ]
        total = conn.execute("SELECT count(*) FROM listings_listing").fetchone()[0]
        indexes = conn.execute("SELECT count(*) FROM pg_indexes WHERE tablename = 'listings_listing'").fetchone()[0]
        run(conn, ids[:200])  # warm the pages
        deployed = run(conn, ids)
        conn.execute("DROP INDEX listing_search_xid")
        try:
            run(conn, ids[:200])
            without = run(conn, ids)
        finally:
            conn.execute("CREATE INDEX listing_search_xid ON listings_listing (search_xid)")
        (fillfactor,) = conn.execute(
            "SELECT coalesce((SELECT option_value FROM pg_options_to_table(reloptions) WHERE option_name = 'fillfactor'),"
            " '100') FROM pg_class WHERE relname = 'listings_listing'"
        ).fetchone()
    load = os.getloadavg()
    lines = [
        SECTION,
        "",
        f"`bench/listings_writes.py`, {time.strftime('%Y-%m-%d %H:%M')} UTC: {args.updates:,} single-row updates of "
        f"`openings` (indexed by nothing), each its own transaction, on a table of {total:,} listings with "
        f"{indexes} indexes (fillfactor {fillfactor}); machine load average (1 min) {load[0]:.1f} (2 cores, "
        "shared). The two runs are back to back.",
        "",
        "| | ms per update | WAL bytes per update | HOT updates |",
        "|---|---:|---:|---:|",
        f"| as deployed (`search_xid` indexed) | {deployed['ms']:.2f} | {deployed['wal']:,.0f} | {deployed['hot']:.0%} |",
        f"| `listing_search_xid` dropped | {without['ms']:.2f} | {without['wal']:,.0f} | {without['hot']:.0%} |",
        "",
        f"Cost of the index per update: ×{deployed['wal'] / max(without['wal'], 1):.1f} WAL, "
        f"×{deployed['ms'] / max(without['ms'], 1e-9):.2f} time. Without the index, updates are HOT only "
        "where the row's page has free space (fillfactor 100 leaves little after bulk loading); with it, none "
        "can be, since every update writes `search_xid`.",
        "",
    ]
    out = common.write_section(SECTION, lines, Path(args.output))
    print("\n".join(lines))
    print(f"Wrote {out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
