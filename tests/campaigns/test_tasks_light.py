"""The traffic light of an assignment: green on track, yellow within 3 working days of
the deadline by the real calendar (the 2024 Dragon Boat Festival and National Day), red
overdue, none once done; one calendar read for a whole list."""

from datetime import date, timedelta

import pytest
import time_machine

from campaigns.models import TaskAssignment
from campaigns.selectors.tasks import Light, LightClock, assignment_light, with_lights
from safetyzone.calendar import working_days_between
from safetyzone.core.models import WorkdayOverride
from tests.factories import TaskAssignmentFactory, TaskFactory

pytestmark = pytest.mark.django_db

OPEN = TaskAssignment.Status.IN_PROGRESS
DONE = TaskAssignment.Status.DONE


def light(today: date, deadline: date, status: str = OPEN) -> Light:
    return LightClock(today=today).light(status=status, deadline=deadline)


# Wednesday 5 June 2024: working days after it are Thu 6, Fri 7, then the Dragon Boat
# Festival (Sat 8 – Mon 10 off), Tue 11, Wed 12.
DRAGON_BOAT_TODAY = date(2024, 6, 5)


@pytest.mark.parametrize(
    ("deadline", "expected"),
    [
        (date(2024, 6, 4), Light.RED),  # yesterday
        (date(2024, 6, 5), Light.YELLOW),  # today: due, not overdue yet
        (date(2024, 6, 7), Light.YELLOW),  # 2 working days left
        (date(2024, 6, 10), Light.YELLOW),  # the festival: still 2 working days
        (date(2024, 6, 11), Light.YELLOW),  # the 3rd working day, after the festival
        (date(2024, 6, 12), Light.GREEN),  # the 4th working day
        (date(2024, 7, 31), Light.GREEN),
    ],
    ids=str,
)
def test_light_across_the_dragon_boat_festival(deadline, expected):
    assert light(DRAGON_BOAT_TODAY, deadline) == expected


# Friday 27 September 2024: Sat 28 off, Sun 29 and Mon 30 make-up working days, 1–7
# October off, Tue 8 and Wed 9 working days.
NATIONAL_DAY_TODAY = date(2024, 9, 27)


@pytest.mark.parametrize(
    ("deadline", "expected"),
    [
        (date(2024, 9, 26), Light.RED),
        (date(2024, 9, 29), Light.YELLOW),  # a make-up Sunday: 1 working day left
        (date(2024, 9, 30), Light.YELLOW),
        (date(2024, 10, 4), Light.YELLOW),  # in the holiday week: 2 working days
        (date(2024, 10, 7), Light.YELLOW),
        (date(2024, 10, 8), Light.YELLOW),  # the 3rd working day
        (date(2024, 10, 9), Light.GREEN),  # the 4th
    ],
    ids=str,
)
def test_light_across_national_day(deadline, expected):
    assert light(NATIONAL_DAY_TODAY, deadline) == expected


def test_a_plain_week_without_holidays():
    monday = date(2024, 6, 17)
    assert light(monday, date(2024, 6, 20)) == Light.YELLOW  # Thursday: 3 working days
    assert light(monday, date(2024, 6, 21)) == Light.GREEN  # Friday: 4


@pytest.mark.parametrize("deadline", [date(2024, 6, 1), date(2024, 6, 6), date(2024, 8, 1)])
def test_done_has_no_light_whatever_the_deadline(deadline):
    assert light(DRAGON_BOAT_TODAY, deadline, status=DONE) == Light.NONE


@pytest.mark.parametrize(
    "status",
    [
        TaskAssignment.Status.ISSUED,
        TaskAssignment.Status.SIGNED,
        TaskAssignment.Status.IN_PROGRESS,
        TaskAssignment.Status.RETURNED,
    ],
)
def test_every_open_status_is_red_when_overdue(status):
    assert light(DRAGON_BOAT_TODAY, date(2024, 6, 4), status=status) == Light.RED


@pytest.mark.parametrize("today", [DRAGON_BOAT_TODAY, NATIONAL_DAY_TODAY, date(2024, 12, 30)])
def test_yellow_is_exactly_three_working_days_or_fewer(today):
    """The same rule as working_days_between, for every deadline of the next 3 weeks."""
    for offset in range(-3, 22):
        deadline = today + timedelta(days=offset)
        left = working_days_between(today, deadline)
        if deadline < today:
            expected = Light.RED
        elif left <= 3:
            expected = Light.YELLOW
        else:
            expected = Light.GREEN
        assert light(today, deadline) == expected, (today, deadline, left)


def test_an_admin_override_moves_the_yellow_light():
    # The zone gives Thursday 6 June off: the 3rd working day is now Wednesday 12.
    WorkdayOverride.objects.create(
        date=date(2024, 6, 6), kind=WorkdayOverride.Kind.HOLIDAY, reason="本地调休"
    )
    assert light(DRAGON_BOAT_TODAY, date(2024, 6, 12)) == Light.YELLOW
    assert light(DRAGON_BOAT_TODAY, date(2024, 6, 13)) == Light.GREEN


@time_machine.travel("2024-06-05 10:00:00+08:00", tick=False)
def test_light_of_one_assignment_uses_today():
    assignment = TaskAssignmentFactory(task=TaskFactory(deadline=date(2024, 6, 11)))
    assert assignment_light(assignment) == Light.YELLOW
    assignment.deadline = date(2024, 6, 12)
    assert assignment_light(assignment) == Light.GREEN


def test_a_whole_list_reads_the_calendar_once(django_assert_num_queries):
    start = date(2024, 6, 1)
    assignments = [
        TaskAssignment(status=OPEN, deadline=start + timedelta(days=n)) for n in range(50)
    ]
    with django_assert_num_queries(1):
        lit = with_lights(assignments, clock=LightClock(today=DRAGON_BOAT_TODAY))
    assert {a.light for a in lit} == {Light.RED, Light.YELLOW, Light.GREEN}


def test_the_database_condition_matches_the_rule():
    clock = LightClock(today=DRAGON_BOAT_TODAY)
    deadlines = [date(2024, 6, 4), date(2024, 6, 5), date(2024, 6, 11), date(2024, 6, 12)]
    rows = [
        TaskAssignmentFactory(task=TaskFactory(deadline=d), deadline=d, status=OPEN)
        for d in deadlines
    ]
    rows.append(TaskAssignmentFactory(status=DONE, deadline=date(2024, 6, 1)))
    for wanted in Light:
        found = set(TaskAssignment.objects.filter(clock.condition(wanted)))
        assert found == {a for a in rows if clock.light_of(a) == wanted}, wanted
        assert found, wanted  # every light is exercised
