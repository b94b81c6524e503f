"""The campaigns hub, the month calendar and the home panel: scoped like every page,
and a fixed number of queries whatever the number of events."""

import datetime as dt

import pytest
import time_machine
from django.urls import reverse

from campaigns.models import Meeting, TaskAssignment

from ..factories import (
    ActivityFactory,
    CampaignFactory,
    CampaignPhaseFactory,
    KeyPeriodFactory,
    MeetingAttendanceFactory,
    MeetingFactory,
    TaskAssignmentFactory,
    TaskFactory,
)

JUNE = {"month": "2024-06"}


@pytest.fixture
def june_events(unit_a, unit_b):
    KeyPeriodFactory(name="中考", start_date=dt.date(2024, 6, 20), end_date=dt.date(2024, 6, 22))
    issued_a = MeetingFactory(
        title="甲单位参加的会议",
        organiser=unit_b,
        starts_at=dt.datetime(2024, 6, 4, 9, 0, tzinfo=dt.timezone(dt.timedelta(hours=8))),
    )
    MeetingAttendanceFactory(meeting=issued_a, unit=unit_a)
    MeetingFactory(
        title="草稿会议",
        organiser=unit_a,
        status=Meeting.Status.DRAFT,
        starts_at=dt.datetime(2024, 6, 4, 9, 0, tzinfo=dt.timezone(dt.timedelta(hours=8))),
    )
    ActivityFactory(title="甲单位培训", unit=unit_a, date=dt.date(2024, 6, 12))
    ActivityFactory(
        title="乙单位消防演练",
        unit=unit_b,
        kind="drill",
        drill_plan="火灾事故应急预案",
        date=dt.date(2024, 6, 13),
    )
    task = TaskFactory(title="危化品排查", lead_unit=unit_a, deadline=dt.date(2024, 6, 28))
    TaskAssignmentFactory(task=task, unit=unit_a, deadline=task.deadline)
    task_b = TaskFactory(title="乙单位的任务", lead_unit=unit_b, deadline=dt.date(2024, 6, 27))
    TaskAssignmentFactory(task=task_b, unit=unit_b, deadline=task_b.deadline)


@pytest.fixture
def june(june_events, admin_user):
    from campaigns.models import MeetingItem
    from campaigns.services.meetings import meeting_issue

    meeting = Meeting.objects.get(title="甲单位参加的会议")
    MeetingItem.objects.create(meeting=meeting, kind="requirement", text="严格落实24小时值班")
    meeting_issue(
        meeting=meeting, actor=admin_user, override_past=True, past_reason="补录六月的会议通知"
    )


def test_head_calendar_shows_own_unit_and_shared_events_only(client, alice, june):
    client.force_login(alice)
    body = client.get(reverse("campaigns:calendar"), JUNE).content.decode()
    assert "中考" in body  # key periods are for everyone
    assert "甲单位参加的会议" in body  # an issued meeting A attends
    assert "草稿会议" not in body  # drafts are staff-only
    assert "甲单位培训" in body
    assert "乙单位消防演练" not in body
    assert "危化品排查" in body
    assert "乙单位的任务" not in body


def test_staff_calendar_shows_everything_and_marks_drills_as_exercise(client, staff, june):
    client.force_login(staff)
    response = client.get(reverse("campaigns:calendar"), JUNE)
    body = response.content.decode()
    for title in ("草稿会议", "乙单位消防演练", "乙单位的任务", "甲单位培训"):
        assert title in body
    drill_day = [
        d for week in response.context["weeks"] for d in week if d.day == dt.date(2024, 6, 13)
    ][0]
    assert [e.is_exercise for e in drill_day.events if e.kind == "activity"] == [True]


def test_a_key_period_is_one_bar_across_its_days(client, staff, june):
    client.force_login(staff)
    response = client.get(reverse("campaigns:calendar"), JUNE)
    weeks = response.context["weeks"]
    # 20 to 22 June 2024: Thursday to Saturday of one week, one bar of three days.
    bars = [(week[0].day, b.start, b.span) for week in weeks for b in week.bars]
    assert bars == [(dt.date(2024, 6, 17), 3, 3)]
    assert not any(e.kind == "key_period" for week in weeks for d in week for e in d.events)
    assert response.content.decode().count('data-testid="calendar-bar"') == 1


def test_a_key_period_over_two_weeks_is_a_bar_in_each(client, staff):
    KeyPeriodFactory(name="端午节", start_date=dt.date(2024, 6, 8), end_date=dt.date(2024, 6, 10))
    client.force_login(staff)
    weeks = client.get(reverse("campaigns:calendar"), JUNE).context["weeks"]
    bars = [(week[0].day, b.start, b.span, b.before, b.after) for week in weeks for b in week.bars]
    assert bars == [
        (dt.date(2024, 6, 3), 5, 2, False, True),
        (dt.date(2024, 6, 10), 0, 1, True, False),
    ]


def test_a_task_deadline_shows_once_for_all_its_units(client, staff, unit_a, unit_b):
    task = TaskFactory(title="汛期排查", lead_unit=unit_a, deadline=dt.date(2024, 6, 25))
    TaskAssignmentFactory(task=task, unit=unit_a)
    TaskAssignmentFactory(task=task, unit=unit_b, role=TaskAssignment.Role.ASSIST)
    client.force_login(staff)
    weeks = client.get(reverse("campaigns:calendar"), JUNE).context["weeks"]
    due = [e.title for week in weeks for d in week for e in d.events if e.kind == "deadline"]
    assert due == ["汛期排查 · 2个单位"]  # the UI speaks Chinese by default


