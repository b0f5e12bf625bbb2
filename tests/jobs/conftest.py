from datetime import time
from decimal import Decimal

import pytest

from accounts.models import Membership, Organization, Role
from applications.models import Application
from listings.services import listing_create, listing_submit
from tests.factories import UserFactory


@pytest.fixture
def employer(db):
    org = Organization.objects.create(name="Acme Remote", slug="acme-remote", country="DE", verification="verified")
    user = UserFactory(role=Role.EMPLOYER, email="owner@acme.example")
    Membership.objects.create(organization=org, user=user, role=Membership.Role.OWNER)
    return user


@pytest.fixture
def publish(employer):
    """Publish a listing through the listing services, as an employer would."""

    def make(*, kind="micro", deadline=None, staleness_days=14, title="Market research sprint"):
        data = {
            "kind": kind,
            "title": title,
            "description": f"{title}: a remote project.",
            "field": "research",
            "compensation_type": "fixed_fee",
            "compensation_amount": Decimal("300"),
            "currency": "USD",
            "hours_per_week": 10,
            "duration_days": 14,
            "application_deadline": deadline,
            "work_start": time(9),
            "work_end": time(17),
            "time_zone": "America/New_York",
            "estimated_total_hours": 20,
            "staleness_days": staleness_days,
        }
        listing = listing_create(
            organization=employer.membership.organization,
            actor=employer,
            data=data,
            skill_names=["Remote collaboration"],
            questions=[],
        )
        return listing_submit(listing=listing, actor=employer)

    return make


@pytest.fixture
def apply():
    def make(listing, n=1):
        return [
            Application.objects.create(listing=listing, student=UserFactory(role=Role.STUDENT), cover_letter="Hello")
            for _ in range(n)
        ]

    return make
