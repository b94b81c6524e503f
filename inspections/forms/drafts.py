"""The form of the draft hazards' screen."""

from django import forms
from django.utils.translation import gettext_lazy as _

from inspections.models import HazardDraft, HazardLevel


class HazardDraftForm(forms.Form):
    """Confirm a draft hazard, with its description and level as the inspector leaves
    them, or discard it with a reason."""

    description = forms.CharField(
        label=_("Description"), widget=forms.Textarea(attrs={"rows": 2}), max_length=2000
    )
    level = forms.ChoiceField(label=_("Level"), choices=HazardLevel.choices)
    reason = forms.CharField(label=_("Why discard"), max_length=200, required=False)

    def __init__(self, *args, draft: HazardDraft, **kwargs):
        kwargs.setdefault("prefix", f"draft-{draft.pk}")
        kwargs.setdefault("initial", {"description": draft.description, "level": draft.level})
        super().__init__(*args, **kwargs)
        self.draft = draft
