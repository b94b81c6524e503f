"""One FilterSet per resource, for the page's filter form and the API alike: the same
parameter names, checked by the same fields, applied by the same selector function (so a
page and the API asked the same query string list the same rows).

The names are those the API documented: ``search`` for the text search (the pages said
``q``), and every filter either side had (a page gains ``is_exercise``, ``parent``,
``duty_level``...; the API gains ``date_from``/``date_to`` on meetings and directives).
"""

from collections.abc import Callable
from typing import Any, ClassVar

from django.db.models import QuerySet
from django.forms import DateInput
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from django_filters import rest_framework as filters
from django_filters.widgets import DateRangeWidget

from safetyzone.core.api import YearFilter
from safetyzone.core.filters import FilterSet, ListedModelChoiceFilter
from safetyzone.org.models import KeyArea, Unit

from .models import (
    Activity,
    Campaign,
    Chaser,
    Directive,
    ExtensionRequest,
    KeyPeriod,
    Meeting,
    ProgressReport,
    RiskLevel,
    Task,
    TaskAssignment,
)
from .selectors import activities as activity_selectors
from .selectors import meetings as meeting_selectors
from .selectors import planning as planning_selectors
from .selectors import tasks as task_selectors
from .selectors.tasks import Light, LightClock

DATE = DateInput(attrs={"type": "date"})


def request_clock(request: HttpRequest) -> LightClock:
    """The request's one light clock: one calendar read for filters, rows and serializers."""
    clock = getattr(request, "_light_clock", None)
    if clock is None:
        clock = LightClock()
        request._light_clock = clock
    return clock


def _campaigns():
    return Campaign.objects.order_by("-start_date", "pk")


class SelectorFilterSet(FilterSet):
    """Declares and checks the parameters; ``apply`` (a selector's filter function, which
    knows the text search as ``q``) narrows the queryset."""

    apply: ClassVar[Callable[..., QuerySet]]

    search = filters.CharFilter(label=_("Search"))

    def given(self) -> dict[str, Any]:
        given = {k: v for k, v in self.form.cleaned_data.items() if v not in (None, "")}
        if "search" in given:
            given["q"] = given.pop("search")
        return given

    def filter_queryset(self, queryset: QuerySet) -> QuerySet:
        return type(self).apply(queryset, self.given())


# --- Tasks and assignments ----------------------------------------------------------------


class _TaskFilters(FilterSet):
    search = filters.CharFilter(label=_("Search"))
    campaign = ListedModelChoiceFilter(
        label=_("Campaign"), queryset=Campaign.objects.all(), empty_label=_("All campaigns")
    )
    status = filters.ChoiceFilter(
        label=_("Status"), choices=TaskAssignment.Status.choices, empty_label=_("All statuses")
    )
    light = filters.ChoiceFilter(
        label=_("Light"), choices=Light.choices, empty_label=_("All lights")
    )
    overdue = filters.BooleanFilter(label=_("Overdue"))
    deadline_after = filters.DateFilter(label=_("Deadline from"), widget=DATE)
    deadline_before = filters.DateFilter(label=_("Deadline to"), widget=DATE)

    def cleaned_filters(self) -> dict:
        data = dict(self.form.cleaned_data)
        data["q"] = data.pop("search", "") or ""
        return data


class TaskFilter(_TaskFilters):
    """As the task list page: unit, status, light and overdue look at the assignments."""

    unit = ListedModelChoiceFilter(
        label=_("Unit"), field_name="assignments__unit", queryset=Unit.objects.all()
    )

    class Meta:
        model = Task
        fields: list[str] = []

    def filter_queryset(self, queryset):
        return task_selectors.filter_tasks(
            queryset,
            user=self.request.user,
            filters=self.cleaned_filters(),
            clock=request_clock(self.request),
        )


class AssignmentFilter(_TaskFilters):
    """As the assignment list page."""

    campaign = ListedModelChoiceFilter(
        label=_("Campaign"),
        field_name="task__campaign",
        queryset=Campaign.objects.all(),
        empty_label=_("All campaigns"),
    )
    unit = ListedModelChoiceFilter(label=_("Unit"), queryset=Unit.objects.all())

    class Meta:
        model = TaskAssignment
        fields: list[str] = []

    def filter_queryset(self, queryset):
        return task_selectors.filter_assignments(
            queryset, self.cleaned_filters(), request_clock(self.request)
        )


class ExtensionRequestFilter(FilterSet):
    class Meta:
        model = ExtensionRequest
        fields = ["status", "assignment"]


class ChaserFilter(FilterSet):
    open = filters.BooleanFilter(
        field_name="acknowledged_at", lookup_expr="isnull", label=_("Not yet signed for")
    )

    class Meta:
        model = Chaser
        fields = ["assignment", "open"]


