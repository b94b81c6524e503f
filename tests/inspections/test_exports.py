"""Exports: the ledger in Excel (constant memory, scoped, filtered) and as a landscape
PDF, one dossier PDF per hazard with its history and photos, and the quarterly
statistics table. The tests open the files they get."""

import datetime as dt
import io
import tracemalloc

import time_machine
from django.conf import settings
from django.urls import reverse
from django.utils import timezone, translation
from openpyxl import load_workbook
from pypdf import PdfReader

from inspections.exports import write_ledger_xlsx
from inspections.services import hazards as hazard_services
from inspections.services import reports as report_services
from safetyzone.documents.models import GeneratedDocument
from tests.helpers import png_upload

from ..documents.exports import export_response
from .conftest import close_hazard, make_hazard
from .factories import EnforcementActionFactory, ViolationFactory


def xlsx_rows(response) -> list[tuple]:
    content = b"".join(response.streaming_content)
    sheet = load_workbook(io.BytesIO(content), read_only=True).worksheets[0]
    return [tuple(row) for row in sheet.iter_rows(values_only=True)]


def pdf_text(data: bytes) -> tuple[str, PdfReader]:
    reader = PdfReader(io.BytesIO(data))
    return "\n".join(page.extract_text() for page in reader.pages), reader


def test_ledger_xlsx_holds_only_the_users_hazards(client, alice, hazard_a, hazard_b):
    client.force_login(alice)
    response = export_response(client, "ledger_xlsx")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    rows = xlsx_rows(response)
    codes = [row[0] for row in rows[2:]]
    assert codes == [hazard_a.code]
    assert rows[2][1] == "硅谷商业综合体"
    assert rows[2][6].date() == dt.date(2024, 6, 5)


def test_ledger_xlsx_follows_the_filters(client, staff, enterprise_a, enterprise_b):
    major = make_hazard(staff, enterprise_b, level="major")
    make_hazard(staff, enterprise_a)
    client.force_login(staff)
    rows = xlsx_rows(export_response(client, "ledger_xlsx", {"level": "major"}))
    assert [row[0] for row in rows[2:]] == [major.code]


@time_machine.travel("2024-07-10 10:00:00+08:00", tick=False)
def test_ledger_xlsx_cells_read_as_the_model_says(client, staff, alice, enterprise_a):
    """The export reads plain values, not instances: its labels and flags must still be
    the model's own (display labels, Hazard.is_overdue, the close time in local time)."""
    overdue = make_hazard(staff, enterprise_a, level="major", deadline=dt.date(2024, 6, 20))
    hazard_services.hazard_update(
        actor=staff,
        hazard=overdue,
        plan_responsibility="王",
        plan_measures="整改",
        plan_funds=1000,
        plan_time_limit=dt.date(2024, 6, 19),
        plan_contingency="警戒",
    )
    hazard_services.hazard_supervise(
        actor=staff,
        hazard=overdue,
        office="高新区安委办",
        deadline=dt.date(2024, 7, 30),
    )
    closed = close_hazard(
        staff, alice, make_hazard(staff, enterprise_a, found_on=dt.date(2024, 6, 4))
    )
    client.force_login(staff)
    rows = xlsx_rows(export_response(client, "ledger_xlsx"))
    site = translation.override(settings.LANGUAGE_CODE)  # the worker writes in it
    with site:
        assert rows[1][0] == translation.gettext("Code")
        yes, no = translation.gettext("Yes"), translation.gettext("No")
    by_code = {row[0]: row for row in rows[2:]}
    assert set(by_code) == {overdue.code, closed.code}
    overdue.refresh_from_db()
    with site:
        for hazard in (overdue, closed):
            row = by_code[hazard.code]
            assert row[1:4] == (enterprise_a.name, hazard.place, hazard.key_area.name)
            assert row[4] == hazard.get_level_display()
            assert row[7] == hazard.responsible_unit.name
            assert row[9].date() == hazard.deadline
            assert row[10] == hazard.get_status_display()
    assert by_code[overdue.code][11:15] == (yes, yes, no, None)
    assert by_code[closed.code][11:13] == (no, no)
    local_close = timezone.localtime(closed.closed_at).strftime("%Y-%m-%d %H:%M")
    assert by_code[closed.code][14] == local_close


def test_ledger_export_request_query_count_does_not_grow(client, staff, enterprise_a):
    """Queuing the export reads no row: the same queries for 5 hazards as for 50."""
    from .test_views import assert_same_queries_for_5_and_50

    def add(n):
        for _ in range(n):
            make_hazard(staff, enterprise_a)

    client.force_login(staff)
    # The export's page (what the old download links lead to) counts nothing either.
    assert_same_queries_for_5_and_50(client, reverse("documents:export", args=["ledger_xlsx"]), add)


def test_ledger_export_needs_login(client, db):
    url = reverse("documents:export", args=["ledger_xlsx"])
    assert client.post(url).status_code == 302
    assert not GeneratedDocument.objects.exists()


def test_old_download_links_lead_to_the_export_job(client, staff):
    client.force_login(staff)
    for name, kind in (
        ("inspections:ledger-xlsx", "ledger_xlsx"),
        ("inspections:ledger-pdf", "ledger_pdf"),
        ("inspections:quarterly-xlsx", "quarterly_xlsx"),
    ):
        response = client.get(reverse(name), {"level": "major"})
        assert response.status_code == 302
        assert response["Location"] == reverse("documents:export", args=[kind]) + "?level=major"
    page = client.get(reverse("documents:export", args=["ledger_xlsx"]), {"level": "major"})
    assert page.status_code == 200
    assert "Level: Major hazard" in page.content.decode()
    assert not GeneratedDocument.objects.exists()  # a GET queues nothing


