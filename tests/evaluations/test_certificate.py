"""The certificate: the PDF read back with pypdf, the public verify page (genuine, unknown, revoked,
no private field), and the Open Badges 3.0 credential verified with ``manage.py verify_credential``
against the published keys: tampering fails, rotation keeps old credentials valid, revocation shows."""

import io
import json

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from pypdf import PdfReader

from evaluations import credentials, selectors, services
from evaluations.models import Certificate, SigningKey
from tests.accounts.factories import SiteStaffFactory

from .factories import completed, student_evaluates, supervisor_evaluates

pytestmark = pytest.mark.django_db


@pytest.fixture
def certificate(cast):
    placement = completed(cast.placement, supervisor=cast.supervisor, hours=12.5)
    return Certificate.objects.get(placement=placement)


def download(client, user, name, certificate):
    client.force_login(user)
    return client.get(reverse(f"evaluations:{name}", args=[certificate.placement_id]))


def test_the_pdf_names_the_student_organization_dates_hours_goals_and_supervisor(client, cast, certificate):
    response = download(client, cast.student, "certificate_pdf", certificate)
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    text = " ".join(text.split())
    p = cast.placement
    assert "Amara Okafor" in text and p.organization.name in text and "Data analyst intern" in text
    assert f"{certificate.start_date:%-d %B %Y}" in text and f"{certificate.end_date:%-d %B %Y}" in text
    assert "12.5 hours logged" in text and "Ship the first feature" in text
    assert cast.supervisor.get_full_name() in text and certificate.code in text
    # The organization's members may download it too; others are not told it exists.
    assert download(client, cast.colleague, "certificate_pdf", certificate).status_code == 200
    assert download(client, cast.other_student, "certificate_pdf", certificate).status_code == 404


def test_the_verify_page_confirms_a_genuine_certificate_and_leaks_no_private_field(client, cast, certificate):
    supervisor_evaluates(cast.placement, cast.supervisor)
    student_evaluates(cast.placement)
    page = client.get(reverse("evaluations:verify", args=[certificate.code])).content.decode()
    assert "Genuine." in page and "Amara Okafor" in page and "Data analyst intern" in page
    for private in (
        cast.student.email,
        cast.supervisor.email,
        "A pleasure to work with.",  # the supervisor's comments
        "Amara shipped our first automated report",  # the endorsement, not published
        "Clear brief and weekly feedback.",  # the review
        "I automated the weekly report.",  # the self-assessment
        "Built the first report",  # a check-in
        "published-ratings",
    ):
        assert private not in page, private
    services.evaluation_publish_set(
        placement=cast.placement, user=cast.student, endorsement_published=True, ratings_published=True
    )
    page = client.get(reverse("evaluations:verify", args=[certificate.code])).content.decode()
    assert "Amara shipped our first automated report" in page and "published-ratings" in page
    assert "A pleasure to work with." not in page and cast.student.email not in page


def test_an_unknown_or_revoked_code_says_so_plainly(client, cast, certificate):
    missing = client.get(reverse("evaluations:verify", args=["NOTAREALCODE1234"]))
    assert missing.status_code == 404 and "No certificate has the code" in missing.content.decode()
    assert client.get(reverse("evaluations:verify", args=["x" * 300])).status_code == 404
    staff = SiteStaffFactory()
    client.force_login(cast.student)
    refused = client.post(reverse("evaluations:certificate_revoke", args=[certificate.code]), {"reason": "x"})
    assert refused.status_code == 403
    client.force_login(staff)
    client.post(reverse("evaluations:certificate_revoke", args=[certificate.code]), {"reason": "Issued in error"})
    client.logout()
    page = client.get(reverse("evaluations:verify", args=[certificate.code])).content.decode()
    assert "Revoked." in page and "Issued in error" in page
    api = client.get(reverse("v1:certificate-verify", args=[certificate.code])).json()
    assert api["status"] == "revoked"


def _credential_file(client, cast, certificate, tmp_path, name="credential_json"):
    response = download(client, cast.student, name, certificate)
    assert response.status_code == 200
    path = tmp_path / ("badge.png" if name == "badge_png" else "credential.json")
    path.write_bytes(response.content)
    return path


def verify(path) -> str:
    out = io.StringIO()
    call_command("verify_credential", str(path), stdout=out)
    return out.getvalue()


