"""Hostile input at the edges: control characters in text fields of every form and serializer,
and malformed PDFs that crash the parser, are refused with a clear message."""

import importlib
import pkgutil
import uuid
from pathlib import Path

import pytest
from django import forms
from django.apps import apps
from django.core.files.uploadedfile import SimpleUploadedFile
from django.forms import modelform_factory
from django.http import QueryDict
from django.urls import reverse
from rest_framework import serializers
from rest_framework.test import APIClient

from accounts.models import Invitation, StudentProfile, User
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
    assert response.json()["fields"]["resume"] == [message]
    assert not Application.objects.exists()


# --- control characters ------------------------------------------------------------------------

ROOT = Path(__file__).resolve().parents[2]
SINGLE_LINE_MESSAGE = (
    "Enter this on a single line, without line breaks, tabs or other control characters (found U+000D)."
)
MULTI_LINE_MESSAGE = (
    "Remove the invisible control character (U+001B) from this text: only line breaks and tabs are allowed."
)
MULTI_LINE_MESSAGE_NUL = MULTI_LINE_MESSAGE.replace("U+001B", "U+0000")


def project_modules():
    """Every module of the project's own apps that can define a form or serializer, imported."""
    for config in apps.get_app_configs():
        path = Path(config.path)
        if ROOT not in path.parents or ".venv" in path.parts:
            continue
        package = importlib.import_module(config.name)
        yield package
        for info in pkgutil.walk_packages(package.__path__, prefix=f"{config.name}."):
            # Settings modules read the environment of their deployment; entry points start servers.
            if ".migrations" in info.name or ".settings" in info.name or info.name.endswith(("wsgi", "asgi")):
                continue
            yield importlib.import_module(info.name)


def project_classes(base) -> list[type]:
    found = {}
    for module in project_modules():
        for value in vars(module).values():
            if isinstance(value, type) and issubclass(value, base) and value.__module__ == module.__name__:
                found[f"{value.__module__}.{value.__qualname__}"] = value
    return [found[name] for name in sorted(found)]


def form_builders():
    """How to make each form whose constructor needs more than data; any other form is ``cls(data)``."""
    from accounts.forms import AccountDeleteForm, InstitutionDomainForm, InvitationSignupForm
    from accounts.models import InstitutionDomain
    from applications.forms import ApplyForm, MoveForm
    from reports.forms import ReportFilterForm

    listing = PublishedListingFactory(questions=["Why us?"])
    return {
        ApplyForm: lambda data: ApplyForm(data, listing=listing, has_profile_resume=False),
        MoveForm: lambda data: MoveForm(data, moves=["shortlisted"]),
        InvitationSignupForm: lambda data: InvitationSignupForm(data, invitation=Invitation(email="new@example.org")),
        AccountDeleteForm: lambda data: AccountDeleteForm(data, user=User(email="old@example.org")),
        ReportFilterForm: lambda data: ReportFilterForm(data, programs=["BSc"], years=[2026]),
        # An admin inline's form: the admin supplies the model.
        InstitutionDomainForm: lambda data: modelform_factory(
            InstitutionDomain, form=InstitutionDomainForm, fields=["domain"]
        )(data),
    }


def project_forms() -> list[type]:
    from marketplace import forms as bases

    return [
        cls
        for cls in project_classes(forms.BaseForm)
        if cls.__module__ != bases.__name__  # the bases themselves: a ModelForm without a model
    ]


def build_form(builders: dict, cls, data: dict):
    query = QueryDict(mutable=True)
    query.update(data)
    return builders.get(cls, cls)(query)


def text_fields(form) -> dict[str, bool]:
    """Each text field of ``form`` → whether it takes several lines (passwords are left as typed)."""
    return {
        name: isinstance(field.widget, forms.Textarea)
        for name, field in form.fields.items()
        if isinstance(field, forms.CharField) and not isinstance(field.widget, forms.PasswordInput)
    }


def test_the_enumeration_finds_the_forms_of_every_app():
    names = {cls.__name__ for cls in project_forms()}
    assert {"SignupForm", "StudentProfileForm", "OrganizationForm", "ListingForm", "ApplyForm", "SearchForm"} <= names
    assert {"PreferencesForm", "OutcomeForm", "ModerationActionForm"} <= names
    assert len(names) >= 30, sorted(names)


def test_every_single_line_field_of_every_form_refuses_a_carriage_return():
    checked = []
    builders = form_builders()
    for cls in project_forms():
        for name, multiline in text_fields(build_form(builders, cls, {})).items():
            if multiline:
                continue
            form = build_form(builders, cls, {name: "Amara\rOkafor"})
            assert SINGLE_LINE_MESSAGE in form.errors.get(name, []), (cls.__name__, name, form.errors.get(name))
            checked.append(f"{cls.__name__}.{name}")
    # Names, titles and searches are all among them.
    assert {"SignupForm.name", "StudentProfileForm.name", "OrganizationForm.name", "ListingForm.title"} <= set(checked)
    assert {"SearchForm.q", "InvitationSignupForm.name", "ModerationActionForm.reason"} <= set(checked)


