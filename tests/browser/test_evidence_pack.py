"""Committee staff build the evidence pack of a campaign for an upper-level inspection
in the browser: the action on the campaign page queues the job, the page shows its
progress while the worker writes, then the pack's file count and size and a Download
link; the zip downloaded holds what the count says. The worker is played by a thread
running the real job, slowed at each progress write (``slow_worker``, conftest)."""

import datetime as dt
import zipfile
from pathlib import Path

import pytest
from django.core.files.base import ContentFile

from campaigns.models import Meeting
from inspections.models import HazardPhoto
from inspections.services import hazards as hazard_services
from safetyzone.documents.models import GeneratedDocument
from safetyzone.org.models import KeyArea
from safetyzone.org.roles import Role
from safetyzone.org.services import roles_sync
from tests.browser.pages import sign_in, watch
from tests.documents.test_evidence_pack import PNG
from tests.factories import CampaignFactory, EnterpriseFactory, UnitFactory, UserFactory
from tests.records import issued_meeting

PHOTOS = 6


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_staff_build_the_evidence_pack_of_a_campaign(
    live_server, desktop, slow_worker, screenshot_dir, tmp_path: Path
):
    from playwright.sync_api import expect

    roles_sync()
    office = UnitFactory(name="高新区安委办", membership="office")
    unit = UnitFactory(name="高新区应急管理局")
    other = UnitFactory(name="硅谷街道办事处")
    staff = UserFactory(username="staff", unit=office, roles=[Role.COMMITTEE_STAFF])
    campaign = CampaignFactory(name="2024年安全生产月", lead_unit=office)
    meeting = issued_meeting(office=office, units=[unit, other], staff=staff)
    Meeting.objects.filter(pk=meeting.pk).update(campaign=campaign)
    fire, _created = KeyArea.objects.get_or_create(code="fire", defaults={"name": "消防"})
    enterprise = EnterpriseFactory(name="硅谷商业综合体", supervising_unit=unit)
    enterprise.key_areas.set([fire])
    hazard = hazard_services.hazard_create(
        actor=staff,
        enterprise=enterprise,
        key_area=fire,
        description="疏散通道堆放杂物",
        level="general",
        found_on=dt.date(2024, 6, 5),
        deadline=dt.date(2024, 6, 20),
        responsible_person="王经理",
        place="一层",
    )
    for n in range(PHOTOS):
        HazardPhoto.objects.create(hazard=hazard, image=ContentFile(PNG, f"现场{n}.png"))

    page = desktop
    problems = watch(page)
    sign_in(page, live_server.url, "staff")
    page.goto(f"{live_server.url}{campaign.get_absolute_url()}")
    pack = page.get_by_test_id("evidence-pack")
    pack.get_by_test_id("evidence-pack-units").select_option([str(unit.pk), str(other.pk)])
    pack.get_by_test_id("evidence-pack-button").click()

    # The worker is writing: the bar shows a share of the files, neither none nor all.
    bar = pack.get_by_test_id("document-progress")
    expect(bar).to_be_visible(timeout=30_000)
    assert 0 <= int(bar.get_attribute("aria-valuenow")) < 100
    page.screenshot(path=screenshot_dir / "evidence-pack-progress.png")

    # Done: the file count and the size, before the download.
    download_link = pack.get_by_test_id("document-download")
    expect(download_link).to_be_visible(timeout=90_000)
    document = GeneratedDocument.objects.get(kind="evidence_pack")
    assert document.parameters == {"campaign": campaign.pk, "units": sorted([unit.pk, other.pk])}
    count = pack.get_by_test_id("document-file-count")
    expect(count).to_have_attribute("data-files", str(document.file_count))
    expect(pack.get_by_test_id("document-size")).to_have_attribute("data-bytes", str(document.size))
    page.screenshot(path=screenshot_dir / "evidence-pack-done.png")

    with page.expect_download() as download_info:
        download_link.click()
    download = download_info.value
    target = tmp_path / "pack.zip"
    download.save_as(target)
    assert download.suggested_filename.endswith(".zip")
    names = zipfile.ZipFile(target).namelist()
    assert len(names) == document.file_count
    # The hazard's photos, under its code, and the index.
    assert sum(hazard.code in name for name in names) == PHOTOS
    assert any(name.startswith("00 ") for name in names)
    assert problems.page_errors == [], problems.page_errors
    assert problems.failed == [], problems.failed