def test_the_credential_is_an_open_badge_signed_with_a_published_key(client, cast, certificate, tmp_path):
    path = _credential_file(client, cast, certificate, tmp_path)
    document = json.loads(path.read_text())
    assert document["type"] == ["VerifiableCredential", "OpenBadgeCredential"]
    assert document["credentialSubject"]["achievement"]["type"] == ["Achievement"]
    assert document["credentialStatus"]["type"] == "1EdTechRevocationList"
    assert cast.student.email not in path.read_text()  # the recipient is a salted hash
    header = json.loads(credentials.b64url_decode(document["proof"]["jwt"].split(".")[0]))
    assert header["alg"] == "EdDSA"
    jwks = client.get("/.well-known/jwks.json").json()
    assert header["kid"] in [k["kid"] for k in jwks["keys"]]
    assert all(set(k) == {"kty", "crv", "x", "kid", "alg", "use"} for k in jwks["keys"])  # no private part
    assert "VALID" in verify(path)
    # Offline, against a saved copy of the published keys.
    keys = tmp_path / "jwks.json"
    keys.write_text(json.dumps(jwks))
    out = io.StringIO()
    call_command("verify_credential", str(path), "--jwks", str(keys), stdout=out)
    assert "VALID" in out.getvalue()
    # The PNG badge carries the same credential baked in.
    png = _credential_file(client, cast, certificate, tmp_path, name="badge_png")
    assert png.read_bytes().startswith(b"\x89PNG") and "VALID" in verify(png)
    # The credential files are the intern's: the organization gets a 403.
    assert download(client, cast.supervisor, "credential_json", certificate).status_code == 403


@pytest.mark.parametrize("name", ["credential_json", "badge_png"])
def test_changing_one_byte_of_the_credential_makes_it_fail(client, cast, certificate, tmp_path, name):
    path = _credential_file(client, cast, certificate, tmp_path, name=name)
    data = bytearray(path.read_bytes())
    if name == "credential_json":
        text = data.decode()
        # One byte of the visible claims (the hours) and, separately, one byte of the signed JWT.
        positions = [text.index("12.5") + 1, text.index('"jwt": "') + 40]
    else:
        positions = [len(data) // 2, len(data) - 30]
    for position in positions:
        altered = bytearray(data)
        altered[position] = (altered[position] + 1) % 256 if altered[position] != ord("9") else ord("8")
        tampered = tmp_path / f"tampered-{position}"
        tampered.write_bytes(bytes(altered))
        with pytest.raises(CommandError, match="INVALID"):
            verify(tampered)


def test_a_credential_still_verifies_after_a_key_rotation(client, cast, certificate, tmp_path):
    path = _credential_file(client, cast, certificate, tmp_path)
    old = SigningKey.objects.get(active=True)
    call_command("rotate_signing_key", stdout=io.StringIO())
    new = SigningKey.objects.get(active=True)
    assert new.kid != old.kid and not SigningKey.objects.get(pk=old.pk).active
    published = [k["kid"] for k in client.get("/.well-known/jwks.json").json()["keys"]]
    assert published == [old.kid, new.kid]
    assert "VALID" in verify(path)
    assert old.kid in verify(path)


def test_a_revoked_credential_is_reported_revoked(client, cast, certificate, tmp_path):
    path = _credential_file(client, cast, certificate, tmp_path)
    services.certificate_revoke(certificate=certificate, user=SiteStaffFactory(), reason="Placement misreported")
    with pytest.raises(CommandError, match="REVOKED.*Placement misreported"):
        verify(path)
    status = client.get(reverse("evaluations:revocations")).json()
    assert status["revokedCredentials"] == [
        {"id": certificate.credential_id, "revocationReason": "Placement misreported"}
    ]


def test_the_issuer_profile_names_the_keys(client, certificate):
    assert certificate.signing_kid in client.get(reverse("evaluations:issuer")).content.decode()
    profile = client.get(reverse("evaluations:issuer_profile")).json()
    assert profile["type"] == ["Profile"] and profile["publicKeys"].endswith("/.well-known/jwks.json")


def test_a_key_encrypted_under_an_old_secret_is_replaced_and_completion_still_issues(cast, settings):
    services.signing_key_rotate()
    settings.SECRET_KEY = "a-new-secret-key-after-a-leak-" + "x" * 20
    placement = completed(cast.placement, supervisor=cast.supervisor)
    certificate = Certificate.objects.get(placement=placement)
    assert certificate.signing_kid == SigningKey.objects.get(active=True).kid
    assert SigningKey.objects.count() == 2
    assert credentials.jwt_verify(certificate.credential_jwt, jwks=selectors.jwks()).kid == certificate.signing_kid
