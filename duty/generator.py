"""The roster generator's algorithm, free of the database.

Each role (leaders, officers) is planned on its own: every day needs a number of people
from the role's pool who are available that day, and nobody may be on two days in a row.
A depth-first search fills the days in order, trying first the people with the fewest
shifts so far (and, on weekends and holidays, the fewest such shifts), then those who
have waited longest since their last shift; it remembers the states it has proved
hopeless (a day and who worked the day before: nothing else matters for what remains),
so it finds a plan whenever one exists, in bounded work. Local moves then even out the
counts: total shifts first (moving the latest shifts first), then holidays, then
weekends, each move keeping every rule.

A roster that carries on from an earlier one passes ``history``: each person's last shift
before the period and their count of shifts then. The rotation continues from it: on the
first days, those who have gone longest since their last shift come first (someone on the
previous roster's last day comes after someone who was last on duty ten days before), and
when the counts are evened out, whoever had a shift more than the least busy of their
pool last time counts as one ahead, so that the shifts left over by an uneven division
fall on others next time and the counts even out over the months (at most one: shifts
missed on leave are not paid back). ``history`` only orders and evens out: the day after
a shift on another roster (the previous roster's last day) is ruled out through
``unavailable``, as any other day a person cannot be on duty.

When no plan exists, ``CannotCover`` lists each day that fails and why.
"""

import random
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from itertools import combinations

from django.utils.formats import date_format
from django.utils.translation import gettext as _

PersonId = int


@dataclass(frozen=True)
class Day:
    """One duty day of the period and what it calls for."""

    date: date
    officers_needed: int
    rest_day: bool = False  # not a working day: a weekend or a public holiday
    holiday: bool = False  # a public holiday on a weekday (a day off the calendar gives)


@dataclass(frozen=True)
class Past:
    """What a person did before the period: the date of their last shift, and how many
    shifts they had on the roster it was on."""

    last_shift: date
    shifts: int = 0


@dataclass(frozen=True)
class DayFailure:
    date: date
    role: str
    reason: str


class CannotCover(Exception):
    def __init__(self, failures: list[DayFailure]) -> None:
        super().__init__("; ".join(f"{f.date}: {f.reason}" for f in failures))
        self.failures = failures


@dataclass
class Plan:
    leaders: dict[date, PersonId] = field(default_factory=dict)
    officers: dict[date, tuple[PersonId, ...]] = field(default_factory=dict)


def _day(d: date) -> str:
    return date_format(d, "Y-m-d")


def plan_roster(
    days: Sequence[Day],
    *,
    leaders: Iterable[PersonId],
    officers: Iterable[PersonId],
    unavailable: dict[PersonId, set[date]] | None = None,
    names: dict[PersonId, str] | None = None,
    seed: int = 0,
    history: dict[PersonId, Past] | None = None,
) -> Plan:
    """One leader and ``day.officers_needed`` officers for every day, or CannotCover.

    ``unavailable`` holds, per person, the days they cannot be on duty (leave, trips,
    and the days next to a shift they have on another roster). ``history`` holds, per
    person, their last shift before the period (see the module docstring); people
    without one come first, as if they had waited longest.
    """
    unavailable = unavailable or {}
    names = names or {}
    history = history or {}
    leaders, officers = list(dict.fromkeys(leaders)), list(dict.fromkeys(officers))
    failures: list[DayFailure] = []
    leader_plan = officer_plan = None
    try:
        leader_plan = _plan_role(
            days,
            [1] * len(days),
            leaders,
            unavailable,
            names,
            seed,
            _("leaders on duty"),
            history,
        )
    except CannotCover as exc:
        failures += exc.failures
    try:
        officer_plan = _plan_role(
            days,
            [d.officers_needed for d in days],
            officers,
            unavailable,
            names,
            seed + 1,
            _("duty officers"),
            history,
        )
    except CannotCover as exc:
        failures += exc.failures
    if failures:
        failures.sort(key=lambda f: (f.date, f.role))
        raise CannotCover(failures)
    assert leader_plan is not None and officer_plan is not None  # noqa: S101
    plan = Plan()
    for i, day in enumerate(days):
        plan.leaders[day.date] = next(iter(leader_plan[i]))
        plan.officers[day.date] = tuple(sorted(officer_plan[i]))
    return plan


