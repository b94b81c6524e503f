"""Fixtures the campaigns tests share: unit A's activity and task assignment, unit B's
drill and assignment (same kind, other unit), and the committee's office."""

import datetime as dt

import pytest

from campaigns.services import meetings as meeting_services

from ..factories import ActivityFactory, ActivityPhotoFactory, CampaignFactory, draft_meeting


@pytest.fixture
def office(staff):
    return staff.unit


@pytest.fixture
def activity_a(unit_a):
    return ActivityFactory(title="应急局安全培训", unit=unit_a)


@pytest.fixture
def drill_b(unit_b):
    return ActivityFactory(
        title="硅谷街道消防演练", unit=unit_b, kind="drill", drill_plan="高层建筑火灾应急预案"
    )


@pytest.fixture
def photo_a(activity_a):
    return ActivityPhotoFactory(activity=activity_a)


@pytest.fixture
def a_assignment(task, unit_a):
    """Unit A's assignment of the module's ``task``."""
    return task.assignments.get(unit=unit_a)


@pytest.fixture
def b_assignment(task, unit_b):
    return task.assignments.get(unit=unit_b)


@pytest.fixture
def issued_b(office, unit_b, staff):
    """Bob's unit's own issued meeting: what bob does see, so his 404s are about scope."""
    meeting = draft_meeting(organiser=office, units=[unit_b], title="硅谷街道燃气安全专题会")
    return meeting_services.meeting_issue(meeting=meeting, actor=staff)


@pytest.fixture
def meetings_to_filter(staff, office, unit_a):
    """Three meetings the filters tell apart, and the campaign of the first: a draft of
    the campaign on 4 June, unit A's plenary issued for 4 June, the office's draft of 1 July."""
    at_nine = dt.datetime(2024, 6, 4, 9, 0, tzinfo=dt.timezone(dt.timedelta(hours=8)))
    campaign = CampaignFactory(name="2024年安全生产月")
    in_campaign = draft_meeting(
        organiser=office, units=[unit_a], title="甲会", campaign=campaign, starts_at=at_nine
    )
    plenary = draft_meeting(
        organiser=unit_a, units=[unit_a], title="乙会", kind="plenary", starts_at=at_nine
    )
    meeting_services.meeting_issue(
        meeting=plenary, actor=staff, override_past=True, past_reason="补录六月的会议通知"
    )
    later = draft_meeting(
        organiser=office,
        units=[unit_a],
        title="丙会",
        starts_at=dt.datetime(2024, 7, 1, 9, 0, tzinfo=dt.UTC),
    )
    return campaign, in_campaign, plenary, later
