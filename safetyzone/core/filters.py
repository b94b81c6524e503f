"""The base of the product's django-filter FilterSets, for the pages and the API alike.

django-filter's DRF FilterSet lays its form out for crispy-forms (a helper and a layout)
on every access of ``form``, for the browsable API's filter box; filtering reads
``form`` several times and draws nothing, and the pages draw their own forms. This base
is django-filter's plain FilterSet with the DRF set's filters for model fields (ISO 8601
date-times, true/false booleans), so that a set moved onto it filters exactly as before.

A filter declared without a label finds one, on every request, by walking the model's
fields (``label_for_filter``), for every filter of the set, although no JSON answer shows
it: :func:`lazy_labels` gives each such filter its label once per class, lazily (computed
when a form shows it, in that request's language). Everything here is django-filter's
public API: ``FILTER_DEFAULTS``, ``get_filters``, ``Filter.label`` and
``django_filters.utils.label_for_filter`` (pinned by tests/core/test_library_pins.py).

Beside the base, the pieces every app's ``filters.py`` shares: :class:`ListedModelChoiceFilter`
(a short list's select), :class:`YesNoWidget` (a yes/no filter's select),
:func:`text_search` (``search``), :func:`scope_choices` (the choices of records are the
user's own, on the API and the pages alike) and :func:`page_filter` (a list page's form
and rows from the API's set).
"""

from __future__ import annotations

from typing import Any

import django_filters
from django.db import models
from django.db.models import Q, QuerySet
from django.http import HttpRequest
from django.utils.functional import lazy
from django.utils.translation import gettext_lazy as _
from django_filters.rest_framework.filterset import FILTER_FOR_DBFIELD_DEFAULTS
from django_filters.utils import label_for_filter
from django_filters.widgets import BooleanWidget

from safetyzone.org.scoping import scope_queryset, sees_all_units, unit_choices_for

from .forms import ListedModelChoiceField

_lazy_label = lazy(label_for_filter, str)


def lazy_labels(model, filters) -> None:
    """Give every filter without a label its generated label, lazily."""
    if model is None:
        return
    for item in filters.values():
        # On a set's class the filters have no model yet, so reading ``label`` computes
        # nothing: it is the declared label or None.
        if item.label is None:
            item.label = _lazy_label(model, item.field_name, item.lookup_expr, item.exclude)


class FilterSet(django_filters.FilterSet):
    FILTER_DEFAULTS = FILTER_FOR_DBFIELD_DEFAULTS

    #: A set with its own ``filter_queryset`` sets this when, given none of its
    #: parameters, it returns the queryset as it is (no default narrowing): the API's
    #: backend then skips the set's form and validation on such a request.
    narrows_only_what_is_asked = False

    @classmethod
    def get_filters(cls):
        filters = super().get_filters()
        lazy_labels(cls._meta.model, filters)
        return filters


class YesNoWidget(BooleanWidget):
    """A yes/no filter's select: all, yes or no (``true``/``false``, also ``1``/``0``)."""

    def __init__(self, attrs=None):
        super().__init__(attrs)
        self.choices = [("", _("All")), ("true", _("Yes")), ("false", _("No"))]


class ListedModelChoiceFilter(django_filters.ModelChoiceFilter):
    """Its choices read with one plain query when the page draws them."""

    field_class = ListedModelChoiceField


def text_search(*fields: str) -> django_filters.CharFilter:
    """``search``: every word (split at spaces and commas) in one of ``fields``, as DRF's
    SearchFilter reads it (the sets hold the search, so that a page can use it too)."""

    def search(queryset: QuerySet, name: str, value: str) -> QuerySet:
        for term in value.replace(",", " ").split():
            match = Q()
            for field in fields:
                match |= Q(**{f"{field}__icontains": term})
            queryset = queryset.filter(match)
        return queryset

    return django_filters.CharFilter(method=search, label=_("Search"))


def scope_choices(filterset, user) -> None:
    """A filter by a record of a unit (an enterprise, an inspection, a hazard...) offers
    only the records ``user`` may see: another unit's id is refused exactly like an id
    that does not exist, so that filtering tells nothing of what exists elsewhere. A
    model whose records every user reads says so with ``read_by_everyone``; the units
    themselves (no ``scope_unit_field``) are the committee's members, known to all.
    Call before the filter set's form is built."""
    for item in filterset.filters.values():
        queryset = getattr(item, "queryset", None)
        if not isinstance(queryset, models.QuerySet):
            continue
        model = queryset.model
        if getattr(model, "scope_unit_field", None) and not getattr(
            model, "read_by_everyone", False
        ):
            item.queryset = scope_queryset(queryset, user)


def page_filter(
    filterset_class: type[django_filters.FilterSet],
    request: HttpRequest,
    queryset: QuerySet,
    *,
    data=None,
    staff_only: tuple[str, ...] = (),
) -> tuple[Any, QuerySet]:
    """The filter set of a list page (the API's ``filterset_class``): its form for the
    page, and the rows. ``data`` is the query string (``request.GET`` unless given).
    Choices of records are the user's own (:func:`scope_choices`), as on the API; a unit
    to choose offers the office the units it may assign to, and ``staff_only`` fields
    leave a department head's form (they see their own unit's rows only). An invalid
    filter shows the rows unfiltered beside its error, on the form."""
    data = request.GET if data is None else data
    filterset = filterset_class(data or None, queryset=queryset, request=request)
    scope_choices(filterset, request.user)
    staff = sees_all_units(request.user)
    if staff and "unit" in filterset.filters:
        filterset.filters["unit"].queryset = unit_choices_for(request.user)
    if not staff:
        for name in staff_only:
            filterset.form.fields.pop(name, None)
    if not filterset.is_bound:
        return filterset.form, queryset
    return filterset.form, filterset.qs if filterset.is_valid() else queryset
