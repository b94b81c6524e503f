"""The demo's daily duty reports: June 2024's logged week and yesterday's confirmed,
today's waiting for the demo ``leader``; seeding twice makes nothing twice."""

import pytest
import time_machine

from duty import demo
from duty.models import DutyReport
from duty.selectors.duty_report import duty_report_waiting
from safetyzone.org import demo as org_demo
from safetyzone.org.models import User


@pytest.mark.django_db
@time_machine.travel("2026-03-11 10:00:00+08:00", tick=False)
def test_demo_reports_confirmed_and_one_waiting_for_the_leader():
    org_demo.seed()
    demo.seed()
    demo.seed()  # idempotent

    june_2024 = DutyReport.objects.filter(year=2024)
    assert june_2024.count() == 7
    assert all(r.is_confirmed for r in june_2024)
    assert all(r.content["log"] for r in june_2024)
    assert any(r.content["incidents"] for r in june_2024)
    assert any(r.content["warnings"] for r in june_2024)
    this_year = list(DutyReport.objects.filter(year=2026).order_by("duty_day"))
    # The past week's shifts have their reports, numbered in order: every one confirmed
    # but the latest the demo ``leader`` led, which waits for them.
    assert [r.sequence for r in this_year] == list(range(1, len(this_year) + 1))
    assert [r.duty_day for r in this_year] == sorted({r.duty_day for r in this_year})
    leader = User.objects.get(username="leader")
    drafts = [r for r in this_year if not r.is_confirmed]
    assert len(drafts) == 1
    waiting = duty_report_waiting(user=leader)
    assert waiting == drafts[0]
    assert waiting.shift.assignments.filter(person=leader, role="leader").exists()
