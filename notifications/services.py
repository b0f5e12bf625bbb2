"""Recording and delivering notifications.

``notify`` is called inside the caller's transaction: the in-app notifications and the outbox
rows commit or roll back with the change they announce, and delivery is enqueued only after
commit. ``outbox_deliver`` sends one outbox row at most once.
"""

from __future__ import annotations

import logging
import re
import smtplib
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import timedelta
from email.mime.text import MIMEText

from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.template import TemplateDoesNotExist
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.html import escape, linebreaks
from django.utils.safestring import mark_safe

from marketplace.breaker import Breaker

from . import events
from .models import Notification, NotificationPreference, OutboxEmail

logger = logging.getLogger(__name__)

# Errors worth retrying: the mail server or the network. Anything else (a header Django refuses,
# a bug in rendering) fails the same way every time: the row is marked failed at once, so it
# neither waits forever nor holds up the rows behind it.
TRANSIENT_ERRORS = (smtplib.SMTPException, OSError, TimeoutError)

# Control characters (C0, DEL, C1) and the Unicode line and paragraph separators: any of them in
# a header either splits it (header injection) or makes Django refuse to send (BadHeaderError).
_HEADER_BREAKERS = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]+")

# After an enqueue fails, further enqueues skip the broker for a few seconds (their rows wait
# for the sweep), so a hung Redis costs one request per process one timeout, not every request.
broker_breaker = Breaker("Broker (Redis)", retry_after=settings.REDIS_RETRY_AFTER)


def header_text(value: str) -> str:
    """``value`` (which may hold user text, e.g. a name) made safe for an email header: control
    characters and line breaks become spaces, runs of spaces one."""
    return " ".join(_HEADER_BREAKERS.sub(" ", value).split())


def absolute_url(path: str) -> str:
    if not path or path.startswith(("http://", "https://")):
        return path
    return settings.SITE_URL.rstrip("/") + path


def _render_email(event: events.Event, context: dict) -> tuple[str, str, str]:
    subject = header_text(render_to_string(f"{event.template}_subject.txt", context, using="text"))
    text = render_to_string(f"{event.template}.txt", context, using="text").strip() + "\n"
    try:
        html_body = render_to_string(f"{event.template}.html", context)
    except TemplateDoesNotExist:
        html_body = mark_safe(linebreaks(escape(text), autoescape=False))  # noqa: S308 (escaped just before)
    html = render_to_string("notifications/email/base.html", {**context, "subject": subject, "body": html_body})
    return subject, text, html


def _email_opt_outs(event: events.Event, user_ids: list[int]) -> set[int]:
    if not event.user_configurable or not user_ids:
        return set()
    rows = NotificationPreference.objects.filter(user_id__in=user_ids, event=event.name)
    if event.email_by_default:
        return {r.user_id for r in rows if not r.email}
    opted_in = {r.user_id for r in rows if r.email}
    return set(user_ids) - opted_in


@dataclass(frozen=True)
class Attachment:
    """A text file sent with an email. ``mimetype`` may carry parameters: an invitation is
    ``text/calendar; method=REQUEST`` (RFC 6047), which calendar applications look for."""

    filename: str
    content: str
    mimetype: str = "text/plain"

    def as_json(self) -> dict:
        return {"filename": self.filename, "content": self.content, "mimetype": self.mimetype}


@dataclass(frozen=True)
class Message:
    """One occurrence of an event for one recipient (see :func:`notify_each`)."""

    recipient: object
    key: str
    context: dict
    url: str = ""
    summary: str = ""
    # Files attached to the email (see :class:`Attachment`); the in-app notification has none.
    attachments: tuple[Attachment, ...] = ()


def notify(
    *,
    event: str,
    recipients: Iterable,
    key: str,
    context: dict | None = None,
    url: str = "",
    summary: str = "",
    in_app: bool = True,
) -> list[int]:
    """Record ``event`` for each recipient: an in-app notification and, unless they opted out,
    an outbox email. ``key`` identifies the occurrence; recording the same key twice for a
    recipient adds nothing. Returns the ids of the outbox rows created.
    """
    return notify_each(
        event=event,
        messages=[Message(recipient=r, key=key, context=context or {}, url=url, summary=summary) for r in recipients],
        in_app=in_app,
    )


