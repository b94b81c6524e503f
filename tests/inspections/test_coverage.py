"""The coverage matrix of a key period (issue 16): its figures on a hand-built case,
who sees which rows and cells, its queries at 5 and 50 units, and its Excel export."""

import datetime as dt
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from inspections.selectors.coverage import Figures, coverage_matrix
from tests.helpers import count_queries

from ..documents.exports import export_job, export_response
from ..factories import EnterpriseFactory, KeyPeriodFactory, UnitFactory
from .conftest import make_hazard
from .factories import InspectionFactory, InspectionTaskFactory, key_area, plan_targets
from .test_xlsx_injection import assert_text_cell, sheet_of

PAGE = reverse("inspections:coverage")
CELL = reverse("inspections:coverage-cell")
API = reverse("api:coverage")
API_CELL = reverse("api:coverage-cell")


@pytest.fixture
def construction(db):
    return key_area("construction")


@pytest.fixture
def world(staff, alice, bob, fire, construction, enterprise_a, enterprise_b):
    """Dragon Boat 2024 (8-10 June; fire and construction), its fire task from 1 June
    planning enterprise A and A2 for unit A and enterprise B for unit B.

    Unit A inspected A on 5 June (answering its target), A2 only in May (outside the
    window); it supervises a building site nobody inspected (a gap), and answers two
    open hazards of A found on 5 June, one overdue. Unit B inspected nothing (a gap)."""
    period = KeyPeriodFactory(
        name="2024年端午节", start_date=dt.date(2024, 6, 8), end_date=dt.date(2024, 6, 10)
    )
    period.key_areas.set([fire, construction])
    a2 = EnterpriseFactory(name="东方广场", supervising_unit=alice.unit)
    a2.key_areas.set([fire])
    site = EnterpriseFactory(name="高新区某建筑工地", supervising_unit=alice.unit)
    site.key_areas.set([construction])
    task = InspectionTaskFactory(
        key_area=fire,
        key_period=period,
        start_date=dt.date(2024, 6, 1),
        deadline=dt.date(2024, 6, 7),
    )
    target_a, _target_a2 = plan_targets(task, alice.unit, enterprise_a, a2)
    plan_targets(task, bob.unit, enterprise_b)
    visit = InspectionFactory(enterprise=enterprise_a, key_area=fire, task=task)
    target_a.inspection = visit
    target_a.save()
    InspectionFactory(enterprise=a2, key_area=fire, date=dt.date(2024, 5, 1))
    make_hazard(staff, enterprise_a, inspection=visit)  # due 20 June 2024: overdue
    make_hazard(staff, enterprise_a, description="灭火器过期", deadline=dt.date(2099, 1, 1))
    make_hazard(staff, enterprise_a, found_on=dt.date(2024, 5, 2), deadline=dt.date(2024, 5, 9))
    return {"period": period, "a2": a2, "site": site, "task": task}


def figures(f):
    return (f.planned, f.planned_inspected, f.inspected, f.supervised, f.hazards, f.open, f.overdue)


def test_figures_states_and_gaps_of_a_hand_built_period(world, staff, unit_a, unit_b, fire):
    matrix = coverage_matrix(user=staff, key_period=world["period"])
    assert matrix.window_start == dt.date(2024, 6, 1)
    assert {a.code for a in matrix.key_areas} == {"fire", "construction"}
    cells = {
        (row.unit.pk, cell.key_area.code): cell.figures for row in matrix.rows for cell in row.cells
    }
    assert {unit for unit, _area in cells} == {unit_a.pk, unit_b.pk}
    a_fire = cells[unit_a.pk, "fire"]
    assert figures(a_fire) == (2, 1, 1, 2, 2, 2, 1)
    assert a_fire.state == "overdue"
    assert figures(cells[unit_a.pk, "construction"]) == (0, 0, 0, 1, 0, 0, 0)
    assert cells[unit_a.pk, "construction"].state == "gap"
    assert figures(cells[unit_b.pk, "fire"]) == (1, 0, 0, 1, 0, 0, 0)
    assert cells[unit_b.pk, "fire"].state == "gap"
    assert cells[unit_b.pk, "construction"].state == "empty"
    assert {(g.unit.pk, g.key_area.code) for g in matrix.gaps} == {
        (unit_a.pk, "construction"),
        (unit_b.pk, "fire"),
    }
    fire_total = next(c for c in matrix.column_totals if c.key_area == fire).figures
    assert figures(fire_total) == (3, 1, 1, 3, 2, 2, 1)
    assert figures(matrix.total) == (3, 1, 1, 4, 2, 2, 1)


