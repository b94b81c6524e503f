from typing import Any

from django import template

from ..models import GeneratedDocument
from ..selectors import document_latest_for

register = template.Library()


@register.simple_tag(takes_context=True)
def latest_document(context: dict[str, Any], kind: str, subject: Any) -> GeneratedDocument | None:
    """The newest document of ``kind`` for ``subject`` the current user may see (one
    query)."""
    request = context.get("request")
    user = getattr(request, "user", None) or context.get("user")
    if user is None or not user.is_authenticated:
        return None
    return document_latest_for(user=user, kind=kind, subject=subject)
