"""With a real worker on Redis: the sweep task, triggered as beat triggers it, moved across
a deadline, leaves exactly the expected reminders in the app, in the mail and at the
group robot, once each."""

import datetime as dt
import json
import os
import threading
import time
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from zoneinfo import ZoneInfo

import pytest

from safetyzone.celery import app as celery_app
from safetyzone.notifications.models import Delivery, Notification, UnitWebhook
from safetyzone.notifications.tasks import run_sweeps_task
from tests.factories import TaskAssignmentFactory, TaskFactory

from ..conftest import database_is_postgres, need_service
from ..documents.test_worker import test_database_url
from .test_worker import start_worker, stop

pytestmark = pytest.mark.usefixtures("seed_again_after_module")

WAIT_SECONDS = 60
SHANGHAI = ZoneInfo("Asia/Shanghai")


class Robot(BaseHTTPRequestHandler):
    received: list = []

    def do_POST(self):  # noqa: N802 (http.server's name)
        Robot.received.append(json.loads(self.rfile.read(int(self.headers["Content-Length"]))))
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.end_headers()
        self.wfile.write(b'{"errcode": 0}')

    def log_message(self, *args):
        pass


@pytest.mark.services
@pytest.mark.xdist_group("celery-worker")
@pytest.mark.django_db(transaction=True)
def test_sweeps_on_a_real_worker_remind_once_in_app_mail_and_robot(alice, staff, tmp_path):
    if not os.environ.get("REDIS_URL"):
        need_service("Redis", "REDIS_URL is not set")
    if not database_is_postgres():
        need_service("PostgreSQL", "DATABASE_URL does not point at PostgreSQL")

    Robot.received = []
    server = ThreadingHTTPServer(("127.0.0.1", 0), Robot)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    UnitWebhook.objects.create(
        unit=alice.unit, url=f"http://127.0.0.1:{server.server_address[1]}/robot/send"
    )
    alice.email = "alice@example.org"
    alice.save()
    deadline = dt.date(2026, 3, 10)
    task = TaskFactory(lead_unit=alice.unit, deadline=deadline, title="节前安全检查")
    TaskAssignmentFactory(task=task, unit=alice.unit)

    queue = f"test-notifications-{uuid.uuid4().hex[:8]}"
    env = {
        **os.environ,
        "DATABASE_URL": test_database_url(),
        "CELERY_TASK_ALWAYS_EAGER": "0",
        "DJANGO_SETTINGS_MODULE": "safetyzone.settings",
        "VAR_DIR": str(tmp_path / "var"),
    }
    env.pop("EMAIL_URL", None)
    log_path = tmp_path / "worker.log"
    default_queue = celery_app.conf.task_default_queue
    celery_app.conf.task_always_eager = False  # conftest's autouse fixture restores it
    celery_app.conf.task_default_queue = queue
    worker = start_worker(queue, log_path, env)
    try:
        # Beat's daily 08:00 run, on the days around the deadline, each sent twice.
        days = [deadline + dt.timedelta(days=n) for n in (-4, -3, -1, 0, 1, 2)]
        for day in days:
            now = dt.datetime.combine(day, dt.time(8), tzinfo=SHANGHAI).isoformat()
            run_sweeps_task.delay("daily", now)
            run_sweeps_task.delay("daily", now)
        expected = [
            ("due_soon", deadline - dt.timedelta(days=3)),
            ("due_soon", deadline - dt.timedelta(days=1)),
            ("due_today", deadline),
            ("overdue", deadline + dt.timedelta(days=2)),
        ]
        mail_dir = tmp_path / "var" / "mail"
        until = time.monotonic() + WAIT_SECONDS
        while time.monotonic() < until:
            done = Delivery.objects.filter(status=Delivery.Status.SENT).count()
            if done >= 2 * len(expected):
                break
            if worker.poll() is not None:
                pytest.fail(f"the worker exited:\n{log_path.read_text()[-4000:]}")
            time.sleep(0.3)
        else:
            pytest.fail(f"not delivered in {WAIT_SECONDS} s:\n{log_path.read_text()[-4000:]}")
        time.sleep(1)  # anything sent twice would arrive now

        in_app = sorted(
            Notification.objects.filter(recipient=alice).values_list("reason", "due_date")
        )
        assert in_app == expected
        assert not Notification.objects.filter(recipient=staff).exists()
        mails = list(mail_dir.glob("*.log"))
        assert sum(f.read_text().count("Subject: ") for f in mails) == len(expected)
        assert len(Robot.received) == len(expected)
        assert all("节前安全检查" in r["text"]["content"] for r in Robot.received)
    finally:
        celery_app.conf.task_default_queue = default_queue
        stop(worker)
        server.shutdown()
        server.server_close()
        with celery_app.connection_for_write() as conn:
            conn.default_channel.queue_delete(queue)