def notify_each(*, event: str, messages: Iterable[Message], in_app: bool = True) -> list[int]:
    """Record many occurrences of one event at once (e.g. every applicant of a closed listing),
    with a constant number of queries whatever the number of messages."""
    spec = events.get(event)
    messages = [
        m for m in messages if m.recipient is not None and m.recipient.is_active and m.recipient.anonymised_at is None
    ]
    if not messages:
        return []
    base = {"site_name": settings.SITE_NAME, "site_url": settings.SITE_URL}
    opted_out = _email_opt_outs(spec, list({m.recipient.pk for m in messages}))
    notifications, emails = [], []
    for m in messages:
        context = {**base, "url": absolute_url(m.url), **m.context, "recipient": m.recipient}
        subject, text, html = _render_email(spec, context)
        if in_app:
            notifications.append(
                Notification(
                    recipient=m.recipient, event=event, key=m.key, title=subject[:200], body=m.summary, url=m.url
                )
            )
        if m.recipient.pk not in opted_out and m.recipient.email:
            emails.append(
                OutboxEmail(
                    recipient=m.recipient,
                    to_email=m.recipient.email,
                    event=event,
                    key=m.key,
                    subject=subject,
                    body_text=text,
                    body_html=html,
                    attachments=[a.as_json() for a in m.attachments],
                )
            )
    Notification.objects.bulk_create(notifications, ignore_conflicts=True, batch_size=1000)
    return _enqueue(emails)


def email_enqueue(
    *,
    to_email: str,
    subject: str,
    body_text: str,
    body_html: str = "",
    key: str,
    event: str = events.ACCOUNT_EMAIL.name,
    recipient=None,
) -> list[int]:
    """Queue one already-rendered email (allauth's account emails come this way)."""
    return _enqueue(
        [
            OutboxEmail(
                recipient=recipient,
                to_email=to_email,
                event=event,
                key=key,
                subject=header_text(subject),
                body_text=body_text,
                body_html=body_html,
            )
        ]
    )


def _enqueue(emails: list[OutboxEmail]) -> list[int]:
    if not emails:
        return []
    OutboxEmail.objects.bulk_create(emails, ignore_conflicts=True, batch_size=1000)
    # With ignore_conflicts PostgreSQL does not return ids; read back the rows still pending.
    keys = {e.key for e in emails}
    addresses = {e.to_email for e in emails}
    ids = list(
        OutboxEmail.objects.filter(key__in=keys, to_email__in=addresses, status=OutboxEmail.Status.PENDING).values_list(
            "pk", flat=True
        )
    )
    if ids:
        from .tasks import deliver_emails_task

        transaction.on_commit(lambda: _send_to_broker(deliver_emails_task, ids))
    return ids


def _send_to_broker(task, ids: list[int]) -> None:
    """Enqueue delivery of committed outbox rows, giving up fast: the rows are safe in the
    database and the periodic sweep delivers whatever is not enqueued here. No publish retries
    (each would wait the broker's socket timeout again) and nothing at all while the broker
    breaker is open."""
    if broker_breaker.is_open():
        logger.warning("Broker unavailable; %d email(s) left for the outbox sweep", len(ids))
        return
    try:
        for start in range(0, len(ids), 100):
            task.apply_async(args=[ids[start : start + 100]], retry=False)
    except Exception as exc:  # broker unreachable or hung: the outbox keeps the email, the sweep sends it
        broker_breaker.failed(exc)
        logger.warning("Broker unavailable; %d email(s) left for the outbox sweep", len(ids), exc_info=True)
    else:
        broker_breaker.succeeded()


@dataclass(frozen=True)
class Delivery:
    sent: bool
    retry_in: int | None = None


