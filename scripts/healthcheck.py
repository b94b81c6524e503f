#!/usr/bin/env python3
"""Container health checks for docker-compose.yml; exit 0 when healthy, 1 otherwise.

    python scripts/healthcheck.py web [PORT]  GET /healthz on the local gunicorn (port 8000)
    python scripts/healthcheck.py beat        the database and the broker that beat needs answer

The web check talks to gunicorn directly, so it says what the reverse proxy would:
the Host is the first of DJANGO_ALLOWED_HOSTS and X-Forwarded-Proto is https
(production redirects plain HTTP and refuses unknown hosts).
"""

import http.client
import os
import sys
from pathlib import Path

PROJECT = Path(__file__).resolve().parent.parent


def request_host(allowed_hosts: str) -> str:
    """A host name Django will accept, from the DJANGO_ALLOWED_HOSTS value."""
    for entry in allowed_hosts.split(","):
        entry = entry.strip()
        if entry and entry != "*":
            return entry.lstrip(".")
    return "localhost"


def check_web(port: int, path: str = "/healthz") -> bool:
    host = request_host(os.environ.get("DJANGO_ALLOWED_HOSTS", ""))
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        connection.request("GET", path, headers={"Host": host, "X-Forwarded-Proto": "https"})
        response = connection.getresponse()
        body = response.read(500).decode(errors="replace")
    except OSError as exc:
        print(f"web: {exc}")
        return False
    finally:
        connection.close()
    print(f"web: {response.status} {body}")
    return response.status == 200


def check_beat() -> bool:
    sys.path.insert(0, str(PROJECT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "safetyzone.settings")
    import django

    django.setup()
    from django.db import connection

    from safetyzone.celery import app

    try:
        connection.ensure_connection()
        with app.connection_for_write() as broker:
            broker.ensure_connection(max_retries=1, timeout=5)
    except Exception as exc:  # noqa: BLE001 - any failure means unhealthy
        print(f"beat: {type(exc).__name__}: {exc}")
        return False
    print("beat: database and broker answer")
    return True


def main(argv: list[str]) -> int:
    if argv[1:2] == ["web"] and len(argv) <= 3:
        return 0 if check_web(int(argv[2]) if len(argv) == 3 else 8000) else 1
    if argv[1:] == ["beat"]:
        return 0 if check_beat() else 1
    print(__doc__)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
