"""Every allowed and refused transition, by every role, through the pages and the API."""

import itertools

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from applications.models import ApplicationStatus, ApplicationStatusChange
from applications.services import TRANSITIONS, Actor
from tests.applications.factories import BY_STATUS
from tests.listings.factories import CareerServicesFactory, EmployerFactory, StudentFactory, member_of

pytestmark = pytest.mark.django_db

S = ApplicationStatus
ALL = list(S.values)
STUDENT_MOVES = {S.WITHDRAWN: "withdraw", S.ACCEPTED: "accept", S.DECLINED: "decline"}


def _state(application):
    application.refresh_from_db()
    return application.status, ApplicationStatusChange.objects.filter(application=application).count()


@pytest.mark.parametrize(("src", "dst"), list(itertools.product(ALL, ALL)))
def test_employer_moves_through_the_pages(client, src, dst):
    application = BY_STATUS[src]()
    employer = member_of(application.listing)
    client.force_login(employer)
    before = _state(application)
    if dst == S.OFFERED:
        response = client.post(reverse("applications:employer_offer", args=[application.pk]), {"message": "Welcome"})
    else:
        response = client.post(
            reverse("applications:employer_move", args=[application.pk]), {"to_status": dst, "message": "Hello"}
        )
    allowed = TRANSITIONS.get((src, dst)) == Actor.EMPLOYER
    status, changes = _state(application)
    if allowed:
        assert response.status_code == 302
        assert (status, changes) == (dst, before[1] + 1)
    else:
        assert response.status_code in (302, 400)
        assert (status, changes) == before
        if response.status_code == 302:
            page = client.get(response.url).content.decode()
            assert "cannot be moved" in page


@pytest.mark.parametrize(("src", "dst"), list(itertools.product(ALL, ALL)))
def test_employer_moves_through_the_api(src, dst):
    application = BY_STATUS[src]()
    api = APIClient()
    api.force_authenticate(member_of(application.listing))
    before = _state(application)
    response = api.post(
        reverse("v1:employer-application-status", args=[application.pk]),
        {"status": dst, "message": "From the API"},
        format="json",
    )
    status, changes = _state(application)
    if TRANSITIONS.get((src, dst)) == Actor.EMPLOYER:
        assert response.status_code == 200, response.content
        assert response.json()["status"] == dst
        assert (status, changes) == (dst, before[1] + 1)
    else:
        assert response.status_code == 400
        assert "cannot be moved" in str(response.json())
        assert (status, changes) == before


@pytest.mark.parametrize(("src", "dst"), list(itertools.product(ALL, STUDENT_MOVES)))
def test_student_moves_through_the_pages(client, src, dst):
    application = BY_STATUS[src]()
    client.force_login(application.student)
    before = _state(application)
    response = client.post(reverse(f"applications:{STUDENT_MOVES[dst]}", args=[application.pk]), {"message": ""})
    assert response.status_code == 302
    status, changes = _state(application)
    page = client.get(response.url).content.decode()
    if TRANSITIONS.get((src, dst)) == Actor.STUDENT:
        assert (status, changes) == (dst, before[1] + 1)
    else:
        assert (status, changes) == before
        assert "cannot be moved" in page


@pytest.mark.parametrize(("src", "dst"), list(itertools.product(ALL, STUDENT_MOVES)))
def test_student_moves_through_the_api(src, dst):
    application = BY_STATUS[src]()
    api = APIClient()
    api.force_authenticate(application.student)
    before = _state(application)
    response = api.post(reverse(f"v1:application-{STUDENT_MOVES[dst]}", args=[application.pk]), {}, format="json")
    status, changes = _state(application)
    if TRANSITIONS.get((src, dst)) == Actor.STUDENT:
        assert response.status_code == 200, response.content
        assert response.json()["status"] == dst
        assert (status, changes) == (dst, before[1] + 1)
    else:
        assert response.status_code == 400
        assert (status, changes) == before


def _wrong_users(application):
    return {
        "other organization's employer": EmployerFactory(),
        "another student": StudentFactory(),
        "career services": CareerServicesFactory(),
    }


EMPLOYER_PAGES = [
    ("applications:employer_move", {"to_status": S.REJECTED}),
    ("applications:employer_offer", {"message": "x"}),
    ("applications:employer_note", {"body": "x"}),
]


@pytest.mark.parametrize("src", [S.SUBMITTED, S.OFFERED])
def test_nobody_else_can_make_any_move(client, src):
    application = BY_STATUS[src]()
    before = _state(application)
    wrong = _wrong_users(application)
    wrong["the student themself (employer pages)"] = application.student
    for label, user in wrong.items():
        client.force_login(user)
        for name, data in EMPLOYER_PAGES:
            response = client.post(reverse(name, args=[application.pk]), data)
            assert response.status_code == 404, (label, name)
        api = APIClient()
        api.force_authenticate(user)
        response = api.post(
            reverse("v1:employer-application-status", args=[application.pk]), {"status": S.REJECTED}, format="json"
        )
        assert response.status_code in (403, 404), label
    wrong = _wrong_users(application)
    wrong["the listing's employer (student pages)"] = member_of(application.listing)
    for label, user in wrong.items():
        client.force_login(user)
        api = APIClient()
        api.force_authenticate(user)
        for dst, name in STUDENT_MOVES.items():
            assert client.post(reverse(f"applications:{name}", args=[application.pk])).status_code == 404, label
            response = api.post(reverse(f"v1:application-{name}", args=[application.pk]), {}, format="json")
            assert response.status_code in (403, 404), (label, dst)
    client.logout()
    for name, data in EMPLOYER_PAGES:
        response = client.post(reverse(name, args=[application.pk]), data)
        assert response.status_code == 302 and "/accounts/login/" in response.url
    anonymous = APIClient()
    assert anonymous.post(reverse("v1:application-withdraw", args=[application.pk]), {}, format="json").status_code in (
        401,
        403,
    )
    assert _state(application) == before
