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
"""

from __future__ import annotations

import django_filters
from django.utils.functional import lazy
from django_filters.rest_framework.filterset import FILTER_FOR_DBFIELD_DEFAULTS
from django_filters.utils import label_for_filter

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

    @classmethod
    def get_filters(cls):
        filters = super().get_filters()
        lazy_labels(cls._meta.model, filters)
        return filters
