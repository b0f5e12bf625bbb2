"""Hostile input at the edges: malformed PDFs that crash the parser are refused with a message."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from rest_framework.test import APIClient

from accounts.models import StudentProfile
from applications.models import Application
from tests.accounts.factories import StudentFactory
from tests.listings.factories import PublishedListingFactory

pytestmark = pytest.mark.django_db


def _pdf(objects: list[bytes], trailer: bytes, startxref: bytes | None = None) -> bytes:
    """A PDF with a correct cross-reference table for ``objects`` (numbered from 1) unless
    ``startxref`` overrides where the table is said to be."""
    out = bytearray(b"%PDF-1.7\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref_at = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n%s\nstartxref\n%s\n%%%%EOF\n" % (trailer, startxref or str(xref_at).encode())
    return bytes(out)


PAGES = [
    b"<< /Type /Catalog /Pages 2 0 R >>",
    b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
    b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>",
]


def unsupported_encryption_pdf() -> bytes:
    """Encrypted with a public-key security handler (/Adobe.PubSec): pypdf raises NotImplementedError."""
    file_id = b"<00112233445566778899aabbccddeeff>"
    return _pdf(
        [*PAGES, b"<< /Filter /Adobe.PubSec /SubFilter /adbe.pkcs7.s5 /V 4 /R 4 /Length 128 >>"],
        b"<< /Size 5 /Root 1 0 R /Encrypt 4 0 R /ID [%s %s] >>" % (file_id, file_id),
    )


def huge_startxref_pdf() -> bytes:
    """A cross-reference offset too large for a file position: pypdf raises OverflowError."""
    return _pdf(PAGES, b"<< /Size 4 /Root 1 0 R >>", startxref=b"9" * 30)


MALFORMED = {
    "unsupported-encryption": (
        unsupported_encryption_pdf,
        "The résumé PDF uses a kind of encryption or protection that cannot be opened: upload an unprotected copy.",
    ),
    "huge-startxref": (huge_startxref_pdf, "The résumé could not be read as a PDF."),
}


def test_the_crafted_pdfs_really_crash_the_parser():
    """The files are the faults found: without the refusal each one escapes as a 500."""
    from io import BytesIO

    from pypdf import PdfReader

    with pytest.raises(NotImplementedError):
        PdfReader(BytesIO(unsupported_encryption_pdf()), strict=False)
    with pytest.raises(OverflowError):
        PdfReader(BytesIO(huge_startxref_pdf()), strict=False)


@pytest.mark.parametrize("kind", MALFORMED)
def test_malformed_pdf_on_profile_edit_is_refused_with_a_message(client, kind):
    make, message = MALFORMED[kind]
    student = StudentFactory(name="Amara Okafor")
    client.force_login(student)
    response = client.post(
        reverse("accounts:profile_edit"),
        {
            "name": "Amara Okafor",
            "time_zone": "Africa/Lagos",
            "visibility": StudentProfile.Visibility.SEARCHABLE,
            "resume": SimpleUploadedFile("cv.pdf", make(), content_type="application/pdf"),
        },
    )
    assert response.status_code == 200
    assert response.context["form"].errors["resume"] == [message]
    assert message in response.content.decode()
    assert not StudentProfile.objects.get(user=student).resume


@pytest.mark.parametrize("kind", MALFORMED)
def test_malformed_pdf_through_the_api_is_a_400_with_a_message(kind):
    make, message = MALFORMED[kind]
    listing = PublishedListingFactory(requires_resume=True)
    api = APIClient()
    api.force_authenticate(StudentFactory())
    response = api.post(
        reverse("v1:application-create"),
        {
            "listing": listing.pk,
            "cover_letter": "Hello",
            "resume": SimpleUploadedFile("cv.pdf", make(), content_type="application/pdf"),
        },
        format="multipart",
    )
    assert response.status_code == 400, response.content
    assert response.json()["resume"] == [message]
    assert not Application.objects.exists()
