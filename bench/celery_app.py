"""The product's Celery app with one more task, for the PDF suite's bare round trip: a
worker started with ``celery -A bench.celery_app worker`` runs the product's tasks and
``bench.ping``, which does nothing but record that it ran, in the table the suite polls
(the suite creates ``bench_ping`` and drops it afterwards)."""

from django.db import connection

from safetyzone.celery import app

__all__ = ["app", "ping"]


@app.task(name="bench.ping", ignore_result=True, time_limit=30, soft_time_limit=20)
def ping(token: str) -> None:
    with connection.cursor() as cursor:
        cursor.execute("INSERT INTO bench_ping (token) VALUES (%s)", [token])
