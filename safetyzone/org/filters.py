"""The organisation's filter sets, for the page's filter form and the API alike (one set
per resource, the same parameter names: see ``safetyzone.core.filters``)."""

from django.utils.translation import gettext_lazy as _
from django_filters import rest_framework as filters

from safetyzone.core.filters import FilterSet, ListedModelChoiceFilter, YesNoWidget, text_search

from .models import Enterprise, KeyArea, Unit


class EnterpriseFilter(FilterSet):
    """The enterprise list's filters (page and API). ``search`` finds a name or a unified
    social credit code (the page said ``q``)."""

    search = text_search("name", "credit_code")
    key_area = ListedModelChoiceFilter(
        label=_("Key area"), field_name="key_areas", queryset=KeyArea.objects.all()
    )
    risk_grade = filters.ChoiceFilter(
        label=_("Risk grade"), choices=Enterprise.RiskGrade.choices, empty_label=_("All grades")
    )
    supervising_unit = ListedModelChoiceFilter(
        label=_("Supervising unit"), queryset=Unit.objects.all()
    )
    is_active = filters.BooleanFilter(label=_("Active"), widget=YesNoWidget)

    class Meta:
        model = Enterprise
        fields: list[str] = []
