# The search-document trigger (0012) now takes "visible" from listings.visibility, the same
# definition the querysets, the partial indexes and the in-memory copy use. Same behaviour.

from django.db import migrations

from listings.visibility import visible_sql

FUNCTION = """
CREATE OR REPLACE FUNCTION listings_listing_document() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        DELETE FROM listings_searchdocument WHERE listing_id = OLD.id;
    ELSIF {visible} AND NEW.search_vector IS NOT NULL THEN
        INSERT INTO listings_searchdocument (listing_id, vector) VALUES (NEW.id, NEW.search_vector)
        ON CONFLICT (listing_id) DO UPDATE SET vector = EXCLUDED.vector
        WHERE listings_searchdocument.vector IS DISTINCT FROM EXCLUDED.vector;
    ELSE
        DELETE FROM listings_searchdocument WHERE listing_id = NEW.id;
    END IF;
    RETURN NULL;
END $$;
"""


class Migration(migrations.Migration):
    dependencies = [
        ("listings", "0012_search_document"),
    ]

    operations = [
        migrations.RunSQL(
            FUNCTION.format(visible=visible_sql("NEW")),
            FUNCTION.format(visible="NEW.status = 'published' AND NOT NEW.hidden_for_review"),
        ),
    ]