def test_every_multi_line_field_keeps_line_breaks_and_tabs_but_refuses_other_controls():
    checked = []
    builders = form_builders()
    for cls in project_forms():
        for name, multiline in text_fields(build_form(builders, cls, {})).items():
            if not multiline:
                continue
            for bad, message in [("First\x1bline", MULTI_LINE_MESSAGE), ("First\x00line", MULTI_LINE_MESSAGE_NUL)]:
                form = build_form(builders, cls, {name: bad})
                if type(form.fields[name]) is forms.CharField:
                    assert form.errors.get(name) == [message], (cls.__name__, name, form.errors.get(name))
                else:  # a field whose own check comes first (links: "not a web address") still refuses it
                    assert form.errors.get(name), (cls.__name__, name)
            form = build_form(builders, cls, {name: "First line\r\n\tsecond line"})
            errors = form.errors.as_data().get(name, [])
            assert not [e for e in errors if e.code == "control_character"], (cls.__name__, name, errors)
            checked.append(f"{cls.__name__}.{name.split('_')[0] if name.startswith('answer_') else name}")
    assert {"ListingForm.description", "ApplyForm.cover_letter", "ApplyForm.answer", "StudentProfileForm.bio"} <= set(
        checked
    )


def serializer_text_fields(serializer) -> list[tuple[str, serializers.CharField]]:
    out = []
    for name, field in serializer.fields.items():
        child = getattr(field, "child", None)
        if isinstance(child, serializers.CharField):
            out.append((f"{name}.child", child))
        if isinstance(field, serializers.CharField) and not field.read_only:
            out.append((name, field))
    return out


def test_every_text_field_of_every_api_serializer_applies_the_same_rule():
    checked = []
    from marketplace import serializers as bases

    for cls in project_classes(serializers.BaseSerializer):
        if cls.__module__ == bases.__name__:
            continue
        for name, field in serializer_text_fields(cls()):
            multiline = field.style.get("base_template") == "textarea.html"
            bad = "First\x1bline" if multiline else "Amara\rOkafor"
            with pytest.raises(serializers.ValidationError) as refused:
                field.run_validation(bad)
            assert (MULTI_LINE_MESSAGE if multiline else SINGLE_LINE_MESSAGE) in refused.value.detail, (cls, name)
            if multiline:
                assert field.run_validation("First line\r\n\tsecond") == "First line\r\n\tsecond"
            checked.append(f"{cls.__name__}.{name}")
    assert {
        "ApplicationCreateInput.cover_letter",
        "ApplicationCreateInput.answers.child",
        "MessageInput.message",
    } <= set(checked)


def test_sign_up_with_a_carriage_return_in_the_name_is_refused_on_the_page(client):
    email = f"amara.{uuid.uuid4().hex[:10]}@example.org"
    password = "a-Long-and-unusual-passphrase-42"
    response = client.post(
        reverse("account_signup"),
        {
            "name": "Amara\rBcc: victim@example.org",
            "email": email,
            "role": "student",
            "password1": password,
            "password2": password,
        },
    )
    assert response.status_code == 200
    assert SINGLE_LINE_MESSAGE in response.content.decode()
    assert not User.objects.filter(email=email).exists()


def test_profile_name_with_a_line_break_is_refused_and_nothing_is_saved(client):
    student = StudentFactory(name="Amara Okafor")
    client.force_login(student)
    response = client.post(
        reverse("accounts:profile_edit"),
        {"name": "Amara\r\nOkafor", "time_zone": "Africa/Lagos", "visibility": StudentProfile.Visibility.SEARCHABLE},
    )
    assert response.status_code == 200
    assert response.context["form"].errors["name"] == [
        "Enter this on a single line, without line breaks, tabs or other control characters (found U+000D)."
    ]
    student.refresh_from_db()
    assert student.name == "Amara Okafor"


def test_api_cover_letter_keeps_line_breaks_and_refuses_an_escape_character():
    listing = PublishedListingFactory(requires_resume=False)
    api = APIClient()
    api.force_authenticate(StudentFactory())
    url = reverse("v1:application-create")
    refused = api.post(url, {"listing": listing.pk, "cover_letter": "Hello\x1b[2J"}, format="json")
    assert refused.status_code == 400
    assert refused.json()["fields"]["cover_letter"] == [MULTI_LINE_MESSAGE]
    assert not Application.objects.exists()
    accepted = api.post(url, {"listing": listing.pk, "cover_letter": "Hello,\r\n\r\nI apply."}, format="json")
    assert accepted.status_code == 201, accepted.content
    assert Application.objects.get().cover_letter == "Hello,\r\n\r\nI apply."
