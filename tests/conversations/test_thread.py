"""The thread itself: posting with and without htmx, polling, pagination, safe Markdown, unread
counts in the navigation, and query counts that do not grow with the thread."""

import re

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from conversations import services
from conversations.models import Message, Participant
from notifications.context_processors import nav_counts

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


def _post(world, user, body, n=1):
    return [services.message_post(application=world.application, user=user, body=f"{body} {i}") for i in range(n)]


def _unread(user, application):
    return Participant.objects.filter(user=user, application=application).values_list("unread", flat=True).first() or 0


def test_htmx_post_answers_with_the_new_messages_a_poller_and_a_fresh_form(client, world):
    first = _post(world, world.employer, "Welcome")[0]
    client.force_login(world.student)
    url = reverse("conversations:post", args=[world.application.pk])
    response = client.post(url, {"body": "Thanks, see https://example.org/cv.", "after": first.pk}, **HTMX)
    assert response.status_code == 200
    html = response.content.decode()
    mine = Message.objects.get(author=world.student)
    assert f'id="message-{mine.pk}"' in html and f'id="message-{first.pk}"' not in html
    assert '<a href="https://example.org/cv" rel="nofollow noopener noreferrer">https://example.org/cv</a>.' in html
    assert f'id="conversation-after" name="after" value="{mine.pk}"' in html
    assert 'id="message-form"' in html and 'hx-swap-oob="true"' in html
    # The organization's members each have one unread message; the author none.
    assert _unread(world.employer, world.application) == 1 and _unread(world.colleague, world.application) == 1
    assert _unread(world.student, world.application) == 1  # the welcome, still unread until shown


def test_an_empty_message_is_refused_on_the_form_and_nothing_is_saved(client, world):
    client.force_login(world.student)
    url = reverse("conversations:post", args=[world.application.pk])
    response = client.post(url, {"body": "   "}, **HTMX)
    assert response.status_code == 200 and response["HX-Retarget"] == "#message-form"
    assert "Write a message before sending." in response.content.decode()
    response = client.post(url, {"body": "", "next": "/applications/"})
    assert response.status_code == 302
    assert "Write a message before sending." in client.get(response["Location"]).content.decode()
    too_long = client.post(url, {"body": "x" * 4001}, **HTMX)
    assert "at most 4000 characters" in too_long.content.decode()
    api = APIClient()
    api.force_authenticate(world.student)
    refused = api.post(reverse("v1:conversation-messages", args=[world.application.pk]), {"body": ""})
    assert refused.status_code == 400 and "body" in refused.json()["fields"]
    assert not Message.objects.exists()


def test_an_offsite_next_is_ignored(client, world):
    client.force_login(world.student)
    url = reverse("conversations:post", args=[world.application.pk])
    response = client.post(url, {"body": "Hi", "next": "https://evil.example/"})
    assert response["Location"] == reverse("conversations:thread", args=[world.application.pk]) + "#conversation"


def test_markdown_is_sanitised_links_kept(client, world):
    _post(
        world,
        world.employer,
        '<script>alert("x")</script>[docs](javascript:alert(1)) **bold** [ok](https://ok.example)',
    )
    client.force_login(world.student)
    html = client.get(reverse("conversations:thread", args=[world.application.pk])).content.decode()
    assert "<script>alert" not in html and "javascript:" not in html
    assert "<strong>bold</strong>" in html and 'href="https://ok.example"' in html


def test_poll_gives_204_when_nothing_is_new_and_the_new_messages_otherwise(client, world):
    first = _post(world, world.student, "Question")[0]
    client.force_login(world.employer)
    poll = reverse("conversations:poll", args=[world.application.pk])
    assert client.get(poll, {"after": first.pk}, **HTMX).status_code == 204
    second = _post(world, world.student, "Another question")[0]
    response = client.get(poll, {"after": first.pk}, **HTMX)
    html = response.content.decode()
    assert (
        response.status_code == 200 and f'id="message-{second.pk}"' in html and f'id="message-{first.pk}"' not in html
    )
    assert f'name="after" value="{second.pk}"' in html
    assert client.get(poll, {"after": "abc"}).status_code == 400


