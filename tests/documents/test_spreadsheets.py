"""The one way the product writes .xlsx (safetyzone.documents.spreadsheets): text is
text, whichever XlsxWriter method writes it; numbers and dates are left alone."""

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.utils.safestring import SafeString
from openpyxl import load_workbook

from safetyzone.documents.spreadsheets import new_workbook

HOSTILE = [
    '=HYPERLINK("http://x","y")',
    "=cmd|' /C calc'!A0",
    "+1+1",
    "@SUM(1)",
    "-2+3",
    "\t=1+1",
    "\r=1+1",
]


def read_back(write, **options):
    buffer = io.BytesIO()
    workbook = new_workbook(buffer, in_memory=True, **options)
    sheet = workbook.add_worksheet()
    write(sheet)
    workbook.close()
    return load_workbook(io.BytesIO(buffer.getvalue())).worksheets[0]


@pytest.mark.parametrize("constant_memory", [False, True])
@pytest.mark.parametrize("typed", HOSTILE)
def test_text_that_would_start_a_formula_is_written_as_text(typed, constant_memory):
    def write(sheet):
        sheet.write(0, 0, typed)
        sheet.write_row(1, 0, [typed, 2])
        sheet.write_column(2, 0, [typed])
        sheet.write_string(3, 0, typed)
        sheet.write_string("A5", typed)
        sheet.write(5, 0, SafeString(typed))

    sheet = read_back(write, constant_memory=constant_memory)
    for row in range(1, 7):
        cell = sheet.cell(row=row, column=1)
        assert cell.data_type == "s", (cell.coordinate, cell.value)
        assert cell.value.startswith("'")
        if typed[0] not in "\t\r":  # openpyxl gives CR back escaped (_x000D_)
            assert cell.value == "'" + typed


def test_a_url_or_a_number_in_text_stays_text_and_numbers_stay_numbers():
    def write(sheet):
        sheet.write_row(
            0,
            0,
            [
                "http://example.com/",
                "12",
                "ordinary text - with a dash",
                "",
                None,
                -5,
                2.5,
                Decimal("1000.50"),
                dt.date(2024, 6, 5),
                True,
            ],
        )

    sheet = read_back(write, default_date_format="yyyy-mm-dd")
    cells = next(sheet.iter_rows(max_row=1))
    assert [c.value for c in cells[:3]] == [
        "http://example.com/",
        "12",
        "ordinary text - with a dash",
    ]
    assert all(c.data_type == "s" for c in cells[:3])
    assert not sheet._hyperlinks
    assert cells[3].value is None and cells[4].value is None
    assert [c.value for c in cells[5:8]] == [-5, 2.5, 1000.5]
    assert all(c.data_type == "n" for c in cells[5:8])
    assert cells[8].is_date and cells[8].value == dt.datetime(2024, 6, 5)
    assert cells[9].value is True


def test_a_writer_cannot_turn_formulas_back_on():
    def write(sheet):
        sheet.write(0, 0, "=1+1")

    sheet = read_back(write, strings_to_formulas=True, strings_to_urls=True)
    assert sheet["A1"].data_type == "s" and sheet["A1"].value == "'=1+1"
