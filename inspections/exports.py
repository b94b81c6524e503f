"""Exports of the ledger (台账) and the statistics: Excel written by XlsxWriter in
constant-memory mode (one row in memory at a time, so 100,000 rows fit), and the
ledger as a landscape PDF. The querysets come from scoped selectors."""

import os
import tempfile
from collections.abc import Iterable, Iterator, Sequence
from datetime import date
from typing import Any

from django.db.models import QuerySet
from django.http import FileResponse, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _

from inspections.models import Hazard, HazardLevel
from inspections.selectors import hazards as hazard_selectors
from safetyzone.documents.spreadsheets import SafeWorkbook, new_workbook

# Rows of the PDF ledger; beyond it the office uses the Excel export.
PDF_LEDGER_LIMIT = 500


def ledger_columns() -> list[tuple[str, int]]:
    return [
        (_("Code"), 16),
        (_("Enterprise"), 30),
        (_("Place"), 18),
        (_("Key area"), 12),
        (_("Level"), 10),
        (_("Description"), 40),
        (_("Found on"), 12),
        (_("Responsible unit"), 22),
        (_("Responsible person"), 12),
        (_("Deadline"), 12),
        (_("Status"), 14),
        (_("Overdue"), 8),
        (_("Listed supervision"), 10),
        (_("Recurrence"), 8),
        (_("Closed at"), 18),
    ]


# The ledger's columns as the database gives them: plain values, no model instances, so
# that 100,000 rows cost a fetch and a loop, not 100,000 objects and their lazy labels.
LEDGER_VALUES = hazard_selectors.LEDGER_COLUMNS
LEDGER_CHUNK_SIZE = 2000


def ledger_rows(hazards: QuerySet[Hazard], today: date | None = None) -> Iterator[list[Any]]:
    """The ledger's cells, one list per hazard of ``hazards`` in its order, streamed from
    the database in chunks. Labels are translated once, in the active language."""
    today = today or timezone.localdate()
    yes, no = _("Yes"), _("No")
    levels = {value: str(label) for value, label in HazardLevel.choices}
    statuses = {value: str(label) for value, label in Hazard.Status.choices}
    open_statuses = frozenset(Hazard.OPEN_STATUSES)
    tz = timezone.get_current_timezone()
    values = hazards.values_list(*LEDGER_VALUES).iterator(chunk_size=LEDGER_CHUNK_SIZE)
    for (
        code,
        enterprise,
        place,
        key_area,
        level,
        description,
        found_on,
        unit,
        person,
        deadline,
        status,
        supervised,
        recurrence,
        closed_at,
    ) in values:
        # The rule of Hazard.is_overdue, without building the instance.
        overdue = status in open_statuses and today > deadline
        yield [
            code,
            enterprise,
            place,
            key_area,
            levels.get(level, level),
            description,
            found_on,
            unit,
            person,
            deadline,
            statuses.get(status, status),
            yes if overdue else no,
            yes if supervised else no,
            yes if recurrence else no,
            closed_at.astimezone(tz).strftime("%Y-%m-%d %H:%M") if closed_at else "",
        ]


def _xlsx_response(path: str, filename: str) -> FileResponse:
    handle = open(path, "rb")  # noqa: SIM115 - FileResponse closes it
    os.unlink(path)  # the open handle keeps the data until the response is sent
    return FileResponse(
        handle,
        as_attachment=True,
        filename=filename,
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )


def _new_workbook() -> tuple[SafeWorkbook, str]:
    fd, path = tempfile.mkstemp(suffix=".xlsx")
    os.close(fd)
    workbook = new_workbook(
        path,
        constant_memory=True,
        default_date_format="yyyy-mm-dd",
        tmpdir=tempfile.gettempdir(),
    )
    return workbook, path


def write_ledger_xlsx(
    hazards: QuerySet[Hazard] | Iterable[Sequence[Any]], path: str | None = None
) -> str:
    """Write the ledger to an .xlsx file and return its path. ``hazards`` is a queryset
    (its rows stream from the database in chunks, see ``ledger_rows``) or rows of cells
    already made; either way they go to the file one at a time."""
    if path is None:
        workbook, path = _new_workbook()
    else:
        workbook = new_workbook(path, constant_memory=True, default_date_format="yyyy-mm-dd")
    sheet = workbook.add_worksheet(_("Hazard ledger")[:31])
    header = workbook.add_format({"bold": True, "bg_color": "#DDDDDD", "border": 1})
    title = workbook.add_format({"bold": True, "font_size": 14})
    columns = ledger_columns()
    for index, (_label, width) in enumerate(columns):
        sheet.set_column(index, index, width)
    # Constant-memory mode writes row by row: the title row, the header, then the data.
    sheet.write(0, 0, _("Hazard ledger"), title)
    sheet.write(
        0, 5, _("Exported at %(time)s") % {"time": timezone.localtime().strftime("%Y-%m-%d %H:%M")}
    )
    for index, (label, _width) in enumerate(columns):
        sheet.write(1, index, label, header)
    rows = ledger_rows(hazards) if isinstance(hazards, QuerySet) else hazards
    row_number = 2
    for row in rows:
        sheet.write_row(row_number, 0, row)
        row_number += 1
    sheet.freeze_panes(2, 1)
    sheet.autofilter(1, 0, max(row_number - 1, 1), len(columns) - 1)
    workbook.close()
    return path