def test_what_a_page_shows_is_marked_read_and_no_more(client, world):
    first, second = _post(world, world.student, "Question", n=2)
    assert _unread(world.employer, world.application) == 2
    client.force_login(world.employer)
    poll = reverse("conversations:poll", args=[world.application.pk])
    client.get(poll, {"after": first.pk}, **HTMX)  # the page showed the first only, then polled
    assert _unread(world.employer, world.application) == 0  # the poll brought the second
    third = _post(world, world.student, "Third")[0]
    # A page that still shows up to the second marks only that: the third stays unread.
    services.conversation_mark_read(application=world.application, user=world.employer, up_to=second.pk)
    assert _unread(world.employer, world.application) == 1
    client.get(poll, {"after": third.pk}, **HTMX)
    assert _unread(world.employer, world.application) == 0
    assert _unread(world.colleague, world.application) == 3  # each member reads for themselves


def test_unread_messages_show_in_the_navigation_beside_notifications_in_one_query(
    client, world, django_assert_num_queries
):
    _post(world, world.employer, "News", n=3)
    services.message_post(application=world.placed, user=world.employer, body="Placement news")
    with django_assert_num_queries(1):
        counts = nav_counts(world.student)
    assert counts["unread_messages"] == 4 and counts["unread_notifications"] >= 1
    client.force_login(world.student)
    html = client.get(reverse("home")).content.decode()
    assert re.search(r'id="unread-messages"[^>]*>4<', html)
    client.get(reverse("conversations:thread", args=[world.application.pk]))
    assert nav_counts(world.student)["unread_messages"] == 1
    api = APIClient()
    api.force_authenticate(world.student)
    assert api.get(reverse("v1:conversation-unread")).json() == {
        "total": 1,
        "threads": [{"application": world.placed.pk, "unread": 1}],
    }


def test_a_member_who_left_the_organization_has_no_unread_count(world):
    _post(world, world.student, "Hello team")
    assert nav_counts(world.colleague)["unread_messages"] == 1
    world.colleague.membership.delete()
    world.colleague.refresh_from_db()
    assert nav_counts(world.colleague)["unread_messages"] == 0


def test_the_thread_shows_the_newest_page_and_earlier_ones_on_demand(client, world):
    messages = _post(world, world.student, "Line", n=45)
    client.force_login(world.employer)
    html = client.get(reverse("conversations:thread", args=[world.application.pk])).content.decode()
    shown = [int(pk) for pk in re.findall(r'id="message-(\d+)"', html)]
    assert shown == [m.pk for m in messages[-20:]]
    earlier = reverse("conversations:earlier", args=[world.application.pk])
    assert f"{earlier}?before={messages[25].pk}" in html
    page2 = client.get(earlier, {"before": messages[25].pk}, **HTMX).content.decode()
    assert [int(pk) for pk in re.findall(r'id="message-(\d+)"', page2)] == [m.pk for m in messages[5:25]]
    assert f"before={messages[5].pk}" in page2
    page3 = client.get(earlier, {"before": messages[5].pk}, **HTMX).content.decode()
    assert [int(pk) for pk in re.findall(r'id="message-(\d+)"', page3)] == [m.pk for m in messages[:5]]
    assert "Show earlier messages" not in page3
    newest = client.get(earlier, **HTMX).content.decode()  # without "before": the newest page
    assert [int(pk) for pk in re.findall(r'id="message-(\d+)"', newest)] == [m.pk for m in messages[-20:]]
    assert client.get(earlier, {"before": "x\x00"}).status_code == 400


