"""The services: codes that never repeat, the allowed transitions, the five
implementations, supervision, reports and their review with who and when, history,
recurrence, inspections with coverage, and key periods turned into tasks."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from inspections.models import (
    Hazard,
    HazardCodeSequence,
    HazardLevel,
    HazardPhoto,
    InspectionAnswer,
    InspectionTarget,
    RectificationReport,
)
from inspections.selectors import hazards as hazard_selectors
from inspections.selectors import tasks as task_selectors
from inspections.services import enforcement as enforcement_services
from inspections.services import hazards as hazard_services
from inspections.services import inspections as inspection_services
from inspections.services import reports as report_services
from inspections.services import tasks as task_services
from inspections.services.inspections import AnswerInput
from safetyzone.core.states import TransitionNotAllowed
from safetyzone.org.roles import Role
from tests.helpers import (
    in_threads,
    need_postgres,
    pdf_upload,
    png_upload,
)

from ..factories import EnterpriseFactory, KeyPeriodFactory, UserFactory
from .conftest import FIVE, close_hazard, make_hazard
from .factories import key_area

S = Hazard.Status


# --- Codes ----------------------------------------------------------------------------


def test_hazard_codes_follow_the_year_and_never_repeat(staff, enterprise_a):
    first = make_hazard(staff, enterprise_a)
    second = make_hazard(staff, enterprise_a)
    older = make_hazard(
        staff, enterprise_a, found_on=dt.date(2023, 12, 30), deadline=dt.date(2024, 1, 10)
    )
    assert first.code == "YH-2024-000001"
    assert second.code == "YH-2024-000002"
    assert older.code == "YH-2023-000001"
    assert HazardCodeSequence.objects.get(year=2024).last_value == 2


def test_a_failed_creation_takes_no_code(staff, enterprise_a):
    make_hazard(staff, enterprise_a)
    with pytest.raises(ValidationError):
        make_hazard(staff, enterprise_a, deadline=dt.date(2024, 6, 1))
    assert make_hazard(staff, enterprise_a).code == "YH-2024-000002"


@pytest.mark.django_db(transaction=True)
def test_concurrent_hazards_never_share_a_code(roles):
    """Eight threads, each with its own connection, take codes at once; the locked
    sequence row keeps them unique and without gaps (PostgreSQL only: SQLite has no
    concurrent writers)."""
    need_postgres()
    from ..factories import UnitFactory

    unit = UnitFactory()
    staff = UserFactory(unit=unit, roles=[Role.COMMITTEE_STAFF])
    enterprise = EnterpriseFactory(supervising_unit=unit)
    key_area("fire")
    results, errors = in_threads(
        8, lambda _i: [make_hazard(staff, enterprise).code for _ in range(5)]
    )
    assert errors == []
    codes = [code for taken in results for code in taken]
    assert len(codes) == 40
    assert sorted(codes) == [f"YH-2024-{n:06d}" for n in range(1, 41)]


# --- Creation rules -------------------------------------------------------------------


def test_deadline_before_the_finding_is_a_field_error_and_saves_nothing(staff, enterprise_a):
    with pytest.raises(ValidationError) as info:
        make_hazard(staff, enterprise_a, deadline=dt.date(2024, 6, 1))
    assert "deadline" in info.value.message_dict
    assert not Hazard.objects.exists()


def test_default_deadline_counts_working_days(staff, enterprise_a):
    # Found on Friday 7 June 2024; the Dragon Boat Festival holiday is 10 June.
    hazard = make_hazard(staff, enterprise_a, found_on=dt.date(2024, 6, 7), deadline=None)
    assert hazard.deadline == dt.date(2024, 6, 24)


def test_head_cannot_record_a_hazard_for_another_units_enterprise(alice, enterprise_b):
    with pytest.raises(ValidationError) as info:
        make_hazard(alice, enterprise_b)
    assert "enterprise" in info.value.message_dict


def test_user_without_permission_cannot_record_a_hazard(roles, unit_a, enterprise_a):
    officer = UserFactory(unit=unit_a, roles=[Role.DUTY_OFFICER])
    with pytest.raises(PermissionDenied):
        make_hazard(officer, enterprise_a)


def test_photo_that_is_not_an_image_saves_nothing(staff, enterprise_a):
    with pytest.raises(ValidationError) as info:
        make_hazard(staff, enterprise_a, photos=[pdf_upload("fake.jpg")])
    assert "photos" in info.value.message_dict
    assert not Hazard.objects.exists()
    hazard = make_hazard(staff, enterprise_a, photos=[png_upload()])
    assert hazard.photos.count() == 1


# --- Transitions ----------------------------------------------------------------------


def test_full_path_reported_to_accepted_records_who_and_when(staff, alice, hazard_a):
    hazard_services.hazard_start_rectification(actor=alice, hazard=hazard_a)
    report = report_services.report_file(
        actor=alice,
        hazard=hazard_a,
        measures_taken="清理杂物，设置禁止堆放标识",
        completed_on=dt.date(2024, 6, 12),
        funds_spent=300,
        evidence=[png_upload(), pdf_upload()],
    )
    assert report.filed_by == alice and report.filed_at
    assert report.evidence.count() == 2
    hazard_a.refresh_from_db()
    assert hazard_a.status == S.SUBMITTED

    report_services.report_accept(actor=staff, hazard=hazard_a, note="现场核查属实")
    hazard_a.refresh_from_db()
    report.refresh_from_db()
    assert hazard_a.status == S.ACCEPTED
    assert hazard_a.closed_by == staff and hazard_a.closed_at
    assert report.status == RectificationReport.Status.ACCEPTED
    assert report.reviewed_by == staff and report.reviewed_at


def test_return_then_resume_then_accept_keeps_every_report(staff, alice, hazard_a):
    hazard_services.hazard_start_rectification(actor=alice, hazard=hazard_a)
    report_services.report_file(
        actor=alice, hazard=hazard_a, measures_taken="清理", completed_on=dt.date(2024, 6, 12)
    )
    report_services.report_return(actor=staff, hazard=hazard_a, reason="照片未体现整改后现场")
    hazard_a.refresh_from_db()
    assert hazard_a.status == S.RETURNED
    with pytest.raises(TransitionNotAllowed):
        report_services.report_file(
            actor=alice, hazard=hazard_a, measures_taken="x", completed_on=dt.date(2024, 6, 13)
        )
    hazard_services.hazard_start_rectification(actor=alice, hazard=hazard_a)
    report_services.report_file(
        actor=alice,
        hazard=hazard_a,
        measures_taken="清理并补拍照片",
        completed_on=dt.date(2024, 6, 14),
        evidence=[png_upload()],
    )
    report_services.report_accept(actor=staff, hazard=hazard_a)
    reports = list(hazard_a.reports.order_by("filed_at"))
    assert [r.status for r in reports] == ["returned", "accepted"]
    assert reports[0].review_note == "照片未体现整改后现场"
    assert reports[0].reviewed_by == staff


@pytest.mark.parametrize(
    ("call", "status"),
    [
        ("accept", S.REPORTED),
        ("return", S.REPORTED),
        ("submit", S.REPORTED),
        ("accept", S.RECTIFYING),
        ("start", S.SUBMITTED),
    ],
)
def test_transitions_outside_the_graph_are_refused(staff, alice, hazard_a, call, status):
    if status != S.REPORTED:
        hazard_services.hazard_start_rectification(actor=alice, hazard=hazard_a)
    if status == S.SUBMITTED:
        report_services.report_file(
            actor=alice, hazard=hazard_a, measures_taken="清理", completed_on=dt.date(2024, 6, 9)
        )
    calls = {
        "accept": lambda: report_services.report_accept(actor=staff, hazard=hazard_a),
        "return": lambda: report_services.report_return(
            actor=staff, hazard=hazard_a, reason="不合格"
        ),
        "submit": lambda: report_services.report_file(
            actor=alice, hazard=hazard_a, measures_taken="x", completed_on=dt.date(2024, 6, 9)
        ),
        "start": lambda: hazard_services.hazard_start_rectification(actor=alice, hazard=hazard_a),
    }
    with pytest.raises(TransitionNotAllowed):
        calls[call]()
    hazard_a.refresh_from_db()
    assert hazard_a.status == status


def test_report_on_a_closed_hazard_is_refused(staff, alice, hazard_a):
    close_hazard(staff, alice, hazard_a)
    with pytest.raises(TransitionNotAllowed) as info:
        report_services.report_file(
            actor=alice, hazard=hazard_a, measures_taken="x", completed_on=dt.date(2024, 6, 16)
        )
    assert info.value.code == "hazard_closed"
    assert hazard_a.reports.count() == 1


def test_return_needs_a_reason(staff, alice, hazard_a):
    hazard_services.hazard_start_rectification(actor=alice, hazard=hazard_a)
    report_services.report_file(
        actor=alice, hazard=hazard_a, measures_taken="清理", completed_on=dt.date(2024, 6, 9)
    )
    with pytest.raises(ValidationError) as info:
        report_services.report_return(actor=staff, hazard=hazard_a, reason="  ")
    assert "reason" in info.value.message_dict


def test_head_cannot_review_a_report(alice, hazard_a):
    hazard_services.hazard_start_rectification(actor=alice, hazard=hazard_a)
    report_services.report_file(
        actor=alice, hazard=hazard_a, measures_taken="清理", completed_on=dt.date(2024, 6, 9)
    )
    with pytest.raises(PermissionDenied):
        report_services.report_accept(actor=alice, hazard=hazard_a)


def test_evidence_that_is_not_what_it_says_saves_nothing(alice, hazard_a):
    hazard_services.hazard_start_rectification(actor=alice, hazard=hazard_a)
    fake = pdf_upload("photo.png")
    fake.file.write(b"")  # still a PDF by content, accepted
    text = png_upload("evidence.pdf")
    text.file = type(text.file)(b"just text pretending to be a PDF")
    text.size = len(b"just text pretending to be a PDF")
    with pytest.raises(ValidationError) as info:
        report_services.report_file(
            actor=alice,
            hazard=hazard_a,
            measures_taken="清理",
            completed_on=dt.date(2024, 6, 9),
            evidence=[text],
        )
    assert "evidence" in info.value.message_dict
    hazard_a.refresh_from_db()
    assert hazard_a.status == S.RECTIFYING
    assert not hazard_a.reports.exists()


def test_completion_before_the_finding_is_refused(alice, hazard_a):
    hazard_services.hazard_start_rectification(actor=alice, hazard=hazard_a)
    with pytest.raises(ValidationError) as info:
        report_services.report_file(
            actor=alice, hazard=hazard_a, measures_taken="清理", completed_on=dt.date(2024, 6, 1)
        )
    assert "completed_on" in info.value.message_dict


# --- Major hazards --------------------------------------------------------------------


def test_major_hazard_needs_five_implementations_before_work_starts(alice, staff, enterprise_a):
    hazard = make_hazard(staff, enterprise_a, level=HazardLevel.MAJOR)
    with pytest.raises(ValidationError) as info:
        hazard_services.hazard_start_rectification(actor=alice, hazard=hazard)
    assert info.value.code == "five_implementations"
    hazard.refresh_from_db()
    assert hazard.status == S.REPORTED
    hazard_services.hazard_update(actor=alice, hazard=hazard, **FIVE)
    hazard_services.hazard_start_rectification(actor=alice, hazard=hazard)
    hazard.refresh_from_db()
    assert hazard.status == S.RECTIFYING


def test_plan_cannot_be_emptied_while_a_major_hazard_is_worked_on(alice, staff, enterprise_a):
    hazard = make_hazard(staff, enterprise_a, level=HazardLevel.MAJOR, **FIVE)
    hazard_services.hazard_start_rectification(actor=alice, hazard=hazard)
    with pytest.raises(ValidationError):
        hazard_services.hazard_update(actor=alice, hazard=hazard, plan_contingency="")


def test_staff_put_a_major_hazard_under_listed_supervision(staff, enterprise_a):
    hazard = make_hazard(staff, enterprise_a, level=HazardLevel.MAJOR)
    hazard_services.hazard_supervise(
        actor=staff, hazard=hazard, office="吉林市安委办", deadline=dt.date(2024, 8, 1)
    )
    hazard.refresh_from_db()
    assert hazard.is_supervised and hazard.supervised_by == staff
    assert hazard.supervising_office == "吉林市安委办"


def test_general_hazard_cannot_be_supervised(staff, hazard_a):
    with pytest.raises(ValidationError):
        hazard_services.hazard_supervise(
            actor=staff, hazard=hazard_a, office="吉林市安委办", deadline=dt.date(2024, 8, 1)
        )


def test_head_cannot_put_a_hazard_under_supervision(alice, staff, enterprise_a):
    hazard = make_hazard(staff, enterprise_a, level=HazardLevel.MAJOR)
    with pytest.raises(PermissionDenied):
        hazard_services.hazard_supervise(
            actor=alice, hazard=hazard, office="x", deadline=dt.date(2024, 8, 1)
        )


# --- History and recurrence -----------------------------------------------------------


def test_history_records_every_change_with_who_and_why(staff, alice, hazard_a):
    hazard_services.hazard_start_rectification(actor=alice, hazard=hazard_a)
    report_services.report_file(
        actor=alice, hazard=hazard_a, measures_taken="清理", completed_on=dt.date(2024, 6, 9)
    )
    report_services.report_return(actor=staff, hazard=hazard_a, reason="不彻底")
    entries = hazard_selectors.hazard_history(hazard=hazard_a)
    assert [e["user"] for e in entries] == [staff, alice, alice, staff]
    assert "不彻底" in entries[-1]["reason"]
    status_changes = [c for e in entries for c in e["changes"] if c["new"] == "Returned"]
    assert status_changes
    assert hazard_a.reports.get().history.count() == 2


def test_new_hazard_like_one_closed_within_a_year_is_a_recurrence(
    staff, enterprise_a, template, closed_on_item
):
    closed = closed_on_item
    again = make_hazard(
        staff,
        enterprise_a,
        checklist_item=closed.checklist_item,
        found_on=dt.date(2024, 9, 1),
        deadline=dt.date(2024, 9, 10),
    )
    other_item = make_hazard(
        staff,
        enterprise_a,
        checklist_item=template.items.last(),
        found_on=dt.date(2024, 9, 1),
        deadline=None,
    )
    assert again.is_recurrence and again.recurrence_of == closed
    assert not other_item.is_recurrence


def test_closed_more_than_a_year_ago_is_no_recurrence(staff, enterprise_a, closed_on_item):
    later = make_hazard(
        staff,
        enterprise_a,
        checklist_item=closed_on_item.checklist_item,
        found_on=dt.date(2025, 7, 1),
        deadline=dt.date(2025, 7, 20),
    )
    assert not later.is_recurrence


# --- Inspections and coverage ---------------------------------------------------------


def answers_for(template, fail_orders=(1,), photo=None):
    return [
        AnswerInput(
            item=item,
            result="fail" if item.order in fail_orders else "pass",
            note="堆放纸箱" if item.order in fail_orders else "",
            photo=photo if item.order in fail_orders else None,
        )
        for item in template.items.order_by("order")
    ]


def test_inspection_answers_its_tasks_target_and_coverage_follows(
    staff, inspector_a, enterprise_a, template, unit_a, unit_b, enterprise_b
):
    second = EnterpriseFactory(supervising_unit=unit_a)
    second.key_areas.set([template.key_area])
    task = task_services.inspection_task_create(
        actor=staff,
        title="端午节前消防检查",
        key_area=template.key_area,
        units=[unit_a, unit_b],
        start_date=dt.date(2024, 6, 1),
        deadline=dt.date(2024, 6, 30),
    )
    assert task.targets.count() == 3  # every fire enterprise of both units
    inspection = inspection_services.inspection_record(
        actor=inspector_a,
        enterprise=enterprise_a,
        key_area=template.key_area,
        template=template,
        inspectors=[inspector_a],
        date=dt.date(2024, 6, 5),
        answers=answers_for(template),
    )
    assert inspection.task == task  # found by enterprise, area and date
    rows, total = task_selectors.task_coverage(user=staff, task=task)
    assert [(r.unit, r.targets, r.inspected) for r in rows] == [(unit_a, 2, 1), (unit_b, 1, 0)]
    assert (total.targets, total.inspected, total.percent) == (3, 1, 33)
    rows, total = task_selectors.task_coverage(user=inspector_a, task=task)
    assert [r.unit for r in rows] == [unit_a]


def test_enforcement_visit_needs_two_inspectors(inspector_a, enterprise_a, template):
    with pytest.raises(ValidationError) as info:
        inspection_services.inspection_record(
            actor=inspector_a,
            enterprise=enterprise_a,
            key_area=template.key_area,
            template=template,
            inspectors=[inspector_a],
            is_enforcement=True,
            answers=answers_for(template),
        )
    assert "inspectors" in info.value.message_dict


def test_failed_item_becomes_a_prefilled_hazard_in_one_step(inspector_a, enterprise_a, template):
    inspection = inspection_services.inspection_record(
        actor=inspector_a,
        enterprise=enterprise_a,
        key_area=template.key_area,
        template=template,
        inspectors=[inspector_a],
        date=dt.date(2024, 6, 5),
        answers=answers_for(template, fail_orders=(1, 2), photo=png_upload()),
    )
    failed = inspection.answers.filter(result="fail").order_by("item__order")
    hazard = hazard_services.hazard_from_answer(actor=inspector_a, answer=failed[0])
    assert hazard.description == "疏散通道是否畅通：堆放纸箱"
    assert hazard.level == HazardLevel.GENERAL
    assert hazard.legal_basis == failed[0].item.legal_basis
    assert hazard.found_on == dt.date(2024, 6, 5)
    assert (
        hazard.inspection == inspection and hazard.responsible_unit == enterprise_a.supervising_unit
    )
    assert HazardPhoto.objects.filter(hazard=hazard).count() == 1
    with pytest.raises(ValidationError):
        hazard_services.hazard_from_answer(actor=inspector_a, answer=failed[0])
    rest = hazard_services.hazards_from_inspection(actor=inspector_a, inspection=inspection)
    assert [h.level for h in rest] == [HazardLevel.MAJOR]
    passed = inspection.answers.filter(result=InspectionAnswer.Result.PASS).first()
    with pytest.raises(ValidationError):
        hazard_services.hazard_from_answer(actor=inspector_a, answer=passed)


def test_inspector_cannot_inspect_another_units_enterprise(inspector_a, enterprise_b, template):
    with pytest.raises(ValidationError) as info:
        inspection_services.inspection_record(
            actor=inspector_a,
            enterprise=enterprise_b,
            key_area=template.key_area,
            template=template,
            inspectors=[inspector_a],
        )
    assert "enterprise" in info.value.message_dict


def test_key_period_becomes_inspection_tasks_in_one_step(
    staff, unit_a, unit_b, enterprise_a, enterprise_b
):
    period = KeyPeriodFactory(
        name="端午节", start_date=dt.date(2030, 6, 12), end_date=dt.date(2030, 6, 14)
    )
    chemicals = key_area("hazardous-chemicals")
    tasks = task_services.inspection_tasks_from_key_period(
        actor=staff,
        key_period=period,
        key_areas=[key_area("fire"), chemicals],
        units=[unit_a, unit_b],
    )
    assert len(tasks) == 2
    assert {t.key_area.code for t in tasks} == {"fire", "hazardous-chemicals"}
    assert all(t.key_period == period for t in tasks)
    assert all(t.deadline == dt.date(2030, 6, 11) for t in tasks)  # last working day before
    fire_task = next(t for t in tasks if t.key_area.code == "fire")
    assert set(fire_task.targets.values_list("enterprise", flat=True)) == {
        enterprise_a.pk,
        enterprise_b.pk,
    }
    assert InspectionTarget.objects.filter(task__key_area=chemicals).count() == 0


def test_head_cannot_issue_tasks(alice, unit_a):
    period = KeyPeriodFactory()
    with pytest.raises(PermissionDenied):
        task_services.inspection_tasks_from_key_period(
            actor=alice, key_period=period, key_areas=[key_area("fire")], units=[unit_a]
        )


# --- Violations and enforcement -------------------------------------------------------


def test_enforcement_action_must_be_linked(inspector_a, enterprise_a):
    with pytest.raises(ValidationError) as info:
        enforcement_services.enforcement_action_record(
            actor=inspector_a,
            enterprise=enterprise_a,
            kind="order",
            legal_basis="《安全生产法》第六十五条",
        )
    assert "inspection" in info.value.message_dict
    violation = enforcement_services.violation_record(
        actor=inspector_a,
        enterprise=enterprise_a,
        kind="illegal_operation",
        person="李四",
        description="无证电焊",
    )
    action = enforcement_services.enforcement_action_record(
        actor=inspector_a,
        enterprise=enterprise_a,
        kind="fine",
        legal_basis="《安全生产法》第九十七条",
        amount=5000,
        violation=violation,
        decision_number="高新应急罚〔2024〕3号",
    )
    assert action.unit == inspector_a.unit


def test_fine_without_amount_is_a_field_error(inspector_a, enterprise_a):
    violation = enforcement_services.violation_record(
        actor=inspector_a,
        enterprise=enterprise_a,
        kind="illegal_command",
        person="王五",
        description="违章指挥",
    )
    with pytest.raises(ValidationError):
        enforcement_services.enforcement_action_record(
            actor=inspector_a,
            enterprise=enterprise_a,
            kind="fine",
            legal_basis="x",
            violation=violation,
        )


def test_head_is_told_by_mail_when_a_report_is_returned(
    staff, alice, hazard_a, mailoutbox, django_capture_on_commit_callbacks
):
    alice.email = "alice@example.org"
    alice.save()
    hazard_services.hazard_start_rectification(actor=alice, hazard=hazard_a)
    report_services.report_file(
        actor=alice, hazard=hazard_a, measures_taken="清理", completed_on=dt.date(2024, 6, 9)
    )
    with django_capture_on_commit_callbacks(execute=True):
        report_services.report_return(actor=staff, hazard=hazard_a, reason="照片不清楚")
    assert len(mailoutbox) == 1
    assert mailoutbox[0].to == ["alice@example.org"]
    assert hazard_a.code in mailoutbox[0].subject and "照片不清楚" in mailoutbox[0].body


def test_a_decision_cannot_be_recorded_in_advance(staff, alice, hazard_a):
    from django.utils import timezone

    with pytest.raises(ValidationError):
        hazard_services.hazard_start_rectification(
            actor=alice, hazard=hazard_a, at=timezone.now() + dt.timedelta(days=1)
        )
    hazard_a.refresh_from_db()
    assert hazard_a.status == S.REPORTED


def test_history_shows_people_and_times_by_name(staff, alice, hazard_a):
    from .conftest import close_hazard

    close_hazard(staff, alice, hazard_a)
    entries = hazard_selectors.hazard_history(hazard=hazard_a)
    closing = {c["field"]: c["new"] for c in entries[-1]["changes"]}
    assert closing["closed by"] == str(staff)
    assert "+00:00" not in closing["closed at"] and len(closing["closed at"]) == 16


def test_inspection_by_the_office_counts_for_the_supervising_unit(
    staff, unit_a, enterprise_a, template
):
    task = task_services.inspection_task_create(
        actor=staff,
        title="消防检查",
        key_area=template.key_area,
        units=[unit_a],
        start_date=dt.date(2024, 6, 1),
        deadline=dt.date(2024, 6, 30),
    )
    inspection = inspection_services.inspection_record(
        actor=staff,
        enterprise=enterprise_a,
        key_area=template.key_area,
        template=template,
        inspectors=[staff],
        date=dt.date(2024, 6, 5),
        answers=answers_for(template),
    )
    assert inspection.unit == unit_a and inspection.task == task
    _rows, total = task_selectors.task_coverage(user=staff, task=task)
    assert total.inspected == 1
