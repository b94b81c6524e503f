"""A document job whose worker died is handed back by the periodic sweep within
minutes, and still produces one result: a fresh running job is left alone, and a worker
that finishes after its job was handed back records nothing."""

import datetime as dt
from pathlib import Path

import pytest
from django.conf import settings
from django_celery_beat.models import PeriodicTask

from safetyzone.celery import app as celery_app
from safetyzone.documents import services
from safetyzone.documents.models import GeneratedDocument
from safetyzone.documents.registry import (
    DocumentKind,
    register_document_kind,
    unregister_document_kind,
)
from safetyzone.documents.tasks import reclaim_stale_documents_task, render_document_task

Status = GeneratedDocument.Status
T0 = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)


@pytest.fixture
def light_kind():
    """A unit profile without its enterprises (quick to render), whose context runs the
    test's ``during`` hook on each rendering: what happens while a worker renders."""
    calls = []

    def context(unit):
        calls.append(unit.pk)
        if light_kind.during:
            hook, light_kind.during = light_kind.during, None
            hook()
        return {"unit": unit, "enterprises": [], "grade_counts": []}

    kind = register_document_kind(
        DocumentKind(
            code="test_reclaim",
            label="Reclaim",
            template="documents/pdf/unit_profile.html",
            model="org.Unit",
            context=context,
            filename=lambda unit: "profile.pdf",
        )
    )
    light_kind.during = None
    light_kind.calls = calls
    yield light_kind
    unregister_document_kind(kind.code)


def pdf_files() -> list[Path]:
    return sorted(Path(settings.MEDIA_ROOT).rglob("*.pdf"))


def request(alice, unit_a, django_capture_on_commit_callbacks) -> GeneratedDocument:
    """A job queued, its message never run (as the worker it went to died)."""
    with django_capture_on_commit_callbacks(execute=False):
        return services.document_request(user=alice, kind="test_reclaim", subject=unit_a)


def test_a_job_left_running_with_an_old_claim_is_handed_back_and_done_once(
    alice, unit_a, light_kind, time_machine, django_capture_on_commit_callbacks
):
    time_machine.move_to(T0, tick=False)
    document = request(alice, unit_a, django_capture_on_commit_callbacks)
    GeneratedDocument.objects.filter(pk=document.pk).update(status=Status.RUNNING, started_at=T0)
    time_machine.shift(dt.timedelta(minutes=4, seconds=1))  # 180 s limit + 60 s margin

    with django_capture_on_commit_callbacks(execute=True):
        assert reclaim_stale_documents_task.delay().get() == 1

    document.refresh_from_db()
    assert document.status == Status.DONE
    assert document.started_at == T0 + dt.timedelta(minutes=4, seconds=1)
    assert len(light_kind.calls) == 1
    assert pdf_files() == [Path(document.file.path)]


def test_a_fresh_running_job_is_not_touched(
    alice, unit_a, light_kind, time_machine, django_capture_on_commit_callbacks
):
    time_machine.move_to(T0, tick=False)
    document = request(alice, unit_a, django_capture_on_commit_callbacks)
    GeneratedDocument.objects.filter(pk=document.pk).update(status=Status.RUNNING, started_at=T0)
    time_machine.shift(dt.timedelta(minutes=3))

    with django_capture_on_commit_callbacks(execute=True) as enqueued:
        assert reclaim_stale_documents_task.delay().get() == 0
    render_document_task.delay(document.pk)  # a second copy of its message, too

    assert enqueued == []
    document.refresh_from_db()
    assert (document.status, document.started_at) == (Status.RUNNING, T0)
    assert light_kind.calls == []


