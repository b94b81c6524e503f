"""Every list page and list endpoint of the product answers in a bounded number of
queries that does not grow with the rows (no N+1): at most ``MAX_QUERIES``, and the same
at 3 rows as at 30 (more than a page of 20 or 25), for committee staff and for a
department head (scoped to their unit).

Each URL names the kind of record it lists; ``FILL`` makes ``n`` more records of that
kind in the head's unit, with the related records the list shows (photos, assignments,
attachments...), so that a missing ``select_related``/``prefetch_related`` shows up as a
count that grows. The same list of URLs is measured on the seeded databases by
``bench/suites/queries.py``."""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Callable
from dataclasses import dataclass

import pytest
from django.core.paginator import Page
from django.db import connection
from django.db.models import QuerySet
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from campaigns import models as cm
from duty import models as dm
from duty.services.leave import leave_request_create, leave_request_decide
from duty.services.resources import team_create
from duty.times import shift_window
from inspections import models as im
from inspections.services import hazards as hazard_services
from safetyzone.org.models import Unit, User
from safetyzone.org.roles import Role

from .documents.factories import GeneratedDocumentFactory
from .duty.factories import (
    ResourceFactory,
    RosterFactory,
    WarningFactory,
    published,
    staff_shift,
)
from .factories import (
    ActivityFactory,
    ActivityPhotoFactory,
    CampaignFactory,
    CampaignPhaseFactory,
    ChaserFactory,
    DirectiveFactory,
    EnterpriseFactory,
    ExtensionRequestFactory,
    KeyAreaFactory,
    KeyPeriodFactory,
    ProgressReportFactory,
    UnitFactory,
    UserFactory,
    task_for_units,
)
from .inspections.factories import (
    ChecklistItemFactory,
    ChecklistTemplateFactory,
    EnforcementActionFactory,
    InspectionFactory,
    InspectionTaskFactory,
    ViolationFactory,
    key_area,
)
from .notifications.factories import NotificationFactory
from .records import (
    change_request,
    filed_report,
    handover,
    incident,
    issued_meeting,
    standby,
    stock_issue,
)

pytestmark = pytest.mark.django_db

MAX_QUERIES = 10
FEW, MANY = 3, 30
PAGE = 20  # the smallest page of the lists

# (URL name, kind of record it lists). HTML pages first, then the API (/api/v1/).
PAGES = [
    ("org:unit-list", "units"),
    ("org:enterprise-list", "enterprises"),
    ("documents:list", "documents"),
    ("notifications:list", "notifications"),
    ("campaigns:campaign-list", "campaigns"),
    ("campaigns:key-period-list", "key-periods"),
    ("campaigns:directive-list", "directives"),
    ("campaigns:meeting-list", "meetings"),
    ("campaigns:activity-list", "activities"),
    ("campaigns:task-list", "tasks"),
    ("campaigns:assignment-list", "tasks"),
    ("inspections:checklist-list", "checklists"),
    ("inspections:task-list", "inspection-tasks"),
    ("inspections:inspection-list", "inspections"),
    ("inspections:hazard-list", "hazards"),
    ("inspections:report-list", "reports"),
    ("inspections:violation-list", "violations"),
    ("duty:roster-list", "shifts"),
    ("duty:swap-list", "swaps"),
    ("duty:incident-list", "incidents"),
    ("duty:warning-list", "warnings"),
    ("duty:resource-list", "resources"),
    ("duty:team-list", "teams"),
    ("duty:unavailability-list", "leave"),
    ("duty:report-list", "daily-reports"),
]
ENDPOINTS = [
    ("api:unit-list", "units"),
    ("api:key-area-list", "key-areas"),
    ("api:enterprise-list", "enterprises"),
    ("api:document-list", "documents"),
    ("api:notification-list", "notifications"),
    ("api:campaign-list", "campaigns"),
    ("api:key-period-list", "key-periods"),
    ("api:directive-list", "directives"),
    ("api:meeting-list", "meetings"),
    ("api:document-number-list", "meetings"),
    ("api:activity-list", "activities"),
    ("api:task-list", "tasks"),
    ("api:taskassignment-list", "tasks"),
    ("api:extensionrequest-list", "tasks"),
    ("api:chaser-list", "tasks"),
    ("api:progressreport-list", "tasks"),
    ("api:checklist-template-list", "checklists"),
    ("api:inspection-task-list", "inspection-tasks"),
    ("api:inspection-list", "inspections"),
    ("api:hazard-list", "hazards"),
    ("api:rectification-report-list", "reports"),
    ("api:hazard-change-request-list", "hazard-change-requests"),
    ("api:hazard-draft-list", "hazard-drafts"),
    ("api:violation-list", "violations"),
    ("api:enforcement-action-list", "enforcement"),
    ("api:duty-roster-list", "shifts"),
    ("api:duty-shift-list", "shifts"),
    ("api:duty-swap-request-list", "swaps"),
    ("api:duty-log-list", "logs"),
    ("api:duty-report-list", "daily-reports"),
    ("api:duty-handover-list", "handovers"),
    ("api:duty-incident-report-list", "incidents"),
    ("api:duty-weather-warning-list", "warnings"),
    ("api:duty-resource-list", "resources"),
    ("api:duty-stock-movement-list", "stock-movements"),
    ("api:duty-rescue-team-list", "teams"),
    ("api:duty-standby-list", "standby"),
    ("api:duty-unavailability-list", "unavailability"),
    ("api:duty-leave-request-list", "leave"),
]
LISTS = PAGES + ENDPOINTS

