"""Every conversation URL and API endpoint from every role: the two parties read and write,
career services of the student's institution only read (and only once there is a placement),
everyone else gets 404."""

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from conversations.models import Message

pytestmark = pytest.mark.django_db

PARTIES = ["student", "employer", "colleague"]
STRANGERS = ["other_student", "outsider", "other_careers"]


def _login(client, user):
    client.force_login(user)
    return client


def _api(user):
    api = APIClient()
    api.force_authenticate(user)
    return api


def _read_urls(application):
    pk = application.pk
    return [
        reverse("conversations:thread", args=[pk]),
        reverse("conversations:poll", args=[pk]) + "?after=0",
        reverse("conversations:earlier", args=[pk]) + "?before=999999",
    ]


@pytest.fixture
def thread(world):
    """Both applications have a message from each side already."""
    from conversations.services import message_post

    for application in (world.application, world.placed):
        message_post(application=application, user=world.student, body="Hello from the student")
        message_post(application=application, user=world.employer, body="Hello from Northwind")
    return world


@pytest.mark.parametrize("role", PARTIES)
def test_parties_read_every_url_of_the_thread(client, thread, role):
    _login(client, getattr(thread, role))
    for url in _read_urls(thread.application):
        assert client.get(url).status_code in (200, 204), url
    page = client.get(reverse("conversations:thread", args=[thread.application.pk])).content.decode()
    assert "Hello from the student" in page and "Hello from Northwind" in page
    assert 'id="message-form"' in page


@pytest.mark.parametrize("role", PARTIES)
def test_parties_write_through_the_page_and_the_api(client, thread, role):
    user = getattr(thread, role)
    _login(client, user)
    url = reverse("conversations:post", args=[thread.application.pk])
    response = client.post(url, {"body": f"Page message by {role}", "next": "/somewhere/"})
    assert response.status_code == 302 and response["Location"] == "/somewhere/#conversation"
    response = _api(user).post(
        reverse("v1:conversation-messages", args=[thread.application.pk]), {"body": f"API message by {role}"}
    )
    assert response.status_code == 201 and response.json()["mine"] is True
    bodies = set(Message.objects.filter(application=thread.application, author=user).values_list("body", flat=True))
    assert {f"Page message by {role}", f"API message by {role}"} <= bodies


@pytest.mark.parametrize("role", PARTIES)
def test_parties_see_the_thread_on_their_application_page(client, thread, role):
    _login(client, getattr(thread, role))
    name = "applications:detail" if role == "student" else "applications:employer_detail"
    page = client.get(reverse(name, args=[thread.application.pk])).content.decode()
    assert 'id="conversation"' in page and "Hello from Northwind" in page


@pytest.mark.parametrize("role", [*STRANGERS, "careers"])
def test_everyone_else_gets_404_before_a_placement(client, thread, role):
    """Career services of the student's own institution see nothing before there is a placement."""
    user = getattr(thread, role)
    _login(client, user)
    for url in _read_urls(thread.application):
        assert client.get(url).status_code == 404, url
    post = client.post(reverse("conversations:post", args=[thread.application.pk]), {"body": "Intrusion"})
    assert post.status_code == 404
    api = _api(user)
    for method, name, data in [
        ("get", "v1:conversation-messages", None),
        ("post", "v1:conversation-messages", {"body": "Intrusion"}),
        ("post", "v1:conversation-mark-read", {}),
    ]:
        assert getattr(api, method)(reverse(name, args=[thread.application.pk]), data).status_code == 404, name
    assert not Message.objects.filter(body="Intrusion").exists()


@pytest.mark.parametrize("role", STRANGERS)
def test_strangers_get_404_on_a_placement_thread_too(client, thread, role):
    user = getattr(thread, role)
    _login(client, user)
    for url in _read_urls(thread.placed):
        assert client.get(url).status_code == 404, url
    assert _api(user).get(reverse("v1:conversation-messages", args=[thread.placed.pk])).status_code == 404


