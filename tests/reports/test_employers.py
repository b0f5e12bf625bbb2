"""Employer approvals: per institution; a block hides the organization's listings from the
institution's students and is flagged to site staff."""

import pytest
from django.urls import reverse

from notifications.models import Notification
from reports.models import EmployerApproval
from tests.listings.factories import StaffFactory
from tests.reports.factories import OrganizationFactory, PublishedListingFactory

pytestmark = pytest.mark.django_db


def test_block_hides_listings_from_own_students_and_flags_site_staff(client, campus):
    site_staff = StaffFactory()
    shady = OrganizationFactory(name="Shady Gigs")
    listing = PublishedListingFactory(organization=shady, title="Too good to be true")
    client.force_login(campus.staff_a)
    response = client.post(
        reverse("reports:employer_decide", args=[shady.pk]), {"decision": "blocked", "reason": "Asks for fees"}
    )
    assert response.status_code == 302
    approval = EmployerApproval.objects.get()
    assert (approval.decision, approval.reason, approval.decided_by) == ("blocked", "Asks for fees", campus.staff_a)
    flag = Notification.objects.get(recipient=site_staff, event="reports.employer_blocked")
    assert "Shady Gigs" in flag.title

    client.force_login(campus.alice)
    assert "Too good to be true" not in client.get(reverse("listings:list")).content.decode()
    client.force_login(campus.bob)
    assert "Too good to be true" in client.get(reverse("listings:list")).content.decode()
    assert listing.pk


def test_approving_then_blocking_again_flags_once_per_block(client, campus):
    site_staff = StaffFactory()
    url = reverse("reports:employer_decide", args=[campus.org.pk])
    client.force_login(campus.staff_a)
    client.post(url, {"decision": "approved"})
    assert not Notification.objects.filter(recipient=site_staff).exists()
    client.post(url, {"decision": "blocked"})
    client.post(url, {"decision": "blocked", "reason": "still blocked"})
    assert Notification.objects.filter(recipient=site_staff, event="reports.employer_blocked").count() == 1
    page = client.get(reverse("reports:employers"), {"q": "Northwind"})
    row = next(iter(page.context["page"]))
    assert (row.decision, row.decision_reason, row.placed) == ("blocked", "still blocked", 1)


def test_invalid_decision_changes_nothing(client, campus):
    client.force_login(campus.staff_a)
    response = client.post(reverse("reports:employer_decide", args=[campus.org.pk]), {"decision": "maybe"}, follow=True)
    assert response.status_code == 200
    assert not EmployerApproval.objects.exists()
    assert client.post(reverse("reports:employer_decide", args=[999999]), {"decision": "blocked"}).status_code == 404


@pytest.mark.parametrize("extra", [0, 20])
def test_employer_page_query_count_is_constant(client, campus, django_assert_num_queries, extra):
    OrganizationFactory.create_batch(extra)
    client.force_login(campus.staff_a)
    # session, user, membership, count, page, unread notifications
    with django_assert_num_queries(6):
        client.get(reverse("reports:employers"))
