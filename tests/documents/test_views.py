"""The documents pages: list, request, status partial, download, and the generate box
on a unit's page. Alice heads unit A, Bob unit B, staff sees all."""

from urllib.parse import quote

import pytest
from django.urls import reverse

from safetyzone.documents.models import GeneratedDocument

from ..factories import UnitFactory
from .factories import PDF_BYTES, GeneratedDocumentFactory

Status = GeneratedDocument.Status


def request_url(unit, kind="unit_profile"):
    return reverse("documents:request", args=[kind, unit.pk])


# --- list ---------------------------------------------------------------------------


def test_list_shows_the_head_only_their_units_documents(client, alice, doc_a, doc_b):
    client.force_login(alice)
    body = client.get(reverse("documents:list")).content.decode()
    assert "应急管理局概况.pdf" in body
    assert "硅谷街道概况.pdf" not in body


def test_list_shows_another_head_only_theirs(client, bob, doc_a, doc_b):
    client.force_login(bob)
    body = client.get(reverse("documents:list")).content.decode()
    assert "硅谷街道概况.pdf" in body
    assert "应急管理局概况.pdf" not in body


def test_list_shows_staff_every_unit(client, staff, doc_a, doc_b):
    client.force_login(staff)
    body = client.get(reverse("documents:list")).content.decode()
    assert "应急管理局概况.pdf" in body
    assert "硅谷街道概况.pdf" in body


