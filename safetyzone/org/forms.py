from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Enterprise, KeyArea
from .scoping import unit_choices_for


class EnterpriseForm(forms.ModelForm):
    """Checks the shape of an enterprise; the service decides and saves."""

    class Meta:
        model = Enterprise
        fields = [
            "name",
            "credit_code",
            "supervising_unit",
            "industry",
            "key_areas",
            "address",
            "contact_person",
            "contact_phone",
            "risk_grade",
            "is_active",
        ]
        widgets = {"key_areas": forms.CheckboxSelectMultiple}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["supervising_unit"].queryset = unit_choices_for(user)
        self.fields["key_areas"].queryset = KeyArea.objects.all()
        self.fields["credit_code"].help_text = _("18 characters, e.g. 91220101MA0Y5XXXXX.")
        if not user.sees_all_units and user.unit_id:
            self.fields["supervising_unit"].initial = user.unit_id

    def clean_credit_code(self) -> str:
        return (self.cleaned_data.get("credit_code") or "").strip().upper()

    def _post_clean(self) -> None:
        # The form checks shape only; model validation (full_clean) runs in the service,
        # which reports its errors back beside the fields.
        return
