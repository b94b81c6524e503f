"""The permission matrix of every API resource and of the main pages, generated from one
table, as NetBox's generic permission tests are.

Each row names a resource by its router basename (``api:<basename>-list`` and
``-detail`` under /api/v1/), who reads it on their own unit, how a record of a unit is
made (factories and the services the tests use), and who holds no permission on it.
From the table pytest generates role × own/other unit × action:

- the reader on their own unit: 200 (the record is on their list);
- the same role in another unit: 404 on the record (not 403, not 200), and the record
  is not on their list; writes too are 404 (405 where nobody may write);
- a person of the unit without the model permission: 403 (an empty list and 404 where
  the resource hides what exists: documents, notifications);
- anonymous: 401 on the API, a redirect to the login page on the pages.

A refusal cannot pass for the wrong reason: before each one, committee staff read the
very record (it exists and is readable), and the other unit's reader reads a record of
their own unit (their role works).

URLs are reversed by name only, so moving views and serializers between modules does not
touch this file; ``test_every_router_resource_is_in_the_table`` makes a new resource fail
until it is listed here.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property
from typing import Any

import pytest
from django.urls import get_resolver, reverse

from safetyzone.org.roles import Role

from .documents.factories import GeneratedDocumentFactory
from .duty.factories import (
    ResourceFactory,
    RosterFactory,
    TeamFactory,
    WarningFactory,
    published,
    staff_shift,
)
from .factories import (
    ActivityFactory,
    CampaignFactory,
    ChaserFactory,
    DirectiveFactory,
    EnterpriseFactory,
    ExtensionRequestFactory,
    KeyAreaFactory,
    KeyPeriodFactory,
    ProgressReportFactory,
    UserFactory,
    task_for_units,
)
from .helpers import authenticate, listed_ids
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


# --- The people of a unit ------------------------------------------------------------------


@dataclass
class Side:
    """One unit and its people; ``staff`` (committee staff) sees every unit."""

    unit: Any
    head: Any
    staff: Any
    days: itertools.count

    def person(self, role: str | None) -> Any:
        return UserFactory(unit=self.unit, roles=[role] if role else [])

    @cached_property
    def officer(self):
        return self.person(Role.DUTY_OFFICER)

    @cached_property
    def leader(self):
        return self.person(Role.DUTY_LEADER)

    @cached_property
    def nobody(self):
        """A person of the unit holding no role, hence no model permission."""
        return self.person(None)

    def who(self, name: str):
        """The person the table names: "head", "officer", "nobody", "staff"..."""
        return getattr(self, name)

    def day(self) -> dt.date:
        """A new day for each roster, so that two rosters of a unit never overlap."""
        return dt.date(2023, 1, 1) + dt.timedelta(days=next(self.days))


# --- How a record of a unit is made ---------------------------------------------------------


def _enterprise(side: Side):
    enterprise = EnterpriseFactory(supervising_unit=side.unit)
    enterprise.key_areas.set([key_area("fire")])
    return enterprise


def _meeting(side: Side):
    return issued_meeting(office=side.staff.unit, units=[side.unit], staff=side.staff)


def _assignment(side: Side):
    return task_for_units(lead=side.unit).assignments.get()


def _inspection_task(side: Side):
    from inspections.models import InspectionTaskUnit

    task = InspectionTaskFactory(key_area=key_area("fire"))
    InspectionTaskUnit.objects.create(task=task, unit=side.unit)
    return task


def _hazard(side: Side):
    from .inspections.conftest import make_hazard

    return make_hazard(side.staff, _enterprise(side))


def _hazard_draft(side: Side):
    from inspections.models import HazardDraft, InspectionAnswer

    template = ChecklistTemplateFactory(key_area=key_area("fire"))
    inspection = InspectionFactory(enterprise=_enterprise(side), template=template)
    answer = InspectionAnswer.objects.create(
        inspection=inspection,
        item=ChecklistItemFactory(template=template),
        result=InspectionAnswer.Result.FAIL,
    )
    return HazardDraft.objects.create(inspection=inspection, answer=answer, description="堆物")


def _violation(side: Side):
    return ViolationFactory(enterprise=_enterprise(side))


def _shift(side: Side):
    """A published one-day roster of the unit with one shift: its leader and officer."""
    day = side.day()
    roster = published(RosterFactory(unit=side.unit, start_date=day, end_date=day))
    return staff_shift(roster, day, side.leader, side.officer)


def _log(side: Side):
    shift = _shift(side)
    return shift.log_entries.create(
        at=shift.starts_at, kind="call", content="来电", author=side.officer
    )


def _daily_report(side: Side):
    from duty.services.duty_report import duty_report_generate

    return duty_report_generate(shift=_shift(side))


def _swap(side: Side):
    shift = _shift(side)
    return shift.swaps_out.create(
        requester=side.officer, counterpart=side.person(Role.DUTY_OFFICER), reason="出差"
    )


def _leave(side: Side):
    """Leave recorded by staff for the unit's officer."""
    day = side.day()
    return side.officer.unavailabilities.create(start_date=day, end_date=day, created_by=side.staff)


