"""Campaign work reaching a unit's desk tells its heads at once (in-app, then email and
robot by the outbox), with the record's link, once: a task assigned (also to a unit
added later), a meeting notice to sign for, a chaser, an assignment sent back, an
extension decided. The actor, and the heads of other units, are not told; a rolled back
service tells nobody."""

from datetime import timedelta
from pathlib import Path

import pytest
from django.core import mail
from django.db import transaction
from django.utils import timezone

from campaigns.models import TaskAssignment
from campaigns.services import meetings as meeting_services
from campaigns.services.assignments import assignment_complete, assignment_return, assignment_sign
from campaigns.services.chasers import assignment_chase
from campaigns.services.extensions import extension_decide, extension_request
from campaigns.services.tasks import task_create, task_update
from safetyzone.notifications.models import Notification
from tests.factories import UnitFactory, draft_meeting, head_of
from tests.helpers import told

ROOT = Path(__file__).resolve().parents[2]


def in_days(n: int):
    return timezone.localdate() + timedelta(days=n)


def create_task(staff, lead, assisting=()):
    return task_create(
        actor=staff,
        title="端午节前危化品企业专项检查",
        content="对辖区危化品企业开展全覆盖检查。",
        deadline=in_days(10),
        lead_unit=lead,
        assisting_units=assisting,
    )


def assignment_of(task, unit) -> TaskAssignment:
    return task.assignments.get(unit=unit)


def test_a_task_assigned_tells_the_heads_of_each_unit_of_their_own_assignment(
    staff, alice, bob, unit_a, unit_b
):
    task = create_task(staff, unit_a, [unit_b])
    mine, theirs = assignment_of(task, unit_a), assignment_of(task, unit_b)
    assert told() == sorted(
        [
            ("alice", "assigned", mine.get_absolute_url()),
            ("bob", "assigned", theirs.get_absolute_url()),
        ]
    )
    notification = Notification.objects.get(recipient=alice)
    assert notification.kind == Notification.Kind.TASK_ASSIGNMENT
    assert notification.subject_label == "端午节前危化品企业专项检查"
    assert "端午节前危化品企业专项检查" in notification.message


def test_heads_of_another_unit_are_not_told_of_unit_a_task(staff, alice, bob, unit_a):
    create_task(staff, unit_a)
    assert told() == [("alice", "assigned", assignment_url(unit_a))]
    assert not Notification.objects.filter(recipient=bob).exists()
    assert not Notification.objects.filter(recipient=staff).exists()


def assignment_url(unit) -> str:
    return TaskAssignment.objects.get(unit=unit).get_absolute_url()


def test_a_unit_added_to_an_existing_task_is_told_and_the_others_not_again(
    staff, alice, bob, unit_a, unit_b
):
    task = create_task(staff, unit_a)
    task_update(actor=staff, task=task, assisting_units=[unit_b])
    assert told() == sorted(
        [
            ("alice", "assigned", assignment_of(task, unit_a).get_absolute_url()),
            ("bob", "assigned", assignment_of(task, unit_b).get_absolute_url()),
        ]
    )
    task_update(actor=staff, task=task, title="端午节前危化品企业专项检查（修订）")
    assert Notification.objects.count() == 2


def test_a_rolled_back_assignment_tells_nobody(
    staff, alice, unit_a, django_capture_on_commit_callbacks
):
    alice.email = "alice@example.gov.cn"
    alice.save()
    with django_capture_on_commit_callbacks(execute=True):
        with pytest.raises(RuntimeError), transaction.atomic():
            create_task(staff, unit_a)
            raise RuntimeError("the request failed after the service")
    assert not Notification.objects.exists()
    assert mail.outbox == []


def test_the_assigned_head_gets_an_email_with_the_link(
    staff, alice, unit_a, settings, django_capture_on_commit_callbacks
):
    settings.SITE_URL = "https://aqy.example.gov.cn"
    alice.email = "alice@example.gov.cn"
    alice.save()
    with django_capture_on_commit_callbacks(execute=True):
        task = create_task(staff, unit_a)
    assert [m.to for m in mail.outbox] == [["alice@example.gov.cn"]]
    url = assignment_of(task, unit_a).get_absolute_url()
    assert f"https://aqy.example.gov.cn{url}" in mail.outbox[0].body


