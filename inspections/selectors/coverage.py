"""The coverage matrix of a key period (重点时段排查覆盖情况): key areas × units, each
cell with the enterprises planned and inspected, the hazards found, open and overdue,
and the gaps (a unit that inspected no enterprise of a key area it answers for).

The figures of a cell (unit U, key area A, key period P):

- the period's *window* runs from the first start date of P's inspection tasks (the
  screening before a festival starts before it) or P's start, whichever is earlier, to
  P's end;
- *planned*: the enterprises that P's inspection tasks of area A gave U as targets;
- *planned inspected*: of those, the ones whose target an inspection answered;
- *inspected*: the enterprises U inspected in area A, within the window or answering a
  target of P's tasks (planned or not: an unplanned visit counts too);
- *supervised*: U's active enterprises of area A;
- *hazards*: hazards of area A found within the window that U is responsible for;
  *open* of those, the ones not yet accepted; *overdue*, the open ones past their
  deadline today (``overdue_q``, the ledger's rule).

A cell is *expected* to cover its planned enterprises, or, with none planned, its
supervised ones. It is a *gap* when it expects some and inspected none (*waiting*
instead while the window has not opened: a key period still to come names no gaps);
*overdue* when a hazard of it is overdue; *full* when every expected enterprise was
inspected; *partial* otherwise; *empty* when it expects nothing and nothing happened.

Reads go through the one scoping rule: a head sees only their own unit's row, staff
every unit's. The matrix is a fixed handful of queries, whatever the number of units,
enterprises and inspections: every figure is a grouped count in the database.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, fields
from typing import Any

from django.db.models import (
    Case,
    Count,
    Exists,
    F,
    Min,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from campaigns.models import KeyPeriod
from campaigns.selectors.planning import key_period_list
from inspections.models import Hazard, Inspection, InspectionTarget, InspectionTask
from inspections.selectors._common import _count
from inspections.selectors.hazards import OPEN, overdue_q
from safetyzone.org.models import Enterprise, KeyArea, Unit, User
from safetyzone.org.scoping import scope_queryset, sees_all_units

# The states of a cell, worst first (the order the legend lists them in).
GAP, OVERDUE, PARTIAL, FULL, WAITING, EMPTY = (
    "gap",
    "overdue",
    "partial",
    "full",
    "waiting",
    "empty",
)
STATES = (GAP, OVERDUE, PARTIAL, FULL, WAITING, EMPTY)
STATE_LABELS = {
    GAP: _("Gap: none inspected"),
    OVERDUE: _("Overdue hazards"),
    PARTIAL: _("Partly inspected"),
    FULL: _("All inspected"),
    WAITING: _("Not begun"),
    EMPTY: _("Nothing to inspect"),
}


@dataclass
class Figures:
    """The figures of one cell, one enterprise, or a total of cells (a sum: an
    enterprise of two key areas counts in both)."""

    planned: int = 0
    planned_inspected: int = 0
    inspected: int = 0
    supervised: int = 0
    hazards: int = 0
    open: int = 0
    overdue: int = 0
    # Before the window opens, nothing inspected yet is no gap: the cell is waiting.
    waiting: bool = False

    def add(self, other: Figures) -> None:
        for f in fields(self):
            if f.name != "waiting":
                setattr(self, f.name, getattr(self, f.name) + getattr(other, f.name))

    @property
    def expected(self) -> int:
        return self.planned or self.supervised

    @property
    def covered(self) -> int:
        """Expected enterprises inspected: the planned ones answered, or, with none
        planned, as many supervised ones as the unit inspected enterprises."""
        if self.planned:
            return self.planned_inspected
        return min(self.inspected, self.supervised)

    @property
    def state(self) -> str:
        if self.expected and not self.inspected and not self.planned_inspected:
            return WAITING if self.waiting else GAP
        if self.overdue:
            return OVERDUE
        if self.expected and self.covered < self.expected:
            return PARTIAL
        if self.expected or self.inspected or self.hazards:
            return FULL
        return EMPTY

    @property
    def state_label(self) -> str:
        return str(STATE_LABELS[self.state])


@dataclass
class Cell:
    key_area: KeyArea
    figures: Figures


@dataclass
class Row:
    unit: Unit
    cells: list[Cell]
    total: Figures


@dataclass
class Gap:
    unit: Unit
    key_area: KeyArea


@dataclass
class CoverageMatrix:
    key_period: KeyPeriod
    window_start: dt.date
    key_areas: list[KeyArea]
    every_key_area: list[KeyArea]  # the choices of the page's key area filter
    rows: list[Row]
    column_totals: list[Cell]
    total: Figures
    gaps: list[Gap] = field(default_factory=list)
    today: dt.date = field(default_factory=timezone.localdate)

    @property
    def waiting(self) -> bool:
        """The window has not opened yet (no gaps are named before it does)."""
        return self.today < self.window_start


def key_period_default(*, user: User) -> KeyPeriod | None:
    """The key period the matrix opens on: the one under way today (the earliest to
    start if several), else the last one that has started, else the next one. One
    query."""
    today = timezone.localdate()
    bucket = Case(
        When(start_date__lte=today, end_date__gte=today, then=Value(0)),
        When(start_date__lte=today, then=Value(1)),
        default=Value(2),
    )
    return (
        key_period_list(user=user)
        .prefetch_related(None)
        .annotate(bucket=bucket)
        .order_by(
            "bucket",
            Case(When(bucket=1, then=F("start_date"))).desc(nulls_last=True),
            "start_date",
            "pk",
        )
        .first()
    )


def _key_areas(key_period: KeyPeriod) -> tuple[list[KeyArea], dt.date]:
    """Every key area, each marked ``in_period`` when the period names it or one of its
    inspection tasks is of it; and the window's first day, the earliest start of the
    period's tasks or the period's own start (one query)."""
    tasks = InspectionTask.objects.filter(key_period=key_period, key_area=OuterRef("pk"))
    areas = list(
        KeyArea.objects.annotate(
            named=Exists(
                KeyPeriod.key_areas.through.objects.filter(
                    keyperiod=key_period, keyarea=OuterRef("pk")
                )
            ),
            first_task=Subquery(tasks.order_by("start_date").values("start_date")[:1]),
        ).order_by("order", "name")
    )
    starts = [a.first_task for a in areas if a.first_task is not None]
    for area in areas:
        area.in_period = area.named or area.first_task is not None
    return areas, min([key_period.start_date, *starts])


def _sources(user: User, key_period: KeyPeriod, start: dt.date, end: dt.date):
    """The scoped targets, inspections and hazards the figures count."""
    targets = scope_queryset(
        InspectionTarget.objects.filter(task__key_period=key_period), user
    ).order_by()
    inspections = scope_queryset(
        Inspection.objects.filter(
            Q(date__range=(start, end)) | Q(targets__task__key_period=key_period)
        ),
        user,
    ).order_by()
    hazards = scope_queryset(Hazard.objects.filter(found_on__range=(start, end)), user).order_by()
    return targets, inspections, hazards


def coverage_matrix(
    *,
    user: User,
    key_period: KeyPeriod,
    unit: Unit | None = None,
    key_area: KeyArea | None = None,
) -> CoverageMatrix:
    """The matrix of ``key_period`` as ``user`` may see it (see the module's docstring
    for the figures), narrowed to one ``unit`` or one ``key_area`` when given. Rows are
    the active member units in scope and any other unit with figures; columns the
    period's key areas and those of its tasks (every key area when it names none).
    Six queries."""
    today = timezone.localdate()
    every_area, start = _key_areas(key_period)
    end = key_period.end_date
    if key_area is not None:
        areas = [a for a in every_area if a.pk == key_area.pk]
    else:
        areas = [a for a in every_area if a.in_period] or every_area
    area_ids = [a.pk for a in areas]

    targets, inspections, hazards = _sources(user, key_period, start, end)
    supervised = scope_queryset(
        Enterprise.objects.filter(is_active=True, key_areas__in=area_ids), user
    ).order_by()
    if unit is not None:
        targets = targets.filter(unit=unit)
        inspections = inspections.filter(unit=unit)
        hazards = hazards.filter(responsible_unit=unit)
        supervised = supervised.filter(supervising_unit=unit)

    figures: dict[tuple[int, int], Figures] = {}

    waiting = today < start

    def cell(unit_id: int, area_id: int) -> Figures:
        return figures.setdefault((unit_id, area_id), Figures(waiting=waiting))

    for row in supervised.values("supervising_unit", "key_areas").annotate(
        n=Count("pk", distinct=True)
    ):
        cell(row["supervising_unit"], row["key_areas"]).supervised = row["n"]
    for row in (
        targets.filter(task__key_area__in=area_ids)
        .values("unit", "task__key_area")
        .annotate(
            planned=Count("enterprise", distinct=True),
            done=Count("enterprise", distinct=True, filter=Q(inspection__isnull=False)),
        )
    ):
        found = cell(row["unit"], row["task__key_area"])
        found.planned, found.planned_inspected = row["planned"], row["done"]
    for row in (
        inspections.filter(key_area__in=area_ids)
        .values("unit", "key_area")
        .annotate(n=Count("enterprise", distinct=True))
    ):
        cell(row["unit"], row["key_area"]).inspected = row["n"]
    for row in (
        hazards.filter(key_area__in=area_ids)
        .values("responsible_unit", "key_area")
        .annotate(
            n=Count("pk"),
            open=Count("pk", filter=Q(status__in=OPEN)),
            overdue=Count("pk", filter=overdue_q(today)),
        )
    ):
        found = cell(row["responsible_unit"], row["key_area"])
        found.hazards, found.open, found.overdue = row["n"], row["open"], row["overdue"]

    with_figures = {unit_id for unit_id, _area in figures}
    units_qs = scope_queryset(Unit.objects.all(), user)
    if unit is not None:
        units_qs = units_qs.filter(pk=unit.pk)
    elif sees_all_units(user):
        units_qs = units_qs.filter(
            Q(is_active=True, membership=Unit.Membership.MEMBER) | Q(pk__in=with_figures)
        )
    units = list(units_qs.order_by("order", "name", "pk"))

    rows, gaps = [], []
    column_totals = [Cell(key_area=area, figures=Figures(waiting=waiting)) for area in areas]
    total = Figures(waiting=waiting)
    for member in units:
        cells, row_total = [], Figures(waiting=waiting)
        for index, area in enumerate(areas):
            found = figures.get((member.pk, area.pk)) or Figures(waiting=waiting)
            cells.append(Cell(key_area=area, figures=found))
            row_total.add(found)
            column_totals[index].figures.add(found)
            if found.state == GAP:
                gaps.append(Gap(unit=member, key_area=area))
        total.add(row_total)
        rows.append(Row(unit=member, cells=cells, total=row_total))
    return CoverageMatrix(
        key_period=key_period,
        window_start=start,
        key_areas=areas,
        every_key_area=every_area,
        rows=rows,
        column_totals=column_totals,
        total=total,
        gaps=gaps,
        today=today,
    )


def coverage_window(*, key_period: KeyPeriod) -> tuple[dt.date, dt.date]:
    """The window of ``key_period`` (one query)."""
    first = (
        InspectionTask.objects.filter(key_period=key_period)
        .order_by()
        .aggregate(first=Min("start_date"))["first"]
    )
    return min(key_period.start_date, first or key_period.start_date), key_period.end_date


def coverage_enterprises(
    *, user: User, key_period: KeyPeriod, unit: Unit, key_area: KeyArea
) -> QuerySet[Enterprise]:
    """A cell drilled into: the enterprises of ``unit`` and ``key_area`` in the period
    (supervised by the unit in that area, planned for it, inspected or with hazards it
    answers for), by name, each annotated with its figures (``coverage_figures`` reads
    them). ``unit`` must come from the scoping rule (the caller 404s another unit's)."""
    today = timezone.localdate()
    start, end = coverage_window(key_period=key_period)
    targets, inspections, hazards = _sources(user, key_period, start, end)
    targets = targets.filter(unit=unit, task__key_area=key_area)
    inspections = inspections.filter(unit=unit, key_area=key_area)
    hazards = hazards.filter(responsible_unit=unit, key_area=key_area)
    in_area = Enterprise.key_areas.through.objects.filter(keyarea=key_area)
    own = OuterRef("pk")
    return (
        Enterprise.objects.filter(
            Q(supervising_unit=unit, is_active=True, pk__in=in_area.values("enterprise"))
            | Q(pk__in=targets.values("enterprise"))
            | Q(pk__in=inspections.values("enterprise"))
            | Q(pk__in=hazards.values("enterprise"))
        )
        .annotate(
            window_open=Value(today >= start),
            in_area=Exists(in_area.filter(enterprise=own)),
            is_planned=Exists(targets.filter(enterprise=own)),
            is_planned_inspected=Exists(targets.filter(enterprise=own, inspection__isnull=False)),
            is_inspected=Exists(inspections.filter(enterprise=own)),
            last_inspected=Subquery(
                inspections.filter(enterprise=own).order_by("-date").values("date")[:1]
            ),
            hazard_count=Coalesce(_count(hazards.filter(enterprise=own)), 0),
            open_count=Coalesce(_count(hazards.filter(enterprise=own, status__in=OPEN)), 0),
            overdue_count=Coalesce(_count(hazards.filter(overdue_q(today), enterprise=own)), 0),
        )
        .select_related("supervising_unit")
        .order_by("name", "pk")
    )


def coverage_figures(enterprise: Any, *, unit: Unit) -> Figures:
    """The figures of one enterprise of ``coverage_enterprises``."""
    return Figures(
        planned=int(enterprise.is_planned),
        planned_inspected=int(enterprise.is_planned_inspected),
        inspected=int(enterprise.is_inspected),
        supervised=int(
            enterprise.supervising_unit_id == unit.pk
            and enterprise.in_area
            and enterprise.is_active
        ),
        hazards=enterprise.hazard_count,
        open=enterprise.open_count,
        overdue=enterprise.overdue_count,
        waiting=not enterprise.window_open,
    )
