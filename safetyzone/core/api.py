"""Pieces every API view shares."""

import copy
import datetime as dt
from functools import partial

import django_filters
from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_filters import NumberFilter
from django_filters.rest_framework import DjangoFilterBackend
from rest_framework import filters, serializers
from rest_framework.exceptions import NotFound
from rest_framework.exceptions import ValidationError as DRFValidationError
from rest_framework.pagination import CursorPagination, PageNumberPagination
from rest_framework.response import Response

from .filters import FilterSet, lazy_labels, scope_choices
from .pagination import Paginator

# The years a date or a date-time of the API may fall in: every record of the office is
# of this century, and a year outside it is a typo or a probe (year 1 or 9999 overflows
# date arithmetic, and an old year's local time has a seconds offset no client parses).
EARLIEST_YEAR = 2000
LATEST_YEAR = 2100
# The offsets of the world's time zones (PostgreSQL refuses a time beyond ±15:59).
LARGEST_OFFSET = dt.timedelta(hours=14)


def check_in_range(value: dt.date) -> None:
    """The one range rule of the API's dates and date-times (serializer fields and
    filters alike): a year from EARLIEST_YEAR to LATEST_YEAR, and a time's offset in
    whole minutes up to LARGEST_OFFSET either way."""
    if not EARLIEST_YEAR <= value.year <= LATEST_YEAR:
        raise ValidationError(
            _("Enter a date between the years %(earliest)s and %(latest)s."),
            code="out_of_range",
            params={"earliest": EARLIEST_YEAR, "latest": LATEST_YEAR},
        )
    offset = value.utcoffset() if isinstance(value, dt.datetime) else None
    if offset is not None and (abs(offset) > LARGEST_OFFSET or offset.seconds % 60):
        raise ValidationError(
            _("Enter a time zone offset between -14:00 and +14:00."), code="offset_out_of_range"
        )


class DateField(serializers.DateField):
    """A date of the API: years EARLIEST_YEAR to LATEST_YEAR."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.validators.append(check_in_range)


class DateTimeField(serializers.DateTimeField):
    """A date-time of the API: years EARLIEST_YEAR to LATEST_YEAR (any valid offset)."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.validators.append(check_in_range)


class YearFilter(NumberFilter):
    """A year, as a whole number from EARLIEST_YEAR to LATEST_YEAR."""

    field_class = forms.IntegerField

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("min_value", EARLIEST_YEAR)
        kwargs.setdefault("max_value", LATEST_YEAR)
        super().__init__(*args, **kwargs)


# Serializers below have comments, not docstrings: drf-spectacular would publish a
# docstring as the description of every serializer derived from them.


# DRF's ModelSerializer with the API's date and date-time fields.
class ModelSerializer(serializers.ModelSerializer):
    serializer_field_mapping = {
        **serializers.ModelSerializer.serializer_field_mapping,
        models.DateField: DateField,
        models.DateTimeField: DateTimeField,
    }


# Staff's decision on a request (core.models.DecidedRequest): the body of a ``decide``
# action; the service requires a note for a refusal.
class GrantOrRefuseSerializer(serializers.Serializer):
    grant = serializers.BooleanField(help_text="true grants the request, false refuses it.")
    note = serializers.CharField(
        required=False, allow_blank=True, default="", help_text="Required when refusing."
    )


class Keyset(CursorPagination):
    """Keyset pages (DRF's cursor pagination), newest first by id, the one order whose
    position is unique: each page reads ``WHERE id < last seen LIMIT n`` through the
    primary key, at the same cost on page 5,000 as on page 1, and a row inserted or
    deleted between two pages moves no other row from one page to another. ``ordering=id``
    walks oldest first (rows added during the walk come at its end)."""

    page_size = 20
    page_size_query_param = "page_size"
    max_page_size = 100
    ordering = ("-id",)
    orders = {"-id": ("-id",), "id": ("id",), "-pk": ("-id",), "pk": ("id",)}

    def get_ordering(self, request, queryset, view):
        asked = request.query_params.get("ordering") or "-id"
        if asked not in self.orders:
            raise DRFValidationError(
                {"ordering": [_("Keyset pages (cursor) are ordered by id or -id only.")]},
                code="invalid",
            )
        return self.orders[asked]

    def decode_cursor(self, request):
        # An unreadable cursor is a mistake of the request, not a missing page; and the
        # position of an id ordering is a whole number (the cursor is readable base64).
        try:
            cursor = super().decode_cursor(request)
        except NotFound:
            cursor = False
        if cursor is False or (cursor and not str(cursor.position or 0).isdigit()):
            raise DRFValidationError({"cursor": [_("Invalid cursor.")]}, code="invalid_cursor")
        return cursor