def fake_row(n: int) -> list:
    """A ledger row's cells without the database, to measure the writer alone."""
    return [
        f"YH-2024-{n:06d}",
        f"企业{n}",
        "一层",
        "消防",
        "一般隐患",
        "疏散通道堆放杂物，影响人员疏散" * 2,
        dt.date(2024, 6, 5),
        "应急管理局",
        "王经理",
        dt.date(2024, 6, 20),
        "已上报",
        "是",
        "否",
        "否",
        "",
    ]


def _peak_bytes(rows: int, tmp_path) -> int:
    tracemalloc.start()
    write_ledger_xlsx((fake_row(n) for n in range(rows)), path=str(tmp_path / f"{rows}.xlsx"))
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return peak


def test_ledger_writer_memory_does_not_grow_with_rows(tmp_path):
    small = _peak_bytes(500, tmp_path)
    large = _peak_bytes(8_000, tmp_path)
    # Sixteen times the rows, about the same memory: rows go to disk as they come.
    assert large < small * 2, (small, large)
    sheet = load_workbook(tmp_path / "8000.xlsx", read_only=True).worksheets[0]
    assert sheet.max_row == 8_002


def test_ledger_pdf_is_landscape_and_scoped(client, alice, hazard_a, hazard_b):
    client.force_login(alice)
    response = export_response(client, "ledger_pdf")
    assert response["Content-Type"] == "application/pdf"
    text, reader = pdf_text(b"".join(response.streaming_content))
    box = reader.pages[0].mediabox
    assert box.width > box.height
    assert hazard_a.code in text and "硅谷商业综合体" in text
    assert hazard_b.code not in text


def test_hazard_dossier_holds_history_reports_and_photos(
    client, alice, staff, enterprise_a, django_capture_on_commit_callbacks
):
    hazard = make_hazard(staff, enterprise_a, photos=[png_upload()])
    hazard_services.hazard_start_rectification(actor=alice, hazard=hazard)
    report_services.report_file(
        actor=alice,
        hazard=hazard,
        measures_taken="清理杂物并设置警示标识",
        completed_on=dt.date(2024, 6, 9),
        evidence=[png_upload("after.png", color="green")],
    )
    report_services.report_return(actor=staff, hazard=hazard, reason="照片未体现整改后现场")
    client.force_login(alice)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("documents:request", args=["hazard_dossier", hazard.pk]))
    assert response.status_code == 302
    document = GeneratedDocument.objects.get(kind="hazard_dossier")
    assert document.status == "done", document.error
    text, reader = pdf_text(document.file.read())
    for expected in (
        hazard.code,
        "硅谷商业综合体",
        "清理杂物并设置警示标识",
        "照片未体现整改后现场",
    ):
        assert expected in text
    assert sum(len(page.images) for page in reader.pages) >= 2


def test_another_units_head_cannot_request_the_dossier(client, bob, hazard_a):
    client.force_login(bob)
    response = client.post(reverse("documents:request", args=["hazard_dossier", hazard_a.pk]))
    assert response.status_code == 404
    assert not GeneratedDocument.objects.exists()


@time_machine.travel("2024-07-10 10:00:00+08:00", tick=False)
def test_quarterly_table_xlsx(client, staff, alice, unit_a, unit_b, enterprise_a, enterprise_b):
    first = make_hazard(staff, enterprise_a, level="major")
    make_hazard(staff, enterprise_a, found_on=dt.date(2024, 5, 20), deadline=dt.date(2024, 6, 1))
    make_hazard(staff, enterprise_b)
    hazard_services.hazard_update(
        actor=alice,
        hazard=first,
        plan_responsibility="王",
        plan_measures="整改",
        plan_funds=1000,
        plan_time_limit=dt.date(2024, 6, 19),
        plan_contingency="警戒",
    )
    close_hazard(staff, alice, first)
    ViolationFactory(enterprise=enterprise_a)
    EnforcementActionFactory(enterprise=enterprise_a, kind="fine", amount=5000)
    make_hazard(staff, enterprise_a, found_on=dt.date(2024, 7, 2), deadline=dt.date(2024, 7, 9))
    client.force_login(staff)
    response = export_response(client, "quarterly_xlsx", {"year": 2024, "quarter": 2})
    rows = xlsx_rows(response)
    assert "2024" in rows[0][0] and "2024-07-15" in rows[1][0]
    by_unit = {row[0]: row for row in rows[3:]}
    a = by_unit[unit_a.name]
    # inspections, enterprises, hazards, major, closed, rate, overdue, violations, actions, fines
    assert a[1:11] == (0, 0, 2, 1, 1, 50, 1, 1, 1, 5000)
    assert by_unit[unit_b.name][3] == 1


def test_head_statistics_cover_only_their_unit(client, alice, staff, hazard_a, hazard_b):
    client.force_login(alice)
    response = client.get(reverse("inspections:statistics"))
    assert response.context["stats"]["total"] == 1
    units = [row["unit"] for row in response.context["table"]["rows"]]
    assert units == [alice.unit]


def test_statistics_query_count_does_not_grow(client, staff, enterprise_a):
    from .test_views import assert_same_queries_for_5_and_50

    def add(n):
        for i in range(n):
            make_hazard(staff, enterprise_a, level=["general", "major"][i % 2])

    client.force_login(staff)
    assert_same_queries_for_5_and_50(client, reverse("inspections:statistics"), add)
