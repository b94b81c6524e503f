"""The inspections API: the permission matrix on every resource, the transition actions
(409 for a move the graph does not allow, 400 for bad input, nothing saved half-way),
filters, and query counts that do not grow with the rows."""

import datetime as dt

import pytest

from inspections.models import Hazard, Inspection
from inspections.services import hazards as hazard_services
from inspections.services import reports as report_services
from inspections.services import tasks as task_services
from tests.helpers import authenticate, count_queries, pdf_upload, png_upload

from ..factories import EnterpriseFactory
from .conftest import FIVE, make_hazard
from .factories import (
    EnforcementActionFactory,
    InspectionFactory,
    InspectionTaskFactory,
    ViolationFactory,
)

API = "/api/v1/"
RESOURCES = [
    "checklist-templates",
    "inspection-tasks",
    "inspections",
    "hazards",
    "rectification-reports",
    "violations",
    "enforcement-actions",
]


@pytest.fixture
def api_client(api_client):
    api_client.default_format = "json"
    return api_client


@pytest.fixture
def world(staff, alice, unit_a, enterprise_a, template):
    """One record of each resource in unit A."""
    hazard = make_hazard(staff, enterprise_a)
    hazard_services.hazard_start_rectification(actor=alice, hazard=hazard)
    report = report_services.report_file(
        actor=alice, hazard=hazard, measures_taken="清理", completed_on=dt.date(2024, 6, 9)
    )
    inspection = InspectionFactory(enterprise=enterprise_a)
    task = InspectionTaskFactory()
    task.units.add(unit_a)
    violation = ViolationFactory(enterprise=enterprise_a)
    action = EnforcementActionFactory(enterprise=enterprise_a, violation=violation)
    return {
        "checklist-templates": template,
        "inspection-tasks": task,
        "inspections": inspection,
        "hazards": hazard,
        "rectification-reports": report,
        "violations": violation,
        "enforcement-actions": action,
    }


@pytest.mark.parametrize("resource", RESOURCES)
def test_anonymous_gets_401(api_client, world, resource):
    assert api_client.get(f"{API}{resource}/").status_code == 401
    assert api_client.get(f"{API}{resource}/{world[resource].pk}/").status_code == 401


@pytest.mark.parametrize("resource", RESOURCES)
def test_head_lists_and_reads_their_units_records(api_client, alice, world, resource):
    authenticate(api_client, alice)
    listed = api_client.get(f"{API}{resource}/")
    assert listed.status_code == 200
    assert world[resource].pk in {row["id"] for row in listed.json()["results"]}
    assert api_client.get(f"{API}{resource}/{world[resource].pk}/").status_code == 200


@pytest.mark.parametrize("resource", [r for r in RESOURCES if r != "checklist-templates"])
def test_head_of_another_unit_gets_404_and_an_empty_list(api_client, bob, world, resource):
    authenticate(api_client, bob)
    assert api_client.get(f"{API}{resource}/").json()["count"] == 0
    assert api_client.get(f"{API}{resource}/{world[resource].pk}/").status_code == 404


@pytest.mark.parametrize("resource", RESOURCES)
def test_staff_see_every_unit(api_client, staff, world, resource):
    authenticate(api_client, staff)
    assert api_client.get(f"{API}{resource}/{world[resource].pk}/").status_code == 200


def test_key_areas_are_the_organisations_catalogue(api_client, alice, catalogues):
    authenticate(api_client, alice)
    codes = {row["code"] for row in api_client.get(f"{API}key-areas/").json()}
    assert {"fire", "hazardous-chemicals", "construction"} <= codes


# --- Transitions ----------------------------------------------------------------------


def url(hazard, action=""):
    return f"{API}hazards/{hazard.pk}/" + (f"{action}/" if action else "")


