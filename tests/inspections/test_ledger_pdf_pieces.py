"""The ledger PDF in pieces: however many renderings it takes, the download is one PDF
whose rows are numbered 1 to N without a gap or a repeat, in the ledger's order, and
whose pages are numbered on across the pieces."""

import re
from pathlib import Path

import pytest

from inspections import exports
from inspections.selectors import hazards as hazard_selectors
from safetyzone.documents import services as document_services
from safetyzone.documents.models import GeneratedDocument
from tests.helpers import flat, pdf_text, wait_for_worker

from ..documents.exports import export_response
from ..documents.test_worker import documents_worker
from .conftest import make_hazard
from .test_export_jobs import pdf_of


def test_a_ledger_of_several_pieces_is_one_pdf_with_every_row_numbered(
    client, staff, enterprise_a, monkeypatch
):
    monkeypatch.setattr(exports, "PDF_CHUNK_ROWS", 5)
    for n in range(12):
        make_hazard(staff, enterprise_a, place=f"第{n}号库房")
    codes = list(hazard_selectors.hazard_list(user=staff).values_list("code", flat=True))
    client.force_login(staff)
    text, reader = pdf_of(export_response(client, "ledger_pdf"))
    numbered = re.findall(r"(\d+)(YH-\d{4}-\d{6})", text)
    assert numbered == [(str(n), code) for n, code in enumerate(codes, start=1)]
    assert len(reader.pages) == 3  # one piece a page here, joined into one file
    # The page number at each page's foot goes on across the pieces.
    feet = [flat(page.extract_text())[-1:] for page in reader.pages]
    assert feet == ["1", "2", "3"]


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_a_real_worker_makes_the_ledger_pdf_under_its_kinds_own_limit(
    staff, enterprise_a, tmp_path
):
    """The ledger PDF job goes to the task of the kinds with a limit of their own
    (settings.DOCUMENT_TIME_LIMITS), through the broker to a real worker: the same
    progress and result as any document job."""
    for n in range(3):
        make_hazard(staff, enterprise_a, place=f"第{n}号库房")
    codes = list(hazard_selectors.hazard_list(user=staff).values_list("code", flat=True))
    with documents_worker(tmp_path) as (worker, log_path):
        document, _created = document_services.document_export_request(
            user=staff, kind="ledger_pdf", query={}
        )

        def rendered() -> bool:
            document.refresh_from_db()
            return not document.is_active

        wait_for_worker(rendered, worker, log_path, "rendered", 120)
    assert document.status == GeneratedDocument.Status.DONE, document.error
    assert (document.progress_done, document.progress_total) == (3, 3)
    assert "documents.tasks.long_document_task" in log_path.read_text()
    text = flat(pdf_text(Path(document.file.path).read_bytes()))
    assert re.findall(r"(\d+)(YH-\d{4}-\d{6})", text) == [
        (str(n), code) for n, code in enumerate(codes, start=1)
    ]
