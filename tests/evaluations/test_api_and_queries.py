"""The API from each role (the same rules as the pages), keys kept private, and query counts of the
public pages that stay constant as data grows."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from rest_framework.test import APIClient

from evaluations import services
from evaluations.models import Certificate, SigningKey
from tests.placements.factories import active_placement

from ..placements.conftest import linked_student
from .factories import SELF_RATINGS, completed, student_evaluates, supervisor_evaluates

pytestmark = pytest.mark.django_db


def api(user=None):
    client = APIClient()
    if user is not None:
        client.force_authenticate(user)
    return client


def test_both_parties_submit_through_the_api_and_see_the_comparison(cast):
    placement = completed(cast.placement, supervisor=cast.supervisor)
    url = reverse("v1:placement-evaluation-supervisor", args=[placement.pk])
    bad = api(cast.supervisor).post(url, {"communication": 7}, format="json")
    assert bad.status_code == 400 and "communication" in bad.json()["fields"]
    assert api(cast.student).post(url, {}, format="json").status_code == 403
    assert api(cast.careers).post(url, {}, format="json").status_code == 403
    ratings = {"communication": 5, "quality": 4, "reliability": 5, "initiative": 4, "remote": 5}
    done = api(cast.supervisor).post(url, {**ratings, "endorsement": "Great"}, format="json")
    assert done.status_code == 200 and done.json()["supervisor"]["average"] == "4.60"
    again = api(cast.supervisor).post(url, ratings, format="json")
    assert again.status_code == 400 and "already submitted" in str(again.json())
    student = {
        **{f"self_{k}": v for k, v in SELF_RATINGS.items()},
        "supervision": 4,
        "feedback": 4,
        "clarity": 3,
        "learning": 5,
        "would_recommend": False,
        "review_comments": "Good\\nbut busy",
    }
    answer = api(cast.student).post(
        reverse("v1:placement-evaluation-student", args=[placement.pk]), student, format="json"
    )
    assert answer.status_code == 200 and answer.json()["revealed"] is True
    nul = api(cast.student).post(
        reverse("v1:placement-evaluation-student", args=[placement.pk]),
        {**student, "review_comments": "a\x00b"},
        format="json",
    )
    assert nul.status_code == 400


def test_certificates_are_the_students_own_and_verification_by_code_is_public(cast):
    placement = completed(cast.placement, supervisor=cast.supervisor)
    code = Certificate.objects.get(placement=placement).code
    mine = api(cast.student).get(reverse("v1:certificate-list")).json()["results"]
    assert [c["code"] for c in mine] == [code] and mine[0]["credential_jwt"].count(".") == 2
    assert api(cast.other_student).get(reverse("v1:certificate-list")).json()["results"] == []
    assert api(cast.supervisor).get(reverse("v1:certificate-list")).json()["results"] == []
    public = api().get(reverse("v1:certificate-verify", args=[code])).json()
    assert public["status"] == "valid" and public["student_name"] == "Amara Okafor"
    assert "email" not in str(public) and public["ratings"] is None and public["endorsement"] is None
    assert api().get(reverse("v1:certificate-verify", args=["NOPE"])).status_code == 404


def test_the_private_key_is_stored_encrypted_and_never_published(client, cast):
    completed(cast.placement, supervisor=cast.supervisor)
    key = SigningKey.objects.get(active=True)
    assert key.private_key_encrypted.startswith("gAAAA")  # a Fernet token, not raw key bytes
    assert key.private_key_encrypted not in client.get("/.well-known/jwks.json").content.decode()


def test_public_pages_keep_a_constant_number_of_queries(client, cast, institution):
    placement = completed(cast.placement, supervisor=cast.supervisor)
    supervisor_evaluates(placement, cast.supervisor)
    student_evaluates(placement)
    services.portfolio_update(student=cast.student, is_public=True, slug="amara")
    code = placement.certificate.code
    reviews = reverse("evaluations:organization_reviews", args=[cast.listing.organization.slug])

    def more_reviews(n, start):
        for i in range(start, start + n):
            other = active_placement(
                listing=cast.listing, student=linked_student(institution, name=f"More {i}"), supervisor=cast.supervisor
            )
            other = completed(other, supervisor=cast.supervisor)
            supervisor_evaluates(other, cast.supervisor)
            student_evaluates(other)

    more_reviews(2, 0)  # three reviews: the averages and the list are shown
    counts = {}
    for round_ in (1, 2):
        measured = {}
        for name, url in (
            ("reviews", reviews),
            ("portfolio", reverse("evaluations:portfolio", args=["amara"])),
            ("verify", reverse("evaluations:verify", args=[code])),
        ):
            with CaptureQueriesContext(connection) as ctx:
                assert client.get(url).status_code == 200
            measured[name] = len(ctx.captured_queries)
        counts[round_] = measured
        if round_ == 1:
            more_reviews(2, 2)  # five reviews (the listing's openings)
    assert counts[1] == counts[2]
    assert counts[1] == {"reviews": 4, "portfolio": 3, "verify": 2}
