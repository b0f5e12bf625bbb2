import pytest
from django.urls import reverse

from notifications import services
from notifications.models import Notification, NotificationPreference
from tests.factories import UserFactory


def _notify(user, key):
    services.notify(
        event="system.message",
        recipients=[user],
        key=key,
        context={"title": f"Hello {key}", "message": "Body"},
        url="/notifications/",
    )


@pytest.mark.django_db
def test_unread_count_shows_in_navigation_and_list(client):
    user = UserFactory()
    _notify(user, "a")
    _notify(user, "b")
    client.force_login(user)
    html = client.get(reverse("notifications:list")).content.decode()
    assert 'id="unread-count"' in html and ">2<" in html
    assert "Hello a" in html and "Hello b" in html


@pytest.mark.django_db
def test_opening_a_notification_marks_it_read_and_follows_its_link(client):
    user = UserFactory()
    _notify(user, "a")
    n = Notification.objects.get(recipient=user)
    client.force_login(user)
    response = client.post(reverse("notifications:open", args=[n.pk]))
    assert response.status_code == 302 and response.url == "/notifications/"
    n.refresh_from_db()
    assert n.read_at is not None


@pytest.mark.django_db
def test_user_cannot_open_or_mark_another_users_notification(client):
    owner, other = UserFactory(), UserFactory()
    _notify(owner, "a")
    n = Notification.objects.get(recipient=owner)
    client.force_login(other)
    client.post(reverse("notifications:open", args=[n.pk]))
    client.post(reverse("notifications:mark_all_read"))
    n.refresh_from_db()
    assert n.read_at is None
    assert "Hello a" not in client.get(reverse("notifications:list")).content.decode()


@pytest.mark.django_db
def test_notifications_require_login(client):
    response = client.get(reverse("notifications:list"))
    assert response.status_code == 302 and "/accounts/login/" in response.url


@pytest.mark.django_db
def test_preferences_turn_email_off_for_an_event(client):
    user = UserFactory()
    client.force_login(user)
    page = client.get(reverse("notifications:preferences"))
    assert page.status_code == 200 and "Messages from the site team" in page.content.decode()
    response = client.post(reverse("notifications:preferences"), {})
    assert response.status_code == 302
    assert NotificationPreference.objects.get(user=user, event="system.message").email is False


@pytest.mark.django_db
def test_preferences_reject_unknown_event_with_a_message(client):
    user = UserFactory()
    client.force_login(user)
    response = client.post(reverse("notifications:preferences"), {"email_events": ["nope"]})
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    assert not NotificationPreference.objects.filter(user=user).exists()


@pytest.mark.django_db
def test_api_lists_only_own_notifications_and_marks_read(client):
    owner, other = UserFactory(), UserFactory()
    _notify(owner, "a")
    _notify(other, "b")
    client.force_login(owner)
    data = client.get("/api/v1/notifications/").json()
    assert [n["title"] for n in data["results"]] == ["Hello a"]
    assert client.post("/api/v1/notifications/read/", {"ids": "x"}, content_type="application/json").status_code == 400
    assert client.post("/api/v1/notifications/read/", {}, content_type="application/json").json() == {"marked": 1}
    assert Notification.objects.get(recipient=other).read_at is None


@pytest.mark.django_db
def test_api_requires_authentication(client):
    assert client.get("/api/v1/notifications/").status_code in (401, 403)