class ProgressReportFilter(FilterSet):
    class Meta:
        model = ProgressReport
        fields = ["assignment"]


# --- Planning -----------------------------------------------------------------------------


class CampaignFilter(SelectorFilterSet):
    apply = staticmethod(planning_selectors.campaign_filter)

    kind = filters.ChoiceFilter(
        label=_("Kind"), choices=Campaign.Kind.choices, empty_label=_("All kinds")
    )
    year = YearFilter(label=_("Year"))
    lead_unit = filters.ModelChoiceFilter(label=_("Lead unit"), queryset=Unit.objects.all())
    parent = filters.ModelChoiceFilter(label=_("Carrier campaign"), queryset=_campaigns())

    class Meta:
        model = Campaign
        fields: list[str] = []


class KeyPeriodFilter(SelectorFilterSet):
    apply = staticmethod(planning_selectors.key_period_filter)

    when = filters.ChoiceFilter(
        label=_("When"),
        choices=[("active", _("Active now")), ("upcoming", _("Upcoming (next 30 days)"))],
        empty_label=_("Any time"),
    )
    date_from = filters.DateFilter(label=_("From"), widget=DATE)
    date_to = filters.DateFilter(label=_("To"), widget=DATE)
    risk_level = filters.ChoiceFilter(
        label=_("Risk level"), choices=RiskLevel.choices, empty_label=_("All levels")
    )
    duty_level = filters.ChoiceFilter(
        label=_("Duty level"), choices=KeyPeriod.DutyLevel.choices, empty_label=_("All levels")
    )
    key_area = filters.ModelChoiceFilter(
        label=_("Key area"), field_name="key_areas", queryset=KeyArea.objects.all()
    )
    campaign = filters.ModelChoiceFilter(label=_("Campaign"), queryset=_campaigns())

    class Meta:
        model = KeyPeriod
        fields: list[str] = []


# --- Activities ---------------------------------------------------------------------------


class ActivityFilter(SelectorFilterSet):
    apply = staticmethod(activity_selectors.activity_filter)

    campaign = filters.ModelChoiceFilter(label=_("Campaign"), queryset=_campaigns())
    kind = filters.ChoiceFilter(
        label=_("Kind"), choices=Activity.Kind.choices, empty_label=_("All kinds")
    )
    five_into_target = filters.ChoiceFilter(
        label=_("Five-into target"),
        choices=Activity.FiveIntoTarget.choices,
        empty_label=_("All targets"),
    )
    unit = filters.ModelChoiceFilter(label=_("Unit"), queryset=Unit.objects.all())
    date_from = filters.DateFilter(label=_("From"), widget=DATE)
    date_to = filters.DateFilter(label=_("To"), widget=DATE)
    is_exercise = filters.BooleanFilter(label=_("Drills only (yes) or no drills (no)"))

    class Meta:
        model = Activity
        fields: list[str] = []


# --- Directives and meetings --------------------------------------------------------------


class DirectiveFilter(SelectorFilterSet):
    apply = staticmethod(meeting_selectors.directive_filter)

    issuer = filters.CharFilter(label=_("Issuer"))
    campaign = filters.ModelChoiceFilter(label=_("Campaign"), queryset=_campaigns())
    date_from = filters.DateFilter(label=_("Issued from"), widget=DATE)
    date_to = filters.DateFilter(label=_("Issued until"), widget=DATE)
    issued_on = filters.DateFromToRangeFilter(
        label=_("Issued between"), widget=DateRangeWidget(attrs={"type": "date"})
    )

    class Meta:
        model = Directive
        fields: list[str] = []


class MeetingFilter(SelectorFilterSet):
    apply = staticmethod(meeting_selectors.meeting_filter)

    campaign = filters.ModelChoiceFilter(label=_("Campaign"), queryset=_campaigns())
    kind = filters.ChoiceFilter(
        label=_("Kind"), choices=Meeting.Kind.choices, empty_label=_("All kinds")
    )
    status = filters.ChoiceFilter(
        label=_("Status"), choices=Meeting.Status.choices, empty_label=_("All statuses")
    )
    organiser = filters.ModelChoiceFilter(label=_("Organising unit"), queryset=Unit.objects.all())
    date_from = filters.DateFilter(label=_("From"), widget=DATE)
    date_to = filters.DateFilter(label=_("Until"), widget=DATE)
    starts_at = filters.IsoDateTimeFromToRangeFilter(
        label=_("Starts between"),
        widget=DateRangeWidget(attrs={"type": "datetime-local"}),
    )

    class Meta:
        model = Meeting
        fields: list[str] = []
