import logging

from celery import shared_task

from . import services
from .models import GeneratedDocument

logger = logging.getLogger(__name__)


def _render(task, document_id: int) -> None:
    document = GeneratedDocument.objects.filter(pk=document_id).first()
    if document is None:
        logger.warning("Document %s no longer exists; nothing to render", document_id)
        return
    # Redis marks a message it hands back after its worker died.
    takeover = bool((task.request.delivery_info or {}).get("redelivered"))
    services.document_render(document=document, takeover=takeover)


# A PDF takes seconds; the limits stop a runaway rendering. The soft limit raises inside
# the rendering, which the service records as a failure.
@shared_task(
    bind=True,
    acks_late=True,
    time_limit=services.RENDER_TIME_LIMIT,
    soft_time_limit=services.RENDER_TIME_LIMIT - 30,
    ignore_result=True,
)
def render_document_task(self, document_id: int) -> None:
    _render(self, document_id)


# An export (the whole ledger as Excel or PDF) takes minutes: the same work under the
# longest time limit any task has; its progress is written on the document as it goes.
@shared_task(
    bind=True,
    acks_late=True,
    time_limit=services.EXPORT_TIME_LIMIT,
    soft_time_limit=services.EXPORT_TIME_LIMIT - 30,
    ignore_result=True,
)
def export_document_task(self, document_id: int) -> None:
    _render(self, document_id)


# A kind whose job outgrows the export limit (settings.DOCUMENT_TIME_LIMITS: the whole
# ledger as PDF) runs here, under its own limit, which its message carries (the one
# below is the default). Its message is acknowledged as the worker takes it: left
# unacknowledged past the broker's visibility timeout (15 minutes), it would be handed to
# a second worker while the first still renders. A worker that dies meanwhile is the
# reclaim sweep's: it hands the job back once the claim is older than the kind's limit.
@shared_task(
    bind=True,
    acks_late=False,
    time_limit=services.EXPORT_TIME_LIMIT,
    soft_time_limit=services.EXPORT_TIME_LIMIT - services.SOFT_LIMIT_MARGIN,
    ignore_result=True,
)
def long_document_task(self, document_id: int) -> None:
    _render(self, document_id)


@shared_task(
    name="documents.reclaim_stale", time_limit=120, soft_time_limit=100, ignore_result=True
)
def reclaim_stale_documents_task() -> int:
    """Every minute (beat): hand back the jobs of workers that died while rendering."""
    return len(services.documents_reclaim_stale())
