"""Services of tasks and assignments: creating and editing tasks (deadlines in working
days across the 2024 holidays), every step of an assignment allowed and refused,
extensions, chasers, progress reports, and bad input that saves nothing half-way.

Today is frozen at Wednesday 5 June 2024 unless a test says otherwise: the Dragon Boat
Festival (8–10 June) is just ahead."""

from datetime import date

import pytest
import time_machine
from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from campaigns.models import (
    AssignmentAttachment,
    AssignmentEvent,
    Chaser,
    ExtensionRequest,
    ProgressReport,
    Task,
    TaskAssignment,
)
from campaigns.selectors.tasks import progress_schedule
from campaigns.services.assignments import (
    MAX_ATTACHMENTS,
    assignment_actions,
    assignment_complete,
    assignment_return,
    assignment_sign,
    assignment_start,
)
from campaigns.services.chasers import assignment_chase, chaser_acknowledge
from campaigns.services.extensions import extension_decide, extension_request
from campaigns.services.progress import progress_report_submit
from campaigns.services.tasks import task_create, task_update
from safetyzone.core.states import TransitionNotAllowed
from tests.factories import (
    CampaignFactory,
    ChaserFactory,
    DirectiveFactory,
    MeetingFactory,
    UnitFactory,
    head_of,
    task_for_units,
)
from tests.helpers import pdf_upload, png_upload

Status = TaskAssignment.Status
Event = AssignmentEvent.Action
TODAY = date(2024, 6, 5)


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel("2024-06-05 10:00:00+08:00", tick=False):
        yield


def codes(exc: ValidationError, field: str) -> list[str]:
    return [e.code for e in exc.error_dict[field]]


@pytest.fixture
def task(unit_a, unit_b):
    return task_for_units(lead=unit_a, assisting=[unit_b], deadline=date(2024, 6, 28))


def at(assignment: TaskAssignment, status: str) -> TaskAssignment:
    assignment.status = status
    assignment.save(update_fields=["status"])
    return assignment


def create(actor, **overrides) -> Task:
    data = {
        "title": "端午节前危化品企业隐患排查",
        "content": "对辖区危化品企业开展全覆盖排查，零容忍整治。",
        "deadline": date(2024, 6, 28),
    }
    data.update(overrides)
    return task_create(actor=actor, **data)


# --- task_create -------------------------------------------------------------------------


def test_staff_creates_a_task_with_one_assignment_per_unit(staff, unit_a, unit_b):
    campaign = CampaignFactory(lead_unit=unit_a)
    meeting = MeetingFactory(organiser=staff.unit)
    directive = DirectiveFactory()
    task = create(
        staff,
        lead_unit=unit_a,
        assisting_units=[unit_b],
        campaign=campaign,
        meeting=meeting,
        directive=directive,
        report_every="monthly",
    )
    assert (task.campaign, task.meeting, task.directive) == (campaign, meeting, directive)
    assert task.created_by == staff
    assert task.deadline == date(2024, 6, 28)
    assert task.deadline_working_days is None
    rows = {a.unit: a for a in task.assignments.all()}
    assert set(rows) == {unit_a, unit_b}
    assert rows[unit_a].role == TaskAssignment.Role.LEAD
    assert rows[unit_b].role == TaskAssignment.Role.ASSIST
    for assignment in rows.values():
        assert assignment.status == Status.ISSUED
        assert assignment.deadline == date(2024, 6, 28)
        event = assignment.events.get()
        assert (event.action, event.actor, event.status) == (Event.ISSUED, staff, Status.ISSUED)


def test_deadline_in_working_days_skips_the_dragon_boat_festival(staff, unit_a):
    # Thu 6, Fri 7, (8–10 June off), Tue 11.
    task = create(staff, lead_unit=unit_a, deadline=None, deadline_working_days=3)
    assert task.deadline == date(2024, 6, 11)
    assert task.deadline_working_days == 3
    assert task.assignments.get().deadline == date(2024, 6, 11)


