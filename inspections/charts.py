"""The hazard charts of the statistics page and the home page, each with its table
(safetyzone.core.charts). The numbers come from inspections.selectors.statistics, which
read through the scoping rule: a head's charts hold only their unit's hazards."""

from typing import Any

from django.utils.formats import date_format
from django.utils.translation import gettext as _

from inspections.models import Hazard
from safetyzone.core.charts import Chart, Series

# "Closed" here is a hazard's closing: accepted and struck off (验收销号).
CLOSED = Hazard.Status.ACCEPTED.label


def monthly_chart(monthly: list[dict[str, Any]]) -> Chart:
    """Hazards found and closed per month (``hazards_by_month``)."""
    return Chart(
        key="hazards-by-month",
        title=_("Hazards found and closed per month"),
        category_label=_("Month"),
        categories=[date_format(row["month"], "Y-m") for row in monthly],
        series=[
            Series(_("Found"), [row["found"] for row in monthly]),
            Series(str(CLOSED), [row["closed"] for row in monthly]),
        ],
        axes=[_("Hazards")],
    )


def unit_chart(stats: dict[str, Any]) -> Chart:
    """Rectification rate and overdue hazards by responsible unit (``hazard_statistics``)."""
    rows = stats["by_unit"]
    return Chart(
        key="rectification-by-unit",
        title=_("Rectification rate and overdue hazards by unit"),
        category_label=_("Unit"),
        categories=[row["responsible_unit__name"] or "—" for row in rows],
        series=[
            Series(_("Rectification rate"), [row["rate"] for row in rows], suffix="%"),
            Series(_("Overdue"), [row["overdue"] for row in rows], axis=1),
        ],
        axes=[_("Rectification rate (%)"), _("Overdue")],
        horizontal=True,
    )


def level_chart(stats: dict[str, Any]) -> Chart:
    """Hazards by level (``hazard_statistics``)."""
    return Chart(
        key="hazards-by-level",
        title=_("Hazards by level"),
        category_label=_("Level"),
        categories=[str(label) for label, _n in stats["by_level"]],
        series=[Series(_("Hazards"), [n for _label, n in stats["by_level"]], kind="pie")],
    )


def area_chart(stats: dict[str, Any]) -> Chart:
    """Hazards, closed and overdue by key area (``hazard_statistics``)."""
    rows = stats["by_area"]
    return Chart(
        key="hazards-by-area",
        title=_("Hazards by key area"),
        category_label=_("Key area"),
        categories=[row["key_area__name"] or "—" for row in rows],
        series=[
            Series(_("Hazards"), [row["total"] for row in rows]),
            Series(str(CLOSED), [row["closed"] for row in rows]),
            Series(_("Overdue"), [row["overdue"] for row in rows]),
        ],
        horizontal=True,
    )


def statistics_charts(*, stats: dict[str, Any], monthly: list[dict[str, Any]]) -> list[Chart]:
    return [monthly_chart(monthly), unit_chart(stats), level_chart(stats), area_chart(stats)]