def _diagnose(
    days: Sequence[Day],
    needs: list[int],
    pool: list[PersonId],
    available: list[set[PersonId]],
    unavailable: dict[PersonId, set[date]],
    names: dict[PersonId, str],
    role: str,
) -> list[DayFailure]:
    failures = []
    for i, day in enumerate(days):
        if len(available[i]) < needs[i]:
            away = [names.get(p, str(p)) for p in pool if day.date in unavailable.get(p, ())]
            reason = _("needs %(need)d %(role)s, only %(have)d available") % {
                "need": needs[i],
                "role": role,
                "have": len(available[i]),
            }
            if away:
                reason += _(" (unavailable: %(names)s)") % {"names": "、".join(away)}
            failures.append(DayFailure(day.date, role, reason))
    if failures:
        return failures
    for i in range(len(days) - 1):
        together = available[i] | available[i + 1]
        if len(together) < needs[i] + needs[i + 1]:
            failures.append(
                DayFailure(
                    days[i + 1].date,
                    role,
                    _(
                        "with %(day)s it needs %(need)d different %(role)s so that nobody "
                        "works two shifts in a row, only %(have)d available"
                    )
                    % {
                        "day": _day(days[i].date),
                        "need": needs[i] + needs[i + 1],
                        "role": role,
                        "have": len(together),
                    },
                )
            )
    return failures


def _plan_role(
    days: Sequence[Day],
    needs: list[int],
    pool: list[PersonId],
    unavailable: dict[PersonId, set[date]],
    names: dict[PersonId, str],
    seed: int,
    role: str,
    history: dict[PersonId, Past],
) -> list[frozenset[PersonId]]:
    n = len(days)
    available = [{p for p in pool if d.date not in unavailable.get(p, ())} for d in days]
    failures = _diagnose(days, needs, pool, available, unavailable, names, role)
    if failures:
        raise CannotCover(failures)

    rng = random.Random(seed)  # noqa: S311 - a tie-break, not a secret
    tie = {p: rng.random() for p in pool}
    count = dict.fromkeys(pool, 0)
    rest = dict.fromkeys(pool, 0)
    last, carried = _carried_over(days, pool, history)
    schedule: list[frozenset[PersonId]] = [frozenset()] * n
    hopeless: set[tuple[int, frozenset[PersonId]]] = set()
    furthest = [0]

    def search(i: int, prev: frozenset[PersonId]) -> bool:
        if i == n:
            return True
        if (i, prev) in hopeless:
            return False
        furthest[0] = max(furthest[0], i)
        if days[i].rest_day:
            # Weekends and holidays go first to those who had the fewest of them.
            order = lambda p: (rest[p], count[p], last[p], tie[p])  # noqa: E731
        else:
            order = lambda p: (count[p], last[p], tie[p])  # noqa: E731
        candidates = sorted(available[i] - prev, key=order)
        for chosen in combinations(candidates, needs[i]):
            team = frozenset(chosen)
            saved = [(p, last[p]) for p in team]
            for p in team:
                count[p] += 1
                rest[p] += days[i].rest_day
                last[p] = i
            schedule[i] = team
            if search(i + 1, team):
                return True
            for p, previous in saved:
                count[p] -= 1
                rest[p] -= days[i].rest_day
                last[p] = previous
        hopeless.add((i, prev))
        return False

    if not search(0, frozenset()):
        stuck = days[min(furthest[0], n - 1)]
        raise CannotCover(
            [
                DayFailure(
                    stuck.date,
                    role,
                    _("cannot be covered without someone working two shifts in a row"),
                )
            ]
        )
    teams = [set(t) for t in schedule]
    _balance(teams, days, pool, available, carried)
    return [frozenset(t) for t in teams]


# Before anyone's last shift: those who never had one have waited longest.
_NEVER = -(10**9)


def _carried_over(
    days: Sequence[Day], pool: list[PersonId], history: dict[PersonId, Past]
) -> tuple[dict[PersonId, int], dict[PersonId, int]]:
    """Each person's last shift as a day index (negative: before the period) and the one
    shift they start ahead with, if they had more than the least busy of the pool."""
    if not history or not days:
        return dict.fromkeys(pool, -2), dict.fromkeys(pool, 0)
    start = days[0].date
    past = {p: history[p] for p in pool if p in history}
    last = {p: min((past[p].last_shift - start).days, -1) if p in past else _NEVER for p in pool}
    least = min((h.shifts for h in past.values()), default=0)
    carried = {p: min(past[p].shifts - least, 1) if p in past else 0 for p in pool}
    return last, carried


