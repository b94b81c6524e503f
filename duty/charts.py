"""The duty hours chart of the home page, with its table (safetyzone.core.charts). The
numbers come from duty.selectors.rosters.fairness (published shifts the user sees)."""

from datetime import date

from django.utils.formats import date_format
from django.utils.translation import gettext as _

from safetyzone.core.charts import Chart, Series

from .selectors.rosters import PersonHours


def hours_chart(rows: list[PersonHours], *, month: date) -> Chart:
    """Hours on duty per person in a month, and the shifts on rest days."""
    return Chart(
        key="duty-hours-per-person",
        title=_("Hours on duty per person, %(month)s") % {"month": date_format(month, "Y-m")},
        category_label=_("Person"),
        categories=[str(row.person) for row in rows],
        series=[
            Series(_("Hours"), [row.hours for row in rows]),
            Series(_("Shifts on rest days"), [row.rest_day_shifts for row in rows], axis=1),
        ],
        axes=[_("Hours"), _("Shifts")],
        horizontal=True,
    )