@pytest.mark.parametrize(
    ("given", "state"),
    [
        ({"planned": 2, "planned_inspected": 2, "inspected": 2}, "full"),
        # Planned visits count as covered only when an inspection answered them.
        ({"planned": 2, "planned_inspected": 1, "inspected": 2}, "partial"),
        ({"supervised": 3, "inspected": 3}, "full"),
        ({"supervised": 3, "inspected": 1}, "partial"),
        ({"supervised": 3}, "gap"),
        ({"planned": 1, "supervised": 1, "hazards": 1, "open": 1, "overdue": 1}, "gap"),
        (
            {"planned": 1, "planned_inspected": 1, "inspected": 1, "open": 1, "overdue": 1},
            "overdue",
        ),
        ({"inspected": 1}, "full"),  # a visit beyond what the unit answers for
        ({"supervised": 3, "waiting": True}, "waiting"),  # its window still to open
        ({"supervised": 3, "inspected": 1, "waiting": True}, "partial"),
        ({}, "empty"),
    ],
)
def test_a_cells_state(given, state):
    assert Figures(**given).state == state


def test_a_key_period_still_to_come_names_no_gaps(world, staff, fire, construction, unit_a):
    coming = KeyPeriodFactory(
        name="2099年春节", start_date=dt.date(2099, 1, 20), end_date=dt.date(2099, 1, 26)
    )
    coming.key_areas.set([fire, construction])
    matrix = coverage_matrix(user=staff, key_period=coming)
    assert matrix.waiting and matrix.gaps == []
    row = next(r for r in matrix.rows if r.unit == unit_a)
    assert {c.figures.state for c in row.cells} == {"waiting"}


# --- Permissions ---------------------------------------------------------------------------


def test_staff_sees_every_unit_and_the_gaps_named(client, world, staff, unit_a, unit_b):
    client.force_login(staff)
    response = client.get(PAGE, {"key_period": world["period"].pk})
    assert response.status_code == 200
    body = response.content.decode()
    assert f'data-unit="{unit_a.pk}"' in body and f'data-unit="{unit_b.pk}"' in body
    assert body.count('data-testid="coverage-gap"') == 2
    assert 'data-state="gap"' in body and 'data-state="overdue"' in body
    assert "planned / inspected / hazards found / open / overdue" in body


def test_the_page_opens_on_the_latest_key_period(client, world, staff):
    client.force_login(staff)
    response = client.get(PAGE)
    assert response.context["matrix"].key_period == world["period"]


def test_head_sees_only_their_units_row(client, api_client, world, alice, unit_a, unit_b):
    client.force_login(alice)
    response = client.get(PAGE, {"key_period": world["period"].pk})
    assert [row.unit for row in response.context["matrix"].rows] == [unit_a]
    assert f'data-unit="{unit_b.pk}"' not in response.content.decode()
    api_client.force_authenticate(alice)
    body = api_client.get(API, {"key_period": world["period"].pk}).json()
    assert [row["unit"]["id"] for row in body["rows"]] == [unit_a.pk]
    assert {(g["unit"]["id"], g["key_area"]["name"]) for g in body["gaps"]} == {
        (unit_a.pk, "建筑施工")
    }


def test_head_drills_into_own_cell_but_not_another_units(
    client, api_client, world, alice, unit_a, unit_b, fire, enterprise_a
):
    client.force_login(alice)
    own = {"key_period": world["period"].pk, "unit": unit_a.pk, "key_area": fire.pk}
    response = client.get(CELL, own)
    assert response.status_code == 200
    rows = {e.pk: f for e, f in response.context["rows"]}
    assert set(rows) == {enterprise_a.pk, world["a2"].pk}
    assert (rows[enterprise_a.pk].hazards, rows[enterprise_a.pk].overdue) == (2, 1)
    assert rows[world["a2"].pk].state == "gap"
    other = {**own, "unit": unit_b.pk}
    assert client.get(CELL, other).status_code == 404
    api_client.force_authenticate(alice)
    assert api_client.get(API_CELL, other).status_code == 404
    body = api_client.get(API_CELL, own).json()
    assert body["count"] == 2
    assert {r["id"]: r["figures"]["overdue"] for r in body["results"]} == {
        enterprise_a.pk: 1,
        world["a2"].pk: 0,
    }