def _can_work(p: PersonId, i: int, teams: list[set[PersonId]], available) -> bool:
    if p not in available[i] or p in teams[i]:
        return False
    if i > 0 and p in teams[i - 1]:
        return False
    return not (i + 1 < len(teams) and p in teams[i + 1])


def _balance(teams: list[set[PersonId]], days: Sequence[Day], pool, available, carried) -> None:
    """Even out the counts (with the shift carried over) by moves that keep every rule."""
    if len(pool) < 2:
        return
    # Total shifts: move a shift from the busiest to the least busy.
    for _round in range(len(days) * len(pool)):
        counts = {p: carried[p] + sum(p in t for t in teams) for p in pool}
        hi, lo = max(counts.values()), min(counts.values())
        if hi - lo <= 1:
            break
        moved = False
        for p in (q for q in pool if counts[q] == hi):
            for r in (q for q in pool if counts[q] == lo):
                # Ordinary days first, so that the weekends stay as they were shared,
                # and the latest first, so that the rotation's start stays as it runs on.
                for i in sorted(range(len(teams)), key=lambda k: (days[k].rest_day, -k)):
                    team = teams[i]
                    if p in team:
                        team.discard(p)
                        if _can_work(r, i, teams, available):
                            team.add(r)
                            moved = True
                            break
                        team.add(p)
                if moved:
                    break
            if moved:
                break
        if not moved:
            break
    holiday = [d.holiday for d in days]
    weekend = [d.rest_day and not d.holiday for d in days]
    # Holidays, exchanged against ordinary days (totals stay); then weekends, exchanged
    # against working days (totals and holidays stay).
    _exchange(teams, pool, available, special=holiday, other=[not h for h in holiday])
    _exchange(teams, pool, available, special=weekend, other=[not d.rest_day for d in days])


def _exchange(teams, pool, available, *, special: list[bool], other: list[bool]) -> None:
    for _round in range(len(teams) * len(pool)):
        counts = {p: sum(p in t for i, t in enumerate(teams) if special[i]) for p in pool}
        hi, lo = max(counts.values()), min(counts.values())
        if hi - lo <= 1:
            return
        if not _exchange_once(
            teams, pool, available, counts, hi, lo, special, other
        ) and not _swap_days(teams, available, counts, special, other):
            return


def _swap_days(teams, available, counts, special, other) -> bool:
    """Swap the whole teams of a special day and an ordinary one when that evens out
    the special counts (a tight pool leaves no room for a swap of two people)."""
    n = len(teams)

    def fits(team, i, moved_from):
        for p in team:
            if p not in available[i]:
                return False
            for j in (i - 1, i + 1):
                if 0 <= j < n and j != moved_from and p in teams[j]:
                    return False
        return True

    spread = sum(c * c for c in counts.values())
    for s in range(n):
        if not special[s]:
            continue
        for t in range(n):
            if not other[t] or abs(s - t) == 1:
                continue
            a, b = teams[s], teams[t]
            change = {p: -1 for p in a - b}
            for p in b - a:
                change[p] = change.get(p, 0) + 1
            after = sum((counts[p] + change.get(p, 0)) ** 2 for p in counts)
            if after < spread and fits(a, t, s) and fits(b, s, t):
                teams[s], teams[t] = b, a
                return True
    return False


def _exchange_once(teams, pool, available, counts, hi, lo, special, other) -> bool:
    for p in (q for q in pool if counts[q] == hi):
        for r in (q for q in pool if counts[q] == lo):
            for s, team_s in enumerate(teams):
                if not special[s] or p not in team_s or r in team_s:
                    continue
                for t, team_t in enumerate(teams):
                    if not other[t] or r not in team_t or p in team_t:
                        continue
                    team_s.discard(p)
                    team_t.discard(r)
                    if _can_work(r, s, teams, available):
                        team_s.add(r)
                        if _can_work(p, t, teams, available):
                            team_t.add(p)
                            return True
                        team_s.discard(r)
                    team_s.add(p)
                    team_t.add(r)
    return False


def period_days(start: date, end: date) -> list[date]:
    return [start + timedelta(days=i) for i in range((end - start).days + 1)]
