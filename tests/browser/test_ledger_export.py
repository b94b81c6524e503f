"""Committee staff export the hazard ledger to Excel in the browser: the button queues a
document job, the page shows its progress (rows done of all) while the worker writes,
then a Download link, and the file downloaded is the ledger. The worker is played by a
thread running the real job (the service the Celery task calls), slowed at each
progress write so that the polling page sees it move (``slow_worker``, conftest)."""

import datetime as dt
from pathlib import Path

import pytest
from openpyxl import load_workbook

from inspections.services import hazards as hazard_services
from safetyzone.documents.models import GeneratedDocument
from safetyzone.org.models import KeyArea
from safetyzone.org.roles import Role
from safetyzone.org.services import roles_sync
from tests.browser.pages import sign_in, watch
from tests.factories import EnterpriseFactory, UnitFactory, UserFactory

ROWS = 24


@pytest.fixture
def small_chunks(monkeypatch):
    """Progress is told every two rows, so that the page sees it move."""
    from inspections import exports

    monkeypatch.setattr(exports, "LEDGER_CHUNK_SIZE", 2)


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_staff_export_the_ledger_and_download_it(
    live_server, desktop, small_chunks, slow_worker, screenshot_dir, tmp_path: Path
):
    from playwright.sync_api import expect

    roles_sync()
    office = UnitFactory(name="高新区安委办", membership="office")
    unit = UnitFactory(name="高新区应急管理局")
    staff = UserFactory(username="staff", unit=office, roles=[Role.COMMITTEE_STAFF])
    fire, _created = KeyArea.objects.get_or_create(code="fire", defaults={"name": "消防"})
    enterprise = EnterpriseFactory(name="硅谷商业综合体", supervising_unit=unit)
    enterprise.key_areas.set([fire])
    codes = {
        hazard_services.hazard_create(
            actor=staff,
            enterprise=enterprise,
            key_area=fire,
            description=f"疏散通道堆放杂物{n}",
            level="general",
            found_on=dt.date(2024, 6, 5),
            deadline=dt.date(2024, 6, 20),
            responsible_person="王经理",
            place="一层",
        ).code
        for n in range(ROWS)
    }

    page = desktop
    problems = watch(page)
    sign_in(page, live_server.url, "staff")

    page.goto(f"{live_server.url}/inspections/hazards/?level=general")
    page.get_by_test_id("export-ledger_xlsx-button").click()

    # The worker is writing: the bar shows a share of the rows, neither none nor all.
    bar = page.get_by_test_id("document-progress")
    expect(bar).to_be_visible(timeout=30_000)
    seen = int(bar.get_attribute("aria-valuenow"))
    assert 0 <= seen < 100
    page.screenshot(path=screenshot_dir / "ledger-export-progress.png")

    download_link = page.get_by_test_id("document-download")
    expect(download_link).to_be_visible(timeout=60_000)
    document = GeneratedDocument.objects.get(kind="ledger_xlsx")
    assert (document.progress_done, document.progress_total) == (ROWS, ROWS)
    assert document.parameters == {"level": "general"}

    with page.expect_download() as download_info:
        download_link.click()
    download = download_info.value
    target = tmp_path / "ledger.xlsx"
    download.save_as(target)
    assert download.suggested_filename.endswith(".xlsx")
    sheet = load_workbook(target, read_only=True).worksheets[0]
    rows = list(sheet.iter_rows(min_row=3, values_only=True))
    assert {row[0] for row in rows} == codes

    # The job is on the documents list too.
    page.goto(f"{live_server.url}/documents/")
    expect(page.get_by_role("cell", name=document.filename, exact=True)).to_be_visible()
    assert problems.page_errors == [], problems.page_errors
    assert problems.failed == [], problems.failed
