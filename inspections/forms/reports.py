"""Forms of rectification reports and their review."""

from django import forms
from django.utils.translation import gettext_lazy as _

from inspections.forms.fields import DATE, MultipleFileField


class ReportForm(forms.Form):
    measures_taken = forms.CharField(
        label=_("Measures taken"), widget=forms.Textarea(attrs={"rows": 4})
    )
    completed_on = forms.DateField(label=_("Completed on"), widget=DATE)
    funds_spent = forms.DecimalField(
        label=_("Funds spent (yuan)"), min_value=0, max_digits=12, decimal_places=2, initial=0
    )
    notes = forms.CharField(
        label=_("Notes"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )
    evidence = MultipleFileField(
        label=_("Evidence (photos or PDF)"), accept="image/*,application/pdf"
    )


class ReviewForm(forms.Form):
    ACCEPT = "accept"
    RETURN = "return"

    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[(ACCEPT, _("Accept and close")), (RETURN, _("Return for more work"))],
        widget=forms.RadioSelect,
    )
    note = forms.CharField(
        label=_("Note or reason for return"),
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
    )

    def clean(self):
        data = super().clean()
        if data.get("decision") == self.RETURN and not (data.get("note") or "").strip():
            self.add_error("note", _("Say why the report is returned."))
        return data