def test_staff_drills_into_any_cell(client, world, staff, unit_b, fire, enterprise_b):
    client.force_login(staff)
    query = {"key_period": world["period"].pk, "unit": unit_b.pk, "key_area": fire.pk}
    response = client.get(CELL, query)
    assert response.status_code == 200
    assert [e.pk for e, _f in response.context["rows"]] == [enterprise_b.pk]


def test_anonymous_is_sent_to_sign_in_and_the_api_answers_401(client, api_client, world):
    for url in (PAGE, CELL):
        response = client.get(url)
        assert response.status_code == 302 and reverse("login") in response["Location"]
    assert api_client.get(API).status_code == 401
    assert api_client.get(API_CELL).status_code == 401


def test_page_refuses_a_bad_filter_with_a_message_and_a_cell_without_its_unit(
    client, world, alice, unit_a, unit_b, fire
):
    client.force_login(alice)
    response = client.get(PAGE, {"key_period": world["period"].pk, "unit": unit_b.pk})
    assert response.status_code == 200
    assert [row.unit for row in response.context["matrix"].rows] == [unit_a]
    assert [m.level_tag for m in response.context["messages"]] == ["error"]
    assert client.get(PAGE, {"key_period": 999999}).status_code == 404
    response = client.get(CELL, {"key_period": world["period"].pk, "key_area": fire.pk})
    assert response.status_code == 400


def test_a_role_without_the_planned_visits_is_refused(client, world, officer_a):
    client.force_login(officer_a)
    assert client.get(PAGE).status_code == 403


def test_api_bad_key_period_is_404_and_bad_parameters_400(api_client, world, alice, unit_b, fire):
    api_client.force_authenticate(alice)
    assert api_client.get(API, {"key_period": 999999}).status_code == 404
    response = api_client.get(API, {"key_period": "abc"})
    assert response.status_code == 400
    assert response.json()["errors"][0]["attr"] == "key_period"
    response = api_client.get(API, {"key_period": world["period"].pk, "unit": unit_b.pk})
    assert response.status_code == 400
    assert response.json()["errors"][0]["attr"] == "unit"
    response = api_client.get(API_CELL, {"key_period": world["period"].pk, "key_area": fire.pk})
    assert response.status_code == 400
    assert response.json()["errors"][0]["attr"] == "unit"


def test_api_matrix_schema(api_client, world, staff, unit_a):
    api_client.force_authenticate(staff)
    body = api_client.get(API, {"key_period": world["period"].pk}).json()
    assert body["key_period"]["id"] == world["period"].pk
    assert body["window_start"] == "2024-06-01"
    row = next(r for r in body["rows"] if r["unit"]["id"] == unit_a.pk)
    fire = next(c for c in row["cells"] if c["figures"]["planned"] == 2)
    assert fire["figures"]["state"] == "overdue" and fire["figures"]["overdue"] == 1
    assert body["total"]["hazards"] == 2
    assert len(body["gaps"]) == 2


# --- Queries -------------------------------------------------------------------------------


def grow(period, fire, n: int, staff) -> None:
    """``n`` more units, each with an enterprise planned, inspected and with a hazard."""
    task = InspectionTaskFactory(
        key_area=fire,
        key_period=period,
        start_date=dt.date(2024, 6, 1),
        deadline=dt.date(2024, 6, 7),
    )
    for i in range(n):
        unit = UnitFactory(name=f"测试街道{n}-{i}")
        enterprise = EnterpriseFactory(name=f"测试企业{n}-{i}", supervising_unit=unit)
        enterprise.key_areas.set([fire])
        (target,) = plan_targets(task, unit, enterprise)
        target.inspection = InspectionFactory(enterprise=enterprise, key_area=fire, task=task)
        target.save()
        if i % 3 == 0:
            make_hazard(staff, enterprise)