@pytest.mark.django_db
def test_list_redirects_anonymous_to_login(client):
    response = client.get(reverse("documents:list"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize("rows", [5, 50])
def test_list_query_count_does_not_grow_with_rows(
    client, alice, unit_a, rows, django_assert_num_queries
):
    other = UnitFactory()
    for i in range(rows):
        # Subjects of unit A's documents: the unit itself and units it does not own.
        subject = unit_a if i == 0 else other
        GeneratedDocumentFactory(
            unit=unit_a,
            object_id=subject.pk,
            status=[Status.DONE, Status.FAILED][i % 2],
            error="错误" if i % 2 else "",
        )
    client.force_login(alice)
    client.get(reverse("documents:list"))  # warm: the banner's warnings and roles are cached
    # session, user, the user's unit (menu), count, page of documents
    with django_assert_num_queries(5):
        response = client.get(reverse("documents:list"))
    assert response.status_code == 200


# --- status partial ------------------------------------------------------------------


def test_status_of_an_active_document_keeps_polling(client, alice, unit_a):
    document = GeneratedDocumentFactory(unit=unit_a, status=Status.RUNNING)
    client.force_login(alice)
    body = client.get(reverse("documents:status", args=[document.pk])).content.decode()
    assert f'hx-get="{reverse("documents:status", args=[document.pk])}"' in body
    assert 'hx-trigger="every' in body
    assert "/download/" not in body


def test_status_of_a_done_document_stops_polling_and_links_the_file(client, alice, doc_a):
    client.force_login(alice)
    body = client.get(reverse("documents:status", args=[doc_a.pk])).content.decode()
    assert "hx-get" not in body
    assert reverse("documents:download", args=[doc_a.pk]) in body


def test_status_of_a_failed_document_stops_polling_and_shows_the_error(client, alice, unit_a):
    document = GeneratedDocumentFactory(
        unit=unit_a, status=Status.FAILED, error="RuntimeError: 模板错误"
    )
    client.force_login(alice)
    body = client.get(reverse("documents:status", args=[document.pk])).content.decode()
    assert "hx-get" not in body
    assert "RuntimeError: 模板错误" in body
    assert "/download/" not in body


def test_status_of_another_units_document_is_404(client, bob, doc_a):
    client.force_login(bob)
    assert client.get(reverse("documents:status", args=[doc_a.pk])).status_code == 404


def test_status_is_open_to_staff(client, staff, doc_a):
    client.force_login(staff)
    assert client.get(reverse("documents:status", args=[doc_a.pk])).status_code == 200


@pytest.mark.django_db
def test_status_redirects_anonymous(client, doc_a):
    response = client.get(reverse("documents:status", args=[doc_a.pk]))
    assert response.status_code == 302


# --- download ------------------------------------------------------------------------


def test_download_serves_the_pdf_with_its_chinese_name(client, alice, doc_a):
    client.force_login(alice)
    response = client.get(reverse("documents:download", args=[doc_a.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == (
        "attachment; filename*=utf-8''" + quote("应急管理局概况.pdf")
    )
    assert b"".join(response.streaming_content) == PDF_BYTES


def test_download_of_another_units_document_is_404(client, bob, doc_a):
    client.force_login(bob)
    assert client.get(reverse("documents:download", args=[doc_a.pk])).status_code == 404


def test_download_is_open_to_staff(client, staff, doc_a):
    client.force_login(staff)
    assert client.get(reverse("documents:download", args=[doc_a.pk])).status_code == 200


@pytest.mark.django_db
def test_download_redirects_anonymous(client, doc_a):
    response = client.get(reverse("documents:download", args=[doc_a.pk]))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize("status", [Status.QUEUED, Status.RUNNING, Status.FAILED])
def test_download_of_an_unfinished_document_is_404(client, alice, unit_a, status):
    document = GeneratedDocumentFactory(unit=unit_a, status=status)
    client.force_login(alice)
    assert client.get(reverse("documents:download", args=[document.pk])).status_code == 404


def test_download_with_the_file_gone_is_404(client, alice, doc_a):
    doc_a.file.storage.delete(doc_a.file.name)
    client.force_login(alice)
    assert client.get(reverse("documents:download", args=[doc_a.pk])).status_code == 404


def test_media_is_not_served_by_url(client, alice, doc_a, settings):
    client.force_login(alice)
    assert client.get(settings.MEDIA_URL + doc_a.file.name).status_code == 404


# --- request -------------------------------------------------------------------------


def test_head_requests_their_units_profile(
    client, alice, unit_a, django_capture_on_commit_callbacks
):
    client.force_login(alice)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(request_url(unit_a))
    assert response.status_code == 302
    assert response["Location"] == reverse("documents:list")
    document = GeneratedDocument.objects.get()
    assert document.unit == unit_a
    assert document.requested_by == alice
    assert document.status == Status.DONE  # eager in tests: rendered on commit


def test_htmx_request_answers_with_the_polling_status(client, alice, unit_a):
    client.force_login(alice)
    response = client.post(request_url(unit_a), headers={"HX-Request": "true"})
    assert response.status_code == 200
    document = GeneratedDocument.objects.get()
    body = response.content.decode()
    assert f'hx-get="{reverse("documents:status", args=[document.pk])}"' in body


def test_second_request_while_queued_creates_no_second_job(client, alice, unit_a):
    client.force_login(alice)
    client.post(request_url(unit_a))
    client.post(request_url(unit_a))
    assert GeneratedDocument.objects.count() == 1


def test_head_cannot_request_another_units_profile(client, bob, unit_a):
    client.force_login(bob)
    assert client.post(request_url(unit_a)).status_code == 404
    assert not GeneratedDocument.objects.exists()


def test_staff_requests_any_units_profile(client, staff, unit_a):
    client.force_login(staff)
    assert client.post(request_url(unit_a)).status_code == 302
    assert GeneratedDocument.objects.get().unit == unit_a


@pytest.mark.django_db
def test_request_redirects_anonymous_and_queues_nothing(client, unit_a):
    response = client.post(request_url(unit_a))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))
    assert not GeneratedDocument.objects.exists()


def test_request_of_an_unknown_kind_is_404(client, alice, unit_a):
    client.force_login(alice)
    assert client.post(request_url(unit_a, kind="no_such_kind")).status_code == 404


def test_request_needs_post(client, alice, unit_a):
    client.force_login(alice)
    assert client.get(request_url(unit_a)).status_code == 405


# --- the generate box on a unit's page ------------------------------------------------


def test_unit_page_offers_generate_and_shows_the_latest_document(client, alice, unit_a):
    GeneratedDocumentFactory(unit=unit_a, status=Status.FAILED, error="旧的错误")
    latest = GeneratedDocumentFactory(unit=unit_a, status=Status.QUEUED)
    client.force_login(alice)
    body = client.get(unit_a.get_absolute_url()).content.decode()
    assert f'hx-post="{request_url(unit_a)}"' in body
    assert f'id="document-{latest.pk}-status"' in body
    assert "旧的错误" not in body


def test_unit_page_shows_no_status_before_any_document(client, alice, unit_a):
    client.force_login(alice)
    body = client.get(unit_a.get_absolute_url()).content.decode()
    assert f'hx-post="{request_url(unit_a)}"' in body
    assert 'data-testid="document-status"' not in body
