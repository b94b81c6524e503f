"""Forms of hazards, their steps and the ledger's filter."""

from django import forms
from django.utils.translation import gettext_lazy as _

from inspections.forms.fields import DATE, MultipleFileField, enterprise_choices
from inspections.models import Hazard, HazardLevel, HazardPhoto
from safetyzone.org.models import Enterprise, KeyArea, User


class HazardForm(forms.Form):
    """A hazard, blank or pre-filled from a failed checklist item."""

    enterprise = forms.ModelChoiceField(label=_("Enterprise"), queryset=Enterprise.objects.none())
    key_area = forms.ModelChoiceField(label=_("Key area"), queryset=KeyArea.objects.all())
    place = forms.CharField(label=_("Place"), max_length=200, required=False)
    description = forms.CharField(label=_("Description"), widget=forms.Textarea(attrs={"rows": 3}))
    level = forms.ChoiceField(label=_("Level"), choices=HazardLevel.choices)
    found_on = forms.DateField(label=_("Found on"), widget=DATE)
    deadline = forms.DateField(
        label=_("Rectification deadline"),
        widget=DATE,
        required=False,
        help_text=_("Left empty: 10 working days for a general hazard, 30 for a major one."),
    )
    responsible_person = forms.CharField(
        label=_("Responsible person"), max_length=50, required=False
    )
    legal_basis = forms.CharField(label=_("Legal basis"), max_length=300, required=False)
    photos = MultipleFileField(label=_("Photos"), capture=True)

    def __init__(self, *args, user: User, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["enterprise"].queryset = enterprise_choices(user)


class HazardPlanForm(forms.ModelForm):
    """The hazard's details and its rectification plan (five implementations)."""

    class Meta:
        model = Hazard
        fields = [
            "description",
            "place",
            "level",
            "deadline",
            "responsible_person",
            "plan_responsibility",
            "plan_measures",
            "plan_funds",
            "plan_time_limit",
            "plan_contingency",
        ]
        widgets = {
            "deadline": DATE,
            "plan_time_limit": DATE,
            "description": forms.Textarea(attrs={"rows": 3}),
            "plan_measures": forms.Textarea(attrs={"rows": 3}),
            "plan_contingency": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args, may_decide: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if may_decide:
            self.fields["reason"] = forms.CharField(
                label=_("Reason for a change of level or deadline"),
                max_length=500,
                required=False,
                help_text=_("Needed when the level or the deadline changes; kept in the history."),
            )
        else:
            # Committee staff decide the level and the deadline: shown, not changed here.
            for name in ("level", "deadline"):
                self.fields[name].disabled = True
                self.fields[name].help_text = _(
                    "To change it, send committee staff a request on the hazard's page."
                )

    def clean(self):
        data = super().clean()
        for name in ("level", "deadline"):
            field = self.fields[name]
            if not field.disabled or name not in self.data:
                continue
            given = field.widget.value_from_datadict(self.data, self.files, self.add_prefix(name))
            try:
                posted = field.to_python(given)
            except forms.ValidationError:
                posted = given
            if str(posted) != str(self.get_initial_for_field(field, name)):
                self.add_error(
                    name,
                    _(
                        "Only committee staff change a hazard's level or deadline: send them "
                        "a change request with your reason."
                    ),
                )
        return data

    def _post_clean(self) -> None:
        # Shape only here: the service runs the model's rules.
        return


class HazardChangeRequestForm(forms.Form):
    """The unit asks committee staff for another level or deadline."""

    level = forms.ChoiceField(
        label=_("New level"), choices=[("", "—"), *HazardLevel.choices], required=False
    )
    deadline = forms.DateField(label=_("New rectification deadline"), widget=DATE, required=False)
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 2}))


class SuperviseForm(forms.Form):
    office = forms.CharField(label=_("Supervising office"), max_length=100)
    deadline = forms.DateField(label=_("Supervision deadline"), widget=DATE)


class PhotoForm(forms.Form):
    photos = MultipleFileField(label=_("Photos"), capture=True)
    stage = forms.ChoiceField(label=_("Stage"), choices=HazardPhoto.Stage.choices)
