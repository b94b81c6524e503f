"""The ledger's and the statistics' exports as document jobs (issue 15): the page never
waits on the rows, the job writes its progress as it goes and ends with a file on the
documents list; a head's export holds their unit's rows only; the PDF prints every row
asked for, with its filters in words; the Excel file carries the rectification plan's
five implementations. The tests run the real writers and read the files back."""

import datetime as dt
import io

import pytest
import time_machine
from django.conf import settings
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext
from openpyxl import load_workbook
from pypdf import PdfReader

from inspections import exports
from inspections.services import hazards as hazard_services
from safetyzone.documents import services as document_services
from safetyzone.documents.models import GeneratedDocument
from tests.helpers import flat

from ..documents.exports import export_job, export_response
from .conftest import FIVE, make_hazard


def sheet_rows(response) -> list[tuple]:
    content = b"".join(response.streaming_content)
    sheet = load_workbook(io.BytesIO(content), read_only=True).worksheets[0]
    return [tuple(row) for row in sheet.iter_rows(values_only=True)]


def pdf_of(response) -> tuple[str, PdfReader]:
    reader = PdfReader(io.BytesIO(b"".join(response.streaming_content)))
    return flat("\n".join(page.extract_text() for page in reader.pages)), reader


def test_export_button_queues_a_job_and_answers_its_progress(client, staff, hazard_a):
    """The page's button gets the job's state back at once (htmx swaps it in); the job
    is on the documents list, done, with its rows counted and a download link."""
    client.force_login(staff)
    document = export_job(client, "ledger_xlsx", {"level": "general"})
    assert document.status == GeneratedDocument.Status.DONE, document.error
    assert (document.progress_done, document.progress_total, document.percent) == (1, 1, 100)
    assert document.parameters == {"level": "general"}
    assert document.filename.endswith(".xlsx") and document.unit == staff.unit
    listed = client.get(reverse("documents:list")).content.decode()
    assert document.filename in listed
    assert reverse("documents:download", args=[document.pk]) in listed


def test_queued_job_shows_no_rows_yet_then_rows_and_percent(client, staff, hazard_a):
    client.force_login(staff)
    with pytest.MonkeyPatch.context():
        document, created = document_services.document_export_request(
            user=staff, kind="ledger_xlsx", query={}
        )
    assert created
    status = client.get(reverse("documents:status", args=[document.pk]))
    assert 'hx-get="' in status.content.decode()  # polling while queued
    GeneratedDocument.objects.filter(pk=document.pk).update(
        status="running", progress_done=2000, progress_total=5000
    )
    status = client.get(reverse("documents:status", args=[document.pk])).content.decode()
    assert "2000 of 5000 rows (40%)" in status
    assert 'aria-valuenow="40"' in status


def test_the_same_export_twice_while_running_is_one_job(staff, hazard_a):
    first, created = document_services.document_export_request(
        user=staff, kind="ledger_xlsx", query={"level": "major"}
    )
    again, created_again = document_services.document_export_request(
        user=staff, kind="ledger_xlsx", query={"level": "major"}
    )
    other, created_other = document_services.document_export_request(
        user=staff, kind="ledger_xlsx", query={"level": "general"}
    )
    assert created and not created_again and again.pk == first.pk
    assert created_other and other.pk != first.pk


def test_progress_is_written_in_steps_not_per_row(staff, enterprise_a, monkeypatch):
    """Progress goes to the database a bounded number of times (each twentieth), however
    many rows; the writer tells it after each chunk."""
    monkeypatch.setattr(exports, "LEDGER_CHUNK_SIZE", 3)
    for _ in range(45):
        make_hazard(staff, enterprise_a)
    document, _created = document_services.document_export_request(
        user=staff, kind="ledger_xlsx", query={}
    )
    GeneratedDocument.objects.filter(pk=document.pk).update(
        status="running", started_at=dt.datetime(2024, 1, 1, tzinfo=dt.UTC)
    )
    document.refresh_from_db()
    progress = document_services.Progress(document)
    told = []
    real_write = progress._write

    def write():
        told.append(progress.done)
        real_write()

    progress._write = write
    path = str(document_services.tempfile.mkstemp(suffix=".xlsx")[1])
    document_services.document_export_write(
        kind="ledger_xlsx", user=staff, parameters={}, path=path, progress=progress
    )
    # start (0), then each chunk of 3 crosses a twentieth of 45 (2.25 rows): 15 writes + 1.
    assert told[0] == 0 and told[-1] == 45
    assert len(told) <= document_services.PROGRESS_STEPS + 1
    document.refresh_from_db()
    assert (document.progress_done, document.progress_total) == (45, 45)


def test_head_export_holds_only_their_units_rows(client, alice, hazard_a, hazard_b):
    client.force_login(alice)
    rows = sheet_rows(export_response(client, "ledger_xlsx"))
    assert [row[0] for row in rows[2:]] == [hazard_a.code]
    text, _reader = pdf_of(export_response(client, "ledger_pdf"))
    assert hazard_a.code in text and hazard_b.code not in text


