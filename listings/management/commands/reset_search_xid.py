"""After restoring the database from a dump (or moving it to another server), re-stamp the
listings whose ``search_xid`` is ahead of this server's transaction counter.

The in-memory search copy (listings/snapshot.py) folds in a listing once its stamp is older than
the oldest running transaction. A dump carries the old server's stamps; on a new server with a
lower counter those rows look as if their transactions were still running, so every search reads
them again (slow, and never folded) until the counter catches up. This command stamps them with
its own transaction instead (the stamping trigger does it on any UPDATE), and does the same for
removal records, and drops the text matches kept in the database (listings/matches.py: their
moments are the old server's). Restart the web processes afterwards (each re-reads its copy; a process also
re-reads it by itself when it sees the counter go backwards).
"""

from django.core.management.base import BaseCommand

from listings.snapshot import reset_stamps


class Command(BaseCommand):
    help = "Re-stamp listings whose search_xid is ahead of this server's transactions (run after a restore)."

    def handle(self, *args, **options):
        listings, removals, dropped, now = reset_stamps()
        self.stdout.write(
            f"Re-stamped {listings} listing(s) and {removals} removal record(s) ahead of transaction {now};"
            f" dropped {dropped} text match(es) kept in the database (the periodic task keeps them again)."
        )
