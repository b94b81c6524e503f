"""The coverage matrix of a key period as Excel, made by the documents worker as a job
(the kind ``coverage_xlsx`` is registered in ``inspections.documents``): one row per
unit and key area with its figures and state, the totals, and the gaps on a sheet of
their own. Written through the project's safe workbook (``new_workbook``): a unit's or
an enterprise's name is never read as a formula."""

from collections.abc import Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.http import Http404
from django.utils.translation import gettext as _

from inspections.exports import workbook_at
from inspections.selectors.coverage import CoverageMatrix, coverage_matrix

FILL = {
    "gap": "#F8D7DA",
    "overdue": "#F8D7DA",
    "partial": "#FFF3CD",
    "full": "#D1E7DD",
    "waiting": "#CFF4FC",
    "empty": "#E9ECEF",
}


def coverage_columns() -> list[tuple[str, str]]:
    return [
        ("planned", _("Planned")),
        ("planned_inspected", _("Planned and inspected")),
        ("inspected", _("Inspected")),
        ("supervised", _("Supervised")),
        ("hazards", _("Hazards found")),
        ("open", _("Open")),
        ("overdue", _("Overdue")),
    ]


def write_coverage_xlsx(matrix: CoverageMatrix, path: str) -> str:
    workbook = workbook_at(path)
    sheet = workbook.add_worksheet(_("Coverage matrix")[:31])
    bold = workbook.add_format({"bold": True})
    header = workbook.add_format(
        {"bold": True, "bg_color": "#DDDDDD", "border": 1, "text_wrap": True}
    )
    fills = {state: workbook.add_format({"bg_color": colour}) for state, colour in FILL.items()}
    columns = coverage_columns()
    period = matrix.key_period
    sheet.write(0, 0, _("Coverage matrix") + f": {period.name}", bold)
    sheet.write(
        1,
        0,
        _("Inspections and hazards from %(start)s to %(end)s; overdue as of %(today)s")
        % {"start": matrix.window_start, "end": period.end_date, "today": matrix.today},
    )
    headings = [_("Unit"), _("Key area"), *(label for _key, label in columns), _("State")]
    for index, label in enumerate(headings):
        sheet.write(2, index, label, header)
    sheet.set_column(0, 1, 24)
    sheet.set_column(2, len(columns) + 1, 11)
    sheet.set_column(len(columns) + 2, len(columns) + 2, 20)
    row_number = 3

    def write_row(unit_label: str, area_label: str, figures, style=None) -> None:
        nonlocal row_number
        sheet.write(row_number, 0, unit_label, style)
        sheet.write(row_number, 1, area_label, style)
        for index, (key, _label) in enumerate(columns, start=2):
            sheet.write_number(row_number, index, getattr(figures, key))
        sheet.write(row_number, len(columns) + 2, figures.state_label, fills[figures.state])
        row_number += 1

    for row in matrix.rows:
        for cell in row.cells:
            write_row(row.unit.name, cell.key_area.name, cell.figures)
        write_row(row.unit.name, _("Total"), row.total, bold)
    for cell in matrix.column_totals:
        write_row(_("Total"), cell.key_area.name, cell.figures, bold)
    write_row(_("Total"), _("Total"), matrix.total, bold)

    gaps = workbook.add_worksheet(_("Gaps")[:31])
    gaps.set_column(0, 1, 28)
    gaps.write(0, 0, _("Unit"), header)
    gaps.write(0, 1, _("Key area"), header)
    for number, gap in enumerate(matrix.gaps, start=1):
        gaps.write(number, 0, gap.unit.name)
        gaps.write(number, 1, gap.key_area.name)
    workbook.close()
    return path


def coverage_parameters(user, query: Mapping[str, Any]) -> dict[str, int]:
    """The key period, unit and key area of ``query`` as ids (the current or latest key
    period when it names none)."""
    from inspections.forms.coverage import coverage_query

    try:
        _form, parameters = coverage_query(user, query)
    except Http404:
        raise ValidationError({"key_period": _("No such key period.")}) from None
    if parameters["key_period"] is None:
        raise ValidationError({"key_period": _("No such key period.")})
    return {name: value.pk for name, value in parameters.items() if value is not None}


def _resolved(user, parameters: Mapping[str, Any]) -> dict[str, Any]:
    from inspections.forms.coverage import coverage_query

    return coverage_query(user, {k: str(v) for k, v in parameters.items()})[1]


def coverage_described(user, parameters: Mapping[str, Any]) -> str:
    resolved = _resolved(user, parameters)
    return " · ".join(
        str(resolved[name]) for name in ("key_period", "unit", "key_area") if resolved.get(name)
    )


def coverage_filename(user, parameters: Mapping[str, Any]) -> str:
    return _("Coverage matrix") + f"-{_resolved(user, parameters)['key_period'].name}"


def write_coverage_xlsx_export(user, parameters, progress, path: str) -> None:
    matrix = coverage_matrix(user=user, **_resolved(user, parameters))
    progress.start(len(matrix.rows))
    write_coverage_xlsx(matrix, path)
    progress.advance(len(matrix.rows))