# Lists a department head may not read: the refusal is checked (its count too), and
# where the duty officers may read them, the unit's officer is measured as well.
HEAD_REFUSED = {
    "api:document-number-list",
    "duty:incident-list",
    "api:duty-swap-request-list",
    "api:duty-log-list",
    "api:duty-handover-list",
    "api:duty-incident-report-list",
    "api:duty-stock-movement-list",
    "duty:report-list",
    "api:duty-report-list",
}
# Lists of the duty records, also measured for the unit's duty officer.
READ_BY_OFFICER = {
    "duty:roster-list",
    "duty:swap-list",
    "duty:incident-list",
    "api:duty-roster-list",
    "api:duty-shift-list",
    "api:duty-swap-request-list",
    "api:duty-log-list",
    "api:duty-handover-list",
    "api:duty-incident-report-list",
    "api:duty-stock-movement-list",
    "duty:report-list",
    "api:duty-report-list",
}
# Lists whose scoped readers see fewer rows than were made (their own unit, their own
# swaps): their counts are compared all the same.
PARTIAL_FOR_SCOPED = {"org:unit-list", "api:unit-list", "duty:swap-list"}


@dataclass
class World:
    """The people and the unit the records are made for."""

    unit: Unit
    office: Unit
    staff: User
    head: User
    officer: User  # a duty officer of the unit, on every shift made
    counter: itertools.count

    def day(self) -> dt.date:
        """A new day for each record, so that rosters and shifts never overlap."""
        return dt.date(2023, 1, 1) + dt.timedelta(days=next(self.counter))


def _person(world: World, role: str) -> User:
    return UserFactory(unit=world.unit, roles=[role])


def _units(world: World, n: int) -> None:
    for _ in range(n):
        UnitFactory()


def _key_areas(world: World, n: int) -> None:
    for _ in range(n):
        KeyAreaFactory()


def _enterprises(world: World, n: int) -> None:
    for _ in range(n):
        enterprise = EnterpriseFactory(supervising_unit=world.unit)
        enterprise.key_areas.set([key_area("fire")])


def _documents(world: World, n: int) -> None:
    for _ in range(n):
        GeneratedDocumentFactory(unit=world.unit)


def _notifications(world: World, n: int) -> None:
    for _ in range(n):
        NotificationFactory(recipient=world.head)
        NotificationFactory(recipient=world.staff)


def _campaigns(world: World, n: int) -> None:
    parent = CampaignFactory(lead_unit=world.unit, kind=cm.Campaign.Kind.THREE_YEAR_ACTION)
    for _ in range(n):
        campaign = CampaignFactory(lead_unit=world.unit, parent=parent)
        CampaignPhaseFactory(campaign=campaign)


