"""A document requested through the service is rendered by a real Celery worker, reading
the broker (Redis) and the test database (PostgreSQL) like production does."""

import io
import os
import subprocess
import sys
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import quote

import pytest
from django.conf import settings
from django.db import connection
from pypdf import PdfReader

from safetyzone.celery import app as celery_app
from safetyzone.documents import services
from safetyzone.documents.models import GeneratedDocument
from tests.helpers import need_postgres, need_redis, wait_for_worker

WAIT_SECONDS = 60
VENV_BIN = Path(sys.executable).parent


def test_database_url() -> str:
    """A URL for the database this test runs on (pytest-django's test database)."""
    db = connection.settings_dict
    credentials = quote(db["USER"] or "", safe="")
    if db["PASSWORD"]:
        credentials += ":" + quote(db["PASSWORD"], safe="")
    host = db["HOST"] or "127.0.0.1"
    port = f":{db['PORT']}" if db["PORT"] else ""
    return f"postgres://{credentials}@{host}{port}/{quote(db['NAME'], safe='')}"


test_database_url.__test__ = False  # a helper, not a test


@contextmanager
def documents_worker(tmp_path) -> Iterator[tuple[subprocess.Popen, Path]]:
    """A real Celery worker of the project (``celery -A safetyzone worker``) on a queue of
    its own, reading the broker (Redis) and this test's database; the tasks this test
    sends go to it. Yields the worker and its log's path; stops it and removes the queue
    after. For a ``django_db(transaction=True)`` test (the worker must see its rows)."""
    need_redis()
    need_postgres()
    # Our own queue, so that no other worker on the same Redis takes the job.
    queue = f"test-documents-{uuid.uuid4().hex[:8]}"
    env = {
        **os.environ,
        "DATABASE_URL": test_database_url(),
        "REDIS_URL": os.environ["REDIS_URL"],
        "CELERY_TASK_ALWAYS_EAGER": "0",
        "MEDIA_ROOT": str(settings.MEDIA_ROOT),
        "DJANGO_SETTINGS_MODULE": "safetyzone.settings",
    }
    log_path = tmp_path / "worker.log"
    default_queue = celery_app.conf.task_default_queue
    celery_app.conf.task_always_eager = False  # conftest's autouse fixture restores it
    celery_app.conf.task_default_queue = queue
    with open(log_path, "wb") as log:
        worker = subprocess.Popen(
            [
                str(VENV_BIN / "celery"),
                "-A",
                "safetyzone",
                "worker",
                "--pool=solo",
                "-c",
                "1",
                "--without-gossip",
                "--without-mingle",
                "--without-heartbeat",
                "-Q",
                queue,
                "--loglevel=INFO",
            ],
            cwd=settings.BASE_DIR,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    try:
        yield worker, log_path
    finally:
        celery_app.conf.task_default_queue = default_queue
        worker.terminate()
        try:
            worker.wait(timeout=15)
        except subprocess.TimeoutExpired:
            worker.kill()
            worker.wait(timeout=5)
        with celery_app.connection_for_write() as conn:
            conn.default_channel.queue_delete(queue)  # and its binding key in Redis


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_real_worker_renders_a_requested_document(alice, unit_a, enterprises_a, tmp_path):
    with documents_worker(tmp_path) as (worker, log_path):
        document = services.document_request(user=alice, kind="unit_profile", subject=unit_a)
        assert document.status == GeneratedDocument.Status.QUEUED

        def rendered() -> bool:
            document.refresh_from_db()
            return not document.is_active

        wait_for_worker(rendered, worker, log_path, "rendered", WAIT_SECONDS)

        assert document.status == GeneratedDocument.Status.DONE, document.error
        path = Path(document.file.path)
        assert path.is_file()
        assert path.is_relative_to(Path(settings.MEDIA_ROOT))
        text = "".join(
            page.extract_text() for page in PdfReader(io.BytesIO(path.read_bytes())).pages
        )
        assert "应急管理局" in text
        assert "吉林长白山化工有限公司" in text
