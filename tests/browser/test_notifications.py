"""Work reaching someone's desk shows in their bell at once, in a real browser, staff →
head → staff → head: staff issue a task to the head's unit, the head sees it in the bell
and opens the assignment by its link; the head files a rectification report on a hazard
of the unit, staff see it in the bell and send it back, and the head sees it sent back.

The hazard is recorded through the service (the inspector's path has its own test);
every notification comes from the real pages and services. The pages are in English
(the language switch's cookie), so the reasons read as in the code."""

import datetime as dt
import re

import pytest

from inspections.services import hazards as hazard_services
from safetyzone.org.models import KeyArea
from safetyzone.org.roles import Role
from safetyzone.org.services import roles_sync
from tests.browser.pages import sign_in, watch
from tests.browser.test_inspections import file_report, review
from tests.factories import EnterpriseFactory, UnitFactory, UserFactory

TITLE = "端午节前危化品企业专项检查"


def desktop_as(browser, live_server, username: str):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, has_touch=True)
    context.set_default_timeout(15_000)
    context.add_cookies([{"name": "django_language", "value": "en", "url": live_server.url}])
    page = context.new_page()
    errors = watch(page).page_errors
    sign_in(page, live_server.url, username)
    return context, page, errors


def bell_shows(page, live_server, count: int) -> None:
    from playwright.sync_api import expect

    page.goto(f"{live_server.url}/")
    expect(page.get_by_test_id("unread-count")).to_contain_text(str(count))


def open_from_bell(page, subject: str, reason: str) -> None:
    """Go through the bell to the notification of ``subject`` with ``reason`` and open it
    by its link."""
    from playwright.sync_api import expect

    page.get_by_test_id("notification-bell").click()
    item = page.locator(".list-group-item").filter(has_text=subject).filter(has_text=reason)
    expect(item).to_have_count(1)
    item.get_by_role("button", name="Open").click()


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_work_arrives_in_the_bell_staff_head_staff_head(browser, live_server, screenshot_dir):
    from playwright.sync_api import expect

    roles_sync()
    unit = UnitFactory(name="应急管理局", short_name="应急局")
    UnitFactory(name="硅谷街道办事处", kind="street_office")  # another unit, not told
    office = UnitFactory(name="高新区安委办", membership="office")
    inspector = UserFactory(username="inspector", unit=unit, roles=[Role.INSPECTOR])
    UserFactory(username="head", unit=unit, roles=[Role.DEPARTMENT_HEAD])
    UserFactory(username="staff", unit=office, roles=[Role.COMMITTEE_STAFF])
    fire, _created = KeyArea.objects.get_or_create(code="fire", defaults={"name": "消防"})
    enterprise = EnterpriseFactory(name="硅谷商业综合体", supervising_unit=unit)
    enterprise.key_areas.set([fire])

    # 1. Staff issue a task to the head's unit through the form.
    staff_context, staff, staff_errors = desktop_as(browser, live_server, "staff")
    staff.goto(f"{live_server.url}/campaigns/tasks/new/")
    staff.locator("#id_title").fill(TITLE)
    staff.locator("#id_content").fill("对辖区危化品企业开展全覆盖检查。")
    deadline = dt.date.today() + dt.timedelta(days=14)
    staff.locator("#id_deadline").fill(deadline.isoformat())
    staff.locator("#id_lead_unit").select_option(str(unit.pk))
    staff.locator("main form button[type=submit]").click()
    staff.wait_for_url(re.compile(r"/campaigns/tasks/\d+/$"))

    # 2. The head sees it arrive in the bell and opens the assignment by its link.
    head_context, head, head_errors = desktop_as(browser, live_server, "head")
    bell_shows(head, live_server, 1)
    open_from_bell(head, TITLE, "Assigned to you")
    head.wait_for_url(re.compile(r"/campaigns/assignments/\d+/$"))
    expect(head.locator("main")).to_contain_text(TITLE)
    expect(head.get_by_test_id("status")).to_contain_text("Issued")
    head.goto(f"{live_server.url}/")
    expect(head.get_by_test_id("unread-count")).to_have_count(0)  # read by opening it

    # 3. A hazard of the head's unit: the head files a rectification report.
    hazard = hazard_services.hazard_create(
        actor=inspector,
        enterprise=enterprise,
        key_area=fire,
        description="安全出口堆放纸箱",
        found_on=dt.date.today() - dt.timedelta(days=3),
        responsible_person="王经理",
        place="一层东侧通道",
    )
    file_report(head, live_server, hazard, "已清理安全出口杂物", "green")

    # 4. Staff see it in the bell, open the hazard and send the report back.
    bell_shows(staff, live_server, 1)
    open_from_bell(staff, hazard.code, "Submitted for review")
    staff.wait_for_url(f"{live_server.url}{hazard.get_absolute_url()}")
    review(staff, live_server, hazard, "return", "照片未体现整改后现场")

    # 5. The head sees it sent back, with the reason, and opens the hazard.
    bell_shows(head, live_server, 1)
    head.get_by_test_id("notification-bell").click()
    returned = head.locator(".list-group-item").filter(has_text=hazard.code)
    expect(returned.filter(has_text="Sent back")).to_contain_text("照片未体现整改后现场")
    head.screenshot(path=screenshot_dir / "notifications-sent-back.png", full_page=True)
    open_from_bell(head, hazard.code, "Sent back")
    head.wait_for_url(f"{live_server.url}{hazard.get_absolute_url()}")
    expect(head.locator(".hazard-status-returned")).to_be_visible()

    assert staff_errors == [] and head_errors == []
    staff_context.close()
    head_context.close()