@pytest.mark.parametrize("size", [3, 60])
def test_thread_queries_do_not_grow_with_the_number_of_messages(client, world, django_assert_num_queries, size):
    for i in range(size):
        services.message_post(
            application=world.application, user=world.student if i % 2 else world.employer, body=f"Message {i}"
        )
    client.force_login(world.student)
    thread = reverse("conversations:thread", args=[world.application.pk])
    client.get(thread)  # marks read: the next loads are steady state
    newest = Message.objects.order_by("-pk").first().pk
    # session, user, application (with listing, student, placement), messages page, participant,
    # navigation counts
    with django_assert_num_queries(6):
        assert client.get(thread).status_code == 200
    # session, user, application, messages after, participant
    with django_assert_num_queries(5):
        assert (
            client.get(reverse("conversations:poll", args=[world.application.pk]), {"after": 0}, **HTMX).status_code
            == 200
        )
    with django_assert_num_queries(4):
        client.get(reverse("conversations:earlier", args=[world.application.pk]), {"before": newest}, **HTMX)


def test_api_lists_newest_first_by_page_and_marks_read(world):
    messages = _post(world, world.employer, "Update", n=55)
    api = APIClient()
    api.force_authenticate(world.student)
    url = reverse("v1:conversation-messages", args=[world.application.pk])
    first = api.get(url, {"page_size": 50}).json()
    assert [m["id"] for m in first["results"]] == [m.pk for m in reversed(messages[5:])]
    assert first["results"][0]["side"] == "organization" and first["results"][0]["mine"] is False
    older = api.get(first["next"]).json()
    assert [m["id"] for m in older["results"]] == [m.pk for m in reversed(messages[:5])]
    read = reverse("v1:conversation-mark-read", args=[world.application.pk])
    assert api.post(read, {"up_to": messages[49].pk}).json() == {"unread": 5}
    assert api.post(read, {}).json() == {"unread": 0}
    assert api.post(read, {"up_to": "x"}).status_code == 400


def test_conversation_endpoints_are_in_the_openapi_schema(client):
    schema = client.get(reverse("api-schema"), {"format": "json"}).json()
    paths = schema["paths"]
    assert {"get", "post"} <= set(paths["/api/v1/applications/{id}/messages/"])
    assert "post" in paths["/api/v1/applications/{id}/messages/read/"]
    assert "get" in paths["/api/v1/messages/unread/"]
    assert "ConversationMessageOutput" in schema["components"]["schemas"]


def test_a_student_who_deletes_their_account_leaves_no_words_and_the_thread_closes(client, world):
    from accounts.services import user_delete

    _post(world, world.student, "My phone number is 555-0100")
    _post(world, world.employer, "Thanks, we will call.")
    user_delete(user=world.student)
    assert Message.objects.get(side="student").body == ""
    assert not Participant.objects.filter(user=world.student).exists()
    client.force_login(world.employer)
    html = client.get(reverse("conversations:thread", args=[world.application.pk])).content.decode()
    assert "555-0100" not in html and "Removed when its author deleted their account." in html
    assert "Thanks, we will call." in html and "anonymised.invalid" not in html
    assert "The student has deleted their account" in html and 'id="message-form"' not in html


@pytest.mark.parametrize("role", ["student", "employer"])
def test_workspace_queries_do_not_grow_with_the_number_of_messages(client, world, django_assert_num_queries, role):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    url = reverse("placements:workspace", args=[world.placed.placement.pk])
    user = getattr(world, role)
    client.force_login(user)
    counts = []
    for size in (3, 60):
        while Message.objects.filter(application=world.placed).count() < size:
            services.message_post(application=world.placed, user=world.student, body="From the intern")
            services.message_post(application=world.placed, user=world.employer, body="From the team")
        client.get(url)  # marks read: the next load is steady state
        with CaptureQueriesContext(connection) as queries:
            html = client.get(url).content.decode()
        written = Message.objects.filter(application=world.placed).count()
        assert html.count('class="conversation-message') == min(written, 20)
        counts.append(len(queries))
    assert counts[0] == counts[1], counts
