"""Changes of state for generated documents: a request, and the rendering the worker
does for it."""

import hashlib
import json
import logging
import os
import re
import tempfile
import time
import zipfile
from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile, File
from django.core.serializers.json import DjangoJSONEncoder
from django.db import IntegrityError, connection, transaction
from django.db.models import Model, Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from safetyzone.org.models import User
from safetyzone.org.scoping import require_record, scope_queryset, sees_all_units

from .models import GeneratedDocument
from .registry import DocumentKind, document_kinds, get_document_kind

logger = logging.getLogger(__name__)

# A job still queued or running this long after it was requested has been lost (its
# message or its worker died); a new request replaces it instead of waiting forever.
# Well above the task's hard time limit.
ACTIVE_JOB_ABANDONED_AFTER = timedelta(minutes=15)
ERROR_MAX_LENGTH = 2000
# The rendering task's hard time limit, in seconds (tasks.py): a claim older than this
# (plus a margin) is a dead worker's. An export (the whole ledger: 100,000 rows, or a PDF
# of thousands of pages) takes minutes: its task has the longest limit of the tasks
# whose messages are acknowledged late (within the broker's visibility timeout).
RENDER_TIME_LIMIT = 180
EXPORT_TIME_LIMIT = 600
# A kind whose job outgrows that (the whole ledger as PDF) has its own limit in
# settings.DOCUMENT_TIME_LIMITS: see ``time_limit``.
#
# The soft time limit comes this many seconds before the hard one (a tenth of a short
# limit): time for the rendering to record its failure.
SOFT_LIMIT_MARGIN = 30
# Progress is written at most this many times a job (each twentieth of the rows), not
# per row nor per chunk: a writer may tell it as often as it likes.
PROGRESS_STEPS = 20

_UNSAFE_FILENAME = re.compile(r'[\x00-\x1f\x7f/\\:*?"<>|]+')


def _safe_filename(name: str, extension: str = "pdf") -> str:
    suffix = "." + extension
    name = _UNSAFE_FILENAME.sub("_", name).strip(" .") or "document" + suffix
    if not name.lower().endswith(suffix):
        name += suffix
    if len(name) > 150:
        name = name[: 150 - len(suffix)] + suffix
    return name


def _parameters_key(parameters: dict[str, Any]) -> str:
    if not parameters:
        return ""
    text = json.dumps(parameters, sort_keys=True, ensure_ascii=False, cls=DjangoJSONEncoder)
    return hashlib.sha256(text.encode()).hexdigest()


def _subject_in_scope(*, user: User, kind: DocumentKind, subject: Model) -> bool:
    model = kind.get_model()
    if not isinstance(subject, model) or subject.pk is None:
        return False
    if sees_all_units(user):
        return True  # the scope narrows nothing: no query to ask again
    return scope_queryset(model._default_manager.filter(pk=subject.pk), user).exists()


