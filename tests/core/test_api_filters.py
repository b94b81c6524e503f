"""The API's filter backend (safetyzone.core.api.FilterBackend): a request that names
none of a filter set's filters skips the set, and every other request is filtered and
validated as django-filter does."""

import pytest
from django_filters import rest_framework as filters
from rest_framework import viewsets
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.test import APIRequestFactory

from safetyzone.core.api import FilterBackend
from safetyzone.org.models import Unit
from tests.factories import UnitFactory

pytestmark = pytest.mark.django_db


class UnitRange(filters.FilterSet):
    order = filters.RangeFilter()
    kind = filters.ChoiceFilter(choices=Unit.Kind.choices)

    class Meta:
        model = Unit
        fields = ["kind", "order"]


class KindRequired(filters.FilterSet):
    kind = filters.ChoiceFilter(choices=Unit.Kind.choices, required=True)

    class Meta:
        model = Unit
        fields = ["kind"]


class OwnFilterQueryset(filters.FilterSet):
    """A set whose own ``filter_queryset`` narrows whatever the request says."""

    class Meta:
        model = Unit
        fields = ["kind"]

    def filter_queryset(self, queryset):
        return queryset.filter(kind=Unit.Kind.STREET_OFFICE)


def filtered(filterset_class, query: str = "") -> set[str]:
    view = viewsets.GenericViewSet(filterset_class=filterset_class)
    request = Request(APIRequestFactory().get(f"/units/?{query}"))
    view.request = request
    units = FilterBackend().filter_queryset(request, Unit.objects.all(), view)
    return set(units.values_list("name", flat=True))


@pytest.fixture
def units():
    UnitFactory(name="一", kind=Unit.Kind.DEPARTMENT, order=1)
    UnitFactory(name="二", kind=Unit.Kind.DEPARTMENT, order=5)
    UnitFactory(name="三", kind=Unit.Kind.STREET_OFFICE, order=9)


def test_no_filter_named_gives_every_row(units):
    assert filtered(UnitRange) == {"一", "二", "三"}
    assert filtered(UnitRange, "page=2&ordering=name") == {"一", "二", "三"}


def test_a_range_filter_named_by_its_suffixed_parameters_still_filters(units):
    assert filtered(UnitRange, "order_min=2&order_max=9") == {"二", "三"}


def test_a_bad_value_is_still_refused(units):
    with pytest.raises(ValidationError) as refused:
        filtered(UnitRange, "kind=volcano")
    assert "kind" in refused.value.detail


def test_a_required_filter_is_still_asked_for(units):
    with pytest.raises(ValidationError) as refused:
        filtered(KindRequired)
    assert "kind" in refused.value.detail


def test_a_set_with_its_own_filtering_runs_without_parameters(units):
    assert filtered(OwnFilterQueryset) == {"三"}


class OwnFilteringOfWhatIsAsked(OwnFilterQueryset):
    """As above, but saying that it narrows nothing when nothing is asked."""

    narrows_only_what_is_asked = True


def test_a_set_that_narrows_only_what_is_asked_is_skipped_without_parameters(units):
    assert filtered(OwnFilteringOfWhatIsAsked) == {"一", "二", "三"}
    assert filtered(OwnFilteringOfWhatIsAsked, "kind=department") == {"三"}


def test_the_hazard_filter_narrows_nothing_when_nothing_is_asked(django_user_model):
    """HazardFilter says narrows_only_what_is_asked: its filtering of an empty query
    must then be the queryset as it is."""
    from inspections.filters import HazardFilter
    from inspections.models import Hazard

    assert HazardFilter.narrows_only_what_is_asked
    queryset = Hazard.objects.order_by("-found_on", "-pk")
    filterset = HazardFilter({}, queryset=queryset)
    assert filterset.is_valid()
    assert str(filterset.qs.query) == str(queryset.query)


def test_search_is_documented_and_read_only_where_a_view_searches(api_client, staff):
    """DRF's search reads the views that name search_fields; elsewhere ``search`` is not
    offered, and a value it would have refused (a NUL) changes nothing."""
    from drf_spectacular.generators import SchemaGenerator

    from tests.helpers import authenticate

    paths = SchemaGenerator().get_schema(request=None, public=True)["paths"]

    def names(path):
        return [p["name"] for p in paths[path]["get"].get("parameters", [])]

    assert "search" not in names("/api/v1/key-areas/")
    assert names("/api/v1/units/").count("search") == 1
    authenticate(api_client, staff)
    assert api_client.get("/api/v1/key-areas/", {"search": "a\x00b"}).status_code == 200
    UnitFactory(name="应急管理局")
    found = api_client.get("/api/v1/units/", {"search": "应急"}).json()["results"]
    assert [unit["name"] for unit in found] == ["应急管理局"]