@pytest.mark.parametrize("url", [PAGE, API])
def test_matrix_queries_do_not_grow_with_units(client, api_client, world, staff, fire, url):
    viewer = api_client if url == API else client
    if url == API:
        viewer.force_authenticate(staff)
    else:
        viewer.force_login(staff)
    params = {"key_period": world["period"].pk}
    grow(world["period"], fire, 5, staff)
    few = count_queries(viewer, url, params)
    grow(world["period"], fire, 45, staff)
    assert count_queries(viewer, url, params) == few


@pytest.mark.parametrize("url", [CELL, API_CELL])
def test_cell_queries_do_not_grow_with_enterprises(
    client, api_client, world, staff, unit_a, fire, url
):
    viewer = api_client if url == API_CELL else client
    if url == API_CELL:
        viewer.force_authenticate(staff)
    else:
        viewer.force_login(staff)
    params = {"key_period": world["period"].pk, "unit": unit_a.pk, "key_area": fire.pk}

    def more(n):
        for i in range(n):
            enterprise = EnterpriseFactory(name=f"加测企业{n}-{i}", supervising_unit=unit_a)
            enterprise.key_areas.set([fire])
            (target,) = plan_targets(world["task"], unit_a, enterprise)
            if i % 2:
                target.inspection = InspectionFactory(
                    enterprise=enterprise, key_area=fire, task=world["task"]
                )
                target.save()

    more(3)
    few = count_queries(viewer, url, params)
    more(45)
    assert count_queries(viewer, url, params) == few


# --- Excel -----------------------------------------------------------------------------------


def test_excel_export_shows_the_same_figures(client, world, staff, unit_a, unit_b):
    client.force_login(staff)
    document = export_job(client, "coverage_xlsx", {"key_period": world["period"].pk})
    assert document.status == "done", document.error
    response = client.get(reverse("documents:download", args=[document.pk]))
    book = load_workbook(io.BytesIO(b"".join(response.streaming_content)), read_only=True)
    matrix, gaps = book.worksheets
    rows = [tuple(r) for r in matrix.iter_rows(values_only=True)]
    assert world["period"].name in rows[0][0]
    by_cell = {(r[0], r[1]): r[2:9] for r in rows[3:]}
    assert by_cell[unit_a.name, "消防"] == (2, 1, 1, 2, 2, 2, 1)
    assert by_cell[unit_b.name, "消防"] == (1, 0, 0, 1, 0, 0, 0)
    assert rows[-1][2:9] == (3, 1, 1, 4, 2, 2, 1)  # the grand total
    named = {tuple(r) for r in gaps.iter_rows(min_row=2, values_only=True)}
    assert named == {(unit_a.name, "建筑施工"), (unit_b.name, "消防")}


def test_excel_export_writes_a_formula_like_name_as_text(client, world, staff, unit_a):
    typed = '=HYPERLINK("http://x","y")'
    unit_a.name = typed
    unit_a.save()
    client.force_login(staff)
    sheet = sheet_of(export_response(client, "coverage_xlsx", {"key_period": world["period"].pk}))
    assert_text_cell(sheet["A4"], typed)
    assert not any(cell.data_type == "f" for line in sheet.iter_rows() for cell in line)


def test_head_exports_only_their_unit(client, world, alice, unit_a):
    client.force_login(alice)
    document = export_job(client, "coverage_xlsx", {"key_period": world["period"].pk})
    response = client.get(reverse("documents:download", args=[document.pk]))
    book = load_workbook(io.BytesIO(b"".join(response.streaming_content)), read_only=True)
    rows = list(book.worksheets[0].iter_rows(values_only=True))[3:]
    # Each unit's cells and total, then the key areas' totals and the grand total.
    units = [r[0] for r in rows]
    assert units[:3] == [unit_a.name] * 3 and unit_a.name not in units[3:]
    assert len(set(units[3:])) == 1


def test_key_period_page_links_to_its_matrix(client, world, staff):
    client.force_login(staff)
    response = client.get(world["period"].get_absolute_url())
    assert f"{PAGE}?key_period={world['period'].pk}" in response.content.decode()
