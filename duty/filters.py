"""One FilterSet per duty resource, for the page's list and the API alike: the same
parameter names, checked by the same fields, so a page and the API asked the same query
string list the same rows.

The names are those the API documented. ``search`` is the text search, held by the sets
(it was DRF's SearchFilter, over the same fields, which a page could not use; the
resource page said ``q``). The roster, swap, incident and warning pages take the API's
filters too; no page lists shifts (their set is the API's only).
"""

from django.core.validators import RegexValidator
from django.db.models import F
from django.utils.translation import gettext_lazy as _
from django_filters import rest_framework as filters
from django_filters.widgets import BooleanWidget

from safetyzone.core.filters import FilterSet, text_search

from .models import (
    DutyLogEntry,
    DutyReport,
    DutyRoster,
    EmergencyResource,
    Handover,
    IncidentReport,
    LeaveRequest,
    RescueTeam,
    Shift,
    StandbyAssignment,
    StockMovement,
    SwapRequest,
    Unavailability,
    WeatherWarning,
)
from .selectors.incidents import active_warnings

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


# --- Leave ---------------------------------------------------------------------------


class UnavailabilityFilter(FilterSet):
    # The leave over a period: what ends on or after ``date_from`` and starts on or
    # before ``date_to``.
    date_from = filters.DateFilter(field_name="end_date", lookup_expr="gte")
    date_to = filters.DateFilter(field_name="start_date", lookup_expr="lte")

    class Meta:
        model = Unavailability
        fields = ["person", "kind"]


class LeaveRequestFilter(FilterSet):
    date_from = filters.DateFilter(field_name="end_date", lookup_expr="gte")
    date_to = filters.DateFilter(field_name="start_date", lookup_expr="lte")

    class Meta:
        model = LeaveRequest
        fields = ["status", "person", "kind"]


# --- Shifts ---------------------------------------------------------------------------


class ShiftFilter(FilterSet):
    date_from = filters.DateFilter(field_name="date", lookup_expr="gte")
    date_to = filters.DateFilter(field_name="date", lookup_expr="lte")
    person = filters.NumberFilter(field_name="assignments__person", distinct=True)

    class Meta:
        model = Shift
        fields = ["roster", "date"]


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


# --- Daily duty reports ---------------------------------------------------------------


class DutyReportFilter(FilterSet):
    """The history of daily reports: a month of duty days (``month=2026-06``)."""

    month = filters.CharFilter(
        method="filter_month",
        label=_("Month"),
        validators=[
            RegexValidator(
                r"^\d{4}-(0[1-9]|1[0-2])$", _("Give the month as YYYY-MM, e.g. 2026-06.")
            )
        ],
    )

    class Meta:
        model = DutyReport
        fields = ["status", "year"]

    def filter_month(self, queryset, name, value):
        year, month = (int(part) for part in value.split("-"))
        return queryset.filter(duty_day__year=year, duty_day__month=month)
