"""The coverage matrix's parameters: one form for its page, its API and its Excel
export, so the three take the same names (``key_period``, ``unit``, ``key_area``)."""

from collections.abc import Mapping
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.http import Http404
from django.utils.translation import gettext_lazy as _

from campaigns.models import KeyPeriod
from campaigns.selectors.planning import key_period_list
from inspections.selectors.coverage import key_period_default
from safetyzone.org.models import KeyArea, Unit
from safetyzone.org.scoping import unit_choices_for


class CoverageForm(forms.Form):
    key_period = forms.ModelChoiceField(
        label=_("Key period"), queryset=KeyPeriod.objects.none(), required=False
    )
    unit = forms.ModelChoiceField(
        label=_("Unit"),
        queryset=Unit.objects.none(),
        required=False,
        empty_label=_("All units"),
    )
    key_area = forms.ModelChoiceField(
        label=_("Key area"),
        queryset=KeyArea.objects.order_by("order", "name"),
        required=False,
        empty_label=_("All key areas"),
    )

    def __init__(self, data: Mapping[str, Any] | None = None, *, user, cell: bool = False):
        super().__init__(data)
        self.cell = cell
        self.fields["key_period"].queryset = (
            key_period_list(user=user).prefetch_related(None).order_by("-start_date", "-pk")
        )
        self.fields["unit"].queryset = unit_choices_for(user).order_by("order", "name")
        if cell:
            self.fields["unit"].required = self.fields["key_area"].required = True


def _refused(form: CoverageForm, name: str) -> bool:
    return any(e.code == "invalid_choice" for e in form.errors.as_data().get(name, []))


def coverage_query(
    user, data: Mapping[str, Any] | None, *, cell: bool = False
) -> tuple[CoverageForm, dict[str, Any]]:
    """The form bound to ``data`` (a page's or the API's query) and the parameters it
    names: ``key_period`` (by default the current or latest, ``key_period_default``),
    ``unit``, ``key_area``. A key period that is not found is a 404, and so, for a
    cell (``cell``: unit and key area required), is a unit the user may not see; any
    other wrong value is a ``ValidationError`` with the field's errors (a 400)."""
    form = CoverageForm(
        {key: data.get(key) for key in ("key_period", "unit", "key_area") if data.get(key)}
        if data
        else {},
        user=user,
        cell=cell,
    )
    if not form.is_valid():
        if _refused(form, "key_period") or (cell and _refused(form, "unit")):
            raise Http404
        raise ValidationError(form.errors.as_data())
    parameters = dict(form.cleaned_data)
    if parameters["key_period"] is None:
        parameters["key_period"] = key_period_default(user=user)
    return form, parameters
