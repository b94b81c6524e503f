"""Every model of the project is in the admin, with search and list filters, and its
pages open for a superuser."""

import pytest
from django.apps import apps
from django.contrib import admin
from django.urls import reverse

PROJECT_APPS = ["org", "core", "documents", "notifications", "campaigns", "inspections", "duty"]


def project_models():
    """The models people work with: history and through tables are reached through
    their model's admin."""
    for label in PROJECT_APPS:
        for model in apps.get_app_config(label).get_models():
            if not (model._meta.auto_created or model.__name__.startswith("Historical")):
                yield model


@pytest.mark.parametrize("model", list(project_models()), ids=lambda m: m._meta.label)
def test_every_project_model_is_registered_with_search_and_filters(model):
    model_admin = admin.site._registry.get(model)
    assert model_admin is not None, f"{model._meta.label} is not in the admin"
    assert model_admin.search_fields, f"{model._meta.label} admin has no search"
    filterable = [
        f
        for f in model._meta.get_fields()
        if getattr(f, "choices", None)
        or f.get_internal_type() in ("ForeignKey", "BooleanField", "DateField", "DateTimeField")
        if not f.auto_created and f.concrete
    ]
    if filterable:
        assert model_admin.list_filter, f"{model._meta.label} admin has no list filters"


@pytest.mark.parametrize("model", list(project_models()), ids=lambda m: m._meta.label)
def test_admin_changelist_and_add_pages_open(client, admin_user, model):
    client.force_login(admin_user)
    info = (model._meta.app_label, model._meta.model_name)
    assert (
        client.get(reverse("admin:{}_{}_changelist".format(*info)), {"q": "x"}).status_code == 200
    )
    if admin.site._registry[model].has_add_permission(type("R", (), {"user": admin_user})()):
        assert client.get(reverse("admin:{}_{}_add".format(*info))).status_code == 200
