"""The interview tables in the staff admin: every list and change page answers site staff, with
its search and filters; rounds, invitations and interviews are read-only there (their changes go
through the services, which send the calendar updates); nobody else gets in."""

from datetime import time

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from interviews import services
from interviews.models import Availability, Interview
from tests.accounts.factories import SiteStaffFactory
from tests.listings.factories import member_of

from .factories import applicant, booked, propose
from .test_pages import T0, TIMES

pytestmark = pytest.mark.django_db

MODELS = ["interviewround", "interviewinvite", "interview", "availability"]


@pytest.fixture(autouse=True)
def at_t0():
    with time_machine.travel(T0, tick=False):
        yield


@pytest.fixture
def staff() -> Client:
    client = Client()
    client.force_login(SiteStaffFactory(is_superuser=True))
    return client


def _data():
    """A booked interview (its round, slots and invitation) and a weekly window."""
    application = applicant()
    interview = booked(propose(application, times=TIMES))
    window = services.availability_add(
        user=member_of(application.listing), weekday=2, start=time(9), end=time(12), time_zone="Europe/Berlin"
    )
    return interview, window


def _objects(interview: Interview, window: Availability) -> dict:
    return {
        "interviewround": interview.invite.round,
        "interviewinvite": interview.invite,
        "interview": interview,
        "availability": window,
    }


@pytest.mark.parametrize("model", MODELS)
def test_site_staff_open_the_list_and_the_change_page(staff, model):
    interview, window = _data()
    obj = _objects(interview, window)[model]
    listed = staff.get(reverse(f"admin:interviews_{model}_changelist"))
    assert listed.status_code == 200
    assert listed.context["cl"].result_count == 1
    change = staff.get(reverse(f"admin:interviews_{model}_change", args=[obj.pk]))
    assert change.status_code == 200


def test_the_lists_search_and_filter(staff):
    interview, _window = _data()
    student = interview.application.student
    organization = interview.application.listing.organization
    changelist = reverse("admin:interviews_interview_changelist")
    assert staff.get(changelist, {"q": student.email}).context["cl"].result_count == 1
    assert staff.get(changelist, {"q": "nobody-like-this"}).context["cl"].result_count == 0
    assert staff.get(changelist, {"status__exact": "scheduled"}).context["cl"].result_count == 1
    assert staff.get(changelist, {"status__exact": "cancelled"}).context["cl"].result_count == 0
    rounds = reverse("admin:interviews_interviewround_changelist")
    assert staff.get(rounds, {"q": organization.name}).context["cl"].result_count == 1
    invites = reverse("admin:interviews_interviewinvite_changelist")
    assert staff.get(invites, {"status__exact": "booked"}).context["cl"].result_count == 1
    windows = reverse("admin:interviews_availability_changelist")
    assert staff.get(windows, {"q": organization.name}).context["cl"].result_count == 1


def test_interviews_are_read_only_in_the_admin(staff):
    interview, _window = _data()
    change = staff.get(reverse("admin:interviews_interview_change", args=[interview.pk]))
    assert change.context["has_change_permission"] is False
    assert 'name="starts_at"' not in change.content.decode()
    assert staff.get(reverse("admin:interviews_interview_add")).status_code == 403
    assert staff.get(reverse("admin:interviews_interview_delete", args=[interview.pk])).status_code == 403
    moved = staff.post(
        reverse("admin:interviews_interview_change", args=[interview.pk]),
        {"status": "cancelled", "starts_at_0": "2026-05-09", "starts_at_1": "10:00"},
    )
    assert moved.status_code == 403
    interview.refresh_from_db()
    assert (interview.status, interview.sequence) == ("scheduled", 0)


def test_staff_correct_a_weekly_window_and_the_database_checks_it(staff):
    _interview, window = _data()
    url = reverse("admin:interviews_availability_change", args=[window.pk])
    bad = staff.post(url, {"weekday": "2", "start": "12:00", "end": "09:00", "time_zone": "Europe/Berlin"})
    assert bad.status_code == 200 and bad.context["adminform"].form.errors
    fixed = staff.post(url, {"weekday": "3", "start": "10:00", "end": "11:00", "time_zone": "Europe/Berlin"})
    assert fixed.status_code == 302
    window.refresh_from_db()
    assert (window.weekday, window.start, window.end) == (3, time(10), time(11))
    assert staff.get(reverse("admin:interviews_availability_add")).status_code == 403


def test_members_and_students_do_not_get_into_the_admin():
    interview, _window = _data()
    for user in (interview.application.student, member_of(interview.application.listing)):
        client = Client()
        client.force_login(user)
        response = client.get(reverse("admin:interviews_interview_changelist"))
        assert response.status_code == 302
        assert reverse("admin:login") in response["Location"]


# The session, the user, the counts (and the date drill-down) and one page of rows with what the
# columns show: none per row.
LIST_QUERIES = {"interviewround": 7, "interviewinvite": 5, "interview": 7, "availability": 6}


@pytest.mark.parametrize("count", [1, 4])
@pytest.mark.parametrize("model", MODELS)
def test_the_lists_ask_the_same_number_of_queries_whatever_their_length(staff, model, count, django_assert_num_queries):
    for _ in range(count):
        _data()
    with django_assert_num_queries(LIST_QUERIES[model]):
        assert staff.get(reverse(f"admin:interviews_{model}_changelist")).status_code == 200
