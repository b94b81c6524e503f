"""The generator's algorithm on its own: whenever the pools can cover a period it
finds a plan that keeps every rule, and it says which days fail when they cannot."""

from datetime import date, timedelta
from itertools import combinations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from duty.generator import CannotCover, Day, plan_roster

START = date(2024, 6, 1)


def make_days(needs, rest=()):
    return [
        Day(date=START + timedelta(days=i), officers_needed=n, rest_day=i in rest)
        for i, n in enumerate(needs)
    ]


def feasible(needs, pool, away) -> bool:
    """A reference answer by brute force: can ``pool`` cover ``needs`` with nobody on
    two days in a row and nobody on a day they are away?"""
    states = {frozenset()}
    for i, need in enumerate(needs):
        nxt = set()
        for prev in states:
            free = [p for p in pool if p not in prev and i not in away.get(p, ())]
            nxt.update(frozenset(c) for c in combinations(free, need))
        states = nxt
        if not states:
            return False
    return True


def assert_valid(plan, days, leaders, officers, away):
    previous: set[int] = set()
    for day in days:
        team = {plan.leaders[day.date], *plan.officers[day.date]}
        assert plan.leaders[day.date] in leaders
        assert set(plan.officers[day.date]) <= set(officers)
        assert len(plan.officers[day.date]) == day.officers_needed
        assert len(set(plan.officers[day.date])) == day.officers_needed
        assert not team & previous, f"two shifts in a row on {day.date}"
        for person in team:
            assert day.date not in away.get(person, set())
        previous = team


@st.composite
def problems(draw):
    n_days = draw(st.integers(1, 10))
    needs = draw(st.lists(st.integers(1, 2), min_size=n_days, max_size=n_days))
    leaders = list(range(1, draw(st.integers(1, 4)) + 1))
    officers = list(range(101, 101 + draw(st.integers(1, 6))))
    away = {}
    for person in leaders + officers:
        days = draw(st.sets(st.integers(0, n_days - 1), max_size=3))
        if days:
            away[person] = days
    return needs, leaders, officers, away


@settings(max_examples=150, deadline=None)
@given(problems(), st.integers(0, 3))
def test_any_pools_that_can_cover_a_period_get_a_plan_that_keeps_every_rule(problem, seed):
    needs, leaders, officers, away_idx = problem
    days = make_days(needs)
    away = {p: {START + timedelta(days=i) for i in idx} for p, idx in away_idx.items()}
    can = feasible([1] * len(needs), leaders, away_idx) and feasible(needs, officers, away_idx)
    try:
        plan = plan_roster(days, leaders=leaders, officers=officers, unavailable=away, seed=seed)
    except CannotCover as exc:
        assert not can, "the pools could cover the period but the generator gave up"
        assert exc.failures and all(f.reason for f in exc.failures)
        return
    assert can
    assert_valid(plan, days, leaders, officers, away)


@settings(max_examples=200, deadline=None)
@given(
    n_days=st.integers(2, 35),
    need=st.integers(1, 3),
    spare=st.integers(2, 5),
    n_leaders=st.integers(2, 6),
)
def test_counts_and_weekends_are_balanced_when_nobody_is_away(n_days, need, spare, n_leaders):
    # Two spare officers beyond the minimum (twice a shift's need) leave room to share
    # the weekends exactly.
    leaders = list(range(1, n_leaders + 1))
    officers = list(range(101, 101 + 2 * need + spare))
    days = make_days([need] * n_days, rest={i for i in range(n_days) if i % 7 in (5, 6)})
    plan = plan_roster(days, leaders=leaders, officers=officers)
    assert_valid(plan, days, leaders, officers, {})
    for pool, picks in (
        (leaders, [[p] for p in plan.leaders.values()]),
        (officers, list(plan.officers.values())),
    ):
        counts = {p: sum(p in team for team in picks) for p in pool}
        assert max(counts.values()) - min(counts.values()) <= 1, counts
        rest = {p: sum(p in picks[i] for i, d in enumerate(days) if d.rest_day) for p in pool}
        assert max(rest.values()) - min(rest.values()) <= 1, rest


@settings(max_examples=150, deadline=None)
@given(n_days=st.integers(2, 35), need=st.integers(1, 3), spare=st.integers(0, 1))
def test_the_tightest_pools_still_balance_totals_and_nearly_weekends(n_days, need, spare):
    # With one spare person or none, nobody-two-days-in-a-row leaves almost no choice;
    # totals still differ by at most one, weekends by at most two.
    officers = list(range(101, 101 + 2 * need + spare))
    days = make_days([need] * n_days, rest={i for i in range(n_days) if i % 7 in (5, 6)})
    plan = plan_roster(days, leaders=[1, 2, 3], officers=officers)
    picks = list(plan.officers.values())
    counts = {p: sum(p in team for team in picks) for p in officers}
    assert max(counts.values()) - min(counts.values()) <= 1, counts
    rest = {p: sum(p in picks[i] for i, d in enumerate(days) if d.rest_day) for p in officers}
    assert max(rest.values()) - min(rest.values()) <= 2, rest


def test_a_needless_gap_makes_the_search_go_back():
    # Greedy would put A on day 1 and then find only A for day 3.
    days = make_days([1, 1, 1])
    away = {1: {START + timedelta(days=1)}}
    plan = plan_roster(days, leaders=[1, 2], officers=[101, 102], unavailable=away)
    assert [plan.leaders[d.date] for d in days] == [2, 1, 2] or plan.leaders[days[1].date] == 2


def test_it_says_which_days_fail_and_why():
    days = make_days([1, 2, 1])
    away = {101: {START + timedelta(days=1)}}
    with pytest.raises(CannotCover) as caught:
        plan_roster(
            days,
            leaders=[1, 2],
            officers=[101, 102, 103, 104],
            unavailable={
                **away,
                102: {START + timedelta(days=1)},
                103: {START + timedelta(days=1)},
            },
            names={101: "杨帆"},
        )
    failures = caught.value.failures
    assert {f.date for f in failures} == {START + timedelta(days=1)}
    assert "杨帆" in failures[0].reason


def test_two_days_in_a_row_need_different_people():
    days = make_days([2, 2])
    with pytest.raises(CannotCover) as caught:
        plan_roster(days, leaders=[1, 2], officers=[101, 102, 103])
    assert caught.value.failures[0].date == START + timedelta(days=1)


def test_holidays_are_shared_out():
    days = [
        Day(
            date=START + timedelta(days=i),
            officers_needed=1,
            rest_day=i % 3 == 0,
            holiday=i % 6 == 0,
        )
        for i in range(24)
    ]
    plan = plan_roster(days, leaders=[1, 2, 3, 4], officers=[101, 102, 103, 104])
    holidays = [d.date for d in days if d.holiday]
    counts = {p: sum(plan.leaders[d] == p for d in holidays) for p in [1, 2, 3, 4]}
    assert max(counts.values()) - min(counts.values()) <= 1
