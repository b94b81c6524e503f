"""One FilterSet per duty resource, for the page's list and the API alike: the same
parameter names, checked by the same fields, so a page and the API asked the same query
string list the same rows.

The names are those the API documented. ``search`` is the text search, held by the sets
(it was DRF's SearchFilter, over the same fields, which a page could not use; the
resource page said ``q``). The roster, swap, incident and warning pages take the API's
filters too. Shifts keep their set beside their API (``api/shifts.py``): no page lists
them.
"""

from typing import Any

from django.db.models import F, Q, QuerySet
from django.http import HttpRequest
from django_filters import rest_framework as filters
from django_filters.widgets import BooleanWidget

from safetyzone.core.api import scope_choices
from safetyzone.core.filters import FilterSet

from .models import (
    DutyLogEntry,
    DutyRoster,
    EmergencyResource,
    Handover,
    IncidentReport,
    RescueTeam,
    StandbyAssignment,
    StockMovement,
    SwapRequest,
    WeatherWarning,
)
from .selectors.incidents import active_warnings


def text_search(*fields: str) -> filters.CharFilter:
    """``search``: every word (split at spaces and commas) in one of ``fields``, as DRF's
    SearchFilter read it before the sets took it over."""

    def search(queryset: QuerySet, name: str, value: str) -> QuerySet:
        for term in value.replace(",", " ").split():
            match = Q()
            for field in fields:
                match |= Q(**{f"{field}__icontains": term})
            queryset = queryset.filter(match)
        return queryset

    return filters.CharFilter(method=search, label="search")


def page_filter(
    filterset_class: type[filters.FilterSet], request: HttpRequest, queryset: QuerySet
) -> tuple[Any, QuerySet]:
    """The filter set of a list page: its form, and the rows. Choices of records are the
    user's own (``scope_choices``), as on the API; an invalid filter shows the rows
    unfiltered beside its error."""
    filterset = filterset_class(request.GET or None, queryset=queryset, request=request)
    scope_choices(filterset, request.user)
    if not filterset.is_bound:
        return filterset.form, queryset
    return filterset.form, filterset.qs if filterset.is_valid() else queryset


# --- Rosters and swaps ----------------------------------------------------------------


class RosterFilter(FilterSet):
    search = text_search("title")
    on = filters.DateFilter(method="filter_on", label="covers this day")

    class Meta:
        model = DutyRoster
        fields = ["status", "unit"]

    def filter_on(self, queryset, name, value):
        return queryset.filter(start_date__lte=value, end_date__gte=value)


class SwapRequestFilter(FilterSet):
    class Meta:
        model = SwapRequest
        fields = ["status", "shift"]


# --- Duty log and handovers -----------------------------------------------------------


class LogFilter(FilterSet):
    search = text_search("content")
    date_from = filters.DateFilter(field_name="shift__date", lookup_expr="gte")
    date_to = filters.DateFilter(field_name="shift__date", lookup_expr="lte")

    class Meta:
        model = DutyLogEntry
        fields = ["shift", "kind"]


class HandoverFilter(FilterSet):
    class Meta:
        model = Handover
        fields = ["shift"]


# --- Incidents and warnings -----------------------------------------------------------


class IncidentFilter(FilterSet):
    search = text_search("place", "description", "reported_by")
    date_from = filters.DateFilter(field_name="received_at", lookup_expr="date__gte")
    date_to = filters.DateFilter(field_name="received_at", lookup_expr="date__lte")

    class Meta:
        model = IncidentReport
        fields = ["shift", "kind", "level"]


class WarningFilter(FilterSet):
    search = text_search("area", "content")
    active = filters.BooleanFilter(method="filter_active", widget=BooleanWidget)

    class Meta:
        model = WeatherWarning
        fields = ["level", "kind"]

    def filter_active(self, queryset, name, value):
        if value is None:
            return queryset
        active = {w.pk for w in active_warnings()}
        return queryset.filter(pk__in=active) if value else queryset.exclude(pk__in=active)


# --- Resources, stock, teams, standby -------------------------------------------------


class ResourceFilter(FilterSet):
    # The page's search box said ``q`` and looked at the name and the storage place.
    search = text_search("name", "specification", "storage_place")
    low = filters.BooleanFilter(method="filter_low", widget=BooleanWidget)

    class Meta:
        model = EmergencyResource
        fields = ["kind", "status", "unit"]

    def filter_low(self, queryset, name, value):
        if value is None:
            return queryset
        low = queryset.filter(quantity__lte=F("low_stock_threshold"))
        return low if value else queryset.exclude(pk__in=low.values("pk"))


class StockMovementFilter(FilterSet):
    class Meta:
        model = StockMovement
        fields = ["resource", "direction"]


class RescueTeamFilter(FilterSet):
    search = text_search("name", "speciality", "base")

    class Meta:
        model = RescueTeam
        fields = ["unit", "is_active"]


class StandbyFilter(FilterSet):
    class Meta:
        model = StandbyAssignment
        fields = ["key_period", "team", "resource"]
