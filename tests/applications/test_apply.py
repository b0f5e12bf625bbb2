"""Applying: the form, the résumé rules, screening questions, refusals, one application per listing."""

import threading
from datetime import timedelta

import pytest
import time_machine
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from applications.models import Application, ApplicationStatusChange
from applications.services import ApplicationRefused, application_submit
from notifications.models import Notification, OutboxEmail
from tests.applications.factories import pdf_bytes, pdf_upload
from tests.listings.factories import (
    ClosedListingFactory,
    EmployerFactory,
    PublishedListingFactory,
    StudentFactory,
)

pytestmark = pytest.mark.django_db


def _post(client, listing, **overrides):
    question = listing.questions.get()
    data = {
        "cover_letter": "I analyse data for a student newspaper.",
        "resume_choice": "upload",
        "resume": pdf_upload(),
        f"answer_{question.pk}": "Because you build tools for non-profits.",
    }
    data.update(overrides)
    return client.post(reverse("applications:apply", args=[listing.pk]), data)


def test_student_applies_with_answers_and_resume_and_the_employer_is_told(client, listing, employer, student):
    colleague = EmployerFactory(organization=listing.organization)
    client.force_login(student)
    page = client.get(reverse("applications:apply", args=[listing.pk]))
    assert page.status_code == 200
    assert "Why us?" in page.content.decode()

    response = _post(client, listing)

    application = Application.objects.get(student=student, listing=listing)
    assert response.status_code == 302 and response.url == reverse("applications:detail", args=[application.pk])
    assert application.status == "submitted"
    question = listing.questions.get()
    assert application.answers == {
        str(question.pk): {"prompt": "Why us?", "answer": "Because you build tools for non-profits."}
    }
    assert application.resume.name.startswith("application-resumes/")
    with application.resume.open("rb") as fh:
        assert fh.read(5) == b"%PDF-"
    assert ApplicationStatusChange.objects.filter(application=application, to_status="submitted").count() == 1
    told = set(OutboxEmail.objects.filter(event="application.submitted").values_list("to_email", flat=True))
    assert told == {employer.email, colleague.email}
    assert Notification.objects.filter(recipient=employer, event="application.submitted").count() == 1


def test_missing_required_answer_gives_a_clear_error_and_saves_nothing(client, listing, student, resume_files):
    client.force_login(student)
    before = resume_files()
    question = listing.questions.get()
    response = _post(client, listing, **{f"answer_{question.pk}": "  "})
    assert response.status_code == 400
    assert "This field is required." in response.content.decode()
    assert not Application.objects.exists()
    assert resume_files() == before


def test_service_enforces_required_answers_without_the_form(listing, student, resume_files):
    before = resume_files()
    with pytest.raises(Exception) as excinfo:
        application_submit(
            student=student, listing=listing, cover_letter="Hello", answers={}, resume_upload=pdf_upload()
        )
    question = listing.questions.get()
    assert excinfo.value.message_dict == {f"answer_{question.pk}": ["This question needs an answer."]}
    assert not Application.objects.exists()
    assert resume_files() == before


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (
            b"MZ\x90\x00 this is an executable renamed to pdf",
            "The résumé must be a PDF document (this file is not a PDF).",
        ),
        (b"%PDF-1.7\n garbage that is not a pdf", "The résumé could not be read as a PDF."),
        (b"", "The submitted file is empty."),
    ],
)
def test_bad_resume_is_refused_by_content_and_saves_nothing(client, listing, student, content, message, resume_files):
    client.force_login(student)
    before = resume_files()
    response = _post(client, listing, resume=pdf_upload("cv.pdf", content))
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Application.objects.exists()
    assert resume_files() == before


def test_resume_over_the_size_limit_is_refused(client, listing, student, settings):
    settings.RESUME_MAX_BYTES = 1000
    client.force_login(student)
    response = _post(client, listing, resume=pdf_upload("cv.pdf", pdf_bytes(pages=20)))
    assert response.status_code == 400
    assert "The résumé is too large" in response.content.decode()
    assert not Application.objects.exists()


def test_profile_resume_is_snapshotted_into_the_application(client, listing, student):
    from django.core.files.base import ContentFile

    profile = student.student_profile
    profile.resume.save("mine.pdf", ContentFile(pdf_bytes()), save=True)
    client.force_login(student)
    response = _post(client, listing, resume_choice="profile", resume="")
    assert response.status_code == 302
    application = Application.objects.get(student=student)
    assert application.resume.name != profile.resume.name
    with application.resume.open("rb") as a, profile.resume.open("rb") as b:
        assert a.read() == b.read()


