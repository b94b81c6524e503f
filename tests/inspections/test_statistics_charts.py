"""The statistics charts: each series read through the scoping rule (PostgreSQL), the
json_script data and the table behind each chart hold the same numbers, a head's charts
show only their unit, the page opens on the latest quarter with data, and the charts
cost the same queries for 5 hazards as for 50."""

import datetime as dt
import json
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from inspections.charts import statistics_charts
from inspections.models import Hazard, HazardLevel
from inspections.selectors.statistics import (
    hazard_statistics,
    hazards_by_month,
    latest_data_day,
    month_starts,
)
from safetyzone.core.charts import Chart, Series

from ..factories import KeyAreaFactory
from .conftest import FIVE, close_hazard, make_hazard

pytestmark = pytest.mark.usefixtures("postgres_only")


def _close_on(hazard: Hazard, day: dt.date) -> None:
    moment = timezone.make_aware(dt.datetime.combine(day, dt.time(10, 0)))
    Hazard.objects.filter(pk=hazard.pk).update(closed_at=moment)


@pytest.fixture
def spread(staff, alice, bob, enterprise_a, enterprise_b):
    """Unit A: two hazards in May 2024 (one major, closed in June) and one in June; unit
    B: one in June 2024 and one overdue in April."""
    gas = KeyAreaFactory(name="燃气")
    a1 = make_hazard(
        staff, enterprise_a, found_on=dt.date(2024, 5, 6), level=HazardLevel.MAJOR, **FIVE
    )
    close_hazard(staff, alice, a1)
    _close_on(a1, dt.date(2024, 6, 3))
    make_hazard(staff, enterprise_a, found_on=dt.date(2024, 5, 20), key_area=gas)
    make_hazard(staff, enterprise_a, found_on=dt.date(2024, 6, 1))
    make_hazard(staff, enterprise_b, found_on=dt.date(2024, 6, 2))
    make_hazard(staff, enterprise_b, found_on=dt.date(2024, 4, 2), deadline=dt.date(2024, 4, 20))


def test_month_starts_cross_the_year():
    assert month_starts(dt.date(2024, 2, 10), 3) == [
        dt.date(2023, 12, 1),
        dt.date(2024, 1, 1),
        dt.date(2024, 2, 1),
    ]


def test_hazards_found_and_closed_per_month(spread, staff):
    rows = hazards_by_month(user=staff, last=dt.date(2024, 6, 30), months=3)
    assert rows == [
        {"month": dt.date(2024, 4, 1), "found": 1, "closed": 0},
        {"month": dt.date(2024, 5, 1), "found": 2, "closed": 0},
        {"month": dt.date(2024, 6, 1), "found": 2, "closed": 1},
    ]


def test_head_months_count_only_their_unit(spread, bob):
    rows = hazards_by_month(user=bob, last=dt.date(2024, 6, 30), months=3)
    assert [(r["found"], r["closed"]) for r in rows] == [(1, 0), (0, 0), (1, 0)]


def test_latest_data_day_is_in_the_users_scope(spread, staff, alice, bob):
    assert latest_data_day(user=staff) == dt.date(2024, 6, 2)
    assert latest_data_day(user=alice) == dt.date(2024, 6, 1)
    assert latest_data_day(user=bob) == dt.date(2024, 6, 2)


def test_latest_data_day_ignores_the_future_and_may_be_none(staff, enterprise_a):
    assert latest_data_day(user=staff) is None
    today = timezone.localdate()
    hazard = make_hazard(staff, enterprise_a, found_on=today, deadline=today + dt.timedelta(days=9))
    assert latest_data_day(user=staff) == today
    # A date past today (a clock set wrong where it was recorded) is not a period to open.
    Hazard.objects.filter(pk=hazard.pk).update(found_on=today + dt.timedelta(days=1))
    assert latest_data_day(user=staff) is None


def test_chart_series(spread, staff, unit_a, unit_b):
    stats = hazard_statistics(user=staff)
    monthly = hazards_by_month(user=staff, last=dt.date(2024, 6, 30), months=3)
    charts = {c.key: c for c in statistics_charts(stats=stats, monthly=monthly)}

    by_month = charts["hazards-by-month"]
    assert by_month.categories == ["2024-04", "2024-05", "2024-06"]
    assert [s.data for s in by_month.series] == [[1, 2, 2], [0, 0, 1]]

    by_unit = charts["rectification-by-unit"]
    assert by_unit.categories == [unit_a.name, unit_b.name]
    rate, overdue = by_unit.series
    # Every open hazard's 2024 deadline is past: all open ones are overdue.
    assert rate.data == [33.3, 0.0] and overdue.data == [2, 2]

    by_level = charts["hazards-by-level"]
    assert dict(zip(by_level.categories, by_level.series[0].data, strict=True)) == {
        str(HazardLevel.GENERAL.label): 4,
        str(HazardLevel.MAJOR.label): 1,
    }

    by_area = charts["hazards-by-area"]
    assert dict(zip(by_area.categories, by_area.series[0].data, strict=True)) == {
        "燃气": 1,
        by_area.categories[0]: 4,
    }


