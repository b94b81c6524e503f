"""Pins on the few library internals the product still relies on, so that an upgrade
that changes one fails here, by name, instead of quietly losing what it gave (a speed-up
or a guard). Each pin asserts the symbol with the signature we rely on, and the behaviour
beside it. Everything else goes through the libraries' public API (issue 14)."""

import inspect

import pytest
from django import forms
from django.db.models.query import ModelIterable
from django.utils import translation
from django_filters import rest_framework as drf_filters
from django_filters.utils import label_for_filter
from rest_framework.request import Request
from rest_framework.test import APIRequestFactory
from rest_framework.views import APIView

from safetyzone.core.api import FilterBackend
from safetyzone.core.filters import FilterSet
from safetyzone.org.models import Enterprise, Unit

pytestmark = pytest.mark.django_db


def parameters(function) -> list[str]:
    return list(inspect.signature(function).parameters)


def named(function) -> list[str]:
    """The parameters named one by one (not ``*args``, ``**kwargs``)."""
    variable = (inspect.Parameter.VAR_POSITIONAL, inspect.Parameter.VAR_KEYWORD)
    found = inspect.signature(function).parameters.values()
    return [p.name for p in found if p.kind not in variable]


def overridden(cls, name: str):
    """The library's method that ``cls`` overrides under ``name`` (not ours)."""
    for base in cls.__mro__[1:]:
        if name in base.__dict__:
            return base.__dict__[name]
    raise AssertionError(f"no base of {cls.__name__} defines {name} any more")


# --- Private methods we override: the library must still call them by that name. -----

OVERRIDES = [
    # Formula injection guard: every string cell goes through it (XlsxWriter).
    ("safetyzone.documents.spreadsheets.SafeWorksheet", "_write_string"),
    # The enterprise form checks shape only; the service runs full_clean (Django).
    ("safetyzone.org.forms.EnterpriseForm", "_post_clean"),
    # The schema's error responses: 409/413 on writes, 403 for any role check, and the
    # validation errors a service may raise (drf-standardized-errors' AutoSchema).
    ("safetyzone.core.api_errors.AutoSchema", "_should_add_error_response"),
    ("safetyzone.core.api_errors.AutoSchema", "_should_add_http403_error_response"),
    ("safetyzone.core.api_errors.AutoSchema", "_should_add_validation_error_response"),
    ("safetyzone.core.api_errors.AutoSchema", "_determine_fields_with_error_codes"),
    ("safetyzone.core.api_errors.AutoSchema", "_get_validation_error_codes_by_field"),
]


@pytest.mark.parametrize(("path", "name"), OVERRIDES)
def test_a_private_method_we_override_is_still_the_librarys(path, name):
    module, _, cls_name = path.rpartition(".")
    cls = getattr(__import__(module, fromlist=[cls_name]), cls_name)
    ours, theirs = named(cls.__dict__[name]), named(overridden(cls, name))
    assert theirs[: len(ours)] == ours  # ours passes the rest on as *args
    # and the library still calls it by that name
    assert name in inspect.getsource(inspect.getmodule(overridden(cls, name)))


def test_django_forms_still_run_post_clean_in_full_clean():
    assert "self._post_clean()" in inspect.getsource(forms.BaseForm.full_clean)


# --- Django: a page's count reads keys, not the page's annotations. -------------------


def test_querysets_still_say_whether_they_yield_model_instances():
    """safetyzone.core.pagination counts ``values("pk")`` of a list of model instances
    (so that the subqueries of a page are not computed for its count), and knows such a
    list by ``QuerySet._iterable_class``."""
    assert Unit.objects.all()._iterable_class is ModelIterable
    assert Unit.objects.values("pk")._iterable_class is not ModelIterable
    assert Unit.objects.values_list("pk")._iterable_class is not ModelIterable


# --- Django: seed_scale's undo deletes generated rows without loading them. -----------


def test_raw_delete_still_deletes_a_querysets_rows_in_one_statement(unit_a):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tests.factories import UnitFactory

    units = [UnitFactory(name=f"删{n}") for n in range(3)]
    found = Unit.objects.filter(pk__in=[u.pk for u in units])
    assert parameters(type(found)._raw_delete) == ["self", "using"]
    with CaptureQueriesContext(connection) as ctx:
        assert found._raw_delete(found.db) == 3
    assert len(ctx.captured_queries) == 1 and not found.exists()


# --- django-filter: labels and the DRF set's filter defaults. -------------------------


def test_label_for_filter_still_labels_a_filter_by_the_models_field():
    assert parameters(label_for_filter) == ["model", "field_name", "lookup_expr", "exclude"]
    with translation.override("en"):
        assert label_for_filter(Enterprise, "supervising_unit", "exact") == "Supervising unit"
        assert label_for_filter(Unit, "order", "gte") == "Order is greater than or equal to"


class Enterprises(FilterSet):
    name = drf_filters.CharFilter(lookup_expr="icontains", label="Name has")
    created_at = drf_filters.DateTimeFromToRangeFilter()

    class Meta:
        model = Enterprise
        fields = ["supervising_unit", "is_active", "name", "created_at"]


def test_our_filter_set_labels_its_filters_in_the_language_of_the_request():
    filters = Enterprises.base_filters
    assert filters["name"].label == "Name has"  # a declared label is kept
    with translation.override("en"):
        assert str(Enterprises().form.fields["supervising_unit"].label) == "Supervising unit"
    with translation.override("zh-hans"):
        chinese = str(Enterprises().form.fields["supervising_unit"].label)
    assert chinese != "Supervising unit"


def test_our_filter_set_filters_model_fields_as_the_drf_set_does():
    ours = Enterprises.base_filters
    drf = type("Drf", (drf_filters.FilterSet,), {"Meta": Enterprises.Meta}).base_filters
    assert type(ours["is_active"]) is type(drf["is_active"]) is drf_filters.BooleanFilter
    assert not hasattr(Enterprises().form, "helper")  # no crispy layout built


def test_the_browsable_apis_filter_box_is_a_get_form():
    class View(APIView):
        filterset_class = Enterprises

    request = Request(APIRequestFactory().get("/"))
    html = FilterBackend().to_html(request, Enterprise.objects.all(), View())
    assert 'method="get"' in html and 'name="supervising_unit"' in html
