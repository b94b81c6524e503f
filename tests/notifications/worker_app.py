"""The project's Celery app for the real-worker tests: a short Redis visibility timeout
(a message whose worker died comes back after seconds, not an hour), and the test's own
queue as the default, so that tasks the worker enqueues itself (deliveries) stay there."""

import os

from safetyzone.celery import app

app.conf.broker_transport_options = {
    "visibility_timeout": 3,
    "unacked_restore_interval": 1,
    "unacked_restore_throttle": 1,
}
if os.environ.get("TEST_CELERY_QUEUE"):
    app.conf.task_default_queue = os.environ["TEST_CELERY_QUEUE"]

__all__ = ["app"]
