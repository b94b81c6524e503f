"""The life of a hazard in a real browser on phone-sized screens: the inspector records
a failed checklist item with a photo and confirms its draft hazard, the head of the unit
files a rectification report with a photo, committee staff return it once and then
accept it, and the hazard shows as closed."""

import io

import pytest
from PIL import Image

from inspections.models import ChecklistItem, ChecklistTemplate, Hazard
from safetyzone.org.models import KeyArea
from safetyzone.org.roles import Role
from safetyzone.org.services import roles_sync
from tests.browser.conftest import PHONE
from tests.browser.pages import sign_in, watch
from tests.factories import EnterpriseFactory, UnitFactory, UserFactory


def png(colour: str) -> dict:
    buffer = io.BytesIO()
    Image.new("RGB", (64, 48), colour).save(buffer, "PNG")
    return {"name": "photo.png", "mimeType": "image/png", "buffer": buffer.getvalue()}


def phone_as(browser, live_server, username: str):
    context = browser.new_context(**PHONE)
    context.set_default_timeout(15_000)
    page = context.new_page()
    errors = watch(page).page_errors
    sign_in(page, live_server.url, username)
    return context, page, errors


def file_report(page, live_server, hazard: Hazard, measures: str, colour: str) -> None:
    page.goto(f"{live_server.url}{hazard.get_absolute_url()}")
    page.get_by_test_id("start-rectification").tap()
    page.get_by_test_id("file-report-link").tap()
    page.locator("textarea[name=measures_taken]").fill(measures)
    page.locator("input[name=evidence]").set_input_files([png(colour)])
    page.get_by_test_id("file-report").tap()
    page.wait_for_url(f"{live_server.url}{hazard.get_absolute_url()}")


def review(page, live_server, hazard: Hazard, decision: str, note: str = "") -> None:
    page.goto(f"{live_server.url}{hazard.get_absolute_url()}")
    page.locator(f"input[name=decision][value={decision}]").check()
    if note:
        page.locator("textarea[name=note]").fill(note)
    # The page posts to itself and comes back to the same address: wait for the post's
    # answer, since waiting for the address alone returns at once.
    with page.expect_response(lambda response: response.request.method == "POST"):
        page.get_by_test_id("submit-review").tap()
    page.wait_for_url(f"{live_server.url}{hazard.get_absolute_url()}")
    page.wait_for_load_state()


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_failed_item_to_closed_hazard_on_phones(browser, live_server, screenshot_dir):
    from playwright.sync_api import expect

    roles_sync()
    unit = UnitFactory(name="应急管理局", short_name="应急局")
    office = UnitFactory(name="高新区安委办", membership="office")
    UserFactory(username="inspector", unit=unit, roles=[Role.INSPECTOR])
    UserFactory(username="head", unit=unit, roles=[Role.DEPARTMENT_HEAD])
    UserFactory(username="staff", unit=office, roles=[Role.COMMITTEE_STAFF])
    fire, _created = KeyArea.objects.get_or_create(code="fire", defaults={"name": "消防"})
    enterprise = EnterpriseFactory(name="硅谷商业综合体", supervising_unit=unit)
    enterprise.key_areas.set([fire])
    template = ChecklistTemplate.objects.create(key_area=fire, name="浏览器测试消防检查表")
    for order, question in enumerate(
        ["疏散通道是否畅通", "灭火器是否有效", "消防控制室是否值班"], 1
    ):
        ChecklistItem.objects.create(
            template=template, order=order, question=question, legal_basis="《消防法》"
        )

    # 1. The inspector records the inspection on a phone, item 1 failed, with a photo.
    context, page, errors = phone_as(browser, live_server, "inspector")
    page.goto(f"{live_server.url}/inspections/inspections/new/")
    page.get_by_test_id("choose-template").filter(has_text="浏览器测试消防检查表").tap()
    page.locator("select[name=enterprise]").select_option(str(enterprise.pk))
    page.get_by_test_id("result-1-fail").tap()
    page.get_by_test_id("note-1").fill("安全出口堆放纸箱")
    photo_input = page.get_by_test_id("photo-1")
    assert photo_input.get_attribute("accept") == "image/*"
    assert photo_input.get_attribute("multiple") is not None
    photo_input.set_input_files([png("red")])
    expect(page.get_by_test_id("previews-1").locator("img")).to_have_count(1)
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.screenshot(path=screenshot_dir / "inspection-form-phone.png", full_page=True)
    page.get_by_test_id("save-inspection").tap()

    # The failed item waits as a draft hazard, pre-filled; one tap confirms it.
    expect(page.get_by_test_id("draft-description-1")).to_have_value(
        "疏散通道是否畅通：安全出口堆放纸箱"
    )
    page.get_by_test_id("confirm-1").tap()
    expect(page.get_by_test_id("draft-hazard-1")).to_contain_text("YH-")
    hazard = Hazard.objects.get()
    assert hazard.photos.count() == 1
    assert errors == []
    context.close()

    # 2. The head files a report with a photo.
    head_context, head, head_errors = phone_as(browser, live_server, "head")
    file_report(head, live_server, hazard, "已清理安全出口杂物", "green")
    expect(head.locator(".hazard-status-submitted")).to_be_visible()

    # 3. Staff return it once.
    staff_context, staff, staff_errors = phone_as(browser, live_server, "staff")
    review(staff, live_server, hazard, "return", "照片未体现整改后现场")
    expect(staff.locator(".hazard-status-returned")).to_be_visible()

    # 4. The head sees why, resumes and files again; staff accept.
    head.goto(f"{live_server.url}{hazard.get_absolute_url()}")
    expect(head.get_by_test_id("review-note").first).to_contain_text("照片未体现整改后现场")
    file_report(head, live_server, hazard, "补拍整改后照片，清理完毕", "blue")
    review(staff, live_server, hazard, "accept")

    # 5. The hazard shows as closed, for staff and for the head.
    expect(staff.locator(".hazard-status-accepted")).to_be_visible()
    expect(staff.get_by_test_id("closed-at")).to_be_visible()
    head.goto(f"{live_server.url}{hazard.get_absolute_url()}")
    expect(head.locator(".hazard-status-accepted")).to_be_visible()
    expect(head.get_by_test_id("report-status")).to_have_count(2)
    head.screenshot(path=screenshot_dir / "hazard-closed-phone.png", full_page=True)
    hazard.refresh_from_db()
    assert hazard.status == "accepted"
    assert [r.status for r in hazard.reports.order_by("filed_at")] == ["returned", "accepted"]
    assert all(r.evidence.count() == 1 for r in hazard.reports.all())
    assert head_errors == [] and staff_errors == []
    head_context.close()
    staff_context.close()
