"""Every filter set of the product stands on the one base (safetyzone.core.filters)."""

import django_filters
from django.urls import get_resolver

from safetyzone.core.filters import FilterSet

APPS = ("campaigns.", "duty.", "inspections.", "safetyzone.")


def _all_subclasses(cls):
    for sub in cls.__subclasses__():
        yield sub
        yield from _all_subclasses(sub)


def test_every_filter_set_of_the_product_derives_from_the_core_base():
    get_resolver().url_patterns  # imports every view and API module  # noqa: B018
    ours = {
        cls
        for cls in _all_subclasses(django_filters.FilterSet)
        if cls.__module__.startswith(APPS)
        and cls.__module__ != "safetyzone.core.filters"
        # FilterBackend generates a set per view with filterset_fields, on the base.
        and not cls.__module__.startswith("django_filters")
    }
    assert len(ours) > 30
    assert [c for c in ours if not issubclass(c, FilterSet)] == []
