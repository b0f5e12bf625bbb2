"""Student profile: completeness with what is missing, skills as normalized tags with autocomplete,
résumé uploads checked by content and size, stored privately under a random name."""

from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.urls import reverse

from accounts import selectors, services
from accounts.models import Skill, StudentProfile
from tests.accounts.factories import StudentFactory, pdf_bytes, pdf_upload, png_bytes

pytestmark = pytest.mark.django_db


def profile_data(**overrides):
    data = {
        "name": "Amara Okafor",
        "program": "BSc Computer Science",
        "graduation_year": "2027",
        "country": "ng",
        "time_zone": "Africa/Lagos",
        "weekly_availability_hours": "20",
        "skills": "Python, django,  Data   analysis, C++",
        "bio": "I build small web tools.",
        "links": "https://github.com/amara\nhttps://amara.example/portfolio",
        "visibility": StudentProfile.Visibility.SEARCHABLE,
    }
    data.update(overrides)
    return data


@pytest.fixture
def student(client):
    user = StudentFactory(name="")
    client.force_login(user)
    return user


def test_new_profile_shows_what_is_missing(client, student):
    page = client.get(reverse("accounts:profile"))
    completeness = page.context["completeness"]
    assert completeness.percent == 0
    assert "a résumé (PDF)" in completeness.missing and "at least one skill" in completeness.missing
    assert "a résumé (PDF)" in page.content.decode()


def test_complete_profile_with_resume_reaches_100_percent(client, student):
    response = client.post(reverse("accounts:profile_edit"), profile_data(resume=pdf_upload("my cv.pdf")))
    assert response.status_code == 302, response.context["form"].errors
    profile = StudentProfile.objects.get(user=student)
    assert profile.country == "NG"
    assert sorted(profile.skills.values_list("slug", flat=True)) == ["c-plus-plus", "data-analysis", "django", "python"]
    assert profile.links == ["https://github.com/amara", "https://amara.example/portfolio"]
    # Random name in the private storage: the original name never reaches the disk.
    assert profile.resume.name.startswith("resumes/") and "cv" not in profile.resume.name
    assert profile.resume.storage.exists(profile.resume.name)
    stored = Path(profile.resume.path).resolve()
    assert not stored.is_relative_to(Path(settings.MEDIA_ROOT).resolve())
    assert not stored.is_relative_to(Path(settings.STATIC_ROOT).resolve())
    page = client.get(reverse("accounts:profile"))
    assert page.context["completeness"].percent == 100
    assert page.context["completeness"].missing == []
    assert "Your profile is complete." in page.content.decode()


def test_skills_are_normalized_to_existing_tags(client, student):
    Skill.objects.create(name="Python", slug="python")
    services.student_profile_update(
        profile=StudentProfile.objects.get(user=student), name="A", skills=["  PYTHON ", "python", "Python"]
    )
    assert Skill.objects.filter(slug="python").count() == 1
    assert list(student.student_profile.skills.values_list("name", flat=True)) == ["Python"]


def test_skill_autocomplete_returns_matching_tags_as_json(client, db):
    for name in ["Python", "PyTorch", "SQL", "Public relations"]:
        Skill.objects.create(name=name, slug=services.skill_slug(name))
    data = client.get(reverse("accounts:skills_autocomplete"), {"q": "py"}).json()
    assert [r["name"] for r in data["results"]] == ["Python", "PyTorch"]
    assert client.get(reverse("accounts:skills_autocomplete"), {"q": ""}).json() == {"results": []}
    assert client.get(reverse("accounts:skills_autocomplete"), {"q": "x" * 5000}).status_code == 200


