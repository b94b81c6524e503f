"""/api/v1/documents/: scoped reads, requests (201 new, 200 existing), downloads."""

from urllib.parse import quote

import pytest
from django.urls import reverse

from safetyzone.documents.models import GeneratedDocument
from tests.helpers import listed_ids

from ..factories import UnitFactory
from .factories import PDF_BYTES, GeneratedDocumentFactory

Status = GeneratedDocument.Status
LIST_URL = "/api/v1/documents/"


def test_head_lists_only_their_units_documents(api_client, alice, doc_a, doc_b):
    api_client.force_authenticate(alice)
    response = api_client.get(LIST_URL)
    assert response.status_code == 200
    assert listed_ids(response) == {doc_a.pk}


def test_other_head_lists_only_theirs(api_client, bob, doc_a, doc_b):
    api_client.force_authenticate(bob)
    assert listed_ids(api_client.get(LIST_URL)) == {doc_b.pk}


def test_staff_lists_every_unit(api_client, staff, doc_a, doc_b):
    api_client.force_authenticate(staff)
    assert listed_ids(api_client.get(LIST_URL)) == {doc_a.pk, doc_b.pk}


@pytest.mark.django_db
def test_anonymous_cannot_list(api_client, doc_a):
    assert api_client.get(LIST_URL).status_code in (401, 403)


def test_retrieve_shows_the_job(api_client, alice, doc_a):
    api_client.force_authenticate(alice)
    data = api_client.get(f"{LIST_URL}{doc_a.pk}/").json()
    assert data["status"] == "done"
    assert data["kind"] == "unit_profile"
    assert data["subject_type"] == "org.unit"
    assert data["object_id"] == doc_a.unit_id
    assert data["unit_name"] == "应急管理局"
    assert data["download_url"].endswith(reverse("api:document-download", args=[doc_a.pk]))


def test_retrieve_of_another_units_document_is_404(api_client, bob, doc_a):
    api_client.force_authenticate(bob)
    assert api_client.get(f"{LIST_URL}{doc_a.pk}/").status_code == 404


def test_unfinished_document_has_no_download_url(api_client, alice, unit_a):
    document = GeneratedDocumentFactory(unit=unit_a, status=Status.QUEUED)
    api_client.force_authenticate(alice)
    assert api_client.get(f"{LIST_URL}{document.pk}/").json()["download_url"] is None


@pytest.mark.parametrize("rows", [5, 50])
def test_list_query_count_does_not_grow_with_rows(
    api_client, alice, unit_a, rows, django_assert_num_queries
):
    other = UnitFactory()
    for _i in range(rows):
        GeneratedDocumentFactory(unit=unit_a, object_id=other.pk)
    api_client.force_authenticate(alice)
    api_client.get(LIST_URL)  # warms the content-type cache
    # count, page of documents
    with django_assert_num_queries(2):
        response = api_client.get(LIST_URL)
    assert response.json()["count"] == rows


# --- requests ------------------------------------------------------------------------


def test_request_returns_201_then_200_with_the_same_job(api_client, alice, unit_a):
    api_client.force_authenticate(alice)
    payload = {"kind": "unit_profile", "object_id": unit_a.pk}

    first = api_client.post(LIST_URL, payload, format="json")
    second = api_client.post(LIST_URL, payload, format="json")

    assert first.status_code == 201
    assert first.json()["status"] == "queued"
    assert second.status_code == 200
    assert second.json()["id"] == first.json()["id"]
    assert GeneratedDocument.objects.count() == 1


def test_request_accepts_the_matching_subject_type(api_client, staff, unit_a):
    api_client.force_authenticate(staff)
    response = api_client.post(
        LIST_URL,
        {"kind": "unit_profile", "subject_type": "org.unit", "object_id": unit_a.pk},
        format="json",
    )
    assert response.status_code == 201
    assert response.json()["unit"] == unit_a.pk


def test_request_refuses_a_subject_type_of_another_model(api_client, alice, unit_a):
    api_client.force_authenticate(alice)
    response = api_client.post(
        LIST_URL,
        {"kind": "unit_profile", "subject_type": "org.enterprise", "object_id": unit_a.pk},
        format="json",
    )
    assert response.status_code == 400
    assert not GeneratedDocument.objects.exists()


def test_request_of_an_unknown_kind_is_400(api_client, alice, unit_a):
    api_client.force_authenticate(alice)
    response = api_client.post(
        LIST_URL, {"kind": "no_such_kind", "object_id": unit_a.pk}, format="json"
    )
    assert response.status_code == 400


def test_head_cannot_request_another_units_document(api_client, bob, unit_a):
    api_client.force_authenticate(bob)
    response = api_client.post(
        LIST_URL, {"kind": "unit_profile", "object_id": unit_a.pk}, format="json"
    )
    assert response.status_code == 404
    assert not GeneratedDocument.objects.exists()


@pytest.mark.django_db
def test_anonymous_cannot_request(api_client, unit_a):
    response = api_client.post(
        LIST_URL, {"kind": "unit_profile", "object_id": unit_a.pk}, format="json"
    )
    assert response.status_code in (401, 403)
    assert not GeneratedDocument.objects.exists()


def test_documents_are_read_only_apart_from_requests_and_deletion(api_client, staff, doc_a):
    api_client.force_authenticate(staff)
    url = f"{LIST_URL}{doc_a.pk}/"
    assert api_client.patch(url, {"status": "queued"}, format="json").status_code == 405
    assert api_client.put(url, {"status": "queued"}, format="json").status_code == 405


# --- downloads -----------------------------------------------------------------------


def test_download_serves_the_pdf(api_client, alice, doc_a):
    api_client.force_authenticate(alice)
    response = api_client.get(reverse("api:document-download", args=[doc_a.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert quote("应急管理局概况.pdf") in response["Content-Disposition"]
    assert b"".join(response.streaming_content) == PDF_BYTES


def test_download_of_another_units_document_is_404(api_client, bob, doc_a):
    api_client.force_authenticate(bob)
    assert api_client.get(reverse("api:document-download", args=[doc_a.pk])).status_code == 404


def test_download_is_open_to_staff(api_client, staff, doc_a):
    api_client.force_authenticate(staff)
    assert api_client.get(reverse("api:document-download", args=[doc_a.pk])).status_code == 200


@pytest.mark.django_db
def test_anonymous_cannot_download(api_client, doc_a):
    response = api_client.get(reverse("api:document-download", args=[doc_a.pk]))
    assert response.status_code in (401, 403)


def test_download_of_an_unfinished_document_is_404(api_client, alice, unit_a):
    document = GeneratedDocumentFactory(unit=unit_a, status=Status.RUNNING)
    api_client.force_authenticate(alice)
    assert api_client.get(reverse("api:document-download", args=[document.pk])).status_code == 404