class Pagination(PageNumberPagination):
    """Pages of 20 (``page_size`` up to 100). The count stops at the cap of
    :mod:`safetyzone.core.pagination` (10,000): beyond it ``count`` is the cap and
    ``count_is_capped`` is true; ``next`` still leads on while there are rows.

    A request with ``cursor`` (empty for the first page) gets keyset pages instead
    (:class:`Keyset`), for clients that read a whole list: the same answer, with
    ``next`` and ``previous`` carrying an opaque cursor instead of a page number, and a
    page's cost that does not grow with its depth (page numbers make the database skip
    every row before the page)."""

    page_size = 20
    page_size_query_param = "page_size"
    max_page_size = 100
    django_paginator_class = Paginator
    cursor_query_param = "cursor"
    keyset = None

    def paginate_queryset(self, queryset, request, view=None):
        if self.cursor_query_param not in request.query_params:
            return super().paginate_queryset(queryset, request, view)
        self.keyset = Keyset()
        self.counted = self.django_paginator_class(queryset, self.keyset.page_size)
        return self.keyset.paginate_queryset(queryset, request, view)

    def paginate_rows(self, queryset, request, view, rows):
        """:meth:`paginate_queryset`, with the page read as ``rows``
        (:class:`safetyzone.core.rows.Rows`): JSON-ready dicts, no serializer. The count
        is still of ``queryset``."""
        if self.cursor_query_param in request.query_params:
            self.keyset = Keyset()
            self.counted = self.django_paginator_class(queryset, self.keyset.page_size)
            page = self.keyset.paginate_queryset(rows.values(queryset), request, view)
            return None if page is None else rows.page(page)
        self.django_paginator_class = partial(type(self).django_paginator_class, read=rows.read)
        return super().paginate_queryset(queryset, request, view)

    def get_paginated_response(self, data):
        counted = self.counted if self.keyset else self.page.paginator
        return Response(
            {
                "count": counted.count,
                "count_is_capped": counted.count_is_capped,
                "next": self.get_next_link(),
                "previous": self.get_previous_link(),
                "results": data,
            }
        )

    def get_next_link(self):
        return self.keyset.get_next_link() if self.keyset else super().get_next_link()

    def get_previous_link(self):
        return self.keyset.get_previous_link() if self.keyset else super().get_previous_link()

    def get_schema_operation_parameters(self, view):
        return [
            *super().get_schema_operation_parameters(view),
            {
                "name": self.cursor_query_param,
                "required": False,
                "in": "query",
                "description": (
                    "Keyset pages instead of page numbers, for reading a whole list: empty "
                    "for the first page, then the cursor of the next or previous link. "
                    "Ordered by id, newest first (ordering=id: oldest first); a page "
                    "costs the same at any depth."
                ),
                "schema": {"type": "string"},
            },
        ]

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
    """django-filter's backend, through its public hooks only.

    - A request that names none of the set's filters skips the set (its form and
      validation), as filtering by nothing returns the queryset as it is; a set with its
      own ``filter_queryset`` (unless it says ``narrows_only_what_is_asked``) or a
      required filter always runs.
    - A view with ``filterset_fields`` gets its generated set (on
      :class:`safetyzone.core.filters.FilterSet`, whose form has no crispy layout) built
      once per view class, not on every request.
    - Every set's unlabelled filters get their labels lazily, once per class
      (:func:`safetyzone.core.filters.lazy_labels`).
    - A filter by a record of a unit offers only what the user may see
      (:func:`scope_choices`), and dates keep to the API's years (:func:`check_dates`)."""

    filterset_base = FilterSet
    # The browsable API's filter box: django-filter's plain form (a GET form); its crispy
    # version needs the layout that only the DRF FilterSet's form carries.
    template = "django_filters/rest_framework/form.html"

    _generated: dict = {}  # noqa: RUF012 (one cache for the process)
    _labelled: set = set()  # noqa: RUF012 (one cache for the process)

    def filter_queryset(self, request, queryset, view):
        filterset_class = self.get_filterset_class(view, queryset)
        if filterset_class is None or self._nothing_asked(request, filterset_class):
            return queryset
        return super().filter_queryset(request, queryset, view)

    def get_filterset(self, request, queryset, view):
        filterset = super().get_filterset(request, queryset, view)
        if filterset is not None:
            scope_choices(filterset, request.user)
            check_dates(filterset.form)
        return filterset

    @staticmethod
    def _nothing_asked(request, filterset_class) -> bool:
        if filterset_class.filter_queryset is not django_filters.FilterSet.filter_queryset and (
            not getattr(filterset_class, "narrows_only_what_is_asked", False)
        ):
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
        if filterset_class is not None and filterset_class not in self._labelled:
            lazy_labels(filterset_class._meta.model, filterset_class.base_filters)
            self._labelled.add(filterset_class)
        return filterset_class


def check_dates(form) -> None:
    """Every date and date-time a filter takes keeps to :func:`check_in_range`."""
    for field in form.fields.values():
        for part in [field, *getattr(field, "fields", ())]:
            if isinstance(part, (forms.DateField, forms.DateTimeField)):
                part.validators.append(check_in_range)


# For read-only list serializers whose fields depend on nothing but their class: DRF
# builds a ModelSerializer's fields from the model on every request; this builds them
# once per class and hands each serializer its own copy.
class FieldsBuiltOnce:
    def get_fields(self):
        built = type(self).__dict__.get("_fields_built_once")
        if built is None:
            built = super().get_fields()
            type(self)._fields_built_once = built
        return copy.deepcopy(built)


class SearchFilter(filters.SearchFilter):
    """DRF's search, for the views that name ``search_fields``. Every other view's search
    is its filter set's ``search`` (or it has none): there DRF's filter would document a
    ``search`` that narrows nothing, and refuse a value it does not read."""

    def filter_queryset(self, request, queryset, view):
        if not self.get_search_fields(view, request):
            return queryset
        return super().filter_queryset(request, queryset, view)

    def get_schema_operation_parameters(self, view):
        if not getattr(view, "search_fields", None):
            return []
        return super().get_schema_operation_parameters(view)
