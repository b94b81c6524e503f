"""Duty roster generation (issue 7, point 7): what happens when committee staff create a
roster for the 40 duty people and generate it (``duty.services.rosters.roster_create`` then
``roster_generate``: the calendar and key periods read, the pools' leave and other
shifts read, the plan made by ``duty.generator``, every shift and assignment saved), one
year against one month, turn about, medians. Then every duty check
(``duty.checks.roster_check``: gaps and overlaps, no leader, short of officers, leave,
double booking and back to back, here or on another roster) on the year and on the
month: the year must take as many queries as the month.

The pools are the seeded duty people (``seed_scale --roster-people 40``: a quarter of
them leaders on duty), as its year of rosters uses them; the period generated is the year
that follows their last seeded shift, so that their seeded shifts take nothing from it.
Each run is rolled back (``transaction.atomic`` and ``set_rollback``), so every run
starts from the same database."""

from __future__ import annotations

import datetime as dt
import statistics
import time

from bench.core import Result, emit, interleaved_medians, setup_django

RATIO = 14
REPEAT = 5
STAFF = "bench-staff"


def _setup():
    """The actor (committee staff), the pools, the office unit, the officers per shift
    and the two periods (a month, and the year starting with it)."""
    from django.db.models import Max
    from django.utils import timezone

    from duty.models import Shift
    from safetyzone.org.models import User
    from safetyzone.org.roles import Role

    actor = (
        User.objects.filter(username=STAFF).first()
        or User.objects.filter(is_active=True, groups__name=Role.COMMITTEE_STAFF)
        .order_by("pk")
        .first()
    )
    if actor is None:
        raise RuntimeError("no committee staff user: was the database seeded by seed_scale?")
    leaders = list(
        User.objects.filter(is_active=True, groups__name=Role.DUTY_LEADER).order_by("username")
    )
    officers = list(
        User.objects.filter(is_active=True, groups__name=Role.DUTY_OFFICER)
        .exclude(pk__in=[u.pk for u in leaders])
        .order_by("username")
    )
    if not leaders or not officers:
        raise RuntimeError("no duty people: was the database seeded with --roster-people?")
    last = (
        Shift.objects.filter(assignments__person__in=[*leaders, *officers]).aggregate(
            last=Max("date")
        )["last"]
        or timezone.localdate()
    )
    # The first of the month after the month following the last seeded shift.
    start = (last.replace(day=1) + dt.timedelta(days=62)).replace(day=1)
    month_end = (start + dt.timedelta(days=32)).replace(day=1) - dt.timedelta(days=1)
    year_end = start.replace(year=start.year + 1) - dt.timedelta(days=1)
    return {
        "actor": actor,
        "leaders": leaders,
        "officers": officers,
        "unit": actor.unit,
        "per_shift": 2 if len(officers) >= 8 else 1,
        "month": (start, month_end),
        "year": (start, year_end),
    }


def _create_and_generate(setup: dict, period: tuple[dt.date, dt.date]):
    """As the views do it: the actor and the pools read afresh (the request's user, the
    generate form's choices), the roster created, then generated."""
    from duty.services.rosters import roster_create, roster_generate
    from safetyzone.org.models import User

    start, end = period
    actor = User.objects.get(pk=setup["actor"].pk)
    leaders = list(User.objects.filter(pk__in=[u.pk for u in setup["leaders"]]))
    officers = list(User.objects.filter(pk__in=[u.pk for u in setup["officers"]]))
    roster = roster_create(
        actor=actor,
        title=f"基准值班表 {start:%Y-%m-%d}–{end:%Y-%m-%d}",
        unit=setup["unit"],
        start_date=start,
        end_date=end,
        officers_per_shift=setup["per_shift"],
        phone="0432-64501110",
    )
    roster_generate(
        roster=roster,
        actor=actor,
        leaders=leaders,
        officers=officers,
        seed=7,
    )
    return roster


def _rolled_back(fn):
    """Run ``fn`` in a transaction that is rolled back; return what it returned."""
    from django.db import transaction

    with transaction.atomic():
        result = fn()
        transaction.set_rollback(True)
    return result


