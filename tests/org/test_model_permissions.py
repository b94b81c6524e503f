"""ScopedModelPermissions reads a view's model without building its queryset on every
request: the model it finds must be the one DRF would find, for every action of every
API view that uses it (a view whose actions read different models would otherwise be
checked against the wrong permissions)."""

import pytest
from django.urls import URLPattern, URLResolver, get_resolver
from rest_framework.request import Request
from rest_framework.test import APIRequestFactory

from safetyzone.org.api import ScopedModelPermissions

pytestmark = pytest.mark.django_db


def api_views(patterns=None):
    for entry in patterns if patterns is not None else get_resolver().url_patterns:
        if isinstance(entry, URLResolver):
            yield from api_views(entry.url_patterns)
        elif isinstance(entry, URLPattern):
            cls = getattr(entry.callback, "cls", None)
            actions = getattr(entry.callback, "actions", None)
            if cls is not None and actions:
                yield cls, actions


def test_the_model_found_is_the_model_of_the_views_queryset(staff):
    factory = APIRequestFactory()
    checked = 0
    for cls, actions in api_views():
        uses = [p for p in cls.permission_classes if issubclass(p, ScopedModelPermissions)]
        if not uses:
            continue
        for method, action in actions.items():
            request = Request(factory.generic(method.upper(), "/"))
            request.user = staff
            view = cls(action=action, action_map=actions, request=request, kwargs={})
            view.format_kwarg = None
            assert uses[0]().model_of(view) is view.get_queryset().model, (cls, action)
            checked += 1
    assert checked > 20


def test_reads_need_the_view_permission(api_client, django_user_model, unit_a):
    user = django_user_model.objects.create_user("nobody", password="x", unit=unit_a)
    api_client.force_authenticate(user)
    assert api_client.get("/api/v1/enterprises/").status_code == 403
    api_client.force_authenticate(None)
    assert api_client.get("/api/v1/enterprises/").status_code == 401
