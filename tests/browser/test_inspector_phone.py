"""The inspector on a phone (issue 15), in a real browser at 390x844: pick the enterprise
by searching, fail an item, attach a big camera photo (shrunk in the browser before it
is sent), lose the connection, submit (kept on the device), reload (the draft comes
back), get the connection back (it is sent), confirm the draft hazard, and find it in
the ledger: cards on the phone, a table on a desk."""

import io
import os

import pytest
from PIL import Image

from inspections.models import AnswerPhoto, ChecklistItem, ChecklistTemplate, Hazard
from safetyzone.org.models import KeyArea
from safetyzone.org.roles import Role
from safetyzone.org.services import roles_sync
from tests.browser.test_inspections import phone_as
from tests.factories import EnterpriseFactory, UnitFactory, UserFactory


def camera_jpeg(width: int = 4000, height: int = 3000) -> bytes:
    """A 12-megapixel photo that compresses as badly as a real one (noise)."""
    image = Image.frombytes("RGB", (width, height), os.urandom(width * height * 3))
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=92)
    return buffer.getvalue()


def in_page_language(page, msgid: str) -> str:
    from django.utils import translation

    with translation.override(page.evaluate("document.documentElement.lang")):
        return translation.gettext(msgid)


def display_of(page, selector: str) -> str:
    return page.eval_on_selector(selector, "el => getComputedStyle(el).display")


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_inspector_journey_offline_and_back_on_a_phone(browser, live_server, screenshot_dir):
    from playwright.sync_api import expect

    roles_sync()
    unit = UnitFactory(name="应急管理局", short_name="应急局")
    UserFactory(username="inspector", unit=unit, roles=[Role.INSPECTOR])
    fire, _created = KeyArea.objects.get_or_create(code="fire", defaults={"name": "消防"})
    gas, _created = KeyArea.objects.get_or_create(code="gas", defaults={"name": "燃气"})
    target = EnterpriseFactory(name="硅谷商业综合体", supervising_unit=unit)
    target.key_areas.set([fire])
    other = EnterpriseFactory(name="北湖燃气站", supervising_unit=unit)
    other.key_areas.set([gas])
    template = ChecklistTemplate.objects.create(key_area=fire, name="手机消防检查表")
    questions = ["疏散通道是否畅通", "灭火器是否有效", "消防控制室是否值班"]
    for order, question in enumerate(questions, 1):
        ChecklistItem.objects.create(template=template, order=order, question=question)
    big = camera_jpeg()

    context, page, errors = phone_as(browser, live_server, "inspector")
    form_url = f"{live_server.url}/inspections/inspections/new/?template={template.pk}"
    page.goto(form_url)

    # 1. Pick the enterprise by searching part of its credit code.
    select = page.get_by_test_id("enterprise")
    expect(select.locator("option")).to_have_count(3)  # the empty choice and two
    page.get_by_test_id("enterprise-search").fill(target.credit_code[-8:])
    expect(select).to_have_value(str(target.pk))
    expect(select.locator("option")).to_have_count(2)

    # 2. Fail item 1: only then is there a photo picker; attach the big photo.
    expect(page.get_by_test_id("photo-1")).to_be_hidden()
    page.get_by_test_id("result-1-fail").tap()
    expect(page.get_by_test_id("photo-1")).to_be_visible()
    expect(page.get_by_test_id("photo-2")).to_be_hidden()
    page.get_by_test_id("note-1").fill("安全出口堆放纸箱")
    page.get_by_test_id("photo-1").set_input_files(
        [{"name": "IMG_0001.jpg", "mimeType": "image/jpeg", "buffer": big}]
    )
    expect(page.get_by_test_id("previews-1").locator("img")).to_have_count(1)
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.screenshot(path=screenshot_dir / "issue15-form-phone.png", full_page=True)

    # A refused submission (an enforcement visit needs two inspectors) comes back with
    # the error beside the field, and the shrunk photo is still there.
    page.locator("input[name=is_enforcement]").check()
    page.get_by_test_id("save-inspection").tap()
    expect(
        page.locator("#div_id_inspectors .invalid-feedback, #div_id_inspectors .text-danger")
    ).not_to_have_count(0)
    expect(page.get_by_test_id("previews-1").locator("img")).to_have_count(1)
    page.locator("input[name=is_enforcement]").uncheck()

    # 3. Offline: the submission is kept on the device.
    context.set_offline(True)
    page.get_by_test_id("save-inspection").tap()
    expect(page.get_by_test_id("offline-banner")).to_be_visible()
    expect(page.get_by_test_id("offline-banner")).to_contain_text(
        in_page_language(page, "Saved on this device: it will be sent when you are online.")
    )
    page.screenshot(path=screenshot_dir / "issue15-offline-banner-phone.png", full_page=True)
    assert not Hazard.objects.exists() and not AnswerPhoto.objects.exists()

    # 4. Reload (still offline): the page and the draft come back.
    page.reload()
    expect(page.get_by_test_id("draft-restored")).to_be_visible()
    expect(page.get_by_test_id("enterprise")).to_have_value(str(target.pk))
    expect(page.get_by_test_id("note-1")).to_have_value("安全出口堆放纸箱")
    expect(page.locator("input[value=fail]").first).to_be_checked()
    expect(page.get_by_test_id("previews-1").locator("img")).to_have_count(1)
    expect(page.get_by_test_id("offline-banner")).to_be_visible()
    # The page came from the form's service worker, not from the network.
    assert page.evaluate("navigator.serviceWorker.controller !== null")

    # 5. Online again: it is sent by itself, and the drafts screen follows.
    context.set_offline(False)
    page.wait_for_url("**/drafts/", timeout=30_000)
    expect(page.locator(".alert-success")).to_be_visible()  # "the inspection was recorded"
    photo = AnswerPhoto.objects.get()
    assert photo.image.size < len(big) / 4, (photo.image.size, len(big))
    with Image.open(photo.image) as stored:
        assert max(stored.size) <= 1600 and stored.format == "JPEG"
    expect(page.get_by_test_id("draft-1")).to_be_visible()
    expect(page.get_by_test_id("draft-description-1")).to_have_value(
        "疏散通道是否畅通：安全出口堆放纸箱"
    )
    expect(page.get_by_test_id("draft-level-1")).to_have_value("general")
    expect(page.get_by_test_id("draft-photos").locator("img")).to_have_count(1)
    page.screenshot(path=screenshot_dir / "issue15-drafts-phone.png", full_page=True)

    # 6. Confirm the draft: a hazard with the photo.
    page.get_by_test_id("confirm-1").tap()
    expect(page.get_by_test_id("draft-hazard-1")).to_contain_text("YH-")
    hazard = Hazard.objects.get()
    assert hazard.photos.count() == 1 and hazard.level == "general"

    # 7. The ledger: cards on the phone, a table on a desk, one markup.
    page.goto(f"{live_server.url}/inspections/hazards/")
    row = "[data-testid=ledger] tbody tr"
    expect(page.locator(row)).to_have_count(1)
    expect(page.locator(row)).to_contain_text(hazard.code)
    assert display_of(page, row) == "block"
    assert display_of(page, "[data-testid=ledger] thead") == "none"
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.screenshot(path=screenshot_dir / "issue15-ledger-phone.png", full_page=True)
    page.goto(f"{live_server.url}/inspections/inspections/")
    assert display_of(page, "[data-testid=inspection-table] tbody tr") == "block"
    page.screenshot(path=screenshot_dir / "issue15-inspections-phone.png", full_page=True)

    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(f"{live_server.url}/inspections/hazards/")
    assert display_of(page, row) == "table-row"
    assert display_of(page, "[data-testid=ledger] thead") == "table-header-group"
    page.screenshot(path=screenshot_dir / "issue15-ledger-desk.png", full_page=True)
    assert errors == []
    context.close()
