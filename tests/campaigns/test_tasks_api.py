"""The tasks API: tasks with nested assignments and their lights, the steps as actions,
extension requests, chasers and progress reports; the permission matrix, 400s with field
errors, filters as the pages, query counts and the schema."""

from datetime import date, timedelta

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.utils import timezone

from campaigns.models import (
    AssignmentAttachment,
    Chaser,
    ExtensionRequest,
    ProgressReport,
    Task,
    TaskAssignment,
)
from campaigns.services.assignments import assignment_complete
from tests.factories import (
    CampaignFactory,
    ChaserFactory,
    ExtensionRequestFactory,
    UnitFactory,
    task_for_units,
)
from tests.helpers import assert_field_error, authenticate, count_queries, listed_ids, png_upload

TASKS = "/api/v1/tasks/"
ASSIGNMENTS = "/api/v1/task-assignments/"
EXTENSIONS = "/api/v1/extension-requests/"
CHASERS = "/api/v1/chasers/"
REPORTS = "/api/v1/progress-reports/"
Status = TaskAssignment.Status


@pytest.fixture
def api_client(api_client):
    api_client.default_format = "json"
    return api_client


@pytest.fixture
def task(unit_a, unit_b):
    return task_for_units(lead=unit_a, assisting=[unit_b], title="危化品企业隐患排查")


def in_progress(assignment):
    assignment.status = Status.IN_PROGRESS
    assignment.save()
    return assignment


# --- Tasks --------------------------------------------------------------------------------


def test_head_sees_a_shared_task_with_only_their_own_assignment(
    api_client, alice, task, a_assignment, unit_b
):
    task_for_units(lead=unit_b, title="只属于乙的任务")
    authenticate(api_client, alice)
    response = api_client.get(TASKS)
    assert listed_ids(response) == {task.pk}
    row = response.json()["results"][0]
    assert [a["id"] for a in row["assignments"]] == [a_assignment.pk]
    detail = api_client.get(f"{TASKS}{task.pk}/").json()
    assert [a["unit"] for a in detail["assignments"]] == [a_assignment.unit_id]
    nested = detail["assignments"][0]
    assert set(nested) >= {"status", "deadline", "light", "extension_count", "role"}


def test_staff_sees_every_assignment_nested(api_client, staff, task, a_assignment, b_assignment):
    authenticate(api_client, staff)
    detail = api_client.get(f"{TASKS}{task.pk}/").json()
    assert {a["id"] for a in detail["assignments"]} == {a_assignment.pk, b_assignment.pk}


def test_lights_in_the_api(api_client, staff, unit_a):
    with time_machine.travel("2024-06-05 10:00:00+08:00", tick=False):
        soon = task_for_units(lead=unit_a, deadline=date(2024, 6, 11))
        later = task_for_units(lead=unit_a, deadline=date(2024, 6, 12))
        late = task_for_units(lead=unit_a, deadline=date(2024, 6, 4))
        done = task_for_units(lead=unit_a, deadline=date(2024, 6, 4))
        done.assignments.update(status=Status.DONE)
        authenticate(api_client, staff)
        rows = api_client.get(TASKS, {"page_size": 100}).json()["results"]
        lights = {row["id"]: row["assignments"][0]["light"] for row in rows}
        assert lights == {
            soon.pk: "yellow",
            later.pk: "green",
            late.pk: "red",
            done.pk: "none",
        }
        response = api_client.get(ASSIGNMENTS, {"light": "yellow"})
        assert listed_ids(response) == {soon.assignments.get().pk}
        assert response.json()["results"][0]["light"] == "yellow"


def task_payload(lead, assisting=(), **overrides) -> dict:
    payload = {
        "title": "端午节前燃气场所隐患排查",
        "content": "全覆盖排查，零容忍整治。",
        "deadline": (timezone.localdate() + timedelta(days=14)).isoformat(),
        "lead_unit": lead.pk,
        "assisting_units": [u.pk for u in assisting],
    }
    payload.update(overrides)
    return payload


def test_staff_creates_a_task(api_client, staff, unit_a, unit_b):
    authenticate(api_client, staff)
    response = api_client.post(TASKS, task_payload(unit_a, [unit_b]))
    assert response.status_code == 201, response.content
    body = response.json()
    task = Task.objects.get()
    assert body["id"] == task.pk
    assert {a["unit"]: a["role"] for a in body["assignments"]} == {
        unit_a.pk: "lead",
        unit_b.pk: "assist",
    }


