"""Committee staff create a meeting in the browser, issue its notice, generate the PDF
and download it: the whole path through the form, the issuing service, the document
job (eager in tests) and htmx polling for the Download link."""

import io
import re
from pathlib import Path

import pytest
from pypdf import PdfReader

from campaigns.models import Meeting
from safetyzone.org.roles import Role
from safetyzone.org.services import roles_sync
from tests.browser.pages import sign_in, watch
from tests.factories import UnitFactory, UserFactory
from tests.helpers import flat

TITLE = "近期安全生产工作部署会暨安全生产月启动会"
REQUIREMENT = "严格落实24小时值班和领导带班制度"


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_staff_create_issue_and_download_a_meeting_notice(
    live_server, desktop, screenshot_dir, tmp_path: Path
):
    from playwright.sync_api import expect

    roles_sync()
    office = UnitFactory(name="高新区安委办", membership="office", doc_number_prefix="高新安委办")
    units = [
        UnitFactory(name="高新区应急管理局", doc_number_prefix="高新应急"),
        UnitFactory(name="硅谷街道办事处", kind="street_office"),
    ]
    UserFactory(username="staff", unit=office, roles=[Role.COMMITTEE_STAFF])
    page = desktop
    problems = watch(page)

    sign_in(page, live_server.url, "staff")

    # The form: a draft with two attending units and requirements one per line.
    page.goto(f"{live_server.url}/campaigns/meetings/new/")
    page.locator("#id_title").fill(TITLE)
    page.locator("#id_kind").select_option("mobilisation")
    page.locator("#id_starts_at").fill("2024-06-04T09:00")
    page.locator("#id_place").fill("管委会三楼会议室")
    page.locator("#id_chair").fill("王立（管委会副主任）")
    page.locator("#id_organiser").select_option(str(office.pk))
    for unit in units:
        page.locator(f"input[name=attending_units][value='{unit.pk}']").check()
    page.locator("#id_requirements").fill(f"提高政治站位\n{REQUIREMENT}")
    page.locator("[data-testid=meeting-save]").click()

    page.wait_for_url(re.compile(r"/campaigns/meetings/\d+/$"))
    meeting = Meeting.objects.get(title=TITLE)
    expect(page.locator("[data-testid=requirements]")).to_contain_text(REQUIREMENT)

    # Issue: the confirmation shows the notice as it will be numbered; the meeting is
    # past, so the override is ticked with its reason. It gets the office's first number.
    page.locator("[data-testid=meeting-issue]").click()
    expect(page.locator("[data-testid=preview-number]")).to_contain_text("高新安委办〔")
    expect(page.locator("[data-testid=past-warning]")).to_be_visible()
    page.locator("#id_override_past").check()
    page.locator("#id_past_reason").fill("会后补发通知，供存档")
    page.locator("[data-testid=meeting-issue-confirm]").click()
    number = page.locator("[data-testid=document-number]")
    expect(number).to_contain_text("高新安委办〔")
    meeting.refresh_from_db()
    assert meeting.status == Meeting.Status.ISSUED
    expect(number).to_have_text(meeting.document_number.text)

    # Generate the PDF; htmx polls until the Download link appears.
    page.locator("[data-testid=generate-pdf]").click()
    download_link = page.locator("[data-testid=document-download]")
    expect(download_link).to_be_visible(timeout=60_000)
    page.screenshot(path=screenshot_dir / "meeting-notice.png", full_page=True)

    with page.expect_download() as download_info:
        download_link.click()
    download = download_info.value
    target = tmp_path / "notice.pdf"
    download.save_as(target)
    pdf = target.read_bytes()

    assert pdf.startswith(b"%PDF-")
    assert download.suggested_filename.endswith(".pdf")
    text = flat("\n".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages))
    assert flat(meeting.document_number.text) in text
    assert TITLE in text
    assert REQUIREMENT in text
    assert problems.page_errors == [], problems.page_errors
    assert problems.failed == [], problems.failed
