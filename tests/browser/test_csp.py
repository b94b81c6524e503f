"""The Content-Security-Policy in a real browser: a stored payload or HTML injected into a
page runs nothing, while the site's own scripts (the language switcher, Bootstrap, htmx),
the admin, the browsable API and the Swagger UI keep working."""

import pytest

from safetyzone.org.roles import Role
from safetyzone.org.services import roles_sync
from tests.browser.pages import sign_in, watch
from tests.factories import TEST_PASSWORD, EnterpriseFactory, UnitFactory, UserFactory

PAYLOAD = '<img src=x onerror="window.__xss=1"><script>window.__xss=2</script>'
# What an escaping bug would put into a page: an inline handler and an inline script.
INJECT = """() => {
  document.body.insertAdjacentHTML("beforeend", '<img src="data:," onerror="window.__xss=3">');
  const script = document.createElement("script");
  script.textContent = "window.__xss = 4";
  document.body.appendChild(script);
}"""
WATCH = """() => {
  window.__violations = [];
  document.addEventListener("securitypolicyviolation", (event) => {
    window.__violations.push(event.violatedDirective + " " + event.blockedURI);
  });
}"""


class Watched:
    """A page that records script errors (pages.watch) and the console's CSP reports."""

    def __init__(self, page):
        self.page = page
        self.errors = watch(page).page_errors
        self.csp: list[str] = []
        page.on(
            "console",
            lambda message: (
                self.csp.append(message.text) if "Content Security Policy" in message.text else None
            ),
        )
        page.add_init_script(f"({WATCH})()")


@pytest.fixture
def people(db):
    roles_sync()
    unit = UnitFactory(name="应急管理局", short_name="应急局")
    UserFactory(username="head", unit=unit, roles=[Role.DEPARTMENT_HEAD])
    UserFactory(username="root", roles=[Role.ADMIN], is_staff=True, is_superuser=True)
    EnterpriseFactory(name=f"硅谷燃气站{PAYLOAD}", supervising_unit=unit)
    return unit


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_stored_and_injected_scripts_do_nothing(live_server, phone, people):
    from playwright.sync_api import expect

    watched = Watched(phone)
    sign_in(phone, live_server.url, "head")
    phone.goto(f"{live_server.url}/org/enterprises/")
    expect(phone.locator("main")).to_contain_text("硅谷燃气站<img src=x onerror=")

    phone.evaluate(INJECT)
    phone.wait_for_function("window.__violations.length >= 2")
    assert phone.evaluate("window.__xss") is None
    violations = phone.evaluate("window.__violations")
    assert all(v.startswith("script-src") for v in violations), violations
    assert watched.errors == [], watched.errors


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_language_switcher_still_switches(live_server, phone, people):
    from playwright.sync_api import expect

    watched = Watched(phone)
    sign_in(phone, live_server.url, "head")
    expect(phone.locator("html")).to_have_attribute("lang", "zh-hans")
    # At phone width the switcher sits in the folded navigation.
    phone.locator(".navbar-toggler").click()
    phone.locator("#language-switch").select_option("en")
    expect(phone.locator("html")).to_have_attribute("lang", "en")
    expect(phone.locator("#language-switch")).to_have_value("en")
    phone.locator(".navbar-toggler").click()
    phone.locator("#language-switch").select_option("zh-hans")
    expect(phone.locator("html")).to_have_attribute("lang", "zh-hans")
    assert phone.evaluate("window.__violations") == []
    assert watched.csp == [], watched.csp
    assert watched.errors == [], watched.errors


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_admin_browsable_api_and_swagger_ui_work_under_the_policy(live_server, desktop, people):
    from playwright.sync_api import expect

    page = desktop
    watched = Watched(page)
    # The admin signs in through the admin's own login form, not the site's.
    page.goto(f"{live_server.url}/admin/login/")
    page.locator("input[name=username]").fill("root")
    page.locator("input[name=password]").fill(TEST_PASSWORD)
    page.locator("input[type=submit]").click()
    page.wait_for_url(f"{live_server.url}/admin/")
    # A change form with the admin's own scripts (select filters, date pickers...).
    page.goto(f"{live_server.url}/admin/org/user/add/")
    expect(page.locator("#user_form")).to_be_visible()

    page.goto(f"{live_server.url}/api/v1/units/")
    expect(page.locator(".response-info")).to_contain_text("应急管理局")

    page.goto(f"{live_server.url}/api/docs/")
    # The schema takes a few seconds to generate.
    expect(page.locator(".swagger-ui .info .title")).to_contain_text(
        "SafetyZone API", timeout=60_000
    )
    expect(page.locator(".opblock").first).to_be_visible()

    assert page.evaluate("window.__violations") == []
    assert watched.csp == [], watched.csp
    assert watched.errors == [], watched.errors