def _leave_request(side: Side):
    day = side.day()
    return side.officer.leave_requests.create(
        start_date=day, end_date=day, reason="事假", requested_by=side.officer
    )


@dataclass(frozen=True)
class Resource:
    """One API resource of the router."""

    basename: str
    make: Callable[[Side], Any]  # a record of the side's unit
    reader: str = "head"  # who reads it on their own unit ("head", "officer", "staff"...)
    # False for catalogues every unit reads (key areas, checklists, weather warnings):
    # another unit's reader sees them too, so there is no "other unit" to refuse.
    scoped: bool = True
    # A person of the unit without the model permission, and what they get on the list
    # and on the record: 403, or an empty list and 404 where the app hides existence.
    refused: str = "nobody"
    refused_list: int = 403
    refused_record: int = 403
    witness: str = "staff"  # who reads every such record (the recipient, for notifications)


RESOURCES = [
    # safetyzone.org
    Resource("unit", lambda side: side.unit),
    # A catalogue any signed-in user reads, without a model permission (unlike the
    # checklist templates and weather warnings, which ask for theirs).
    Resource(
        "key-area",
        lambda side: KeyAreaFactory(),
        scoped=False,
        refused_list=200,
        refused_record=200,
    ),
    Resource("enterprise", _enterprise),
    # safetyzone.documents, safetyzone.notifications
    # Who may read a document depends on its kind: without it, the list is empty and
    # the document is not found.
    # Its requester (or staff) may delete it: a head deleting another unit's is a 404.
    Resource(
        "document",
        lambda side: GeneratedDocumentFactory(unit=side.unit, requested_by=side.head),
        refused_list=200,
        refused_record=404,
    ),
    # A notification is its recipient's alone, whoever else asks.
    Resource(
        "notification",
        lambda side: NotificationFactory(recipient=side.head),
        witness="head",
        refused_list=200,
        refused_record=404,
    ),
    # campaigns
    # Campaigns, their key periods and directives are the whole district's: every unit
    # reads them (campaigns.selectors.planning: "every campaign, for any signed-in user").
    Resource("campaign", lambda side: CampaignFactory(lead_unit=side.unit), scoped=False),
    Resource(
        "key-period",
        lambda side: KeyPeriodFactory(campaign=CampaignFactory(lead_unit=side.unit)),
        scoped=False,
    ),
    Resource(
        "directive",
        lambda side: DirectiveFactory(campaign=CampaignFactory(lead_unit=side.unit)),
        scoped=False,
    ),
    Resource("meeting", _meeting),
    Resource(
        "document-number",
        lambda side: _meeting(side).document_number,
        reader="staff",
        scoped=False,
        refused="head",
    ),
    Resource("activity", lambda side: ActivityFactory(unit=side.unit)),
    Resource("task", lambda side: task_for_units(lead=side.unit)),
    Resource("taskassignment", _assignment),
    Resource(
        "extensionrequest",
        lambda side: ExtensionRequestFactory(assignment=_assignment(side), requested_by=side.head),
    ),
    Resource(
        "chaser", lambda side: ChaserFactory(assignment=_assignment(side), sent_by=side.staff)
    ),
    Resource(
        "progressreport",
        lambda side: ProgressReportFactory(assignment=_assignment(side), submitted_by=side.head),
    ),
    # inspections
    Resource(
        "checklist-template",
        lambda side: ChecklistTemplateFactory(key_area=key_area("fire")),
        scoped=False,
    ),
    Resource("inspection-task", _inspection_task),
    Resource(
        "inspection",
        lambda side: InspectionFactory(
            enterprise=_enterprise(side),
            template=ChecklistTemplateFactory(key_area=key_area("fire")),
        ),
    ),
    Resource("hazard", _hazard, refused="officer"),
    Resource(
        "rectification-report",
        lambda side: filed_report(hazard=_hazard(side), head=side.head),
        refused="officer",
    ),
    Resource(
        "hazard-change-request",
        lambda side: change_request(hazard=_hazard(side), head=side.head),
        refused="officer",
    ),
    Resource("hazard-draft", lambda side: _hazard_draft(side), refused="officer"),
    Resource("violation", _violation, refused="officer"),
    Resource(
        "enforcement-action",
        lambda side: EnforcementActionFactory(
            enterprise=(violation := _violation(side)).enterprise, violation=violation
        ),
        refused="officer",
    ),
    # duty
    Resource("duty-roster", lambda side: _shift(side).roster, reader="officer"),
    Resource("duty-shift", _shift, reader="officer"),
    Resource("duty-swap-request", _swap, reader="officer", refused="head"),
    # A head reads (and asks) their unit's people's leave; an officer only their own.
    Resource("duty-unavailability", _leave),
    Resource("duty-leave-request", _leave_request),
    Resource("duty-log", _log, reader="officer", refused="head"),
    Resource("duty-report", _daily_report, reader="officer", refused="head"),
    Resource(
        "duty-handover",
        lambda side: handover(shift=_shift(side), officer=side.officer),
        reader="officer",
        refused="head",
    ),
    Resource(
        "duty-incident-report",
        lambda side: incident(shift=_shift(side), officer=side.officer),
        reader="officer",
        refused="head",
    ),
    Resource(
        "duty-weather-warning",
        lambda side: WarningFactory(recorded_by=side.staff),
        reader="officer",
        scoped=False,
    ),
    Resource("duty-resource", lambda side: ResourceFactory(unit=side.unit), reader="officer"),
    Resource(
        "duty-stock-movement",
        lambda side: stock_issue(unit=side.unit, staff=side.staff),
        reader="officer",
        refused="head",
    ),
    Resource("duty-rescue-team", lambda side: TeamFactory(unit=side.unit), reader="officer"),
    Resource(
        "duty-standby",
        lambda side: standby(unit=side.unit, staff=side.staff, day=side.day()),
        reader="officer",
    ),
]
BY_NAME = {resource.basename: resource for resource in RESOURCES}

