"""Expiry of stale postings, the 48-hour reminder with one-click extension, saved-listing reminders."""

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from applications.models import Application, ApplicationStatus
from listings import expiry
from listings.models import Listing, SavedListing
from notifications.models import Notification, OutboxEmail
from tests.factories import UserFactory

T0 = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)


@pytest.mark.django_db
def test_listing_expires_one_minute_after_its_deadline_not_one_minute_before(publish, apply):
    # The deadline is given in the employer's own zone (New York, UTC-5 in March before DST).
    deadline = datetime(2026, 3, 5, 17, 0, tzinfo=ZoneInfo("America/New_York"))
    with time_machine.travel(T0, tick=False):
        listing = publish(kind="internship", deadline=deadline)
        waiting = apply(listing, 3)
    assert listing.expires_at == deadline

    assert expiry.listings_expire_due(now=deadline - timedelta(minutes=1)) == (0, False)
    listing.refresh_from_db()
    assert listing.status == Listing.Status.PUBLISHED

    assert expiry.listings_expire_due(now=deadline + timedelta(minutes=1)) == (1, False)
    listing.refresh_from_db()
    assert listing.status == Listing.Status.EXPIRED
    assert set(Application.objects.filter(pk__in=[a.pk for a in waiting]).values_list("status", flat=True)) == {
        ApplicationStatus.CLOSED
    }
    # Each student told once, and the organization told.
    assert OutboxEmail.objects.filter(event="application.closed").count() == 3
    assert Notification.objects.filter(recipient__email="owner@acme.example", event__startswith="listing.").exists()
    # A second run (beat firing twice) changes nothing and sends nothing more.
    assert expiry.listings_expire_due(now=deadline + timedelta(minutes=2)) == (0, False)
    assert OutboxEmail.objects.filter(event="application.closed").count() == 3


@pytest.mark.django_db
def test_unfilled_micro_internship_expires_after_its_staleness_window_without_a_deadline(publish):
    with time_machine.travel(T0, tick=False):
        micro = publish(kind="micro", deadline=None, staleness_days=10)
        internship = publish(kind="internship", deadline=None, title="Long internship")
    assert micro.expires_at == T0 + timedelta(days=10)
    assert expiry.listings_expire_due(now=T0 + timedelta(days=10) - timedelta(minutes=1))[0] == 0
    assert expiry.listings_expire_due(now=T0 + timedelta(days=10, minutes=1))[0] == 1
    micro.refresh_from_db()
    internship.refresh_from_db()
    assert micro.status == Listing.Status.EXPIRED
    assert internship.status == Listing.Status.PUBLISHED


@pytest.mark.django_db
def test_deadline_before_staleness_window_wins(publish):
    with time_machine.travel(T0, tick=False):
        listing = publish(kind="micro", deadline=T0 + timedelta(days=3), staleness_days=14)
    assert listing.expires_at == T0 + timedelta(days=3)


@pytest.mark.django_db
def test_expiry_works_in_bounded_batches(publish):
    with time_machine.travel(T0, tick=False):
        for i in range(5):
            publish(kind="micro", staleness_days=3, title=f"Sprint {i}")
    later = T0 + timedelta(days=4)
    assert expiry.listings_expire_due(now=later, batch_size=2) == (2, True)
    assert expiry.listings_expire_due(now=later, batch_size=2) == (2, True)
    assert expiry.listings_expire_due(now=later, batch_size=2) == (1, False)
    assert Listing.objects.filter(status=Listing.Status.EXPIRED).count() == 5


@pytest.mark.django_db
def test_expiry_reminder_is_sent_once_48_hours_ahead_with_an_extension_link(publish, employer):
    with time_machine.travel(T0, tick=False):
        listing = publish(kind="micro", staleness_days=10)
    before_window = listing.expires_at - timedelta(hours=48, minutes=1)
    assert expiry.listings_remind_expiring(now=before_window) == (0, False)
    in_window = listing.expires_at - timedelta(hours=47)
    assert expiry.listings_remind_expiring(now=in_window) == (1, False)
    assert expiry.listings_remind_expiring(now=in_window + timedelta(minutes=15)) == (0, False)
    email = OutboxEmail.objects.get(event="listing.expiring")
    assert email.to_email == employer.email
    assert "/listings/extend/" in email.body_text


@pytest.mark.django_db
def test_one_click_extension_works_once_and_rejects_tampered_links(client, publish, employer):
    with time_machine.travel(T0, tick=False):
        listing = publish(kind="micro", staleness_days=10)
        token = expiry.extend_token(listing)
        old_expiry = listing.expires_at
        response = client.get(reverse("listing_extend", args=[token]))
        assert response.status_code == 200  # a confirmation page: links in emails must not act on GET
        response = client.post(reverse("listing_extend", args=[token]))
        assert response.status_code == 200
        listing.refresh_from_db()
        assert listing.expires_at == old_expiry + timedelta(days=7)
        assert listing.expiry_reminder_sent_at is None
        again = client.post(reverse("listing_extend", args=[token]))
        assert again.status_code == 400 and "already used" in again.content.decode()
        tampered = client.post(reverse("listing_extend", args=[token[:-2] + "xx"]))
        assert tampered.status_code == 400 and "not valid" in tampered.content.decode()
    listing.refresh_from_db()
    assert listing.expires_at == old_expiry + timedelta(days=7)


