"""A worker killed in the middle of a delivery does not lose it: the message was not
acknowledged (acks_late), Redis gives it back, another worker completes it, once."""

import os
import signal
import subprocess
import sys
import time
import uuid
from datetime import date

import pytest
from django.conf import settings

from safetyzone.celery import app as celery_app
from safetyzone.notifications.models import Delivery, DeliveryAttempt, UnitWebhook
from safetyzone.notifications.services import Draft, notifications_create
from tests.helpers import need_postgres, need_redis, wait_for_worker

from ..documents.test_worker import VENV_BIN, test_database_url
from .conftest import local_robot_env

pytestmark = pytest.mark.usefixtures("seed_again_after_module")

WAIT_SECONDS = 60


WORKER_ARGS = ["worker", "--pool=solo", "-c", "1", "--without-gossip", "--without-mingle"]


def start_celery(args: list[str], log_path, env, *, clock: bool = False) -> subprocess.Popen:
    """``celery -A tests.notifications.worker_app <args>``, its output in ``log_path``;
    with ``clock``, on the test's clock (tests/notifications/clocked.py)."""
    launcher = (
        [sys.executable, "-m", "tests.notifications.clocked"]
        if clock
        else [str(VENV_BIN / "celery")]
    )
    log = open(log_path, "ab")  # noqa: SIM115 (closed with the process)
    return subprocess.Popen(
        [*launcher, "-A", "tests.notifications.worker_app", *args, "--loglevel=INFO"],
        cwd=settings.BASE_DIR,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )


def start_worker(queue: str, log_path, env, *, clock: bool = False) -> subprocess.Popen:
    return start_celery(
        [*WORKER_ARGS, "--without-heartbeat", "-Q", queue],
        log_path,
        {**env, "TEST_CELERY_QUEUE": queue},
        clock=clock,
    )


def stop(worker: subprocess.Popen) -> None:
    if worker.poll() is None:
        worker.terminate()
        try:
            worker.wait(timeout=15)
        except subprocess.TimeoutExpired:
            worker.kill()
            worker.wait(timeout=5)


@pytest.mark.services
@pytest.mark.xdist_group("celery-worker")
@pytest.mark.django_db(transaction=True)
def test_killed_worker_loses_no_delivery(alice, tmp_path, local_robot):
    need_redis()
    need_postgres()

    local_robot.hold_first = 1  # the first POST hangs (the worker is killed meanwhile)
    UnitWebhook.objects.create(unit=alice.unit, url=local_robot.url("/robot/send"))

    queue = f"test-notifications-{uuid.uuid4().hex[:8]}"
    env = {
        **os.environ,
        "DATABASE_URL": test_database_url(),
        "CELERY_TASK_ALWAYS_EAGER": "0",
        "DJANGO_SETTINGS_MODULE": "safetyzone.settings",
        **local_robot_env(local_robot.url("/")),
    }
    log_path = tmp_path / "worker.log"
    default_queue = celery_app.conf.task_default_queue
    celery_app.conf.task_always_eager = False  # conftest's autouse fixture restores it
    celery_app.conf.task_default_queue = queue
    first = start_worker(queue, log_path, env)
    second = None
    try:
        notifications_create(
            drafts=[
                Draft(
                    recipient_id=alice.pk,
                    kind="hazard",
                    reason="overdue",
                    subject_key="inspections.hazard:1",
                    subject_label="YH-1",
                    due_date=date(2026, 3, 1),
                    message="隐患 YH-1 已逾期。",
                )
            ]
        )
        delivery = Delivery.objects.get()
        if not local_robot.holding.wait(WAIT_SECONDS):
            pytest.fail(f"the first worker never posted:\n{log_path.read_text()[-4000:]}")
        first.send_signal(signal.SIGKILL)  # in the middle of the POST
        first.wait(timeout=10)
        delivery.refresh_from_db()
        # The dead worker's claim stays until the message comes back (marked redelivered).
        assert delivery.status == Delivery.Status.SENDING

        second = start_worker(queue, log_path, env)

        def delivered() -> bool:
            delivery.refresh_from_db()
            return delivery.status not in (Delivery.Status.PENDING, Delivery.Status.SENDING)

        wait_for_worker(delivered, second, log_path, "delivered", WAIT_SECONDS)

        assert delivery.status == Delivery.Status.SENT, delivery.error
        time.sleep(4)  # past the visibility timeout: nothing comes back a second time
        assert len(local_robot.answered) == 1
        assert DeliveryAttempt.objects.filter(succeeded=True).count() == 1
    finally:
        local_robot.release.set()
        celery_app.conf.task_default_queue = default_queue
        stop(first)
        if second is not None:
            stop(second)
        with celery_app.connection_for_write() as conn:
            conn.default_channel.queue_delete(queue)
