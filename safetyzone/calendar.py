"""Working days: the one calendar behind every deadline in SafetyZone.

A day is a working day by the State Council's calendar (``holidays.China``: public
holidays, the days off moved around them, and the make-up working days on weekends,
调休), unless an admin has added a local override (``core.WorkdayOverride``), which
always wins.

Overrides are read from the database in windows of about a year, one query per window,
never one per day. Each public function makes one ``WorkingCalendar`` and so reads fresh
overrides; code that asks many questions at once (a list of deadlines) can make one
``WorkingCalendar`` and ask it everything.

Conventions, the same everywhere:
- ``add_working_days(start, n)`` is the n-th working day after ``start`` (``start``
  itself is not counted); n = 0 gives ``start`` if it is a working day, else the next
  working day; a negative n counts backwards.
- ``working_days_between(start, end)`` counts the working days after ``start`` up to and
  including ``end``, so that ``working_days_between(s, add_working_days(s, n)) == n``.

The named holidays of a year come as blocks (``holiday_blocks(year)``): each public
holiday with the days off around it, by the national calendar (a local override does not
move a holiday), under a stable key (``HOLIDAYS``) that other records may name.
"""

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import lru_cache

import holidays
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

# Days of overrides read in one query; a year covers every deadline we set.
_WINDOW_DAYS = 400


@lru_cache(maxsize=64)
def _national_year(year: int) -> tuple[frozenset[date], frozenset[date]]:
    """(days off, weekend working days) of one year by the national calendar."""
    cn = holidays.China(years=year)
    days_off = frozenset(d for d in cn if d.year == year)
    weekend_workdays = frozenset(d for d in cn.weekend_workdays if d.year == year)
    return days_off, weekend_workdays


def _national_is_working_day(d: date) -> bool:
    days_off, weekend_workdays = _national_year(d.year)
    if d.weekday() >= 5:  # Saturday, Sunday
        return d in weekend_workdays
    return d not in days_off


def _check_date(d: date) -> date:
    # A datetime is a date too, and would silently lose its time zone here.
    if isinstance(d, datetime) or not isinstance(d, date):
        raise TypeError(f"expected a date, got {type(d).__name__}; use timezone.localdate()")
    return d


class WorkingCalendar:
    """The national calendar plus the local overrides, read lazily by date windows."""

    def __init__(self) -> None:
        self._overrides: dict[date, bool] = {}
        self._loaded: tuple[date, date] | None = None

    def _load(self, first: date, last: date) -> None:
        from safetyzone.core.models import WorkdayOverride

        rows = WorkdayOverride.objects.filter(date__range=(first, last)).values_list("date", "kind")
        for day, kind in rows:
            self._overrides[day] = kind == WorkdayOverride.Kind.WORKDAY

    def _ensure(self, first: date, last: date) -> None:
        """Make sure the overrides of ``first``..``last`` are loaded (one or two queries)."""
        if self._loaded is None:
            self._load(first, last)
            self._loaded = (first, last)
            return
        lo, hi = self._loaded
        if first < lo:
            self._load(first, lo - timedelta(days=1))
            lo = first
        if last > hi:
            self._load(hi + timedelta(days=1), last)
            hi = last
        self._loaded = (lo, hi)

    def _ensure_around(self, d: date, forward: bool = True) -> None:
        if self._loaded is not None and self._loaded[0] <= d <= self._loaded[1]:
            return
        window = timedelta(days=_WINDOW_DAYS)
        if forward:
            self._ensure(d, d + window)
        else:
            self._ensure(d - window, d)

    def _is_working_day(self, d: date, forward: bool = True) -> bool:
        self._ensure_around(d, forward)
        override = self._overrides.get(d)
        if override is not None:
            return override
        return _national_is_working_day(d)

    def is_working_day(self, d: date) -> bool:
        return self._is_working_day(_check_date(d))

    def day_mark(self, d: date) -> str | None:
        """How a month view marks ``d``: ``"off"``, a day off that is no plain weekend
        (a public holiday, a day moved off around it, a local day off); ``"workday"``, a
        weekend made a working day (调休); else None."""
        working = self._is_working_day(_check_date(d))
        weekend = d.weekday() >= 5
        if working:
            return "workday" if weekend else None
        if not weekend or d in _national_year(d.year)[0] or self._overrides.get(d) is False:
            return "off"
        return None

    def add_working_days(self, start: date, n: int) -> date:
        start = _check_date(start)
        if n == 0:
            return start if self._is_working_day(start) else self.next_working_day(start)
        step = timedelta(days=1 if n > 0 else -1)
        forward = n > 0
        remaining = abs(n)
        day = start
        while remaining:
            day += step
            if self._is_working_day(day, forward):
                remaining -= 1
        return day

    def next_working_day(self, d: date) -> date:
        """The first working day strictly after ``d``."""
        return self.add_working_days(_check_date(d), 1)

    def previous_working_day(self, d: date) -> date:
        """The last working day strictly before ``d``."""
        return self.add_working_days(_check_date(d), -1)

    def working_days_between(self, start: date, end: date) -> int:
        start, end = _check_date(start), _check_date(end)
        if end < start:
            return -self.working_days_between(end, start)
        if end == start:
            return 0
        first = start + timedelta(days=1)
        self._ensure(first, end)
        count = 0
        day = first
        while day <= end:
            if self._is_working_day(day):
                count += 1
            day += timedelta(days=1)
        return count


