"""Hourly pay was in each listing's own currency; the pay sort now compares US dollars."""

from django.db import migrations, models


def forwards(apps, schema_editor):
    from listings.services import listings_refresh_hourly_pay

    listings_refresh_hourly_pay(apps.get_model("listings", "Listing").objects)


class Migration(migrations.Migration):
    dependencies = [("listings", "0007_listing_facet_key")]

    operations = [
        migrations.AlterField(
            model_name="listing",
            name="hourly_pay",
            field=models.DecimalField(blank=True, decimal_places=2, editable=False, max_digits=12, null=True),
        ),
        migrations.RunPython(forwards, migrations.RunPython.noop),
    ]
