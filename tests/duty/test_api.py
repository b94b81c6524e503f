"""The duty API: the permission matrix, bad input that saves nothing, the actions,
and query counts that do not grow with rows."""

from datetime import date, timedelta

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from duty.models import DutyLogEntry, DutyRoster, Shift, StockMovement, WeatherWarning
from duty.services.incidents import incident_report_create, incident_update_create
from duty.services.log import handover_create, log_entry_create
from duty.services.resources import standby_create, stock_move, team_create
from duty.times import shift_window
from tests.factories import KeyPeriodFactory, UnitFactory
from tests.helpers import authenticate

from .factories import (
    ResourceFactory,
    RosterFactory,
    TeamFactory,
    WarningFactory,
    leader,
    officer,
    published,
    staff_shift,
)

pytestmark = pytest.mark.django_db
API = "/api/v1/"


@pytest.fixture
def api(api_client):
    api_client.default_format = "json"
    return api_client


def attrs(response) -> set[str]:
    return {e["attr"] for e in response.json()["errors"]}


# --- Permission matrix ---------------------------------------------------------------


@pytest.fixture
def objects_a(roster_a, shift_a, officer_a, unit_a, staff):
    with time_machine.travel("2024-06-01 20:00:00+08:00", tick=False):
        entry = log_entry_create(actor=officer_a, shift=shift_a, kind="patrol", content="巡查")
        report = incident_report_create(
            actor=officer_a,
            shift=shift_a,
            received_at=shift_window(shift_a.date)[0] + timedelta(hours=2),
            reported_by="群众",
            kind="fire",
            place="某小区",
            description="起火",
        )
    with time_machine.travel("2024-06-02 09:00:00+08:00", tick=False):
        handover = handover_create(actor=officer_a, shift=shift_a)
    resource = ResourceFactory(unit=unit_a)
    team = TeamFactory(unit=unit_a)
    movement = stock_move(actor=staff, resource=resource, direction="out", quantity=1)
    standby = standby_create(
        actor=staff,
        key_period=KeyPeriodFactory(),
        place="起点",
        team=team,
        starts_at=shift_window(date(2024, 6, 8))[0],
        ends_at=shift_window(date(2024, 6, 8))[0] + timedelta(hours=4),
    )
    return {
        "rosters": roster_a.pk,
        "shifts": shift_a.pk,
        "duty-logs": entry.pk,
        "incident-reports": report.pk,
        "handovers": handover.pk,
        "resources": resource.pk,
        "stock-movements": movement.pk,
        "rescue-teams": team.pk,
        "standby-assignments": standby.pk,
    }


RESOURCES = [
    "rosters",
    "shifts",
    "duty-logs",
    "incident-reports",
    "handovers",
    "resources",
    "stock-movements",
    "rescue-teams",
    "standby-assignments",
]


@pytest.mark.parametrize("resource", RESOURCES)
def test_officer_of_the_unit_reads_other_unit_gets_404_anonymous_401(
    api, objects_a, officer_a, officer_b, resource
):
    url = f"{API}{resource}/{objects_a[resource]}/"
    assert authenticate(api, officer_a).get(url).status_code == 200
    assert objects_a[resource] in {r["id"] for r in api.get(f"{API}{resource}/").json()["results"]}
    assert authenticate(api, officer_b).get(url).status_code == 404
    assert objects_a[resource] not in {
        r["id"] for r in api.get(f"{API}{resource}/").json()["results"]
    }
    assert authenticate(api, None).get(url).status_code == 401


@pytest.mark.parametrize("resource", ["rosters", "shifts", "resources", "rescue-teams"])
def test_heads_read_their_units_duty_but_not_another_units(api, objects_a, alice, bob, resource):
    url = f"{API}{resource}/{objects_a[resource]}/"
    assert authenticate(api, alice).get(url).status_code == 200
    assert authenticate(api, bob).get(url).status_code == 404


def test_heads_do_not_read_duty_logs(api, objects_a, alice):
    assert authenticate(api, alice).get(f"{API}duty-logs/").status_code == 403


def test_staff_read_everything(api, objects_a, staff):
    for resource in RESOURCES:
        url = f"{API}{resource}/{objects_a[resource]}/"
        assert authenticate(api, staff).get(url).status_code == 200, resource


# --- Rosters -------------------------------------------------------------------------