def test_submit_accept_through_the_api(api_client, alice, staff, hazard_a):
    authenticate(api_client, alice)
    assert api_client.post(url(hazard_a, "start")).json()["status"] == "rectifying"
    response = api_client.post(
        url(hazard_a, "submit"),
        {"measures_taken": "清理", "completed_on": "2024-06-10", "funds_spent": "100.00"},
    )
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "submitted"
    authenticate(api_client, staff)
    response = api_client.post(url(hazard_a, "accept"), {"note": "合格"})
    assert response.json()["status"] == "accepted"
    assert response.json()["closed_at"]


def test_return_needs_a_reason_and_then_goes_back(api_client, alice, staff, hazard_a):
    hazard_services.hazard_start_rectification(actor=alice, hazard=hazard_a)
    report_services.report_file(
        actor=alice, hazard=hazard_a, measures_taken="清理", completed_on=dt.date(2024, 6, 9)
    )
    authenticate(api_client, staff)
    response = api_client.post(url(hazard_a, "return"), {})
    assert response.status_code == 400
    assert response.json()["errors"][0]["attr"] == "reason"
    response = api_client.post(url(hazard_a, "return"), {"reason": "照片不清"})
    assert response.json()["status"] == "returned"


def test_transition_outside_the_graph_is_a_409_with_a_message(api_client, staff, hazard_a):
    authenticate(api_client, staff)
    response = api_client.post(url(hazard_a, "accept"), {})
    assert response.status_code == 409
    body = response.json()
    assert body["type"] == "client_error"
    assert "cannot become" in body["errors"][0]["detail"]
    hazard_a.refresh_from_db()
    assert hazard_a.status == "reported"


def test_report_on_a_closed_hazard_is_a_409(api_client, alice, staff, hazard_a):
    from .conftest import close_hazard

    close_hazard(staff, alice, hazard_a)
    authenticate(api_client, alice)
    response = api_client.post(
        f"{API}rectification-reports/",
        {"hazard": hazard_a.pk, "measures_taken": "再次整改", "completed_on": "2024-06-20"},
    )
    assert response.status_code == 409
    assert hazard_a.reports.count() == 1


def test_major_hazard_without_five_implementations_is_a_400(api_client, alice, staff, enterprise_a):
    hazard = make_hazard(staff, enterprise_a, level="major")
    authenticate(api_client, alice)
    response = api_client.post(url(hazard, "start"))
    assert response.status_code == 400
    assert "five implementations" in response.json()["errors"][0]["detail"]
    response = api_client.patch(url(hazard), {**FIVE, "plan_time_limit": "2024-07-15"})
    assert response.status_code == 200, response.content
    assert api_client.post(url(hazard, "start")).json()["status"] == "rectifying"


def test_head_cannot_accept(api_client, alice, hazard_a):
    authenticate(api_client, alice)
    assert api_client.post(url(hazard_a, "accept"), {}).status_code == 403


def test_another_units_head_cannot_act_on_the_hazard(api_client, bob, hazard_a):
    authenticate(api_client, bob)
    assert api_client.post(url(hazard_a, "start")).status_code == 404


def test_deadline_before_finding_is_a_field_error(api_client, inspector_a, enterprise_a, fire):
    authenticate(api_client, inspector_a)
    response = api_client.post(
        f"{API}hazards/",
        {
            "enterprise": enterprise_a.pk,
            "key_area": fire.pk,
            "description": "配电箱门缺失",
            "found_on": "2024-06-05",
            "deadline": "2024-06-01",
        },
    )
    assert response.status_code == 400
    assert response.json()["errors"][0]["attr"] == "deadline"
    assert not Hazard.objects.exists()


def test_hazard_for_another_units_enterprise_is_refused_like_a_missing_one(
    api_client, inspector_a, enterprise_b, fire
):
    authenticate(api_client, inspector_a)
    response = api_client.post(
        f"{API}hazards/",
        {"enterprise": enterprise_b.pk, "key_area": fire.pk, "description": "x"},
    )
    assert response.status_code == 400
    assert response.json()["errors"][0]["code"] == "does_not_exist"


