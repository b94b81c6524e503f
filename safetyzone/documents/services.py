"""Changes of state for generated documents: a request, and the rendering the worker
does for it."""

import logging
import re
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, connection, transaction
from django.db.models import Model, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from safetyzone.org.models import User
from safetyzone.org.scoping import scope_queryset, sees_all_units

from .models import GeneratedDocument
from .registry import DocumentKind, get_document_kind

logger = logging.getLogger(__name__)

# A job still queued or running this long after it was requested has been lost (its
# message or its worker died); a new request replaces it instead of waiting forever.
# Well above the task's hard time limit.
ACTIVE_JOB_ABANDONED_AFTER = timedelta(minutes=15)
ERROR_MAX_LENGTH = 2000
# The rendering task's hard time limit, in seconds (tasks.py): a claim older than this
# (plus a margin) is a dead worker's.
RENDER_TIME_LIMIT = 180

_UNSAFE_FILENAME = re.compile(r'[\x00-\x1f\x7f/\\:*?"<>|]+')


def _safe_filename(name: str) -> str:
    name = _UNSAFE_FILENAME.sub("_", name).strip(" .") or "document.pdf"
    if not name.lower().endswith(".pdf"):
        name += ".pdf"
    if len(name) > 150:
        name = name[:146] + ".pdf"
    return name


def _subject_in_scope(*, user: User, kind: DocumentKind, subject: Model) -> bool:
    model = kind.get_model()
    if not isinstance(subject, model) or subject.pk is None:
        return False
    if sees_all_units(user):
        return True  # the scope narrows nothing: no query to ask again
    return scope_queryset(model._default_manager.filter(pk=subject.pk), user).exists()


def _active_job(*, kind: str, content_type: ContentType, object_id: int):
    return (
        GeneratedDocument.objects.filter(
            kind=kind,
            content_type=content_type,
            object_id=object_id,
            status__in=GeneratedDocument.ACTIVE_STATUSES,
        )
        .order_by("-created_at", "-pk")
        .first()
    )


def _abandon(document: GeneratedDocument) -> None:
    now = timezone.now()
    GeneratedDocument.objects.filter(
        pk=document.pk, status__in=GeneratedDocument.ACTIVE_STATUSES
    ).update(
        status=GeneratedDocument.Status.FAILED,
        error=_("The job did not finish in time and was abandoned."),
        finished_at=now,
    )


def document_request_get_or_create(
    *, user: User, kind: str, subject: Model
) -> tuple[GeneratedDocument, bool]:
    """Queue the rendering of ``kind`` for ``subject``, or return the job already queued
    or running for it. Returns ``(document, created)``.

    Precondition: ``subject`` came through a selector scoped to ``user``; it is checked
    again here, and a subject outside the scope is reported as not found.

    The one write, the insert, is a transaction of its own (a savepoint inside a
    caller's transaction) whose commit does not wait for the disk; the task is sent
    once it commits. Nothing before it needs a transaction: the partial unique
    constraint keeps a second active job out.
    """
    try:
        doc_kind = get_document_kind(kind)
    except LookupError:
        raise ValidationError({"kind": _("Unknown document kind.")}) from None
    if not _subject_in_scope(user=user, kind=doc_kind, subject=subject):
        raise type(subject).DoesNotExist("The subject is not visible to this user.")
    if doc_kind.permission and not user.has_perm(doc_kind.permission):
        raise PermissionDenied
    if doc_kind.refuse is not None and (reason := doc_kind.refuse(subject)):
        raise ValidationError(reason, code="refused")

    content_type = ContentType.objects.get_for_model(subject)
    lookup = {"kind": kind, "content_type": content_type, "object_id": subject.pk}
    document = GeneratedDocument(
        **lookup,
        unit=doc_kind.unit_of(subject),
        requested_by=user,
        status=GeneratedDocument.Status.QUEUED,
        filename=_safe_filename(doc_kind.filename(subject)),
    )
    # The related objects are rows just read: no query to check that they exist. The
    # partial unique constraint is checked by the database on insert.
    document.full_clean(
        exclude=["content_type", "unit", "requested_by"], validate_constraints=False
    )
    # Insert first: the partial unique constraint says in the same statement whether a
    # job is already active, so the usual request (none is) looks nothing up beforehand.
    failure: IntegrityError | None = None
    for _attempt in range(3):
        try:
            # A transaction of its own, or a savepoint inside a caller's (a refused insert
            # leaves it usable). A job lost in a database crash costs a second click on
            # the button: its commit does not wait for the disk.
            with _commit_without_waiting_for_the_disk():
                document.save()
            break
        except IntegrityError as exc:
            failure = exc
            existing = _active_job(**lookup)
            if existing is None:
                continue  # the active job finished between our insert and the look-up
            if existing.created_at > timezone.now() - ACTIVE_JOB_ABANDONED_AFTER:
                return existing, False
            _abandon(existing)
    else:
        raise IntegrityError(f"No {kind} job could be queued for {subject!r}") from failure

    from .tasks import render_document_task

    document_id = document.pk
    transaction.on_commit(lambda: render_document_task.delay(document_id))
    return document, True


