"""The generator carries a rotation on from the roster before (issue 15): who has gone
longest since their last shift comes first, and the counts even out over the months.
Database-free."""

from collections import Counter
from datetime import date, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from duty.generator import CannotCover, Day, Past, Plan, plan_roster

from .test_generator import START, assert_valid, feasible, make_days, problems

JUNE_1 = START
LEADERS = [101, 102, 103, 104]


def month(start: date, n: int, need: int = 1) -> list[Day]:
    return [Day(date=start + timedelta(days=i), officers_needed=need) for i in range(n)]


def history_of(plan: Plan) -> dict[int, Past]:
    """Each person's last shift on ``plan`` and their count there, as a service reads it."""
    last: dict[int, date] = {}
    count: Counter[int] = Counter()
    for day, leader in plan.leaders.items():
        for person in (leader, *plan.officers[day]):
            last[person] = max(last.get(person, day), day)
            count[person] += 1
    return {p: Past(last[p], count[p]) for p in last}


def test_whoever_waited_longest_comes_first_and_the_last_days_people_come_last():
    # Eleven officers, last on duty on 20 May … 30 May, one each day.
    officers = list(range(1, 12))
    history = {p: Past(date(2024, 5, 19 + p), 3) for p in officers}

    plan = plan_roster(
        month(JUNE_1, 11), leaders=LEADERS, officers=officers, history=history, seed=5
    )

    assert [plan.officers[JUNE_1 + timedelta(days=i)] for i in range(11)] == [
        (p,) for p in officers
    ]


def test_the_order_does_not_depend_on_the_seed_once_there_is_a_history():
    officers = [1, 2, 3, 4]
    history = {1: Past(date(2024, 5, 31), 8), 2: Past(date(2024, 5, 28), 8)}
    history |= {3: Past(date(2024, 5, 29), 7), 4: Past(date(2024, 5, 30), 7)}

    firsts = {
        tuple(
            plan_roster(
                month(JUNE_1, 4), leaders=LEADERS, officers=officers, history=history, seed=s
            ).officers.values()
        )
        for s in range(10)
    }

    assert firsts == {((2,), (3,), (4,), (1,))}


def test_someone_new_to_the_pool_comes_first():
    history = {1: Past(date(2024, 5, 20), 8), 2: Past(date(2024, 5, 21), 8)}

    plan = plan_roster(month(JUNE_1, 3), leaders=LEADERS, officers=[1, 2, 9], history=history)

    assert [plan.officers[d] for d in sorted(plan.officers)] == [(9,), (1,), (2,)]


def test_history_orders_only_the_day_after_comes_through_unavailable():
    """The person on the previous roster's last day is kept off the first day by
    ``unavailable`` (as the service passes it), not by the history."""
    history = {1: Past(date(2024, 5, 31), 8), 2: Past(date(2024, 5, 20), 8)}

    plan = plan_roster(
        month(JUNE_1, 2),
        leaders=LEADERS,
        officers=[1, 2],
        history=history,
        unavailable={1: {JUNE_1}},
    )

    assert plan.officers[JUNE_1] == (2,)


def test_counts_even_out_over_the_months():
    """Month after month, four officers and 30 or 31 days: over any run of months nobody
    has more than one shift more than anyone else."""
    officers = [1, 2, 3, 4]
    start, history = JUNE_1, {}
    totals: Counter[int] = Counter()
    for n in (30, 31, 31, 30, 31, 30, 31):
        plan = plan_roster(
            month(start, n), leaders=LEADERS, officers=officers, history=history, seed=n
        )
        for team in plan.officers.values():
            totals.update(team)
        assert max(totals.values()) - min(totals.values()) <= 1, totals
        history = history_of(plan)
        start += timedelta(days=n)


def test_without_the_history_uneven_divisions_pile_up():
    """What the history is for: planned from scratch each month (same seeds), the shift
    left over by 30 / 4 can fall on the same people again."""
    officers = [1, 2, 3, 4]
    spread = []
    for with_history in (False, True):
        start, history = JUNE_1, {}
        totals: Counter[int] = Counter()
        for n in (30, 30, 30, 30):
            plan = plan_roster(
                month(start, n), leaders=LEADERS, officers=officers, history=history, seed=0
            )
            for team in plan.officers.values():
                totals.update(team)
            history = history_of(plan) if with_history else {}
            start += timedelta(days=n)
        spread.append(max(totals.values()) - min(totals.values()))

    assert spread[1] <= 1 < spread[0]


def test_a_shift_missed_on_leave_is_not_paid_back_with_a_heap_of_shifts():
    officers = [1, 2, 3]
    history = {1: Past(date(2024, 5, 30), 10), 2: Past(date(2024, 5, 31), 10)}
    history[3] = Past(date(2024, 5, 29), 2)  # away most of May

    plan = plan_roster(month(JUNE_1, 30), leaders=LEADERS, officers=officers, history=history)

    counts = Counter(p for team in plan.officers.values() for p in team)
    assert max(counts.values()) - min(counts.values()) <= 1


@settings(max_examples=100, deadline=None)
@given(
    problem=problems(),
    lasts=st.dictionaries(
        st.integers(1, 106), st.tuples(st.integers(1, 20), st.integers(0, 9)), max_size=10
    ),
)
def test_with_any_history_the_pools_that_can_cover_still_get_a_plan(problem, lasts):
    """The history orders and evens out; it never costs a plan or breaks a rule."""
    needs, leaders, officers, away_idx = problem
    days = make_days(needs)
    away = {p: {START + timedelta(days=i) for i in idx} for p, idx in away_idx.items()}
    history = {p: Past(START - timedelta(days=ago), shifts) for p, (ago, shifts) in lasts.items()}
    can = feasible([1] * len(needs), leaders, away_idx) and feasible(needs, officers, away_idx)
    try:
        plan = plan_roster(
            days, leaders=leaders, officers=officers, unavailable=away, history=history
        )
    except CannotCover:
        assert not can
        return
    assert can
    assert_valid(plan, days, leaders, officers, away)
