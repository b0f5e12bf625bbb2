"""Stamp every listing write with its transaction, and record removals, for the in-memory copy
of the visible listings (listings/snapshot.py).

The column is the database's own (not on the model, like a trigger's bookkeeping): a BEFORE
trigger sets it on every insert and update, whatever the writer (services, bulk updates, the
admin, migrations). Deleting rows leaves their ids in ``listings_listing_removal``; truncating
the table (test runs flush it) leaves a row with no id, which makes every copy read again.
"""

from django.db import migrations

FORWARD = """
ALTER TABLE listings_listing ADD COLUMN search_xid xid8 NOT NULL DEFAULT '0';
CREATE INDEX listing_search_xid ON listings_listing (search_xid);

CREATE FUNCTION listings_listing_stamp() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    NEW.search_xid := pg_current_xact_id();
    RETURN NEW;
END $$;
CREATE TRIGGER listings_listing_stamp BEFORE INSERT OR UPDATE ON listings_listing
    FOR EACH ROW EXECUTE FUNCTION listings_listing_stamp();

CREATE TABLE listings_listing_removal (
    listing_id bigint,
    search_xid xid8 NOT NULL DEFAULT pg_current_xact_id()
);
CREATE INDEX listing_removal_search_xid ON listings_listing_removal (search_xid);

CREATE FUNCTION listings_listing_removed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO listings_listing_removal (listing_id) SELECT id FROM removed;
    RETURN NULL;
END $$;
CREATE TRIGGER listings_listing_removed AFTER DELETE ON listings_listing
    REFERENCING OLD TABLE AS removed FOR EACH STATEMENT EXECUTE FUNCTION listings_listing_removed();

CREATE FUNCTION listings_listing_truncated() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO listings_listing_removal (listing_id) VALUES (NULL);
    RETURN NULL;
END $$;
CREATE TRIGGER listings_listing_truncated AFTER TRUNCATE ON listings_listing
    FOR EACH STATEMENT EXECUTE FUNCTION listings_listing_truncated();

-- Statistics for the new column, so that "written since the horizon" is planned as the index
-- range it is (a handful of rows), not a third of the table.
ANALYZE listings_listing;
"""

BACKWARD = """
DROP TRIGGER listings_listing_truncated ON listings_listing;
DROP FUNCTION listings_listing_truncated();
DROP TRIGGER listings_listing_removed ON listings_listing;
DROP FUNCTION listings_listing_removed();
DROP TABLE listings_listing_removal;
DROP TRIGGER listings_listing_stamp ON listings_listing;
DROP FUNCTION listings_listing_stamp();
ALTER TABLE listings_listing DROP COLUMN search_xid;
"""


class Migration(migrations.Migration):
    dependencies = [("listings", "0009_listing_visible_arrays_by_date")]

    operations = [migrations.RunSQL(FORWARD, BACKWARD)]
