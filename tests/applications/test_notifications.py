"""Every status change notifies once, and only after the change is committed."""

import pytest
from django.db import transaction

from applications.models import ApplicationStatus
from applications.services import application_transition
from notifications.models import Notification, OutboxEmail
from tests.applications.factories import SubmittedApplicationFactory
from tests.listings.factories import EmployerFactory, PublishedListingFactory, member_of

S = ApplicationStatus


@pytest.mark.django_db
def test_each_change_records_one_notification_and_enqueues_only_on_commit(django_capture_on_commit_callbacks):
    listing = PublishedListingFactory(requires_resume=False, openings=2)
    colleague = EmployerFactory(organization=listing.organization)
    employer = member_of(listing)
    application = SubmittedApplicationFactory(listing=listing)
    student = application.student
    steps = [
        (S.IN_REVIEW, employer, [student]),
        (S.SHORTLISTED, employer, [student]),
        (S.INTERVIEW, colleague, [student]),
        (S.OFFERED, colleague, [student]),
        (S.ACCEPTED, student, [employer, colleague]),
    ]
    for to_status, actor, told in steps:
        before = {u.pk: Notification.objects.filter(recipient=u).count() for u in (student, employer, colleague)}
        emails_before = OutboxEmail.objects.count()
        with django_capture_on_commit_callbacks(execute=False) as callbacks, transaction.atomic():
            application_transition(application=application, to_status=to_status, user=actor, message="m")
            assert callbacks == []  # nothing is enqueued inside the transaction
        assert len(callbacks) >= 1
        after = {u.pk: Notification.objects.filter(recipient=u).count() for u in (student, employer, colleague)}
        for user in (student, employer, colleague):
            assert after[user.pk] - before[user.pk] == (1 if user in told else 0), (to_status, user)
        assert OutboxEmail.objects.count() - emails_before == len(told)


@pytest.mark.django_db
def test_a_change_rolled_back_tells_nobody():
    application = SubmittedApplicationFactory()
    before = Notification.objects.count()
    with pytest.raises(RuntimeError), transaction.atomic():
        application_transition(application=application, to_status=S.IN_REVIEW, user=member_of(application.listing))
        raise RuntimeError("boom")
    application.refresh_from_db()
    assert application.status == S.SUBMITTED
    assert Notification.objects.count() == before


@pytest.mark.worker
def test_real_worker_sends_one_email_per_change(celery_worker):
    listing = PublishedListingFactory(requires_resume=False)
    employer = member_of(listing)
    application = SubmittedApplicationFactory(listing=listing)
    application_transition(application=application, to_status=S.IN_REVIEW, user=employer, message="Reading it now")
    application_transition(application=application, to_status=S.REJECTED, user=employer, message="Not this time")
    messages = celery_worker.mail.wait_for(3)
    assert len(messages) == 3
    assert len(celery_worker.mail.to(employer.email)) == 1
    to_student = celery_worker.mail.to(application.student.email)
    assert len(to_student) == 2
    bodies = " ".join(m.get_payload()[0].get_payload(decode=True).decode() for m in to_student)
    assert "Reading it now" in bodies and "Not this time" in bodies
