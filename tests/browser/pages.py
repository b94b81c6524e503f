"""What browser tests do on every page: sign in through the login form, and collect what
went wrong on the way (script errors, answers of 400 and over) to assert none at the end."""

from dataclasses import dataclass, field

from tests.factories import TEST_PASSWORD


def sign_in(page, base_url: str, username: str) -> None:
    """Sign in through the login form, as a person would, and land on the home page."""
    page.goto(f"{base_url}/accounts/login/")
    page.locator("input[name=username]").fill(username)
    page.locator("input[name=password]").fill(TEST_PASSWORD)
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(f"{base_url}/")


@dataclass
class Problems:
    page_errors: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)


def watch(page) -> Problems:
    """From now on, the page's script errors and every answer of 400 and over."""
    problems = Problems()
    page.on("pageerror", lambda error: problems.page_errors.append(str(error)))
    page.on(
        "response",
        lambda response: (
            problems.failed.append(f"{response.status} {response.url}")
            if response.status >= 400
            else None
        ),
    )
    return problems
