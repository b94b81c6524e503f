"""Exports of the ledger (台账) and the statistics, made by the documents worker as jobs
with progress (``safetyzone.documents``; the kinds are registered in
``inspections.documents``): Excel written by XlsxWriter in constant-memory mode (one row
in memory at a time, so 100,000 rows fit), and the ledger as a landscape PDF rendered a
chunk of rows at a time. The rows come from the requester's scoped selector, narrowed
by the ledger's own filter set (``HazardFilter``)."""

import gc
import os
import tempfile
from collections.abc import Iterable, Iterator, Mapping, Sequence
from datetime import date
from decimal import Decimal
from itertools import islice
from types import SimpleNamespace
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from inspections.models import Hazard, HazardLevel
from inspections.selectors import hazards as hazard_selectors
from safetyzone.documents.spreadsheets import SafeWorkbook, new_workbook

# Rows of the PDF rendered at once: WeasyPrint lays out a whole document in memory, so
# the ledger is rendered in pieces of this many rows (about 25 pages, some 250 MB at
# most) and the pieces joined. It lays out some 10-13 ms of CPU a row, 10-40 ms of wall
# clock on the 2-core machine idle to loaded (bench/ledger_pdf.py, bench/README.md): a
# PDF of 100,000 rows takes longer than the export task's 600 s, so its kind has a
# limit of its own (settings.DOCUMENT_TIME_LIMITS), where the Excel export of 100,000
# rows takes seconds.
PDF_CHUNK_ROWS = 500


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
        # The rectification plan's five implementations (五落实).
        (_("Responsibility"), 18),
        (_("Measures"), 36),
        (_("Funds (yuan)"), 12),
        (_("Time limit"), 12),
        (_("Contingency plan"), 30),
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
        responsibility,
        measures,
        funds,
        time_limit,
        contingency,
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
            responsibility,
            measures,
            float(funds) if isinstance(funds, Decimal) else funds,
            time_limit,
            contingency,
        ]


def _new_workbook() -> tuple[SafeWorkbook, str]:
    fd, path = tempfile.mkstemp(suffix=".xlsx")
    os.close(fd)
    return workbook_at(path), path


def workbook_at(path: str) -> SafeWorkbook:
    """A safe workbook (user text never a formula) at ``path``, in constant memory, dates
    as yyyy-mm-dd: every export's."""
    return new_workbook(
        path,
        constant_memory=True,
        default_date_format="yyyy-mm-dd",
        tmpdir=tempfile.gettempdir(),
    )


def write_ledger_xlsx(
    hazards: QuerySet[Hazard] | Iterable[Sequence[Any]],
    path: str | None = None,
    *,
    progress: Any = None,
    described: str = "",
) -> str:
    """Write the ledger to an .xlsx file and return its path. ``hazards`` is a queryset
    (its rows stream from the database in chunks, see ``ledger_rows``) or rows of cells
    already made; either way they go to the file one at a time. ``progress`` (a job's
    ``Progress``) is told the rows done after each chunk; ``described`` (the filters in
    words) goes in the title row."""
    workbook = workbook_at(path) if path else None
    if workbook is None:
        workbook, path = _new_workbook()
    sheet = workbook.add_worksheet(_("Hazard ledger")[:31])
    header = workbook.add_format({"bold": True, "bg_color": "#DDDDDD", "border": 1})
    title = workbook.add_format({"bold": True, "font_size": 14})
    money = workbook.add_format({"num_format": "#,##0.00"})
    columns = ledger_columns()
    funds_column = len(columns) - 3
    for index, (_label, width) in enumerate(columns):
        sheet.set_column(index, index, width, money if index == funds_column else None)
    # Constant-memory mode writes row by row: the title row, the header, then the data.
    sheet.write(0, 0, _("Hazard ledger"), title)
    sheet.write(
        0, 5, _("Exported at %(time)s") % {"time": timezone.localtime().strftime("%Y-%m-%d %H:%M")}
    )
    if described:
        sheet.write(0, 7, described)
    for index, (label, _width) in enumerate(columns):
        sheet.write(1, index, label, header)
    rows = ledger_rows(hazards) if isinstance(hazards, QuerySet) else hazards
    row_number = 2
    for row in rows:
        sheet.write_row(row_number, 0, row)
        row_number += 1
        if progress is not None and (row_number - 2) % LEDGER_CHUNK_SIZE == 0:
            progress.advance(row_number - 2)
    if progress is not None:
        progress.advance(row_number - 2)
    sheet.freeze_panes(2, 1)
    sheet.autofilter(1, 0, max(row_number - 1, 1), len(columns) - 1)
    workbook.close()
    return path


