"""The project's Celery app with a short Redis visibility timeout, for the killed-worker
test: a message whose worker died comes back to the queue after seconds, not an hour."""

from safetyzone.celery import app

app.conf.broker_transport_options = {
    "visibility_timeout": 3,
    "unacked_restore_interval": 1,
    "unacked_restore_throttle": 1,
}

__all__ = ["app"]