# Known holes: (basename, action, case) -> why. Each is xfail(strict=True): fixing the
# code makes the test pass, and strict makes it fail until the entry is removed.
KNOWN_API_BUGS: dict[tuple[str, str, str], str] = {}


# --- Fixtures -------------------------------------------------------------------------------


@pytest.fixture
def side_a(alice, staff, unit_a) -> Side:
    return Side(unit=unit_a, head=alice, staff=staff, days=itertools.count())


@pytest.fixture
def side_b(bob, staff, unit_b) -> Side:
    return Side(unit=unit_b, head=bob, staff=staff, days=itertools.count(500))


def list_url(resource: Resource) -> str:
    return reverse(f"api:{resource.basename}-list")


def detail_url(resource: Resource, record) -> str:
    return reverse(f"api:{resource.basename}-detail", args=[record.pk])


def assert_readable(api_client, resource, record, side) -> None:
    """The record exists and its witness (staff) reads it: a refusal is about who asks."""
    witness = side.who(resource.witness)
    assert authenticate(api_client, witness).get(detail_url(resource, record)).status_code == 200


# --- The matrix -------------------------------------------------------------------------------

ACTIONS = ["list", "retrieve", "update", "delete"]
CASES = ["own", "other", "refused", "anonymous"]


def matrix() -> list:
    params = []
    for resource in RESOURCES:
        for action in ACTIONS:
            for case in CASES:
                if case == "own" and action in {"update", "delete"}:
                    continue  # own-unit writes need real payloads: each app's tests have them
                if case == "other" and not resource.scoped:
                    continue
                marks = []
                if (resource.basename, action, case) in KNOWN_API_BUGS:
                    marks.append(
                        pytest.mark.xfail(
                            strict=True, reason=KNOWN_API_BUGS[(resource.basename, action, case)]
                        )
                    )
                params.append(
                    pytest.param(
                        resource.basename,
                        action,
                        case,
                        id=f"{resource.basename}-{action}-{case}",
                        marks=marks,
                    )
                )
    return params


