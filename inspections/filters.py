"""One FilterSet per resource, for the page's filter form and the API alike: the same
parameter names, checked by the same fields, so that a page and the API asked the same
query string list the same rows (a page reads its set through
``safetyzone.core.filters.page_filter``).

The names are those the API documented. Hazards (``search``, ``found_from``/``found_until``,
``is_supervised``, ``is_recurrence``): the ledger page said ``q``, ``date_from``/``date_to``,
``supervised`` and ``recurrence``; ``status=open`` (every open status), which only the
page knew, works on both. ``search`` is the text search of every set (DRF's SearchFilter
over the same fields before; the inspection list page said ``q``).
"""

from django import forms
from django.utils.translation import gettext_lazy as _
from django_filters import rest_framework as filters
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field

from campaigns.models import Campaign, KeyPeriod
from inspections.models import (
    ChecklistTemplate,
    EnforcementAction,
    Hazard,
    HazardChangeRequest,
    HazardDraft,
    HazardLevel,
    Inspection,
    InspectionTask,
    RectificationReport,
    Violation,
)
from inspections.selectors import hazards as hazard_selectors
from safetyzone.core.filters import (
    FilterSet,
    ListedModelChoiceFilter,
    YesNoWidget,
    scope_choices,
    text_search,
)
from safetyzone.org.models import Enterprise, KeyArea, Unit
from safetyzone.org.scoping import unit_choices_for

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def from_link(model, label) -> filters.ModelChoiceFilter:
    """A record a link narrows the list to (an enterprise's page...), kept in a hidden
    field, never listed: a select of every enterprise would be thousands of options."""
    return filters.ModelChoiceFilter(
        label=label, queryset=model._default_manager.all(), widget=forms.HiddenInput
    )


def on_or_after(field: str, label) -> filters.DateFilter:
    return filters.DateFilter(label=label, field_name=field, lookup_expr="gte", widget=DATE)


def on_or_before(field: str, label) -> filters.DateFilter:
    return filters.DateFilter(label=label, field_name=field, lookup_expr="lte", widget=DATE)


class LedgerForm(forms.Form):
    """The ledger's filter form (the filter set's fields are added to it)."""

    def chosen_enterprise(self) -> Enterprise | None:
        """The enterprise the ledger is narrowed to, when it is one the user may see."""
        if not self.is_bound or not self.is_valid():
            return None
        return self.cleaned_data.get("enterprise")


class HazardFilter(FilterSet):
    """The hazard ledger's filters: the page's form and the API's parameters."""

    # hazard_filter narrows by what is given only (the API skips the set when nothing is).
    narrows_only_what_is_asked = True

    search = filters.CharFilter(label=_("Search"))
    unit = ListedModelChoiceFilter(
        label=_("Unit"), field_name="responsible_unit", queryset=Unit.objects.all()
    )
    key_area = ListedModelChoiceFilter(label=_("Key area"), queryset=KeyArea.objects.all())
    level = filters.ChoiceFilter(
        label=_("Level"), choices=HazardLevel.choices, empty_label=_("All levels")
    )
    status = filters.ChoiceFilter(
        label=_("Status"),
        choices=[("open", _("Open")), *Hazard.Status.choices],
        empty_label=_("All statuses"),
    )
    overdue = filters.BooleanFilter(label=_("Overdue"), widget=YesNoWidget)
    found_from = filters.DateFilter(label=_("Found from"), widget=DATE)
    found_until = filters.DateFilter(label=_("Found until"), widget=DATE)
    # Hazard has no key period field (hazard_filter matches the period's tasks and dates): the
    # schema is told the parameter is the period's id.
    key_period = extend_schema_field(OpenApiTypes.INT)(
        ListedModelChoiceFilter(
            label=_("Key period"), queryset=KeyPeriod.objects.order_by("-start_date")
        )
    )
    # Shown as a chip (the search box matches enterprises' names).
    enterprise = from_link(Enterprise, _("Enterprise"))
    inspection = from_link(Inspection, _("Inspection"))
    is_supervised = filters.BooleanFilter(label=_("Listed supervision"), widget=YesNoWidget)
    is_recurrence = filters.BooleanFilter(label=_("Recurrence"), widget=YesNoWidget)

    class Meta:
        model = Hazard
        fields: list[str] = []
        form = LedgerForm

    def __init__(self, data=None, queryset=None, *, request=None, prefix=None):
        super().__init__(data, queryset, request=request, prefix=prefix)
        if request is not None:
            # A head chooses among their own unit and sees only records they may read:
            # another unit's record is refused as an id that does not exist.
            scope_choices(self, request.user)
            self.filters["unit"].queryset = unit_choices_for(request.user)

    def filter_queryset(self, queryset):
        given = {k: v for k, v in self.form.cleaned_data.items() if v not in (None, "")}
        return hazard_selectors.hazard_filter(queryset, given)