def test_create_with_working_days(api_client, staff, unit_a):
    authenticate(api_client, staff)
    with time_machine.travel("2024-06-05 10:00:00+08:00", tick=False):
        payload = task_payload(unit_a, deadline=None, deadline_working_days=3)
        response = api_client.post(TASKS, payload)
    assert response.status_code == 201, response.content
    assert response.json()["deadline"] == "2024-06-11"


@pytest.mark.parametrize(
    ("overrides", "attr", "code"),
    [
        ({"deadline": "2020-01-01"}, "deadline", "past"),
        ({"assisting_units": "lead"}, "assisting_units", "lead_also_assisting"),
        ({"deadline": None}, "deadline", "required"),
        ({"deadline_working_days": 5}, "deadline_working_days", "deadline_twice"),
        ({"title": ""}, "title", "blank"),
        ({"lead_unit": 999999}, "lead_unit", "does_not_exist"),
    ],
)
def test_bad_task_input_is_a_400_with_field_errors(
    api_client, staff, unit_a, overrides, attr, code
):
    if overrides.get("assisting_units") == "lead":
        overrides = {"assisting_units": [unit_a.pk]}
    authenticate(api_client, staff)
    response = api_client.post(TASKS, task_payload(unit_a, **overrides))
    assert_field_error(response, attr, code)
    assert not Task.objects.exists()
    assert not TaskAssignment.objects.exists()


def test_staff_patches_a_task_deadline(api_client, staff, task, a_assignment):
    authenticate(api_client, staff)
    new = (timezone.localdate() + timedelta(days=60)).isoformat()
    response = api_client.patch(f"{TASKS}{task.pk}/", {"deadline": new})
    assert response.status_code == 200, response.content
    assert {a["deadline"] for a in response.json()["assignments"]} == {new}
    a_assignment.refresh_from_db()
    assert a_assignment.deadline.isoformat() == new


def test_heads_cannot_create_or_edit_tasks(api_client, alice, task, unit_a):
    authenticate(api_client, alice)
    assert api_client.post(TASKS, task_payload(unit_a)).status_code == 403
    assert api_client.patch(f"{TASKS}{task.pk}/", {"title": "改"}).status_code == 403
    assert Task.objects.count() == 1


def test_head_gets_404_on_a_task_of_another_unit(api_client, alice, bob, unit_b):
    other = task_for_units(lead=unit_b)
    assert authenticate(api_client, bob).get(f"{TASKS}{other.pk}/").status_code == 200
    response = authenticate(api_client, alice).get(f"{TASKS}{other.pk}/")
    assert response.status_code == 404


def test_task_filters_as_the_page(api_client, staff, unit_a, unit_b):
    campaign = CampaignFactory(lead_unit=unit_a)
    today = timezone.localdate()
    overdue = task_for_units(lead=unit_a, title="逾期任务", deadline=today - timedelta(days=3))
    special = task_for_units(lead=unit_b, title="专项任务", campaign=campaign)
    authenticate(api_client, staff)
    assert listed_ids(api_client.get(TASKS, {"overdue": "true"})) == {overdue.pk}
    assert listed_ids(api_client.get(TASKS, {"campaign": campaign.pk})) == {special.pk}
    assert listed_ids(api_client.get(TASKS, {"unit": unit_b.pk})) == {special.pk}
    assert listed_ids(api_client.get(TASKS, {"search": "专项"})) == {special.pk}
    assert listed_ids(api_client.get(TASKS, {"status": "done"})) == set()
    before = (today - timedelta(days=1)).isoformat()
    assert listed_ids(api_client.get(TASKS, {"deadline_before": before})) == {overdue.pk}
    assert_field_error(api_client.get(TASKS, {"light": "purple"}), "light", "invalid_choice")


# --- Assignments and their steps ----------------------------------------------------------


def test_assignments_are_scoped(api_client, alice, staff, a_assignment, b_assignment):
    assert listed_ids(authenticate(api_client, alice).get(ASSIGNMENTS)) == {a_assignment.pk}
    assert api_client.get(f"{ASSIGNMENTS}{b_assignment.pk}/").status_code == 404
    detail = api_client.get(f"{ASSIGNMENTS}{a_assignment.pk}/").json()
    assert detail["light"] in {"green", "yellow", "red"}
    assert detail["history"] == []
    assert listed_ids(authenticate(api_client, staff).get(ASSIGNMENTS)) == {
        a_assignment.pk,
        b_assignment.pk,
    }


