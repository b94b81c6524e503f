"""Forms of planning: they check the shape of the input; the services decide and save."""

from typing import Any

from django import forms
from django.forms.models import BaseInlineFormSet, inlineformset_factory
from django.utils.translation import gettext_lazy as _

from campaigns.models import Campaign, CampaignPhase, KeyPeriod
from safetyzone.org.models import KeyArea, Unit

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
# A tuple: the inline formset appends its foreign key to a list of fields it is given.
PHASE_FIELDS = ("kind", "name", "start_date", "end_date", "description")


class ShapeOnlyModelForm(forms.ModelForm):
    def _post_clean(self) -> None:
        # Model validation (full_clean) runs in the service, which reports its errors
        # back beside the fields.
        return


class CampaignForm(ShapeOnlyModelForm):
    class Meta:
        model = Campaign
        fields = [
            "name",
            "kind",
            "parent",
            "theme",
            "start_date",
            "end_date",
            "lead_unit",
            "goals",
        ]
        widgets = {
            "start_date": DATE,
            "end_date": DATE,
            "goals": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        parents = Campaign.objects.filter(kind=Campaign.Kind.THREE_YEAR_ACTION)
        if self.instance.pk:
            parents = parents.exclude(pk=self.instance.pk)
        self.fields["parent"].queryset = parents
        self.fields["parent"].help_text = _(
            "The three-year action that carries this campaign, if any."
        )
        self.fields["lead_unit"].queryset = Unit.objects.filter(is_active=True)


class PhaseForm(ShapeOnlyModelForm):
    class Meta:
        model = CampaignPhase
        fields = PHASE_FIELDS
        widgets = {
            "start_date": DATE,
            "end_date": DATE,
            "description": forms.Textarea(attrs={"rows": 1}),
        }


class BasePhaseFormSet(BaseInlineFormSet):
    def phases(self) -> tuple[list[dict[str, Any]], list[forms.Form]]:
        """The phases to keep, as the service takes them, and the form of each (in the
        same order, to put the service's errors back on the right row). A blank extra
        row is no phase; a row marked for deletion is left out, so it is removed."""
        phases, forms_ = [], []
        for form in self.forms:
            if self.can_delete and self._should_delete_form(form):
                continue
            if form.instance.pk is None and not form.has_changed():
                continue
            data = {name: form.cleaned_data.get(name) for name in PHASE_FIELDS}
            if form.instance.pk is not None:
                data["id"] = form.instance.pk
            phases.append(data)
            forms_.append(form)
        return phases, forms_


PhaseFormSet = inlineformset_factory(
    Campaign,
    CampaignPhase,
    form=PhaseForm,
    formset=BasePhaseFormSet,
    fields=PHASE_FIELDS,
    extra=1,
    can_delete=True,
)


def phase_formset(
    data: Any = None, *, instance: Campaign | None = None, new: bool = False
) -> BasePhaseFormSet:
    """The phases of a campaign's form; a new campaign starts with one row for each
    kind of phase (mobilisation, implementation, summary)."""
    if new:
        kinds = CampaignPhase.Kind.values
        formset_class = inlineformset_factory(
            Campaign,
            CampaignPhase,
            form=PhaseForm,
            formset=BasePhaseFormSet,
            fields=PHASE_FIELDS,
            extra=len(kinds),
            can_delete=True,
        )
        return formset_class(
            data, instance=instance or Campaign(), initial=[{"kind": k} for k in kinds]
        )
    return PhaseFormSet(data, instance=instance)


class CampaignCopyForm(forms.Form):
    year = forms.IntegerField(label=_("Year"), min_value=1900, max_value=2200)


class KeyPeriodForm(ShapeOnlyModelForm):
    class Meta:
        model = KeyPeriod
        fields = [
            "name",
            "start_date",
            "end_date",
            "risk_level",
            "key_areas",
            "duty_level",
            "extra_duty_officers",
            "holiday",
            "campaign",
            "notes",
        ]
        widgets = {
            "start_date": DATE,
            "end_date": DATE,
            "key_areas": forms.CheckboxSelectMultiple,
            "notes": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["key_areas"].queryset = KeyArea.objects.all()
        self.fields["campaign"].queryset = Campaign.objects.all()
