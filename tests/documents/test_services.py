from datetime import timedelta

import pytest
from celery.exceptions import SoftTimeLimitExceeded
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from safetyzone.documents import services
from safetyzone.documents.models import GeneratedDocument
from safetyzone.documents.registry import (
    DocumentKind,
    register_document_kind,
    unregister_document_kind,
)
from safetyzone.documents.tasks import render_document_task
from safetyzone.org.models import Unit
from tests.helpers import database_is_postgres

from ..factories import UserFactory
from .factories import GeneratedDocumentFactory

Status = GeneratedDocument.Status


def _raise(exc: BaseException):
    def context(subject):
        raise exc

    return context


@pytest.fixture
def failing_kind():
    """A kind whose context blows up, as a broken domain template would."""
    kind = register_document_kind(
        DocumentKind(
            code="test_broken",
            label="Broken",
            template="documents/pdf/unit_profile.html",
            model="org.Unit",
            context=_raise(RuntimeError("模板数据错误")),
            filename=lambda unit: f"{unit.name}.pdf",
        )
    )
    yield kind
    unregister_document_kind(kind.code)


def test_request_queues_a_job_owned_by_the_subjects_unit(alice, unit_a):
    document = services.document_request(user=alice, kind="unit_profile", subject=unit_a)

    assert document.status == Status.QUEUED
    assert document.unit == unit_a
    assert document.requested_by == alice
    assert document.subject == unit_a
    assert document.filename.startswith("应急管理局")
    assert document.filename.endswith(".pdf")
    assert not document.file


