"""Committee staff open the coverage matrix of a key period from the inspections menu,
see the gap named above the table (a unit that inspected none of its enterprises of a
key area), drill into that cell and find the enterprise not inspected; on a phone the
matrix scrolls inside its box, not the page."""

import datetime as dt

import pytest

from campaigns.models import KeyPeriod
from inspections.models import InspectionTarget
from safetyzone.org.roles import Role
from safetyzone.org.services import roles_sync
from tests.browser.pages import sign_in, watch
from tests.factories import EnterpriseFactory, UnitFactory, UserFactory
from tests.inspections.factories import (
    InspectionFactory,
    InspectionTaskFactory,
    key_area,
    plan_targets,
)


def dragon_boat() -> dict:
    """Two units planned a fire enterprise each for Dragon Boat 2024; the first inspected
    its own, the street office did not (the gap)."""
    roles_sync()
    office = UnitFactory(name="高新区安委办", membership="office")
    UserFactory(username="staff", unit=office, roles=[Role.COMMITTEE_STAFF])
    ema = UnitFactory(name="高新区应急管理局", short_name="应急局", order=1)
    street = UnitFactory(name="硅谷街道办事处", short_name="硅谷街道", order=2)
    fire = key_area("fire")
    period = KeyPeriod.objects.create(
        name="2024年端午节",
        start_date=dt.date(2024, 6, 8),
        end_date=dt.date(2024, 6, 10),
    )
    period.key_areas.set([fire])
    task = InspectionTaskFactory(
        key_area=fire,
        key_period=period,
        start_date=dt.date(2024, 6, 1),
        deadline=dt.date(2024, 6, 7),
    )
    visited = EnterpriseFactory(name="硅谷商业综合体", supervising_unit=ema)
    missed = EnterpriseFactory(name="北湖养老院", supervising_unit=street)
    for enterprise in (visited, missed):
        enterprise.key_areas.set([fire])
        plan_targets(task, enterprise.supervising_unit, enterprise)
    inspection = InspectionFactory(enterprise=visited, key_area=fire, task=task)
    InspectionTarget.objects.filter(enterprise=visited).update(inspection=inspection)
    return {"period": period, "street": street, "fire": fire, "missed": missed}


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_staff_see_a_gap_named_and_drill_into_it(live_server, desktop, screenshot_dir):
    from playwright.sync_api import expect

    world = dragon_boat()
    page = desktop
    problems = watch(page)
    sign_in(page, live_server.url, "staff")

    page.goto(f"{live_server.url}/inspections/")
    page.get_by_test_id("inspections-subnav").locator("a[href='/inspections/coverage/']").click()
    page.wait_for_url(f"{live_server.url}/inspections/coverage/")

    gap = page.get_by_test_id("coverage-gap")
    expect(gap).to_have_count(1)
    expect(gap).to_contain_text("硅谷街道")
    expect(gap).to_contain_text("消防")
    cell = page.locator(
        f"[data-testid=coverage-cell][data-unit='{world['street'].pk}']"
        f"[data-key-area='{world['fire'].pk}']"
    )
    expect(cell).to_have_attribute("data-state", "gap")
    expect(cell.locator(".coverage-figures")).to_have_attribute("data-figures", "1/0/0/0/0")
    expect(page.locator("[data-testid=coverage-cell][data-state=full]")).to_have_count(1)
    page.screenshot(path=screenshot_dir / "coverage-matrix.png", full_page=True)
    # On paper: the table and the gaps, without the filters and the export button.
    page.emulate_media(media="print")
    expect(page.get_by_test_id("coverage-filters")).to_be_hidden()
    expect(page.get_by_test_id("export-coverage_xlsx")).to_be_hidden()
    expect(page.get_by_test_id("coverage-matrix")).to_be_visible()
    expect(gap).to_be_visible()
    page.emulate_media(media="screen")

    cell.locator("a").click()
    page.wait_for_url(f"{live_server.url}/inspections/coverage/cell/**")
    row = page.get_by_test_id("coverage-enterprise")
    expect(row).to_have_count(1)
    expect(row).to_contain_text(world["missed"].name)
    expect(row).to_have_attribute("data-state", "gap")
    page.screenshot(path=screenshot_dir / "coverage-cell.png", full_page=True)
    assert problems.page_errors == [], problems.page_errors
    assert problems.failed == [], problems.failed


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_the_matrix_scrolls_in_its_box_on_a_phone(live_server, phone, screenshot_dir):
    from playwright.sync_api import expect

    dragon_boat()
    for n in range(6):  # more key areas than a phone's width holds
        KeyPeriod.objects.get().key_areas.add(key_area(f"area-{n}"))
    page = phone
    sign_in(page, live_server.url, "staff")
    page.goto(f"{live_server.url}/inspections/coverage/")
    expect(page.get_by_test_id("coverage-matrix")).to_be_visible()
    page_width, view_width = page.evaluate(
        "[document.documentElement.scrollWidth, window.innerWidth]"
    )
    assert page_width <= view_width
    # Cells keep their figures on one line: no column squeezed into a tall row.
    row = page.locator("[data-testid=coverage-matrix] tbody tr").first
    assert row.bounding_box()["height"] < 80
    page.screenshot(path=screenshot_dir / "coverage-matrix-phone.png", full_page=True)
