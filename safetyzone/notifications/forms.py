from django import forms
from django.utils.translation import gettext_lazy as _

from .models import UnitWebhook


class UnitWebhookForm(forms.ModelForm):
    """The saved secret never goes back to the browser: left blank it is kept, and a box
    removes it."""

    clear_secret = forms.BooleanField(label=_("Remove the saved secret"), required=False)

    class Meta:
        model = UnitWebhook
        fields = ["url", "secret", "is_active"]
        widgets = {"secret": forms.PasswordInput(render_value=False)}
        help_texts = {"secret": _("Leave blank to keep the saved secret.")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not (self.instance.pk and self.instance.secret):
            del self.fields["clear_secret"]

    def changes(self) -> dict:
        """The arguments for ``unit_webhook_set``: a blank secret keeps the saved one."""
        data = dict(self.cleaned_data)
        clear = data.pop("clear_secret", False)
        if clear:
            data["secret"] = ""
        elif not data.get("secret"):
            data["secret"] = None
        return data