@pytest.mark.parametrize(
    ("days", "deadline"),
    [
        (1, date(2024, 9, 29)),  # the make-up Sunday before National Day
        (2, date(2024, 9, 30)),
        (3, date(2024, 10, 8)),  # 1–7 October off
        (5, date(2024, 10, 10)),
    ],
)
def test_deadline_in_working_days_across_national_day(staff, unit_a, days, deadline):
    with time_machine.travel("2024-09-27 10:00:00+08:00", tick=False):  # Friday 27 September
        task = create(staff, lead_unit=unit_a, deadline=None, deadline_working_days=days)
    assert task.deadline == deadline


def test_a_deadline_of_today_is_allowed(staff, unit_a):
    assert create(staff, lead_unit=unit_a, deadline=TODAY).deadline == TODAY


def test_a_deadline_in_the_past_is_a_field_error_and_saves_nothing(staff, unit_a):
    with pytest.raises(ValidationError) as info:
        create(staff, lead_unit=unit_a, deadline=date(2024, 6, 4))
    assert codes(info.value, "deadline") == ["past"]
    assert not Task.objects.exists()
    assert not TaskAssignment.objects.exists()


def test_lead_unit_also_assisting_is_a_field_error(staff, unit_a, unit_b):
    with pytest.raises(ValidationError) as info:
        create(staff, lead_unit=unit_a, assisting_units=[unit_b, unit_a])
    assert codes(info.value, "assisting_units") == ["lead_also_assisting"]
    assert not Task.objects.exists()
    assert not TaskAssignment.objects.exists()


def test_deadline_given_twice_or_not_at_all(staff, unit_a):
    with pytest.raises(ValidationError) as info:
        create(staff, lead_unit=unit_a, deadline=date(2024, 6, 28), deadline_working_days=5)
    assert codes(info.value, "deadline_working_days") == ["deadline_twice"]
    with pytest.raises(ValidationError) as info:
        create(staff, lead_unit=unit_a, deadline=None)
    assert codes(info.value, "deadline") == ["required"]
    with pytest.raises(ValidationError) as info:
        create(staff, lead_unit=unit_a, deadline=None, deadline_working_days=0)
    assert codes(info.value, "deadline_working_days") == ["min_value"]
    assert not Task.objects.exists()


def test_all_field_errors_come_together(staff, unit_a):
    with pytest.raises(ValidationError) as info:
        create(staff, lead_unit=unit_a, title="  ", deadline=date(2024, 1, 1))
    assert set(info.value.error_dict) == {"title", "deadline"}


def test_inactive_units_are_refused(staff, unit_a):
    closed = UnitFactory(name="已撤销单位", is_active=False)
    with pytest.raises(ValidationError) as info:
        create(staff, lead_unit=unit_a, assisting_units=[closed])
    assert codes(info.value, "assisting_units") == ["inactive"]


def test_heads_cannot_create_tasks(alice, unit_a):
    with pytest.raises(PermissionDenied):
        create(alice, lead_unit=unit_a)
    assert not Task.objects.exists()


# --- task_update -------------------------------------------------------------------------


def test_a_new_deadline_moves_open_assignments_that_were_not_extended(staff, unit_a, unit_b):
    unit_c, unit_d = UnitFactory(name="消防救援大队"), UnitFactory(name="市场监管分局")
    task = create(staff, lead_unit=unit_a, assisting_units=[unit_b, unit_c, unit_d])
    done = at(task.assignments.get(unit=unit_b), Status.DONE)
    extended = task.assignments.get(unit=unit_c)
    extended.deadline, extended.extension_count = date(2024, 7, 5), 1
    extended.save()

    task_update(actor=staff, task=task, deadline=date(2024, 7, 10))

    deadlines = dict(task.assignments.values_list("unit", "deadline"))
    assert deadlines == {
        unit_a.pk: date(2024, 7, 10),
        unit_d.pk: date(2024, 7, 10),
        unit_b.pk: done.deadline,  # done: unchanged
        unit_c.pk: date(2024, 7, 5),  # extended: keeps what was granted
    }
    moved = task.assignments.get(unit=unit_a).events.get(action=Event.DEADLINE_CHANGED)
    assert moved.actor == staff
    assert "2024-07-10" in moved.note


def test_a_deadline_in_working_days_counts_from_the_issue_date(staff, unit_a):
    task = create(staff, lead_unit=unit_a)
    with time_machine.travel("2024-06-07 10:00:00+08:00", tick=False):  # two days after the issue
        task = task_update(actor=staff, task=task, deadline=None, deadline_working_days=10)
    assert task.deadline == date(2024, 6, 20)  # 10 working days after 5 June, not 7 June
    assert task.deadline_working_days == 10
    assert task.assignments.get().deadline == date(2024, 6, 20)