class HazardChangeRequestFilter(FilterSet):
    class Meta:
        model = HazardChangeRequest
        fields = ["status", "hazard"]


class HazardDraftFilter(FilterSet):
    """The draft hazards' filters (the API's): an inspection's drafts, those awaiting a
    decision."""

    status = filters.ChoiceFilter(
        label=_("Status"), choices=HazardDraft.Status.choices, empty_label=_("All statuses")
    )
    inspection = from_link(Inspection, _("Inspection"))

    class Meta:
        model = HazardDraft
        fields: list[str] = []


# --- Checklists and inspection tasks --------------------------------------------------


class ChecklistTemplateFilter(FilterSet):
    search = text_search("name")

    class Meta:
        model = ChecklistTemplate
        fields = ["key_area", "is_active"]


class InspectionTaskFilter(FilterSet):
    """The inspection task list's filters (page and API)."""

    search = text_search("title")
    key_area = ListedModelChoiceFilter(label=_("Key area"), queryset=KeyArea.objects.all())
    key_period = ListedModelChoiceFilter(
        label=_("Key period"), queryset=KeyPeriod.objects.order_by("-start_date")
    )
    campaign = ListedModelChoiceFilter(
        label=_("Campaign"), queryset=Campaign.objects.order_by("-start_date", "pk")
    )
    unit = ListedModelChoiceFilter(
        label=_("Unit"), field_name="assignments__unit", queryset=Unit.objects.all()
    )

    class Meta:
        model = InspectionTask
        fields: list[str] = []


# --- Inspections ----------------------------------------------------------------------


class InspectionFilter(FilterSet):
    """The inspection list's filters (page and API)."""

    search = text_search("enterprise__name", "conclusion")
    key_area = ListedModelChoiceFilter(label=_("Key area"), queryset=KeyArea.objects.all())
    unit = ListedModelChoiceFilter(label=_("Unit"), queryset=Unit.objects.all())
    method = filters.ChoiceFilter(
        label=_("Method"), choices=Inspection.Method.choices, empty_label=_("All methods")
    )
    is_enforcement = filters.BooleanFilter(label=_("Enforcement visit"), widget=YesNoWidget)
    date_from = on_or_after("date", _("From"))
    date_to = on_or_before("date", _("Until"))
    enterprise = from_link(Enterprise, _("Enterprise"))
    task = from_link(InspectionTask, _("Task"))

    class Meta:
        model = Inspection
        fields: list[str] = []


# --- Rectification reports ------------------------------------------------------------


class RectificationReportFilter(FilterSet):
    """The report list's filters (page and API). The page, asked no status, lists the
    reports pending review (``status=`` lists them all)."""

    search = text_search("hazard__code", "measures_taken")
    status = filters.ChoiceFilter(
        label=_("Status"),
        choices=RectificationReport.Status.choices,
        empty_label=_("All statuses"),
    )
    unit = ListedModelChoiceFilter(
        label=_("Unit"), field_name="hazard__responsible_unit", queryset=Unit.objects.all()
    )
    hazard = from_link(Hazard, _("Hazard"))

    class Meta:
        model = RectificationReport
        fields: list[str] = []


# --- Violations and enforcement -------------------------------------------------------


class ViolationFilter(FilterSet):
    """The violation list's filters (page and API)."""

    search = text_search("person", "description")
    kind = filters.ChoiceFilter(
        label=_("Kind"), choices=Violation.Kind.choices, empty_label=_("All kinds")
    )
    unit = ListedModelChoiceFilter(label=_("Unit"), queryset=Unit.objects.all())
    date_from = on_or_after("date", _("From"))
    date_to = on_or_before("date", _("Until"))
    enterprise = from_link(Enterprise, _("Enterprise"))
    inspection = from_link(Inspection, _("Inspection"))

    class Meta:
        model = Violation
        fields: list[str] = []


class EnforcementActionFilter(FilterSet):
    """No page lists enforcement actions by filters: the API's set."""

    search = text_search("decision_number", "legal_basis", "enterprise__name")

    class Meta:
        model = EnforcementAction
        fields = ["kind", "enterprise", "unit", "inspection", "hazard", "violation"]