def _key_periods(world: World, n: int) -> None:
    campaign = CampaignFactory(lead_unit=world.unit)
    for _ in range(n):
        period = KeyPeriodFactory(campaign=campaign)
        period.key_areas.set([key_area("fire")])


def _directives(world: World, n: int) -> None:
    for _ in range(n):
        DirectiveFactory(campaign=CampaignFactory(lead_unit=world.unit))


def _meetings(world: World, n: int) -> None:
    for _ in range(n):
        issued_meeting(
            office=world.office,
            units=[world.unit, UnitFactory()],
            staff=world.staff,
            campaign=CampaignFactory(lead_unit=world.unit),
        )


def _activities(world: World, n: int) -> None:
    for _ in range(n):
        activity = ActivityFactory(unit=world.unit, campaign=CampaignFactory(lead_unit=world.unit))
        ActivityPhotoFactory(activity=activity)


def _tasks(world: World, n: int) -> None:
    campaign = CampaignFactory(lead_unit=world.office)
    for _ in range(n):
        task = task_for_units(lead=world.unit, assisting=[UnitFactory()], campaign=campaign)
        for assignment in task.assignments.all():
            ChaserFactory(assignment=assignment, sent_by=world.staff)
            ExtensionRequestFactory(assignment=assignment, requested_by=world.head)
            ProgressReportFactory(assignment=assignment, submitted_by=world.head)


def _checklists(world: World, n: int) -> None:
    for _ in range(n):
        template = ChecklistTemplateFactory(key_area=key_area("fire"))
        ChecklistItemFactory(template=template)
        ChecklistItemFactory(template=template)


def _inspection_tasks(world: World, n: int) -> None:
    for _ in range(n):
        task = InspectionTaskFactory(key_area=key_area("fire"))
        im.InspectionTaskUnit.objects.create(task=task, unit=world.unit)
        for _ in range(2):
            im.InspectionTarget.objects.create(
                task=task,
                unit=world.unit,
                enterprise=EnterpriseFactory(supervising_unit=world.unit),
            )


def _inspections(world: World, n: int) -> None:
    template = ChecklistTemplateFactory(key_area=key_area("fire"))
    item = ChecklistItemFactory(template=template)
    inspector = _person(world, Role.INSPECTOR)
    for _ in range(n):
        inspection = InspectionFactory(
            enterprise=EnterpriseFactory(supervising_unit=world.unit), template=template
        )
        inspection.inspectors.set([inspector])
        im.InspectionAnswer.objects.create(
            inspection=inspection, item=item, result=im.InspectionAnswer.Result.FAIL
        )


def _hazard(world: World, **kwargs) -> im.Hazard:
    return hazard_services.hazard_create(
        actor=world.staff,
        enterprise=EnterpriseFactory(supervising_unit=world.unit),
        key_area=key_area("fire"),
        description="疏散通道堆放杂物",
        level=im.HazardLevel.GENERAL,
        found_on=dt.date(2024, 6, 5),
        deadline=dt.date(2024, 6, 20),
        responsible_person="王经理",
        place="一层东侧通道",
        **kwargs,
    )


def _hazards(world: World, n: int) -> None:
    for _ in range(n):
        _hazard(world)


def _reports(world: World, n: int) -> None:
    for _ in range(n):
        filed_report(hazard=_hazard(world), head=world.head)


def _hazard_change_requests(world: World, n: int) -> None:
    for _ in range(n):
        change_request(hazard=_hazard(world), head=world.head)


def _hazard_drafts(world: World, n: int) -> None:
    """Failed items waiting as drafts, each with a photo."""
    from tests.helpers import png_upload

    template = ChecklistTemplateFactory(key_area=key_area("fire"))
    for _ in range(n):
        inspection = InspectionFactory(
            enterprise=EnterpriseFactory(supervising_unit=world.unit), template=template
        )
        answer = im.InspectionAnswer.objects.create(
            inspection=inspection,
            item=ChecklistItemFactory(template=template),
            result=im.InspectionAnswer.Result.FAIL,
        )
        im.AnswerPhoto.objects.create(answer=answer, image=png_upload())
        im.HazardDraft.objects.create(inspection=inspection, answer=answer, description="堆物")


