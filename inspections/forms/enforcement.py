"""Forms of violations and enforcement actions."""

from django import forms

from inspections.forms.fields import DATE, enterprise_choices
from inspections.models import EnforcementAction, Hazard, Inspection, Violation
from safetyzone.org.models import User
from safetyzone.org.scoping import scope_queryset


class ViolationForm(forms.ModelForm):
    class Meta:
        model = Violation
        fields = ["enterprise", "kind", "person", "date", "description", "inspection"]
        widgets = {"date": DATE, "description": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, user: User, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["enterprise"].queryset = enterprise_choices(user)
        self.fields["inspection"].queryset = scope_queryset(
            Inspection.objects.select_related("enterprise"), user
        )

    def _post_clean(self) -> None:
        return


class EnforcementActionForm(forms.ModelForm):
    class Meta:
        model = EnforcementAction
        fields = [
            "enterprise",
            "kind",
            "legal_basis",
            "decision_number",
            "amount",
            "date",
            "description",
            "inspection",
            "hazard",
            "violation",
        ]
        widgets = {"date": DATE, "description": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, user: User, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["enterprise"].queryset = enterprise_choices(user)
        self.fields["inspection"].queryset = scope_queryset(
            Inspection.objects.select_related("enterprise"), user
        )
        self.fields["hazard"].queryset = scope_queryset(Hazard.objects.all(), user)
        self.fields["violation"].queryset = scope_queryset(Violation.objects.all(), user)

    def _post_clean(self) -> None:
        return