def document_request(*, user: User, kind: str, subject: Model) -> GeneratedDocument:
    """Queue the rendering of ``kind`` for ``subject`` (see
    ``document_request_get_or_create``); a request while one is active returns it."""
    document, _created = document_request_get_or_create(user=user, kind=kind, subject=subject)
    return document


@contextmanager
def _commit_without_waiting_for_the_disk() -> Iterator[None]:
    """A transaction whose commit does not wait for PostgreSQL's write-ahead log to reach
    the disk (``synchronous_commit`` off, for this transaction only): for a write that a
    crash may lose at no cost. The next ordinary commit flushes it with its own. Inside
    a caller's transaction it is a savepoint: the caller's commit decides."""
    relaxed = connection.vendor == "postgresql" and not connection.in_atomic_block
    with transaction.atomic():
        if relaxed:
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL synchronous_commit TO OFF")
        yield


def _claim_stale_before(now: datetime) -> datetime:
    """A running job claimed before this is a dead worker's: the task's hard time limit
    has stopped any live rendering by then."""
    return now - timedelta(seconds=RENDER_TIME_LIMIT + settings.WORKER_RECLAIM_MARGIN_SECONDS)


def _claim(document: GeneratedDocument, *, takeover: bool = False) -> bool:
    """Mark ``document`` running, its claim the moment in ``started_at``. A queued job
    is claimed; a running one only when its claim is a dead worker's (older than the
    time limit, or ``takeover``: the broker handed the message back after its worker
    died), never while another worker is rendering it."""
    now = timezone.now()
    dead = (
        Q() if takeover else Q(started_at__isnull=True) | Q(started_at__lt=_claim_stale_before(now))
    )
    claimable = Q(status=GeneratedDocument.Status.QUEUED) | (
        Q(status=GeneratedDocument.Status.RUNNING) & dead
    )
    # A claim lost in a database crash costs nothing: the job is still queued and the
    # broker hands it out again; so the worker does not wait for a flush (milliseconds on
    # a busy disk) before it starts. The result's commit is durable.
    with _commit_without_waiting_for_the_disk():
        claimed = GeneratedDocument.objects.filter(claimable, pk=document.pk).update(
            status=GeneratedDocument.Status.RUNNING, started_at=now, error=""
        )
    if claimed:
        # What the update wrote is all that changed: no second query to read it back.
        document.status = GeneratedDocument.Status.RUNNING
        document.started_at = now
        document.error = ""
    else:
        document.refresh_from_db()
    return bool(claimed)


def document_file_render(*, kind: str, subject: Model) -> bytes:
    """The file of a document of ``kind`` made from ``subject``: its template with its
    context, through WeasyPrint. What the worker stores; it changes no state."""
    # WeasyPrint is heavy to import: only the worker (and eager mode) pays for it.
    from .rendering import render_pdf

    doc_kind = get_document_kind(kind)
    return render_pdf(doc_kind.template, doc_kind.context(subject))


