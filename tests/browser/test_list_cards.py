"""The long lists a head opens on a phone are cards there and a table on a desk, from one
markup (.table-cards): the rectification reports and the campaign tasks, at 390x844 with
nothing to scroll sideways, and at 1280 wide as a table."""

import datetime as dt

import pytest
from django.urls import reverse

from inspections.services import hazards as hazard_services
from inspections.services import reports as report_services
from safetyzone.org.roles import Role
from safetyzone.org.services import roles_sync
from tests.browser.pages import sign_in, watch
from tests.factories import EnterpriseFactory, UnitFactory, UserFactory, task_for_units
from tests.inspections.factories import key_area

LISTS = {
    "reports": "inspections:report-list",
    "campaign-tasks": "campaigns:task-list",
}


@pytest.fixture
def head_with_lists(db):
    """A head whose unit has a rectification report pending review and a campaign task
    shared with another unit, with long names as real ones are."""
    roles_sync()
    office = UnitFactory(name="高新区安全生产委员会办公室", membership="office")
    unit = UnitFactory(name="高新区应急管理局")
    street = UnitFactory(name="高新区越山街道办事处")
    staff = UserFactory(username="staff", unit=office, roles=[Role.COMMITTEE_STAFF])
    head = UserFactory(username="head", unit=unit, roles=[Role.DEPARTMENT_HEAD])
    enterprise = EnterpriseFactory(
        name="吉林高新区硅谷商业综合体管理有限公司", supervising_unit=unit
    )
    enterprise.key_areas.set([key_area("fire")])
    today = dt.date.today()
    hazard = hazard_services.hazard_create(
        actor=staff,
        enterprise=enterprise,
        key_area=key_area("fire"),
        description="疏散通道堆放杂物，安全出口指示标志损坏",
        level="general",
        found_on=today - dt.timedelta(days=5),
        deadline=today + dt.timedelta(days=10),
        responsible_person="王经理",
    )
    hazard_services.hazard_start_rectification(actor=head, hazard=hazard)
    report_services.report_file(
        actor=head, hazard=hazard, measures_taken="已清理杂物，更换指示标志", completed_on=today
    )
    task_for_units(
        lead=unit, assisting=[street], title="端午节前危险化学品企业安全隐患排查整治专项任务"
    )
    return head


def display_of(page, selector: str) -> str:
    return page.eval_on_selector(selector, "el => getComputedStyle(el).display")


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_reports_and_campaign_tasks_are_cards_on_a_phone_and_a_table_on_a_desk(
    live_server, phone, desktop, head_with_lists, screenshot_dir
):
    from playwright.sync_api import expect

    for page, width, name in ((phone, 390, "phone"), (desktop, 1280, "desk")):
        problems = watch(page)
        sign_in(page, live_server.url, "head")
        for testid, url_name in LISTS.items():
            page.goto(f"{live_server.url}{reverse(url_name)}")
            row = f"[data-testid={testid}] tbody tr"
            expect(page.locator(row)).to_have_count(1)
            if name == "phone":
                assert display_of(page, row) == "block", testid
                assert display_of(page, f"[data-testid={testid}] thead") == "none", testid
                assert page.evaluate("document.documentElement.scrollWidth") <= width, testid
            else:
                assert display_of(page, row) == "table-row", testid
                assert display_of(page, f"[data-testid={testid}] thead") != "none", testid
            page.screenshot(path=screenshot_dir / f"issue15-{testid}-{name}.png", full_page=True)
        assert problems.page_errors == [], problems.page_errors
        assert problems.failed == [], problems.failed