@pytest.mark.django_db
def test_extension_link_expires_after_a_week(publish):
    with time_machine.travel(T0, tick=False):
        listing = publish(kind="micro", staleness_days=20)
        token = expiry.extend_token(listing)
    with (
        time_machine.travel(T0 + timedelta(days=8), tick=False),
        pytest.raises(expiry.ExtensionRefused, match="expired"),
    ):
        expiry.listing_extend(token=token)


@pytest.mark.django_db
def test_saved_listing_reminder_once_before_deadline_and_not_to_applicants(publish, apply):
    with time_machine.travel(T0, tick=False):
        listing = publish(kind="internship", deadline=T0 + timedelta(days=5))
    saver, applicant = UserFactory(), apply(listing)[0].student
    SavedListing.objects.create(user=saver, listing=listing)
    SavedListing.objects.create(user=applicant, listing=listing)
    now = listing.application_deadline - timedelta(hours=24)
    assert expiry.saved_listings_remind_deadline(now=now) == (2, False)
    assert expiry.saved_listings_remind_deadline(now=now) == (0, False)
    assert list(OutboxEmail.objects.filter(event="listing.saved_deadline").values_list("to_email", flat=True)) == [
        saver.email
    ]


# --- through a real worker ---------------------------------------------------------------------


@pytest.mark.worker
def test_reminder_task_run_twice_by_beat_sends_one_email(celery_worker, publish, settings):
    from listings.tasks import listings_remind_expiring_task

    listing = publish(kind="micro", staleness_days=3)
    Listing.objects.filter(pk=listing.pk).update(expires_at=listing.published_at + timedelta(hours=30))
    queue = settings.CELERY_TASK_DEFAULT_QUEUE
    listings_remind_expiring_task.apply_async(queue=queue)
    listings_remind_expiring_task.apply_async(queue=queue)
    assert len(celery_worker.mail.wait_for(1)) >= 1
    from marketplace.celery import ping_task

    ping_task.apply_async(args=["after"], queue=queue).get(timeout=30)
    assert len([m for m in celery_worker.mail.messages() if "expires in less than 48 hours" in m["Subject"]]) == 1


@pytest.mark.worker
def test_expiry_task_on_the_worker_closes_applications_and_emails_each_student_once(
    celery_worker, publish, apply, settings
):
    from listings.tasks import listings_expire_due_task

    listing = publish(kind="micro", staleness_days=3)
    students = [a.student for a in apply(listing, 2)]
    Listing.objects.filter(pk=listing.pk).update(expires_at=listing.published_at - timedelta(minutes=1))
    queue = settings.CELERY_TASK_DEFAULT_QUEUE
    listings_expire_due_task.apply_async(queue=queue)
    listings_expire_due_task.apply_async(queue=queue)
    messages = celery_worker.mail.wait_for(3)  # two students + the owner
    from marketplace.celery import ping_task

    ping_task.apply_async(args=["after"], queue=queue).get(timeout=30)
    for student in students:
        assert len(celery_worker.mail.to(student.email)) == 1
    assert len(messages) == len(celery_worker.mail.messages())
    listing.refresh_from_db()
    assert listing.status == Listing.Status.EXPIRED


@pytest.mark.django_db
def test_editing_the_deadline_of_a_published_listing_moves_its_expiry(publish, employer):
    from listings.services import LISTING_FIELDS, listing_update

    with time_machine.travel(T0, tick=False):
        listing = publish(kind="internship", deadline=T0 + timedelta(days=5))
        Listing.objects.filter(pk=listing.pk).update(expiry_reminder_sent_at=T0)
        listing.refresh_from_db()
        data = {name: getattr(listing, name) for name in LISTING_FIELDS}
        data["application_deadline"] = T0 + timedelta(days=12)
        listing_update(listing=listing, actor=employer, data=data, skill_names=["Research"], questions=[])
    listing.refresh_from_db()
    assert listing.expires_at == T0 + timedelta(days=12)
    assert listing.expiry_reminder_sent_at is None
    assert expiry.listings_expire_due(now=T0 + timedelta(days=6))[0] == 0


@pytest.mark.django_db
def test_applicant_still_sees_their_status_on_an_expired_listing(client, publish, apply):
    with time_machine.travel(T0, tick=False):
        listing = publish(kind="micro", staleness_days=5)
        application = apply(listing)[0]
    expiry.listings_expire_due(now=T0 + timedelta(days=6))
    client.force_login(application.student)
    html = client.get(reverse("listings:detail", args=[listing.pk])).content.decode()
    assert 'data-testid="applied-status"' in html and "Listing closed" in html
    detail = client.get(reverse("applications:detail", args=[application.pk])).content.decode()
    assert "Listing closed" in detail