def test_a_new_deadline_in_the_past_is_refused(staff, unit_a):
    task = create(staff, lead_unit=unit_a)
    with pytest.raises(ValidationError) as info:
        task_update(actor=staff, task=task, deadline=date(2024, 6, 1))
    assert codes(info.value, "deadline") == ["past"]
    task.refresh_from_db()
    assert task.deadline == date(2024, 6, 28)


def test_editing_an_overdue_task_keeps_its_deadline(staff, unit_a):
    task = create(staff, lead_unit=unit_a)
    with time_machine.travel("2024-07-15 10:00:00+08:00", tick=False):
        task = task_update(actor=staff, task=task, title="新标题")
    assert (task.title, task.deadline) == ("新标题", date(2024, 6, 28))


def test_units_added_get_assignments_and_unsigned_ones_can_be_dropped(staff, unit_a, unit_b):
    unit_c = UnitFactory(name="消防救援大队")
    task = create(staff, lead_unit=unit_a, assisting_units=[unit_b])
    task_update(actor=staff, task=task, lead_unit=unit_a, assisting_units=[unit_c])
    assert set(task.assignments.values_list("unit", flat=True)) == {unit_a.pk, unit_c.pk}


def test_a_unit_at_work_cannot_be_dropped(staff, alice, unit_a, unit_b):
    task = create(staff, lead_unit=unit_b, assisting_units=[unit_a])
    assignment_sign(assignment=task.assignments.get(unit=unit_a), actor=alice)
    with pytest.raises(ValidationError) as info:
        task_update(actor=staff, task=task, title="改名", lead_unit=unit_b, assisting_units=[])
    assert codes(info.value, "assisting_units") == ["unit_at_work"]
    task.refresh_from_db()
    assert task.title == "端午节前危化品企业隐患排查"  # nothing saved half-way
    assert task.assignments.count() == 2


def test_the_lead_role_can_move_to_an_assisting_unit(staff, unit_a, unit_b):
    task = create(staff, lead_unit=unit_a, assisting_units=[unit_b])
    task_update(actor=staff, task=task, lead_unit=unit_b, assisting_units=[unit_a])
    roles = dict(task.assignments.values_list("unit", "role"))
    assert roles == {unit_b.pk: "lead", unit_a.pk: "assist"}
    task.refresh_from_db()
    assert task.lead_unit == unit_b


def test_heads_cannot_edit_tasks(alice, task):
    with pytest.raises(PermissionDenied):
        task_update(actor=alice, task=task, title="改名")


# --- The steps: every one allowed and refused --------------------------------------------

ALLOWED = {
    "sign": {Status.ISSUED},
    "start": {Status.SIGNED, Status.RETURNED},
    "complete": {Status.SIGNED, Status.IN_PROGRESS},
    "return": {Status.DONE},
}
TARGET = {
    "sign": Status.SIGNED,
    "start": Status.IN_PROGRESS,
    "complete": Status.DONE,
    "return": Status.RETURNED,
}


def run_step(step: str, assignment: TaskAssignment, *, head, staff) -> TaskAssignment:
    if step == "sign":
        return assignment_sign(assignment=assignment, actor=head)
    if step == "start":
        return assignment_start(assignment=assignment, actor=head)
    if step == "complete":
        return assignment_complete(
            assignment=assignment, actor=head, feedback="已完成排查12家", attachments=[]
        )
    return assignment_return(assignment=assignment, actor=staff, reason="缺少照片")


@pytest.mark.parametrize("step", list(ALLOWED))
@pytest.mark.parametrize("status", list(Status))
def test_each_step_moves_only_along_the_allowed_paths(step, status, a_assignment, alice, staff):
    at(a_assignment, status)
    if status in ALLOWED[step]:
        run_step(step, a_assignment, head=alice, staff=staff)
        a_assignment.refresh_from_db()
        assert a_assignment.status == TARGET[step]
        event = a_assignment.events.latest("pk")
        assert event.actor == (staff if step == "return" else alice)
        assert event.status == TARGET[step]
    else:
        with pytest.raises(TransitionNotAllowed) as info:
            run_step(step, a_assignment, head=alice, staff=staff)
        assert info.value.code == "invalid_transition"
        a_assignment.refresh_from_db()
        assert a_assignment.status == status
        assert not a_assignment.events.exists()


