"""The status machine core: who may make which move, history, notifications, closing a listing."""

from datetime import time

import pytest
from django.core.exceptions import PermissionDenied

from accounts.models import Membership, Organization, Role
from applications.models import Application, ApplicationStatus, ApplicationStatusChange
from applications.services import (
    TRANSITIONS,
    Actor,
    TransitionError,
    application_transition,
    applications_close_for_listings,
)
from listings.models import Listing
from notifications.models import Notification, OutboxEmail
from tests.factories import UserFactory

S = ApplicationStatus


@pytest.fixture
def org_member():
    org = Organization.objects.create(name="Acme", slug="acme", country="DE", verification="verified")
    user = UserFactory(role=Role.EMPLOYER)
    Membership.objects.create(organization=org, user=user, role=Membership.Role.OWNER)
    return user


def _listing(org, **extra):
    return Listing.objects.create(
        organization=org,
        title="Data intern",
        description="x",
        field="research",
        compensation_type="unpaid",
        hours_per_week=10,
        duration_days=30,
        work_start=time(9),
        work_end=time(17),
        time_zone="Europe/Berlin",
        status=Listing.Status.PUBLISHED,
        **extra,
    )


@pytest.fixture
def application(org_member):
    listing = _listing(org_member.membership.organization)
    return Application.objects.create(listing=listing, student=UserFactory(role=Role.STUDENT), cover_letter="Hello")


def test_table_matches_the_spec():
    assert TRANSITIONS[(S.SUBMITTED, S.IN_REVIEW)] == Actor.EMPLOYER
    assert TRANSITIONS[(S.INTERVIEW, S.OFFERED)] == Actor.EMPLOYER
    assert TRANSITIONS[(S.OFFERED, S.ACCEPTED)] == Actor.STUDENT
    assert TRANSITIONS[(S.OFFERED, S.DECLINED)] == Actor.STUDENT
    assert (S.SHORTLISTED, S.IN_REVIEW) not in TRANSITIONS  # no moving backwards
    assert (S.ACCEPTED, S.WITHDRAWN) not in TRANSITIONS  # withdraw only before acceptance
    assert (S.SUBMITTED, S.DECLINED) not in TRANSITIONS  # decline only an offer
    for status in (S.SUBMITTED, S.IN_REVIEW, S.SHORTLISTED, S.INTERVIEW, S.OFFERED):
        assert TRANSITIONS[(status, S.REJECTED)] == Actor.EMPLOYER
        assert TRANSITIONS[(status, S.CLOSED)] == Actor.SYSTEM
        assert TRANSITIONS[(status, S.WITHDRAWN)] == Actor.STUDENT


@pytest.mark.django_db
def test_employer_move_records_history_sets_first_response_and_notifies_student(application, org_member):
    application_transition(application=application, to_status=S.IN_REVIEW, user=org_member, message="Thanks!")
    application.refresh_from_db()
    assert application.status == S.IN_REVIEW and application.first_response_at is not None
    change = ApplicationStatusChange.objects.get(application=application)
    assert (change.from_status, change.to_status, change.actor, change.message) == (
        S.SUBMITTED,
        S.IN_REVIEW,
        org_member,
        "Thanks!",
    )
    email = OutboxEmail.objects.get(to_email=application.student.email)
    assert "In review" in email.subject and "Thanks!" in email.body_text


@pytest.mark.django_db
def test_student_cannot_make_employer_moves_and_employer_cannot_accept(application, org_member):
    with pytest.raises(TransitionError):
        application_transition(application=application, to_status=S.SHORTLISTED, user=application.student)
    application_transition(application=application, to_status=S.OFFERED, user=org_member)
    with pytest.raises(TransitionError):
        application_transition(application=application, to_status=S.ACCEPTED, user=org_member)
    application.refresh_from_db()
    assert application.status == S.OFFERED


@pytest.mark.django_db
def test_other_organizations_employer_and_other_student_are_refused(application):
    other_org = Organization.objects.create(name="Other", slug="other", country="FR")
    stranger = UserFactory(role=Role.EMPLOYER)
    Membership.objects.create(organization=other_org, user=stranger, role=Membership.Role.OWNER)
    for user in (stranger, UserFactory(role=Role.STUDENT), UserFactory(role=Role.CAREER_SERVICES)):
        with pytest.raises(PermissionDenied):
            application_transition(application=application, to_status=S.IN_REVIEW, user=user)
    assert not ApplicationStatusChange.objects.exists()


@pytest.mark.django_db
def test_student_withdraw_notifies_the_organization(application, org_member):
    application_transition(application=application, to_status=S.WITHDRAWN, user=application.student)
    assert Notification.objects.filter(recipient=org_member, event="application.student_responded").exists()
    with pytest.raises(TransitionError):
        application_transition(application=application, to_status=S.IN_REVIEW, user=org_member)


@pytest.mark.django_db
def test_closing_listings_closes_every_open_application_once_and_tells_each_student(
    org_member, django_assert_max_num_queries
):
    org = org_member.membership.organization
    listings = [_listing(org), _listing(org)]
    apps = [
        Application.objects.create(listing=listing, student=UserFactory(role=Role.STUDENT), cover_letter="Hi")
        for listing in listings
        for _ in range(3)
    ]
    application_transition(application=apps[0], to_status=S.REJECTED, user=org_member)
    with django_assert_max_num_queries(15):
        closed = applications_close_for_listings(listing_ids=[lst.pk for lst in listings], reason="the listing expired")
    assert closed == 5
    assert Application.objects.filter(status=S.CLOSED).count() == 5
    assert Application.objects.get(pk=apps[0].pk).status == S.REJECTED
    assert OutboxEmail.objects.filter(event="application.closed").count() == 5
    assert "the listing expired" in OutboxEmail.objects.filter(event="application.closed").first().body_text
    # Running it again changes nothing and tells nobody twice.
    assert applications_close_for_listings(listing_ids=[lst.pk for lst in listings], reason="again") == 0
    assert OutboxEmail.objects.filter(event="application.closed").count() == 5
    assert ApplicationStatusChange.objects.filter(to_status=S.CLOSED).count() == 5
