"""Fields, widgets and choices the inspections forms share."""

from django import forms

from safetyzone.org.models import Enterprise, KeyArea, User
from safetyzone.org.roles import Role
from safetyzone.org.scoping import scope_queryset

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input; each is checked by content in the service."""

    def __init__(self, *args, accept: str = "image/*", capture: bool = False, **kwargs):
        attrs = {"accept": accept, "multiple": True}
        if capture:
            attrs["capture"] = "environment"
        kwargs.setdefault("widget", MultipleFileInput(attrs=attrs))
        kwargs.setdefault("required", False)
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(d, initial) for d in data if d]
        return [single(data, initial)] if data else []


def enterprise_choices(user: User, key_area: KeyArea | None = None):
    qs = scope_queryset(Enterprise.objects.filter(is_active=True), user).order_by("name")
    if key_area is not None:
        qs = qs.filter(key_areas=key_area)
    return qs


def inspector_choices(user: User):
    """Colleagues who can sign an inspection: inspectors and heads of the user's unit
    (every unit's for the office)."""
    qs = User.objects.filter(
        is_active=True, groups__name__in=[Role.INSPECTOR, Role.DEPARTMENT_HEAD]
    ).distinct()
    return scope_queryset(qs, user).select_related("unit").order_by("unit__order", "username")


class UserChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: User) -> str:
        return f"{obj}（{obj.unit}）" if obj.unit_id else str(obj)