def test_signing_records_who_and_when(a_assignment, alice):
    assignment_sign(assignment=a_assignment, actor=alice)
    a_assignment.refresh_from_db()
    assert a_assignment.signed_by == alice
    assert a_assignment.signed_at.isoformat().startswith("2024-06-05T02:00")


@pytest.mark.parametrize("step", ["sign", "start", "complete"])
def test_only_the_units_own_head_takes_the_units_steps(step, a_assignment, bob, staff):
    at(a_assignment, Status.SIGNED if step != "sign" else Status.ISSUED)
    for outsider in (bob, staff):  # another unit's head; staff of the office
        with pytest.raises(PermissionDenied):
            run_step(step, a_assignment, head=outsider, staff=staff)
    a_assignment.refresh_from_db()
    assert not a_assignment.events.exists()


def test_heads_cannot_return_an_assignment(a_assignment, alice):
    at(a_assignment, Status.DONE)
    with pytest.raises(PermissionDenied):
        assignment_return(assignment=a_assignment, actor=alice, reason="自己退回")
    a_assignment.refresh_from_db()
    assert a_assignment.status == Status.DONE


def test_return_needs_a_reason(a_assignment, staff):
    at(a_assignment, Status.DONE)
    with pytest.raises(ValidationError) as info:
        assignment_return(assignment=a_assignment, actor=staff, reason="  ")
    assert codes(info.value, "reason") == ["required"]
    a_assignment.refresh_from_db()
    assert a_assignment.status == Status.DONE


def test_a_returned_assignment_is_worked_again_and_done_again(a_assignment, alice, staff):
    assignment_sign(assignment=a_assignment, actor=alice)
    assignment_start(assignment=a_assignment, actor=alice)
    assignment_complete(assignment=a_assignment, actor=alice, feedback="第一次反馈")
    assignment_return(assignment=a_assignment, actor=staff, reason="缺少现场照片")
    a_assignment.refresh_from_db()
    assert (a_assignment.status, a_assignment.return_reason) == (Status.RETURNED, "缺少现场照片")
    assert a_assignment.done_at is None
    # Returned cannot be reported done straight away: work starts again first.
    with pytest.raises(ValidationError):
        assignment_complete(assignment=a_assignment, actor=alice, feedback="补充")
    assignment_start(assignment=a_assignment, actor=alice)
    assignment_complete(
        assignment=a_assignment, actor=alice, feedback="已补充照片", attachments=[png_upload()]
    )
    a_assignment.refresh_from_db()
    assert (a_assignment.status, a_assignment.feedback) == (Status.DONE, "已补充照片")
    history = list(a_assignment.events.values_list("action", "actor", "note"))
    assert history == [
        (Event.SIGNED, alice.pk, ""),
        (Event.STARTED, alice.pk, ""),
        (Event.COMPLETED, alice.pk, "第一次反馈"),
        (Event.RETURNED, staff.pk, "缺少现场照片"),
        (Event.STARTED, alice.pk, ""),
        (Event.COMPLETED, alice.pk, "已补充照片"),
    ]


# --- Completing: feedback and attachments ------------------------------------------------


def test_complete_with_feedback_and_image_and_pdf(a_assignment, alice):
    at(a_assignment, Status.IN_PROGRESS)
    assignment_complete(
        assignment=a_assignment,
        actor=alice,
        feedback="排查完成",
        attachments=[png_upload(), pdf_upload()],
    )
    a_assignment.refresh_from_db()
    assert a_assignment.status == Status.DONE
    assert a_assignment.done_at is not None
    files = list(a_assignment.attachments.all())
    assert len(files) == 2
    assert all(f.uploaded_by == alice for f in files)
    assert files[1].file.read().startswith(b"%PDF")


def test_completing_without_feedback_is_a_field_error(a_assignment, alice):
    at(a_assignment, Status.IN_PROGRESS)
    with pytest.raises(ValidationError) as info:
        assignment_complete(
            assignment=a_assignment, actor=alice, feedback=" ", attachments=[png_upload()]
        )
    assert codes(info.value, "feedback") == ["required"]
    a_assignment.refresh_from_db()
    assert a_assignment.status == Status.IN_PROGRESS
    assert not AssignmentAttachment.objects.exists()