def _violations(world: World, n: int) -> None:
    for _ in range(n):
        ViolationFactory(enterprise=EnterpriseFactory(supervising_unit=world.unit))


def _enforcement(world: World, n: int) -> None:
    for _ in range(n):
        violation = ViolationFactory(enterprise=EnterpriseFactory(supervising_unit=world.unit))
        EnforcementActionFactory(enterprise=violation.enterprise, violation=violation)


def _shift(world: World) -> tuple[dm.Shift, User]:
    """A published one-day roster of the unit with one shift: a leader, two officers."""
    day = world.day()
    roster = published(RosterFactory(unit=world.unit, start_date=day, end_date=day))
    shift = staff_shift(
        roster,
        day,
        _person(world, Role.DUTY_LEADER),
        world.officer,
        _person(world, Role.DUTY_OFFICER),
    )
    return shift, world.officer


def _shifts(world: World, n: int) -> None:
    for _ in range(n):
        _shift(world)


def _logs(world: World, n: int) -> None:
    for _ in range(n):
        shift, officer = _shift(world)
        dm.DutyLogEntry.objects.create(
            shift=shift, at=shift.starts_at, kind="call", content="来电", author=officer
        )


def _daily_reports(world: World, n: int) -> None:
    from duty.services.duty_report import duty_report_generate

    for _ in range(n):
        shift, _officer = _shift(world)
        duty_report_generate(shift=shift)


def _handovers(world: World, n: int) -> None:
    for _ in range(n):
        world.day()  # a day between two: no handover waits for the next one's leader
        shift, officer = _shift(world)
        handover(shift=shift, officer=officer)


def _incidents(world: World, n: int) -> None:
    for _ in range(n):
        shift, officer = _shift(world)
        incident(shift=shift, officer=officer)


def _swaps(world: World, n: int) -> None:
    for _ in range(n):
        shift, officer = _shift(world)
        dm.SwapRequest.objects.create(
            shift=shift,
            requester=officer,
            counterpart=_person(world, Role.DUTY_OFFICER),
            reason="出差",
        )


def _warnings(world: World, n: int) -> None:
    for _ in range(n):
        WarningFactory(issued_at=shift_window(world.day())[0], recorded_by=world.staff)


def _resources(world: World, n: int) -> None:
    for _ in range(n):
        ResourceFactory(unit=world.unit)


def _stock_movements(world: World, n: int) -> None:
    for _ in range(n):
        stock_issue(unit=world.unit, staff=world.staff)


def _teams(world: World, n: int) -> None:
    for _ in range(n):
        team_create(
            actor=world.staff,
            unit=world.unit,
            name=f"防汛抢险队{next(world.counter)}",
            speciality="防汛",
            leader="李四",
            leader_phone="13900000000",
            base="救援基地",
            members=[{"name": "甲"}, {"name": "乙"}],
        )


def _standby(world: World, n: int) -> None:
    for _ in range(n):
        standby(unit=world.unit, staff=world.staff, day=world.day())


def _unavailability(world: World, n: int) -> None:
    for _ in range(n):
        # The page lists the absences of the last month and after.
        day = dt.date.today() + dt.timedelta(days=next(world.counter))
        dm.Unavailability.objects.create(
            person=_person(world, Role.DUTY_OFFICER),
            start_date=day,
            end_date=day,
            created_by=world.staff,
        )


def _leave(world: World, n: int) -> None:
    """Leave requests of the unit's officers, every other one granted (recorded)."""
    for i in range(n):
        day = timezone.localdate() + dt.timedelta(days=1 + next(world.counter))
        person = _person(world, Role.DUTY_OFFICER)
        request = leave_request_create(
            actor=person, person=person, start_date=day, end_date=day, reason="事假"
        )
        if i % 2:
            leave_request_decide(actor=world.staff, request=request, grant=True)