def test_a_job_stuck_since_long_ago_is_failed_not_retried_forever(
    alice, unit_a, light_kind, time_machine, django_capture_on_commit_callbacks
):
    time_machine.move_to(T0, tick=False)
    document = request(alice, unit_a, django_capture_on_commit_callbacks)
    time_machine.shift(dt.timedelta(minutes=14))
    GeneratedDocument.objects.filter(pk=document.pk).update(
        status=Status.RUNNING, started_at=T0 + dt.timedelta(minutes=14)
    )
    time_machine.shift(dt.timedelta(minutes=5))

    with django_capture_on_commit_callbacks(execute=True) as enqueued:
        assert reclaim_stale_documents_task.delay().get() == 0

    assert enqueued == []
    document.refresh_from_db()
    assert document.status == Status.FAILED
    assert light_kind.calls == []


def test_a_late_finish_after_the_job_was_handed_back_and_redone_is_discarded(
    alice, unit_a, light_kind, time_machine, django_capture_on_commit_callbacks
):
    """The first worker is slow, not dead: while it renders, its claim grows old, the
    sweep hands the job back and a second worker renders it. The first one's result,
    coming last, is discarded with its file."""
    time_machine.move_to(T0, tick=False)
    document = request(alice, unit_a, django_capture_on_commit_callbacks)

    def meanwhile():
        time_machine.shift(dt.timedelta(minutes=5))
        with django_capture_on_commit_callbacks(execute=True):
            reclaim_stale_documents_task.delay()  # the second worker renders it here
        assert GeneratedDocument.objects.get(pk=document.pk).status == Status.DONE

    light_kind.during = meanwhile
    first = services.document_render(document=GeneratedDocument.objects.get(pk=document.pk))

    assert len(light_kind.calls) == 2
    document.refresh_from_db()
    assert document.status == Status.DONE
    assert document.started_at == T0 + dt.timedelta(minutes=5)
    assert first.file.name == document.file.name  # what the first worker reports is the record
    assert pdf_files() == [Path(document.file.path)]  # one file: the late one is deleted


def test_a_late_finish_before_the_handed_back_job_runs_again_is_the_result(
    alice, unit_a, light_kind, time_machine, django_capture_on_commit_callbacks
):
    """The job was handed back, but its slow worker finishes before the message runs
    again: that result is kept, and the second message renders nothing."""
    time_machine.move_to(T0, tick=False)
    document = request(alice, unit_a, django_capture_on_commit_callbacks)
    later = []

    def meanwhile():
        time_machine.shift(dt.timedelta(minutes=5))
        with django_capture_on_commit_callbacks(execute=False) as enqueued:
            reclaim_stale_documents_task.delay()
        later.extend(enqueued)
        assert GeneratedDocument.objects.get(pk=document.pk).status == Status.QUEUED

    light_kind.during = meanwhile
    services.document_render(document=GeneratedDocument.objects.get(pk=document.pk))
    for callback in later:
        callback()  # the handed-back message runs now

    assert len(light_kind.calls) == 1
    document.refresh_from_db()
    assert document.status == Status.DONE
    assert document.started_at == T0
    assert pdf_files() == [Path(document.file.path)]


def test_a_redelivered_message_takes_over_a_dead_workers_claim(
    alice, unit_a, light_kind, time_machine, django_capture_on_commit_callbacks
):
    """Redis hands a message back only after its visibility timeout, longer than the
    task's time limit: the worker that held it is gone, whatever the claim's age."""
    time_machine.move_to(T0, tick=False)
    document = request(alice, unit_a, django_capture_on_commit_callbacks)
    GeneratedDocument.objects.filter(pk=document.pk).update(status=Status.RUNNING, started_at=T0)

    services.document_render(document=GeneratedDocument.objects.get(pk=document.pk))
    assert light_kind.calls == []
    services.document_render(document=GeneratedDocument.objects.get(pk=document.pk), takeover=True)

    document.refresh_from_db()
    assert document.status == Status.DONE
    assert len(light_kind.calls) == 1


def test_reclaim_sweep_runs_every_minute(db):
    task = PeriodicTask.objects.select_related("interval").filter(task="documents.reclaim_stale")
    if not task.exists():  # a transactional test emptied the table: the migration's rows
        from importlib import import_module

        from django.apps import apps

        import_module(
            "safetyzone.documents.migrations.0002_beat_reclaim_stale_documents"
        ).create_schedule(apps, None)
    task = task.get()
    assert (task.interval.every, task.interval.period, task.enabled) == (1, "minutes", True)


