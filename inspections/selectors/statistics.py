"""The hazard statistics and the quarterly table."""

import datetime as dt
from decimal import Decimal
from typing import Any

from django.db.models import Count, DateField, F, Max, Q, Sum
from django.db.models.functions import TruncMonth
from django.utils import timezone

from inspections.models import (
    EnforcementAction,
    Hazard,
    HazardLevel,
    Inspection,
    QuarterlyReport,
    Violation,
)
from inspections.selectors.hazards import OPEN, hazard_list, overdue_q
from safetyzone.org.models import Unit, User
from safetyzone.org.scoping import scope_queryset

# --- Statistics -----------------------------------------------------------------------


def _rate(part: int, whole: int) -> float | None:
    return round(100 * part / whole, 1) if whole else None


def hazard_statistics(*, user: User, filters: dict[str, Any] | None = None) -> dict[str, Any]:
    """Hazards by level, status, key area and unit; rectification rate (closed over
    all), on-time rate (closed by the deadline over closed) and the overdue count. A
    fixed handful of queries whatever the number of hazards."""
    qs = hazard_list(user=user, filters=filters).order_by()
    today = timezone.localdate()
    totals = qs.aggregate(
        total=Count("pk"),
        closed=Count("pk", filter=Q(status=Hazard.Status.ACCEPTED)),
        closed_on_time=Count(
            "pk", filter=Q(status=Hazard.Status.ACCEPTED, closed_at__date__lte=F("deadline"))
        ),
        overdue=Count("pk", filter=overdue_q(today)),
        major=Count("pk", filter=Q(level=HazardLevel.MAJOR)),
        supervised=Count("pk", filter=Q(is_supervised=True, status__in=OPEN)),
        recurrences=Count("pk", filter=Q(is_recurrence=True)),
    )
    by_level = dict(qs.values_list("level").annotate(n=Count("pk")).order_by())
    by_status = dict(qs.values_list("status").annotate(n=Count("pk")).order_by())
    by_area = list(
        qs.values("key_area__name")
        .annotate(
            total=Count("pk"),
            closed=Count("pk", filter=Q(status=Hazard.Status.ACCEPTED)),
            overdue=Count("pk", filter=overdue_q(today)),
        )
        .order_by("-total", "key_area__name")
    )
    by_unit = list(
        qs.values("responsible_unit__name")
        .annotate(
            total=Count("pk"),
            major=Count("pk", filter=Q(level=HazardLevel.MAJOR)),
            closed=Count("pk", filter=Q(status=Hazard.Status.ACCEPTED)),
            overdue=Count("pk", filter=overdue_q(today)),
        )
        .order_by("-total", "responsible_unit__name")
    )
    for row in [*by_area, *by_unit]:
        row["rate"] = _rate(row["closed"], row["total"])
    return {
        **totals,
        "open": totals["total"] - totals["closed"],
        "rectification_rate": _rate(totals["closed"], totals["total"]),
        "on_time_rate": _rate(totals["closed_on_time"], totals["closed"]),
        "by_level": [(label, by_level.get(value, 0)) for value, label in HazardLevel.choices],
        "by_status": [(label, by_status.get(value, 0)) for value, label in Hazard.Status.choices],
        "by_area": by_area,
        "by_unit": by_unit,
    }


def latest_data_day(*, user: User) -> dt.date | None:
    """The last day, up to today, on which ``user``'s scope found a hazard or made an
    inspection: the statistics open on its period rather than on an empty one. Two
    queries."""
    today = timezone.localdate()
    found = (
        scope_queryset(Hazard.objects.filter(found_on__lte=today), user)
        .order_by()
        .aggregate(last=Max("found_on"))["last"]
    )
    inspected = (
        scope_queryset(Inspection.objects.filter(date__lte=today), user)
        .order_by()
        .aggregate(last=Max("date"))["last"]
    )
    days = [day for day in (found, inspected) if day is not None]
    return max(days) if days else None


def month_starts(last: dt.date, months: int) -> list[dt.date]:
    """The first days of the ``months`` months ending with ``last``'s, oldest first."""
    year, month = last.year, last.month
    starts = []
    for _ in range(months):
        starts.append(dt.date(year, month, 1))
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    return starts[::-1]


