"""Forms of activities: shape only; the services check the rules and the photos."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from campaigns.models import Activity, Campaign
from safetyzone.org.models import User
from safetyzone.org.scoping import sees_all_units, unit_choices_for

from .planning import DATE, ShapeOnlyModelForm


class MultipleImageInput(forms.FileInput):
    allow_multiple_selected = True

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__({"accept": "image/*", **(attrs or {})})


class MultipleImageField(forms.FileField):
    """Several files under one name. Only their shape is checked here: the service
    checks each by its content and size."""

    widget = MultipleImageInput

    def clean(self, data: Any, initial: Any = None) -> list[Any]:
        files = [f for f in (data if isinstance(data, list | tuple) else [data]) if f]
        if not files:
            if self.required:
                raise forms.ValidationError(self.error_messages["required"], code="required")
            return []
        return [super(MultipleImageField, self).clean(f, initial) for f in files]


class ActivityForm(ShapeOnlyModelForm):
    photos = MultipleImageField(
        label=_("Photos"),
        required=False,
        help_text=_("Images only (JPEG, PNG, WebP); you can choose several."),
    )

    class Meta:
        model = Activity
        fields = [
            "title",
            "kind",
            "five_into_target",
            "drill_plan",
            "campaign",
            "unit",
            "date",
            "place",
            "participants",
            "summary",
        ]
        widgets = {"date": DATE, "summary": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["campaign"].queryset = Campaign.objects.all()
        self.fields["five_into_target"].help_text = _("For five-into publicity: where it went.")
        if sees_all_units(user):
            self.fields["unit"].queryset = unit_choices_for(user)
        else:
            # A head reports for their own unit: the service puts it there.
            del self.fields["unit"]
        if self.instance.pk:
            # Photos of an existing activity are added on its page.
            del self.fields["photos"]


class ActivityPhotoForm(forms.Form):
    photos = MultipleImageField(
        label=_("Photos"), help_text=_("Images only (JPEG, PNG, WebP); you can choose several.")
    )
    caption = forms.CharField(label=_("Caption"), max_length=200, required=False)