def outbox_deliver(*, outbox_id: int) -> Delivery:
    """Send one pending outbox email at most once.

    The row is locked for the whole send: a second task for the same row skips it, and a worker
    that dies mid-send rolls the claim back, so the row stays pending for the redelivered task
    or the sweep. Transient errors are counted and backed off; after the last attempt the row
    is marked failed for the operations page. Any other error marks the row failed at once,
    with the error, and is not raised: it would fail the same way on every retry.
    """
    now = timezone.now()
    with transaction.atomic():
        row = (
            OutboxEmail.objects.select_for_update(skip_locked=True, no_key=True)
            .filter(pk=outbox_id, status=OutboxEmail.Status.PENDING)
            .first()
        )
        if row is None:
            return Delivery(sent=False)
        if row.recipient_id is not None and not _recipient_still_wants(row):
            row.status = OutboxEmail.Status.SKIPPED
            row.save(update_fields=["status"])
            return Delivery(sent=False)
        row.attempts += 1
        try:
            _message(row).send()
        except SoftTimeLimitExceeded:
            raise  # the task ran out of time, not this email: the row stays pending for the sweep
        except TRANSIENT_ERRORS as exc:
            row.last_error = _error_text(exc)
            if row.attempts >= settings.OUTBOX_MAX_ATTEMPTS:
                row.status = OutboxEmail.Status.FAILED
                row.save(update_fields=["attempts", "last_error", "status"])
                logger.error("Email %s failed permanently: %s", row.pk, row.last_error)
                return Delivery(sent=False)
            backoff = outbox_backoff(row.attempts)
            row.next_attempt_at = now + timedelta(seconds=backoff)
            row.save(update_fields=["attempts", "last_error", "next_attempt_at"])
            return Delivery(sent=False, retry_in=backoff)
        except Exception as exc:  # permanent: retrying cannot help
            row.last_error = _error_text(exc)
            row.status = OutboxEmail.Status.FAILED
            row.save(update_fields=["attempts", "last_error", "status"])
            logger.error("Email %s cannot be sent: %s", row.pk, row.last_error, exc_info=True)
            return Delivery(sent=False)
        row.status = OutboxEmail.Status.SENT
        row.sent_at = timezone.now()
        row.save(update_fields=["attempts", "status", "sent_at"])
        return Delivery(sent=True)


def _message(row: OutboxEmail) -> EmailMultiAlternatives:
    message = EmailMultiAlternatives(
        # Rows recorded before subjects were cleaned on the way in are cleaned here.
        subject=header_text(row.subject),
        body=row.body_text,
        to=[row.to_email],
        headers={"X-Notification-Key": row.key},
    )
    if row.body_html:
        message.attach_alternative(row.body_html, "text/html")
    for item in row.attachments or []:
        message.attach(_mime_attachment(item))
    return message


def _mime_attachment(item: dict) -> MIMEText:
    """One stored attachment as a MIME part, its content type's parameters kept (Django's
    ``attach(filename, content, mimetype)`` would drop ``method=REQUEST``)."""
    mimetype, *params = [part.strip() for part in item.get("mimetype", "text/plain").split(";")]
    subtype = mimetype.split("/", 1)[1] if "/" in mimetype else "plain"
    part = MIMEText(item["content"], subtype, "utf-8")
    for param in params:
        name, _, value = param.partition("=")
        if name and value:
            part.set_param(name.strip(), value.strip().strip('"'))
    part.add_header("Content-Disposition", "attachment", filename=item["filename"])
    return part


def _error_text(exc: BaseException) -> str:
    return f"{exc.__class__.__name__}: {exc}"[:2000]


def outbox_backoff(attempts: int) -> int:
    """Seconds to wait after ``attempts`` failed attempts: 30, 60, 120, … up to the maximum."""
    return min(30 * 2 ** (attempts - 1), settings.OUTBOX_BACKOFF_MAX_SECONDS)


def _recipient_still_wants(row: OutboxEmail) -> bool:
    recipient = row.recipient
    return recipient is not None and recipient.is_active and recipient.anonymised_at is None


def outbox_due_ids(*, limit: int) -> list[int]:
    """Pending emails the normal path missed: older than the grace period and not backing off."""
    now = timezone.now()
    return list(
        OutboxEmail.objects.filter(status=OutboxEmail.Status.PENDING, created_at__lte=now - settings.OUTBOX_SWEEP_GRACE)
        .exclude(next_attempt_at__gt=now)
        .order_by("created_at")
        .values_list("pk", flat=True)[:limit]
    )


def notifications_mark_read(*, user, ids: Iterable[int] | None = None) -> int:
    qs = Notification.objects.for_user(user).unread()
    if ids is not None:
        qs = qs.filter(pk__in=list(ids))
    return qs.update(read_at=timezone.now())


def preferences_set(*, user, email_events: set[str]) -> None:
    """Store which configurable events the user wants by email."""
    with transaction.atomic():
        for event in events.configurable():
            NotificationPreference.objects.update_or_create(
                user=user, event=event.name, defaults={"email": event.name in email_events}
            )