def test_an_issued_meeting_notice_tells_the_heads_of_the_attending_units_to_sign(
    staff, alice, bob, unit_a
):
    other_head_of_a = head_of(unit_a, username="alice2")
    meeting = draft_meeting(organiser=staff.unit, units=[unit_a], title="近期安全生产工作部署会")
    meeting_services.meeting_issue(meeting=meeting, actor=staff)
    url = meeting.get_absolute_url()
    assert told() == [("alice", "to_sign", url), ("alice2", "to_sign", url)]
    notification = Notification.objects.get(recipient=other_head_of_a)
    assert notification.kind == Notification.Kind.MEETING
    assert "近期安全生产工作部署会" in notification.message


def test_a_failed_issue_tells_nobody(staff, alice, unit_a):
    from django.core.exceptions import ValidationError

    meeting = draft_meeting(organiser=UnitFactory(doc_number_prefix=""), units=[unit_a])
    with pytest.raises(ValidationError):
        meeting_services.meeting_issue(meeting=meeting, actor=staff)
    assert not Notification.objects.exists()


@pytest.fixture
def assignment(staff, alice, unit_a):
    task = create_task(staff, unit_a)
    Notification.objects.all().delete()  # the assignment's own news is tested above
    return assignment_of(task, unit_a)


def test_a_chaser_tells_the_units_heads_each_time(staff, alice, bob, assignment):
    assignment_chase(assignment=assignment, actor=staff, message="请于周五前报送进展")
    assignment_chase(assignment=assignment, actor=staff, message="再次催办")
    rows = list(Notification.objects.order_by("pk"))
    assert [(n.recipient, n.reason, n.subject_url) for n in rows] == [
        (alice, "chased", assignment.get_absolute_url()),
        (alice, "chased", assignment.get_absolute_url()),
    ]
    assert "请于周五前报送进展" in rows[0].message
    assert "再次催办" in rows[1].message


def test_an_extension_granted_tells_the_requester_and_the_heads_once(
    staff, alice, bob, unit_a, assignment
):
    clerk = head_of(unit_a, username="alice2")
    request = extension_request(
        assignment=assignment, actor=clerk, reason="企业停产检修", requested_deadline=in_days(20)
    )
    extension_decide(request=request, actor=staff, grant=True)
    url = assignment.get_absolute_url()
    assert told() == [
        ("alice", "extension_granted", url),
        ("alice2", "extension_granted", url),
    ]
    assert in_days(20).isoformat() in Notification.objects.get(recipient=alice).message


def test_an_extension_refused_tells_the_requester_with_the_reason(staff, alice, bob, assignment):
    request = extension_request(
        assignment=assignment, actor=alice, reason="人手不足", requested_deadline=in_days(20)
    )
    extension_decide(request=request, actor=staff, grant=False, note="时间节点不能推迟")
    assert told() == [("alice", "extension_refused", assignment.get_absolute_url())]
    assert "时间节点不能推迟" in Notification.objects.get().message


def test_an_assignment_sent_back_tells_the_units_heads(staff, alice, bob, assignment):
    assignment_sign(assignment=assignment, actor=alice)
    assignment_complete(assignment=assignment, actor=alice, feedback="已完成检查")
    assignment_return(assignment=assignment, actor=staff, reason="缺少检查记录")
    assert told() == [("alice", "returned", assignment.get_absolute_url())]
    assert "缺少检查记录" in Notification.objects.get().message


def test_the_unit_taking_its_own_steps_tells_nobody(staff, alice, assignment):
    assignment_sign(assignment=assignment, actor=alice)
    assignment_complete(assignment=assignment, actor=alice, feedback="已完成检查")
    assert not Notification.objects.exists()


def test_no_domain_code_sends_mail_itself():
    offenders = [
        str(path.relative_to(ROOT))
        for app in ("campaigns", "inspections")
        for path in (ROOT / app).rglob("*.py")
        if "send_mail" in path.read_text(encoding="utf-8")
    ]
    assert offenders == []
