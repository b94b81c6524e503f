"""The home page's "to do" panel of a department head and open-incidents panel of the
people on duty: what each role sees, only of its own unit, in a fixed number of queries."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from campaigns.models import TaskAssignment
from campaigns.services.meetings import meeting_issue
from duty.models import IncidentReport, IncidentUpdate
from inspections.services import hazards as hazard_services
from inspections.services import reports as report_services
from safetyzone.org.roles import Role

from .duty.factories import RosterFactory, ShiftFactory, leader, officer, published
from .factories import ChaserFactory, EnterpriseFactory, UserFactory, draft_meeting, task_for_units
from .inspections.factories import key_area


@pytest.fixture(autouse=True)
def _english(settings):
    settings.LANGUAGE_CODE = "en"


def _enterprise(unit):
    enterprise = EnterpriseFactory(supervising_unit=unit)
    enterprise.key_areas.set([key_area("fire")])
    return enterprise


def fill(unit, head, staff, n: int, *, tag: str) -> None:
    """``n`` things of each kind waiting for ``unit``'s head, titled with ``tag``."""
    today = timezone.localdate()
    enterprise = _enterprise(unit)
    for i in range(n):
        meeting = draft_meeting(organiser=staff.unit, units=[unit], title=f"{tag}会议{i}")
        meeting_issue(meeting=meeting, actor=staff)
        task_for_units(lead=unit, title=f"{tag}任务{i}")
        chased = task_for_units(lead=unit, title=f"{tag}催办{i}").assignments.get()
        ChaserFactory(assignment=chased, sent_by=staff)
        due = hazard_services.hazard_create(
            actor=staff,
            enterprise=enterprise,
            key_area=key_area("fire"),
            description=f"{tag}本周到期{i}",
            level="general",
            found_on=today - dt.timedelta(days=3),
            deadline=today,
            responsible_person="王经理",
        )
        assert due.code
        returned = hazard_services.hazard_create(
            actor=staff,
            enterprise=enterprise,
            key_area=key_area("fire"),
            description=f"{tag}退回{i}",
            level="general",
            found_on=today - dt.timedelta(days=3),
            deadline=today + dt.timedelta(days=30),
            responsible_person="王经理",
        )
        hazard_services.hazard_start_rectification(actor=head, hazard=returned)
        report_services.report_file(
            actor=head, hazard=returned, measures_taken="已清理", completed_on=today
        )
        report_services.report_return(actor=staff, hazard=returned, reason="照片不清楚")


def _todo(response) -> dict[str, list[str]]:
    panels = dict((p.key, c) for p, c in response.context["panels"])
    return {g.label: [i.title for i in g.items] for g in panels["todo"]["groups"]}


def test_head_sees_each_kind_of_work_waiting_for_the_unit_each_a_link(client, alice, staff):
    fill(alice.unit, alice, staff, 1, tag="甲")
    client.force_login(alice)
    response = client.get(reverse("home"))
    todo = _todo(response)
    assert todo["Meeting notices to sign for"] == ["甲会议0"]
    assert set(todo["Tasks to sign for"]) == {"甲任务0", "甲催办0"}
    assert todo["Chasers to acknowledge"] == ["甲催办0"]
    assert len(todo["Rectification reports returned"]) == 1
    assert len(todo["Hazards due this week"]) == 1
    body = response.content.decode()
    assert 'data-testid="todo-panel"' in body
    assert body.count('data-testid="todo-item"') == 6
    notice = alice.unit.attendances.get().meeting
    assert f'href="{notice.get_absolute_url()}"' in body


def test_head_never_sees_another_units_work(client, alice, bob, staff):
    fill(bob.unit, bob, staff, 2, tag="乙")
    client.force_login(alice)
    response = client.get(reverse("home"))
    assert _todo(response) == {}
    body = response.content.decode()
    assert "乙" not in body
    assert 'data-testid="todo-empty"' in body


