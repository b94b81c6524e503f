"""Browser fixtures: Playwright's sync API driving Debian's chromium, never a browser of
Playwright's own (it cannot be downloaded where the office runs its tests).

Missing chromium skips the browser tests on a laptop and fails them under CI
(REQUIRE_SERVICES=1), like any other outside service.
"""

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.helpers import need_service

# Playwright's sync API keeps an asyncio event loop running in this thread, and Django
# refuses database calls from a thread with a running loop. The tests stay synchronous,
# so the guard only gets in the way here.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

CHROMIUM = Path(os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
# An ordinary phone: 390x844 CSS pixels, touch, mobile viewport rules.
PHONE = {
    "viewport": {"width": 390, "height": 844},
    "device_scale_factor": 2,
    "is_mobile": True,
    "has_touch": True,
}
SCREENSHOTS = Path(__file__).resolve().parents[2] / "var" / "screenshots"


@pytest.fixture(scope="session")
def browser():
    if not os.access(CHROMIUM, os.X_OK):
        need_service("chromium", f"{CHROMIUM} is not installed (apt-get install chromium)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError as exc:
        need_service("playwright", f"the Python package does not import: {exc}")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()


@pytest.fixture
def phone(browser) -> Iterator:
    """A fresh page in a phone-sized context (no cookies shared between tests)."""
    context = browser.new_context(**PHONE)
    context.set_default_timeout(15_000)
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture
def desktop(browser) -> Iterator:
    """A fresh page in a desk-sized context that accepts downloads."""
    context = browser.new_context(viewport={"width": 1280, "height": 900}, accept_downloads=True)
    context.set_default_timeout(20_000)
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture
def screenshot_dir() -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    return SCREENSHOTS


@pytest.fixture
def slow_worker(monkeypatch):
    """Document jobs run in a thread of their own once queued, as a worker would run them
    (the service the Celery task calls), each progress write followed by a pause so that
    the polling page sees the job move."""
    import threading
    import time

    from django.db import connection

    from safetyzone.documents import services as document_services
    from safetyzone.documents.models import GeneratedDocument

    threads: list[threading.Thread] = []
    real_write = document_services.Progress._write

    def slow_write(progress):
        real_write(progress)
        time.sleep(0.5)

    monkeypatch.setattr(document_services.Progress, "_write", slow_write)

    def work(document_id: int) -> None:
        try:
            document = GeneratedDocument.objects.get(pk=document_id)
            document_services.document_render(document=document)
        finally:
            connection.close()

    def enqueue(document_id: int, **_how) -> None:
        thread = threading.Thread(target=work, args=(document_id,))
        threads.append(thread)
        thread.start()

    monkeypatch.setattr(document_services, "_enqueue", enqueue)
    yield
    for thread in threads:
        thread.join(timeout=60)
