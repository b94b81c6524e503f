from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from .registry import get_document_kind


class GeneratedDocument(models.Model):
    """A document the office asked the system to produce (a unit's profile sheet, a
    meeting notice, an export of the ledger...) as a PDF or an Excel file: one job of
    the worker, its state, its progress and, once done, its file. The file lives under
    MEDIA_ROOT and is only ever served by a view that checks the reader's scope.

    An export is made from its requester (the subject: their scope decides the rows)
    and ``parameters`` (the filters, as the query string gave them)."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Running")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")

    ACTIVE_STATUSES = (Status.QUEUED, Status.RUNNING)

    kind = models.CharField(_("kind"), max_length=50)
    content_type = models.ForeignKey(
        ContentType, verbose_name=_("subject type"), on_delete=models.PROTECT, related_name="+"
    )
    object_id = models.PositiveBigIntegerField(_("subject id"))
    subject = GenericForeignKey("content_type", "object_id")
    unit = models.ForeignKey(
        "org.Unit",
        verbose_name=_("unit"),
        on_delete=models.PROTECT,
        related_name="generated_documents",
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("requested by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="requested_documents",
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.QUEUED
    )
    parameters = models.JSONField(_("parameters"), default=dict, blank=True)
    # A digest of ``parameters``: one active job per subject and set of parameters.
    parameters_key = models.CharField(max_length=64, blank=True, default="", editable=False)
    progress_done = models.PositiveIntegerField(_("rows done"), default=0)
    progress_total = models.PositiveIntegerField(_("rows in all"), null=True, blank=True)
    filename = models.CharField(_("file name"), max_length=200)
    file = models.FileField(_("file"), upload_to="documents/%Y/%m/", max_length=255, blank=True)
    # What the finished file holds, shown before it is downloaded: its size, and for an
    # archive (the evidence pack) the files in it.
    size = models.PositiveBigIntegerField(_("size in bytes"), null=True, blank=True)
    file_count = models.PositiveIntegerField(_("files"), null=True, blank=True)
    error = models.TextField(_("error"), blank=True)
    duration = models.DurationField(_("rendering time"), null=True, blank=True)
    created_at = models.DateTimeField(_("requested at"), auto_now_add=True)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    scope_unit_field = "unit"

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("generated document")
        verbose_name_plural = _("generated documents")
        permissions = [("build_evidence_pack", _("Can build an inspection evidence pack"))]
        constraints = [
            # A second request while a job is queued or running gets that job: no code
            # path, however concurrent, can start a second one for the same subject.
            models.UniqueConstraint(
                fields=["kind", "content_type", "object_id", "parameters_key"],
                condition=Q(status__in=["queued", "running"]),
                name="documents_one_active_job_per_request",
                violation_error_message=_("This document is already being generated."),
            ),
            models.CheckConstraint(
                condition=~Q(status="done") | ~Q(file=""),
                name="documents_done_has_file",
            ),
            models.CheckConstraint(
                condition=Q(progress_total__isnull=True)
                | Q(progress_done__lte=F("progress_total")),
                name="documents_progress_within_total",
            ),
            models.CheckConstraint(
                condition=Q(started_at__isnull=True)
                | Q(finished_at__isnull=True)
                | Q(finished_at__gte=F("started_at")),
                name="documents_finished_after_started",
            ),
        ]
        indexes = [
            models.Index(fields=["unit", "-created_at"], name="documents_unit_created"),
            models.Index(
                fields=["requested_by", "-created_at"], name="documents_requester_created"
            ),
            models.Index(fields=["-created_at"], name="documents_created"),
            models.Index(fields=["content_type", "object_id", "kind"], name="documents_subject"),
        ]

    def __str__(self) -> str:
        return self.filename or f"{self.kind} #{self.pk}"

    @property
    def kind_label(self) -> str:
        try:
            return str(get_document_kind(self.kind).label)
        except LookupError:
            return self.kind

    @property
    def is_active(self) -> bool:
        return self.status in self.ACTIVE_STATUSES

    @property
    def percent(self) -> int | None:
        """How far the job is, 0 to 100; None while the worker has not counted the rows."""
        if self.status == self.Status.DONE:
            return 100
        if not self.progress_total:
            return None
        return min(100, self.progress_done * 100 // self.progress_total)

    @property
    def progress_counts(self) -> str:
        """What the progress counts: "rows", or "files" (``DocumentKind.progress_counts``)."""
        try:
            return get_document_kind(self.kind).progress_counts
        except LookupError:
            return "rows"

    @property
    def is_downloadable(self) -> bool:
        return self.status == self.Status.DONE and bool(self.file)
