"""The evidence pack for an upper-level inspection (迎检): one zip of a campaign's or key
period's records for a set of units, with an index PDF; a head's pack is their own
unit's; stored files are streamed into the zip; the job shows its file count and size
before the download."""

import datetime as dt
import io
import os
import tempfile
import tracemalloc
import zipfile

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.test import TestCase
from django.urls import reverse
from pypdf import PdfReader

from campaigns.models import Activity, Meeting
from campaigns.services import meetings as meeting_services
from inspections.models import HazardLevel, HazardPhoto, ReportEvidence
from safetyzone.documents import packs
from safetyzone.documents import services as document_services
from safetyzone.documents.models import GeneratedDocument
from safetyzone.org.roles import Role

from ..duty.factories import RosterFactory, ShiftFactory, published
from ..factories import (
    ActivityFactory,
    ActivityPhotoFactory,
    CampaignFactory,
    EnterpriseFactory,
    KeyPeriodFactory,
    UserFactory,
    task_for_units,
)
from ..inspections.conftest import FIVE, make_hazard
from ..records import filed_report, issued_meeting
from .exports import export_job

PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00"
    b"\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00"
    b"\x00\x00\x00IEND\xaeB`\x82"
)


class Recorder:
    """A Progress that remembers what it was told."""

    def __init__(self) -> None:
        self.total = None
        self.seen: list[int] = []

    def start(self, total: int) -> None:
        self.total = total

    def advance(self, done: int) -> None:
        self.seen.append(done)


@pytest.fixture
def world(staff, alice, bob, unit_a, unit_b):
    """The 2024 safety month: a meeting (notice and minutes) for units A and B, a task of
    both, a major hazard of A (dossier, photo, report with an evidence photo), a general
    hazard of B with a photo, a drill of each unit with a photo, and a roster of A and of
    B in June."""
    campaign = CampaignFactory(name="2024年安全生产月", lead_unit=staff.unit)
    period = KeyPeriodFactory(
        name="端午节", start_date=dt.date(2024, 6, 8), end_date=dt.date(2024, 6, 10)
    )
    period.campaign = campaign
    period.save()
    meeting = issued_meeting(office=staff.unit, units=[unit_a, unit_b], staff=staff)
    Meeting.objects.filter(pk=meeting.pk).update(campaign=campaign)
    meeting.refresh_from_db()
    meeting_services.meeting_record_minutes(
        meeting=meeting, actor=staff, minutes="会议部署了安全生产月各项工作。"
    )
    task_for_units(lead=unit_a, assisting=[unit_b], campaign=campaign, title="危化品专项排查")
    enterprise_a = EnterpriseFactory(name="硅谷商业综合体", supervising_unit=unit_a)
    enterprise_b = EnterpriseFactory(name="北湖养老院", supervising_unit=unit_b)
    major = make_hazard(
        staff, enterprise_a, level=HazardLevel.MAJOR, description="喷淋系统失效", **FIVE
    )
    general_b = make_hazard(staff, enterprise_b, description="乙单位的隐患")
    HazardPhoto.objects.create(hazard=major, image=ContentFile(PNG, "现场.png"))
    HazardPhoto.objects.create(hazard=general_b, image=ContentFile(PNG, "乙单位现场.png"))
    report = filed_report(hazard=major, head=alice)
    ReportEvidence.objects.create(report=report, file=ContentFile(PNG, "整改后.png"))
    drills = {}
    for unit, title in ((unit_a, "危化品泄漏应急演练"), (unit_b, "消防疏散演练")):
        drill = ActivityFactory(
            unit=unit,
            campaign=campaign,
            kind=Activity.Kind.DRILL,
            drill_plan="综合应急预案",
            title=title,
            date=dt.date(2024, 6, 9),
        )
        ActivityPhotoFactory(activity=drill, caption=title)
        drills[unit.pk] = drill
    rosters = {}
    for unit, title in ((unit_a, "应急局6月值班表"), (unit_b, "硅谷街道6月值班表")):
        roster = RosterFactory(unit=unit, title=title, end_date=dt.date(2024, 6, 2))
        ShiftFactory(roster=roster, date=dt.date(2024, 6, 1))
        rosters[unit.pk] = published(roster)
    return {
        "campaign": campaign,
        "period": period,
        "meeting": meeting,
        "major": major,
        "general_b": general_b,
    }


