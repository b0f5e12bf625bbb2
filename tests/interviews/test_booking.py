"""Booking a proposed time: one booking per slot (also under 20 concurrent bookings), the round's
other times expire, and times stop being offered when the application leaves ``interview`` or
the reply deadline passes."""

import threading
from datetime import UTC, date, datetime, time, timedelta

import pytest
import time_machine
from django.core.exceptions import PermissionDenied
from django.db import connection

from applications.services import application_transition
from interviews import services
from interviews.choices import InterviewStatus, InviteStatus, SlotStatus
from interviews.models import Interview, InterviewInvite, InterviewSlot
from tests.listings.factories import member_of

from .factories import applicant, booked, propose

T0 = datetime(2026, 5, 4, 8, 0, tzinfo=UTC)
TIMES = [(date(2026, 5, 6), time(10)), (date(2026, 5, 6), time(11)), (date(2026, 5, 7), time(14))]


@pytest.fixture
def at_t0():
    with time_machine.travel(T0, tick=False):
        yield


@pytest.mark.django_db
def test_booking_holds_the_slot_and_expires_the_rounds_other_times(at_t0):
    application = applicant()
    invite = propose(application, times=TIMES)
    application.refresh_from_db()
    assert application.status == "interview"  # moved through the status machine
    assert application.history.filter(to_status="interview").count() == 1
    interview = booked(invite, index=1)
    assert interview.starts_at == datetime(2026, 5, 6, 9, 0, tzinfo=UTC)  # 11:00 CEST
    assert interview.time_zone == "Europe/Berlin"
    statuses = list(InterviewSlot.objects.filter(round=invite.round).values_list("status", flat=True))
    assert statuses == [SlotStatus.EXPIRED, SlotStatus.BOOKED, SlotStatus.EXPIRED]
    invite.refresh_from_db()
    assert invite.status == InviteStatus.BOOKED


@pytest.mark.django_db
def test_a_student_books_once_and_only_their_own_invitation(at_t0):
    application = applicant()
    invite = propose(application, times=TIMES)
    booked(invite)
    with pytest.raises(services.BookingRefused, match="already booked"):
        booked(invite, index=2)
    other = applicant(listing=application.listing)
    with pytest.raises(PermissionDenied):
        services.interview_book(invite=invite, slot_id=invite.round.slots.last().pk, user=other.student)


@pytest.mark.django_db
def test_a_shared_round_keeps_its_other_times_open_for_the_others(at_t0):
    first = applicant()
    second = applicant(listing=first.listing)
    invite = propose(first, times=TIMES, others=[second])
    other_invite = InterviewInvite.objects.get(round=invite.round, application=second)
    booked(invite)
    slot = invite.round.slots.order_by("starts_at").first()
    with pytest.raises(services.BookingRefused, match="someone else has just booked"):
        services.interview_book(invite=other_invite, slot_id=slot.pk, user=second.student)
    assert InterviewSlot.objects.filter(round=invite.round, status=SlotStatus.OPEN).count() == 2
    booked(other_invite, index=2)
    assert not InterviewSlot.objects.filter(round=invite.round, status=SlotStatus.OPEN).exists()


@pytest.mark.django_db
def test_leaving_interview_expires_the_times_and_ending_cancels_the_booking(at_t0):
    waiting = applicant()
    invite = propose(waiting, times=TIMES)
    application_transition(application=waiting, to_status="offered", user=member_of(waiting.listing))
    invite.refresh_from_db()
    assert invite.status == InviteStatus.EXPIRED
    assert set(InterviewSlot.objects.filter(round=invite.round).values_list("status", flat=True)) == {"expired"}

    booked_one = applicant(listing=waiting.listing)
    interview = booked(propose(booked_one, times=TIMES))
    application_transition(application=booked_one, to_status="withdrawn", user=booked_one.student)
    interview.refresh_from_db()
    assert interview.status == InterviewStatus.CANCELLED
    assert interview.sequence == 1


@pytest.mark.django_db
def test_past_the_deadline_the_job_expires_waiting_invitations(at_t0):
    application = applicant()
    invite = propose(application, times=TIMES, respond_by=T0 + timedelta(hours=6))
    assert services.interview_rounds_expire(now=T0 + timedelta(hours=5)) == (0, False)
    expired, more = services.interview_rounds_expire(now=T0 + timedelta(hours=7))
    assert (expired, more) == (4, False)  # the invite and its three slots
    invite.refresh_from_db()
    assert invite.status == InviteStatus.EXPIRED
    with pytest.raises(services.BookingRefused, match="no longer offered"):
        booked(invite)
    assert services.interview_rounds_expire(now=T0 + timedelta(hours=8)) == (0, False)


@pytest.mark.django_db(transaction=True)
def test_twenty_concurrent_bookings_of_one_slot_give_one_booking_and_a_clear_refusal():
    """Twenty students invited to one round each book its first time at once, each on its own
    database connection: exactly one gets it, the nineteen others are told it was just taken."""
    with time_machine.travel(T0, tick=True):
        first = applicant()
        others = [applicant(listing=first.listing) for _ in range(19)]
        invite = propose(first, times=TIMES, others=others)
        invites = list(InterviewInvite.objects.filter(round=invite.round).select_related("application__student"))
        slot_id = invite.round.slots.order_by("starts_at").first().pk
        assert len(invites) == 20

        barrier = threading.Barrier(20)
        results: list[object] = [None] * 20

        def book(i: int):
            try:
                barrier.wait(timeout=30)
                inv = invites[i]
                results[i] = services.interview_book(invite=inv, slot_id=slot_id, user=inv.application.student)
            except BaseException as exc:  # noqa: BLE001 (reported below)
                results[i] = exc
            finally:
                connection.close()

        threads = [threading.Thread(target=book, args=(i,)) for i in range(20)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)

    bookings = [r for r in results if isinstance(r, Interview)]
    refusals = [r for r in results if isinstance(r, services.BookingRefused)]
    assert len(bookings) == 1, results
    assert len(refusals) == 19, results
    assert {r.code for r in refusals} == {"taken"}
    assert all("someone else has just booked this time" in r.messages[0] for r in refusals)
    assert Interview.objects.filter(slot_id=slot_id, status="scheduled").count() == 1