def test_head_cannot_export_another_units_rows_by_filter(client, alice, unit_b, hazard_b):
    client.force_login(alice)
    url = reverse("documents:export", args=["ledger_xlsx"]) + f"?unit={unit_b.pk}"
    response = client.post(url, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert 'data-testid="document-refused"' in response.content.decode()
    assert not GeneratedDocument.objects.exists()


def test_another_unit_neither_lists_nor_downloads_an_export(client, alice, bob, hazard_a):
    client.force_login(alice)
    document = export_job(client, "ledger_xlsx")
    client.force_login(bob)
    assert document.filename not in client.get(reverse("documents:list")).content.decode()
    assert client.get(reverse("documents:download", args=[document.pk])).status_code == 404
    assert client.get(reverse("documents:status", args=[document.pk])).status_code == 404


def test_an_export_kind_cannot_be_asked_for_as_a_subject(client, alice, bob):
    """Naming another person as an export's subject would export their scope."""
    client.force_login(alice)
    response = client.post(reverse("documents:request", args=["ledger_xlsx", bob.pk]))
    assert response.status_code in (302, 404)
    assert not GeneratedDocument.objects.exists()


@time_machine.travel("2024-07-10 10:00:00+08:00", tick=False)
def test_ledger_xlsx_carries_the_five_implementations(client, staff, enterprise_a):
    hazard = make_hazard(staff, enterprise_a)
    hazard_services.hazard_update(actor=staff, hazard=hazard, **FIVE)
    client.force_login(staff)
    rows = sheet_rows(export_response(client, "ledger_xlsx"))
    # Written by the worker in the site's language, as the PDFs are.
    with translation.override(settings.LANGUAGE_CODE):
        assert rows[1][15:20] == tuple(
            gettext(label)
            for label in (
                "Responsibility",
                "Measures",
                "Funds (yuan)",
                "Time limit",
                "Contingency plan",
            )
        )
    row = rows[2]
    assert row[15] == FIVE["plan_responsibility"]
    assert row[16] == FIVE["plan_measures"]
    assert row[17] == 12000
    assert row[18].date() == FIVE["plan_time_limit"]
    assert row[19] == FIVE["plan_contingency"]


def test_ledger_xlsx_writes_a_typed_plan_as_text(client, staff, enterprise_a):
    hazard = make_hazard(staff, enterprise_a)
    hazard_services.hazard_update(
        actor=staff, hazard=hazard, **{**FIVE, "plan_measures": "=1+1", "plan_contingency": "@A1"}
    )
    client.force_login(staff)
    content = b"".join(export_response(client, "ledger_xlsx").streaming_content)
    sheet = load_workbook(io.BytesIO(content)).worksheets[0]
    assert sheet.cell(row=3, column=17).value == "'=1+1"
    assert sheet.cell(row=3, column=20).value == "'@A1"
    assert not any(cell.data_type == "f" for line in sheet.iter_rows() for cell in line)


def test_ledger_pdf_prints_every_row_in_pieces_with_the_filters_in_words(
    client, staff, enterprise_a, monkeypatch
):
    """No cap: 12 rows in pieces of 5 are three renderings joined, numbered on; the
    header says the filters by their labels, not as parameters."""
    monkeypatch.setattr(exports, "PDF_CHUNK_ROWS", 5)
    hazards = [make_hazard(staff, enterprise_a, level="major") for _ in range(12)]
    make_hazard(staff, enterprise_a, description="一般隐患不在其中")
    client.force_login(staff)
    text, reader = pdf_of(export_response(client, "ledger_pdf", {"level": "major"}))
    for hazard in hazards:
        assert hazard.code in text
    assert "一般隐患不在其中" not in text
    assert "level=major" not in text
    # The worker writes in the site's language: the filter form's label and the choice's.
    assert "等级" in text and "重大隐患" in text
    assert reader.pages[0].mediabox.width > reader.pages[0].mediabox.height


def test_ledger_filters_in_words_use_the_forms_labels(staff, unit_a, fire):
    with translation.override("en"):
        described = exports.ledger_filters_described(
            staff,
            {"level": "major", "status": "rectifying", "unit": str(unit_a.pk), "overdue": "true"},
        )
    assert described == (
        f"Unit: {unit_a.name}; Level: Major hazard; Status: Rectifying; Overdue: Yes"
    )


def test_quarterly_export_is_a_job_with_the_units_table(client, alice, hazard_a, hazard_b):
    client.force_login(alice)
    document = export_job(client, "quarterly_xlsx", {"year": 2024, "quarter": 2})
    assert document.status == "done", document.error
    assert document.filename.endswith("2024Q2.xlsx")
    response = client.get(reverse("documents:download", args=[document.pk]))
    rows = sheet_rows(response)
    units = [row[0] for row in rows[3:-1]]
    assert units == [alice.unit.name]


def test_api_creates_an_export_job(api_client, alice, hazard_a, hazard_b, unit_b):
    from django.test import TestCase

    api_client.force_authenticate(alice)
    url = reverse("api:document-export")
    with TestCase.captureOnCommitCallbacks(execute=True):
        response = api_client.post(
            url, {"kind": "ledger_xlsx", "parameters": {"level": "general"}}, format="json"
        )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["kind"] == "ledger_xlsx" and body["parameters"] == {"level": "general"}
    detail = api_client.get(reverse("api:document-detail", args=[body["id"]])).json()
    assert detail["status"] == "done" and detail["percent"] == 100
    assert detail["download_url"]
    refused = api_client.post(
        url, {"kind": "ledger_xlsx", "parameters": {"unit": str(unit_b.pk)}}, format="json"
    )
    assert refused.status_code == 400
    not_export = api_client.post(url, {"kind": "hazard_dossier"}, format="json")
    assert not_export.status_code == 400