def test_career_services_of_the_students_institution_read_a_placement_thread_without_writing(client, thread):
    _login(client, thread.careers)
    pk = thread.placed.pk
    for url in _read_urls(thread.placed):
        assert client.get(url).status_code in (200, 204), url
    page = client.get(reverse("conversations:thread", args=[pk])).content.decode()
    assert "Hello from the student" in page and 'id="message-form"' not in page
    assert "Career services can read this conversation, not write in it." in page
    post = client.post(reverse("conversations:post", args=[pk]), {"body": "A word from careers"})
    assert post.status_code == 403
    api = _api(thread.careers)
    listed = api.get(reverse("v1:conversation-messages", args=[pk]))
    assert listed.status_code == 200 and len(listed.json()["results"]) == 2
    refused = api.post(reverse("v1:conversation-messages", args=[pk]), {"body": "A word from careers"})
    assert refused.status_code == 403 and "not write" in refused.json()["detail"]
    assert api.post(reverse("v1:conversation-mark-read", args=[pk]), {}).json() == {"unread": 0}
    assert not Message.objects.filter(body="A word from careers").exists()


def test_anonymous_visitors_are_sent_to_log_in_and_the_api_refuses_them(client, thread):
    for url in _read_urls(thread.application):
        response = client.get(url)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    api = APIClient()
    assert api.get(reverse("v1:conversation-messages", args=[thread.application.pk])).status_code in (401, 403)
    assert api.get(reverse("v1:conversation-unread")).status_code in (401, 403)


def test_an_application_that_does_not_exist_is_404_like_one_not_yours(client, thread):
    _login(client, thread.student)
    assert client.get(reverse("conversations:thread", args=[10**9])).status_code == 404
    assert _api(thread.student).get(reverse("v1:conversation-messages", args=[10**9])).status_code == 404


def test_a_closed_application_keeps_its_thread_readable_but_not_writable(client, thread):
    from applications.services import application_transition

    application_transition(application=thread.application, to_status="rejected", user=thread.employer)
    for user in (thread.student, thread.employer):
        _login(client, user)
        page = client.get(reverse("conversations:thread", args=[thread.application.pk])).content.decode()
        assert "Hello from Northwind" in page and "the conversation is closed" in page
        assert (
            client.post(reverse("conversations:post", args=[thread.application.pk]), {"body": "More?"}).status_code
            == 403
        )
        refused = _api(user).post(reverse("v1:conversation-messages", args=[thread.application.pk]), {"body": "More?"})
        assert refused.status_code == 403
    assert not Message.objects.filter(body="More?").exists()


def test_inbox_lists_only_the_viewers_threads(client, thread):
    _login(client, thread.outsider)
    assert "Backend intern" not in client.get(reverse("conversations:inbox")).content.decode()
    _login(client, thread.student)
    page = client.get(reverse("conversations:inbox")).content.decode()
    assert "Northwind Labs: Backend intern" in page and "Northwind Labs: Invoice export" in page


def test_a_switched_off_member_loses_the_thread_and_is_not_told(thread):
    from conversations.models import Participant
    from conversations.permissions import conversation_access
    from conversations.services import message_post

    type(thread.colleague).objects.filter(pk=thread.colleague.pk).update(is_active=False)
    thread.colleague.refresh_from_db()
    assert conversation_access(thread.colleague, thread.application).read is False
    unread_before = Participant.objects.get(user=thread.colleague, application=thread.application).unread
    message_post(application=thread.application, user=thread.student, body="Anyone there?")
    assert Participant.objects.get(user=thread.colleague, application=thread.application).unread == unread_before
    assert Participant.objects.get(user=thread.employer, application=thread.application).unread == 2


@pytest.mark.parametrize("role", ["student", "employer", "colleague", "careers"])
def test_the_placement_workspace_shows_the_same_thread(client, thread, role):
    """The thread started at submission continues in the workspace; career services read it
    there as they read the workspace, without a form."""
    _login(client, getattr(thread, role))
    page = client.get(reverse("placements:workspace", args=[thread.placed.placement.pk])).content.decode()
    assert 'id="conversation"' in page and "Hello from the student" in page and "Hello from Northwind" in page
    assert ('id="message-form"' in page) is (role != "careers")


@pytest.mark.parametrize("role", ["other_student", "outsider", "other_careers"])
def test_strangers_see_neither_workspace_nor_thread(client, thread, role):
    _login(client, getattr(thread, role))
    assert client.get(reverse("placements:workspace", args=[thread.placed.placement.pk])).status_code == 404