FILL: dict[str, Callable[[World, int], None]] = {
    "units": _units,
    "key-areas": _key_areas,
    "enterprises": _enterprises,
    "documents": _documents,
    "notifications": _notifications,
    "campaigns": _campaigns,
    "key-periods": _key_periods,
    "directives": _directives,
    "meetings": _meetings,
    "activities": _activities,
    "tasks": _tasks,
    "checklists": _checklists,
    "inspection-tasks": _inspection_tasks,
    "inspections": _inspections,
    "hazards": _hazards,
    "reports": _reports,
    "hazard-change-requests": _hazard_change_requests,
    "hazard-drafts": _hazard_drafts,
    "violations": _violations,
    "enforcement": _enforcement,
    "shifts": _shifts,
    "logs": _logs,
    "daily-reports": _daily_reports,
    "handovers": _handovers,
    "incidents": _incidents,
    "swaps": _swaps,
    "warnings": _warnings,
    "resources": _resources,
    "stock-movements": _stock_movements,
    "teams": _teams,
    "standby": _standby,
    "unavailability": _unavailability,
    "leave": _leave,
}


@pytest.fixture
def world(staff, alice, unit_a) -> World:
    return World(
        unit=unit_a,
        office=staff.unit,
        staff=staff,
        head=alice,
        officer=UserFactory(unit=unit_a, roles=[Role.DUTY_OFFICER]),
        counter=itertools.count(),
    )


def count_queries(client, url: str, user: User) -> tuple[int, int, int]:
    """The status, the number of queries and the number of rows shown of one GET, after
    a warm-up request (the session, the warning banner's cache)."""
    client.force_login(user)
    client.get(url)
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    return response.status_code, len(ctx.captured_queries), rows_shown(response)


def rows_shown(response) -> int:
    """How many records the list shows: the API's results, or the longest page or list
    in the template's context."""
    if response.status_code != 200:
        return 0
    if response.get("Content-Type", "").startswith("application/json"):
        body = response.json()
        return len(body["results"] if isinstance(body, dict) else body)
    lengths = [0]
    for context in response.context or []:
        for value in context.flatten().values() if hasattr(context, "flatten") else []:
            if isinstance(value, Page):
                lengths.append(len(value.object_list))
            elif isinstance(value, list | QuerySet):
                lengths.append(len(value))
    return max(lengths)


def readers(world: World, name: str) -> list[tuple[str, User, int]]:
    """Who reads the list ``name`` in the test, and the status each must get."""
    people = [("staff", world.staff, 200)]
    people.append(("head", world.head, 403 if name in HEAD_REFUSED else 200))
    if name in READ_BY_OFFICER:
        people.append(("officer", world.officer, 200))
    return people


@pytest.mark.parametrize(("name", "kind"), LISTS, ids=[name for name, _kind in LISTS])
def test_list_queries_are_bounded_and_do_not_grow(client, world, name, kind):
    url = reverse(name)
    people = readers(world, name)
    FILL[kind](world, FEW)
    few = [count_queries(client, url, user) for _who, user, _status in people]
    FILL[kind](world, MANY - FEW)
    many = [count_queries(client, url, user) for _who, user, _status in people]
    for (who, _user, status), at_few, at_many in zip(people, few, many, strict=True):
        assert at_few[0] == at_many[0] == status, (who, at_few, at_many)
        assert at_few[1] == at_many[1] <= MAX_QUERIES, (who, at_few, at_many)
        # The records made are on the list (a full page), so the counts mean something.
        if status == 200 and (who == "staff" or name not in PARTIAL_FOR_SCOPED):
            assert at_many[2] >= PAGE, (who, at_many)


def test_every_list_url_of_the_product_is_measured():
    """A new list page or endpoint joins this module (and the bench suite)."""
    from django.urls import get_resolver

    measured = {name for name, _kind in LISTS}
    found = set()

    def walk(resolver, namespace=""):
        for pattern in resolver.url_patterns:
            if hasattr(pattern, "url_patterns"):
                inner = pattern.namespace or ""
                walk(pattern, f"{namespace}:{inner}".strip(":") if inner else namespace)
            elif pattern.name and pattern.name.endswith("-list") or pattern.name == "list":
                found.add(f"{namespace}:{pattern.name}")

    walk(get_resolver())
    assert found - measured == set()
