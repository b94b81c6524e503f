"""Leave asked for approval, in a real browser: a duty officer asks for leave on a phone
(the days overlap their shift on a published roster); committee staff, at a desk, see
the request with that shift and grant it; the leave is recorded and the officer is told.
The pages are in English (the language switch's cookie), so the labels read as in the
code."""

from datetime import timedelta

import pytest
from django.utils import timezone

from duty.models import LeaveRequest
from safetyzone.notifications.models import Notification
from safetyzone.org.roles import Role
from safetyzone.org.services import roles_sync
from tests.browser.pages import sign_in, watch
from tests.duty.factories import RosterFactory, published, staff_shift
from tests.factories import UnitFactory, UserFactory

PAGE = "/duty/unavailability/"


def in_english(page, base_url: str) -> None:
    page.context.add_cookies([{"name": "django_language", "value": "en", "url": base_url}])


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_officer_asks_on_a_phone_and_staff_grant_at_a_desk(
    live_server, phone, desktop, screenshot_dir
):
    from playwright.sync_api import expect

    roles_sync()
    office = UnitFactory(name="高新区安全生产委员会办公室", membership="office")
    UserFactory(username="staff", unit=office, roles=[Role.COMMITTEE_STAFF])
    officer = UserFactory(
        username="officer", display_name="值班员甲", unit=office, roles=[Role.DUTY_OFFICER]
    )
    leader = UserFactory(username="leader", unit=office, roles=[Role.DUTY_LEADER])
    first = timezone.localdate() + timedelta(days=7)
    roster = published(
        RosterFactory(unit=office, start_date=first, end_date=first + timedelta(days=2))
    )
    staff_shift(roster, first + timedelta(days=1), leader, officer)
    base = live_server.url

    # The officer, on a phone: asks for three days off.
    in_english(phone, base)
    on_phone = watch(phone)
    sign_in(phone, base, "officer")
    phone.goto(f"{base}{PAGE}")
    form = phone.get_by_test_id("leave-ask")
    expect(form.locator("select[name=person]")).to_have_count(0)  # for themself only
    form.locator("input[name=start_date]").fill(first.isoformat())
    form.locator("input[name=end_date]").fill((first + timedelta(days=2)).isoformat())
    form.locator("textarea[name=reason]").fill("家中有事")
    form.get_by_role("button", name="Send to committee staff").click()
    row = phone.get_by_test_id("leave-request")
    expect(row).to_have_count(1)
    expect(row).to_have_attribute("data-status", "pending")
    expect(row.get_by_test_id("leave-decide")).to_have_count(0)
    phone.screenshot(path=str(screenshot_dir / "leave-asked-phone.png"), full_page=True)

    # Staff, at a desk: the request shows the officer's shift; they grant it.
    in_english(desktop, base)
    at_desk = watch(desktop)
    sign_in(desktop, base, "staff")
    desktop.goto(f"{base}{PAGE}")
    row = desktop.get_by_test_id("leave-request")
    clash = row.get_by_test_id("leave-clash")
    expect(clash).to_contain_text((first + timedelta(days=1)).isoformat())
    desktop.screenshot(path=str(screenshot_dir / "leave-to-decide-desk.png"), full_page=True)
    row.locator("input[name=note]").fill("同意，请安排替班")
    row.get_by_role("button", name="Grant").click()
    expect(desktop.get_by_test_id("leave-request")).to_have_attribute("data-status", "granted")
    expect(desktop.get_by_test_id("recorded-leave")).to_contain_text("值班员甲")

    request = LeaveRequest.objects.get()
    assert request.leave is not None
    assert Notification.objects.filter(
        recipient=officer, reason=Notification.Reason.LEAVE_DECIDED
    ).exists()
    for problems in (on_phone, at_desk):
        assert problems.page_errors == []
        assert problems.failed == []