def test_signed_and_refiled_work_leaves_the_list(client, alice, staff):
    from campaigns.services.assignments import assignment_sign
    from campaigns.services.meetings import meeting_sign

    fill(alice.unit, alice, staff, 1, tag="甲")
    meeting_sign(meeting=alice.unit.attendances.get().meeting, actor=alice)
    for assignment in TaskAssignment.objects.filter(unit=alice.unit):
        assignment_sign(assignment=assignment, actor=alice)
    client.force_login(alice)
    todo = _todo(client.get(reverse("home")))
    assert "Meeting notices to sign for" not in todo
    assert "Tasks to sign for" not in todo
    assert todo["Chasers to acknowledge"] == ["甲催办0"]


def test_staff_and_inspectors_get_no_todo_panel(client, staff, roles, unit_a):
    inspector = UserFactory(unit=unit_a, roles=[Role.INSPECTOR])
    for user in (staff, inspector):
        client.force_login(user)
        panels = [p.key for p, _c in client.get(reverse("home")).context["panels"]]
        assert "todo" not in panels
        assert "incidents" not in panels


def test_home_queries_do_not_grow_with_the_heads_work(
    client, alice, staff, django_assert_num_queries
):
    fill(alice.unit, alice, staff, 2, tag="甲")
    client.force_login(alice)
    client.get(reverse("home"))  # warm the per-user caches
    with CaptureQueriesContext(connection) as few:
        assert client.get(reverse("home")).status_code == 200
    expected = len(few.captured_queries)  # now: the log is a bounded deque
    fill(alice.unit, alice, staff, 18, tag="乙")
    client.get(reverse("home"))
    with django_assert_num_queries(expected):
        response = client.get(reverse("home"))
    todo = _todo(response)
    # Five of each, and a link to the rest.
    assert all(len(titles) == 5 for titles in todo.values())
    assert len(todo) == 5


# --- Open incidents on the duty home --------------------------------------------------


def _incident(unit, *, final: bool = False, place: str = "北湖大街") -> IncidentReport:
    roster = published(RosterFactory(unit=unit, title=f"{unit.name}值班表"))
    shift = ShiftFactory(roster=roster)
    person = leader(unit)
    report = IncidentReport.objects.create(
        shift=shift,
        received_at=timezone.now() - dt.timedelta(minutes=5),
        reported_by="群众",
        kind=IncidentReport.Kind.FIRE,
        place=place,
        description="仓库起火",
        recorded_by=person,
    )
    if final:
        IncidentUpdate.objects.create(
            report=report,
            kind=IncidentUpdate.Kind.FINAL,
            method=IncidentUpdate.Method.WRITTEN,
            sent_at=timezone.now(),
            content="已扑灭",
            received_by="区应急局",
            recorded_by=person,
        )
    return report


def test_people_on_duty_see_their_units_open_incidents_with_a_countdown(
    client, roles, unit_a, unit_b
):
    open_a = _incident(unit_a, place="硅谷大街")
    _incident(unit_a, final=True, place="已终报路")
    _incident(unit_b, place="乙单位路")
    for person in (leader(unit_a), officer(unit_a)):
        client.force_login(person)
        response = client.get(reverse("home"))
        body = response.content.decode()
        assert body.count('data-testid="open-incident"') == 1
        assert f'href="{open_a.get_absolute_url()}"' in body
        assert "已终报路" not in body and "乙单位路" not in body
        assert "data-countdown=" in body
        # The countdown runs from its static file (no inline script under the CSP).
        assert body.count("duty/countdown.js") == 1
        assert "<script>" not in body


def test_incident_panel_queries_do_not_grow(client, roles, unit_a, django_assert_num_queries):
    person = officer(unit_a)
    for _ in range(2):
        _incident(unit_a)
    client.force_login(person)
    client.get(reverse("home"))
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("home"))
    expected = len(few.captured_queries)
    for _ in range(18):
        _incident(unit_a)
    client.get(reverse("home"))  # new people on duty: the role caches are fresh again
    with django_assert_num_queries(expected):
        body = client.get(reverse("home")).content.decode()
    assert body.count('data-testid="open-incident"') == 5
