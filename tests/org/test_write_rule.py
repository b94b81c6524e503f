"""The write rule beside the read rule (safetyzone.org.scoping): who may act for a unit
and on a record."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404

from safetyzone.org.roles import Role
from safetyzone.org.scoping import (
    OutsideUnit,
    can_act_for,
    can_act_on,
    require_record,
    require_unit,
    write_unit_path,
)
from tests.helpers import png_upload

from ..factories import (
    EnterpriseFactory,
    MeetingAttendanceFactory,
    MeetingFactory,
    TaskAssignmentFactory,
    UserFactory,
)

# --- can_act_for / require_unit ---------------------------------------------------------


@pytest.mark.parametrize(
    "role", [Role.DEPARTMENT_HEAD, Role.INSPECTOR, Role.DUTY_OFFICER, Role.DUTY_LEADER]
)
def test_unit_roles_act_only_for_their_own_unit(roles, unit_a, unit_b, role):
    user = UserFactory(unit=unit_a, roles=[role])
    assert can_act_for(user, unit_a)
    assert can_act_for(user, unit_a.pk)
    assert not can_act_for(user, unit_b)


@pytest.mark.parametrize("role", [Role.COMMITTEE_STAFF, Role.ADMIN])
def test_staff_and_admin_act_for_every_unit(roles, unit_a, unit_b, role):
    user = UserFactory(unit=unit_a, roles=[role])
    assert can_act_for(user, unit_a)
    assert can_act_for(user, unit_b)


def test_staff_act_as_a_member_only_of_their_own_unit(staff, unit_a):
    assert can_act_for(staff, unit_a)
    assert not can_act_for(staff, unit_a, as_member=True)
    assert can_act_for(staff, staff.unit, as_member=True)


def test_inactive_anonymous_and_unitless_users_act_for_no_unit(roles, unit_a):
    inactive = UserFactory(unit=unit_a, roles=[Role.COMMITTEE_STAFF], is_active=False)
    no_unit = UserFactory(unit=None, roles=[Role.DEPARTMENT_HEAD])
    for user in (inactive, AnonymousUser(), no_unit):
        assert not can_act_for(user, unit_a)
    assert not can_act_for(UserFactory(unit=unit_a), None)


def test_require_unit_refuses_an_outsider_as_not_found(alice, bob, unit_a):
    require_unit(alice, unit_a)
    with pytest.raises(OutsideUnit) as refused:
        require_unit(bob, unit_a)
    # Callers catch it as PermissionDenied; HTTP answers it as 404 (Http404 is looked for first).
    assert isinstance(refused.value, PermissionDenied)
    assert isinstance(refused.value, Http404)


def test_require_unit_for_a_chosen_unit_is_a_field_error(bob, unit_a):
    with pytest.raises(ValidationError) as refused:
        require_unit(bob, unit_a, field="unit", message="Only your own unit.")
    assert refused.value.message_dict == {"unit": ["Only your own unit."]}


# --- can_act_on / require_record --------------------------------------------------------


def test_a_record_is_written_for_by_the_unit_its_scope_path_names(alice, bob, staff, unit_a):
    enterprise = EnterpriseFactory(supervising_unit=unit_a)
    assert write_unit_path(type(enterprise)) == "supervising_unit"
    assert can_act_on(alice, enterprise)
    assert can_act_on(staff, enterprise)
    assert not can_act_on(bob, enterprise)
    with pytest.raises(OutsideUnit):
        require_record(bob, enterprise)


def test_a_unit_is_its_own_record(alice, bob, unit_a):
    assert can_act_on(alice, unit_a)
    assert not can_act_on(bob, unit_a)


def test_a_meeting_is_written_by_its_organiser_not_by_an_attending_unit(alice, bob, unit_a, unit_b):
    meeting = MeetingFactory(organiser=unit_a)
    MeetingAttendanceFactory(meeting=meeting, unit=unit_b)
    assert write_unit_path(type(meeting)) == "organiser"
    assert can_act_on(alice, meeting)
    assert not can_act_on(bob, meeting)
    # Bob sees the meeting (his unit attends): a 403, not a 404 that would lie.
    with pytest.raises(PermissionDenied) as refused:
        require_record(bob, meeting)
    assert not isinstance(refused.value, OutsideUnit)
    # With every path, attending is enough.
    assert can_act_on(bob, meeting, any_path=True)


def test_a_to_many_path_is_asked_of_the_database(alice, bob, unit_a):
    assignment = TaskAssignmentFactory(task__lead_unit=unit_a, unit=unit_a)
    task = assignment.task
    assert write_unit_path(type(task)) == "assignments__unit"
    assert can_act_on(alice, task)
    assert not can_act_on(bob, task)


def test_a_units_own_step_refuses_staff_with_403_and_outsiders_with_404(alice, bob, staff, unit_a):
    assignment = TaskAssignmentFactory(task__lead_unit=unit_a, unit=unit_a)
    require_record(alice, assignment, as_member=True)
    assert can_act_on(staff, assignment)
    with pytest.raises(PermissionDenied) as refused:
        require_record(staff, assignment, as_member=True, message="Only the unit.")
    assert not isinstance(refused.value, OutsideUnit)
    assert str(refused.value) == "Only the unit."
    with pytest.raises(OutsideUnit):
        require_record(bob, assignment, as_member=True)


def test_inactive_users_act_on_nothing(roles, unit_a):
    enterprise = EnterpriseFactory(supervising_unit=unit_a)
    inactive = UserFactory(unit=unit_a, roles=[Role.DEPARTMENT_HEAD], is_active=False)
    assert not can_act_on(inactive, enterprise)
    assert not can_act_on(AnonymousUser(), enterprise)
    with pytest.raises(OutsideUnit):
        require_record(inactive, enterprise)


# --- Every service refuses an outsider ----------------------------------------------------
#
# Each public service function that takes an actor is called here by bob, head of unit B
# who also holds every permission (so that no role check refuses him first), on a record
# of unit A or for unit A. It must be refused, and nothing may change in the database. A
# service that takes an actor and is missing from CASES fails the walk: add it, with a
# builder of its arguments, or to NOT_UNIT_SCOPED with the reason.

import datetime as dt  # noqa: E402
import importlib  # noqa: E402
import inspect  # noqa: E402
from dataclasses import dataclass  # noqa: E402
from decimal import Decimal  # noqa: E402
from functools import cached_property  # noqa: E402

from django.apps import apps  # noqa: E402
from django.contrib.auth.models import Permission  # noqa: E402
from django.core.exceptions import ObjectDoesNotExist  # noqa: E402
from django.utils import timezone  # noqa: E402

from campaigns import models as cm  # noqa: E402
from duty import models as dm  # noqa: E402
from duty.times import shift_window  # noqa: E402
from inspections import models as im  # noqa: E402
from inspections.services import hazard_changes as change_services  # noqa: E402
from inspections.services import hazards as hazard_services  # noqa: E402
from safetyzone.org.authcache import forget  # noqa: E402
from safetyzone.org.models import User  # noqa: E402

from ..duty.factories import ResourceFactory, RosterFactory, ShiftFactory, TeamFactory  # noqa: E402
from ..factories import (  # noqa: E402
    ActivityFactory,
    CampaignFactory,
    ChaserFactory,
    ExtensionRequestFactory,
    task_for_units,
)
from ..inspections.factories import (  # noqa: E402
    ChecklistItemFactory,
    ChecklistTemplateFactory,
    InspectionFactory,
    key_area,
)

SERVICE_MODULES = (
    "campaigns.services.activities",
    "campaigns.services.meetings",
    "campaigns.services.planning",
    "campaigns.services.assignments",
    "campaigns.services.chasers",
    "campaigns.services.extensions",
    "campaigns.services.progress",
    "campaigns.services.tasks",
    "inspections.services.enforcement",
    "inspections.services.hazard_changes",
    "inspections.services.hazard_drafts",
    "inspections.services.hazards",
    "inspections.services.imports",
    "inspections.services.inspections",
    "inspections.services.reports",
    "inspections.services.statistics",
    "inspections.services.tasks",
    "duty.services.feeds",
    "duty.services.incidents",
    "duty.services.leave",
    "duty.services.log",
    "duty.services.resources",
    "duty.services.rosters",
    "duty.services.shifts",
    "duty.services.swaps",
    "safetyzone.org.services",
    "safetyzone.documents.services",
    "safetyzone.notifications.services",
)
ACTOR_NAMES = {"actor", "user", "requester"}


def services_with_an_actor() -> dict[str, object]:
    found = {}
    for module_name in SERVICE_MODULES:
        module = importlib.import_module(module_name)
        for name, function in vars(module).items():
            if name.startswith("_") or not inspect.isfunction(function):
                continue
            if function.__module__ != module_name:
                continue  # imported from elsewhere: walked in its own module
            if ACTOR_NAMES & set(inspect.signature(function).parameters):
                found[f"{module_name}.{name}"] = function
    return found


class World:
    """Unit A's records, made on first use; bob (unit B, every permission) is the
    outsider."""

    def __init__(self, *, unit_a, unit_b, alice, bob, staff):
        self.unit_a, self.unit_b, self.alice, self.staff = unit_a, unit_b, alice, staff
        bob.user_permissions.set(Permission.objects.all())
        self.bob = User.objects.get(pk=bob.pk)
        forget(self.bob)
        assert not self.bob.sees_all_units

    def png(self):
        return png_upload("photo.png")

    @cached_property
    def fire(self):
        return key_area("fire")

    # campaigns
    @cached_property
    def activity(self):
        return ActivityFactory(unit=self.unit_a)

    @cached_property
    def meeting(self):
        meeting = cm.Meeting.objects.create(
            title="部署会",
            starts_at=timezone.now(),
            place="会议室",
            chair="王立",
            organiser=self.unit_a,
        )
        cm.MeetingAttendance.objects.create(meeting=meeting, unit=self.unit_a)
        return meeting

    @cached_property
    def campaign(self):
        return CampaignFactory(lead_unit=self.unit_a)

    @cached_property
    def assignment(self):
        task = task_for_units(lead=self.unit_a, report_every="month")
        return task.assignments.get()

    # inspections
    @cached_property
    def enterprise(self):
        from ..factories import EnterpriseFactory

        enterprise = EnterpriseFactory(supervising_unit=self.unit_a)
        enterprise.key_areas.set([self.fire])
        return enterprise

    @cached_property
    def hazard(self):
        return hazard_services.hazard_create(
            actor=self.staff,
            enterprise=self.enterprise,
            key_area=self.fire,
            description="疏散通道堆放杂物",
            level="general",
            found_on=dt.date(2024, 6, 5),
        )

    @cached_property
    def inspection(self):
        template = ChecklistTemplateFactory(key_area=self.fire)
        item = ChecklistItemFactory(template=template, order=1)
        inspection = InspectionFactory(enterprise=self.enterprise, key_area=self.fire)
        im.InspectionAnswer.objects.create(inspection=inspection, item=item, result="fail")
        return inspection

    @cached_property
    def hazard_draft(self):
        answer = self.inspection.answers.get()
        return im.HazardDraft.objects.create(
            inspection=self.inspection, answer=answer, description="隐患"
        )

    # documents
    @cached_property
    def document(self):
        from safetyzone.documents.models import GeneratedDocument

        return GeneratedDocument.objects.create(
            kind="ledger_xlsx",
            subject=self.alice,
            unit=self.unit_a,
            requested_by=self.alice,
            filename="台账.xlsx",
        )

    # duty
    @cached_property
    def leader_a(self):
        from ..duty.factories import leader

        return leader(self.unit_a)

    @cached_property
    def roster(self):
        return RosterFactory(unit=self.unit_a)

    @cached_property
    def shift(self):
        shift = ShiftFactory(roster=self.roster)
        dm.ShiftAssignment.objects.create(shift=shift, person=self.leader_a, role="leader")
        return shift

    @cached_property
    def future_swap(self):
        from ..duty.factories import leader

        roster = RosterFactory(
            unit=self.unit_a,
            status=dm.DutyRoster.Status.PUBLISHED,
            published_at=timezone.now(),
            start_date=timezone.localdate(),
            end_date=timezone.localdate() + dt.timedelta(days=30),
        )
        shift = ShiftFactory(roster=roster, date=timezone.localdate() + dt.timedelta(days=10))
        other = leader(self.unit_a)
        dm.ShiftAssignment.objects.create(shift=shift, person=self.leader_a, role="leader")
        status = dm.SwapRequest.Status.ACCEPTED
        return dm.SwapRequest.objects.create(
            shift=shift,
            requester=self.leader_a,
            counterpart=other,
            reason="家中有事",
            status=status,
        )

    @cached_property
    def handover(self):
        from duty.services.log import handover_create

        return handover_create(
            actor=self.leader_a, shift=self.shift, new_matters=["越山路积水待排"]
        )

    @cached_property
    def incident(self):
        from duty.services.incidents import incident_report_create

        return incident_report_create(
            actor=self.leader_a,
            shift=self.shift,
            received_at=self.shift.starts_at + dt.timedelta(hours=1),
            reported_by="消防大队",
            kind="fire",
            level="general",
            place="化工园区",
            description="仓库起火",
        )

    @cached_property
    def resource(self):
        return ResourceFactory(unit=self.unit_a)

    @cached_property
    def team(self):
        return TeamFactory(unit=self.unit_a)


@dataclass(frozen=True)
class Case:
    build: object  # World -> kwargs of the call
    refused: type[Exception] = OutsideUnit
    field: str | None = None  # a ValidationError on this field (a unit chosen in the input)
    predicate: bool = False  # a "may they?" function: it answers falsy


def field(name, build):
    return Case(build, ValidationError, field=name)


def staff_only(build):
    # Committee staff's own steps: anyone else is refused whatever the unit.
    return Case(build, PermissionDenied)


D = dt.date(2024, 6, 5)

CASES: dict[str, Case] = {
    # campaigns: activities
    "campaigns.services.activities.activity_create": field(
        "unit",
        lambda w: (
            {"title": "培训", "kind": "training", "date": D, "place": "会议室"} | {"unit": w.unit_a}
        ),
    ),
    "campaigns.services.activities.activity_update": Case(
        lambda w: {"activity": w.activity, "title": "改"}
    ),
    "campaigns.services.activities.activity_photos_add": Case(
        lambda w: {"activity": w.activity, "photos": [w.png()]}
    ),
    # campaigns: meetings
    "campaigns.services.meetings.meeting_create": field(
        "organiser",
        lambda w: (
            {"title": "会", "starts_at": timezone.now(), "place": "室", "chair": "王"}
            | {"organiser": w.unit_a}
        ),
    ),
    "campaigns.services.meetings.meeting_update": Case(
        lambda w: {"meeting": w.meeting, "title": "改"}
    ),
    "campaigns.services.meetings.meeting_issue": Case(lambda w: {"meeting": w.meeting}),
    "campaigns.services.meetings.meeting_record_minutes": Case(
        lambda w: {"meeting": w.meeting, "minutes": "纪要"}
    ),
    # A unit signs only its own attendance: bob's unit has none at A's meeting.
    "campaigns.services.meetings.meeting_sign": Case(
        lambda w: {"meeting": w.meeting}, ObjectDoesNotExist
    ),
    # campaigns: planning
    "campaigns.services.planning.campaign_create": field(
        "lead_unit",
        lambda w: {"name": "安全生产月", "start_date": D, "end_date": D, "lead_unit": w.unit_a},
    ),
    "campaigns.services.planning.campaign_update": Case(
        lambda w: {"campaign": w.campaign, "goals": "改"}
    ),
    "campaigns.services.planning.campaign_copy_to_year": Case(
        lambda w: {"campaign": w.campaign, "year": 2030}
    ),
    # campaigns: tasks
    "campaigns.services.assignments.acts_for_unit": Case(
        lambda w: {"assignment": w.assignment, "perm": "campaigns.change_taskassignment"},
        predicate=True,
    ),
    "campaigns.services.assignments.assignment_actions": Case(
        lambda w: {"assignment": w.assignment}, predicate=True
    ),
    "campaigns.services.assignments.may_acknowledge": Case(
        lambda w: {"chaser": ChaserFactory(assignment=w.assignment)}, predicate=True
    ),
    "campaigns.services.assignments.is_task_manager": Case(lambda w: {}, predicate=True),
    "campaigns.services.assignments.may_decide_extensions": Case(lambda w: {}, predicate=True),
    "campaigns.services.assignments.may_chase": Case(lambda w: {}, predicate=True),
    "campaigns.services.tasks.task_create": staff_only(
        lambda w: {"title": "排查", "content": "内容", "deadline": D, "lead_unit": w.unit_a}
    ),
    "campaigns.services.tasks.task_update": staff_only(
        lambda w: {"task": w.assignment.task, "title": "改"}
    ),
    "campaigns.services.assignments.assignment_sign": Case(lambda w: {"assignment": w.assignment}),
    "campaigns.services.assignments.assignment_start": Case(lambda w: {"assignment": w.assignment}),
    "campaigns.services.assignments.assignment_complete": Case(
        lambda w: {"assignment": w.assignment, "feedback": "已完成"}
    ),
    "campaigns.services.assignments.assignment_return": staff_only(
        lambda w: {"assignment": w.assignment, "reason": "不合格"}
    ),
    "campaigns.services.extensions.extension_request": Case(
        lambda w: {
            "assignment": w.assignment,
            "reason": "需延期",
            "requested_deadline": w.assignment.deadline + dt.timedelta(days=7),
        }
    ),
    "campaigns.services.extensions.extension_decide": staff_only(
        lambda w: {"request": ExtensionRequestFactory(assignment=w.assignment), "grant": True}
    ),
    "campaigns.services.chasers.assignment_chase": staff_only(
        lambda w: {"assignment": w.assignment, "message": "请尽快"}
    ),
    "campaigns.services.chasers.chaser_acknowledge": Case(
        lambda w: {"chaser": ChaserFactory(assignment=w.assignment)}
    ),
    "campaigns.services.progress.progress_report_submit": Case(
        lambda w: {"assignment": w.assignment, "period_end": D, "content": "进展"}
    ),
    # inspections
    "inspections.services.hazards.hazard_create": field(
        "enterprise",
        lambda w: (
            {"enterprise": w.enterprise, "key_area": w.fire, "description": "隐患"}
            | {"level": "general", "found_on": D}
        ),
    ),
    "inspections.services.hazards.hazard_from_answer": Case(
        lambda w: {"answer": w.inspection.answers.get()}
    ),
    "inspections.services.hazards.hazards_from_inspection": Case(
        lambda w: {"inspection": w.inspection}
    ),
    "inspections.services.hazards.hazard_photos_add": Case(
        lambda w: {"hazard": w.hazard, "photos": [w.png()]}
    ),
    "inspections.services.hazards.hazard_update": Case(
        lambda w: {"hazard": w.hazard, "place": "改"}
    ),
    "inspections.services.hazards.hazard_start_rectification": Case(lambda w: {"hazard": w.hazard}),
    "inspections.services.hazard_changes.hazard_change_request": Case(
        lambda w: {"hazard": w.hazard, "deadline": dt.date(2024, 12, 31), "reason": "延期"}
    ),
    "inspections.services.hazard_changes.hazard_change_decide": staff_only(
        lambda w: {
            "request": change_services.hazard_change_request(
                actor=w.alice, hazard=w.hazard, deadline=dt.date(2024, 12, 31), reason="延期"
            ),
            "grant": True,
            "note": "同意",
        }
    ),
    "inspections.services.hazards.hazard_supervise": Case(
        lambda w: {"hazard": w.hazard, "office": "市安委办", "deadline": D}
    ),
    "inspections.services.reports.report_file": Case(
        lambda w: {"hazard": w.hazard, "measures_taken": "已清理", "completed_on": D}
    ),
    "inspections.services.reports.report_accept": Case(lambda w: {"hazard": w.hazard}),
    "inspections.services.reports.report_return": Case(
        lambda w: {"hazard": w.hazard, "reason": "不合格"}
    ),
    "inspections.services.inspections.inspection_record": field(
        "enterprise",
        lambda w: (
            {"enterprise": w.enterprise, "key_area": w.fire, "inspectors": [w.bob]}
            | {"answers": [], "date": D}
        ),
    ),
    "inspections.services.inspections.inspection_submit": field(
        "enterprise",
        lambda w: (
            {"enterprise": w.enterprise, "key_area": w.fire, "inspectors": [w.bob]}
            | {"answers": [], "date": D}
        ),
    ),
    "inspections.services.hazard_drafts.hazard_drafts_create": Case(
        lambda w: {"inspection": w.inspection}
    ),
    "inspections.services.hazard_drafts.hazard_draft_confirm": Case(
        lambda w: {"draft": w.hazard_draft}
    ),
    "inspections.services.hazard_drafts.hazard_draft_discard": Case(
        lambda w: {"draft": w.hazard_draft, "reason": "现场复核无隐患"}
    ),
    "inspections.services.tasks.inspection_task_create": field(
        "units",
        lambda w: {"title": "排查", "key_area": w.fire, "units": [w.unit_a], "deadline": D},
    ),
    "inspections.services.tasks.inspection_tasks_from_key_period": field(
        "units",
        lambda w: {
            "key_period": cm.KeyPeriod.objects.create(
                name="端午节", start_date=D, end_date=D + dt.timedelta(days=2)
            ),
            "key_areas": [w.fire],
            "units": [w.unit_a],
            "deadline": D,
        },
    ),
    "inspections.services.enforcement.violation_record": field(
        "enterprise",
        lambda w: (
            {"enterprise": w.enterprise, "kind": "illegal_operation", "person": "张三"}
            | {"description": "违章", "date": D}
        ),
    ),
    "inspections.services.enforcement.enforcement_action_record": field(
        "enterprise",
        lambda w: (
            {"enterprise": w.enterprise, "kind": "order_to_rectify", "legal_basis": "法"}
            | {"date": D}
        ),
    ),
    "inspections.services.statistics.quarterly_report_file": field(
        "unit", lambda w: {"unit": w.unit_a, "year": 2024, "quarter": 1}
    ),
    # duty
    "duty.services.rosters.roster_create": field(
        "unit",
        lambda w: {"title": "值班表", "unit": w.unit_a, "start_date": D, "end_date": D},
    ),
    "duty.services.rosters.roster_generate": Case(
        lambda w: {"roster": w.roster, "leaders": [w.leader_a], "officers": [w.alice]}
    ),
    "duty.services.rosters.roster_publish": Case(lambda w: {"roster": w.roster}),
    "duty.services.feeds.roster_feed_renew": Case(lambda w: {"roster": w.roster}),
    "duty.services.shifts.shift_create": Case(
        lambda w: {"roster": w.roster, "date": D, "leader": w.leader_a, "officers": [w.alice]}
    ),
    "duty.services.shifts.shift_update": Case(
        lambda w: {"shift": w.shift, "leader": w.leader_a, "officers": [w.alice]}
    ),
    "duty.services.shifts.unavailability_create": Case(
        lambda w: {"person": w.alice, "start_date": D, "end_date": D}
    ),
    # A head asks leave for their unit's people: unit A's leader is not bob's.
    "duty.services.leave.leave_request_create": field(
        "person",
        lambda w: {"person": w.leader_a, "start_date": D, "end_date": D, "reason": "年休假"},
    ),
    "duty.services.leave.leave_request_decide": staff_only(
        lambda w: {
            "request": dm.LeaveRequest.objects.create(
                person=w.leader_a, start_date=D, end_date=D, reason="年休假"
            ),
            "grant": True,
        }
    ),
    # The people on a shift write its log, hand it over, record and swap it: bob is not.
    "duty.services.swaps.swap_request_create": field(
        "shift",
        lambda w: {
            "shift": w.future_swap.shift,
            "counterpart": w.future_swap.counterpart,
            "reason": "有事",
        },
    ),
    "duty.services.swaps.swap_accept": Case(lambda w: {"swap": w.future_swap}, PermissionDenied),
    "duty.services.swaps.swap_decline": Case(lambda w: {"swap": w.future_swap}, PermissionDenied),
    "duty.services.swaps.swap_cancel": Case(lambda w: {"swap": w.future_swap}, PermissionDenied),
    "duty.services.swaps.swap_approve": Case(lambda w: {"swap": w.future_swap}),
    "duty.services.swaps.swap_reject": Case(lambda w: {"swap": w.future_swap}),
    "duty.services.log.log_entry_create": field(
        "shift", lambda w: {"shift": w.shift, "kind": "other", "content": "记录"}
    ),
    "duty.services.log.handover_create": field("shift", lambda w: {"shift": w.shift}),
    # Only the incoming leader on duty confirms: bob is not (nor is anyone of unit A).
    "duty.services.log.handover_confirm": Case(lambda w: {"handover": w.handover}, ValidationError),
    "duty.services.incidents.incident_report_create": field(
        "shift",
        lambda w: {
            "shift": w.shift,
            "received_at": w.shift.starts_at + dt.timedelta(hours=1),
            "reported_by": "群众",
            "kind": "other",
            "place": "某地",
            "description": "事件",
        },
    ),
    "duty.services.log.open_matter_close": Case(
        lambda w: {"matter": w.handover.matters.get(), "note": "已处理"}
    ),
    "duty.services.incidents.incident_update_create": Case(
        lambda w: {
            "report": w.incident,
            "kind": "first",
            "method": "phone",
            "content": "首报",
            "received_by": "市应急局",
            "sent_at": w.incident.received_at + dt.timedelta(minutes=5),
        }
    ),
    "duty.services.resources.resource_create": field(
        "unit",
        lambda w: (
            {"unit": w.unit_a, "kind": "material", "name": "沙袋", "measure": "袋"}
            | {"storage_place": "库", "keeper": "张三"}
        ),
    ),
    "duty.services.resources.resource_update": Case(
        lambda w: {"resource": w.resource, "keeper": "李四"}
    ),
    "duty.services.resources.stock_move": Case(
        lambda w: {"resource": w.resource, "direction": "out", "quantity": Decimal(1)}
    ),
    "duty.services.resources.team_create": field(
        "unit", lambda w: {"unit": w.unit_a, "name": "抢险队", "speciality": "防汛"}
    ),
    "duty.services.resources.team_member_add": Case(lambda w: {"team": w.team, "name": "王五"}),
    "duty.services.resources.standby_create": Case(
        lambda w: {
            "key_period": None,
            "place": "越山路",
            "starts_at": shift_window(D)[0],
            "ends_at": shift_window(D)[1],
            "team": w.team,
        }
    ),
    # organisation
    "safetyzone.org.services.enterprise_create": field(
        "supervising_unit",
        lambda w: (
            {"name": "某企业", "credit_code": "91220101MA0Y5XXXX1"} | {"supervising_unit": w.unit_a}
        ),
    ),
    "safetyzone.org.services.enterprise_update": Case(
        lambda w: {"enterprise": w.enterprise, "address": "改"}
    ),
    # notifications: a unit's group robot
    "safetyzone.notifications.services.unit_webhook_set": Case(
        lambda w: {
            "unit": w.unit_a,
            "url": "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=x",
        }
    ),
    # documents: a request is a read, refused as not found by the read rule
    "safetyzone.documents.services.document_request_get_or_create": Case(
        lambda w: {"kind": "unit_profile", "subject": w.unit_a}, ObjectDoesNotExist
    ),
    "safetyzone.documents.services.document_request": Case(
        lambda w: {"kind": "unit_profile", "subject": w.unit_a}, ObjectDoesNotExist
    ),
    # documents: an export of another unit's rows is a bad filter; another unit's
    # document is refused as not found
    "safetyzone.documents.services.document_export_request": field(
        "unit", lambda w: {"kind": "ledger_xlsx", "query": {"unit": str(w.unit_a.pk)}}
    ),
    "safetyzone.documents.services.document_delete": Case(lambda w: {"document": w.document}),
}

NOT_UNIT_SCOPED: dict[str, str] = {
    "campaigns.services.planning.require_perm": "the role-permission check itself; no record",
    "campaigns.services.meetings.directive_create": "directives come from higher offices to "
    "the whole zone; they belong to no unit",
    "campaigns.services.meetings.directive_update": "directives belong to no unit",
    "campaigns.services.planning.key_period_create": "key periods are the zone's, not a unit's",
    "campaigns.services.planning.key_period_update": "key periods are the zone's, not a unit's",
    "inspections.services.imports.enterprises_import": "each row goes through "
    "enterprise_create (walked here); a refused row is reported in the import's result",
    "inspections.services.imports.hazards_import": "each row goes through hazard_create "
    "(walked here); a refused row is reported in the import's result",
    "duty.services.incidents.warning_create": "weather warnings are the zone's, not a unit's",
    "duty.services.incidents.warning_lift": "weather warnings are the zone's, not a unit's",
    "safetyzone.org.services.user_set_roles": "no actor: ``user`` is the person whose roles are "
    "set, from the admin site, which Django's admin permissions guard",
    "safetyzone.notifications.services.notifications_mark_all_read": "the user's own "
    "notifications only",
    "safetyzone.notifications.services.channel_preferences_set": "the user's own preferences only",
    "safetyzone.documents.services.document_export_write": "the worker's writing of a queued "
    "export into a file: it reads through the requester's scope and changes no record",
}


def test_every_service_with_an_actor_is_walked():
    found = set(services_with_an_actor())
    missing = sorted(found - set(CASES) - set(NOT_UNIT_SCOPED))
    assert not missing, f"add these services to CASES (or NOT_UNIT_SCOPED with a reason): {missing}"
    gone = sorted((set(CASES) | set(NOT_UNIT_SCOPED)) - found)
    assert not gone, f"these services are gone; drop them from the table: {gone}"
    assert all(reason.strip() for reason in NOT_UNIT_SCOPED.values())
    assert not set(CASES) & set(NOT_UNIT_SCOPED)


DOMAIN_APPS = ("org", "campaigns", "inspections", "duty", "documents", "notifications", "core")


def database_rows() -> dict[str, list]:
    return {
        model._meta.label: sorted(model._default_manager.values_list(), key=repr)
        for app in DOMAIN_APPS
        for model in apps.get_app_config(app).get_models()
    }


@pytest.fixture
def world(unit_a, unit_b, alice, bob, staff, settings):
    from django.utils import translation

    settings.MEDIA_ROOT = settings.MEDIA_ROOT  # per-test media (tests/conftest.py)
    with translation.override("en"):
        yield World(unit_a=unit_a, unit_b=unit_b, alice=alice, bob=bob, staff=staff)


@pytest.mark.parametrize("name", sorted(CASES))
def test_an_outsider_is_refused_and_nothing_changes(world, name):
    function = services_with_an_actor()[name]
    case = CASES[name]
    kwargs = case.build(world)
    actor_name = (ACTOR_NAMES & set(inspect.signature(function).parameters)).pop()
    kwargs[actor_name] = world.bob
    before = database_rows()
    if case.predicate:
        assert not function(**kwargs)
        return
    with pytest.raises(case.refused) as refused:
        function(**kwargs)
    if case.field is not None:
        assert case.field in refused.value.message_dict, refused.value.message_dict
    assert database_rows() == before


@pytest.mark.parametrize(
    "name",
    [
        "campaigns.services.activities.activity_update",
        "inspections.services.hazards.hazard_update",
        "inspections.services.hazard_changes.hazard_change_request",
        "duty.services.resources.resource_update",
        "safetyzone.org.services.enterprise_update",
    ],
)
def test_the_units_own_head_passes_the_same_call(world, name):
    """The refusal is the unit's: alice, head of unit A, makes the same calls (the
    records' own unit), given the permission."""
    alice = world.alice
    alice.user_permissions.set(Permission.objects.all())
    alice = User.objects.get(pk=alice.pk)
    kwargs = CASES[name].build(world)
    services_with_an_actor()[name](actor=alice, **kwargs)
