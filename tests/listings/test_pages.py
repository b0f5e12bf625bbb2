from django.urls import reverse

from tests.listings.factories import DraftListingFactory, PublishedListingFactory


def test_browse_detail_and_dashboard_render(client, employer, org, student):
    listing = PublishedListingFactory(
        organization=org, actor=employer, title="Python data intern", skills=["Python"], questions=["Why?"]
    )
    DraftListingFactory(organization=org, actor=employer, title="Secret draft")
    response = client.get(reverse("listings:list"))
    assert response.status_code == 200
    assert "Python data intern" in response.content.decode()
    assert "Secret draft" not in response.content.decode()
    response = client.get(reverse("listings:detail", args=[listing.pk]))
    assert response.status_code == 200
    body = response.content.decode()
    assert "Verified organization" in body and "Why?" in body and "Log in to apply" in body
    client.force_login(employer)
    response = client.get(reverse("listings:dashboard"))
    assert response.status_code == 200
    assert "Secret draft" in response.content.decode()
    assert client.get(reverse("listings:manage", args=[listing.pk])).status_code == 200
    assert client.get(reverse("listings:edit", args=[listing.pk])).status_code == 200
    assert client.get(reverse("listings:create")).status_code == 200
    client.force_login(student)
    response = client.get(reverse("listings:list"), {"q": "python", "kind": "internship"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert "<html" not in response.content.decode()
    assert "Python data intern" in response.content.decode()
    assert client.get(reverse("listings:saved")).status_code == 200
    assert client.get(reverse("listings:report", args=[listing.pk])).status_code == 200