def hazards_by_month(*, user: User, last: dt.date, months: int = 12) -> list[dict[str, Any]]:
    """Per month of the ``months`` ending with ``last``'s: hazards found, and hazards
    closed (accepted) in that month, whenever found. Two queries."""
    starts = month_starts(last, months)
    first = starts[0]
    end = dt.date(last.year + (last.month == 12), last.month % 12 + 1, 1)
    scoped = scope_queryset(Hazard.objects.all(), user).order_by()
    found = dict(
        scoped.filter(found_on__gte=first, found_on__lt=end)
        .annotate(month=TruncMonth("found_on"))
        .values_list("month")
        .annotate(n=Count("pk"))
    )
    # closed_at is a moment: its month is the office's (the current time zone's).
    closed = dict(
        scoped.filter(status=Hazard.Status.ACCEPTED, closed_at__date__gte=first)
        .filter(closed_at__date__lt=end)
        .annotate(month=TruncMonth("closed_at", output_field=DateField()))
        .values_list("month")
        .annotate(n=Count("pk"))
    )
    return [
        {"month": start, "found": found.get(start, 0), "closed": closed.get(start, 0)}
        for start in starts
    ]


def quarter_bounds(year: int, quarter: int) -> tuple[dt.date, dt.date, dt.date]:
    """First and last day of a quarter, and the day its statistics table is due (the
    15th of the month after it)."""
    first = dt.date(year, 3 * (quarter - 1) + 1, 1)
    next_first = dt.date(year + (quarter == 4), 1 if quarter == 4 else 3 * quarter + 1, 1)
    return first, next_first - dt.timedelta(days=1), next_first.replace(day=15)


def quarterly_table(*, user: User, year: int, quarter: int) -> dict[str, Any]:
    """The quarterly statistics table units file (by the 15th of the month after the
    quarter): per unit the inspections, enterprises inspected, hazards found by level,
    hazards closed, rectification rate, overdue, violations, enforcement and fines."""
    first, last, due = quarter_bounds(year, quarter)
    today = timezone.localdate()
    units = {u.pk: u for u in scope_queryset(Unit.objects.filter(is_active=True), user)}
    rows: dict[int, dict[str, Any]] = {
        pk: {
            "unit": unit,
            "inspections": 0,
            "enterprises": 0,
            "hazards": 0,
            "major": 0,
            "closed": 0,
            "overdue": 0,
            "violations": 0,
            "actions": 0,
            "fines": Decimal(0),
        }
        for pk, unit in units.items()
    }
    inspections = (
        scope_queryset(Inspection.objects.filter(date__range=(first, last)), user)
        .values("unit")
        .annotate(n=Count("pk"), enterprises=Count("enterprise", distinct=True))
        .order_by()
    )
    for row in inspections:
        if row["unit"] in rows:
            rows[row["unit"]]["inspections"] = row["n"]
            rows[row["unit"]]["enterprises"] = row["enterprises"]
    hazards = (
        scope_queryset(Hazard.objects.filter(found_on__range=(first, last)), user)
        .values("responsible_unit")
        .annotate(
            n=Count("pk"),
            major=Count("pk", filter=Q(level=HazardLevel.MAJOR)),
            closed=Count("pk", filter=Q(status=Hazard.Status.ACCEPTED)),
            overdue=Count("pk", filter=overdue_q(min(today, last + dt.timedelta(days=1)))),
        )
        .order_by()
    )
    for row in hazards:
        if row["responsible_unit"] in rows:
            target = rows[row["responsible_unit"]]
            target.update(
                hazards=row["n"], major=row["major"], closed=row["closed"], overdue=row["overdue"]
            )
    violations = (
        scope_queryset(Violation.objects.filter(date__range=(first, last)), user)
        .values("unit")
        .annotate(n=Count("pk"))
        .order_by()
    )
    for row in violations:
        if row["unit"] in rows:
            rows[row["unit"]]["violations"] = row["n"]
    actions = (
        scope_queryset(EnforcementAction.objects.filter(date__range=(first, last)), user)
        .values("unit")
        .annotate(n=Count("pk"), fines=Sum("amount", filter=Q(kind=EnforcementAction.Kind.FINE)))
        .order_by()
    )
    for row in actions:
        if row["unit"] in rows:
            rows[row["unit"]]["actions"] = row["n"]
            rows[row["unit"]]["fines"] = row["fines"] or Decimal(0)
    filed = {
        report.unit_id: report
        for report in scope_queryset(
            QuarterlyReport.objects.filter(year=year, quarter=quarter), user
        ).select_related("filed_by")
    }
    for pk, row in rows.items():
        row["filed"] = filed.get(pk)
    ordered = sorted(rows.values(), key=lambda r: (r["unit"].order, r["unit"].name))
    for row in ordered:
        row["rate"] = _rate(row["closed"], row["hazards"])
    keys = (
        "inspections",
        "enterprises",
        "hazards",
        "major",
        "closed",
        "overdue",
        "violations",
        "actions",
        "fines",
    )
    total = {key: sum(r[key] for r in ordered) for key in keys}
    total["rate"] = _rate(total["closed"], total["hazards"])
    return {
        "year": year,
        "quarter": quarter,
        "first": first,
        "last": last,
        "due": due,
        "ended": today > last,
        "past_due": today > due,
        "rows": ordered,
        "total": total,
    }