def test_bad_month_falls_back_to_this_month(client, alice):
    client.force_login(alice)
    response = client.get(reverse("campaigns:calendar"), {"month": "2024-13"})
    assert response.status_code == 200


@pytest.mark.parametrize("rows", [5, 50])
def test_calendar_query_count_does_not_grow(client, staff, unit_a, rows, django_assert_num_queries):
    for n in range(rows):
        ActivityFactory(unit=unit_a, date=dt.date(2024, 6, 1 + n % 28))
        KeyPeriodFactory(start_date=dt.date(2024, 6, 1 + n % 28), end_date=dt.date(2024, 6, 28))
        task = TaskFactory(lead_unit=unit_a, deadline=dt.date(2024, 6, 1 + n % 28))
        TaskAssignmentFactory(task=task, unit=unit_a, deadline=task.deadline)
        MeetingFactory(organiser=unit_a)
    client.force_login(staff)
    client.get(reverse("campaigns:calendar"), JUNE)
    # session, user, user's unit, then one query each for key periods, meetings,
    # activities, deadlines and the local working-day overrides: 8 whatever the number
    # of events (roles are cached)
    with django_assert_num_queries(8):
        response = client.get(reverse("campaigns:calendar"), JUNE)
    events = [e for week in response.context["weeks"] for d in week for e in d.events]
    assert len({e.url for e in events if e.kind == "activity"}) == rows


def test_anonymous_is_sent_to_login(client, db):
    for name in ("campaigns:index", "campaigns:calendar"):
        response = client.get(reverse(name))
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))


@time_machine.travel("2024-06-10 10:00:00+08:00", tick=False)
def test_home_panel_shows_current_campaign_phase_key_periods_and_open_tasks(
    client, alice, unit_a, unit_b
):
    carrier = CampaignFactory(
        name="安全生产治本攻坚三年行动",
        kind="three_year_action",
        start_date=dt.date(2024, 1, 1),
        end_date=dt.date(2026, 12, 31),
        lead_unit=unit_a,
    )
    month = CampaignFactory(name="2024年安全生产月", parent=carrier, lead_unit=unit_a)
    CampaignPhaseFactory(
        campaign=month,
        kind="implementation",
        name="组织实施",
        start_date=dt.date(2024, 6, 6),
        end_date=dt.date(2024, 6, 25),
    )
    KeyPeriodFactory(name="端午节", start_date=dt.date(2024, 6, 8), end_date=dt.date(2024, 6, 10))
    KeyPeriodFactory(name="国庆节", start_date=dt.date(2024, 10, 1), end_date=dt.date(2024, 10, 7))
    task = TaskFactory(title="本单位任务", lead_unit=unit_a, deadline=dt.date(2024, 6, 5))
    TaskAssignmentFactory(task=task, unit=unit_a, deadline=task.deadline)
    other = TaskFactory(title="他单位任务", lead_unit=unit_b, deadline=dt.date(2024, 6, 30))
    TaskAssignmentFactory(task=other, unit=unit_b, deadline=other.deadline)
    client.force_login(alice)
    body = client.get(reverse("home")).content.decode()
    panel = body[body.index('data-testid="campaigns-panel"') :]
    assert "2024年安全生产月" in panel
    assert "组织实施" in panel
    assert "端午节" in panel
    assert "国庆节" not in panel  # more than 30 days away
    assert "本单位任务" in panel
    assert "他单位任务" not in panel


@pytest.mark.parametrize(
    "name",
    [
        "index",
        "calendar",
        "campaign-list",
        "key-period-list",
        "meeting-list",
        "directive-list",
        "activity-list",
        "task-list",
        "assignment-list",
    ],
)
def test_every_campaigns_page_in_the_subnav_opens_for_a_head(client, alice, name):
    client.force_login(alice)
    response = client.get(reverse(f"campaigns:{name}"))
    assert response.status_code == 200
    body = response.content.decode()
    assert 'data-testid="campaigns-subnav"' in body
    assert f'href="{reverse(f"campaigns:{name}")}"' in body


def test_holidays_and_make_up_working_days_are_marked(client, staff):
    """May 2024: Labour Day off (1 May, a Wednesday), 11 May (a Saturday) worked in
    its place; plain weekends and weekdays carry no mark."""
    from safetyzone.core.models import WorkdayOverride

    WorkdayOverride.objects.create(date=dt.date(2024, 5, 21), kind="holiday", reason="防汛")
    client.force_login(staff)
    response = client.get(reverse("campaigns:calendar"), {"month": "2024-05"})
    marks = {d.day: d.mark for week in response.context["weeks"] for d in week}
    assert marks[dt.date(2024, 5, 1)] == "off"
    assert marks[dt.date(2024, 5, 11)] == "workday"
    assert marks[dt.date(2024, 5, 21)] == "off"  # a local day off
    assert marks[dt.date(2024, 5, 18)] is None and marks[dt.date(2024, 5, 20)] is None
    body = response.content.decode()
    assert body.count('data-testid="make-up-workday"') == 1
