"""Excel files, both ways, with a hostile user in mind.

Writing: ``new_workbook`` is the one way the product opens an .xlsx. Its sheets write
every string as text: XlsxWriter's guessing of formulas and links is off, and text that
Excel (or a CSV made from the sheet) would take for a formula (starting with = + - @,
tab or carriage return, as OWASP's CSV-injection advice lists) gets a leading ``'``.
Numbers and dates stay numbers and dates.

Reading: ``uploaded_sheet_rows`` opens an uploaded .xlsx only after looking at its zip
directory (a zip, not too many parts, not expanding past a limit), and turns any error of
openpyxl, zipfile or the XML parser, at opening or row by row, into ``SpreadsheetRefused``
with a message for the user. openpyxl parses through defusedxml (installed, see
requirements.txt), which refuses DTDs' entities.
"""

import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import xlsxwriter
from django.conf import settings
from django.utils.translation import gettext as _
from xlsxwriter.worksheet import Worksheet

# First characters that make a spreadsheet read a cell as a formula (OWASP).
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")

# Options no writer may turn back on.
_SAFE_OPTIONS = {
    "strings_to_formulas": False,
    "strings_to_urls": False,
    "strings_to_numbers": False,
}


def safe_text(text: str) -> str:
    """``text`` as a spreadsheet shows it without running it: a leading ``'`` when it
    would start a formula."""
    return "'" + text if text.startswith(FORMULA_TRIGGERS) else text


class SafeWorksheet(Worksheet):
    """A worksheet that never writes text as a formula, whichever method writes it."""

    # Every string cell goes through _write_string (write, write_row, write_column,
    # write_string; str subclasses such as SafeString too, which the public
    # add_write_handler(str, ...) would miss). XlsxWriter is pinned and
    # tests/documents/test_spreadsheets.py reads the cells back, so a rename shows.
    def _write_string(self, row: int, col: int, string: str, *args: Any) -> Any:
        return super()._write_string(row, col, safe_text(string), *args)


class SafeWorkbook(xlsxwriter.Workbook):
    worksheet_class = SafeWorksheet

    def __init__(self, filename: Any = None, options: dict[str, Any] | None = None) -> None:
        super().__init__(filename, {**(options or {}), **_SAFE_OPTIONS})


def new_workbook(path: Any, **options: Any) -> SafeWorkbook:
    """An XlsxWriter workbook writing to ``path`` (a path or a binary file) whose sheets
    write text as text. ``options`` are XlsxWriter's (``constant_memory``, ...)."""
    return SafeWorkbook(path, options)


# --- Reading uploads ------------------------------------------------------------------


class SpreadsheetRefused(ValueError):
    """An uploaded spreadsheet that is not read; ``message`` says why, for the user."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def _check_archive(upload: Any) -> None:
    """Refuse ``upload`` unless it is a zip whose parts are few enough and whose
    declared sizes add up to no more than the limit. The declared sizes bound what is
    read: Python's zipfile never returns more than a part declares."""
    max_bytes = settings.XLSX_MAX_UNCOMPRESSED_BYTES
    max_parts = settings.XLSX_MAX_PARTS
    upload.seek(0)
    if not zipfile.is_zipfile(upload):
        raise SpreadsheetRefused(_("This is not an Excel (.xlsx) file."))
    upload.seek(0)
    try:
        with zipfile.ZipFile(upload) as archive:
            parts = archive.infolist()
    except Exception as exc:  # noqa: BLE001 - any unreadable zip is the user's file
        raise SpreadsheetRefused(_("The Excel file cannot be read.")) from exc
    if len(parts) > max_parts:
        raise SpreadsheetRefused(
            _("The Excel file has too many parts (at most %(n)d).") % {"n": max_parts}
        )
    if sum(part.file_size for part in parts) > max_bytes:
        raise SpreadsheetRefused(
            _("The Excel file expands to more than %(mb)d MB; it is not read.")
            % {"mb": max_bytes // (1024 * 1024)}
        )
    upload.seek(0)


def _guarded(rows: Iterator[tuple]) -> Iterator[tuple]:
    # openpyxl's read-only sheets parse lazily: a broken part surfaces row by row.
    while True:
        try:
            row = next(rows)
        except StopIteration:
            return
        except Exception as exc:  # noqa: BLE001 - any unreadable workbook is the user's file
            raise SpreadsheetRefused(_("The Excel file cannot be read.")) from exc
        yield row


@contextmanager
def uploaded_sheet_rows(upload: Any) -> Iterator[Iterator[tuple]]:
    """The rows (tuples of cell values) of the first sheet of the uploaded .xlsx
    ``upload``. Raises ``SpreadsheetRefused``, on entering or while iterating, for a
    file that is not a workbook, too large once expanded, or unreadable."""
    from openpyxl import load_workbook

    _check_archive(upload)
    try:
        workbook = load_workbook(upload, read_only=True, data_only=True)
    except Exception as exc:  # noqa: BLE001 - any unreadable workbook is the user's file
        raise SpreadsheetRefused(_("The Excel file cannot be read.")) from exc
    try:
        try:
            sheet = workbook.worksheets[0]
        except IndexError:
            raise SpreadsheetRefused(_("The Excel file cannot be read.")) from None
        yield _guarded(sheet.iter_rows(values_only=True))
    finally:
        workbook.close()
