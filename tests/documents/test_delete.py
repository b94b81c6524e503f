"""Deleting a generated document deletes its file: through the one service, by the
person who asked for it or by committee staff; a head never sees, nor deletes, another
unit's document (404), nor a colleague's (403)."""

from pathlib import Path

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from safetyzone.documents import services
from safetyzone.documents.models import GeneratedDocument
from safetyzone.org.roles import Role
from safetyzone.org.scoping import OutsideUnit

from ..factories import UserFactory
from .factories import GeneratedDocumentFactory


@pytest.fixture
def alices_doc(alice, unit_a):
    return GeneratedDocumentFactory(unit=unit_a, requested_by=alice)


@pytest.fixture
def colleague(roles, unit_a):
    return UserFactory(username="carol", unit=unit_a, roles=[Role.DEPARTMENT_HEAD])


def stored(document) -> Path:
    path = Path(document.file.path)
    assert path.exists()
    return path


def test_owner_deletes_the_document_and_its_file(
    alice, alices_doc, django_capture_on_commit_callbacks
):
    path = stored(alices_doc)
    with django_capture_on_commit_callbacks(execute=True):
        services.document_delete(actor=alice, document=alices_doc)
    assert not GeneratedDocument.objects.filter(pk=alices_doc.pk).exists()
    assert not path.exists()


def test_staff_delete_any_units_document(staff, alices_doc, django_capture_on_commit_callbacks):
    path = stored(alices_doc)
    with django_capture_on_commit_callbacks(execute=True):
        services.document_delete(actor=staff, document=alices_doc)
    assert not path.exists()


def test_a_colleague_of_the_unit_may_not_delete_it(colleague, alices_doc):
    path = stored(alices_doc)
    with pytest.raises(PermissionDenied):
        services.document_delete(actor=colleague, document=alices_doc)
    assert path.exists() and GeneratedDocument.objects.filter(pk=alices_doc.pk).exists()


def test_another_units_head_is_refused_as_outside(bob, alices_doc):
    with pytest.raises(OutsideUnit):
        services.document_delete(actor=bob, document=alices_doc)
    assert stored(alices_doc).exists()


def test_a_rolled_back_deletion_keeps_the_file(
    alice, alices_doc, django_capture_on_commit_callbacks
):
    # The file goes only once the deletion commits: no callback, no deletion of the file.
    path = stored(alices_doc)
    with django_capture_on_commit_callbacks(execute=False):
        services.document_delete(actor=alice, document=alices_doc)
    assert path.exists()


def test_delete_view(client, alice, bob, colleague, alices_doc, django_capture_on_commit_callbacks):
    url = reverse("documents:delete", args=[alices_doc.pk])
    path = stored(alices_doc)
    assert client.post(url).status_code == 302  # to the login
    client.force_login(bob)
    assert client.post(url).status_code == 404
    client.force_login(colleague)
    listed = client.get(reverse("documents:list")).content.decode()
    assert alices_doc.filename in listed and 'data-testid="document-delete"' not in listed
    assert client.post(url).status_code == 403
    client.force_login(alice)
    assert client.get(url).status_code == 405
    assert 'data-testid="document-delete"' in client.get(reverse("documents:list")).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url)
    assert response.status_code == 302 and response["Location"] == reverse("documents:list")
    assert not path.exists()
    assert not GeneratedDocument.objects.exists()


def test_delete_api(api_client, alice, bob, alices_doc, django_capture_on_commit_callbacks):
    url = reverse("api:document-detail", args=[alices_doc.pk])
    path = stored(alices_doc)
    api_client.force_authenticate(bob)
    assert api_client.delete(url).status_code == 404
    api_client.force_authenticate(alice)
    with django_capture_on_commit_callbacks(execute=True):
        assert api_client.delete(url).status_code == 204
    assert not path.exists()