def generate_once(setup: dict, period) -> dict:
    """One admin's generation of ``period``, timed and counted, then rolled back."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from duty.models import Shift, ShiftAssignment

    def run():
        with CaptureQueriesContext(connection) as queries:
            start = time.perf_counter()
            roster = _create_and_generate(setup, period)
            seconds = time.perf_counter() - start
        return {
            "seconds": seconds,
            "queries": len(queries),
            "shifts": Shift.objects.filter(roster=roster).count(),
            "assignments": ShiftAssignment.objects.filter(shift__roster=roster).count(),
        }

    return _rolled_back(run)


def checks_on(setup: dict, period, repeat: int = REPEAT) -> dict:
    """Generate ``period`` (untimed), then run every check on it ``repeat`` times: the
    queries of one run and the median time; rolled back."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from duty.checks import roster_check
    from duty.models import DutyRoster

    def run():
        roster = _create_and_generate(setup, period)
        roster = DutyRoster.objects.get(pk=roster.pk)
        with CaptureQueriesContext(connection) as queries:
            issues = roster_check(roster=roster)
        times = []
        for _ in range(repeat):
            start = time.perf_counter()
            roster_check(roster=roster)
            times.append(time.perf_counter() - start)
        return {
            "queries": len(queries),
            "seconds": statistics.median(times),
            "issues": len(issues),
            "days": (period[1] - period[0]).days + 1,
        }

    return _rolled_back(run)


def main() -> None:
    ctx = setup_django()
    results: list[Result] = []
    try:
        setup = _setup()
    except Exception as exc:
        emit([Result.failed("roster: setup", exc)])
        return
    month, year = setup["month"], setup["year"]
    print(
        f"pools: {len(setup['leaders'])} leaders, {len(setup['officers'])} officers, "
        f"{setup['per_shift']} officer(s) per shift; month {month[0]}..{month[1]}, "
        f"year {year[0]}..{year[1]} (database {ctx.sizes.get('hazards', '?')} hazards)",
        flush=True,
    )

    try:
        # The first runs fill the process's caches (content types, the users' grants).
        print(f"one year, cold: {generate_once(setup, year)}", flush=True)
        print(f"one month, cold: {generate_once(setup, month)}", flush=True)
        year_run, month_run = generate_once(setup, year), generate_once(setup, month)
        print(f"one year: {year_run}", flush=True)
        print(f"one month: {month_run}", flush=True)
        year_s, month_s = interleaved_medians(
            lambda: generate_once(setup, year),
            lambda: generate_once(setup, month),
            repeat=REPEAT,
            warmup=0,
        )
        print(f"generate (median of {REPEAT}): year {year_s:.3f} s, month {month_s:.3f} s")
        results.append(
            Result.ratio_at_most(
                "roster: generate a year vs a month (40 people)",
                year_s,
                month_s,
                "s",
                RATIO,
                note=(
                    f"roster_create + roster_generate, saved then rolled back; "
                    f"{year_run['shifts']} vs {month_run['shifts']} shifts "
                    f"({year_run['shifts'] / month_run['shifts']:.1f}x), "
                    f"{year_run['assignments']} vs {month_run['assignments']} assignments; "
                    f"{year_run['queries']} vs {month_run['queries']} queries; "
                    f"median of {REPEAT}, turn about"
                ),
            )
        )
    except Exception as exc:
        results.append(Result.failed("roster: generate a year vs a month (40 people)", exc))

    try:
        year_checks, month_checks = checks_on(setup, year), checks_on(setup, month)
        print(f"checks on the year: {year_checks}", flush=True)
        print(f"checks on the month: {month_checks}", flush=True)
        results.append(
            Result.equal_to_baseline(
                "roster: every duty check, queries (year vs month)",
                year_checks["queries"],
                month_checks["queries"],
                "queries",
                note=(
                    f"duty.checks.roster_check: {year_checks['issues']} issue(s) on the "
                    f"year, {month_checks['issues']} on the month"
                ),
            )
        )
        results.append(
            Result.info(
                "roster: every duty check on the year, time",
                year_checks["seconds"],
                "s",
                note=(
                    f"{year_checks['days']} days; the month's {month_checks['days']} days "
                    f"take {month_checks['seconds']:.4f} s "
                    f"(ratio {year_checks['seconds'] / month_checks['seconds']:.1f}); "
                    f"median of {REPEAT}"
                ),
            )
        )
    except Exception as exc:
        results.append(Result.failed("roster: every duty check (year vs month)", exc))
    emit(results)


if __name__ == "__main__":
    main()
