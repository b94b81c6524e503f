"""The statistics charts in a real browser: committee staff open the statistics page at
desk width (1280) and on a phone (390); Apache ECharts draws every chart (an SVG with
shapes in it, not an empty box), nothing breaks the Content-Security-Policy, nothing
scrolls sideways on the phone, and on paper the tables stand in for the charts.
Screenshots go to var/screenshots/statistics-desk.png and statistics-phone.png (and the
home page's charts to home-charts-desk.png)."""

import datetime as dt

import pytest

from inspections.services import hazards as hazard_services
from inspections.services import reports as report_services
from safetyzone.org.roles import Role
from safetyzone.org.services import roles_sync
from tests.browser.pages import sign_in, watch
from tests.factories import EnterpriseFactory, UnitFactory, UserFactory
from tests.inspections.factories import key_area

CHARTS = ("hazards-by-month", "rectification-by-unit", "hazards-by-level", "hazards-by-area")


@pytest.fixture
def hazards(db):
    """Hazards of two units over the months up to today, a third of them closed."""
    roles_sync()
    office = UnitFactory(name="高新区安委办", membership="office")
    staff = UserFactory(username="staff", unit=office, roles=[Role.COMMITTEE_STAFF])
    today = dt.date.today()
    for u, name in enumerate(("应急管理局", "越山街道办事处")):
        unit = UnitFactory(name=name)
        head = UserFactory(unit=unit, roles=[Role.DEPARTMENT_HEAD])
        enterprise = EnterpriseFactory(supervising_unit=unit)
        enterprise.key_areas.set([key_area("fire"), key_area("construction")])
        for i in range(6 + 3 * u):
            found = today - dt.timedelta(days=25 * i)
            hazard = hazard_services.hazard_create(
                actor=staff,
                enterprise=enterprise,
                key_area=key_area(("fire", "construction")[i % 2]),
                description=f"隐患{u}-{i}",
                level="general",
                found_on=found,
                deadline=found + dt.timedelta(days=15),
                responsible_person="王经理",
            )
            if i % 3 == 0:
                hazard_services.hazard_start_rectification(actor=head, hazard=hazard)
                report_services.report_file(
                    actor=head, hazard=hazard, measures_taken="已清理", completed_on=today
                )
                report_services.report_accept(actor=staff, hazard=hazard)
    return staff


def _open_statistics(page, live_server) -> list[str]:
    """Sign in as staff and open the statistics; the script errors and the console's CSP
    reports from then on."""
    problems = watch(page).page_errors
    page.on(
        "console",
        lambda m: problems.append(m.text) if "Content Security Policy" in m.text else None,
    )
    sign_in(page, live_server.url, "staff")
    page.goto(f"{live_server.url}/inspections/statistics/")
    return problems


def _assert_drawn(page, charts=CHARTS) -> None:
    for key in charts:
        canvas = page.locator(f'[data-testid="chart-{key}"] [data-chart]')
        canvas.locator("svg").wait_for()
        drawn = canvas.evaluate(
            """(el) => {
              const svg = el.querySelector("svg");
              const box = svg.getBoundingClientRect();
              return {
                width: box.width,
                height: box.height,
                shapes: svg.querySelectorAll("path, rect, circle").length,
                texts: svg.querySelectorAll("text").length,
              };
            }"""
        )
        assert drawn["width"] > 100 and drawn["height"] > 100, (key, drawn)
        assert drawn["shapes"] > 3 and drawn["texts"] > 0, (key, drawn)


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_statistics_charts_draw_at_desk_and_phone_width(
    live_server, desktop, phone, hazards, screenshot_dir
):
    from playwright.sync_api import expect

    for name, page in (("desk", desktop), ("phone", phone)):
        problems = _open_statistics(page, live_server)
        _assert_drawn(page)
        width = page.viewport_size["width"]
        assert page.evaluate("document.documentElement.scrollWidth") <= width, name
        page.screenshot(path=screenshot_dir / f"statistics-{name}.png", full_page=True)

        # The table behind a chart: hidden in its <details> until asked for.
        table = page.get_by_test_id("chart-table-hazards-by-month")
        expect(table).to_be_hidden()
        page.locator('[data-testid="chart-hazards-by-month"] summary').click()
        expect(table).to_be_visible()
        # On paper the tables print and the charts do not.
        page.emulate_media(media="print")
        expect(page.get_by_test_id("chart-table-rectification-by-unit")).to_be_visible()
        expect(page.locator(".chart-canvas").first).to_be_hidden()
        assert problems == [], (name, problems)
        if name == "desk":
            # The home page draws its charts the same way.
            page.emulate_media(media="screen")
            page.goto(f"{live_server.url}/")
            _assert_drawn(page, ("hazards-by-month", "rectification-by-unit"))
            page.screenshot(path=screenshot_dir / "home-charts-desk.png", full_page=True)
            assert problems == [], (name, problems)


def _panel_rows(page) -> tuple[float, list[float]]:
    """The width of the home page's panel row, and the width its panels fill on each line."""
    measured = page.get_by_test_id("home-panels").evaluate(
        """(row) => {
          const lines = {};
          for (const panel of row.children) {
            const box = panel.getBoundingClientRect();
            const top = Math.round(box.top);
            lines[top] = (lines[top] || 0) + box.width;
          }
          return {width: row.getBoundingClientRect().width, lines: Object.values(lines)};
        }"""
    )
    return measured["width"], measured["lines"]


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_the_home_panels_leave_no_empty_cell_at_a_desk(
    live_server, desktop, hazards, screenshot_dir
):
    """Three quarter panels and a half-width chart panel do not fit one line: the chart
    goes down and the line's panels widen, instead of leaving a quarter empty."""
    page = desktop
    problems = watch(page)
    sign_in(page, live_server.url, "staff")
    _assert_drawn(page, ("hazards-by-month", "rectification-by-unit"))
    width, lines = _panel_rows(page)
    assert len(lines) >= 2
    for filled in lines:
        assert filled == pytest.approx(width, abs=2), (width, lines)
    page.screenshot(path=screenshot_dir / "issue15-home-panels-desk.png", full_page=True)
    assert problems.page_errors == [] and problems.failed == [], problems