def test_an_attachment_that_is_not_an_image_or_pdf_saves_nothing(a_assignment, alice):
    at(a_assignment, Status.IN_PROGRESS)
    fake = SimpleUploadedFile("照片.jpg", b"MZ\x90\x00 not really a photo" * 10)
    with pytest.raises(ValidationError) as info:
        assignment_complete(
            assignment=a_assignment, actor=alice, feedback="完成", attachments=[png_upload(), fake]
        )
    assert codes(info.value, "attachments") == ["file_type"]
    assert "照片.jpg" in info.value.error_dict["attachments"][0].messages[0]
    a_assignment.refresh_from_db()
    assert a_assignment.status == Status.IN_PROGRESS
    assert a_assignment.feedback == ""
    assert not AssignmentAttachment.objects.exists()


def test_too_many_attachments(a_assignment, alice):
    at(a_assignment, Status.IN_PROGRESS)
    files = [png_upload(f"{n}.png") for n in range(MAX_ATTACHMENTS + 1)]
    with pytest.raises(ValidationError) as info:
        assignment_complete(
            assignment=a_assignment, actor=alice, feedback="完成", attachments=files
        )
    assert codes(info.value, "attachments") == ["too_many"]


# --- Extensions --------------------------------------------------------------------------


def ask(assignment, actor, requested=date(2024, 7, 5), reason="节日期间企业停产，无法入场"):
    return extension_request(
        assignment=assignment, actor=actor, reason=reason, requested_deadline=requested
    )


def test_grant_moves_the_deadline_and_counts(a_assignment, alice, staff):
    request = ask(a_assignment, alice)
    assert request.status == ExtensionRequest.Status.PENDING
    assert request.requested_by == alice
    extension_decide(request=request, actor=staff, grant=True, note="同意")
    request.refresh_from_db()
    a_assignment.refresh_from_db()
    assert request.status == ExtensionRequest.Status.GRANTED
    assert (request.decided_by, request.decision_note) == (staff, "同意")
    assert request.decided_at is not None
    assert a_assignment.deadline == date(2024, 7, 5)
    assert a_assignment.extension_count == 1
    # A second extension counts too.
    second = ask(a_assignment, alice, requested=date(2024, 7, 12))
    extension_decide(request=second, actor=staff, grant=True)
    a_assignment.refresh_from_db()
    assert (a_assignment.deadline, a_assignment.extension_count) == (date(2024, 7, 12), 2)
    actions = list(a_assignment.events.values_list("action", flat=True))
    assert actions == [Event.EXTENSION_REQUESTED, Event.EXTENSION_GRANTED] * 2


def test_refuse_keeps_the_deadline_and_says_why(a_assignment, alice, staff):
    request = ask(a_assignment, alice)
    with pytest.raises(ValidationError) as info:
        extension_decide(request=request, actor=staff, grant=False, note="")
    assert codes(info.value, "note") == ["required"]
    extension_decide(request=request, actor=staff, grant=False, note="理由不充分")
    request.refresh_from_db()
    a_assignment.refresh_from_db()
    assert request.status == ExtensionRequest.Status.REFUSED
    assert (request.decided_by, request.decision_note) == (staff, "理由不充分")
    assert (a_assignment.deadline, a_assignment.extension_count) == (date(2024, 6, 28), 0)
    assert a_assignment.events.latest("pk").action == Event.EXTENSION_REFUSED


def test_a_request_is_decided_once(a_assignment, alice, staff):
    request = ask(a_assignment, alice)
    extension_decide(request=request, actor=staff, grant=True)
    # The request's own graph refuses a second decision (409 on the API).
    with pytest.raises(TransitionNotAllowed):
        extension_decide(request=request, actor=staff, grant=True)
    with pytest.raises(TransitionNotAllowed):
        extension_decide(request=request, actor=staff, grant=False)
    a_assignment.refresh_from_db()
    assert a_assignment.extension_count == 1