def _render(document: GeneratedDocument) -> bytes:
    subject = document.subject
    if subject is None:
        raise LookupError(_("The document's subject no longer exists."))
    return document_file_render(kind=document.kind, subject=subject)


def document_render(*, document: GeneratedDocument, takeover: bool = False) -> GeneratedDocument:
    """Render ``document`` and store the PDF: running, then done or failed.

    Runs in the worker, outside any transaction: a rendering takes seconds and must not
    hold locks. Whatever goes wrong (a template error, a missing subject, the soft time
    limit) is recorded on the document, which is never lost. A document that is no
    longer queued, or that another worker is rendering, is left as it is. The result is
    recorded only under this worker's own claim: a worker that finishes after its job
    was handed back and claimed again (or abandoned) discards its file.
    """
    if not _claim(document, takeover=takeover):
        logger.info("Document %s is %s; not rendering it again", document.pk, document.status)
        return document

    claim = document.started_at
    started = time.monotonic()
    try:
        pdf = _render(document)
        document.file.save(f"{document.kind}-{document.pk}.pdf", ContentFile(pdf), save=False)
    except Exception as exc:
        logger.exception("Rendering document %s failed", document.pk)
        document.status = GeneratedDocument.Status.FAILED
        document.error = f"{type(exc).__name__}: {exc}"[:ERROR_MAX_LENGTH]
    else:
        document.status = GeneratedDocument.Status.DONE
        document.error = ""
    document.duration = timedelta(seconds=time.monotonic() - started)
    document.finished_at = timezone.now()
    recorded = GeneratedDocument.objects.filter(
        pk=document.pk, status__in=GeneratedDocument.ACTIVE_STATUSES, started_at=claim
    ).update(
        status=document.status,
        file=document.file.name or "",
        error=document.error,
        duration=document.duration,
        finished_at=document.finished_at,
    )
    if not recorded:
        logger.warning("Document %s was handed to another worker; result discarded", document.pk)
        if document.file:
            document.file.delete(save=False)
        document.refresh_from_db()
    return document


def documents_reclaim_stale(*, now: datetime | None = None) -> list[int]:
    """The periodic sweep (every minute): a job still running although its claim is
    older than the task's time limit plus WORKER_RECLAIM_MARGIN_SECONDS belongs to a
    dead worker. It is handed back (queued, enqueued after commit), or failed for good
    when it was requested longer ago than ACTIVE_JOB_ABANDONED_AFTER (a job that kills
    its worker every time is not retried forever). Returns the ids handed back."""
    from .tasks import render_document_task

    now = now or timezone.now()
    with transaction.atomic():
        stuck = list(
            GeneratedDocument.objects.select_for_update(skip_locked=True)
            .filter(
                status=GeneratedDocument.Status.RUNNING, started_at__lt=_claim_stale_before(now)
            )
            .values_list("pk", "created_at")
        )
        too_old = now - ACTIVE_JOB_ABANDONED_AFTER
        GeneratedDocument.objects.filter(
            pk__in=[pk for pk, created_at in stuck if created_at < too_old],
            status=GeneratedDocument.Status.RUNNING,
        ).update(
            status=GeneratedDocument.Status.FAILED,
            error=_("The job did not finish in time and was abandoned."),
            finished_at=now,
        )
        handed_back = [pk for pk, created_at in stuck if created_at >= too_old]
        # started_at stays: it is the dead worker's claim, which a late finish must match.
        GeneratedDocument.objects.filter(
            pk__in=handed_back, status=GeneratedDocument.Status.RUNNING
        ).update(status=GeneratedDocument.Status.QUEUED)

        def enqueue() -> None:
            for document_id in handed_back:
                render_document_task.delay(document_id)

        if handed_back:
            transaction.on_commit(enqueue)
    return handed_back