def _pack(user, query) -> tuple[zipfile.ZipFile, Recorder]:
    from campaigns.packs import evidence_pack_parameters, write_evidence_pack

    parameters = evidence_pack_parameters(user, query)
    recorder = Recorder()
    with tempfile.TemporaryDirectory() as directory:
        path = os.path.join(directory, "pack.zip")
        write_evidence_pack(user, parameters, recorder, path)
        with open(path, "rb") as handle:
            return zipfile.ZipFile(io.BytesIO(handle.read())), recorder


def _folders(names: list[str]) -> dict[str, list[str]]:
    listing: dict[str, list[str]] = {}
    for name in names:
        folder = name.split(" ", 1)[0]
        listing.setdefault(folder, []).append(name)
    return listing


def test_campaign_pack_holds_every_section_with_the_index_first(world, staff):
    archive, recorder = _pack(staff, {"campaign": world["campaign"].pk})
    names = archive.namelist()
    listing = _folders(names)
    meeting, major = world["meeting"], world["major"]

    assert [n for n in names if "/" not in n] == [n for n in listing["00"]]
    assert len(listing["00"]) == 1 and listing["00"][0].endswith(".pdf")
    # Meetings: the notice (named by its number) and the minutes.
    assert len(listing["01"]) == 2
    assert any(meeting.document_number.text in n for n in listing["01"])
    # Tasks, the ledger (Excel and PDF), the major hazard's dossier only.
    assert len(listing["02"]) == 1
    assert sorted(os.path.splitext(n)[1] for n in listing["03"]) == [".pdf", ".xlsx"]
    assert len(listing["04"]) == 1 and major.code in listing["04"][0]
    # Rectification: both hazards' photos and the report's evidence, by hazard code.
    assert sum(major.code in n for n in listing["05"]) == 2
    assert sum(world["general_b"].code in n for n in listing["05"]) == 1
    # Drills: the list and a photo of each drill; duty: roster and log of each unit.
    assert len(listing["06"]) == 3
    assert len(listing["07"]) == 4
    # Every PDF opens; the ledger is a workbook.
    for name in names:
        if name.endswith(".pdf"):
            assert len(PdfReader(io.BytesIO(archive.read(name))).pages) >= 1
    assert recorder.total == len(names)
    assert recorder.seen == sorted(recorder.seen) and recorder.seen[-1] == len(names)


def _text(pdf: bytes) -> str:
    return "".join(
        "".join(page.extract_text().split()) for page in PdfReader(io.BytesIO(pdf)).pages
    )


def test_the_index_lists_every_file_with_page_references(world, staff):
    archive, _recorder = _pack(staff, {"campaign": world["campaign"].pk})
    index = next(n for n in archive.namelist() if n.startswith("00 "))
    text = _text(archive.read(index))
    for name in archive.namelist():
        if name != index:
            assert "".join(name.split()) in text, name
    # Running page numbers across the PDFs: the first one starts on page 1.
    pdfs = [n for n in archive.namelist() if n.endswith(".pdf") and n != index]
    total = sum(len(PdfReader(io.BytesIO(archive.read(n))).pages) for n in pdfs)
    assert str(total) in text


def test_head_pack_holds_only_their_units_records(world, alice, unit_b):
    archive, _recorder = _pack(alice, {"campaign": world["campaign"].pk})
    names = "\n".join(archive.namelist())
    assert world["major"].code in names
    assert world["general_b"].code not in names
    assert "消防疏散演练" not in names  # unit B's drill and its photo
    assert "危化品泄漏应急演练" in names
    assert "硅谷街道6月值班表" not in names
    # Nor in the ledger's rows.
    from openpyxl import load_workbook

    ledger = next(n for n in archive.namelist() if n.endswith(".xlsx"))
    sheet = load_workbook(io.BytesIO(archive.read(ledger)), read_only=True).worksheets[0]
    codes = {row[0] for row in sheet.iter_rows(min_row=3, values_only=True)}
    assert codes == {world["major"].code}