def ledger_xlsx_response(hazards: QuerySet[Hazard]) -> FileResponse:
    path = write_ledger_xlsx(hazards)
    stamp = timezone.localdate().strftime("%Y%m%d")
    return _xlsx_response(path, _("Hazard ledger") + f"-{stamp}.xlsx")


def ledger_pdf_response(hazards: QuerySet[Hazard], *, filters: dict[str, Any]) -> HttpResponse:
    """The ledger as a landscape PDF table (the first PDF_LEDGER_LIMIT rows)."""
    from safetyzone.documents.rendering import render_pdf

    total = hazards.count()
    today = timezone.localdate()
    rows = [(hazard, hazard.is_overdue(today)) for hazard in hazards[:PDF_LEDGER_LIMIT]]
    described = []
    for key, value in filters.items():
        if value not in (None, ""):
            described.append(f"{key}={value}")
    pdf = render_pdf(
        "inspections/pdf/ledger.html",
        {
            "rows": rows,
            "total": total,
            "limit": PDF_LEDGER_LIMIT,
            "truncated": total > PDF_LEDGER_LIMIT,
            "filters": "; ".join(described),
            "generated_at": timezone.localtime(),
        },
    )
    stamp = timezone.localdate().strftime("%Y%m%d")
    response = HttpResponse(pdf, content_type="application/pdf")
    from django.utils.http import content_disposition_header

    response["Content-Disposition"] = content_disposition_header(
        True, _("Hazard ledger") + f"-{stamp}.pdf"
    )
    return response


def quarterly_columns() -> list[tuple[str, str]]:
    return [
        ("inspections", _("Inspections")),
        ("enterprises", _("Enterprises inspected")),
        ("hazards", _("Hazards found")),
        ("major", _("Of which major")),
        ("closed", _("Rectified")),
        ("rate", _("Rectification rate (%)")),
        ("overdue", _("Overdue")),
        ("violations", _("Violations")),
        ("actions", _("Enforcement actions")),
        ("fines", _("Fines (yuan)")),
    ]


def write_quarterly_xlsx(table: dict[str, Any]) -> str:
    workbook, path = _new_workbook()
    sheet = workbook.add_worksheet(_("Quarterly statistics")[:31])
    bold = workbook.add_format({"bold": True})
    header = workbook.add_format(
        {"bold": True, "bg_color": "#DDDDDD", "border": 1, "text_wrap": True}
    )
    money = workbook.add_format({"num_format": "#,##0.00"})
    columns = quarterly_columns()
    sheet.set_column(0, 0, 28)
    sheet.set_column(1, len(columns), 12)
    sheet.write(
        0,
        0,
        _("Hidden-danger screening and rectification, %(year)d Q%(quarter)d")
        % {"year": table["year"], "quarter": table["quarter"]},
        bold,
    )
    sheet.write(
        1,
        0,
        _("Period %(first)s to %(last)s; to be filed by %(due)s")
        % {"first": table["first"], "last": table["last"], "due": table["due"]},
    )
    sheet.write(2, 0, _("Unit"), header)
    for index, (_key, label) in enumerate(columns, start=1):
        sheet.write(2, index, label, header)
    filed_column = len(columns) + 1
    sheet.write(2, filed_column, _("Filed"), header)
    sheet.set_column(filed_column, filed_column, 18)
    row_number = 3
    total = {**table["total"], "unit": _("Total")}
    for row in [*table["rows"], total]:
        sheet.write(row_number, 0, str(row["unit"]), bold if row is total else None)
        for index, (key, _label) in enumerate(columns, start=1):
            value = row[key]
            if key == "fines":
                sheet.write_number(row_number, index, float(value or 0), money)
            elif value is None:
                sheet.write_blank(row_number, index, None)
            else:
                sheet.write_number(row_number, index, value)
        filed = row.get("filed")
        if filed is not None:
            stamp = timezone.localtime(filed.filed_at).strftime("%Y-%m-%d %H:%M")
            sheet.write(
                row_number, filed_column, stamp + (f" ({_('Late')})" if filed.is_late else "")
            )
        row_number += 1
    workbook.close()
    return path


def quarterly_xlsx_response(table: dict[str, Any]) -> FileResponse:
    path = write_quarterly_xlsx(table)
    name = _("Quarterly statistics") + f"-{table['year']}Q{table['quarter']}.xlsx"
    return _xlsx_response(path, name)
