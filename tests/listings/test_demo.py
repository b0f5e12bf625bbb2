from django.core.management import call_command

from listings.models import Listing


def test_demo_data_builds_listings_in_every_state(db, capsys):
    call_command("seed_demo")
    call_command("seed_demo")  # idempotent
    counts = {s: Listing.objects.filter(status=s).count() for s in Listing.Status.values}
    assert Listing.objects.count() == 40
    assert counts["published"] >= 25
    assert counts["pending_review"] == 3
    assert counts["closed"] >= 3  # the applications demo may fill (close) more
    assert counts["draft"] == 2
    assert not Listing.objects.filter(search_vector__isnull=True).exists()
