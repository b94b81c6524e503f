"""Spreadsheets a hostile user fills (issue 12): text they typed reaches the ledger and
the quarterly table as text, never as a live formula or link, and the numbers and dates
the product writes stay numbers and dates. The tests read the files back. (Text
starting with a tab or a carriage return: tests/documents/test_spreadsheets.py; the
services strip a description's.)"""

import datetime as dt
import io

import pytest
import time_machine
from django.urls import reverse
from openpyxl import load_workbook

from ..documents.exports import export_response
from ..factories import EnterpriseFactory, UnitFactory
from .conftest import make_hazard

HOSTILE = [
    '=HYPERLINK("http://x","y")',
    "=cmd|' /C calc'!A0",
    "+1+1",
    "@SUM(1)",
    "-2+3",
]


def sheet_of(response):
    content = b"".join(response.streaming_content)
    return load_workbook(io.BytesIO(content)).worksheets[0]


def assert_text_cell(cell, typed: str) -> None:
    assert cell.data_type == "s", (cell.coordinate, cell.data_type, cell.value)
    assert cell.value == "'" + typed


@pytest.mark.parametrize("typed", HOSTILE)
def test_ledger_writes_what_a_user_typed_as_text(client, staff, unit_a, fire, typed):
    enterprise = EnterpriseFactory(name=typed, supervising_unit=unit_a)
    enterprise.key_areas.set([fire])
    make_hazard(staff, enterprise, description=typed, place=typed, responsible_person=typed)
    client.force_login(staff)
    sheet = sheet_of(export_response(client, "ledger_xlsx"))
    row = list(sheet.iter_rows(min_row=3, max_row=3))[0]
    # enterprise, place, description, responsible person
    for index in (1, 2, 5, 8):
        assert_text_cell(row[index], typed)
    assert not any(cell.data_type == "f" for line in sheet.iter_rows() for cell in line)
    assert not sheet._hyperlinks


def test_ledger_keeps_its_dates_and_plain_text(client, staff, enterprise_a):
    hazard = make_hazard(staff, enterprise_a, description="http://example.com/ 通道堵塞")
    client.force_login(staff)
    sheet = sheet_of(export_response(client, "ledger_xlsx"))
    row = list(sheet.iter_rows(min_row=3, max_row=3))[0]
    assert row[0].value == hazard.code
    assert row[1].value == "硅谷商业综合体"
    # A URL stays text, not a link.
    assert row[5].data_type == "s" and row[5].value == "http://example.com/ 通道堵塞"
    assert not sheet._hyperlinks
    # Found on and deadline are dates, not text.
    assert row[6].is_date and row[6].value.date() == dt.date(2024, 6, 5)
    assert row[9].is_date and row[9].value.date() == dt.date(2024, 6, 20)


@time_machine.travel("2024-07-10 10:00:00+08:00", tick=False)
@pytest.mark.parametrize("typed", HOSTILE[:3])
def test_quarterly_table_writes_a_unit_name_as_text(client, staff, fire, typed):
    unit = UnitFactory(name=typed)
    enterprise = EnterpriseFactory(name="企业", supervising_unit=unit)
    enterprise.key_areas.set([fire])
    make_hazard(staff, enterprise)
    client.force_login(staff)
    response = export_response(client, "quarterly_xlsx", {"year": 2024, "quarter": 2})
    sheet = sheet_of(response)
    rows = {row[0].value: row for row in sheet.iter_rows(min_row=4)}
    row = rows["'" + typed]
    assert_text_cell(row[0], typed)
    # The figures stay numbers: one hazard found.
    assert row[3].data_type == "n" and row[3].value == 1
    assert not any(cell.data_type == "f" for line in sheet.iter_rows() for cell in line)


def test_import_templates_hold_text_headers(client, staff):
    client.force_login(staff)
    for kind in ("enterprises", "hazards"):
        sheet = sheet_of(client.get(reverse("inspections:import-template", args=[kind])))
        header = next(sheet.iter_rows(max_row=1))
        assert header and all(cell.data_type == "s" for cell in header)
