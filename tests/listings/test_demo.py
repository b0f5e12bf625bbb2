from django.core.management import call_command

from listings.demo import LISTINGS
from listings.models import Listing


def test_demo_data_builds_listings_in_every_state(db, capsys):
    call_command("seed_demo")
    call_command("seed_demo")  # idempotent
    ours = Listing.objects.filter(title__in=[row[3] for row in LISTINGS])
    counts = {s: ours.filter(status=s).count() for s in Listing.Status.values}
    assert ours.count() == 40
    assert counts["published"] >= 25
    assert counts["pending_review"] == 3
    assert counts["closed"] >= 3  # the applications demo may fill (close) more
    assert counts["draft"] == 2
    assert not ours.filter(search_vector__isnull=True).exists()