def test_alice_signs_starts_and_completes_with_files(api_client, alice, a_assignment):
    authenticate(api_client, alice)
    base = f"{ASSIGNMENTS}{a_assignment.pk}"
    response = api_client.post(f"{base}/sign/")
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "signed"
    assert response.json()["signed_by"] == alice.pk
    assert api_client.post(f"{base}/start/").json()["status"] == "in_progress"
    response = api_client.post(
        f"{base}/complete/",
        {"feedback": "已完成", "attachments": [png_upload("a.png"), png_upload("b.png")]},
        format="multipart",
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["status"] == "done"
    assert body["light"] == "none"
    assert len(body["attachments"]) == 2
    assert [e["action"] for e in body["history"]] == ["signed", "started", "completed"]
    file_response = api_client.get(body["attachments"][0]["url"])
    assert file_response.status_code == 200
    assert b"".join(file_response.streaming_content).startswith(b"\x89PNG")


def test_bob_cannot_see_sign_or_complete_alices_assignment(api_client, bob, a_assignment):
    authenticate(api_client, bob)
    base = f"{ASSIGNMENTS}{a_assignment.pk}"
    assert api_client.get(f"{base}/").status_code == 404
    assert api_client.post(f"{base}/sign/").status_code == 404
    response = api_client.post(f"{base}/complete/", {"feedback": "冒名"}, format="multipart")
    assert response.status_code == 404
    a_assignment.refresh_from_db()
    assert a_assignment.status == Status.ISSUED


def test_bob_cannot_fetch_alices_attachment(api_client, alice, bob, a_assignment, b_assignment):
    assignment_complete(
        assignment=in_progress(a_assignment),
        actor=alice,
        feedback="完成",
        attachments=[png_upload()],
    )
    attachment = a_assignment.attachments.get()
    authenticate(api_client, bob)
    # Neither through A's assignment nor by pairing it with B's own assignment.
    for base in (a_assignment.pk, b_assignment.pk):
        url = f"{ASSIGNMENTS}{base}/attachments/{attachment.pk}/"
        assert api_client.get(url).status_code == 404


def test_a_step_out_of_order_is_a_409(api_client, alice, a_assignment):
    authenticate(api_client, alice)
    response = api_client.post(f"{ASSIGNMENTS}{a_assignment.pk}/start/")
    assert response.status_code == 409, response.content
    assert response.json()["errors"][0]["code"] == "invalid_transition"


def test_completing_without_feedback_or_with_a_bad_file(api_client, alice, a_assignment):
    in_progress(a_assignment)
    authenticate(api_client, alice)
    url = f"{ASSIGNMENTS}{a_assignment.pk}/complete/"
    assert_field_error(
        api_client.post(url, {"feedback": ""}, format="multipart"), "feedback", "required"
    )
    fake = SimpleUploadedFile("x.pdf", b"plain text " * 20, content_type="application/pdf")
    response = api_client.post(
        url, {"feedback": "完成", "attachments": [png_upload(), fake]}, format="multipart"
    )
    assert_field_error(response, "attachments", "file_type")
    a_assignment.refresh_from_db()
    assert a_assignment.status == Status.IN_PROGRESS
    assert not AssignmentAttachment.objects.exists()


def test_staff_return_and_chase_heads_cannot(api_client, alice, staff, a_assignment):
    a_assignment.status = Status.DONE
    a_assignment.save()
    base = f"{ASSIGNMENTS}{a_assignment.pk}"
    authenticate(api_client, alice)
    assert api_client.post(f"{base}/return/", {"reason": "x"}).status_code == 403
    assert api_client.post(f"{base}/chase/", {"message": "x"}).status_code == 403
    authenticate(api_client, staff)
    assert_field_error(api_client.post(f"{base}/return/", {"reason": ""}), "reason", "required")
    response = api_client.post(f"{base}/return/", {"reason": "缺少照片"})
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "returned"
    response = api_client.post(f"{base}/chase/", {"message": "请尽快重新反馈"})
    assert response.status_code == 201, response.content
    assert response.json()["sent_by"] == staff.pk
    assert Chaser.objects.get().message == "请尽快重新反馈"


def test_staff_cannot_sign_for_a_unit(api_client, staff, a_assignment):
    authenticate(api_client, staff)
    assert api_client.post(f"{ASSIGNMENTS}{a_assignment.pk}/sign/").status_code == 403


# --- Extensions -----------------------------------------------------------------------------


def test_extension_request_and_decision(api_client, alice, bob, staff, a_assignment):
    url = f"{ASSIGNMENTS}{a_assignment.pk}/request-extension/"
    authenticate(api_client, alice)
    earlier = (a_assignment.deadline - timedelta(days=1)).isoformat()
    response = api_client.post(url, {"requested_deadline": earlier, "reason": "人手不足"})
    assert_field_error(response, "requested_deadline", "not_later")
    assert not ExtensionRequest.objects.exists()
    later = (a_assignment.deadline + timedelta(days=7)).isoformat()
    response = api_client.post(url, {"requested_deadline": later, "reason": "人手不足"})
    assert response.status_code == 201, response.content
    extension_id = response.json()["id"]
    assert_field_error(
        api_client.post(url, {"requested_deadline": later, "reason": "再次"}),
        "non_field_errors",
        "pending_exists",
    )
    decide = f"{EXTENSIONS}{extension_id}/decide/"
    assert api_client.post(decide, {"grant": True}).status_code == 403  # alice
    assert authenticate(api_client, bob).post(decide, {"grant": True}).status_code == 404
    authenticate(api_client, staff)
    assert_field_error(api_client.post(decide, {"note": "x"}), "grant", "required")
    response = api_client.post(decide, {"grant": True, "note": "同意"})
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "granted"
    detail = api_client.get(f"{ASSIGNMENTS}{a_assignment.pk}/").json()
    assert (detail["deadline"], detail["extension_count"]) == (later, 1)
    # A second decision: the request's graph refuses it, a 409 (was a 400).
    again = api_client.post(decide, {"grant": False, "note": "x"})
    assert again.status_code == 409, again.content


def test_refusing_needs_a_note(api_client, staff, alice, a_assignment):
    extension = ExtensionRequestFactory(assignment=a_assignment, requested_by=alice)
    authenticate(api_client, staff)
    url = f"{EXTENSIONS}{extension.pk}/decide/"
    assert_field_error(api_client.post(url, {"grant": False}), "note", "required")
    response = api_client.post(url, {"grant": False, "note": "理由不充分"})
    assert response.json()["status"] == "refused"
    a_assignment.refresh_from_db()
    assert a_assignment.extension_count == 0


def test_extension_requests_are_scoped_and_filtered(
    api_client, alice, staff, a_assignment, b_assignment
):
    mine = ExtensionRequestFactory(assignment=a_assignment)
    theirs = ExtensionRequestFactory(assignment=b_assignment, status="refused")
    assert listed_ids(authenticate(api_client, alice).get(EXTENSIONS)) == {mine.pk}
    authenticate(api_client, staff)
    assert listed_ids(api_client.get(EXTENSIONS)) == {mine.pk, theirs.pk}
    assert listed_ids(api_client.get(EXTENSIONS, {"status": "pending"})) == {mine.pk}


# --- Chasers ------------------------------------------------------------------------------


def test_chasers_acknowledged_by_the_unit(
    api_client, alice, bob, staff, a_assignment, b_assignment
):
    mine = ChaserFactory(assignment=a_assignment, sent_by=staff)
    ChaserFactory(assignment=b_assignment, sent_by=staff)
    authenticate(api_client, alice)
    assert listed_ids(api_client.get(CHASERS, {"open": "true"})) == {mine.pk}
    response = api_client.post(f"{CHASERS}{mine.pk}/acknowledge/")
    assert response.status_code == 200, response.content
    assert response.json()["acknowledged_by"] == alice.pk
    assert listed_ids(api_client.get(CHASERS, {"open": "true"})) == set()
    again = api_client.post(f"{CHASERS}{mine.pk}/acknowledge/")  # signed for once: 409
    assert again.status_code == 409, again.content
    assert again.json()["errors"][0]["code"] == "already_signed"
    assert authenticate(api_client, bob).post(f"{CHASERS}{mine.pk}/acknowledge/").status_code == 404
    open_one = ChaserFactory(assignment=a_assignment, sent_by=staff)
    response = authenticate(api_client, staff).post(f"{CHASERS}{open_one.pk}/acknowledge/")
    assert response.status_code == 403


def test_open_chasers_count_on_the_assignment(api_client, alice, staff, a_assignment):
    ChaserFactory(assignment=a_assignment, sent_by=staff)
    authenticate(api_client, alice)
    assert api_client.get(f"{ASSIGNMENTS}{a_assignment.pk}/").json()["open_chasers"] == 1


# --- Progress reports ---------------------------------------------------------------------


def test_progress_reports(api_client, alice, bob, unit_a):
    with time_machine.travel("2024-05-10 10:00:00+08:00", tick=False):
        task = task_for_units(lead=unit_a, report_every="monthly", deadline=date(2024, 9, 30))
    assignment = task.assignments.get()
    with time_machine.travel("2024-07-15 10:00:00+08:00", tick=False):
        authenticate(api_client, alice)
        detail = api_client.get(f"{ASSIGNMENTS}{assignment.pk}/").json()
        assert detail["reports_missing"] == ["2024-05-31", "2024-06-30"]
        payload = {"assignment": assignment.pk, "period_end": "2024-06-15", "content": "进展"}
        assert_field_error(api_client.post(REPORTS, payload), "period_end", "not_a_period")
        payload["period_end"] = "2024-05-31"
        response = api_client.post(REPORTS, payload)
        assert response.status_code == 201, response.content
        assert response.json()["submitted_by"] == alice.pk
        assert_field_error(api_client.post(REPORTS, payload), "period_end", "already_reported")
        detail = api_client.get(f"{ASSIGNMENTS}{assignment.pk}/").json()
        assert detail["reports_missing"] == ["2024-06-30"]
        assert listed_ids(api_client.get(REPORTS)) == {ProgressReport.objects.get().pk}
        # Bob cannot see the assignment, so cannot report on it.
        authenticate(api_client, bob)
        payload["period_end"] = "2024-06-30"
        assert_field_error(api_client.post(REPORTS, payload), "assignment", "does_not_exist")
        assert listed_ids(api_client.get(REPORTS)) == set()


# --- Anonymous ----------------------------------------------------------------------------


def test_anonymous_gets_401_everywhere(api_client, task, a_assignment):
    chaser = ChaserFactory(assignment=a_assignment)
    extension = ExtensionRequestFactory(assignment=a_assignment)
    for url in (TASKS, ASSIGNMENTS, EXTENSIONS, CHASERS, REPORTS, f"{TASKS}{task.pk}/"):
        response = api_client.get(url)
        assert response.status_code == 401, url
        assert response.json()["type"] == "client_error"
    base = f"{ASSIGNMENTS}{a_assignment.pk}"
    for url in (
        TASKS,
        f"{base}/sign/",
        f"{base}/complete/",
        f"{base}/chase/",
        f"{base}/return/",
        f"{base}/request-extension/",
        f"{EXTENSIONS}{extension.pk}/decide/",
        f"{CHASERS}{chaser.pk}/acknowledge/",
        REPORTS,
    ):
        assert api_client.post(url, {}).status_code == 401, url
    a_assignment.refresh_from_db()
    assert a_assignment.status == Status.ISSUED


def test_a_user_without_a_role_gets_403(api_client, roles, unit_a, task):
    from tests.factories import UserFactory

    nobody = UserFactory(unit=unit_a)
    authenticate(api_client, nobody)
    for url in (TASKS, ASSIGNMENTS, EXTENSIONS, CHASERS, REPORTS):
        assert api_client.get(url).status_code == 403, url


# --- Query counts -------------------------------------------------------------------------


def _add(n: int, units, campaign, staff) -> None:
    for _ in range(n):
        task = task_for_units(lead=units[0], assisting=units[1:], campaign=campaign)
        for assignment in task.assignments.all():
            ChaserFactory(assignment=assignment, sent_by=staff)
            ExtensionRequestFactory(assignment=assignment)


@pytest.mark.parametrize("who", ["alice", "staff"])
@pytest.mark.parametrize("url", [TASKS, ASSIGNMENTS, EXTENSIONS, CHASERS])
def test_api_lists_run_the_same_queries_for_5_and_50_rows(
    api_client, request, staff, unit_a, unit_b, who, url
):
    user = request.getfixturevalue(who)
    units = [unit_a, unit_b, UnitFactory(name="消防救援大队")]
    campaign = CampaignFactory(lead_unit=unit_a)
    authenticate(api_client, user)
    _add(5, units, campaign, staff)
    five = count_queries(api_client, f"{url}?page_size=100")
    _add(45, units, campaign, staff)
    fifty = count_queries(api_client, f"{url}?page_size=100")
    assert five == fifty


# --- Schema -------------------------------------------------------------------------------


def test_schema_is_valid_without_warnings(tmp_path):
    out = tmp_path / "schema.yml"
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(out))
    text = out.read_text()
    for path in (
        "/api/v1/tasks/",
        "/api/v1/task-assignments/{id}/sign/",
        "/api/v1/task-assignments/{id}/request-extension/",
        "/api/v1/extension-requests/{id}/decide/",
        "/api/v1/chasers/{id}/acknowledge/",
        "/api/v1/progress-reports/",
    ):
        assert path in text


def test_complete_with_json_feedback_only(api_client, alice, a_assignment):
    in_progress(a_assignment)
    authenticate(api_client, alice)
    response = api_client.post(
        f"{ASSIGNMENTS}{a_assignment.pk}/complete/", {"feedback": "已完成全部排查"}
    )
    assert response.status_code == 200, response.content
    assert response.json()["feedback"] == "已完成全部排查"
