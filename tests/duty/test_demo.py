"""The duty demo data: what the issue asks for, idempotent."""

import pytest

from duty import demo
from duty.checks import roster_check
from duty.models import (
    DutyLogEntry,
    DutyRoster,
    EmergencyResource,
    Handover,
    IncidentReport,
    RescueTeam,
    ShiftAssignment,
    StandbyAssignment,
    WeatherWarning,
)
from duty.selectors.incidents import incident_deadlines, incident_list
from safetyzone.org import demo as org_demo
from safetyzone.org.models import User


@pytest.mark.django_db
def test_demo_seeds_the_june_roster_logs_reports_resources_and_teams():
    org_demo.seed()
    demo.seed()
    demo.seed()  # idempotent

    roster = DutyRoster.objects.get(title=demo.ROSTER_TITLE)
    assert roster.is_published and roster.shifts.count() == 30
    assert roster_check(roster=roster) == []
    officers_on = {
        s.date.day: s.assignments.filter(role=ShiftAssignment.Role.OFFICER).count()
        for s in roster.shifts.all()
    }
    assert officers_on[15] == officers_on[20] == 2 and officers_on[10] == 1
    assert WeatherWarning.objects.filter(kind="rainstorm", level="orange").count() == 1
    assert Handover.objects.count() == 7
    assert DutyLogEntry.objects.count() == 17
    staff = User.objects.get(username="staff")
    reports = list(incident_list(user=staff))
    assert len(reports) == 3
    states = [d.state for r in reports for d in incident_deadlines(r)]
    assert "late" in states
    assert IncidentReport.objects.count() == 3
    assert EmergencyResource.objects.count() >= 20
    assert EmergencyResource.objects.filter(name="方便食品").get().is_low
    assert RescueTeam.objects.count() == 4
    assert StandbyAssignment.objects.count() == 6


@pytest.mark.django_db
def test_demo_has_someone_on_duty_today():
    from duty.selectors.rosters import shifts_current

    org_demo.seed()
    demo.seed()
    demo.seed()  # idempotent: the current roster is made once
    current = DutyRoster.objects.exclude(title=demo.ROSTER_TITLE)
    assert current.count() == 1 and current.get().is_published
    assert roster_check(roster=current.get()) == []
    assert shifts_current(user=User.objects.get(username="head"))["now"]


@pytest.mark.django_db
def test_the_demo_officer_is_on_the_shift_on_duty_now():
    """README's demo users: ``officer`` can keep today's duty log the day the demo runs."""
    from django.utils import timezone

    from duty.models import Shift

    org_demo.seed()
    demo.seed()
    now = timezone.now()
    shift = Shift.objects.get(
        starts_at__lte=now, ends_at__gt=now, roster__status=DutyRoster.Status.PUBLISHED
    )
    officers = set(
        shift.assignments.filter(role=ShiftAssignment.Role.OFFICER).values_list(
            "person__username", flat=True
        )
    )
    assert "officer" in officers
