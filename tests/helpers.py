"""Plain helpers the tests share, each written once (fixtures live in tests/conftest.py).

- outside services: ``need_service``, ``need_postgres``, ``need_redis``;
- API clients: ``api_token``, ``authenticate``; answers: ``listed_ids``, ``assert_field_error``;
- query counts: ``count_queries``;
- uploads: ``png_bytes``, ``png_upload``, ``huge_png_bytes``, ``huge_png_upload``,
  ``pdf_upload``, ``text_as_jpeg`` (files that are not what they claim);
- threads with their own database connections: ``in_threads``; a real worker:
  ``wait_for_worker``;
- what came out: ``pdf_text``, ``flat``, ``embedded_fonts``, ``told`` (notifications).
"""

import io
import os
import threading
from collections.abc import Callable, Mapping
from typing import Any

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile

REQUIRE_SERVICES = os.environ.get("REQUIRE_SERVICES") == "1"

# A minimal PDF: what upload checks and downloads need, nothing a renderer would read.
PDF_BYTES = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


# --- Outside services ----------------------------------------------------------------------


def need_service(name: str, reason: str) -> None:
    """A missing service fails the test under CI (REQUIRE_SERVICES=1), skips it elsewhere."""
    if REQUIRE_SERVICES:
        pytest.fail(f"{name} is required (REQUIRE_SERVICES=1) but {reason}")
    pytest.skip(f"{name} not available: {reason}")


def database_is_postgres() -> bool:
    return settings.DATABASES["default"]["ENGINE"].endswith("postgresql")


def need_postgres() -> None:
    """For tests about PostgreSQL itself: concurrent writers, a real worker."""
    if not database_is_postgres():
        need_service("PostgreSQL", "DATABASE_URL does not point at PostgreSQL")


def need_redis() -> None:
    if not os.environ.get("REDIS_URL"):
        need_service("Redis", "REDIS_URL is not set")


# --- API clients ---------------------------------------------------------------------------


def api_token(user) -> str:
    """A fresh API token for ``user``, issued the way the token endpoint issues one."""
    from safetyzone.org.tokens import api_token_issue

    _instance, token = api_token_issue(user=user)
    return token


def authenticate(api_client, user):
    """Authenticate by token, as a real client does: every request loads the user anew.
    ``None`` makes the client anonymous again."""
    api_client.credentials()
    if user is not None:
        api_client.credentials(HTTP_AUTHORIZATION=f"Token {api_token(user)}")
    return api_client


def listed_ids(response) -> set[int]:
    """The ids on an API list, paginated or not."""
    assert response.status_code == 200, response.content[:500]
    body = response.json()
    return {row["id"] for row in (body["results"] if isinstance(body, dict) else body)}


def assert_field_error(response, attr: str, code: str | None = None) -> dict:
    """The drf-standardized-errors shape, with an error on ``attr``; returns that error."""
    assert response.status_code == 400, response.content
    body = response.json()
    assert body["type"] == "validation_error"
    for error in body["errors"]:
        assert set(error) == {"code", "detail", "attr"}
    matching = [e for e in body["errors"] if e["attr"] == attr]
    assert matching, body
    if code is not None:
        assert matching[0]["code"] == code, body
    return matching[0]


# --- Query counts --------------------------------------------------------------------------


def count_queries(client, url: str, params: Mapping | None = None) -> int:
    """The queries of one successful GET (a test client or an API client), after a warm-up
    GET: the session, roles, permissions and the banner's warnings are cached after it."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.get(url, params or {})
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, params or {})
    assert response.status_code == 200, response.content[:500]
    return len(queries.captured_queries)


# --- Uploads -------------------------------------------------------------------------------


def png_bytes(size: tuple[int, int] = (40, 30), color: str = "red") -> bytes:
    """A real, small PNG image."""
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", size, color).save(buffer, "PNG")
    return buffer.getvalue()


def png_upload(
    name: str = "现场.png", *, color: str = "red", content_type: str = "image/png"
) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, png_bytes(color=color), content_type=content_type)


def huge_png_bytes(width: int = 8000, height: int = 5200) -> bytes:
    """A 1-bit image of ``width`` × ``height`` pixels: tens of megapixels in a few KB."""
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("1", (width, height)).save(buffer, "PNG")
    return buffer.getvalue()


def huge_png_upload(name: str = "huge.png") -> SimpleUploadedFile:
    """41.6 megapixels in a few kilobytes."""
    return SimpleUploadedFile(name, huge_png_bytes(), content_type="image/png")


def pdf_upload(
    name: str = "通知.pdf", *, content_type: str = "application/pdf"
) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PDF_BYTES, content_type=content_type)


def text_as_jpeg(name: str = "photo.jpg") -> SimpleUploadedFile:
    """Plain text that calls itself a JPEG photo."""
    return SimpleUploadedFile(name, b"just text\n" * 50, content_type="image/jpeg")


# --- Threads -------------------------------------------------------------------------------


def in_threads(n: int, work: Callable[[int], Any]) -> tuple[list[Any], list[BaseException]]:
    """Run ``work(i)`` in ``n`` threads released together; each thread has its own
    database connection, closed when it ends. Returns the results (``None`` where a
    thread raised) and the exceptions raised."""
    from django.db import connections

    barrier = threading.Barrier(n)
    results: list[Any] = [None] * n
    errors: list[BaseException] = []

    def run(i: int) -> None:
        try:
            barrier.wait(timeout=30)
            results[i] = work(i)
        except BaseException as exc:  # noqa: BLE001 - reported to the test
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(n)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not any(thread.is_alive() for thread in threads), "a thread hung"
    return results, errors


def wait_for_worker(done: Callable[[], bool], worker, log_path, what: str, seconds: float) -> None:
    """Poll ``done()`` until it is true; fail with the worker's log if the worker process
    exits first or ``seconds`` pass (``what``: "rendered", "delivered"...)."""
    import time

    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if done():
            return
        if worker.poll() is not None:
            pytest.fail(f"the worker exited ({worker.returncode}):\n{log_path.read_text()[-4000:]}")
        time.sleep(0.3)
    pytest.fail(f"not {what} within {seconds} s:\n{log_path.read_text()[-4000:]}")


# --- What came out -------------------------------------------------------------------------


def pdf_text(pdf: bytes) -> str:
    from pypdf import PdfReader

    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


def flat(text: str) -> str:
    """The text without the line breaks and spaces the layout puts in."""
    import re

    return re.sub(r"\s+", "", text)


def embedded_fonts(pdf: bytes) -> set[str]:
    """The base names of the fonts embedded in ``pdf`` (with a font file)."""
    from pypdf import PdfReader

    names = set()
    for page in PdfReader(io.BytesIO(pdf)).pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            for descendant in font.get("/DescendantFonts", [font]):
                descendant = descendant.get_object()
                descriptor = descendant["/FontDescriptor"].get_object()
                if any(k in descriptor for k in ("/FontFile", "/FontFile2", "/FontFile3")):
                    names.add(str(descendant["/BaseFont"]))
    return names


def told() -> list[tuple[str, str, str]]:
    """(recipient, reason, link) of every notification, in a stable order."""
    from safetyzone.notifications.models import Notification

    return sorted(Notification.objects.values_list("recipient__username", "reason", "subject_url"))
