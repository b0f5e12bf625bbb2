"""The public listings API: the same search and filters as the browse page, in the schema."""

from listings.models import Listing
from tests.listings.factories import DraftListingFactory, PublishedListingFactory


def test_search_filters_facets_and_pagination(client, org, employer):
    for i in range(22):
        PublishedListingFactory(organization=org, actor=employer, title=f"Python intern {i}", skills=["Python"])
    PublishedListingFactory(
        organization=org,
        actor=employer,
        title="Logo sprint",
        kind=Listing.Kind.MICRO,
        field="graphic_design",
        skills=["Figma"],
    )
    DraftListingFactory(organization=org, actor=employer, title="Python draft")
    data = client.get("/api/v1/listings/", {"q": "python"}).json()
    assert data["count"] == 22 and data["num_pages"] == 2 and len(data["results"]) == 20
    assert data["next"].endswith("page=2") and data["previous"] is None
    assert all("draft" not in r["title"] for r in data["results"])
    page2 = client.get(data["next"]).json()
    assert len(page2["results"]) == 2 and page2["previous"]
    micro = client.get("/api/v1/listings/", {"kind": "micro", "skill": "Figma"}).json()
    assert [r["title"] for r in micro["results"]] == ["Logo sprint"]
    result = micro["results"][0]
    assert result["effective_hourly_rate"] == "15.00"  # 300 fixed fee / 20 estimated hours
    assert result["organization"]["verified"] is True
    facets = {v["value"]: v["count"] for v in data["facets"]["kind"]}
    assert facets == {"internship": 22, "micro": 0}
    typo = client.get("/api/v1/listings/", {"q": "pyhton"}).json()
    assert typo["count"] == 22 and typo["suggestion"] == "python"


def test_bad_parameters_are_a_400_with_reasons(client, db):
    response = client.get("/api/v1/listings/", {"kind": "castle", "page": "0", "sort": "random"})
    assert response.status_code == 400
    errors = response.json()["fields"]
    assert set(errors) == {"kind", "page", "sort"}


def test_detail_is_public_for_published_listings_only(client, org, employer):
    listing = PublishedListingFactory(
        organization=org, actor=employer, description="**Bold** <script>x</script>", questions=["Why?"]
    )
    draft = DraftListingFactory(organization=org, actor=employer)
    data = client.get(f"/api/v1/listings/{listing.pk}/").json()
    assert data["id"] == listing.pk and data["questions"][0]["prompt"] == "Why?"
    assert "<strong>Bold</strong>" in data["description_html"] and "<script" not in data["description_html"]
    assert client.get(f"/api/v1/listings/{draft.pk}/").status_code == 404
    assert client.get("/api/v1/listings/999999/").status_code == 404
    client.force_login(employer)  # members may read their own draft
    assert client.get(f"/api/v1/listings/{draft.pk}/").status_code == 200


def test_overlap_in_the_api_uses_the_browser_zone_cookie(client, org, employer):
    PublishedListingFactory(organization=org, actor=employer, time_zone="Europe/Berlin")
    client.cookies["tz"] = "Europe/Berlin"
    data = client.get("/api/v1/listings/").json()
    assert data["results"][0]["overlap_hours"] == 8.0


def test_endpoints_are_in_the_openapi_schema(client, db):
    schema = client.get("/api/schema/", HTTP_ACCEPT="application/json").content.decode()
    assert "/api/v1/listings/" in schema and "/api/v1/listings/{id}/" in schema
    assert "listings_search" in schema and "listings_retrieve" in schema