def test_listing_requiring_a_resume_refuses_an_application_without_one(listing, student):
    with pytest.raises(Exception) as excinfo:
        application_submit(
            student=student,
            listing=listing,
            cover_letter="Hello",
            answers={listing.questions.get().pk: "Yes"},
            use_profile_resume=True,
        )
    assert "asks for a résumé" in str(excinfo.value.message_dict["resume"])


def test_already_applied_is_redirected_to_the_application(client, listing, student):
    client.force_login(student)
    _post(client, listing)
    application = Application.objects.get()
    response = client.get(reverse("applications:apply", args=[listing.pk]))
    assert response.status_code == 302 and response.url == reverse("applications:detail", args=[application.pk])
    response = _post(client, listing)
    assert Application.objects.count() == 1


def test_closed_listing_refuses(client, student):
    listing = ClosedListingFactory(requires_resume=False)
    client.force_login(student)
    response = client.get(reverse("applications:apply", args=[listing.pk]))
    assert response.status_code == 403
    assert "This listing is not open for applications." in response.content.decode()


def test_deadline_passed_refuses(client, student):
    listing = PublishedListingFactory(requires_resume=False, application_deadline=timezone.now() + timedelta(days=2))
    client.force_login(student)
    with time_machine.travel(timezone.now() + timedelta(days=3)):
        response = client.get(reverse("applications:apply", args=[listing.pk]))
        assert response.status_code == 403
        assert "The application deadline has passed." in response.content.decode()
        with pytest.raises(ApplicationRefused):
            application_submit(student=student, listing=listing, cover_letter="Hi")
    assert not Application.objects.exists()


def test_student_from_a_country_not_eligible_is_refused(client, student):
    listing = PublishedListingFactory(requires_resume=False, eligible_countries=["DE", "FR"])
    client.force_login(student)  # in NG
    response = client.get(reverse("applications:apply", args=[listing.pk]))
    assert response.status_code == 403
    assert "not open to applicants in your country" in response.content.decode()
    detail = client.get(reverse("listings:detail", args=[listing.pk]))
    assert "not open to applicants in your country" in detail.content.decode()


def test_student_without_a_country_is_told_to_add_one(client):
    listing = PublishedListingFactory(requires_resume=False, eligible_countries=["DE"])
    student = StudentFactory(profile={"country": ""})
    client.force_login(student)
    response = client.get(reverse("applications:apply", args=[listing.pk]))
    assert "add your country to your profile" in response.content.decode()


def test_employers_cannot_apply(client, listing, other_employer):
    client.force_login(other_employer)
    assert client.get(reverse("applications:apply", args=[listing.pk])).status_code == 403


def test_listing_page_shows_apply_button_then_the_status(client, listing, student):
    client.force_login(student)
    detail = client.get(reverse("listings:detail", args=[listing.pk])).content.decode()
    assert reverse("applications:apply", args=[listing.pk]) in detail
    _post(client, listing)
    detail = client.get(reverse("listings:detail", args=[listing.pk])).content.decode()
    assert "You applied:" in detail and "Submitted" in detail


@pytest.mark.django_db(transaction=True)
def test_twenty_simultaneous_submits_create_one_application(resume_files):
    listing = PublishedListingFactory(requires_resume=False)
    student = StudentFactory(profile={"country": "DE"})
    before = resume_files()
    barrier = threading.Barrier(20)
    outcomes = []

    def submit():
        try:
            barrier.wait(timeout=10)
            application_submit(student=student, listing=listing, cover_letter="Me!", resume_upload=pdf_upload())
            outcomes.append("created")
        except ApplicationRefused as exc:
            outcomes.append(exc.messages[0])
        finally:
            connection.close()

    threads = [threading.Thread(target=submit) for _ in range(20)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    assert outcomes.count("created") == 1
    assert outcomes.count("You have already applied to this listing.") == 19
    assert Application.objects.filter(student=student, listing=listing).count() == 1
    # Only the winner's résumé is kept: the refused submits removed theirs.
    kept = Application.objects.get().resume.name.split("/")[-1]
    assert resume_files() - before == {kept}
