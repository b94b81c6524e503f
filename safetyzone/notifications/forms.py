from django import forms

from .models import UnitWebhook


class UnitWebhookForm(forms.ModelForm):
    class Meta:
        model = UnitWebhook
        fields = ["url", "secret", "is_active"]
        widgets = {"secret": forms.PasswordInput(render_value=True)}