def offered(api_client, resource, url: str, side: Side) -> set[str]:
    """The methods the URL answers (its Allow header), asked by the witness."""
    response = authenticate(api_client, side.who(resource.witness)).options(url)
    return {method.strip() for method in response.get("Allow", "").split(",")}


def refused_status(resource: Resource, action: str, methods: set[str]) -> int:
    if action == "list":
        return resource.refused_list
    if action == "retrieve" or {"update": "PATCH", "delete": "DELETE"}[action] in methods:
        return resource.refused_record
    # A write nobody may make: the model permission refuses it first (403); where the
    # resource asks for none, the method itself is refused (405).
    return 403 if resource.refused_record == 403 else 405


def send(client, action: str, url: str):
    if action in {"list", "retrieve"}:
        return client.get(url)
    if action == "update":
        return client.patch(url, {}, format="json")
    return client.delete(url)


@pytest.mark.parametrize(("basename", "action", "case"), matrix())
def test_api_permission_matrix(api_client, side_a, side_b, basename, action, case):
    resource = BY_NAME[basename]
    record = resource.make(side_a)
    assert_readable(api_client, resource, record, side_a)
    url = list_url(resource) if action == "list" else detail_url(resource, record)

    if case == "anonymous":
        authenticate(api_client, None)
        assert send(api_client, action, url).status_code == 401
    elif case == "refused":
        response = send(authenticate(api_client, side_a.who(resource.refused)), action, url)
        expected = refused_status(resource, action, offered(api_client, resource, url, side_a))
        assert response.status_code == expected, response.content[:300]
        if action == "list" and expected == 200 and resource.scoped:
            assert listed_ids(response) == set()
    elif case == "own":
        reader = side_a.who(resource.reader)
        response = send(authenticate(api_client, reader), action, url)
        assert response.status_code == 200, response.content[:300]
        if action == "list":
            assert record.pk in listed_ids(response)
    else:  # another unit's reader, whose role works on their own unit's record
        own_record = resource.make(side_b)
        reader = side_b.who(resource.reader)
        client = authenticate(api_client, reader)
        assert client.get(detail_url(resource, own_record)).status_code == 200
        response = send(client, action, url)
        if action == "list":
            ids = listed_ids(response)
            assert own_record.pk in ids
            assert record.pk not in ids
        elif action == "retrieve":
            assert response.status_code == 404, response.content[:300]
        else:
            # The same write on the reader's own record tells what the role may do: where
            # it may not write at all (403) or nobody may (405), the other unit's record
            # gets the same answer; where it may, the other unit's record is not found.
            own = send(client, action, detail_url(resource, own_record)).status_code
            expected = own if own in {403, 405} else 404
            assert response.status_code == expected, (own, response.content[:300])
    # Whatever was refused left the record as it was.
    assert_readable(api_client, resource, record, side_a)


def api_url_patterns() -> list[tuple[str, set[str]]]:
    """(URL name, its arguments) of every URL in the api namespace."""
    found = []

    def walk(resolver, namespace=""):
        for pattern in resolver.url_patterns:
            if hasattr(pattern, "url_patterns"):
                inner = pattern.namespace or ""
                walk(pattern, f"{namespace}:{inner}".strip(":") if inner else namespace)
            elif namespace == "api" and pattern.name:
                found.append((pattern.name, set(pattern.pattern.regex.groupindex)))

    walk(get_resolver())
    return found


def custom_actions() -> list:
    """(basename, URL name) of every custom action of a record the router adds
    (``api:<basename>-<action>``, taking the record's pk alone), found at collection."""
    by_length = sorted(BY_NAME, key=len, reverse=True)
    actions = set()
    for name, arguments in api_url_patterns():
        if arguments - {"format"} != {"pk"} or name.endswith("-detail"):
            continue
        basename = next(b for b in by_length if name.startswith(f"{b}-"))
        if BY_NAME[basename].scoped:
            actions.add((basename, name))
    return [
        pytest.param(basename, name, case, id=f"{name}-{case}")
        for basename, name in sorted(actions)
        for case in ("other", "anonymous")
    ]


