"""The message digest: many messages give at most one email per thread and recipient every 15
minutes, none once read, none for those who switched it off; beat firing twice sends one."""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.urls import reverse

from conversations import services
from conversations.digest import conversation_digests_send
from notifications.models import OutboxEmail
from notifications.services import preferences_set

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
EVENT = "conversation.messages"


def _at(minutes: float):
    return time_machine.travel(T0 + timedelta(minutes=minutes), tick=False)


def _say(world, user, body, minutes, application=None):
    with _at(minutes):
        return services.message_post(application=application or world.application, user=user, body=body)


def _digest(minutes):
    with _at(minutes):
        return conversation_digests_send()


def _emails(to):
    return list(OutboxEmail.objects.filter(event=EVENT, to_email=to.email).order_by("pk"))


@pytest.mark.django_db
def test_many_messages_give_one_email_per_fifteen_minutes_per_thread(world):
    for minute, text in [(0, "Welcome!"), (1, "Your login is ready."), (2, "The repository link: https://x.example")]:
        _say(world, world.employer, text, minute)
    assert _digest(4) == (0, False)  # a chance to read it live first
    assert _digest(5) == (1, False)
    assert _digest(5) == (0, False)  # beat firing twice
    first = _emails(world.student)
    assert len(first) == 1
    assert first[0].subject == "3 new messages from Northwind Labs about Backend intern"
    body = first[0].body_text
    assert "Welcome!" in body and "The repository link: https://x.example" in body
    assert reverse("applications:detail", args=[world.application.pk]) + "#conversation" in body
    _say(world, world.employer, "Did it work?", 6)
    _say(world, world.colleague, "Ping me if not.", 8)
    for minute in (12, 15, 19):
        assert _digest(minute) == (0, False)  # the last email is not 15 minutes old yet
    assert _digest(20) == (1, False)
    emails = _emails(world.student)
    assert len(emails) == 2 and emails[1].subject.startswith("5 new messages")
    assert "Ping me if not." in emails[1].body_text
    assert _digest(60) == (0, False)  # nothing new since: no reminder of the same messages


@pytest.mark.django_db
def test_no_email_when_the_recipient_reads_in_time(client, world):
    _say(world, world.employer, "Quick question", 0)
    client.force_login(world.student)
    with _at(3):
        client.get(reverse("conversations:thread", args=[world.application.pk]))
    assert _digest(10) == (0, False)
    _say(world, world.employer, "Another one", 11)
    with _at(12):
        client.get(reverse("conversations:thread", args=[world.application.pk]))
    assert _digest(30) == (0, False)
    assert _emails(world.student) == []


@pytest.mark.django_db
def test_each_member_of_the_organization_gets_their_own_digest_unless_switched_off(world):
    with _at(0):
        preferences_set(user=world.colleague, email_events=set())
    _say(world, world.student, "Hello Northwind", 0)
    _say(world, world.student, "About the start date…", 1)
    assert _digest(10) == (2, False)
    [email] = _emails(world.employer)
    assert email.subject == "2 new messages from Amara Okafor about Backend intern"
    assert reverse("applications:employer_detail", args=[world.application.pk]) + "#conversation" in email.body_text
    assert _emails(world.colleague) == []
    assert _emails(world.student) == []  # nobody is emailed about their own messages


@pytest.mark.django_db
def test_threads_are_digested_separately(world):
    _say(world, world.employer, "About the interview", 0)
    _say(world, world.employer, "About your placement", 0, application=world.placed)
    assert _digest(5) == (2, False)
    subjects = sorted(e.subject for e in _emails(world.student))
    assert subjects == [
        "1 new message from Northwind Labs about Backend intern",
        "1 new message from Northwind Labs about Invoice export",
    ]


@pytest.mark.django_db
def test_a_large_backlog_is_sent_in_batches(world):
    _say(world, world.student, "Hello", 0)
    _say(world, world.employer, "Hi", 0, application=world.placed)
    with _at(30):
        assert conversation_digests_send(batch_size=1) == (1, True)
        assert conversation_digests_send(batch_size=1) == (1, True)
        assert conversation_digests_send(batch_size=1) == (1, True)
        assert conversation_digests_send(batch_size=1) == (0, False)
    assert OutboxEmail.objects.filter(event=EVENT).count() == 3  # employer, colleague, student


@pytest.mark.worker
def test_digest_task_run_twice_on_a_real_worker_delivers_one_email(celery_worker, world, settings):
    from conversations.tasks import conversation_digests_task
    from marketplace.celery import ping_task

    # Written 20 minutes ago (the worker's clock is the real one).
    with time_machine.travel(datetime.now(UTC) - timedelta(minutes=20), tick=False):
        for text in ("One", "Two", "Three"):
            services.message_post(application=world.application, user=world.employer, body=text)
    queue = settings.CELERY_TASK_DEFAULT_QUEUE
    conversation_digests_task.apply_async(queue=queue)
    conversation_digests_task.apply_async(queue=queue)
    # The first ping returns once both digest runs are done; the second once the deliveries
    # they queued behind it are done too.
    ping_task.apply_async(args=["digests"], queue=queue).get(timeout=60)
    ping_task.apply_async(args=["deliveries"], queue=queue).get(timeout=60)
    # (The worker also delivers the status emails of the fixture's applications.)
    delivered = [m for m in celery_worker.mail.messages() if "new message" in m["Subject"]]
    assert [(m["To"], m["Subject"]) for m in delivered] == [
        (world.student.email, "3 new messages from Northwind Labs about Backend intern")
    ]
