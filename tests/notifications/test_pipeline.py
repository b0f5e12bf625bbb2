"""The notifications pipeline: recorded in the caller's transaction, delivered once after commit."""

import pytest
from django.core import mail
from django.db import transaction
from django.utils import timezone

from notifications import services
from notifications.models import Notification, NotificationPreference, OutboxEmail
from notifications.tasks import deliver_emails_task, outbox_sweep_task
from tests.factories import UserFactory


def _notify(user, key="event:1", **extra):
    return services.notify(
        event="system.message",
        recipients=[user],
        key=key,
        context={"title": "Your listing was approved", "message": "It is live now."},
        summary="It is live now.",
        url="/notifications/",
        **extra,
    )


@pytest.mark.django_db
def test_notify_records_in_app_notification_and_outbox_row_and_enqueues_after_commit(
    django_capture_on_commit_callbacks,
):
    user = UserFactory()
    with django_capture_on_commit_callbacks() as callbacks:
        ids = _notify(user)
    assert Notification.objects.get(recipient=user).title == "Your listing was approved"
    row = OutboxEmail.objects.get(pk__in=ids)
    assert row.to_email == user.email
    assert "It is live now." in row.body_text
    assert "<p>" in row.body_html and "It is live now." in row.body_html
    assert len(callbacks) == 1  # enqueued only once the transaction commits


@pytest.mark.django_db
def test_same_event_key_recorded_twice_creates_one_notification_and_one_email():
    user = UserFactory()
    _notify(user)
    _notify(user)
    assert Notification.objects.filter(recipient=user).count() == 1
    assert OutboxEmail.objects.filter(to_email=user.email).count() == 1


@pytest.mark.django_db(transaction=True)
def test_nothing_is_recorded_or_sent_when_the_transaction_rolls_back():
    user = UserFactory()

    class Boom(Exception):
        pass

    with pytest.raises(Boom), transaction.atomic():
        _notify(user)
        raise Boom
    assert not Notification.objects.exists()
    assert not OutboxEmail.objects.exists()
    assert mail.outbox == []


@pytest.mark.django_db
def test_email_opt_out_keeps_in_app_notification_but_queues_no_email():
    user = UserFactory()
    NotificationPreference.objects.create(user=user, event="system.message", email=False)
    assert _notify(user) == []
    assert Notification.objects.filter(recipient=user).exists()
    assert not OutboxEmail.objects.exists()


@pytest.mark.django_db
def test_delivering_the_same_row_twice_sends_one_email():
    user = UserFactory()
    ids = _notify(user)
    assert services.outbox_deliver(outbox_id=ids[0]).sent is True
    assert services.outbox_deliver(outbox_id=ids[0]).sent is False
    assert len(mail.outbox) == 1
    assert mail.outbox[0].alternatives[0][1] == "text/html"
    row = OutboxEmail.objects.get(pk=ids[0])
    assert row.status == OutboxEmail.Status.SENT and row.attempts == 1


@pytest.mark.django_db
def test_transient_smtp_error_is_backed_off_then_marked_failed(settings, monkeypatch):
    import smtplib

    user = UserFactory()
    ids = _notify(user)
    settings.OUTBOX_MAX_ATTEMPTS = 2

    def refuse(self, *args, **kwargs):
        raise smtplib.SMTPServerDisconnected("connection lost")

    monkeypatch.setattr("django.core.mail.EmailMultiAlternatives.send", refuse)
    first = services.outbox_deliver(outbox_id=ids[0])
    row = OutboxEmail.objects.get(pk=ids[0])
    assert first.retry_in == 30 and row.status == OutboxEmail.Status.PENDING and row.next_attempt_at > timezone.now()
    assert "connection lost" in row.last_error
    services.outbox_deliver(outbox_id=ids[0])
    row.refresh_from_db()
    assert row.status == OutboxEmail.Status.FAILED and row.attempts == 2


@pytest.mark.django_db
def test_deactivated_recipient_gets_no_email():
    user = UserFactory()
    ids = _notify(user)
    user.is_active = False
    user.save(update_fields=["is_active"])
    assert services.outbox_deliver(outbox_id=ids[0]).sent is False
    assert OutboxEmail.objects.get(pk=ids[0]).status == OutboxEmail.Status.SKIPPED
    assert mail.outbox == []


# --- With a real worker process on the real broker -------------------------------------------


@pytest.mark.worker
def test_worker_round_trip(celery_worker):
    from marketplace.celery import ping_task

    assert ping_task.apply_async(args=["hello"], queue=_queue()).get(timeout=30) == "pong:hello"


def _queue():
    from django.conf import settings

    return settings.CELERY_TASK_DEFAULT_QUEUE


@pytest.mark.worker
def test_worker_delivers_email_once_after_commit(celery_worker):
    user = UserFactory()
    with transaction.atomic():
        _notify(user)
    messages = celery_worker.mail.wait_for(1)
    assert [m["To"] for m in messages] == [user.email]
    assert messages[0]["Subject"] == "Your listing was approved"
    assert _wait_status(OutboxEmail.Status.SENT)