def test_non_pdf_renamed_pdf_is_refused_and_nothing_is_saved(client, student):
    fake = SimpleUploadedFile("resume.pdf", png_bytes(), content_type="application/pdf")
    response = client.post(reverse("accounts:profile_edit"), profile_data(resume=fake))
    assert response.status_code == 200
    assert response.context["form"].errors["resume"] == ["The résumé must be a PDF document (this file is not a PDF)."]
    profile = StudentProfile.objects.get(user=student)
    student.refresh_from_db()
    assert not profile.resume and profile.program == "" and student.name == "" and profile.skills.count() == 0
    assert Skill.objects.count() == 0


def test_truncated_pdf_with_the_right_magic_bytes_is_refused(client, student):
    broken = SimpleUploadedFile("cv.pdf", b"%PDF-1.7\n" + b"garbage" * 100, content_type="application/pdf")
    response = client.post(reverse("accounts:profile_edit"), profile_data(resume=broken))
    assert response.context["form"].errors["resume"] == ["The résumé could not be read as a PDF."]
    assert not StudentProfile.objects.get(user=student).resume


@override_settings(RESUME_MAX_BYTES=2000)
def test_oversized_resume_is_refused_with_the_limit_in_the_message(client, student):
    big = pdf_upload(content=pdf_bytes(pages=30))
    assert big.size > 2000
    response = client.post(reverse("accounts:profile_edit"), profile_data(resume=big))
    [error] = response.context["form"].errors["resume"]
    assert "too large" in error and "2.0\xa0KB" in error
    assert not StudentProfile.objects.get(user=student).resume


def test_real_five_megabyte_cap(client, student):
    # Just over 5 MB: a valid PDF padded with a comment is still refused for its size.
    big = pdf_bytes() + b"%" + b"x" * (5 * 1024 * 1024)
    response = client.post(reverse("accounts:profile_edit"), profile_data(resume=pdf_upload(content=big)))
    assert "too large" in response.context["form"].errors["resume"][0]


def test_bad_fields_are_each_reported(client, student):
    response = client.post(
        reverse("accounts:profile_edit"),
        profile_data(
            graduation_year="1800",
            country="Nigeria",
            weekly_availability_hours="200",
            links="not a url",
            time_zone="Mars/Base",
            skills="ok, " + "x" * 61,
        ),
    )
    errors = response.context["form"].errors
    assert set(errors) == {"graduation_year", "country", "weekly_availability_hours", "links", "time_zone", "skills"}
    assert b'aria-invalid="true"' in response.content


def test_replacing_the_resume_deletes_the_old_file(client, student, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("accounts:profile_edit"), profile_data(resume=pdf_upload()))
    first = StudentProfile.objects.get(user=student).resume.name
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("accounts:profile_edit"), profile_data(resume=pdf_upload()))
    profile = StudentProfile.objects.get(user=student)
    assert profile.resume.name != first
    assert not profile.resume.storage.exists(first)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("accounts:profile_edit"), profile_data(remove_resume="on"))
    profile.refresh_from_db()
    assert not profile.resume
    assert "a résumé (PDF)" in selectors.profile_completeness(profile).missing


def test_owner_downloads_their_resume_inline_without_its_original_name(client, student):
    client.post(reverse("accounts:profile_edit"), profile_data(resume=pdf_upload("Amara secret name.pdf")))
    profile = StudentProfile.objects.get(user=student)
    response = client.get(reverse("accounts:resume", args=[profile.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert "secret" not in response["Content-Disposition"]
    assert "no-store" in response["Cache-Control"]
    assert b"".join(response.streaming_content).startswith(b"%PDF-")


def test_profile_page_queries_do_not_grow_with_skills(client, student, django_assert_num_queries):
    profile = StudentProfile.objects.get(user=student)
    services.student_profile_update(profile=profile, name="A", skills=["a1"])
    # (the last one: the public portfolio link, evaluations.selectors.portfolio_link_for)
    with django_assert_num_queries(8):
        client.get(reverse("accounts:profile"))
    services.student_profile_update(profile=profile, name="A", skills=[f"skill {i}" for i in range(25)])
    with django_assert_num_queries(8):
        client.get(reverse("accounts:profile"))
