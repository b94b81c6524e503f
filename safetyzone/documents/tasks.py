import logging

from celery import shared_task

from . import services
from .models import GeneratedDocument

logger = logging.getLogger(__name__)


# A PDF takes seconds; the limits stop a runaway rendering. The soft limit raises inside
# the rendering, which the service records as a failure.
@shared_task(acks_late=True, time_limit=180, soft_time_limit=150, ignore_result=True)
def render_document_task(document_id: int) -> None:
    document = GeneratedDocument.objects.filter(pk=document_id).first()
    if document is None:
        logger.warning("Document %s no longer exists; nothing to render", document_id)
        return
    services.document_render(document=document)