def test_visibility_timeout_outlasts_every_task_time_limit_and_retry_countdown():
    """A message still running, or waiting for its countdown, past the visibility
    timeout would be handed out a second time."""
    from safetyzone.notifications.delivery import MAX_RETRIES

    celery_app.loader.import_default_modules()
    visibility = settings.CELERY_BROKER_TRANSPORT_OPTIONS["visibility_timeout"]
    limits = [
        task.time_limit or settings.CELERY_TASK_TIME_LIMIT
        for name, task in celery_app.tasks.items()
        if not name.startswith("celery.")
    ]
    assert max(limits) < visibility
    assert 30 * 2 ** (MAX_RETRIES - 1) < visibility  # the deliveries' longest countdown
    assert visibility <= 15 * 60  # minutes, not Celery's hour


@pytest.fixture
def long_kind(light_kind, settings):
    """The light kind with a time limit of its own (15 minutes), as the ledger PDF has."""
    settings.DOCUMENT_TIME_LIMITS = {**settings.DOCUMENT_TIME_LIMITS, "test_reclaim": 900}
    return light_kind


def test_a_kind_with_its_own_limit_sends_it_with_the_message_acknowledged_on_receipt(
    alice, unit_a, long_kind, monkeypatch, django_capture_on_commit_callbacks
):
    """Its job outlasts the broker's visibility timeout: a message held unacknowledged
    that long would go to a second worker while the first still renders."""
    from safetyzone.documents.tasks import long_document_task

    sent = []
    monkeypatch.setattr(
        long_document_task, "apply_async", lambda args, **options: sent.append((args, options))
    )
    with django_capture_on_commit_callbacks(execute=True):
        document = services.document_request(user=alice, kind="test_reclaim", subject=unit_a)

    assert sent == [((document.pk,), {"time_limit": 900, "soft_time_limit": 870})]
    assert long_document_task.acks_late is False
    visibility = settings.CELERY_BROKER_TRANSPORT_OPTIONS["visibility_timeout"]
    assert max(settings.DOCUMENT_TIME_LIMITS.values()) > visibility  # why it acks early


def test_a_long_kinds_job_is_handed_back_by_its_own_limit_not_the_exports(
    alice, unit_a, long_kind, time_machine, django_capture_on_commit_callbacks
):
    time_machine.move_to(T0, tick=False)
    document = request(alice, unit_a, django_capture_on_commit_callbacks)
    GeneratedDocument.objects.filter(pk=document.pk).update(status=Status.RUNNING, started_at=T0)
    time_machine.shift(dt.timedelta(minutes=15))  # past 600 s + 60 s, within 900 s + 60 s

    with django_capture_on_commit_callbacks(execute=True):
        assert reclaim_stale_documents_task.delay().get() == 0
    document.refresh_from_db()
    assert (document.status, document.started_at) == (Status.RUNNING, T0)

    time_machine.shift(dt.timedelta(minutes=1, seconds=1))
    with django_capture_on_commit_callbacks(execute=True):
        assert reclaim_stale_documents_task.delay().get() == 1
    document.refresh_from_db()
    assert document.status == Status.DONE
    assert len(long_kind.calls) == 1


def test_a_second_request_waits_for_a_long_kinds_job_past_the_usual_15_minutes(
    alice, unit_a, long_kind, time_machine, django_capture_on_commit_callbacks
):
    time_machine.move_to(T0, tick=False)
    document = request(alice, unit_a, django_capture_on_commit_callbacks)
    time_machine.shift(dt.timedelta(minutes=20))  # within 1.5 × 900 s
    again = request(alice, unit_a, django_capture_on_commit_callbacks)
    assert again.pk == document.pk
    time_machine.shift(dt.timedelta(minutes=3))
    assert request(alice, unit_a, django_capture_on_commit_callbacks).pk != document.pk