@pytest.mark.parametrize("requested", [date(2024, 6, 20), date(2024, 6, 28)])
def test_requested_deadline_must_be_after_the_current_one(a_assignment, alice, requested):
    with pytest.raises(ValidationError) as info:
        ask(a_assignment, alice, requested=requested)
    assert codes(info.value, "requested_deadline") == ["not_later"]
    assert not ExtensionRequest.objects.exists()


def test_request_needs_a_reason_and_a_date(a_assignment, alice):
    with pytest.raises(ValidationError) as info:
        ask(a_assignment, alice, requested=None, reason="")
    assert set(info.value.error_dict) == {"reason", "requested_deadline"}


def test_one_pending_request_at_a_time(a_assignment, alice):
    ask(a_assignment, alice)
    with pytest.raises(ValidationError) as info:
        ask(a_assignment, alice, requested=date(2024, 7, 10))
    assert codes(info.value, NON_FIELD_ERRORS) == ["pending_exists"]
    assert ExtensionRequest.objects.count() == 1


def test_a_done_assignment_needs_no_extension(a_assignment, alice):
    at(a_assignment, Status.DONE)
    with pytest.raises(ValidationError):
        ask(a_assignment, alice)


def test_only_the_unit_asks_and_only_staff_decide(a_assignment, alice, bob, staff):
    with pytest.raises(PermissionDenied):
        ask(a_assignment, bob)
    request = ask(a_assignment, alice)
    for head in (alice, bob):
        with pytest.raises(PermissionDenied):
            extension_decide(request=request, actor=head, grant=True)
    request.refresh_from_db()
    assert request.status == ExtensionRequest.Status.PENDING


# --- Chasers -----------------------------------------------------------------------------


def test_staff_chase_and_the_unit_signs_for_it(a_assignment, alice, staff):
    chaser = assignment_chase(assignment=a_assignment, actor=staff, message="请于6月7日前反馈进展")
    assert (chaser.sent_by, chaser.acknowledged_at) == (staff, None)
    chaser_acknowledge(chaser=chaser, actor=alice)
    chaser.refresh_from_db()
    assert chaser.acknowledged_by == alice
    assert chaser.acknowledged_at is not None
    with pytest.raises(TransitionNotAllowed) as info:
        chaser_acknowledge(chaser=chaser, actor=alice)
    assert info.value.code == "already_signed"
    actions = list(a_assignment.events.values_list("action", flat=True))
    assert actions == [Event.CHASED, Event.CHASER_SIGNED]


def test_heads_cannot_chase(a_assignment, b_assignment, alice):
    for assignment in (a_assignment, b_assignment):
        with pytest.raises(PermissionDenied):
            assignment_chase(assignment=assignment, actor=alice, message="催一下")
    assert not Chaser.objects.exists()


def test_only_the_chased_unit_signs_for_a_chaser(a_assignment, bob, staff):
    chaser = ChaserFactory(assignment=a_assignment, sent_by=staff)
    for outsider in (bob, staff):
        with pytest.raises(PermissionDenied):
            chaser_acknowledge(chaser=chaser, actor=outsider)
    chaser.refresh_from_db()
    assert chaser.acknowledged_at is None


def test_a_chaser_needs_a_message_and_an_open_assignment(a_assignment, staff):
    with pytest.raises(ValidationError) as info:
        assignment_chase(assignment=a_assignment, actor=staff, message="")
    assert codes(info.value, "message") == ["required"]
    at(a_assignment, Status.DONE)
    with pytest.raises(ValidationError):
        assignment_chase(assignment=a_assignment, actor=staff, message="催办")
    assert not Chaser.objects.exists()


# --- Progress reports --------------------------------------------------------------------


@pytest.fixture
def monthly(unit_a):
    with time_machine.travel("2024-05-10 10:00:00+08:00", tick=False):
        task = task_for_units(lead=unit_a, report_every="monthly", deadline=date(2024, 9, 30))
    return task.assignments.get()


