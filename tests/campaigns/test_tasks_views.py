"""Task and assignment pages: the permission matrix (alice heads unit A, bob heads unit
B, staff sees all), every step as a POST form with its errors beside the fields and the
input kept, attachments through a scoped view, filters, and query counts."""

from datetime import date, timedelta

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from campaigns.models import (
    AssignmentAttachment,
    ExtensionRequest,
    Task,
    TaskAssignment,
)
from campaigns.services.assignments import assignment_complete, assignment_sign
from campaigns.services.chasers import assignment_chase
from tests.factories import (
    CampaignFactory,
    ChaserFactory,
    ExtensionRequestFactory,
    UnitFactory,
    task_for_units,
)
from tests.helpers import count_queries, png_upload

Status = TaskAssignment.Status


@pytest.fixture(autouse=True)
def _english(client, settings):
    """These tests read the pages' messages in the source language (English, chosen with
    the language switch); the Chinese catalogue is checked by tests/test_translations.py."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"


@pytest.fixture
def task(unit_a, unit_b):
    """Unit A leads, unit B assists."""
    return task_for_units(lead=unit_a, assisting=[unit_b], title="危化品企业隐患排查")


@pytest.fixture
def b_only_task(unit_b):
    return task_for_units(lead=unit_b, title="北湖街道燃气检查")


def body(response) -> str:
    return response.content.decode()


def url(name: str, *args) -> str:
    return reverse(f"campaigns:{name}", args=args)


# --- Lists and details: who sees what ------------------------------------------------------


def test_head_lists_tasks_holding_an_assignment_of_their_unit(client, alice, task, b_only_task):
    client.force_login(alice)
    page = body(client.get(url("task-list")))
    assert "危化品企业隐患排查" in page
    assert "北湖街道燃气检查" not in page


def test_head_sees_only_their_own_assignment_of_a_shared_task(
    client, alice, task, a_assignment, b_assignment, unit_b
):
    client.force_login(alice)
    for page in (body(client.get(url("task-list"))), body(client.get(task.get_absolute_url()))):
        assert a_assignment.get_absolute_url() in page
        assert b_assignment.get_absolute_url() not in page
        assert unit_b.name not in page
        assert unit_b.short_name not in page


def test_staff_sees_every_task_and_assignment_with_progress(
    client, staff, alice, task, b_only_task, a_assignment, b_assignment
):
    assignment_sign(assignment=a_assignment, actor=alice)
    client.force_login(staff)
    page = body(client.get(url("task-list")))
    assert "危化品企业隐患排查" in page
    assert "北湖街道燃气检查" in page
    detail = body(client.get(task.get_absolute_url()))
    assert a_assignment.get_absolute_url() in detail
    assert b_assignment.get_absolute_url() in detail
    assert 'data-testid="task-progress"' in detail
    assert url("task-update", task.pk) in detail


def test_head_gets_404_on_another_units_assignment_and_task(
    client, alice, bob, b_assignment, b_only_task
):
    # Bob, same role in unit B, opens them: the refusal is about scope only.
    client.force_login(bob)
    assert client.get(b_assignment.get_absolute_url()).status_code == 200
    assert client.get(b_only_task.get_absolute_url()).status_code == 200
    client.force_login(alice)
    assert client.get(b_assignment.get_absolute_url()).status_code == 404
    assert client.get(b_only_task.get_absolute_url()).status_code == 404


def test_my_units_assignments_page(client, alice, a_assignment, b_assignment, b_only_task):
    client.force_login(alice)
    page = body(client.get(url("assignment-list")))
    assert a_assignment.get_absolute_url() in page
    assert b_assignment.get_absolute_url() not in page
    assert "北湖街道燃气检查" not in page


def test_open_chasers_are_on_top_until_signed_for(client, alice, staff, unit_a):
    calm = task_for_units(lead=unit_a, title="平稳任务", deadline=date.today() + timedelta(days=2))
    chased = task_for_units(lead=unit_a, title="被催办任务", deadline=date.today() + timedelta(60))
    chased_assignment = chased.assignments.get()
    chaser = assignment_chase(
        assignment=chased_assignment, actor=staff, message="请尽快反馈进展情况"
    )
    client.force_login(alice)
    page = body(client.get(url("assignment-list")))
    assert 'data-testid="open-chasers"' in page
    assert "请尽快反馈进展情况" in page
    # Chased first, although its deadline is later.
    assert page.index(chased_assignment.get_absolute_url()) < page.index(
        calm.assignments.get().get_absolute_url()
    )
    detail = body(client.get(chased_assignment.get_absolute_url()))
    assert 'data-testid="open-chasers"' in detail

    response = client.post(url("chaser-acknowledge", chaser.pk), {"next": url("assignment-list")})
    assert response.status_code == 302
    assert response["Location"] == url("assignment-list")
    chaser.refresh_from_db()
    assert chaser.acknowledged_by == alice
    assert "请尽快反馈进展情况" not in body(client.get(url("assignment-list")))


def test_a_chaser_of_another_unit_is_404(client, bob, staff, a_assignment):
    chaser = ChaserFactory(assignment=a_assignment, sent_by=staff)
    client.force_login(bob)
    assert client.post(url("chaser-acknowledge", chaser.pk)).status_code == 404
    chaser.refresh_from_db()
    assert chaser.acknowledged_at is None


def test_an_offsite_next_is_ignored(client, alice, staff, a_assignment):
    chaser = ChaserFactory(assignment=a_assignment, sent_by=staff)
    client.force_login(alice)
    response = client.post(url("chaser-acknowledge", chaser.pk), {"next": "https://evil.test/"})
    assert response["Location"] == a_assignment.get_absolute_url()


# --- Steps as POST forms -------------------------------------------------------------------


def test_alice_signs_starts_and_completes_her_assignment(client, alice, a_assignment):
    client.force_login(alice)
    page = body(client.get(a_assignment.get_absolute_url()))
    assert url("assignment-sign", a_assignment.pk) in page
    assert url("assignment-complete", a_assignment.pk) not in page

    assert client.post(url("assignment-sign", a_assignment.pk)).status_code == 302
    assert client.post(url("assignment-start", a_assignment.pk)).status_code == 302
    response = client.post(
        url("assignment-complete", a_assignment.pk),
        {"feedback": "已排查企业12家，整改隐患3处", "attachments": [png_upload()]},
    )
    assert response.status_code == 302
    a_assignment.refresh_from_db()
    assert a_assignment.status == Status.DONE
    assert a_assignment.signed_by == alice
    assert a_assignment.attachments.count() == 1


def test_bob_cannot_sign_or_complete_alices_assignment(client, bob, a_assignment):
    client.force_login(bob)
    for name in ("assignment-sign", "assignment-start", "assignment-complete"):
        response = client.post(url(name, a_assignment.pk), {"feedback": "冒名反馈"})
        assert response.status_code == 404
    a_assignment.refresh_from_db()
    assert a_assignment.status == Status.ISSUED
    assert a_assignment.feedback == ""


def test_staff_cannot_sign_for_a_unit(client, staff, a_assignment):
    client.force_login(staff)
    assert client.post(url("assignment-sign", a_assignment.pk)).status_code == 403
    a_assignment.refresh_from_db()
    assert a_assignment.status == Status.ISSUED


def test_a_refused_step_shows_why_on_the_page(client, alice, a_assignment):
    client.force_login(alice)
    client.post(url("assignment-sign", a_assignment.pk))
    response = client.post(url("assignment-sign", a_assignment.pk))  # already signed
    assert response.status_code == 200
    assert "Only an issued assignment can be signed for" in body(response)


def test_completing_without_feedback_shows_the_error_beside_the_field(client, alice, a_assignment):
    a_assignment.status = Status.IN_PROGRESS
    a_assignment.save()
    client.force_login(alice)
    response = client.post(url("assignment-complete", a_assignment.pk), {"feedback": ""})
    assert response.status_code == 200
    page = body(response)
    assert "Describe what was done before reporting it done." in page
    assert 'id="error_1_id_feedback"' in page or "invalid-feedback" in page
    a_assignment.refresh_from_db()
    assert a_assignment.status == Status.IN_PROGRESS


def test_a_bad_attachment_keeps_the_feedback_and_saves_nothing(client, alice, a_assignment):
    a_assignment.status = Status.IN_PROGRESS
    a_assignment.save()
    client.force_login(alice)
    fake = SimpleUploadedFile(
        "报告.pdf", b"just text, not a pdf" * 5, content_type="application/pdf"
    )
    response = client.post(
        url("assignment-complete", a_assignment.pk),
        {"feedback": "已完成排查并整改", "attachments": [png_upload(), fake]},
    )
    assert response.status_code == 200
    page = body(response)
    assert "报告.pdf" in page
    assert "its content was checked" in page
    assert "已完成排查并整改" in page  # the text typed is still in the form
    a_assignment.refresh_from_db()
    assert a_assignment.status == Status.IN_PROGRESS
    assert not AssignmentAttachment.objects.exists()


def test_staff_return_chase_and_decide_from_the_page(client, staff, alice, a_assignment):
    extension = ExtensionRequestFactory(
        assignment=a_assignment, requested_by=alice, requested_deadline=date(2099, 1, 1)
    )
    client.force_login(staff)
    page = body(client.get(a_assignment.get_absolute_url()))
    assert url("extension-decide", extension.pk) in page
    assert url("assignment-chase", a_assignment.pk) in page

    response = client.post(url("assignment-chase", a_assignment.pk), {"message": "请加快进度"})
    assert response.status_code == 302
    assert a_assignment.chasers.get().message == "请加快进度"

    response = client.post(url("extension-decide", extension.pk), {"decision": "refuse"})
    assert response.status_code == 200
    assert "Say why the extension is refused." in body(response)
    response = client.post(
        url("extension-decide", extension.pk), {"decision": "grant", "note": "同意延期"}
    )
    assert response.status_code == 302
    a_assignment.refresh_from_db()
    assert (a_assignment.deadline, a_assignment.extension_count) == (date(2099, 1, 1), 1)

    a_assignment.status = Status.DONE
    a_assignment.save()
    response = client.post(url("assignment-return", a_assignment.pk), {"reason": ""})
    assert "Say why the assignment is returned." in body(response)
    response = client.post(url("assignment-return", a_assignment.pk), {"reason": "缺少照片"})
    assert response.status_code == 302
    a_assignment.refresh_from_db()
    assert a_assignment.status == Status.RETURNED


def test_heads_cannot_return_chase_or_decide(client, alice, a_assignment):
    extension = ExtensionRequestFactory(assignment=a_assignment, requested_by=alice)
    a_assignment.status = Status.DONE
    a_assignment.save()
    client.force_login(alice)
    page = body(client.get(a_assignment.get_absolute_url()))
    assert url("assignment-return", a_assignment.pk) not in page
    assert url("extension-decide", extension.pk) not in page
    assert (
        client.post(url("assignment-return", a_assignment.pk), {"reason": "x"}).status_code == 403
    )
    assert (
        client.post(url("assignment-chase", a_assignment.pk), {"message": "x"}).status_code == 403
    )
    response = client.post(url("extension-decide", extension.pk), {"decision": "grant"})
    assert response.status_code == 403
    extension.refresh_from_db()
    assert extension.status == ExtensionRequest.Status.PENDING


def test_an_extension_before_the_current_deadline_is_a_field_error(client, alice, a_assignment):
    client.force_login(alice)
    earlier = (a_assignment.deadline - timedelta(days=1)).isoformat()
    response = client.post(
        url("assignment-extension", a_assignment.pk),
        {"requested_deadline": earlier, "reason": "人手不足"},
    )
    assert response.status_code == 200
    page = body(response)
    assert "Ask for a date after the current deadline" in page
    assert "人手不足" in page
    assert not ExtensionRequest.objects.exists()
    later = (a_assignment.deadline + timedelta(days=7)).isoformat()
    response = client.post(
        url("assignment-extension", a_assignment.pk),
        {"requested_deadline": later, "reason": "人手不足"},
    )
    assert response.status_code == 302
    assert ExtensionRequest.objects.get().requested_by == alice


def test_progress_report_from_the_page(client, alice, unit_a):
    with time_machine.travel("2024-05-10 10:00:00+08:00", tick=False):
        task = task_for_units(lead=unit_a, report_every="monthly", deadline=date(2024, 9, 30))
    assignment = task.assignments.get()
    client.force_login(alice)
    with time_machine.travel("2024-07-15 10:00:00+08:00", tick=False):
        page = body(client.get(assignment.get_absolute_url()))
        assert 'data-testid="missing-reports"' in page
        assert "2024-05-31" in page
        response = client.post(
            url("assignment-progress", assignment.pk),
            {"period_end": "2024-05-31", "content": ""},
        )
        assert "Write the progress report." in body(response)
        response = client.post(
            url("assignment-progress", assignment.pk),
            {"period_end": "2024-05-31", "content": "5月排查进展"},
        )
        assert response.status_code == 302
    assert assignment.progress_reports.get().content == "5月排查进展"


# --- Attachments ---------------------------------------------------------------------------


def test_attachments_are_served_only_within_scope(client, alice, bob, staff, a_assignment):
    a_assignment.status = Status.IN_PROGRESS
    a_assignment.save()
    assignment_complete(
        assignment=a_assignment, actor=alice, feedback="完成", attachments=[png_upload()]
    )
    attachment = a_assignment.attachments.get()
    link = url("assignment-attachment", attachment.pk)
    client.force_login(alice)
    assert link in body(client.get(a_assignment.get_absolute_url()))
    response = client.get(link)
    assert response.status_code == 200
    assert response["X-Content-Type-Options"] == "nosniff"
    assert b"".join(response.streaming_content).startswith(b"\x89PNG")
    client.force_login(staff)
    assert client.get(link).status_code == 200
    client.force_login(bob)
    assert client.get(link).status_code == 404
    client.logout()
    assert client.get(link).status_code == 302


# --- Creating and editing tasks ------------------------------------------------------------


def task_form(lead, assisting=(), **overrides) -> dict:
    data = {
        "title": "高考期间周边建筑工地安全检查",
        "content": "考点周边工地夜间停止施工，加强巡查。",
        "deadline": (timezone.localdate() + timedelta(days=10)).isoformat(),
        "deadline_working_days": "",
        "lead_unit": lead.pk,
        "assisting_units": [u.pk for u in assisting],
        "report_every": "",
    }
    data.update(overrides)
    return data


def test_staff_creates_a_task_from_the_page(client, staff, unit_a, unit_b):
    client.force_login(staff)
    assert client.get(url("task-create")).status_code == 200
    response = client.post(url("task-create"), task_form(unit_a, [unit_b]))
    task = Task.objects.get()
    assert response.status_code == 302
    assert response["Location"] == task.get_absolute_url()
    assert task.assignments.count() == 2


def test_a_past_deadline_is_shown_beside_the_field_and_nothing_saved(client, staff, unit_a):
    client.force_login(staff)
    response = client.post(url("task-create"), task_form(unit_a, deadline="2020-01-01"))
    assert response.status_code == 200
    page = body(response)
    assert "The deadline cannot be in the past." in page
    assert "高考期间周边建筑工地安全检查" in page  # input kept
    assert not Task.objects.exists()


def test_lead_unit_also_assisting_is_shown_beside_the_field(client, staff, unit_a):
    client.force_login(staff)
    response = client.post(url("task-create"), task_form(unit_a, [unit_a]))
    assert "cannot also be an assisting unit" in body(response)
    assert not Task.objects.exists()


def test_staff_edits_a_task(client, staff, task):
    client.force_login(staff)
    page = client.get(url("task-update", task.pk))
    assert page.status_code == 200
    data = task_form(task.lead_unit, [], title="改后的标题")
    data["assisting_units"] = [a.unit_id for a in task.assignments.all() if a.role == "assist"]
    response = client.post(url("task-update", task.pk), data)
    assert response.status_code == 302
    task.refresh_from_db()
    assert task.title == "改后的标题"


@pytest.mark.parametrize("name", ["task-create", "task-update"])
def test_heads_cannot_create_or_edit_tasks(client, alice, task, unit_a, name):
    client.force_login(alice)
    target = url(name) if name == "task-create" else url(name, task.pk)
    assert client.get(target).status_code == 403
    assert client.post(target, task_form(unit_a)).status_code == 403
    assert Task.objects.count() == 1


# --- Filters -------------------------------------------------------------------------------


def test_task_list_filters(client, staff, unit_a, unit_b):
    campaign = CampaignFactory(lead_unit=unit_a)
    today = timezone.localdate()
    overdue = task_for_units(lead=unit_a, title="逾期任务", deadline=today - timedelta(days=3))
    overdue.assignments.update(deadline=today - timedelta(days=3))
    later = task_for_units(lead=unit_b, title="专项任务", campaign=campaign)
    client.force_login(staff)

    def titles(**params) -> set[str]:
        page = body(client.get(url("task-list"), params))
        return {t for t in ("逾期任务", "专项任务") if t in page}

    assert titles() == {"逾期任务", "专项任务"}
    assert titles(overdue="true") == {"逾期任务"}
    assert titles(overdue="false") == {"专项任务"}
    assert titles(light="red") == {"逾期任务"}
    assert titles(campaign=campaign.pk) == {"专项任务"}
    assert titles(unit=unit_b.pk) == {"专项任务"}
    assert titles(search="专项") == {"专项任务"}
    assert titles(status="issued") == {"逾期任务", "专项任务"}
    assert titles(status="done") == set()
    assert titles(deadline_before=(today - timedelta(days=1)).isoformat()) == {"逾期任务"}
    assert titles(deadline_after=today.isoformat()) == {"专项任务"}
    del later


def test_assignment_list_filters(client, staff, alice, unit_a, unit_b):
    today = timezone.localdate()
    task = task_for_units(lead=unit_a, assisting=[unit_b], title="联合检查")
    task.assignments.filter(unit=unit_b).update(status=Status.DONE)
    client.force_login(staff)
    a = task.assignments.get(unit=unit_a).get_absolute_url()
    b = task.assignments.get(unit=unit_b).get_absolute_url()

    def links(**params) -> set[str]:
        page = body(client.get(url("assignment-list"), params))
        return {link for link in (a, b) if link in page}

    assert links() == {a, b}
    assert links(status="done") == {b}
    assert links(light="none") == {b}
    assert links(light="green") == {a}
    assert links(unit=unit_a.pk) == {a}
    assert links(search=unit_b.name) == {b}
    assert links(deadline_after=(today + timedelta(days=31)).isoformat()) == set()


# --- Anonymous -----------------------------------------------------------------------------


def test_anonymous_is_sent_to_login_everywhere(client, task, a_assignment):
    chaser = ChaserFactory(assignment=a_assignment)
    extension = ExtensionRequestFactory(assignment=a_assignment)
    gets = [
        url("task-list"),
        url("task-create"),
        url("task-detail", task.pk),
        url("task-update", task.pk),
        url("assignment-list"),
        url("assignment-detail", a_assignment.pk),
    ]
    posts = [
        url(name, a_assignment.pk)
        for name in (
            "assignment-sign",
            "assignment-start",
            "assignment-complete",
            "assignment-return",
            "assignment-chase",
            "assignment-extension",
            "assignment-progress",
        )
    ] + [url("extension-decide", extension.pk), url("chaser-acknowledge", chaser.pk)]
    for target in gets:
        response = client.get(target)
        assert response.status_code == 302, target
        assert response["Location"].startswith(reverse("login")), target
    for target in posts:
        response = client.post(target)
        assert response.status_code == 302, target
        assert response["Location"].startswith(reverse("login")), target
    a_assignment.refresh_from_db()
    assert a_assignment.status == Status.ISSUED


# --- Query counts --------------------------------------------------------------------------


def _add_tasks(n: int, units, campaign) -> None:
    for _ in range(n):
        task = task_for_units(lead=units[0], assisting=units[1:], campaign=campaign)
        ChaserFactory(assignment=task.assignments.first())


@pytest.mark.parametrize("who", ["alice", "staff"])
@pytest.mark.parametrize("name", ["task-list", "assignment-list"])
def test_list_pages_run_the_same_queries_for_5_and_50_rows(
    client, request, unit_a, unit_b, who, name
):
    user = request.getfixturevalue(who)
    units = [unit_a, unit_b, UnitFactory(name="消防救援大队")]
    campaign = CampaignFactory(lead_unit=unit_a)
    client.force_login(user)

    _add_tasks(5, units, campaign)
    five = count_queries(client, url(name))
    _add_tasks(45, units, campaign)
    fifty = count_queries(client, url(name))
    assert five == fifty


def test_task_detail_queries_do_not_grow_with_units(client, staff, unit_a):
    def count(units: int) -> int:
        task = task_for_units(lead=unit_a, assisting=[UnitFactory() for _ in range(units)])
        for assignment in task.assignments.all():
            ChaserFactory(assignment=assignment)
        return count_queries(client, task.get_absolute_url())

    client.force_login(staff)
    assert count(4) == count(30)
