"""Pieces every API view shares."""

import copy

from django.utils.functional import lazy
from django_filters import FilterSet, utils
from django_filters.filterset import BaseFilterSet
from django_filters.rest_framework import DjangoFilterBackend
from django_filters.utils import label_for_filter
from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response

from .pagination import Paginator


class Pagination(PageNumberPagination):
    """Pages of 20 (``page_size`` up to 100). The count stops at the cap of
    :mod:`safetyzone.core.pagination` (10,000): beyond it ``count`` is the cap and
    ``count_is_capped`` is true; ``next`` still leads on while there are rows."""

    page_size = 20
    page_size_query_param = "page_size"
    max_page_size = 100
    django_paginator_class = Paginator

    def get_paginated_response(self, data):
        return Response(
            {
                "count": self.page.paginator.count,
                "count_is_capped": self.page.paginator.count_is_capped,
                "next": self.get_next_link(),
                "previous": self.get_previous_link(),
                "results": data,
            }
        )

    def get_paginated_response_schema(self, schema):
        response = super().get_paginated_response_schema(schema)
        response["properties"]["count"]["description"] = (
            "The number of results, counted up to a cap (10,000): when there are more, "
            "this is the cap and count_is_capped is true."
        )
        response["properties"] = {
            "count": response["properties"].pop("count"),
            "count_is_capped": {
                "type": "boolean",
                "description": "True when there are more results than count says.",
                "example": False,
            },
            **response["properties"],
        }
        response["required"] = ["count", "count_is_capped", "results"]
        return response


class FilterBackend(DjangoFilterBackend):
    """django-filter's backend without its per-request introspection.

    A filter without an explicit label finds one on every request by walking the model's
    fields (``label_for_filter``), for every filter of the set, although no JSON answer
    shows it; and a view with ``filterset_fields`` gets a new FilterSet class built on
    every request. Here both happen once per class: the labels become lazy (computed
    only when a form shows them, in the language of that request) and the generated
    class is kept. And a request that names none of the set's filters skips the set (its
    form and validation), as filtering by nothing returns the queryset as it is; a set
    with its own ``filter_queryset`` or a required filter always runs."""

    _generated: dict = {}  # noqa: RUF012 (one cache for the process)

    _without_layout: dict = {}  # noqa: RUF012 (one cache for the process)

    def filter_queryset(self, request, queryset, view):
        filterset_class = self.get_filterset_class(view, queryset)
        if filterset_class is None or self._nothing_asked(request, filterset_class):
            return queryset
        kwargs = self.get_filterset_kwargs(request, queryset, view)
        filterset = self._plain_form(filterset_class)(**kwargs)
        if not filterset.is_valid() and self.raise_exception:
            raise utils.translate_validation(filterset.errors)
        return filterset.qs

    @classmethod
    def _plain_form(cls, filterset_class):
        """The set with django-filter's plain ``form``: the DRF set lays its form out for
        crispy-forms (a helper and a layout) on each access of ``form``, for the browsable
        API's filter box (``to_html``, which keeps it); filtering reads ``form`` many
        times and draws nothing."""
        plain = cls._without_layout.get(filterset_class)
        if plain is None:
            plain = type(
                filterset_class.__name__,
                (filterset_class,),
                {"form": BaseFilterSet.form, "__module__": filterset_class.__module__},
            )
            lazy_labels(plain)
            cls._without_layout[filterset_class] = plain
        return plain

    @staticmethod
    def _nothing_asked(request, filterset_class) -> bool:
        if filterset_class.filter_queryset is not FilterSet.filter_queryset:
            return False
        names = filterset_class.base_filters
        if any(item.extra.get("required") for item in names.values()):
            return False
        # A range filter's parameters carry a suffix (``found_on_after``): a prefix counts.
        return not any(key.startswith(name) for key in request.query_params for name in names)

    def get_filterset_class(self, view, queryset=None):
        if getattr(view, "filterset_class", None) or queryset is None:
            filterset_class = super().get_filterset_class(view, queryset)
        else:
            key = (type(view), queryset.model)
            filterset_class = self._generated.get(key)
            if filterset_class is None:
                filterset_class = super().get_filterset_class(view, queryset)
                self._generated[key] = filterset_class
        if filterset_class is not None and "_labels_ready" not in filterset_class.__dict__:
            lazy_labels(filterset_class)
        return filterset_class


def lazy_labels(filterset_class) -> None:
    model = filterset_class._meta.model
    for item in filterset_class.base_filters.values():
        if item._label is None and model is not None:
            item._label = lazy(label_for_filter, str)(
                model, item.field_name, item.lookup_expr, item.exclude
            )
    filterset_class._labels_ready = True


class FieldsBuiltOnce:
    """For read-only list serializers whose fields depend on nothing but their class:
    DRF builds a ModelSerializer's fields from the model on every request; this builds
    them once per class and hands each serializer its own copy."""

    def get_fields(self):
        built = type(self).__dict__.get("_fields_built_once")
        if built is None:
            built = super().get_fields()
            type(self)._fields_built_once = built
        return copy.deepcopy(built)