# --- The ledger's filters, as an export's parameters ------------------------------------


def ledger_filterset(user, data: Mapping[str, Any] | None):
    """The ledger page's own filter set (``HazardFilter``) over what ``user`` sees: its
    choices scoped to them, as on the page."""
    from inspections.filters import HazardFilter

    return HazardFilter(
        data or None,
        queryset=hazard_selectors.hazard_list(user=user),
        request=SimpleNamespace(user=user),
    )


def _checked(user, data: Mapping[str, Any] | None):
    filterset = ledger_filterset(user, data)
    if filterset.is_bound and not filterset.is_valid():
        raise ValidationError(
            {name: list(errors) for name, errors in filterset.form.errors.items()}
        )
    return filterset


def ledger_parameters(user, query: Mapping[str, Any]) -> dict[str, str]:
    """The ledger filters of ``query`` (the page's query string) that ``user`` may use,
    as the strings given: what an export job keeps, checked again when it runs. A filter
    the filter set refuses (another unit) is a ``ValidationError``."""
    filterset = _checked(user, query)
    return {
        name: str(query.get(name))
        for name in filterset.filters
        if query.get(name) not in (None, "")
    }


def ledger_hazards(user, parameters: Mapping[str, Any]) -> QuerySet[Hazard]:
    """The hazards of the ledger ``user`` sees, narrowed by ``parameters``."""
    filterset = _checked(user, parameters)
    return filterset.qs if filterset.is_bound else filterset.queryset


def ledger_filters_described(user, parameters: Mapping[str, Any]) -> str:
    """The ledger's filters in words, by the filter form's labels and the choices'
    labels ("Level: Major hazard; Status: Rectifying"), not as a query string."""
    try:
        filterset = _checked(user, parameters)
    except ValidationError:
        return ""
    if not filterset.is_bound:
        return ""
    form = filterset.form
    parts = []
    for name, field in form.fields.items():
        value = form.cleaned_data.get(name)
        if value in (None, ""):
            continue
        if isinstance(value, bool):
            text = _("Yes") if value else _("No")
        elif isinstance(field, forms.ModelChoiceField):
            text = str(value)
        elif isinstance(field, forms.ChoiceField):
            text = str(dict(field.choices).get(value, value))
        elif isinstance(value, date):
            text = value.isoformat()
        else:
            text = str(value)
        label = field.label or name
        parts.append(_("%(label)s: %(value)s") % {"label": label, "value": text})
    return _("; ").join(parts)


def ledger_filename(user, parameters: Mapping[str, Any]) -> str:
    return _("Hazard ledger") + f"-{timezone.localdate().strftime('%Y%m%d')}"


# --- The export jobs' writers (run by the worker) ----------------------------------------


def write_ledger_xlsx_export(user, parameters, progress, path: str) -> None:
    hazards = ledger_hazards(user, parameters)
    progress.start(hazards.count())
    write_ledger_xlsx(
        hazards,
        path,
        progress=progress,
        described=ledger_filters_described(user, parameters),
    )


def _chunks(rows: Iterator[list[Any]], size: int) -> Iterator[list[list[Any]]]:
    while chunk := list(islice(rows, size)):
        yield chunk


def ledger_pdf_context(total: int, described: str) -> dict[str, Any]:
    """What every piece of the ledger PDF shows besides its rows: the number of rows and
    the filters in words."""
    return {
        "total": total,
        "filters": described,
        "generated_at": timezone.localtime(),
        "yes": _("Yes"),
        "major": str(HazardLevel.MAJOR.label),
    }


