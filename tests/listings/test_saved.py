"""Saved listings and saved searches."""

from django.urls import reverse

from listings.models import SavedListing, SavedSearch
from listings.services import listing_close
from tests.listings.factories import PublishedListingFactory


def test_save_and_unsave_a_listing_with_and_without_htmx(client, student, org, employer):
    listing = PublishedListingFactory(organization=org, actor=employer, title="Keep me")
    client.force_login(student)
    response = client.post(reverse("listings:save", args=[listing.pk]))
    assert response.status_code == 302
    assert SavedListing.objects.filter(user=student, listing=listing).exists()
    assert "Keep me" in client.get(reverse("listings:saved")).content.decode()
    assert 'aria-pressed="true"' in client.get(reverse("listings:detail", args=[listing.pk])).content.decode()
    response = client.post(reverse("listings:save", args=[listing.pk]), HTTP_HX_REQUEST="true")
    assert response.status_code == 200 and 'aria-pressed="false"' in response.content.decode()
    assert not SavedListing.objects.exists()


def test_saved_closed_listing_stays_listed_with_its_status(client, student, org, employer):
    listing = PublishedListingFactory(organization=org, actor=employer, title="Filled role")
    client.force_login(student)
    client.post(reverse("listings:save", args=[listing.pk]))
    listing_close(listing=listing, actor=employer, reason="filled")
    page = client.get(reverse("listings:saved")).content.decode()
    assert "Filled role" in page and "Closed" in page


def test_save_a_search_and_change_its_alert_frequency(client, student):
    client.force_login(student)
    response = client.post(
        reverse("listings:search-create"),
        {"name": "Python jobs", "query_string": "q=python&kind=micro", "frequency": "daily"},
    )
    assert response.status_code == 302 and response["Location"].endswith("?q=python&kind=micro")
    search = SavedSearch.objects.get(user=student)
    assert (search.name, search.frequency) == ("Python jobs", "daily")
    page = client.get(reverse("listings:saved")).content.decode()
    assert 'href="/listings/?q=python&amp;kind=micro"' in page
    client.post(reverse("listings:search-update", args=[search.pk]), {"frequency": "weekly"})
    search.refresh_from_db()
    assert search.frequency == "weekly"
    client.post(reverse("listings:search-update", args=[search.pk]), {"frequency": "hourly"})
    search.refresh_from_db()
    assert search.frequency == "weekly"
    client.post(reverse("listings:search-update", args=[search.pk]), {"delete": "1"})
    assert not SavedSearch.objects.exists()


def test_bad_saved_search_is_refused_with_a_message(client, student):
    client.force_login(student)
    response = client.post(
        reverse("listings:search-create"), {"name": "x", "query_string": "", "frequency": "hourly"}, follow=True
    )
    assert "could not be saved" in response.content.decode()
    assert not SavedSearch.objects.exists()