def test_staff_generate_check_and_publish_through_the_api(api, staff, roles):
    unit = staff.unit
    leaders = [leader(unit) for _ in range(3)]
    officers = [officer(unit) for _ in range(3)]
    authenticate(api, staff)
    response = api.post(
        f"{API}rosters/",
        {
            "title": "2024年6月值班表",
            "unit": unit.pk,
            "start_date": "2024-06-01",
            "end_date": "2024-06-30",
            "officers_per_shift": 1,
        },
    )
    assert response.status_code == 201, response.content
    pk = response.json()["id"]
    check = api.get(f"{API}rosters/{pk}/check/").json()
    assert check["passes"] is False
    response = api.post(f"{API}rosters/{pk}/publish/")
    assert response.status_code == 400
    assert not DutyRoster.objects.get().is_published
    response = api.post(
        f"{API}rosters/{pk}/generate/",
        {
            "leaders": [u.pk for u in leaders],
            "officers": [u.pk for u in officers],
        },
    )
    assert response.status_code == 200, response.content
    assert api.get(f"{API}rosters/{pk}/check/").json() == {"passes": True, "issues": []}
    response = api.post(f"{API}rosters/{pk}/publish/")
    assert response.status_code == 200 and response.json()["status"] == "published"
    # Steps the roster's graph refuses once it is published: 409, not a broken rule.
    assert api.post(f"{API}rosters/{pk}/publish/").status_code == 409
    again = {"leaders": [u.pk for u in leaders], "officers": [u.pk for u in officers]}
    assert api.post(f"{API}rosters/{pk}/generate/", again).status_code == 409


def test_generate_with_pools_too_small_says_which_days(api, staff, roles):
    roster = RosterFactory(unit=staff.unit, end_date=date(2024, 6, 3))
    response = authenticate(api, staff).post(
        f"{API}rosters/{roster.pk}/generate/",
        {
            "leaders": [leader(staff.unit).pk],
            "officers": [officer(staff.unit).pk],
        },
    )
    assert response.status_code == 400
    assert "2024-06-02" in str(response.json())
    assert not Shift.objects.exists()


def test_officers_cannot_generate(api, roster_a, officer_a):
    response = authenticate(api, officer_a).post(
        f"{API}rosters/{roster_a.pk}/generate/",
        {
            "leaders": [],
            "officers": [],
        },
    )
    assert response.status_code == 403


def test_shift_without_a_leader_or_overlapping_is_refused(api, staff, roles):
    roster = RosterFactory(unit=staff.unit, end_date=date(2024, 6, 3))
    o = officer(staff.unit)
    authenticate(api, staff)
    response = api.post(
        f"{API}shifts/",
        {
            "roster": roster.pk,
            "date": "2024-06-01",
            "leader": None,
            "officers": [o.pk],
        },
    )
    assert response.status_code == 400 and "leader" in attrs(response)
    ok = api.post(
        f"{API}shifts/",
        {
            "roster": roster.pk,
            "date": "2024-06-01",
            "leader": leader(staff.unit).pk,
            "officers": [o.pk],
        },
    )
    assert ok.status_code == 201, ok.content
    start = shift_window(date(2024, 6, 1))[0] + timedelta(hours=6)
    response = api.post(
        f"{API}shifts/",
        {
            "roster": roster.pk,
            "date": "2024-06-01",
            "leader": leader(staff.unit).pk,
            "officers": [officer(staff.unit).pk],
            "starts_at": start.isoformat(),
            "ends_at": (start + timedelta(hours=24)).isoformat(),
        },
    )
    assert response.status_code == 400 and "starts_at" in attrs(response)
    assert Shift.objects.count() == 1


@time_machine.travel("2024-06-01 12:00:00+08:00", tick=False)
def test_current_shifts_now_and_tonight(api, alice, roster_a, leader_a):
    response = authenticate(api, alice).get(f"{API}shifts/current/")
    assert response.status_code == 200
    body = response.json()
    assert [s["date"] for s in body["now"]] == ["2024-06-01"]
    assert [s["date"] for s in body["tonight"]] == ["2024-06-01"]
    assert leader_a.pk in {a["person"] for a in body["now"][0]["assignments"]}
    assert authenticate(api, None).get(f"{API}shifts/current/").status_code == 401