def ledger_pdf_piece(
    context: Mapping[str, Any], rows: list[list[Any]], *, first_number: int, first_page: int
) -> bytes:
    """One piece of the ledger PDF: ``rows`` numbered from ``first_number``, its pages
    from ``first_page``; the first piece carries the title and the filters."""
    from safetyzone.documents.rendering import html_to_pdf, render_html

    html = render_html(
        "inspections/pdf/ledger.html",
        {
            **context,
            "rows": rows,
            "first_number": first_number,
            "first_page": first_page,
            "is_first": first_number == 1,
        },
    )
    return html_to_pdf(html)


def write_ledger_pdf_export(user, parameters, progress, path: str) -> None:
    hazards = ledger_hazards(user, parameters)
    write_ledger_pdf(
        hazards, path, progress=progress, described=ledger_filters_described(user, parameters)
    )


def write_ledger_pdf(
    hazards: QuerySet[Hazard], path: str, *, progress: Any = None, described: str = ""
) -> None:
    """The ledger of ``hazards`` as a landscape PDF of every row, at ``path``. WeasyPrint
    lays out a whole document in memory, so it renders PDF_CHUNK_ROWS rows at a time to
    a file of its own; pypdf then joins the pieces. Memory follows the chunk, not the
    ledger. ``progress`` (a job's ``Progress``) is told the rows done after each piece."""
    from pypdf import PdfReader, PdfWriter

    total = hazards.count()
    if progress is not None:
        progress.start(total)
    context = ledger_pdf_context(total, described)
    with tempfile.TemporaryDirectory() as directory:
        parts: list[str] = []
        done = pages = 0
        chunks = _chunks(ledger_rows(hazards), PDF_CHUNK_ROWS) if total else iter([[]])
        for chunk in chunks:
            part = os.path.join(directory, f"{len(parts):05d}.pdf")
            with open(part, "wb") as handle:
                handle.write(
                    ledger_pdf_piece(context, chunk, first_number=done + 1, first_page=pages + 1)
                )
            parts.append(part)
            pages += len(PdfReader(part).pages)
            done += len(chunk)
            # What WeasyPrint leaves in reference cycles, freed before the next piece.
            gc.collect()
            if progress is not None:
                progress.advance(done)
        if len(parts) == 1:
            os.replace(parts[0], path)
            return
        writer = PdfWriter()
        for part in parts:
            writer.append(part)
        with open(path, "wb") as handle:
            writer.write(handle)
        writer.close()


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


def write_quarterly_xlsx(table: dict[str, Any], path: str | None = None) -> str:
    workbook = workbook_at(path) if path else None
    if workbook is None:
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


def quarterly_parameters(user, query: Mapping[str, Any]) -> dict[str, int]:
    """The year and quarter of ``query``; the quarter just ended when it names none."""
    from inspections.forms.statistics import QuarterForm

    if not query.get("year") and not query.get("quarter"):
        today = timezone.localdate()
        previous = (today.month - 1) // 3
        return (
            {"year": today.year, "quarter": previous}
            if previous
            else {"year": today.year - 1, "quarter": 4}
        )
    form = QuarterForm(query)
    if not form.is_valid():
        raise ValidationError({name: list(errors) for name, errors in form.errors.items()})
    return {"year": form.cleaned_data["year"], "quarter": form.cleaned_data["quarter"]}


def quarterly_described(user, parameters: Mapping[str, Any]) -> str:
    return _("%(year)d Q%(quarter)d") % parameters


def quarterly_filename(user, parameters: Mapping[str, Any]) -> str:
    return _("Quarterly statistics") + f"-{parameters['year']}Q{parameters['quarter']}"


def write_quarterly_xlsx_export(user, parameters, progress, path: str) -> None:
    from inspections.selectors import statistics as statistics_selectors

    table = statistics_selectors.quarterly_table(
        user=user, year=int(parameters["year"]), quarter=int(parameters["quarter"])
    )
    rows = len(table["rows"])
    progress.start(rows)
    write_quarterly_xlsx(table, path)
    progress.advance(rows)
