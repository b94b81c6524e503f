"""Filing a unit's quarterly statistics table."""

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from inspections.models import QuarterlyReport
from inspections.selectors.statistics import quarter_bounds, quarterly_table
from inspections.services._common import _check_unit, _require, _when
from safetyzone.org.models import Unit, User

# --- Quarterly statistics -------------------------------------------------------------


@transaction.atomic
def quarterly_report_file(
    *,
    actor: User,
    unit: Unit,
    year: int,
    quarter: int,
    notes: str = "",
    at: dt.datetime | None = None,
) -> QuarterlyReport:
    """File a unit's quarterly statistics table once the quarter has ended: the figures
    of the ledger at this moment are kept as filed."""
    _require(actor, "inspections.add_quarterlyreport")
    _check_unit(actor, unit, "unit")
    if quarter not in (1, 2, 3, 4):
        raise ValidationError({"quarter": _("Choose a quarter from 1 to 4.")})
    _first, last, due = quarter_bounds(year, quarter)
    filed_at = _when(at)
    if timezone.localdate(filed_at) <= last:
        raise ValidationError(
            {
                "quarter": _("The quarter ends on %(last)s; file its table after that.")
                % {"last": last}
            }
        )
    table = quarterly_table(user=actor, year=year, quarter=quarter)
    row = next((r for r in table["rows"] if r["unit"].pk == unit.pk), None)
    if row is None:
        raise ValidationError({"unit": _("This unit is not active.")})
    report = QuarterlyReport(
        unit=unit,
        year=year,
        quarter=quarter,
        due_on=due,
        notes=(notes or "").strip(),
        filed_by=actor,
        filed_at=filed_at,
        **{
            key: row[key]
            for key in (
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
        },
    )
    report.full_clean()
    report.save()
    return report