@time_machine.travel("2024-06-02 07:00:00+08:00", tick=False)
def test_before_change_over_tonight_is_the_coming_shift(api, alice, roster_a):
    body = authenticate(api, alice).get(f"{API}shifts/current/").json()
    assert [s["date"] for s in body["now"]] == ["2024-06-01"]
    assert [s["date"] for s in body["tonight"]] == ["2024-06-02"]


# --- Swaps, log, handover, incidents ---------------------------------------------------


@time_machine.travel("2024-05-20 10:00:00+08:00", tick=False)
def test_swap_through_the_api(api, staff, roster_a, officer_a):
    shifts = list(roster_a.shifts.order_by("date"))
    other = shifts[1].assignments.get(role="officer").person
    extra = officer(roster_a.unit)
    staff_shift(roster_a, date(2024, 6, 4), leader(roster_a.unit), extra)
    roster_a.end_date = date(2024, 6, 4)
    roster_a.save()
    shift4 = roster_a.shifts.get(date=date(2024, 6, 4))
    response = authenticate(api, officer_a).post(
        f"{API}swap-requests/",
        {
            "shift": shifts[0].pk,
            "counterpart": extra.pk,
            "counterpart_shift": shift4.pk,
            "reason": "家中有事",
        },
    )
    assert response.status_code == 400  # officer_a would be on 3 and 4 June
    response = api.post(
        f"{API}swap-requests/",
        {
            "shift": shifts[0].pk,
            "counterpart": other.pk,
            "reason": "家中有事",
        },
    )
    assert response.status_code == 400  # other is on 2 June, next to 1 June
    assert (
        authenticate(api, extra)
        .post(
            f"{API}swap-requests/",
            {
                "shift": shift4.pk,
                "counterpart": officer_a.pk,
                "reason": "x",
            },
        )
        .status_code
        == 400
    )


@time_machine.travel("2024-06-01 21:00:00+08:00", tick=False)
def test_log_entry_on_someone_elses_shift_is_refused(api, roster_a, officer_a):
    shift2 = roster_a.shifts.get(date=date(2024, 6, 2))
    response = authenticate(api, officer_a).post(
        f"{API}duty-logs/",
        {
            "shift": shift2.pk,
            "kind": "patrol",
            "content": "巡查",
        },
    )
    assert response.status_code == 400 and "shift" in attrs(response)
    shift1 = roster_a.shifts.get(date=date(2024, 6, 1))
    ok = api.post(f"{API}duty-logs/", {"shift": shift1.pk, "kind": "call", "content": "来电"})
    assert ok.status_code == 201, ok.content
    fix = api.post(
        f"{API}duty-logs/",
        {
            "shift": shift1.pk,
            "kind": "call",
            "content": "更正",
            "corrects": ok.json()["id"],
        },
    )
    assert fix.status_code == 201
    assert api.get(f"{API}duty-logs/{ok.json()['id']}/").json()["corrected_by"] == [
        fix.json()["id"]
    ]
    assert api.delete(f"{API}duty-logs/{ok.json()['id']}/").status_code in (403, 405)
    assert api.patch(f"{API}duty-logs/{ok.json()['id']}/", {"content": "x"}).status_code in (
        403,
        405,
    )
    assert DutyLogEntry.objects.count() == 2


@time_machine.travel("2024-06-02 09:00:00+08:00", tick=False)
def test_handover_and_incident_chain_through_the_api(api, roster_a, officer_a):
    shift1 = roster_a.shifts.get(date=date(2024, 6, 1))
    authenticate(api, officer_a)
    received = shift_window(shift1.date)[0] + timedelta(hours=10)
    report = api.post(
        f"{API}incident-reports/",
        {
            "shift": shift1.pk,
            "received_at": received.isoformat(),
            "reported_by": "消防大队",
            "kind": "fire",
            "level": "general",
            "place": "化工园区",
            "description": "起火",
        },
    )
    assert report.status_code == 201, report.content
    pk = report.json()["id"]
    first = api.post(
        f"{API}incident-reports/{pk}/updates/",
        {
            "kind": "first",
            "method": "phone",
            "content": "首报",
            "received_by": "市应急局",
            "sent_at": (received + timedelta(minutes=45)).isoformat(),
        },
    )
    assert first.status_code == 201, first.content
    deadlines = {d["label"]: d["state"] for d in first.json()["deadlines"]}
    assert sorted(deadlines.values()) == ["late", "overdue"]
    response = api.post(f"{API}handovers/", {"shift": shift1.pk, "new_matters": ["火场监护"]})
    assert response.status_code == 201, response.content
    # The fire has no final report yet: it carries over as a matter, before the new one.
    matters = response.json()["matters"]
    assert [m["incident"] for m in matters] == [pk, None]
    assert matters[1]["text"] == "火场监护"
    # Handed over already: a step the shift's graph refuses.
    assert api.post(f"{API}handovers/", {"shift": shift1.pk}).status_code == 409


