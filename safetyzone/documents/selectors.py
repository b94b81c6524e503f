"""Reads of generated documents, and of the subjects they are made from, that depend on
who asks."""

from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db.models import Model, QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404

from safetyzone.org.models import User
from safetyzone.org.scoping import scope_queryset

from .models import GeneratedDocument
from .registry import DocumentKind, document_kinds, get_document_kind


def document_list(*, user: User, filters: dict[str, Any] | None = None) -> QuerySet:
    """The documents ``user`` may read: of the units they see (the scoping rule), of the
    kinds their role may read (``DocumentKind.may_read``)."""
    readable = [kind.code for kind in document_kinds() if kind.may_read(user)]
    qs = (
        scope_queryset(GeneratedDocument.objects.all(), user)
        .filter(kind__in=readable)
        .select_related("unit", "requested_by")
    )
    filters = filters or {}
    if kind := filters.get("kind"):
        qs = qs.filter(kind=kind)
    if status := filters.get("status"):
        qs = qs.filter(status=status)
    return qs.order_by("-created_at", "-pk")


def document_get(*, user: User, pk: Any) -> GeneratedDocument:
    return get_object_or_404(document_list(user=user), pk=pk)


def document_latest_for(*, user: User, kind: str, subject: Model) -> GeneratedDocument | None:
    """The newest document of ``kind`` made from ``subject`` that ``user`` may see."""
    if subject is None or subject.pk is None:
        return None
    return (
        document_list(user=user)
        .filter(
            kind=kind,
            content_type=ContentType.objects.get_for_model(subject),
            object_id=subject.pk,
        )
        .first()
    )


def document_kind_get(*, code: str) -> DocumentKind:
    try:
        return get_document_kind(code)
    except LookupError:
        raise Http404("No such document kind") from None


def document_subject_get(*, user: User, kind: str, object_id: Any) -> Model:
    """The subject a document of ``kind`` would be made from, through the scoping rule:
    404 when it does not exist or belongs to a unit ``user`` does not see."""
    doc_kind = document_kind_get(code=kind)
    subjects = doc_kind.get_model()._default_manager.all()
    if doc_kind.subject_related:
        subjects = subjects.select_related(*doc_kind.subject_related)
    return get_object_or_404(scope_queryset(subjects, user), pk=object_id)