@pytest.mark.parametrize(("basename", "name", "case"), custom_actions())
def test_custom_action_permission_matrix(api_client, side_a, side_b, basename, name, case):
    """A record's custom action (start, decide, publish...): anonymous 401; the reader of
    another unit 404, or the refusal it gets on its own unit's record where the role may
    not take the action at all."""
    resource = BY_NAME[basename]
    record = resource.make(side_a)
    assert_readable(api_client, resource, record, side_a)
    url = reverse(f"api:{name}", args=[record.pk])
    method = "post" if "POST" in offered(api_client, resource, url, side_a) else "get"

    if case == "anonymous":
        authenticate(api_client, None)
        assert getattr(api_client, method)(url).status_code == 401
    else:
        own_record = resource.make(side_b)
        client = authenticate(api_client, side_b.who(resource.reader))
        response = getattr(client, method)(url, {}, format="json")
        own_url = reverse(f"api:{name}", args=[own_record.pk])
        own = getattr(client, method)(own_url, {}, format="json").status_code
        # Where the role may not take the action even on its own unit's record, the
        # other unit's record may be refused the same way or not found: either way no
        # more is learnt or done.
        expected = {404, own} if own in {403, 405} else {404}
        assert response.status_code in expected, (own, response.content[:300])
    assert_readable(api_client, resource, record, side_a)


def test_every_router_resource_is_in_the_table():
    """A new resource on the API router fails here until it has its row."""
    routed = {
        name.removesuffix("-list")
        for name, _arguments in api_url_patterns()
        if name.endswith("-list")
    }
    assert routed, "no router resource found under the api namespace"
    assert routed == set(BY_NAME)


# --- The main pages -------------------------------------------------------------------------


@dataclass(frozen=True)
class Page:
    """A record's page, by URL name, for a record of an API resource's table row."""

    name: str
    resource: str  # the row of RESOURCES that makes the record and names its readers
    record: Callable[[Any], Any] = lambda record: record  # the page's object, from the row's


PAGES = [
    Page("org:unit-detail", "unit"),
    Page("org:enterprise-detail", "enterprise"),
    Page("campaigns:meeting-detail", "meeting"),
    Page("campaigns:activity-detail", "activity"),
    Page("campaigns:task-detail", "task"),
    Page("campaigns:assignment-detail", "taskassignment"),
    Page("inspections:task-detail", "inspection-task"),
    Page("inspections:inspection-detail", "inspection"),
    Page("inspections:inspection-drafts", "inspection"),
    Page("inspections:hazard-detail", "hazard"),
    Page("duty:roster-detail", "duty-roster"),
    Page("duty:shift-detail", "duty-shift"),
    Page("duty:incident-detail", "duty-incident-report"),
    Page("duty:report-detail", "duty-report"),
    Page("duty:resource-detail", "duty-resource"),
    Page("duty:team-detail", "duty-rescue-team"),
]
PAGE_CASES = ["own", "other", "refused", "anonymous"]
# A page answers a person of the unit who holds no role (no view permission) as the API
# does: 403. Known exceptions: (page name, case) -> why, each xfail(strict=True).
KNOWN_PAGE_BUGS: dict[tuple[str, str], str] = {}


def page_matrix() -> list:
    params = []
    for page in PAGES:
        for case in PAGE_CASES:
            if case == "refused" and BY_NAME[page.resource].refused_record != 403:
                continue  # the API hides such records (404): the page's own tests say how
            marks = []
            if (page.name, case) in KNOWN_PAGE_BUGS:
                reason = KNOWN_PAGE_BUGS[(page.name, case)]
                marks.append(pytest.mark.xfail(strict=True, reason=reason))
            params.append(pytest.param(page.name, case, id=f"{page.name}-{case}", marks=marks))
    return params


@pytest.mark.parametrize(("name", "case"), page_matrix())
def test_page_permission_matrix(client, side_a, side_b, name, case):
    page = next(page for page in PAGES if page.name == name)
    resource = BY_NAME[page.resource]
    url = reverse(name, args=[page.record(resource.make(side_a)).pk])
    client.force_login(side_a.who(resource.witness))
    assert client.get(url).status_code == 200  # the page exists, and staff open it
    client.logout()

    if case == "anonymous":
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))
    elif case == "refused":
        client.force_login(side_a.who(resource.refused))
        assert client.get(url).status_code == 403
    elif case == "own":
        client.force_login(side_a.who(resource.reader))
        assert client.get(url).status_code == 200
    else:
        own_url = reverse(name, args=[page.record(resource.make(side_b)).pk])
        client.force_login(side_b.who(resource.reader))
        assert client.get(own_url).status_code == 200  # the role opens its own unit's page
        assert client.get(url).status_code == 404
