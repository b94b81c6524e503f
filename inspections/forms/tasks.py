"""Forms of inspection tasks."""

from django import forms
from django.utils.translation import gettext_lazy as _

from campaigns.models import Campaign, Directive, KeyPeriod
from inspections.forms.fields import DATE, enterprise_choices
from safetyzone.org.models import Enterprise, KeyArea, Unit, User
from safetyzone.org.scoping import unit_choices_for


class TaskForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    key_area = forms.ModelChoiceField(label=_("Key area"), queryset=KeyArea.objects.all())
    units = forms.ModelMultipleChoiceField(
        label=_("Units"), queryset=Unit.objects.none(), widget=forms.CheckboxSelectMultiple
    )
    start_date = forms.DateField(label=_("Start date"), widget=DATE)
    deadline = forms.DateField(label=_("Deadline"), widget=DATE)
    key_period = forms.ModelChoiceField(
        label=_("Key period"), queryset=KeyPeriod.objects.all(), required=False
    )
    campaign = forms.ModelChoiceField(
        label=_("Campaign"), queryset=Campaign.objects.all(), required=False
    )
    directive = forms.ModelChoiceField(
        label=_("Higher office's notice"), queryset=Directive.objects.all(), required=False
    )
    description = forms.CharField(
        label=_("Requirements"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    enterprises = forms.ModelMultipleChoiceField(
        label=_("Target enterprises"),
        queryset=Enterprise.objects.none(),
        required=False,
        help_text=_(
            "Leave empty for full coverage: every enterprise of the key area that each unit "
            "supervises."
        ),
    )

    def __init__(self, *args, user: User, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["units"].queryset = unit_choices_for(user)
        self.fields["enterprises"].queryset = enterprise_choices(user).select_related(
            "supervising_unit"
        )

    def clean_enterprises(self):
        # None means "every enterprise of the key area" to the service.
        return list(self.cleaned_data["enterprises"]) or None


class KeyPeriodTasksForm(forms.Form):
    key_period = forms.ModelChoiceField(label=_("Key period"), queryset=KeyPeriod.objects.all())
    key_areas = forms.ModelMultipleChoiceField(
        label=_("Key areas"), queryset=KeyArea.objects.all(), widget=forms.CheckboxSelectMultiple
    )
    units = forms.ModelMultipleChoiceField(
        label=_("Units"), queryset=Unit.objects.none(), widget=forms.CheckboxSelectMultiple
    )
    deadline = forms.DateField(
        label=_("Deadline"),
        widget=DATE,
        required=False,
        help_text=_("Left empty: the last working day before the period starts."),
    )

    def __init__(self, *args, user: User, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["units"].queryset = unit_choices_for(user)