def test_head_charts_show_only_their_unit(spread, bob, unit_b):
    stats = hazard_statistics(user=bob)
    monthly = hazards_by_month(user=bob, last=dt.date(2024, 6, 30), months=3)
    charts = {c.key: c for c in statistics_charts(stats=stats, monthly=monthly)}
    assert charts["rectification-by-unit"].categories == [unit_b.name]
    assert sum(charts["hazards-by-level"].series[0].data) == 2


def _chart_data(body: str, key: str) -> dict:
    found = re.search(
        rf'<script id="chart-{key}-data" type="application/json">(.*?)</script>', body, re.S
    )
    assert found, key
    return json.loads(found.group(1))


def _table(body: str, key: str) -> list[list[str]]:
    found = re.search(rf'data-testid="chart-table-{key}">(.*?)</table>', body, re.S)
    assert found, key
    rows = re.findall(r"<tr>(.*?)</tr>", found.group(1), re.S)
    cells = re.compile(r"<t[hd][^>]*>(.*?)</t[hd]>", re.S)
    return [[re.sub(r"<[^>]+>", "", c).strip() for c in cells.findall(row)] for row in rows]


def test_page_json_and_tables_hold_the_same_numbers(client, spread, staff):
    client.force_login(staff)
    body = client.get(reverse("inspections:statistics")).content.decode()
    for key in ("hazards-by-month", "rectification-by-unit", "hazards-by-level", "hazards-by-area"):
        data = _chart_data(body, key)
        header, *rows = _table(body, key)
        assert header[1:] == [s["name"] for s in data["series"]], key
        assert [row[0] for row in rows] == data["categories"], key
        for i, row in enumerate(rows):
            expected = [
                "—" if s["data"][i] is None else f"{s['data'][i]}{s['suffix']}"
                for s in data["series"]
            ]
            assert row[1:] == expected, key
    # Only our own static files draw them: no inline script.
    assert "vendor/echarts/echarts.min.js" in body and "js/charts.js" in body
    assert "<script>" not in body


def test_page_labels_are_translated(client, settings, spread, staff):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "zh-hans"
    client.force_login(staff)
    body = client.get(reverse("inspections:statistics")).content.decode()
    data = _chart_data(body, "rectification-by-unit")
    assert [s["name"] for s in data["series"]] == ["整改率", "已逾期"]
    header = _table(body, "rectification-by-unit")[0]
    assert header[1:] == ["整改率", "已逾期"]


def test_head_page_charts_show_only_their_unit(client, spread, alice, unit_a, unit_b):
    client.force_login(alice)
    body = client.get(reverse("inspections:statistics")).content.decode()
    data = _chart_data(body, "rectification-by-unit")
    assert data["categories"] == [unit_a.name]
    assert unit_b.name not in body
    level = _chart_data(body, "hazards-by-level")
    assert sum(level["series"][0]["data"]) == 3


def test_page_opens_on_the_latest_quarter_with_data(client, spread, staff):
    client.force_login(staff)
    response = client.get(reverse("inspections:statistics"))
    assert (response.context["table"]["year"], response.context["table"]["quarter"]) == (2024, 2)
    # The months end with that quarter's.
    assert _chart_data(response.content.decode(), "hazards-by-month")["categories"][-1] == (
        "2024-06"
    )
    # Asked for, another quarter is shown.
    asked = client.get(reverse("inspections:statistics"), {"year": 2023, "quarter": 4})
    assert asked.context["table"]["quarter"] == 4


def test_empty_charts_say_so(client, staff):
    client.force_login(staff)
    body = client.get(reverse("inspections:statistics")).content.decode()
    assert 'data-testid="chart-empty-hazards-by-month"' in body
    assert 'id="chart-hazards-by-month-data"' not in body


def test_statistics_charts_queries_do_not_grow(client, staff, alice, enterprise_a):
    from .test_views import assert_same_queries_for_5_and_50

    def add(n):
        for i in range(n):
            hazard = make_hazard(
                staff,
                enterprise_a,
                level=["general", "major"][i % 2],
                key_area=KeyAreaFactory(),
                found_on=dt.date(2024, 1 + i % 6, 3),
                **FIVE,
            )
            if i % 3 == 0:
                close_hazard(staff, alice, hazard)

    client.force_login(staff)
    assert_same_queries_for_5_and_50(client, reverse("inspections:statistics"), add)


def test_chart_rows_show_missing_numbers_as_a_dash():
    chart = Chart(
        key="k",
        title="t",
        category_label="c",
        categories=["a", "b"],
        series=[Series("rate", [None, 50.0], suffix="%")],
    )
    assert chart.rows() == [("a", ["—"]), ("b", ["50.0%"])]
    assert chart.data()["series"][0]["data"] == [None, 50.0]
