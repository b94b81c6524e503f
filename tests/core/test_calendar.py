"""Working days against the real 2026 and 2027 calendars of the State Council."""

from datetime import date, datetime

import factory
import pytest
from factory.django import DjangoModelFactory

from safetyzone.calendar import (
    WorkingCalendar,
    add_working_days,
    is_working_day,
    next_working_day,
    previous_working_day,
    working_days_between,
)
from safetyzone.core.models import WorkdayOverride

pytestmark = pytest.mark.django_db


class WorkdayOverrideFactory(DjangoModelFactory[WorkdayOverride]):
    class Meta:
        model = WorkdayOverride

    date = date(2026, 10, 9)
    kind = WorkdayOverride.Kind.HOLIDAY
    reason = factory.Sequence(lambda n: f"Local arrangement {n}")


NATIONAL_DAY_2026 = [date(2026, 10, d) for d in range(1, 8)]


@pytest.mark.parametrize("day", NATIONAL_DAY_2026, ids=str)
def test_national_day_week_2026_is_off(day):
    assert not is_working_day(day)


@pytest.mark.parametrize(
    "day",
    [date(2026, 9, 20), date(2026, 10, 10), date(2026, 2, 14), date(2026, 2, 28)],
    ids=str,
)
def test_make_up_weekend_days_are_working_days(day):
    assert day.weekday() >= 5  # a Saturday or a Sunday...
    assert is_working_day(day)  # ...that the State Council made a working day


def test_ordinary_weekdays_and_weekends():
    assert is_working_day(date(2026, 9, 30))  # Wednesday
    assert not is_working_day(date(2026, 9, 19))  # Saturday
    assert not is_working_day(date(2026, 10, 11))  # Sunday after the make-up Saturday
    assert not is_working_day(date(2026, 9, 25))  # Mid-Autumn Festival, a Friday


@pytest.mark.parametrize("day", [date(2027, 2, d) for d in range(5, 11)], ids=str)
def test_spring_festival_2027_is_off(day):
    assert not is_working_day(day)


def test_spring_festival_2027_edges_are_working_days():
    assert is_working_day(date(2027, 2, 4))
    assert is_working_day(date(2027, 2, 11))
    assert add_working_days(date(2027, 2, 4), 1) == date(2027, 2, 11)


def test_add_working_days_jumps_the_national_day_week():
    assert add_working_days(date(2026, 9, 30), 1) == date(2026, 10, 8)
    # 30 Sep, 8 Oct, 9 Oct, Saturday 10 Oct (make-up), Monday 12 Oct.
    assert add_working_days(date(2026, 9, 29), 5) == date(2026, 10, 12)


def test_add_working_days_lands_on_a_make_up_sunday():
    # Friday 18 Sep; Saturday 19 is off, Sunday 20 is a make-up working day.
    assert add_working_days(date(2026, 9, 18), 1) == date(2026, 9, 20)


def test_add_zero_working_days_keeps_a_working_day_and_moves_a_day_off():
    assert add_working_days(date(2026, 9, 30), 0) == date(2026, 9, 30)
    assert add_working_days(date(2026, 10, 3), 0) == date(2026, 10, 8)


def test_add_negative_working_days_counts_backwards():
    assert add_working_days(date(2026, 10, 8), -1) == date(2026, 9, 30)
    assert add_working_days(date(2026, 10, 12), -5) == date(2026, 9, 29)
    assert previous_working_day(date(2026, 9, 21)) == date(2026, 9, 20)


def test_next_working_day_is_strictly_after():
    assert next_working_day(date(2026, 9, 30)) == date(2026, 10, 8)
    assert next_working_day(date(2026, 10, 8)) == date(2026, 10, 9)
    assert next_working_day(date(2026, 10, 9)) == date(2026, 10, 10)


def test_working_days_between_counts_after_start_up_to_end():
    assert working_days_between(date(2026, 9, 30), date(2026, 10, 12)) == 4
    assert working_days_between(date(2026, 10, 1), date(2026, 10, 7)) == 0
    assert working_days_between(date(2026, 10, 12), date(2026, 9, 30)) == -4
    assert working_days_between(date(2026, 9, 30), date(2026, 9, 30)) == 0


@pytest.mark.parametrize("n", [1, 3, 10, 45, 200])
def test_working_days_between_inverts_add_working_days(n):
    start = date(2026, 9, 15)
    assert working_days_between(start, add_working_days(start, n)) == n


def test_override_turns_a_national_holiday_into_a_working_day():
    WorkdayOverrideFactory(date=date(2026, 10, 6), kind=WorkdayOverride.Kind.WORKDAY)
    assert is_working_day(date(2026, 10, 6))
    assert add_working_days(date(2026, 9, 30), 1) == date(2026, 10, 6)
    assert working_days_between(date(2026, 9, 30), date(2026, 10, 12)) == 5


def test_override_turns_a_working_day_into_a_day_off():
    WorkdayOverrideFactory(date=date(2026, 10, 9), kind=WorkdayOverride.Kind.HOLIDAY)
    WorkdayOverrideFactory(date=date(2026, 10, 10), kind=WorkdayOverride.Kind.HOLIDAY)
    assert not is_working_day(date(2026, 10, 9))
    assert not is_working_day(date(2026, 10, 10))  # even a national make-up day
    assert add_working_days(date(2026, 10, 8), 1) == date(2026, 10, 12)


def test_datetime_is_refused():
    with pytest.raises(TypeError):
        is_working_day(datetime(2026, 10, 8, 9, 0))  # noqa: DTZ001


def test_add_200_working_days_reads_overrides_in_one_query(django_assert_num_queries):
    WorkdayOverrideFactory(date=date(2026, 6, 1), kind=WorkdayOverride.Kind.HOLIDAY)
    with django_assert_num_queries(1):
        result = add_working_days(date(2026, 1, 5), 200)
    assert result.year == 2026
    # The override was seen: without it the 200th working day comes one day earlier.
    WorkdayOverride.objects.all().delete()
    assert add_working_days(date(2026, 1, 5), 200) < result


def test_query_count_stays_bounded_for_long_spans(django_assert_max_num_queries):
    with django_assert_max_num_queries(3):
        add_working_days(date(2026, 1, 5), 600)
    with django_assert_max_num_queries(3):
        add_working_days(date(2027, 12, 31), -600)
    with django_assert_max_num_queries(1):
        working_days_between(date(2026, 1, 1), date(2027, 12, 31))


def test_one_calendar_answers_many_questions_with_one_query(django_assert_num_queries):
    cal = WorkingCalendar()
    with django_assert_num_queries(1):
        deadlines = [cal.add_working_days(date(2026, 9, d), 5) for d in range(1, 30)]
    assert len(deadlines) == 29


def test_admin_can_add_an_override_through_the_admin(client, admin_user):
    client.force_login(admin_user)
    url = "/admin/core/workdayoverride/add/"
    assert client.get(url).status_code == 200
    response = client.post(
        url, {"date": "2026-10-09", "kind": "holiday", "reason": "Flood-season response"}
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    override = WorkdayOverride.objects.get(date=date(2026, 10, 9))
    assert override.kind == WorkdayOverride.Kind.HOLIDAY
    assert override.created_by == admin_user
    assert not is_working_day(date(2026, 10, 9))


def test_committee_staff_cannot_add_an_override_through_the_admin(client, staff):
    client.force_login(staff)
    url = "/admin/core/workdayoverride/add/"
    response = client.post(url, {"date": "2026-10-09", "kind": "holiday", "reason": "x"})
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")
    assert not WorkdayOverride.objects.exists()
