"""Shared duty fixtures: people on duty in unit A and in unit B, and a published
roster of unit A whose shifts have unit A's people on them."""

from datetime import date, timedelta
from pathlib import Path

import pytest
import time_machine
from hypothesis import settings
from hypothesis.configuration import set_hypothesis_home_dir

from .factories import RosterFactory, leader, officer, published, staff_shift

# Property tests keep no example database and no cache in the checkout (their files go
# under var/, which git ignores); a failure prints its falsifying example.
set_hypothesis_home_dir(Path(__file__).resolve().parents[2] / "var" / "hypothesis")
settings.register_profile("safetyzone", database=None, print_blob=True)
settings.load_profile("safetyzone")


@pytest.fixture
def leader_a(roles, unit_a):
    return leader(unit_a, username="leader_a")


@pytest.fixture
def roster_a(unit_a, officer_a, leader_a):
    """June 2024 of unit A: 1–3 June, officer_a and leader_a on the 1st and 3rd."""
    roster = RosterFactory(unit=unit_a, title="应急局6月值班表", end_date=date(2024, 6, 3))
    other_leader, other_officer = leader(unit_a), officer(unit_a)
    staff_shift(roster, date(2024, 6, 1), leader_a, officer_a)
    staff_shift(roster, date(2024, 6, 2), other_leader, other_officer)
    staff_shift(roster, date(2024, 6, 3), leader_a, officer_a)
    return published(roster)


@pytest.fixture
def shift_a(roster_a):
    return roster_a.shifts.order_by("date").first()


def days(n: int, start: date = date(2024, 6, 1)) -> list[date]:
    return [start + timedelta(days=i) for i in range(n)]


@pytest.fixture
def leave_requests_a(officer_a, alice, unit_a):
    """Two pending leave requests of unit A, asked in May 2024: officer_a's own for 2-4
    June (on duty on the 3rd on roster_a, if published), and one alice asked for a
    colleague of officer_a for 10-11 June."""
    from duty.services.leave import leave_request_create

    colleague = officer(unit_a, username="colleague_a")
    with time_machine.travel("2024-05-20 10:00:00+08:00", tick=False):
        own = leave_request_create(
            actor=officer_a,
            person=officer_a,
            start_date=date(2024, 6, 2),
            end_date=date(2024, 6, 4),
            reason="年休假",
        )
        asked = leave_request_create(
            actor=alice,
            person=colleague,
            start_date=date(2024, 6, 10),
            end_date=date(2024, 6, 11),
            reason="探亲",
        )
    return own, asked
