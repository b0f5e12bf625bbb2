import io

import pytest
from django.core.management import call_command
from django.urls import reverse

from accounts.models import User
from evaluations.models import Certificate, Evaluation, Portfolio

pytestmark = pytest.mark.django_db


def test_the_demo_student_has_a_revealed_evaluation_a_certificate_and_a_public_portfolio(client, demo_data, tmp_path):
    student = User.objects.get(email="student@demo.example")
    evaluation = Evaluation.objects.get(
        placement__student=student, placement__listing__title="Automate our invoice export with Python"
    )
    assert evaluation.supervisor_submitted_at and evaluation.student_submitted_at and evaluation.endorsement_published
    certificate = Certificate.objects.get(placement=evaluation.placement)
    page = client.get(reverse("evaluations:verify", args=[certificate.code])).content.decode()
    assert "Genuine." in page and "Amara Okafor" in page and "documented it for non-developers" in page
    path = tmp_path / "demo.jwt"
    path.write_text(certificate.credential_jwt)
    out = io.StringIO()
    call_command("verify_credential", str(path), stdout=out)
    assert "VALID" in out.getvalue()
    portfolio = Portfolio.objects.get(student=student)
    assert portfolio.is_public
    assert certificate.code in client.get(reverse("evaluations:portfolio", args=[portfolio.slug])).content.decode()
    reviews = client.get(reverse("evaluations:organization_reviews", args=["northwind-labs"])).content.decode()
    assert 'data-testid="recommend-share"' in reviews and "75 %" in reviews

    before = (Evaluation.objects.count(), Certificate.objects.count(), Portfolio.objects.count())
    call_command("seed_demo", stdout=io.StringIO())
    assert (Evaluation.objects.count(), Certificate.objects.count(), Portfolio.objects.count()) == before
