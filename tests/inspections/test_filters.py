"""One filter set per resource: the ledger page and the hazards API, given the same query
string, list the same hazards, with the same parameter names (inspections.filters); so do the
inspection, inspection task, rectification report and violation lists."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils.html import escape

from inspections.models import Inspection, Violation
from inspections.services import hazards as hazard_services

from ..helpers import assert_field_error, authenticate, listed_ids
from .conftest import close_hazard, make_hazard


@pytest.fixture
def ledger(staff, alice, enterprise_a, enterprise_b):
    overdue = make_hazard(staff, enterprise_a, deadline=dt.date(2024, 6, 20))
    major = make_hazard(staff, enterprise_b, level="major", deadline=dt.date(2099, 1, 1))
    hazard_services.hazard_supervise(
        actor=staff, hazard=major, office="区安委办", deadline=dt.date(2099, 1, 1)
    )
    closed = make_hazard(staff, enterprise_a, description="已销号的隐患")
    close_hazard(staff, alice, closed)
    return {"overdue": overdue, "major": major, "closed": closed}


def page_ids(client, user, params) -> set[int]:
    client.force_login(user)
    response = client.get(reverse("inspections:hazard-list"), params)
    assert response.status_code == 200
    assert not response.context["filter_form"].errors
    return {h.pk for h in response.context["page"].object_list}


def api_ids(client, user, params) -> set[int]:
    client.force_login(user)
    response = client.get(reverse("api:hazard-list"), params)
    assert response.status_code == 200, response.content
    return {row["id"] for row in response.json()["results"]}


QUERIES = [
    {},
    {"status": "open"},
    {"status": "accepted"},
    {"level": "major"},
    {"overdue": "true"},
    {"overdue": "false"},
    {"is_supervised": "true"},
    {"is_supervised": "false"},
    {"is_recurrence": "false"},
    {"found_from": "2024-06-06"},
    {"found_until": "2099-01-01", "status": "open"},
    {"search": "已销号"},
]


@pytest.mark.parametrize(
    "params", QUERIES, ids=lambda p: "&".join(f"{k}={v}" for k, v in p.items())
)
def test_the_ledger_page_and_the_api_list_the_same_hazards(client, staff, ledger, params):
    assert page_ids(client, staff, params) == api_ids(client, staff, params)


def test_open_means_every_open_status_on_both(client, staff, ledger):
    expected = {ledger["overdue"].pk, ledger["major"].pk}
    assert page_ids(client, staff, {"status": "open"}) == expected
    assert api_ids(client, staff, {"status": "open"}) == expected


def test_units_and_enterprises_filter_alike(client, staff, ledger, unit_b, enterprise_a):
    for params in ({"unit": unit_b.pk}, {"enterprise": enterprise_a.pk}):
        assert page_ids(client, staff, params) == api_ids(client, staff, params)
    assert api_ids(client, staff, {"unit": unit_b.pk}) == {ledger["major"].pk}


def test_a_heads_unit_choices_are_their_units_only(client, alice, unit_a, unit_b, ledger):
    client.force_login(alice)
    form = client.get(reverse("inspections:hazard-list")).context["filter_form"]
    assert list(form.fields["unit"].queryset) == [unit_a]


# --- Inspections, inspection tasks, rectification reports, violations ------------------


@pytest.fixture
def records(staff, alice, bob, unit_a, unit_b, enterprise_a, enterprise_b):
    """Two of each listed resource, one per unit, that the filters tell apart."""
    from inspections.services import reports as report_services

    from .factories import InspectionFactory, InspectionTaskFactory, ViolationFactory, key_area

    construction = key_area("construction")
    InspectionFactory(enterprise=enterprise_a, date=dt.date(2024, 6, 5))
    InspectionFactory(
        enterprise=enterprise_b, date=dt.date(2024, 5, 5), key_area=construction, conclusion="无"
    )
    fire_task = InspectionTaskFactory(title="端午节消防排查")
    fire_task.units.add(unit_a)
    gas_task = InspectionTaskFactory(title="燃气专项排查", key_area=construction)
    gas_task.units.add(unit_b)
    pending = make_hazard(staff, enterprise_a)
    hazard_services.hazard_start_rectification(actor=alice, hazard=pending)
    report_services.report_file(
        actor=alice, hazard=pending, measures_taken="清理通道", completed_on=dt.date(2024, 6, 9)
    )
    close_hazard(staff, bob, make_hazard(staff, enterprise_b, description="乙单位的隐患"))
    ViolationFactory(enterprise=enterprise_a, person="张三")
    ViolationFactory(enterprise=enterprise_b, kind="illegal_command", date=dt.date(2024, 5, 1))
    return {"construction": construction, "gas_task": gas_task}


LISTS = {
    "inspection-list": "api:inspection-list",
    "task-list": "api:inspection-task-list",
    "report-list": "api:rectification-report-list",
    "violation-list": "api:violation-list",
}


def _cases(records, unit_a, unit_b, enterprise_a):
    area = records["construction"].pk
    return [
        ("inspection-list", {"search": "硅谷"}),
        ("inspection-list", {"search": "无"}),
        ("inspection-list", {"unit": unit_b.pk}),
        ("inspection-list", {"key_area": area}),
        ("inspection-list", {"date_from": "2024-06-01"}),
        ("inspection-list", {"enterprise": enterprise_a.pk}),
        ("task-list", {"search": "燃气"}),
        ("task-list", {"unit": unit_a.pk}),
        ("task-list", {"key_area": area}),
        # The report page, asked no status, lists those pending review: both are asked one.
        ("report-list", {"status": "accepted"}),
        ("report-list", {"status": "pending"}),
        ("report-list", {"status": "", "unit": unit_b.pk}),
        ("report-list", {"status": "", "search": "通道"}),
        ("violation-list", {"kind": "illegal_command"}),
        ("violation-list", {"date_from": "2024-06-01"}),
        ("violation-list", {"search": "张三"}),
        ("violation-list", {"unit": unit_a.pk}),
    ]


def _page_rows(client, page: str, params) -> set[int]:
    response = client.get(reverse(f"inspections:{page}"), params)
    assert response.status_code == 200, (page, params)
    assert not response.context["filter_form"].errors, (page, params)
    return {row.pk for row in response.context["page"]}


def test_list_pages_and_the_api_list_the_same_rows(
    client, api_client, staff, records, unit_a, unit_b, enterprise_a
):
    client.force_login(staff)
    authenticate(api_client, staff)
    for page, params in _cases(records, unit_a, unit_b, enterprise_a):
        api = reverse(LISTS[page])
        on_page = _page_rows(client, page, params)
        in_api = listed_ids(api_client.get(api, params))
        assert on_page == in_api, (page, params, on_page, in_api)
        # Each query string tells rows apart, so that agreeing says something.
        assert in_api and in_api != listed_ids(api_client.get(api)), (page, params)


def test_the_page_form_takes_the_api_names(client, staff, records, unit_a, unit_b, enterprise_a):
    client.force_login(staff)
    for page, params in _cases(records, unit_a, unit_b, enterprise_a):
        form = client.get(reverse(f"inspections:{page}")).context["filter_form"]
        assert set(params) <= set(form.fields), (page, sorted(form.fields))


BAD = [
    ("inspection-list", "date_from", "x"),
    ("task-list", "key_area", "x"),
    ("report-list", "status", "bogus"),
    ("violation-list", "date_to", "2024-13-01"),
]


@pytest.mark.parametrize(("page", "name", "value"), BAD)
def test_a_bad_value_is_a_400_on_the_api_and_a_message_on_the_page(
    client, api_client, staff, records, page, name, value
):
    authenticate(api_client, staff)
    error = assert_field_error(api_client.get(reverse(LISTS[page]), {name: value}), name)
    client.force_login(staff)
    response = client.get(reverse(f"inspections:{page}"), {name: value})
    assert response.status_code == 200
    form = response.context["filter_form"]
    assert error["detail"] in form.errors[name]
    assert escape(error["detail"]) in response.content.decode()


def test_a_head_filtering_by_another_unit_gets_nothing_of_it(
    client, api_client, alice, records, unit_b
):
    from inspections.models import InspectionTask, RectificationReport

    theirs = {
        "inspection-list": set(Inspection.objects.filter(unit=unit_b).values_list("pk", flat=True)),
        "task-list": {records["gas_task"].pk},
        "report-list": set(
            RectificationReport.objects.filter(hazard__responsible_unit=unit_b).values_list(
                "pk", flat=True
            )
        ),
        "violation-list": set(Violation.objects.filter(unit=unit_b).values_list("pk", flat=True)),
    }
    assert all(theirs.values()) and InspectionTask.objects.count() == 2
    client.force_login(alice)
    authenticate(api_client, alice)
    for page, api in LISTS.items():
        params = {"unit": unit_b.pk, "status": ""}
        assert listed_ids(api_client.get(reverse(api), params)) == set(), page
        assert not _page_rows(client, page, params) & theirs[page], page
