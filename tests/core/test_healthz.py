"""/healthz: what a load balancer or `docker compose` asks before sending traffic."""

import socket
import time

import pytest
from django.conf import settings as django_settings
from django.db import OperationalError

from safetyzone.celery import app as celery_app
from tests.helpers import need_service

pytestmark = pytest.mark.django_db


def closed_port() -> int:
    """A port on 127.0.0.1 that nothing listens on (bound, then released)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def broker_url():
    """Point the Celery app at another broker for one test, then put it back."""
    original = celery_app.conf.broker_url

    def set_url(url: str) -> None:
        celery_app.conf.broker_url = url

    yield set_url
    celery_app.conf.broker_url = original


def test_healthz_is_200_when_the_database_answers(client, settings):
    settings.HEALTHZ_CHECK_BROKER = False
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "checks": {"database": "ok"}}
    assert "no-cache" in response["Cache-Control"]


def test_healthz_needs_no_login(client, settings):
    settings.HEALTHZ_CHECK_BROKER = False
    assert client.get("/healthz").status_code == 200


def test_healthz_refuses_post(client):
    assert client.post("/healthz").status_code == 405


def test_healthz_is_503_when_the_database_fails(client, settings, monkeypatch):
    # The one fake of this suite: a database that does not answer cannot be had cheaply.
    class BrokenConnection:
        def cursor(self):
            raise OperationalError("connection refused")

    settings.HEALTHZ_CHECK_BROKER = False
    monkeypatch.setattr("safetyzone.core.views.connection", BrokenConnection())
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json() == {
        "status": "unavailable",
        "checks": {"database": "OperationalError"},
    }


def test_healthz_is_503_when_the_broker_is_on_a_closed_port(client, settings, broker_url):
    settings.HEALTHZ_CHECK_BROKER = True
    broker_url(f"redis://127.0.0.1:{closed_port()}/0")
    started = time.monotonic()
    response = client.get("/healthz")
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "unavailable"
    assert body["checks"]["database"] == "ok"
    assert body["checks"]["broker"] != "ok"
    assert time.monotonic() - started < 5, "a probe must answer quickly"


@pytest.mark.services
def test_healthz_is_200_with_the_redis_broker_answering(client, settings):
    if not django_settings.REDIS_URL:
        need_service("Redis", "REDIS_URL is not set")
    settings.HEALTHZ_CHECK_BROKER = True
    assert celery_app.conf.broker_url.startswith("redis://")
    response = client.get("/healthz")
    assert response.status_code == 200, response.json()
    assert response.json() == {"status": "ok", "checks": {"database": "ok", "broker": "ok"}}