def _active_job(*, kind: str, content_type: ContentType, object_id: int, parameters_key: str):
    return (
        GeneratedDocument.objects.filter(
            kind=kind,
            content_type=content_type,
            object_id=object_id,
            parameters_key=parameters_key,
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
    if doc_kind.is_export:
        # An export is made from its requester's own scope, never from a subject named.
        raise ValidationError({"kind": _("Documents of this kind are exports.")})
    if not _subject_in_scope(user=user, kind=doc_kind, subject=subject):
        raise type(subject).DoesNotExist("The subject is not visible to this user.")
    if doc_kind.permission and not user.has_perm(doc_kind.permission):
        raise PermissionDenied
    if doc_kind.refuse is not None and (reason := doc_kind.refuse(subject)):
        raise ValidationError(reason, code="refused")

    return _queue(user=user, doc_kind=doc_kind, subject=subject)


def document_export_request(*, user: User, kind: str, query: Any) -> tuple[GeneratedDocument, bool]:
    """Queue an export of ``kind`` (a ledger, a statistics table) made from what ``user``
    sees, narrowed by ``query`` (the page's query string, checked by the kind's filter
    form), or return the same export already queued or running. Returns ``(document,
    created)``. A bad filter is a ``ValidationError``; the worker reads the rows through
    the requester's scope when it writes the file."""
    try:
        doc_kind = get_document_kind(kind)
    except LookupError:
        raise ValidationError({"kind": _("Unknown document kind.")}) from None
    if not doc_kind.is_export:
        raise ValidationError({"kind": _("Documents of this kind are not exports.")})
    if doc_kind.permission and not user.has_perm(doc_kind.permission):
        raise PermissionDenied
    if user.unit_id is None:
        raise ValidationError(_("Only a person of a unit can export."), code="no_unit")
    parameters = doc_kind.parameters(user, query)
    return _queue(user=user, doc_kind=doc_kind, subject=user, parameters=parameters)


def _queue(
    *,
    user: User,
    doc_kind: DocumentKind,
    subject: Model,
    parameters: dict[str, Any] | None = None,
) -> tuple[GeneratedDocument, bool]:
    """Insert the job and send its task once it commits; the job already active for the
    same subject and parameters when there is one."""
    kind = doc_kind.code
    parameters = parameters or {}
    content_type = ContentType.objects.get_for_model(subject)
    lookup = {
        "kind": kind,
        "content_type": content_type,
        "object_id": subject.pk,
        "parameters_key": _parameters_key(parameters),
    }
    if doc_kind.is_export:
        filename = doc_kind.filename(subject, parameters)
        owner = {"unit_id": subject.unit_id}  # the requester's unit: no query
    else:
        filename = doc_kind.filename(subject)
        owner = {"unit": doc_kind.unit_of(subject)}
    document = GeneratedDocument(
        **lookup,
        **owner,
        parameters=parameters,
        requested_by=user,
        status=GeneratedDocument.Status.QUEUED,
        filename=_safe_filename(filename, doc_kind.extension),
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
            if existing.created_at > timezone.now() - _abandoned_after(kind):
                return existing, False
            _abandon(existing)
    else:
        raise IntegrityError(f"No {kind} job could be queued for {subject!r}") from failure

    document_id = document.pk
    transaction.on_commit(lambda: _enqueue(document_id, export=doc_kind.is_export, kind=kind))
    return document, True


def _enqueue(document_id: int, *, export: bool, kind: str = "") -> None:
    from .tasks import export_document_task, long_document_task, render_document_task

    own = settings.DOCUMENT_TIME_LIMITS.get(kind)
    if own:
        # Its limit goes with the message (the task's own is the export limit).
        soft = own - min(SOFT_LIMIT_MARGIN, own // 10)
        long_document_task.apply_async((document_id,), time_limit=own, soft_time_limit=soft)
    else:
        (export_document_task if export else render_document_task).delay(document_id)


def _export_kinds() -> list[str]:
    return [kind.code for kind in document_kinds() if kind.is_export]


def time_limit(kind: str) -> int:
    """The hard time limit, in seconds, of a job of ``kind``: its own in
    settings.DOCUMENT_TIME_LIMITS, else the export task's for an export, else the
    rendering task's. A claim older than this (plus a margin) is a dead worker's."""
    own = settings.DOCUMENT_TIME_LIMITS.get(kind)
    if own:
        return own
    return EXPORT_TIME_LIMIT if kind in _export_kinds() else RENDER_TIME_LIMIT


def _abandoned_after(kind: str) -> timedelta:
    """A job of ``kind`` still active this long after it was requested is lost: half as
    long again as its time limit, and never sooner than ACTIVE_JOB_ABANDONED_AFTER (one
    retry after a dead worker fits in it, a second does not)."""
    return max(ACTIVE_JOB_ABANDONED_AFTER, timedelta(seconds=time_limit(kind) * 3 // 2))


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


def _claim_stale_before(now: datetime, limit: int) -> datetime:
    """A running job claimed before this is a dead worker's: the hard time limit
    ``limit`` has stopped any live rendering by then."""
    return now - timedelta(seconds=limit + settings.WORKER_RECLAIM_MARGIN_SECONDS)


def _stale_claim_q(now: datetime) -> Q:
    """Running jobs whose claim is a dead worker's, each by its own kind's limit (a kind
    no longer registered by the rendering task's)."""
    longer = defaultdict(list)
    for kind in document_kinds():
        limit = time_limit(kind.code)
        if limit != RENDER_TIME_LIMIT:
            longer[limit].append(kind.code)
    stale = ~Q(kind__in=[code for codes in longer.values() for code in codes]) & Q(
        started_at__lt=_claim_stale_before(now, RENDER_TIME_LIMIT)
    )
    for limit, codes in longer.items():
        stale |= Q(kind__in=codes, started_at__lt=_claim_stale_before(now, limit))
    return stale


def _claim(document: GeneratedDocument, *, takeover: bool = False) -> bool:
    """Mark ``document`` running, its claim the moment in ``started_at``. A queued job
    is claimed; a running one only when its claim is a dead worker's (older than the
    time limit, or ``takeover``: the broker handed the message back after its worker
    died), never while another worker is rendering it."""
    now = timezone.now()
    dead = Q() if takeover else Q(started_at__isnull=True) | _stale_claim_q(now)
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


class Progress:
    """How far a running job is, as its writer tells it (rows done of rows in all).

    The writer calls ``start(total)`` once it has counted its rows and ``advance(done)``
    as it goes (after each chunk, say); a write reaches the database only when another
    twentieth is done (``PROGRESS_STEPS``), so a job writes its progress at most about
    twenty times whatever its size. Only under the worker's own claim: a job handed to
    another worker is left alone."""

    def __init__(self, document: GeneratedDocument | None = None) -> None:
        self.document = document
        self.total: int | None = None
        self.done = 0
        self.writes = 0
        self._step = -1

    def start(self, total: int) -> None:
        self.total = max(total, 0)
        self.done = 0
        self._write()

    def advance(self, done: int) -> None:
        if self.total is None:
            return
        self.done = min(done, self.total)
        step = self.done * PROGRESS_STEPS // self.total if self.total else PROGRESS_STEPS
        if step > self._step:
            self._write()

    def _write(self) -> None:
        total = self.total or 0
        self._step = self.done * PROGRESS_STEPS // total if total else PROGRESS_STEPS
        document = self.document
        if document is None or document.pk is None:
            return
        self.writes += 1
        document.progress_done, document.progress_total = self.done, self.total
        with _commit_without_waiting_for_the_disk():
            GeneratedDocument.objects.filter(
                pk=document.pk,
                status=GeneratedDocument.Status.RUNNING,
                started_at=document.started_at,
            ).update(progress_done=self.done, progress_total=self.total)


def document_file_render(*, kind: str, subject: Model) -> bytes:
    """The file of a document of ``kind`` made from ``subject``: its template with its
    context, through WeasyPrint. What the worker stores; it changes no state."""
    # WeasyPrint is heavy to import: only the worker (and eager mode) pays for it.
    from .rendering import render_pdf

    doc_kind = get_document_kind(kind)
    return render_pdf(doc_kind.template, doc_kind.context(subject))


def document_export_write(
    *,
    kind: str,
    user: User,
    parameters: dict[str, Any],
    path: str,
    progress: Progress | None = None,
) -> None:
    """Write the export ``kind`` of what ``user`` sees, narrowed by ``parameters``, to
    ``path`` (in the site's language, as a PDF is). It changes no state but the
    progress."""
    doc_kind = get_document_kind(kind)
    with translation.override(settings.LANGUAGE_CODE):
        doc_kind.write(user, parameters, progress or Progress(), path)


def _file_count(handle) -> int | None:
    """The files in a zip (its central directory only is read), None for another file."""
    try:
        with zipfile.ZipFile(handle) as archive:
            return len(archive.infolist())
    except zipfile.BadZipFile:
        return None
    finally:
        handle.seek(0)


def _render(document: GeneratedDocument, progress: Progress) -> File:
    subject = document.subject
    if subject is None:
        raise LookupError(_("The document's subject no longer exists."))
    doc_kind = get_document_kind(document.kind)
    if not doc_kind.is_export:
        return ContentFile(document_file_render(kind=document.kind, subject=subject))
    if not subject.is_active:
        raise LookupError(_("The person who asked for this export can no longer sign in."))
    fd, path = tempfile.mkstemp(suffix="." + doc_kind.extension)
    os.close(fd)
    try:
        document_export_write(
            kind=document.kind,
            user=subject,
            parameters=document.parameters,
            path=path,
            progress=progress,
        )
        # Opened, then unlinked: the open handle keeps the data until it is stored.
        handle = open(path, "rb")  # noqa: SIM115 - closed once stored
    finally:
        os.unlink(path)
    return File(handle)


def document_render(*, document: GeneratedDocument, takeover: bool = False) -> GeneratedDocument:
    """Render ``document`` and store its file: running, then done or failed.

    Runs in the worker, outside any transaction: a rendering takes seconds (an export
    minutes) and must not hold locks. Whatever goes wrong (a template error, a missing
    subject, the soft time limit) is recorded on the document, which is never lost. A
    document that is no longer queued, or that another worker is rendering, is left as
    it is. The result is recorded only under this worker's own claim: a worker that
    finishes after its job was handed back and claimed again (or abandoned) discards
    its file.
    """
    if not _claim(document, takeover=takeover):
        logger.info("Document %s is %s; not rendering it again", document.pk, document.status)
        return document

    claim = document.started_at
    started = time.monotonic()
    try:
        content = _render(document, Progress(document))
        extension = os.path.splitext(document.filename)[1] or ".pdf"
        try:
            document.size = content.size
            document.file_count = _file_count(content) if extension == ".zip" else None
            document.file.save(f"{document.kind}-{document.pk}{extension}", content, save=False)
        finally:
            content.close()
    except Exception as exc:
        logger.exception("Rendering document %s failed", document.pk)
        document.status = GeneratedDocument.Status.FAILED
        document.error = f"{type(exc).__name__}: {exc}"[:ERROR_MAX_LENGTH]
    else:
        document.status = GeneratedDocument.Status.DONE
        document.error = ""
        if document.progress_total is not None:
            document.progress_done = document.progress_total
    document.duration = timedelta(seconds=time.monotonic() - started)
    document.finished_at = timezone.now()
    recorded = GeneratedDocument.objects.filter(
        pk=document.pk, status__in=GeneratedDocument.ACTIVE_STATUSES, started_at=claim
    ).update(
        status=document.status,
        file=document.file.name or "",
        error=document.error,
        size=document.size,
        file_count=document.file_count,
        duration=document.duration,
        finished_at=document.finished_at,
        progress_done=document.progress_done,
    )
    if not recorded:
        logger.warning("Document %s was handed to another worker; result discarded", document.pk)
        if document.file:
            document.file.delete(save=False)
        document.refresh_from_db()
    return document


def document_delete(*, actor: User, document: GeneratedDocument) -> None:
    """Delete ``document`` and its file. Only the person who asked for it, or committee
    staff, may; never a document of a unit the actor may not act for (the write rule:
    refused as not found). The file goes once the deletion commits, so a rolled-back
    deletion keeps it; a worker still rendering the job finds its claim gone and
    discards what it made."""
    require_record(actor, document)
    if document.requested_by_id != actor.pk and not sees_all_units(actor):
        raise PermissionDenied(_("Only the person who asked for a document may delete it."))
    name, storage = document.file.name, document.file.storage
    with transaction.atomic():
        document.delete()
        if name:
            transaction.on_commit(lambda: storage.delete(name))


def documents_reclaim_stale(*, now: datetime | None = None) -> list[int]:
    """The periodic sweep (every minute): a job still running although its claim is
    older than the task's time limit plus WORKER_RECLAIM_MARGIN_SECONDS belongs to a
    dead worker. It is handed back (queued, enqueued after commit), or failed for good
    when it was requested longer ago than its kind allows (``_abandoned_after``: a job
    that kills its worker every time is not retried forever). Returns the ids handed
    back."""
    now = now or timezone.now()
    exports = set(_export_kinds())
    with transaction.atomic():
        stuck = list(
            GeneratedDocument.objects.select_for_update(skip_locked=True)
            .filter(_stale_claim_q(now), status=GeneratedDocument.Status.RUNNING)
            .values_list("pk", "created_at", "kind")
        )
        too_old = {kind: now - _abandoned_after(kind) for _pk, _created_at, kind in stuck}
        GeneratedDocument.objects.filter(
            pk__in=[pk for pk, created_at, kind in stuck if created_at < too_old[kind]],
            status=GeneratedDocument.Status.RUNNING,
        ).update(
            status=GeneratedDocument.Status.FAILED,
            error=_("The job did not finish in time and was abandoned."),
            finished_at=now,
        )
        handed_back = [(pk, kind) for pk, created_at, kind in stuck if created_at >= too_old[kind]]
        # started_at stays: it is the dead worker's claim, which a late finish must match.
        GeneratedDocument.objects.filter(
            pk__in=[pk for pk, _kind in handed_back], status=GeneratedDocument.Status.RUNNING
        ).update(status=GeneratedDocument.Status.QUEUED)

        def enqueue() -> None:
            for document_id, kind in handed_back:
                _enqueue(document_id, export=kind in exports, kind=kind)

        if handed_back:
            transaction.on_commit(enqueue)
    return [pk for pk, _kind in handed_back]