def test_warning_ending_before_it_starts_is_refused(api, staff):
    response = authenticate(api, staff).post(
        f"{API}weather-warnings/",
        {
            "kind": "rainstorm",
            "level": "orange",
            "area": "全区",
            "issued_at": "2024-06-20T10:00:00+08:00",
            "valid_until": "2024-06-20T08:00:00+08:00",
        },
    )
    assert response.status_code == 400
    assert not WeatherWarning.objects.exists()


def test_a_warning_is_lifted_once(api, staff):
    warning = WarningFactory()
    authenticate(api, staff)
    assert api.post(f"{API}weather-warnings/{warning.pk}/lift/").status_code == 200
    assert api.post(f"{API}weather-warnings/{warning.pk}/lift/").status_code == 409


def test_only_staff_record_warnings_everyone_reads_them(api, staff, alice):
    WarningFactory()
    assert authenticate(api, alice).get(f"{API}weather-warnings/").json()["count"] == 1
    assert api.post(f"{API}weather-warnings/", {}).status_code == 403


def test_stock_movement_below_zero_is_refused(api, staff):
    resource = ResourceFactory(unit=staff.unit, quantity=2)
    response = authenticate(api, staff).post(
        f"{API}stock-movements/",
        {
            "resource": resource.pk,
            "direction": "out",
            "quantity": "3",
        },
    )
    assert response.status_code == 400 and "quantity" in attrs(response)
    assert not StockMovement.objects.exists()


def test_resource_stock_changes_only_by_movements(api, staff):
    response = authenticate(api, staff).post(
        f"{API}resources/",
        {
            "kind": "material",
            "name": "救生衣",
            "quantity": "40",
            "measure": "件",
            "low_stock_threshold": "10",
            "storage_place": "库房",
            "keeper": "张三",
        },
    )
    assert response.status_code == 201, response.content
    pk = response.json()["id"]
    assert response.json()["quantity"] == "40.00"
    api.patch(f"{API}resources/{pk}/", {"quantity": "1000", "keeper": "李四"})
    body = api.get(f"{API}resources/{pk}/").json()
    assert body["quantity"] == "40.00" and body["keeper"] == "李四"


# --- Query counts --------------------------------------------------------------------


def _make(kind: str, n: int, staff, unit, offset: int):
    for i in range(n):
        # A day between two: a handover is not made while the one before waits.
        day = date(2022, 1, 1) + timedelta(days=2 * (offset + i))
        if kind in ("rosters", "shifts", "duty-logs", "incident-reports", "handovers"):
            roster = published(RosterFactory(unit=unit, start_date=day, end_date=day))
            o = officer(unit)
            shift = staff_shift(roster, day, leader(unit), o, officer(unit))
            start = shift_window(day)[0]
            if kind == "duty-logs":
                DutyLogEntry.objects.create(
                    shift=shift, at=start, kind="call", content="x", author=o
                )
            if kind == "incident-reports":
                with time_machine.travel(start + timedelta(hours=2), tick=False):
                    report = incident_report_create(
                        actor=o,
                        shift=shift,
                        received_at=start + timedelta(hours=1),
                        reported_by="x",
                        kind="fire",
                        place="x",
                        description="x",
                    )
                    incident_update_create(
                        actor=o,
                        report=report,
                        kind="first",
                        method="phone",
                        content="x",
                        received_by="x",
                    )
            if kind == "handovers":
                with time_machine.travel(start + timedelta(hours=24), tick=False):
                    handover_create(actor=o, shift=shift, new_matters=["a", "b"])
        elif kind == "resources":
            ResourceFactory(unit=unit)
        elif kind == "stock-movements":
            stock_move(
                actor=staff, resource=ResourceFactory(unit=unit), direction="out", quantity=1
            )
        elif kind == "rescue-teams":
            team_create(
                actor=staff,
                unit=unit,
                name=f"队{offset + i}",
                speciality="x",
                leader="x",
                leader_phone="1",
                base="x",
                members=[{"name": "a"}, {"name": "b"}],
            )
        elif kind == "standby-assignments":
            period = KeyPeriodFactory(start_date=day, end_date=day)
            standby_create(
                actor=staff,
                key_period=period,
                place="x",
                team=TeamFactory(unit=unit),
                starts_at=shift_window(day)[0],
                ends_at=shift_window(day)[0] + timedelta(hours=2),
            )
        elif kind == "weather-warnings":
            WarningFactory(issued_at=shift_window(day)[0])