def test_head_asking_for_another_unit_gets_a_field_error(world, alice, unit_b):
    from campaigns.packs import evidence_pack_parameters

    with pytest.raises(ValidationError) as refused:
        evidence_pack_parameters(alice, {"campaign": world["campaign"].pk, "units": str(unit_b.pk)})
    assert "units" in refused.value.error_dict
    # Asking for nothing, or for their own unit, is their own unit's pack.
    assert evidence_pack_parameters(alice, {"key_period": world["period"].pk}) == {
        "key_period": world["period"].pk,
        "units": [alice.unit_id],
    }


def test_staff_choose_units_and_a_key_period(world, staff, unit_a, unit_b):
    archive, _recorder = _pack(staff, {"key_period": world["period"].pk, "units": f"{unit_b.pk}"})
    names = "\n".join(archive.namelist())
    assert "消防疏散演练" in names  # B's drill on 9 June, in the period
    assert "危化品泄漏应急演练" not in names
    assert world["major"].code not in names


def test_a_large_stored_file_is_streamed_not_read_whole(world, staff, monkeypatch):
    """A 20 MB evidence file costs the writer about one copy chunk, not 20 MB."""
    from inspections.packs import rectification_entries

    monkeypatch.setattr(
        packs,
        "_SECTIONS",
        {"rectification": packs.PackSection("rectification", "R", 5, rectification_entries)},
    )
    evidence = ReportEvidence.objects.get()

    def peak_with(size: int) -> tuple[int, int]:
        with evidence.file.open("wb") as handle:
            chunk = PNG + b"\0" * (1024 * 1024 - len(PNG))
            for _n in range(max(size // len(chunk), 1)):
                handle.write(chunk)
        tracemalloc.start()
        try:
            archive, _recorder = _pack(staff, {"campaign": world["campaign"].pk})
            return tracemalloc.get_traced_memory()[1], archive.getinfo(
                next(n for n in archive.namelist() if "整改后" in n)
            ).file_size
        finally:
            tracemalloc.stop()

    small_peak, small_size = peak_with(1)
    large_peak, large_size = peak_with(20 * 1024 * 1024)
    assert large_size == 20 * 1024 * 1024 and small_size < large_size
    assert large_peak - small_peak < 4 * 1024 * 1024, (small_peak, large_peak)


# --- The job, its page and the API ---------------------------------------------------------


@pytest.fixture
def client(client, settings):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def test_the_job_reports_file_count_and_size_before_download(world, staff, client):
    client.force_login(staff)
    document = export_job(client, "evidence_pack", {"campaign": world["campaign"].pk})
    assert document.status == GeneratedDocument.Status.DONE, document.error
    assert document.filename.endswith(".zip")
    assert document.file_count == len(zipfile.ZipFile(document.file.path).namelist())
    assert document.size == os.path.getsize(document.file.path)
    assert document.progress_done == document.progress_total == document.file_count

    status = client.get(reverse("documents:status", args=[document.pk]))
    assert f'data-files="{document.file_count}"' in status.content.decode()
    assert f'data-bytes="{document.size}"' in status.content.decode()
    response = client.get(reverse("documents:download", args=[document.pk]))
    assert response["Content-Type"] == "application/zip"
    assert zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content))).namelist()


def test_the_page_form_posts_units_in_its_body(world, staff, client, unit_b):
    client.force_login(staff)
    page = client.get(world["campaign"].get_absolute_url())
    assert 'data-testid="evidence-pack-units"' in page.content.decode()
    url = reverse("documents:export", args=["evidence_pack"])
    with TestCase.captureOnCommitCallbacks(execute=True):
        response = client.post(
            f"{url}?campaign={world['campaign'].pk}", {"units": [unit_b.pk]}, HTTP_HX_REQUEST="true"
        )
    assert response.status_code == 200
    document = GeneratedDocument.objects.get(kind="evidence_pack")
    assert document.parameters == {"campaign": world["campaign"].pk, "units": [unit_b.pk]}


