"""The home page's charts: hazards per month and by unit (or key area), task completion
by unit, hours on duty per person. Each role sees its own charts, a head only their
unit's numbers; the json_script data and the tables agree; the charts cost the same
queries for 5 rows as for 50."""

import datetime as dt
import json
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from campaigns.models import TaskAssignment
from campaigns.selectors.tasks import completion_by_unit
from duty.models import ShiftAssignment
from inspections.services import hazards as hazard_services
from safetyzone.org.roles import Role

from .duty.factories import RosterFactory, ShiftFactory, leader, officer, published
from .factories import EnterpriseFactory, UserFactory, task_for_units
from .helpers import need_postgres
from .inspections.factories import key_area

pytestmark = pytest.mark.usefixtures("postgres_only")


@pytest.fixture(autouse=True)
def _english(settings):
    settings.LANGUAGE_CODE = "en"


def _hazards(unit, staff, n: int) -> None:
    enterprise = EnterpriseFactory(supervising_unit=unit)
    enterprise.key_areas.set([key_area("fire")])
    today = timezone.localdate()
    for i in range(n):
        found = today - dt.timedelta(days=10 * (i % 9))
        hazard_services.hazard_create(
            actor=staff,
            enterprise=enterprise,
            key_area=key_area("fire"),
            description=f"隐患{i}",
            level="general",
            found_on=found,
            # Every other one overdue.
            deadline=found + dt.timedelta(days=5 if i % 2 else 100),
            responsible_person="王经理",
        )


def _tasks(unit, n: int, *, done: int = 0, overdue: int = 0) -> None:
    today = timezone.localdate()
    for i in range(n):
        deadline = today - dt.timedelta(days=3) if i < overdue else today + dt.timedelta(days=9)
        task = task_for_units(lead=unit, title=f"任务{i}", deadline=deadline)
        if i >= n - done:
            task.assignments.update(status=TaskAssignment.Status.DONE)


def _shifts(unit, people: list, n: int) -> None:
    """``n`` shifts of this month, today's first: the few and the many alike hold a
    shift on duty now, which the home's duty panel reads (with its people)."""
    today = timezone.localdate()
    span = min(today.day, 28)
    roster = None
    for i in range(n):
        if i % span == 0:  # one shift a day on a roster
            roster = published(RosterFactory(unit=unit))
        shift = ShiftFactory(roster=roster, date=today - dt.timedelta(days=i % span))
        ShiftAssignment.objects.create(shift=shift, person=people[i % len(people)], role="officer")


def _data(body: str, key: str) -> dict:
    found = re.search(
        rf'<script id="chart-{key}-data" type="application/json">(.*?)</script>', body, re.S
    )
    assert found, key
    return json.loads(found.group(1))


def _table(body: str, key: str) -> list[list[str]]:
    found = re.search(rf'data-testid="chart-table-{key}">(.*?)</table>', body, re.S)
    assert found, key
    cells = re.compile(r"<t[hd][^>]*>(.*?)</t[hd]>", re.S)
    rows = re.findall(r"<tr>(.*?)</tr>", found.group(1), re.S)
    return [[re.sub(r"<[^>]+>", "", c).strip() for c in cells.findall(row)] for row in rows]


def _assert_table_matches(body: str, key: str) -> dict:
    data = _data(body, key)
    header, *rows = _table(body, key)
    assert header[1:] == [s["name"] for s in data["series"]]
    assert [r[0] for r in rows] == data["categories"]
    for i, row in enumerate(rows):
        assert row[1:] == [
            "—" if s["data"][i] is None else f"{s['data'][i]}{s['suffix']}" for s in data["series"]
        ]
    return data