@pytest.mark.worker
def test_task_run_twice_sends_email_once(celery_worker):
    user = UserFactory()
    ids = _notify(user)
    # The on-commit enqueue already ran (autocommit); enqueue the same delivery twice more.
    deliver_emails_task.apply_async(args=[ids], queue=_queue())
    deliver_emails_task.apply_async(args=[ids], queue=_queue())
    assert _wait_status(OutboxEmail.Status.SENT)
    # Give the duplicate tasks time to run, proven by a later ping answered in order.
    from marketplace.celery import ping_task

    ping_task.apply_async(args=["after"], queue=_queue()).get(timeout=30)
    assert len(celery_worker.mail.to(user.email)) == 1


@pytest.mark.worker
def test_sweep_delivers_email_missed_while_worker_was_down(worker_factory):
    from tests.conftest import _purge_queue

    user = UserFactory()
    _notify(user)
    # The worker was down and the broker lost the message (e.g. restarted without persistence).
    _purge_queue()
    OutboxEmail.objects.update(created_at=timezone.now() - timezone.timedelta(minutes=5))
    worker = worker_factory().start()
    outbox_sweep_task.apply_async(queue=_queue())
    assert len(worker.mail.wait_for(1)) == 1
    assert _wait_status(OutboxEmail.Status.SENT)


def _wait_status(status, timeout=20):
    import time

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if not OutboxEmail.objects.exclude(status=status).exists():
            return True
        time.sleep(0.1)
    return False


@pytest.mark.django_db
def test_plain_text_email_is_not_html_escaped_but_html_version_is():
    user = UserFactory()
    ids = services.notify(
        event="system.message",
        recipients=[user],
        key="esc",
        context={"title": "Tom's <offer>", "message": 'A & B\'s "deal"'},
    )
    row = OutboxEmail.objects.get(pk=ids[0])
    assert row.subject == "Tom's <offer>"
    assert 'A & B\'s "deal"' in row.body_text
    assert "A &amp; B&#x27;s &quot;deal&quot;" in row.body_html


# --- The safety net: user text in headers, errors that retrying cannot fix ---------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    "title",
    [
        "Eve\rBcc: x@example.org",
        "Eve\nBcc: x@example.org",
        "Eve\r\n\tBcc: x@example.org",
        "Eve\x00\x85Bcc: x@example.org",
    ],
)
def test_control_characters_in_user_text_never_reach_a_subject(title):
    user = UserFactory()
    ids = services.notify(event="system.message", recipients=[user], key="ctl", context={"title": title})
    row = OutboxEmail.objects.get(pk=ids[0])
    assert row.subject == "Eve Bcc: x@example.org"
    assert Notification.objects.get(recipient=user).title == "Eve Bcc: x@example.org"
    assert services.outbox_deliver(outbox_id=ids[0]).sent is True
    assert mail.outbox[0].subject == "Eve Bcc: x@example.org"
    assert "Bcc" not in mail.outbox[0].message()  # no header of its own
    assert mail.outbox[0].recipients() == [user.email]


@pytest.mark.django_db
def test_account_email_subject_is_cleaned_on_the_way_in():
    ids = services.email_enqueue(to_email="a@example.org", subject="Reset\u2028your password\r", body_text="b", key="k")
    assert OutboxEmail.objects.get(pk=ids[0]).subject == "Reset your password"


@pytest.mark.django_db
def test_row_recorded_with_a_raw_subject_is_sent_with_a_clean_one():
    """Rows written before subjects were cleaned on the way in are cleaned when sent."""
    row = OutboxEmail.objects.create(
        to_email="old@example.org", event="system.message", key="old", subject="Old\rrow", body_text="b"
    )
    assert services.outbox_deliver(outbox_id=row.pk).sent is True
    assert mail.outbox[0].subject == "Old row"


@pytest.mark.django_db
def test_permanent_error_marks_the_row_failed_at_once_instead_of_raising():
    # An address with a line break (written around the form's validation) cannot become a header.
    row = OutboxEmail.objects.create(
        to_email="victim@example.org\nBcc: x@example.org", event="system.message", key="p", subject="s", body_text="b"
    )
    result = services.outbox_deliver(outbox_id=row.pk)
    row.refresh_from_db()
    assert result == services.Delivery(sent=False)
    assert row.status == OutboxEmail.Status.FAILED and row.attempts == 1
    assert row.last_error.startswith("BadHeaderError:")
    assert mail.outbox == []


@pytest.mark.django_db
def test_task_soft_time_limit_during_a_send_leaves_the_row_pending(monkeypatch):
    from celery.exceptions import SoftTimeLimitExceeded

    user = UserFactory()
    ids = _notify(user)

    def out_of_time(self, *args, **kwargs):
        raise SoftTimeLimitExceeded()

    monkeypatch.setattr("django.core.mail.EmailMultiAlternatives.send", out_of_time)
    with pytest.raises(SoftTimeLimitExceeded):
        services.outbox_deliver(outbox_id=ids[0])
    row = OutboxEmail.objects.get(pk=ids[0])
    assert row.status == OutboxEmail.Status.PENDING and row.attempts == 0  # the claim rolled back


@pytest.mark.django_db
def test_delivery_task_goes_on_past_a_row_that_fails_permanently():
    poison = OutboxEmail.objects.create(
        to_email="a@example.org\r\nX: y", event="system.message", key="p", subject="s", body_text="b"
    )
    user = UserFactory()
    ids = _notify(user)
    assert deliver_emails_task.apply(args=[[poison.pk, *ids]]).get() == 1
    assert OutboxEmail.objects.get(pk=poison.pk).status == OutboxEmail.Status.FAILED
    assert [m.to for m in mail.outbox] == [[user.email]]