def test_head_sees_their_unit_fixed_on_the_key_period_page(world, alice, client):
    client.force_login(alice)
    page = client.get(world["period"].get_absolute_url()).content.decode()
    assert 'data-testid="evidence-pack-own-unit"' in page
    assert 'data-testid="evidence-pack-units"' not in page


def test_anonymous_and_roles_without_the_permission_are_refused(world, client, unit_a):
    url = reverse("documents:export", args=["evidence_pack"]) + f"?campaign={world['campaign'].pk}"
    response = client.post(url)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    inspector = UserFactory(unit=unit_a, roles=[Role.INSPECTOR])
    client.force_login(inspector)
    assert client.post(url).status_code == 403
    page = client.get(world["campaign"].get_absolute_url()).content.decode()
    assert 'data-testid="evidence-pack"' not in page
    with pytest.raises(PermissionDenied):
        document_services.document_export_request(
            user=inspector, kind="evidence_pack", query={"campaign": world["campaign"].pk}
        )
    assert not GeneratedDocument.objects.exists()


def test_api_export_queues_the_pack(world, alice, api_client, unit_b):
    url = "/api/v1/documents/export/"
    body = {"kind": "evidence_pack", "parameters": {"campaign": str(world["campaign"].pk)}}
    assert api_client.post(url, body, format="json").status_code in (401, 403)
    api_client.force_authenticate(alice)
    refused = api_client.post(
        url,
        {**body, "parameters": {**body["parameters"], "units": str(unit_b.pk)}},
        format="json",
    )
    assert refused.status_code == 400
    assert [e["attr"] for e in refused.json()["errors"]] == ["units"]
    with TestCase.captureOnCommitCallbacks(execute=True):
        response = api_client.post(url, body, format="json")
    assert response.status_code == 201, response.content
    document = GeneratedDocument.objects.get(pk=response.json()["id"])
    assert document.parameters["units"] == [alice.unit_id]
    data = api_client.get(f"/api/v1/documents/{document.pk}/").json()
    assert data["status"] == "done", data["error"]
    assert data["file_count"] >= 2 and data["size"] > 0


def test_names_from_user_text_stay_inside_their_folder(world, staff, unit_a):
    drill = ActivityFactory(
        unit=unit_a,
        campaign=world["campaign"],
        kind=Activity.Kind.DRILL,
        drill_plan="预案",
        title="../../etc/passwd",
    )
    ActivityPhotoFactory(activity=drill, image=ContentFile(PNG, "../../x.png"))
    archive, _recorder = _pack(staff, {"campaign": world["campaign"].pk})
    for name in archive.namelist():
        parts = name.split("/")
        assert ".." not in parts and "" not in parts and not name.startswith("/"), name
        assert len(parts) <= 3, name


def _collect_queries(user, campaign) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from campaigns.packs import evidence_pack_parameters, evidence_pack_scope

    scope = evidence_pack_scope(user, evidence_pack_parameters(user, {"campaign": campaign.pk}))
    with CaptureQueriesContext(connection) as queries:
        packs.pack_collect(scope)
    return len(queries)


def test_collecting_the_entries_costs_the_same_queries_for_5_and_50_photos(world, staff):
    major = world["major"]
    for _n in range(5):
        HazardPhoto.objects.create(hazard=major, image=ContentFile(PNG, "p.png"))
    five = _collect_queries(staff, world["campaign"])
    for _n in range(45):
        HazardPhoto.objects.create(hazard=major, image=ContentFile(PNG, "p.png"))
    assert _collect_queries(staff, world["campaign"]) == five


def test_another_units_head_cannot_read_a_heads_pack(world, alice, bob, client):
    client.force_login(alice)
    document = export_job(client, "evidence_pack", {"campaign": world["campaign"].pk})
    assert document.status == GeneratedDocument.Status.DONE, document.error
    assert client.get(reverse("documents:status", args=[document.pk])).status_code == 200
    client.force_login(bob)
    for name in ("documents:status", "documents:download"):
        assert client.get(reverse(name, args=[document.pk])).status_code == 404