def test_report_with_evidence_by_multipart(api_client, alice, hazard_a):
    hazard_services.hazard_start_rectification(actor=alice, hazard=hazard_a)
    authenticate(api_client, alice)
    response = api_client.post(
        f"{API}rectification-reports/",
        {
            "hazard": hazard_a.pk,
            "measures_taken": "清理",
            "completed_on": "2024-06-10",
            "evidence_files": [png_upload()],
        },
        format="multipart",
    )
    assert response.status_code == 201, response.content
    assert len(response.json()["evidence"]) == 1


def test_inspection_created_through_the_api(api_client, inspector_a, enterprise_a, template):
    authenticate(api_client, inspector_a)
    items = list(template.items.order_by("order"))
    response = api_client.post(
        f"{API}inspections/",
        {
            "enterprise": enterprise_a.pk,
            "key_area": template.key_area_id,
            "template": template.pk,
            "date": "2024-06-05",
            "method": "unannounced",
            "inspectors": [inspector_a.pk],
            "answers": [
                {"item": item.pk, "result": "fail" if item.order == 1 else "pass", "note": ""}
                for item in items
            ],
        },
    )
    assert response.status_code == 201, response.content
    inspection = Inspection.objects.get()
    assert inspection.answers.filter(result="fail").count() == 1


def test_staff_issue_a_task_with_full_coverage(api_client, staff, unit_a, enterprise_a, fire):
    authenticate(api_client, staff)
    response = api_client.post(
        f"{API}inspection-tasks/",
        {
            "title": "消防专项检查",
            "key_area": fire.pk,
            "units": [unit_a.pk],
            "start_date": "2024-06-01",
            "deadline": "2024-06-30",
        },
    )
    assert response.status_code == 201, response.content
    assert response.json()["target_count"] == 1


def test_head_cannot_issue_a_task(api_client, alice, unit_a, fire):
    authenticate(api_client, alice)
    response = api_client.post(
        f"{API}inspection-tasks/",
        {"title": "x", "key_area": fire.pk, "units": [unit_a.pk], "deadline": "2024-06-30"},
    )
    assert response.status_code == 403


def test_hazard_filters(api_client, staff, enterprise_a, enterprise_b, unit_b):
    overdue = make_hazard(staff, enterprise_a, deadline=dt.date(2024, 6, 20))
    major = make_hazard(staff, enterprise_b, level="major", deadline=dt.date(2099, 1, 1))
    authenticate(api_client, staff)

    def ids(**params):
        return {row["id"] for row in api_client.get(f"{API}hazards/", params).json()["results"]}

    assert ids(overdue="true") == {overdue.pk}
    assert ids(overdue="false") == {major.pk}
    assert ids(level="major") == {major.pk}
    assert ids(unit=unit_b.pk) == {major.pk}
    rows = api_client.get(f"{API}hazards/", {"ordering": "deadline"}).json()["results"]
    assert [r["id"] for r in rows] == [overdue.pk, major.pk]


# --- Query counts ---------------------------------------------------------------------


def _fill(resource, rows, unit, staff, alice):
    for i in range(rows):
        enterprise = EnterpriseFactory(supervising_unit=unit)
        if resource == "hazards":
            make_hazard(staff, enterprise, level=["general", "major"][i % 2])
        elif resource == "rectification-reports":
            hazard = make_hazard(staff, enterprise)
            hazard_services.hazard_start_rectification(actor=alice, hazard=hazard)
            report_services.report_file(
                actor=alice,
                hazard=hazard,
                measures_taken="清理",
                completed_on=dt.date(2024, 6, 9),
                evidence=[png_upload()],
            )
        elif resource == "inspections":
            InspectionFactory(enterprise=enterprise)
        elif resource == "inspection-tasks":
            task = InspectionTaskFactory()
            task.units.add(unit)
        elif resource == "violations":
            ViolationFactory(enterprise=enterprise)
        elif resource == "enforcement-actions":
            EnforcementActionFactory(enterprise=enterprise)