@pytest.mark.parametrize(
    "kind",
    [*RESOURCES, "weather-warnings"],
)
def test_list_queries_are_the_same_for_5_and_50_rows(api, staff, roles, kind):
    unit = UnitFactory()
    _make(kind, 5, staff, unit, 0)
    authenticate(api, staff)
    url = f"{API}{kind}/?page_size=100"
    api.get(url)  # warm-up: roles and permissions are cached after it
    with CaptureQueriesContext(connection) as five:
        assert len(api.get(url).json()["results"]) == 5
    _make(kind, 45, staff, unit, 100)
    api.get(url)  # warm again: making duty people changed group memberships
    with CaptureQueriesContext(connection) as fifty:
        assert len(api.get(url).json()["results"]) == 50
    assert len(five) == len(fifty), [q["sql"] for q in fifty.captured_queries]


def test_current_shift_queries_are_bounded(api, staff, roles):
    unit = UnitFactory()
    with time_machine.travel("2024-06-01 12:00:00+08:00", tick=False):
        for _ in range(3):
            roster = published(RosterFactory(unit=unit, end_date=date(2024, 6, 1)))
            staff_shift(roster, date(2024, 6, 1), leader(unit), officer(unit))
        authenticate(api, staff)
        with CaptureQueriesContext(connection) as three:
            api.get(f"{API}shifts/current/")
        for _ in range(10):
            roster = published(RosterFactory(unit=unit, end_date=date(2024, 6, 1)))
            staff_shift(roster, date(2024, 6, 1), leader(unit), officer(unit))
        with CaptureQueriesContext(connection) as thirteen:
            body = api.get(f"{API}shifts/current/").json()
        assert len(body["now"]) == 13
        assert len(three) == len(thirteen)


@time_machine.travel("2024-05-20 10:00:00+08:00", tick=False)
def test_swap_asked_accepted_and_approved_through_the_api(api, staff, roster_a, officer_a):
    extra = officer(roster_a.unit)
    staff_shift(roster_a, date(2024, 6, 5), leader(roster_a.unit), extra)
    shift1 = roster_a.shifts.get(date=date(2024, 6, 1))
    shift5 = roster_a.shifts.get(date=date(2024, 6, 5))
    response = authenticate(api, officer_a).post(
        f"{API}swap-requests/",
        {
            "shift": shift1.pk,
            "counterpart": extra.pk,
            "counterpart_shift": shift5.pk,
            "reason": "家中有事",
        },
    )
    assert response.status_code == 201, response.content
    pk = response.json()["id"]
    assert api.post(f"{API}swap-requests/{pk}/approve/").status_code == 403
    assert authenticate(api, extra).post(f"{API}swap-requests/{pk}/accept/").json()["status"] == (
        "accepted"
    )
    approved = authenticate(api, staff).post(f"{API}swap-requests/{pk}/approve/", {"note": "同意"})
    assert approved.status_code == 200 and approved.json()["status"] == "approved"
    # Decided: the swap's graph refuses every further step.
    assert api.post(f"{API}swap-requests/{pk}/approve/").status_code == 409
    assert api.post(f"{API}swap-requests/{pk}/reject/").status_code == 409
    assert authenticate(api, extra).post(f"{API}swap-requests/{pk}/decline/").status_code == 409
    assert authenticate(api, officer_a).post(f"{API}swap-requests/{pk}/cancel/").status_code == 409
    authenticate(api, staff)
    people = {a["person"] for a in api.get(f"{API}shifts/{shift1.pk}/").json()["assignments"]}
    assert extra.pk in people and officer_a.pk not in people
    # An outsider does not even see the request.
    assert (
        authenticate(api, officer(UnitFactory())).get(f"{API}swap-requests/{pk}/").status_code
        == 404
    )
