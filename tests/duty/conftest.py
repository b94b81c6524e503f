"""Shared duty fixtures: people on duty in unit A and in unit B, and a published
roster of unit A whose shifts have unit A's people on them."""

from datetime import date, timedelta
from pathlib import Path

import pytest
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
