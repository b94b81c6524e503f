"""A department head on a phone logs in and lands on a Chinese home page.

One real browser run through the whole stack (login form, session, locale, static
files, Bootstrap's collapsing navbar) that the test client cannot see.
"""

import re
from pathlib import Path

import pytest
from django.utils import translation

from safetyzone.org.roles import Role
from safetyzone.org.services import roles_sync
from tests.browser.pages import sign_in, watch
from tests.factories import UnitFactory, UserFactory

ZH_CATALOGUE = Path(__file__).resolve().parents[2] / "locale" / "zh_Hans" / "LC_MESSAGES"
CJK = re.compile(r"[\u4e00-\u9fff]")


def zh_hans(msgid: str) -> str:
    with translation.override("zh-hans"):
        return translation.gettext(msgid)


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_head_logs_in_on_a_phone_and_sees_the_chinese_home(live_server, phone, screenshot_dir):
    from playwright.sync_api import expect

    roles_sync()
    unit = UnitFactory(name="应急管理局", short_name="应急局")
    UserFactory(username="head", unit=unit, roles=[Role.DEPARTMENT_HEAD])
    problems = watch(phone)

    sign_in(phone, live_server.url, "head")

    expect(phone.locator("html")).to_have_attribute("lang", "zh-hans")
    expect(phone.locator("main")).to_contain_text("应急管理局")
    # At phone width the navigation folds behind the toggler and nothing scrolls sideways.
    nav = phone.locator("#main-nav")
    toggler = phone.locator(".navbar-toggler")
    expect(toggler).to_be_visible()
    expect(nav).to_be_hidden()
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    phone.screenshot(path=screenshot_dir / "home-phone.png", full_page=True)

    toggler.tap()
    # Bootstrap animates the opening ("collapsing"); "show" stays once it is open.
    expect(nav).to_have_class(re.compile(r"(^|\s)show(\s|$)"))
    expect(nav).to_be_visible()
    if list(ZH_CATALOGUE.glob("*.po")):
        campaigns = zh_hans("Campaigns")
        assert CJK.search(campaigns), (
            "locale/zh_Hans translates no 'Campaigns', or its .mo is not compiled (make messages)"
        )
        expect(nav).to_contain_text(campaigns)
    phone.screenshot(path=screenshot_dir / "home-phone-menu.png", full_page=True)

    assert problems.page_errors == [], problems.page_errors
    assert problems.failed == [], problems.failed