def test_monthly_periods_due_and_missing(monthly, alice):
    with time_machine.travel("2024-07-15 10:00:00+08:00", tick=False):
        schedule = progress_schedule(monthly)
        assert schedule.due == [date(2024, 5, 31), date(2024, 6, 30)]
        assert schedule.missing == schedule.due
        assert schedule.current == date(2024, 7, 31)

        progress_report_submit(
            assignment=monthly, actor=alice, period_end=date(2024, 5, 31), content="5月进展"
        )
        assert progress_schedule(monthly).missing == [date(2024, 6, 30)]
        # The current period may already be reported.
        progress_report_submit(
            assignment=monthly, actor=alice, period_end=date(2024, 7, 31), content="7月进展"
        )
    assert ProgressReport.objects.filter(submitted_by=alice).count() == 2
    assert monthly.events.filter(action=Event.PROGRESS_REPORTED).count() == 2


def test_weekly_periods_end_on_sundays(unit_a):
    task = task_for_units(lead=unit_a, report_every="weekly")  # issued Wed 5 June
    assignment = task.assignments.get()
    with time_machine.travel("2024-06-20 10:00:00+08:00", tick=False):
        schedule = progress_schedule(assignment)
    assert schedule.due == [date(2024, 6, 9), date(2024, 6, 16)]
    assert schedule.current == date(2024, 6, 23)


def test_a_done_assignment_owes_no_more_reports(monthly, alice):
    with time_machine.travel("2024-06-12 10:00:00+08:00", tick=False):
        at(monthly, Status.IN_PROGRESS)
        assignment_complete(assignment=monthly, actor=alice, feedback="完成")
    monthly.refresh_from_db()
    with time_machine.travel("2024-09-15 10:00:00+08:00", tick=False):
        schedule = progress_schedule(monthly)
        assert schedule.due == [date(2024, 5, 31)]
        assert schedule.current is None
        with pytest.raises(ValidationError):
            progress_report_submit(
                assignment=monthly, actor=alice, period_end=date(2024, 5, 31), content="补报"
            )


@pytest.mark.parametrize(
    ("period_end", "code"),
    [(date(2024, 6, 15), "not_a_period"), (date(2024, 8, 31), "not_a_period"), (None, "required")],
)
def test_a_report_for_a_period_that_is_not_open(monthly, alice, period_end, code):
    with (
        time_machine.travel("2024-07-15 10:00:00+08:00", tick=False),
        pytest.raises(ValidationError) as info,
    ):
        progress_report_submit(
            assignment=monthly, actor=alice, period_end=period_end, content="进展"
        )
    assert codes(info.value, "period_end") == [code]
    assert not ProgressReport.objects.exists()


def test_a_period_is_reported_once(monthly, alice):
    with time_machine.travel("2024-07-15 10:00:00+08:00", tick=False):
        progress_report_submit(
            assignment=monthly, actor=alice, period_end=date(2024, 5, 31), content="5月"
        )
        with pytest.raises(ValidationError) as info:
            progress_report_submit(
                assignment=monthly, actor=alice, period_end=date(2024, 5, 31), content="再报"
            )
    assert codes(info.value, "period_end") == ["already_reported"]


def test_reports_only_where_the_task_asks_and_only_by_the_unit(a_assignment, monthly, alice, bob):
    with pytest.raises(ValidationError) as info:
        progress_report_submit(
            assignment=a_assignment, actor=alice, period_end=date(2024, 6, 30), content="进展"
        )
    assert codes(info.value, NON_FIELD_ERRORS) == ["not_required"]
    with pytest.raises(PermissionDenied):
        progress_report_submit(
            assignment=monthly, actor=bob, period_end=date(2024, 5, 31), content="进展"
        )


# --- What the pages offer ------------------------------------------------------------------


def test_actions_offered_follow_status_and_role(a_assignment, alice, bob, staff):
    def offered(user):
        return assignment_actions(assignment=a_assignment, user=user)

    assert offered(alice) == {"sign", "request_extension"}
    assert offered(staff) == {"chase"}
    assert offered(bob) == set()
    at(a_assignment, Status.SIGNED)
    assert offered(alice) == {"start", "complete", "request_extension"}
    at(a_assignment, Status.DONE)
    assert offered(alice) == set()
    assert offered(staff) == {"return"}
    at(a_assignment, Status.RETURNED)
    assert offered(alice) == {"start", "request_extension"}


def test_another_head_of_the_same_unit_may_act(a_assignment, unit_a):
    deputy = head_of(unit_a, username="deputy")
    assignment_sign(assignment=a_assignment, actor=deputy)
    a_assignment.refresh_from_db()
    assert a_assignment.signed_by == deputy
