"""One FilterSet per resource, for the page's filter form and the API alike: the same
parameter names, checked by the same fields, applied by the same selector function, so
that a page and the API asked the same query string list the same rows.

The names are those the API documented (``search``, ``found_from``/``found_until``,
``is_supervised``, ``is_recurrence``); the ledger page said ``q``, ``date_from``/``date_to``,
``supervised`` and ``recurrence``. ``status=open`` (every open status), which only the
page knew, works on both.
"""

from django import forms
from django.utils.translation import gettext_lazy as _
from django_filters import rest_framework as filters
from django_filters.widgets import BooleanWidget
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field

from campaigns.models import KeyPeriod
from inspections.models import Hazard, HazardLevel, Inspection
from inspections.selectors import hazards as hazard_selectors
from safetyzone.core.filters import FilterSet, ListedModelChoiceFilter, scope_choices
from safetyzone.org.models import Enterprise, KeyArea, Unit
from safetyzone.org.scoping import unit_choices_for

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class YesNoWidget(BooleanWidget):
    """A yes/no filter's select: all, yes or no (``true``/``false``, also ``1``/``0``)."""

    def __init__(self, attrs=None):
        super().__init__(attrs)
        self.choices = [("", _("All")), ("true", _("Yes")), ("false", _("No"))]


class LedgerForm(forms.Form):
    """The ledger's filter form (the filter set's fields are added to it)."""

    def chosen_enterprise(self) -> Enterprise | None:
        """The enterprise the ledger is narrowed to, when it is one the user may see."""
        if not self.is_bound or not self.is_valid():
            return None
        return self.cleaned_data.get("enterprise")


class HazardFilter(FilterSet):
    """The hazard ledger's filters: the page's form and the API's parameters."""

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
    # Kept from a link (an enterprise's page) and shown as a chip, never listed: a select
    # of every enterprise would be thousands of options; the search box matches names.
    enterprise = filters.ModelChoiceFilter(
        label=_("Enterprise"), queryset=Enterprise.objects.all(), widget=forms.HiddenInput
    )
    inspection = filters.ModelChoiceFilter(
        queryset=Inspection.objects.all(), widget=forms.HiddenInput
    )
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