@pytest.mark.parametrize(
    "resource",
    [
        "hazards",
        "rectification-reports",
        "inspections",
        "inspection-tasks",
        "violations",
        "enforcement-actions",
    ],
)
def test_list_query_count_is_the_same_for_5_and_50_rows(api_client, staff, alice, unit_a, resource):

    authenticate(api_client, staff)
    counts = []
    for rows in (5, 45):
        _fill(resource, rows, unit_a, staff, alice)
        counts.append(count_queries(api_client, f"{API}{resource}/", {"page_size": 100}))
    assert counts[0] == counts[1], counts


def test_task_detail_shows_coverage_per_unit(api_client, staff, alice, unit_a, enterprise_a, fire):
    task = task_services.inspection_task_create(
        actor=staff,
        title="消防检查",
        key_area=fire,
        units=[unit_a],
        start_date=dt.date(2024, 6, 1),
        deadline=dt.date(2024, 6, 30),
    )
    authenticate(api_client, alice)
    body = api_client.get(f"{API}inspection-tasks/{task.pk}/").json()
    assert body["coverage"] == [
        {"unit": unit_a.pk, "unit_name": unit_a.name, "targets": 1, "inspected": 0, "percent": 0}
    ]


def test_key_period_to_tasks_in_one_api_call(api_client, staff, alice, unit_a, enterprise_a, fire):
    from ..factories import KeyPeriodFactory

    period = KeyPeriodFactory(start_date=dt.date(2030, 6, 12), end_date=dt.date(2030, 6, 14))
    payload = {"key_period": period.pk, "key_areas": [fire.pk], "units": [unit_a.pk]}
    authenticate(api_client, alice)
    assert api_client.post(f"{API}inspection-tasks/from-key-period/", payload).status_code == 403
    authenticate(api_client, staff)
    response = api_client.post(f"{API}inspection-tasks/from-key-period/", payload)
    assert response.status_code == 201, response.content
    assert [row["target_count"] for row in response.json()] == [1]
    assert period.inspection_tasks.count() == 1


def test_hazard_with_photos_by_multipart(api_client, inspector_a, enterprise_a, fire):

    authenticate(api_client, inspector_a)
    payload = {
        "enterprise": enterprise_a.pk,
        "key_area": fire.pk,
        "description": "配电箱门缺失",
        "found_on": "2024-06-05",
    }
    bad = api_client.post(
        f"{API}hazards/", {**payload, "photo_files": [pdf_upload("x.jpg")]}, format="multipart"
    )
    assert bad.status_code == 400
    assert not Hazard.objects.exists()
    response = api_client.post(
        f"{API}hazards/", {**payload, "photo_files": [png_upload()]}, format="multipart"
    )
    assert response.status_code == 201, response.content
    assert len(response.json()["photos"]) == 1
    photo_url = response.json()["photos"][0]["url"]
    download = api_client.get(photo_url)
    assert download.status_code == 200
    assert b"".join(download.streaming_content).startswith(b"\x89PNG")


def test_evidence_is_downloaded_with_a_token_only_in_scope(api_client, alice, bob, hazard_a):
    hazard_services.hazard_start_rectification(actor=alice, hazard=hazard_a)
    report = report_services.report_file(
        actor=alice,
        hazard=hazard_a,
        measures_taken="清理",
        completed_on=dt.date(2024, 6, 9),
        evidence=[png_upload()],
    )
    authenticate(api_client, alice)
    url = api_client.get(f"{API}rectification-reports/{report.pk}/").json()["evidence"][0]["url"]
    assert api_client.get(url).status_code == 200
    authenticate(api_client, bob)
    assert api_client.get(url).status_code == 404


def test_inspectors_of_another_unit_are_refused(
    api_client, inspector_a, inspector_b, enterprise_a, template
):
    authenticate(api_client, inspector_a)
    response = api_client.post(
        f"{API}inspections/",
        {
            "enterprise": enterprise_a.pk,
            "key_area": template.key_area_id,
            "template": template.pk,
            "date": "2024-06-05",
            "inspectors": [inspector_a.pk, inspector_b.pk],
            "answers": [],
        },
    )
    assert response.status_code == 400
    assert response.json()["errors"][0]["attr"].startswith("inspectors")
