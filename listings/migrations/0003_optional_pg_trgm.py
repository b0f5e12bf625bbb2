"""Create pg_trgm where the server ships it; the typo fallback works without it (see listings.search).

The embedded PostgreSQL (pgserver) has no pg_trgm; the system PostgreSQL and docker's do.
"""

from django.db import DatabaseError, migrations


def create_if_available(apps, schema_editor):
    with schema_editor.connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_available_extensions WHERE name = 'pg_trgm'")
        if cursor.fetchone() is None:
            return
        cursor.execute("SELECT 1 FROM pg_extension WHERE extname = 'pg_trgm'")
        if cursor.fetchone() is not None:
            return
        # pg_trgm is a trusted extension (PostgreSQL 13+): the database owner may create it. If the
        # role still lacks the right, carry on without it rather than failing the migration.
        cursor.execute("SAVEPOINT listings_trgm")
        try:
            cursor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        except DatabaseError:
            cursor.execute("ROLLBACK TO SAVEPOINT listings_trgm")
        else:
            cursor.execute("RELEASE SAVEPOINT listings_trgm")


class Migration(migrations.Migration):
    dependencies = [("listings", "0002_searchterm_listing_hourly_pay_listing_work_window_and_more")]

    operations = [migrations.RunPython(create_if_available, migrations.RunPython.noop)]