def is_working_day(d: date) -> bool:
    """Whether ``d`` is a working day, overrides included."""
    return WorkingCalendar().is_working_day(d)


def add_working_days(start: date, n: int) -> date:
    """The n-th working day after ``start`` (see the module docstring for n ≤ 0)."""
    return WorkingCalendar().add_working_days(start, n)


def next_working_day(d: date) -> date:
    """The first working day strictly after ``d``."""
    return WorkingCalendar().next_working_day(d)


def previous_working_day(d: date) -> date:
    """The last working day strictly before ``d``."""
    return WorkingCalendar().previous_working_day(d)


def working_days_between(start: date, end: date) -> int:
    """Working days after ``start`` up to and including ``end`` (negative if end < start)."""
    return WorkingCalendar().working_days_between(start, end)


# --- Named holidays -------------------------------------------------------------------

# The public holidays by a stable key, in the order of the year, with their names.
HOLIDAYS: dict[str, Promise] = {
    "new_year": _("New Year's Day"),
    "spring_festival": _("Spring Festival"),
    "qingming": _("Qingming Festival"),
    "labour_day": _("Labour Day"),
    "dragon_boat": _("Dragon Boat Festival"),
    "mid_autumn": _("Mid-Autumn Festival"),
    "national_day": _("National Day"),
}
HOLIDAY_CHOICES = list(HOLIDAYS.items())

# How ``holidays.China`` names each holiday in English (``get_named`` looks the name up
# in the holiday's names, observed days and combined names included).
_ENGLISH_NAMES = {
    "new_year": "New Year's Day",
    "spring_festival": "Chinese New Year",  # the eve and any extended days too
    "qingming": "Tomb-Sweeping Day",
    "labour_day": "Labor Day",
    "dragon_boat": "Dragon Boat Festival",
    "mid_autumn": "Mid-Autumn Festival",
    "national_day": "National Day",
}


@dataclass(frozen=True)
class HolidayBlock:
    """A public holiday of one year and the days off around it: ``first``..``last``."""

    name_key: str
    first: date
    last: date

    @property
    def name(self) -> str:
        return str(HOLIDAYS[self.name_key])

    def days(self) -> list[date]:
        return [self.first + timedelta(days=i) for i in range((self.last - self.first).days + 1)]


def _days_off_around(d: date) -> tuple[date, date]:
    """The run of consecutive national days off (weekends included) that holds ``d``."""
    first = last = d
    while not _national_is_working_day(first - timedelta(days=1)):
        first -= timedelta(days=1)
    while not _national_is_working_day(last + timedelta(days=1)):
        last += timedelta(days=1)
    return first, last


@lru_cache(maxsize=64)
def _holiday_blocks(year: int) -> tuple[HolidayBlock, ...]:
    cn = holidays.China(years=year, language="en_US")
    blocks = []
    for key, english in _ENGLISH_NAMES.items():
        named = sorted(d for d in cn.get_named(english, lookup="icontains") if d.year == year)
        if not named:
            continue
        # The run that holds the holiday itself; days it spills over are in it already.
        first, last = _days_off_around(named[0])
        for d in named[1:]:
            if d > last:
                break
            last = max(last, _days_off_around(d)[1])
        blocks.append(HolidayBlock(key, first, last))
    return tuple(sorted(blocks, key=lambda b: (b.first, list(HOLIDAYS).index(b.name_key))))


def holiday_blocks(year: int) -> list[HolidayBlock]:
    """The public holidays of ``year`` with the consecutive days off around each, in the
    order of the year (e.g. the Spring Festival's 8 or 9 days, the National Day's 7 or 8).
    Two holidays sharing their days off (the Mid-Autumn Festival falling in the National
    Day's week) are two blocks with the same dates. By the national calendar alone: no
    database."""
    return list(_holiday_blocks(year))


def holiday_block(name_key: str, year: int) -> HolidayBlock | None:
    """The block of the holiday ``name_key`` in ``year``, or None."""
    return next((b for b in _holiday_blocks(year) if b.name_key == name_key), None)