def test_request_renders_the_pdf_after_commit(
    alice, unit_a, enterprises_a, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        document = services.document_request(user=alice, kind="unit_profile", subject=unit_a)
    # Nothing was sent while the transaction was open.
    assert len(callbacks) == 1
    document.refresh_from_db()
    assert document.status == Status.QUEUED

    callbacks[0]()  # the commit: in eager mode the task runs right here

    document.refresh_from_db()
    assert document.status == Status.DONE


@pytest.mark.parametrize("active", [Status.QUEUED, Status.RUNNING])
def test_second_request_while_active_returns_the_same_job(alice, staff, unit_a, active):
    first = services.document_request(user=alice, kind="unit_profile", subject=unit_a)
    GeneratedDocument.objects.filter(pk=first.pk).update(status=active)

    second, created = services.document_request_get_or_create(
        user=staff, kind="unit_profile", subject=unit_a
    )

    assert second.pk == first.pk
    assert created is False
    assert GeneratedDocument.objects.count() == 1


def test_request_after_a_finished_job_starts_a_new_one(alice, unit_a):
    GeneratedDocumentFactory(unit=unit_a, status=Status.DONE)
    GeneratedDocumentFactory(unit=unit_a, status=Status.FAILED, error="x")

    document, created = services.document_request_get_or_create(
        user=alice, kind="unit_profile", subject=unit_a
    )

    assert created is True
    assert GeneratedDocument.objects.count() == 3


def test_a_lost_active_job_is_abandoned_and_replaced(alice, unit_a):
    lost = services.document_request(user=alice, kind="unit_profile", subject=unit_a)
    GeneratedDocument.objects.filter(pk=lost.pk).update(
        created_at=timezone.now() - services.ACTIVE_JOB_ABANDONED_AFTER - timedelta(minutes=1)
    )

    document, created = services.document_request_get_or_create(
        user=alice, kind="unit_profile", subject=unit_a
    )

    lost.refresh_from_db()
    assert created is True
    assert document.pk != lost.pk
    assert lost.status == Status.FAILED
    assert lost.error


def test_database_refuses_a_second_active_job_for_the_same_subject(unit_a):
    GeneratedDocumentFactory(unit=unit_a, status=Status.QUEUED)
    with pytest.raises(IntegrityError), transaction.atomic():
        GeneratedDocumentFactory(unit=unit_a, status=Status.RUNNING)


def test_database_refuses_a_done_document_without_file(unit_a):
    with pytest.raises(IntegrityError), transaction.atomic():
        GeneratedDocument.objects.create(
            kind="unit_profile",
            content_type=ContentType.objects.get_for_model(Unit),
            object_id=unit_a.pk,
            unit=unit_a,
            status=Status.DONE,
            filename="x.pdf",
        )


def test_head_cannot_request_a_document_of_another_unit(bob, unit_a):
    with pytest.raises(Unit.DoesNotExist):
        services.document_request(user=bob, kind="unit_profile", subject=unit_a)
    assert not GeneratedDocument.objects.exists()


def test_unknown_kind_is_a_validation_error(alice, unit_a):
    with pytest.raises(ValidationError) as excinfo:
        services.document_request(user=alice, kind="no_such_kind", subject=unit_a)
    assert "kind" in excinfo.value.message_dict


def test_subject_of_the_wrong_model_is_not_found(alice, unit_a, enterprises_a):
    with pytest.raises(type(enterprises_a[0]).DoesNotExist):
        services.document_request(user=alice, kind="unit_profile", subject=enterprises_a[0])


def test_request_needs_the_kinds_permission(roles, unit_a):
    nobody = UserFactory(unit=unit_a)  # in the unit, but holds no role
    with pytest.raises(PermissionDenied):
        services.document_request(user=nobody, kind="unit_profile", subject=unit_a)


def test_render_goes_from_queued_to_done_with_file_and_timings(alice, unit_a, enterprises_a):
    document = services.document_request(user=alice, kind="unit_profile", subject=unit_a)

    services.document_render(document=document)

    document.refresh_from_db()
    assert document.status == Status.DONE
    assert document.error == ""
    assert document.file.name.endswith(".pdf")
    assert document.file.read(5) == b"%PDF-"
    assert document.duration is not None and document.duration.total_seconds() > 0
    assert document.created_at <= document.started_at <= document.finished_at


def test_render_marks_the_document_running_while_it_works(alice, unit_a):
    seen = []

    def context(unit):
        seen.append(GeneratedDocument.objects.get(kind="test_watch").status)
        return {"unit": unit, "enterprises": [], "grade_counts": []}

    register_document_kind(
        DocumentKind(
            code="test_watch",
            label="Watch",
            template="documents/pdf/unit_profile.html",
            model="org.Unit",
            context=context,
            filename=lambda unit: "watch.pdf",
        )
    )
    try:
        watched = services.document_request(user=alice, kind="test_watch", subject=unit_a)
        services.document_render(document=watched)
    finally:
        unregister_document_kind("test_watch")

    assert seen == [Status.RUNNING]


def test_render_failure_records_the_error_and_keeps_the_document(alice, unit_a, failing_kind):
    document = services.document_request(user=alice, kind=failing_kind.code, subject=unit_a)

    services.document_render(document=document)

    document.refresh_from_db()
    assert document.status == Status.FAILED
    assert "RuntimeError" in document.error
    assert "模板数据错误" in document.error
    assert not document.file
    assert document.finished_at is not None
    assert document.duration is not None
    # The failed job no longer blocks a new request.
    again, created = services.document_request_get_or_create(
        user=alice, kind=failing_kind.code, subject=unit_a
    )
    assert created is True


def test_soft_time_limit_is_recorded_as_a_failure(alice, unit_a):
    register_document_kind(
        DocumentKind(
            code="test_slow",
            label="Slow",
            template="documents/pdf/unit_profile.html",
            model="org.Unit",
            context=_raise(SoftTimeLimitExceeded()),
            filename=lambda unit: "slow.pdf",
        )
    )
    try:
        document = services.document_request(user=alice, kind="test_slow", subject=unit_a)
        services.document_render(document=document)
    finally:
        unregister_document_kind("test_slow")

    document.refresh_from_db()
    assert document.status == Status.FAILED
    assert "SoftTimeLimitExceeded" in document.error


def test_render_leaves_a_finished_document_alone(unit_a):
    document = GeneratedDocumentFactory(unit=unit_a, status=Status.DONE)
    name = document.file.name

    services.document_render(document=document)

    document.refresh_from_db()
    assert document.status == Status.DONE
    assert document.file.name == name
    assert document.started_at is None


def test_task_renders_by_id_and_ignores_a_missing_document(alice, unit_a):
    document = services.document_request(user=alice, kind="unit_profile", subject=unit_a)

    render_document_task.delay(document.pk)
    render_document_task.delay(document.pk + 1000)

    document.refresh_from_db()
    assert document.status == Status.DONE


def test_task_has_time_limits_and_acks_late():
    assert render_document_task.time_limit and render_document_task.soft_time_limit
    assert render_document_task.soft_time_limit < render_document_task.time_limit
    assert render_document_task.acks_late is True


def test_request_without_an_active_job_inserts_without_looking_first(alice, unit_a):
    """The partial unique constraint decides whether a job is active: the usual request
    reads no document before its insert (nor the rows it holds, to validate them)."""
    with CaptureQueriesContext(connection) as queries:
        document, created = services.document_request_get_or_create(
            user=alice, kind="unit_profile", subject=unit_a
        )
    assert created is True
    statements = [q["sql"] for q in queries.captured_queries]
    touching = [sql.split()[0] for sql in statements if "documents_generateddocument" in sql]
    assert touching == ["INSERT"], statements
    # One existence check: the subject's scope, checked again; none for the rows held.
    exists = [sql for sql in statements if sql.startswith('SELECT 1 AS "a"')]
    assert len(exists) == 1, exists


def test_render_claims_the_job_in_one_statement(alice, unit_a):
    """Outside the rendering itself the worker spends two writes: the claim and the
    result."""
    register_document_kind(
        DocumentKind(
            code="test_light",
            label="Light",
            template="documents/pdf/unit_profile.html",
            model="org.Unit",
            context=lambda unit: {"unit": unit, "enterprises": [], "grade_counts": []},
            filename=lambda unit: "light.pdf",
        )
    )
    try:
        document = services.document_request(user=alice, kind="test_light", subject=unit_a)
        with CaptureQueriesContext(connection) as queries:
            services.document_render(document=document)
    finally:
        unregister_document_kind("test_light")

    statements = [q["sql"] for q in queries.captured_queries]
    on_documents = [sql.split()[0] for sql in statements if "documents_generateddocument" in sql]
    assert on_documents == ["UPDATE", "UPDATE"], statements
    assert document.status == Status.DONE
    document.refresh_from_db()
    assert document.status == Status.DONE
    assert document.started_at is not None and document.error == ""


def test_staff_request_asks_the_scope_nothing_again(staff, unit_a):
    """Staff see every unit: the subject they name is in scope without a query."""
    with CaptureQueriesContext(connection) as queries:
        document, created = services.document_request_get_or_create(
            user=staff, kind="unit_profile", subject=unit_a
        )
    assert created is True
    statements = [q["sql"] for q in queries.captured_queries]
    assert not [sql for sql in statements if sql.startswith('SELECT 1 AS "a"')], statements


# --- Outside any transaction, as the web and the worker run ---------------------------


@pytest.mark.django_db(transaction=True)
def test_outside_a_transaction_a_second_request_gets_the_active_job(alice, unit_a):
    """The insert is refused by the constraint on its own (no transaction around it to
    spoil): the active job comes back, and the connection goes on working."""
    active = GeneratedDocumentFactory(unit=unit_a, status=Status.QUEUED)

    document, created = services.document_request_get_or_create(
        user=alice, kind="unit_profile", subject=unit_a
    )

    assert (document.pk, created) == (active.pk, False)
    assert GeneratedDocument.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_the_claim_does_not_wait_for_the_disk_but_the_result_does(alice, unit_a):
    """On PostgreSQL the worker's claim commits without waiting for the write-ahead log
    (a lost claim only means the job is handed out again); the result's commit waits."""

    if not database_is_postgres():
        pytest.skip("synchronous_commit is PostgreSQL's")
    document = GeneratedDocumentFactory(unit=unit_a, status=Status.QUEUED)

    with CaptureQueriesContext(connection) as queries:
        services.document_render(document=document)

    statements = [q["sql"] for q in queries.captured_queries]
    relaxed = statements.index("SET LOCAL synchronous_commit TO OFF")
    assert statements[relaxed + 1].startswith('UPDATE "documents_generateddocument"')
    assert statements.count("SET LOCAL synchronous_commit TO OFF") == 1
    document.refresh_from_db()
    assert document.status == Status.DONE
