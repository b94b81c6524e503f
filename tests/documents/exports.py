"""Running an export the way a page does, in tests: POST to the export URL with the
page's query string (the task runs eagerly once the request's transaction commits),
then download the file the job made."""

from typing import Any

from django.test import TestCase
from django.urls import reverse

from safetyzone.documents.models import GeneratedDocument


def export_job(client, kind: str, query: dict[str, Any] | None = None) -> GeneratedDocument:
    """Queue the export ``kind`` as the client's user, with ``query``; the job, run."""
    before = set(GeneratedDocument.objects.values_list("pk", flat=True))
    url = reverse("documents:export", args=[kind])
    with TestCase.captureOnCommitCallbacks(execute=True):
        response = client.post(url + _query(query), HTTP_HX_REQUEST="true")
    assert response.status_code == 200, response.content[:500]
    document = GeneratedDocument.objects.exclude(pk__in=before).get(kind=kind)
    document.refresh_from_db()
    return document


def export_response(client, kind: str, query: dict[str, Any] | None = None):
    """The download of the export ``kind`` (see ``export_job``), once it is done."""
    document = export_job(client, kind, query)
    assert document.status == GeneratedDocument.Status.DONE, document.error
    response = client.get(reverse("documents:download", args=[document.pk]))
    assert response.status_code == 200
    return response


def _query(query: dict[str, Any] | None) -> str:
    from urllib.parse import urlencode

    return "?" + urlencode(query) if query else ""
