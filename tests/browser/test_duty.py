"""Staff generate and publish the June roster in a real browser; the officer on duty
logs an entry and hands over the shift on a phone."""

import re
from datetime import date

import pytest

from duty.models import DutyLogEntry, DutyRoster, Handover, ShiftAssignment
from safetyzone.org.roles import Role
from safetyzone.org.services import roles_sync
from tests.browser.pages import sign_in, watch
from tests.duty.factories import empty_duty_log
from tests.factories import UnitFactory, UserFactory


def duty_office(*, officers: int):
    """The office's committee staff, three leaders on duty and ``officers`` duty officers."""
    roles_sync()
    office = UnitFactory(name="高新区安全生产委员会办公室", membership="office")
    staff = UserFactory(username="staff", unit=office, roles=[Role.COMMITTEE_STAFF])
    leaders = [
        UserFactory(
            username=f"leader{i}", display_name=f"带班{i}", unit=office, roles=[Role.DUTY_LEADER]
        )
        for i in range(3)
    ]
    people = [
        UserFactory(
            username=f"officer{i}",
            display_name=f"值班员{i}",
            unit=office,
            roles=[Role.DUTY_OFFICER],
        )
        for i in range(officers)
    ]
    return office, staff, leaders, people


@pytest.fixture
def log_emptied_after(live_server):
    """The duty log is append-only even to the flush that empties the tables after a
    transactional test: empty it first, the one sanctioned way."""
    yield
    empty_duty_log()


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_staff_generate_and_publish_june_and_the_officer_logs_and_hands_over(
    live_server, desktop, phone, screenshot_dir, log_emptied_after
):
    from playwright.sync_api import expect

    office, _staff, leaders, officers = duty_office(officers=3)
    base = live_server.url

    page = desktop
    at_desk = watch(page)
    sign_in(page, base, "staff")
    page.goto(f"{base}/duty/rosters/new/")
    page.locator("input[name=title]").fill("2024年6月值班表")
    page.locator("select[name=unit]").select_option(str(office.pk))
    page.locator("input[name=start_date]").fill("2024-06-01")
    page.locator("input[name=end_date]").fill("2024-06-30")
    page.locator("input[name=phone]").fill("0432-64501110")
    page.locator("main form button[type=submit]").click()
    expect(page.get_by_test_id("roster-status")).to_be_visible()
    roster = DutyRoster.objects.get()
    # Before generating, every day fails its checks and publishing is refused.
    expect(page.get_by_test_id("failing-day").first).to_be_visible()

    form = page.get_by_test_id("generate-form")
    for person in leaders:
        form.locator(f"input[name=leaders][value='{person.pk}']").check()
    for person in officers:
        form.locator(f"input[name=officers][value='{person.pk}']").check()
    page.get_by_test_id("generate").click()
    page.wait_for_url(re.compile(rf".*/duty/rosters/{roster.pk}/$"))
    expect(page.get_by_test_id("failing-day")).to_have_count(0)
    expect(page.get_by_test_id("month-calendar")).to_contain_text("带班0")
    page.get_by_test_id("publish").click()
    expect(page.get_by_test_id("roster-status")).to_have_attribute("class", re.compile("success"))
    roster.refresh_from_db()
    assert roster.is_published and roster.shifts.count() == 30
    page.screenshot(path=screenshot_dir / "duty-roster-published.png", full_page=True)

    # The officer on duty on 1 June, on a phone.
    first = roster.shifts.get(date=date(2024, 6, 1))
    on_duty = first.assignments.get(role=ShiftAssignment.Role.OFFICER).person
    on_phone = watch(phone)
    sign_in(phone, base, on_duty.username)
    phone.goto(f"{base}{first.get_absolute_url()}")
    log_form = phone.get_by_test_id("log-form")
    log_form.locator("select[name=kind]").select_option("call")
    log_form.locator("textarea[name=content]").fill(
        "越山街道来电：越山路下穿桥积水，已通知防汛抢险队"
    )
    log_form.locator("input[name=at]").fill("2024-06-01T10:15")
    log_form.locator("button[type=submit]").click()
    expect(phone.get_by_test_id("duty-log")).to_contain_text("越山路下穿桥积水")
    assert DutyLogEntry.objects.get().author == on_duty

    phone.get_by_test_id("handover-link").click()
    phone.locator("textarea[name=new_matters]").fill("下穿桥排水情况待复查")
    phone.get_by_test_id("handover-submit").click()
    # Handed over; the shift closes when the incoming leader confirms.
    expect(phone.get_by_test_id("handover-pending")).to_be_visible()
    expect(phone.get_by_test_id("handover")).to_contain_text("下穿桥排水情况待复查")
    handover = Handover.objects.get()
    assert handover.shift == first
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    phone.screenshot(path=screenshot_dir / "duty-handover-phone.png", full_page=True)
    errors = at_desk.page_errors + on_phone.page_errors
    assert errors == [], errors


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_next_months_roster_starts_from_the_last_ones_people_and_rotation(
    live_server, desktop, screenshot_dir
):
    """July's generate form comes ticked with June's people; generating it without
    ticking anything continues June's rotation: nobody of 30 June is on 1 July."""
    from playwright.sync_api import expect

    from duty.services.rosters import roster_create, roster_generate, roster_publish

    office, staff, leaders, officers = duty_office(officers=4)
    june = roster_create(
        actor=staff,
        title="2024年6月值班表",
        unit=office,
        start_date=date(2024, 6, 1),
        end_date=date(2024, 6, 30),
    )
    roster_generate(roster=june, actor=staff, leaders=leaders, officers=officers)
    roster_publish(roster=june, actor=staff)
    base = live_server.url

    page = desktop
    seen = watch(page)
    sign_in(page, base, "staff")
    page.goto(f"{base}/duty/rosters/new/")
    page.locator("input[name=title]").fill("2024年7月值班表")
    page.locator("select[name=unit]").select_option(str(office.pk))
    page.locator("input[name=start_date]").fill("2024-07-01")
    page.locator("input[name=end_date]").fill("2024-07-31")
    page.locator("main form button[type=submit]").click()
    expect(page.get_by_test_id("roster-status")).to_be_visible()
    july = DutyRoster.objects.get(start_date=date(2024, 7, 1))

    form = page.get_by_test_id("generate-form")
    # Nobody re-ticks the names: June's people come ticked, and the seed stays folded.
    for person in leaders:
        expect(form.locator(f"input[name=leaders][value='{person.pk}']")).to_be_checked()
    for person in officers:
        expect(form.locator(f"input[name=officers][value='{person.pk}']")).to_be_checked()
    expect(page.get_by_test_id("generate-advanced")).not_to_have_attribute("open", "")
    expect(form.locator("input[name=seed]")).not_to_be_visible()
    page.get_by_test_id("generate").click()
    page.wait_for_url(re.compile(rf".*/duty/rosters/{july.pk}/$"))
    expect(page.get_by_test_id("failing-day")).to_have_count(0)
    page.screenshot(path=screenshot_dir / "duty-roster-next-month.png", full_page=True)

    on = lambda roster, day: set(  # noqa: E731
        ShiftAssignment.objects.filter(shift__roster=roster, shift__date=day).values_list(
            "person", flat=True
        )
    )
    assert on(july, date(2024, 7, 1))
    assert not on(june, date(2024, 6, 30)) & on(july, date(2024, 7, 1))
    assert july.shifts.count() == 31
    assert seen.page_errors == []