def test_completion_by_unit_counts_done_open_and_overdue(staff, alice, bob, unit_a, unit_b):
    _tasks(unit_a, 5, done=2, overdue=1)
    _tasks(unit_b, 2, done=1)
    today = timezone.localdate()
    since = today - dt.timedelta(days=365)
    rows = {r["unit__name"]: r for r in completion_by_unit(user=staff, since=since)}
    a = rows[unit_a.name]
    assert (a["assigned"], a["done"], a["on_time"], a["overdue"], a["rate"]) == (5, 2, 2, 1, 40.0)
    assert rows[unit_b.name]["rate"] == 50.0
    # A head: their unit only.
    assert [r["unit__name"] for r in completion_by_unit(user=bob, since=since)] == [unit_b.name]
    # Deadlines before ``since`` are left out.
    assert completion_by_unit(user=staff, since=today + dt.timedelta(days=30)) == []


def test_staff_home_draws_every_chart_with_its_table(client, staff, unit_a, unit_b, alice):
    _hazards(unit_a, staff, 3)
    _tasks(unit_a, 3, done=1)
    _shifts(unit_a, [officer(unit_a), leader(unit_a)], 4)
    client.force_login(staff)
    body = client.get(reverse("home")).content.decode()
    for key in ("hazards-by-month", "rectification-by-unit", "task-completion-by-unit"):
        _assert_table_matches(body, key)
    hours = _assert_table_matches(body, "duty-hours-per-person")
    assert sum(hours["series"][0]["data"]) == 4 * 24
    month = _data(body, "hazards-by-month")
    assert sum(month["series"][0]["data"]) == 3
    # The chart scripts load once, as files.
    assert body.count("vendor/echarts/echarts.min.js") == 1
    assert body.count("js/charts.js") == 1
    assert "<script>" not in body


def test_head_home_charts_hold_only_their_unit(client, staff, alice, unit_a, unit_b):
    _hazards(unit_a, staff, 2)
    _hazards(unit_b, staff, 5)
    _tasks(unit_a, 2, done=1)
    _tasks(unit_b, 4)
    client.force_login(alice)
    body = client.get(reverse("home")).content.decode()
    assert sum(_data(body, "hazards-by-month")["series"][0]["data"]) == 2
    # A head gets the key areas (one unit is no comparison).
    assert 'id="chart-rectification-by-unit-data"' not in body
    _assert_table_matches(body, "hazards-by-area")
    tasks = _assert_table_matches(body, "task-completion-by-unit")
    assert tasks["categories"] == [unit_a.name]
    assert unit_b.name not in body
    # Heads build no rosters and are on none: no duty chart.
    assert 'data-testid="duty-charts-panel"' not in body


def test_duty_officer_sees_the_hours_chart(client, roles, unit_a):
    person = officer(unit_a)
    _shifts(unit_a, [person], 2)
    client.force_login(person)
    body = client.get(reverse("home")).content.decode()
    hours = _assert_table_matches(body, "duty-hours-per-person")
    assert hours["categories"] == [str(person)]


def test_no_chart_panel_for_a_user_without_the_roles(client, roles, unit_a):
    nobody = UserFactory(unit=unit_a, roles=[])
    client.force_login(nobody)
    body = client.get(reverse("home")).content.decode()
    assert "echarts" not in body and "chart-" not in body


def _count(client) -> int:
    client.get(reverse("home"))  # warm the per-user caches
    with CaptureQueriesContext(connection) as queries:
        assert client.get(reverse("home")).status_code == 200
    return len(queries.captured_queries)


@pytest.mark.parametrize("who", ["staff", "head"])
def test_home_chart_queries_do_not_grow(client, who, staff, alice, unit_a, unit_b):
    need_postgres()
    user = staff if who == "staff" else alice
    people = [officer(unit_a), leader(unit_a), UserFactory(unit=unit_a, roles=[Role.DUTY_OFFICER])]

    def add(n: int) -> None:
        _hazards(unit_a, staff, n)
        _hazards(unit_b, staff, n)
        _tasks(unit_a, n, done=n // 2, overdue=n // 3)
        _tasks(unit_b, n, done=n // 3)
        _shifts(unit_a, people, n)

    add(5)
    client.force_login(user)
    few = _count(client)
    add(45)
    many = _count(client)
    assert few == many, (few, many)
