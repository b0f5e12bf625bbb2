"""Interview times across zones: entered in the employer's zone, stored in UTC, shown in the
student's; a daylight-saving change between proposing and the interview; the date line."""

from datetime import UTC, date, datetime, time

import pytest
import time_machine
from django.core.exceptions import ValidationError

from interviews import selectors
from interviews.choices import Party
from interviews.models import InterviewSlot
from interviews.times import NonexistentTime, outside_day, to_utc

from .factories import applicant, propose

# Proposing happens on 20 March 2026: Berlin is on CET (UTC+1), New York already on EDT (UTC−4).
PROPOSED_ON = datetime(2026, 3, 20, 9, 0, tzinfo=UTC)


def test_a_wall_clock_time_is_stored_as_the_utc_instant_of_its_own_date():
    # Before and after Berlin's change on 29 March 2026 the same 10:00 is a different UTC hour.
    assert to_utc(date(2026, 3, 27), time(10), "Europe/Berlin") == datetime(2026, 3, 27, 9, 0, tzinfo=UTC)
    assert to_utc(date(2026, 3, 30), time(10), "Europe/Berlin") == datetime(2026, 3, 30, 8, 0, tzinfo=UTC)


def test_a_time_skipped_by_the_spring_change_is_refused():
    with pytest.raises(NonexistentTime, match="does not exist in Europe/Berlin"):
        to_utc(date(2026, 3, 29), time(2, 30), "Europe/Berlin")


def test_the_student_day_warning_covers_early_late_and_past_midnight():
    tokyo = "Asia/Tokyo"
    assert not outside_day(datetime(2026, 4, 1, 0, 0, tzinfo=UTC), 30, tokyo)  # 09:00 there
    assert outside_day(datetime(2026, 3, 31, 22, 30, tzinfo=UTC), 30, tokyo)  # 07:30 there
    assert outside_day(datetime(2026, 4, 1, 11, 45, tzinfo=UTC), 30, tokyo)  # ends 21:15 there
    assert not outside_day(datetime(2026, 4, 1, 11, 30, tzinfo=UTC), 30, tokyo)  # ends 21:00 sharp


@pytest.mark.django_db
def test_slots_proposed_before_the_change_fall_after_it_at_the_entered_wall_clock_time():
    with time_machine.travel(PROPOSED_ON, tick=False):
        application = applicant(student_zone="America/New_York")
        invite = propose(application, times=[(date(2026, 4, 2), time(10)), (date(2026, 4, 2), time(15))])
        starts = list(InterviewSlot.objects.filter(round=invite.round).values_list("starts_at", flat=True))
        # 10:00 CEST (UTC+2, after the change), not 10:00 CET as on the day it was proposed.
        assert starts == [datetime(2026, 4, 2, 8, 0, tzinfo=UTC), datetime(2026, 4, 2, 13, 0, tzinfo=UTC)]
        invite = selectors.invite_for_viewer(user=application.student, pk=invite.pk, now=PROPOSED_ON)[0]
        times = [t for _, t in selectors.slot_times(invite, party=Party.STUDENT, viewer_zone="")]
        assert [t.own_text for t in times] == ["Thu 2 Apr 2026, 04:00–04:30", "Thu 2 Apr 2026, 09:00–09:30"]
        assert [t.other_text for t in times] == ["Thu 2 Apr 2026, 10:00", "Thu 2 Apr 2026, 15:00"]
        # 04:00 in New York is outside the student's day; 09:00 is fine.
        assert [t.student_warning for t in times] == [True, False]


@pytest.mark.django_db
def test_across_the_date_line_the_student_sees_the_previous_date():
    with time_machine.travel(datetime(2026, 3, 1, 0, 0, tzinfo=UTC), tick=False):
        application = applicant(student_zone="Pacific/Pago_Pago", listing_zone="Pacific/Kiritimati")
        invite = propose(
            application,
            times=[(date(2026, 3, 10), time(9)), (date(2026, 3, 10), time(11))],
            time_zone="Pacific/Kiritimati",
        )
        invite = selectors.invite_for_viewer(user=application.student, pk=invite.pk, now=datetime.now(tz=UTC))[0]
        first = selectors.slot_times(invite, party=Party.STUDENT, viewer_zone="")[0][1]
        # Kiritimati is UTC+14, Pago Pago UTC−11: 09:00 on the 10th there is 08:00 on the 9th here.
        assert first.starts_at == datetime(2026, 3, 9, 19, 0, tzinfo=UTC)
        assert first.own_text == "Mon 9 Mar 2026, 08:00–08:30"
        assert first.other_text == "Tue 10 Mar 2026, 09:00"
        assert first.day_shift == 1
        assert not first.student_warning


@pytest.mark.django_db
def test_proposing_refuses_too_few_past_and_skipped_times_and_saves_nothing():
    with time_machine.travel(PROPOSED_ON, tick=False):
        application = applicant()
        with pytest.raises(ValidationError) as one:
            propose(application, times=[(date(2026, 4, 2), time(10))])
        assert "between 2 and 8" in str(one.value)
        with pytest.raises(ValidationError) as bad:
            propose(application, times=[(date(2026, 3, 1), time(10)), (date(2026, 3, 29), time(2, 30))])
        assert "in the past" in str(bad.value) and "does not exist" in str(bad.value)
        application.refresh_from_db()
        assert application.status == "shortlisted"
        assert not InterviewSlot.objects.exists()
