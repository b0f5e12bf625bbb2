"""The listing form: every bad input gets a clear error and nothing is saved; Markdown is safe."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from listings.markdown import render_markdown
from listings.models import Listing, ScreeningQuestion
from tests.listings.factories import DraftListingFactory


def valid_post(**overrides):
    deadline = (timezone.now() + timedelta(days=20)).strftime("%Y-%m-%dT%H:%M")
    data = {
        "kind": "internship",
        "title": "Research assistant intern",
        "field": "research",
        "description": "Help with **research**.",
        "skills_text": "Research, Excel",
        "compensation_type": "paid",
        "compensation_amount": "900",
        "currency": "eur",
        "pay_period": "month",
        "hours_per_week": "20",
        "duration_days": "90",
        "start_date": "",
        "application_deadline": deadline,
        "work_start": "09:00",
        "work_end": "17:00",
        "time_zone": "Europe/Berlin",
        "countries_text": "de, fr",
        "openings": "2",
        "tools_text": "Slack, Notion",
        "requires_resume": "on",
        "deliverables": "",
        "milestones_text": "",
        "estimated_total_hours": "",
        "staleness_days": "14",
        "questions-TOTAL_FORMS": "2",
        "questions-INITIAL_FORMS": "0",
        "questions-MIN_NUM_FORMS": "0",
        "questions-MAX_NUM_FORMS": "10",
        "questions-0-prompt": "Why this role?",
        "questions-0-required": "on",
        "questions-1-prompt": "",
    }
    data.update(overrides)
    return data


def test_create_a_listing_with_questions(client, employer, org):
    client.force_login(employer)
    response = client.post(reverse("listings:create"), valid_post())
    listing = Listing.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("listings:manage", args=[listing.pk])
    assert listing.status == Listing.Status.DRAFT and listing.organization == org
    assert listing.currency == "EUR" and listing.eligible_countries == ["DE", "FR"]
    assert listing.skill_names == ["Research", "Excel"]
    assert list(listing.questions.values_list("prompt", "required")) == [("Why this role?", True)]
    # The deadline was typed as Berlin wall time.
    assert listing.application_deadline.utcoffset() is not None


@pytest.mark.parametrize(
    "overrides, field, message",
    [
        ({"title": ""}, "title", "This field is required"),
        ({"application_deadline": "2020-01-01T10:00"}, "application_deadline", "must be in the future"),
        ({"application_deadline": "next tuesday"}, "application_deadline", "Enter a valid date/time"),
        ({"compensation_amount": ""}, "compensation_amount", "needs an amount greater than 0"),
        ({"compensation_amount": "-5"}, "compensation_amount", "needs an amount greater than 0"),
        ({"currency": "euros"}, "currency", "three-letter currency code"),
        ({"currency": "XYZ"}, "currency", "cannot be compared with other listings"),
        ({"currency": ""}, "currency", "three-letter currency code"),
        ({"pay_period": ""}, "pay_period", "per hour, week, month or in total"),
        ({"compensation_type": "free"}, "compensation_type", "Select a valid choice"),
        ({"kind": "micro", "duration_days": "60", "estimated_total_hours": "20"}, "duration_days", "at most 42 days"),
        ({"kind": "micro", "duration_days": "10"}, "estimated_total_hours", "estimated total hours"),
        ({"work_start": "", "work_end": "17:00"}, "work_start", "This field is required"),
        ({"work_start": "09:00", "work_end": "09:00"}, "work_end", "must end at a different time"),
        ({"time_zone": ""}, "time_zone", "This field is required"),
        ({"time_zone": "Mars/Olympus"}, "time_zone", "Select a valid choice"),
        ({"hours_per_week": "0"}, "hours_per_week", "greater than or equal to 1"),
        ({"hours_per_week": "99"}, "hours_per_week", "less than or equal to 60"),
        ({"duration_days": "abc"}, "duration_days", "Enter a whole number"),
        ({"countries_text": "Germany"}, "countries_text", "two-letter country codes"),
        ({"field": "astrology"}, "field", "Select a valid choice"),
        ({"openings": "0"}, "openings", "greater than or equal to 1"),
        ({"skills_text": ",".join(f"skill{i}" for i in range(20))}, "skills_text", "at most 15 skills"),
        ({"questions-0-prompt": "x" * 301}, "prompt", "at most 300 characters"),
    ],
)
def test_bad_input_gets_a_clear_error_and_saves_nothing(client, employer, overrides, field, message):
    client.force_login(employer)
    response = client.post(reverse("listings:create"), valid_post(**overrides))
    assert response.status_code == 200
    body = response.content.decode()
    assert message in body
    assert "nothing was saved" in body
    assert 'aria-invalid="true"' in body or field == "prompt"
    assert not Listing.objects.exists() and not ScreeningQuestion.objects.exists()


def test_editing_keeps_answers_attached_to_question_ids(client, employer, org):
    listing = DraftListingFactory(organization=org, actor=employer, questions=["First?", "Second?"])
    first, second = listing.questions.all()
    client.force_login(employer)
    data = valid_post(
        **{
            "questions-TOTAL_FORMS": "3",
            "questions-INITIAL_FORMS": "2",
            "questions-0-id": str(first.pk),
            "questions-0-prompt": "First, reworded?",
            "questions-0-required": "on",
            "questions-1-id": str(second.pk),
            "questions-1-prompt": "Second?",
            "questions-1-DELETE": "on",
            "questions-2-prompt": "Third?",
        }
    )
    response = client.post(reverse("listings:edit", args=[listing.pk]), data)
    assert response.status_code == 302
    assert list(listing.questions.values_list("pk", "prompt")) == [
        (first.pk, "First, reworded?"),
        (listing.questions.get(prompt="Third?").pk, "Third?"),
    ]


def test_edit_form_shows_the_deadline_in_the_listings_zone(client, employer, org):
    listing = DraftListingFactory(organization=org, actor=employer, time_zone="Asia/Tokyo")
    client.force_login(employer)
    body = client.get(reverse("listings:edit", args=[listing.pk])).content.decode()
    local = listing.application_deadline.astimezone(__import__("zoneinfo").ZoneInfo("Asia/Tokyo"))
    assert local.strftime("%Y-%m-%dT%H:%M") in body


def test_markdown_with_script_tags_renders_safe(client, employer, org):
    html = render_markdown(
        "# Title\n\n**bold** <script>alert(1)</script> [x](javascript:alert(1)) "
        '<img src=x onerror="alert(1)"> <a href="https://ok.example" onclick="x()">ok</a>'
    )
    assert "<script" not in html and "onerror" not in html and "javascript:" not in html and "onclick" not in html
    assert "<strong>bold</strong>" in html
    assert "<h3>Title</h3>" in html  # demoted below the page's own headings
    assert 'href="https://ok.example"' in html
    from tests.listings.factories import PublishedListingFactory

    listing = PublishedListingFactory(
        organization=org, actor=employer, description="Hello <script>alert('x')</script> **world**"
    )
    page = client.get(reverse("listings:detail", args=[listing.pk])).content.decode()
    assert "<script>alert" not in page and "<strong>world</strong>" in page


def test_duplicate_and_delete_draft(client, employer, org):
    listing = DraftListingFactory(organization=org, actor=employer, title="Original", questions=["Q?"])
    client.force_login(employer)
    client.post(reverse("listings:submit", args=[listing.pk]))
    response = client.post(reverse("listings:duplicate", args=[listing.pk]))
    copy = Listing.objects.exclude(pk=listing.pk).get()
    assert response["Location"] == reverse("listings:manage", args=[copy.pk])
    assert (copy.title, copy.status) == ("Original (copy)", Listing.Status.DRAFT)
    assert list(copy.questions.values_list("prompt", flat=True)) == ["Q?"]
    # A published listing is not deleted, a draft is.
    client.post(reverse("listings:delete", args=[listing.pk]))
    assert Listing.objects.filter(pk=listing.pk).exists()
    client.post(reverse("listings:delete", args=[copy.pk]))
    assert not Listing.objects.filter(pk=copy.pk).exists()


def test_submit_refuses_a_listing_whose_deadline_passed(client, employer, org):
    import time_machine

    listing = DraftListingFactory(
        organization=org, actor=employer, application_deadline=timezone.now() + timedelta(days=2)
    )
    client.force_login(employer)
    with time_machine.travel(listing.application_deadline + timedelta(days=1)):
        response = client.post(reverse("listings:submit", args=[listing.pk]), follow=True)
    assert "deadline has passed" in response.content.decode()
    listing.refresh_from_db()
    assert listing.status == Listing.Status.DRAFT
