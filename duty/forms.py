"""Forms of the duty pages: they check the shape of the input; the services decide."""

from decimal import Decimal

from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from campaigns.models import KeyPeriod
from safetyzone.org.models import User
from safetyzone.org.roles import Role
from safetyzone.org.scoping import scope_queryset, unit_choices_for

from .models import (
    DutyLogEntry,
    DutyRoster,
    EmergencyResource,
    IncidentReport,
    IncidentUpdate,
    LeaveRequest,
    RescueTeam,
    StockMovement,
    Unavailability,
    WeatherWarning,
)
from .selectors.leave import may_request_for_unit

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
DATETIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
DATETIME_FORMATS = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S"]


def people_with(role: str):
    return (
        User.objects.filter(groups__name=role, is_active=True)
        .select_related("unit")
        .order_by("unit__order", "display_name", "username")
        .distinct()
    )


def on_duty_people():
    """The active leaders on duty and duty officers: the people rosters are made of."""
    return (
        User.objects.filter(
            Q(groups__name=Role.DUTY_LEADER) | Q(groups__name=Role.DUTY_OFFICER),
            is_active=True,
        )
        .select_related("unit")
        .distinct()
    )


class PersonChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: User) -> str:
        return f"{obj}（{obj.unit}）" if obj.unit_id else str(obj)


class PeopleChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: User) -> str:
        return f"{obj}（{obj.unit}）" if obj.unit_id else str(obj)


class NoModelCleanMixin:
    def _post_clean(self) -> None:
        # Model validation (full_clean) runs in the service, which reports its errors
        # back beside the fields.
        return


class RosterForm(NoModelCleanMixin, forms.ModelForm):
    class Meta:
        model = DutyRoster
        fields = ["title", "unit", "start_date", "end_date", "officers_per_shift", "phone", "notes"]
        widgets = {"start_date": DATE, "end_date": DATE, "notes": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = unit_choices_for(user)
        if user.unit_id:
            self.fields["unit"].initial = user.unit_id


class GenerateForm(forms.Form):
    leaders = PeopleChoiceField(
        label=_("Leaders on duty"),
        queryset=User.objects.none(),
        widget=forms.CheckboxSelectMultiple,
    )
    officers = PeopleChoiceField(
        label=_("Duty officers"),
        queryset=User.objects.none(),
        widget=forms.CheckboxSelectMultiple,
    )
    seed = forms.IntegerField(
        label=_("Variant"),
        required=False,
        min_value=0,
        initial=0,
        help_text=_("Another number gives another roster that keeps the same rules."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["leaders"].queryset = people_with(Role.DUTY_LEADER)
        self.fields["officers"].queryset = people_with(Role.DUTY_OFFICER)


class ShiftForm(forms.Form):
    date = forms.DateField(label=_("Duty day"), widget=DATE)
    leader = PersonChoiceField(label=_("Leader on duty"), queryset=User.objects.none())
    officers = PeopleChoiceField(
        label=_("Duty officers"), queryset=User.objects.none(), widget=forms.CheckboxSelectMultiple
    )
    phone = forms.CharField(label=_("Duty phone"), required=False, max_length=30)
    note = forms.CharField(label=_("Reason for the change"), required=False, max_length=200)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["leader"].queryset = people_with(Role.DUTY_LEADER)
        self.fields["officers"].queryset = people_with(Role.DUTY_OFFICER)


class LogEntryForm(NoModelCleanMixin, forms.ModelForm):
    at = forms.DateTimeField(
        label=_("Time"),
        required=False,
        widget=DATETIME,
        input_formats=DATETIME_FORMATS,
        help_text=_("Leave empty for now."),
    )

    class Meta:
        model = DutyLogEntry
        fields = ["kind", "content", "at", "corrects"]
        widgets = {"content": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, shift, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["corrects"].queryset = DutyLogEntry.objects.filter(shift=shift)
        self.fields["corrects"].help_text = _("Only for a correction: the entry it corrects.")


class HandoverForm(forms.Form):
    new_matters = forms.CharField(
        label=_("New open matters"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("One per line. They carry over until someone closes them."),
    )
    notes = forms.CharField(
        label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    early_reason = forms.CharField(
        label=_("Reason for handing over early"),
        required=False,
        max_length=200,
        help_text=_("Needed when the shift is handed over before it ends."),
    )

    def __init__(self, *args, matters=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.matters = list(matters)
        for matter in self.matters:
            self.fields[f"close_{matter.pk}"] = forms.BooleanField(
                label=_("Closed: %(matter)s") % {"matter": matter.text}, required=False
            )
            self.fields[f"how_{matter.pk}"] = forms.CharField(
                label=_("How it was closed"), required=False, max_length=200
            )

    def closed(self) -> dict[int, str]:
        return {
            m.pk: self.cleaned_data.get(f"how_{m.pk}", "")
            for m in self.matters
            if self.cleaned_data.get(f"close_{m.pk}")
        }

    def new(self) -> list[str]:
        return [line for line in self.cleaned_data["new_matters"].splitlines() if line.strip()]


class SwapForm(forms.Form):
    counterpart = PersonChoiceField(label=_("Colleague"), queryset=User.objects.none())
    counterpart_shift = forms.ModelChoiceField(
        label=_("Their shift you take in return"),
        queryset=None,
        required=False,
        help_text=_("Leave empty when the colleague simply takes over your shift."),
    )
    reason = forms.CharField(label=_("Reason"), max_length=200)

    def __init__(self, *args, role, shifts, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["counterpart"].queryset = people_with(role)
        self.fields["counterpart_shift"].queryset = shifts


class IncidentForm(NoModelCleanMixin, forms.ModelForm):
    received_at = forms.DateTimeField(
        label=_("Received at"), widget=DATETIME, input_formats=DATETIME_FORMATS
    )

    class Meta:
        model = IncidentReport
        fields = list(IncidentReport.REPORT_FIELDS)
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Often unknown when the call comes in: empty is none (yet).
        self.fields["direct_loss"].required = False

    def clean_direct_loss(self):
        return self.cleaned_data.get("direct_loss") or Decimal(0)


class IncidentUpdateForm(NoModelCleanMixin, forms.ModelForm):
    sent_at = forms.DateTimeField(
        label=_("Sent at"),
        required=False,
        widget=DATETIME,
        input_formats=DATETIME_FORMATS,
        help_text=_("Leave empty for now."),
    )

    class Meta:
        model = IncidentUpdate
        fields = ["kind", "method", "sent_at", "received_by", "content"]
        widgets = {"content": forms.Textarea(attrs={"rows": 3})}


class WarningForm(NoModelCleanMixin, forms.ModelForm):
    issued_at = forms.DateTimeField(
        label=_("Issued at"), widget=DATETIME, input_formats=DATETIME_FORMATS
    )
    valid_until = forms.DateTimeField(
        label=_("Valid until"), widget=DATETIME, input_formats=DATETIME_FORMATS
    )

    class Meta:
        model = WeatherWarning
        fields = ["kind", "level", "area", "issued_by", "issued_at", "valid_until", "content"]
        widgets = {"content": forms.Textarea(attrs={"rows": 2})}


class ResourceForm(NoModelCleanMixin, forms.ModelForm):
    opening_quantity = forms.DecimalField(
        label=_("Quantity in stock"), min_value=0, decimal_places=2, initial=0
    )

    class Meta:
        model = EmergencyResource
        fields = [
            "unit",
            "kind",
            "name",
            "specification",
            "measure",
            "low_stock_threshold",
            "storage_place",
            "keeper",
            "keeper_phone",
            "status",
            "last_checked_on",
        ]
        widgets = {"last_checked_on": DATE}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = unit_choices_for(user)
        if self.instance.pk:
            del self.fields["opening_quantity"]


class MovementForm(NoModelCleanMixin, forms.ModelForm):
    class Meta:
        model = StockMovement
        fields = ["direction", "quantity", "purpose", "handled_by"]

    def __init__(self, *args, issue_only: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if issue_only:  # the duty office, for another unit's stock
            self.fields["direction"].choices = [
                c for c in self.fields["direction"].choices if c[0] == StockMovement.Direction.OUT
            ]


class TeamForm(NoModelCleanMixin, forms.ModelForm):
    member_lines = forms.CharField(
        label=_("Members"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("One per line: name, role, phone."),
    )

    class Meta:
        model = RescueTeam
        fields = ["unit", "name", "speciality", "leader", "leader_phone", "equipment", "base"]
        widgets = {"equipment": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = unit_choices_for(user)

    def members(self) -> list[dict[str, str]]:
        rows = []
        for line in self.cleaned_data.get("member_lines", "").splitlines():
            parts = [p.strip() for p in line.replace("，", ",").split(",")]
            if parts and parts[0]:
                rows.append(
                    {
                        "name": parts[0],
                        "role": parts[1] if len(parts) > 1 else "",
                        "phone": parts[2] if len(parts) > 2 else "",
                    }
                )
        return rows


class StandbyForm(forms.Form):
    key_period = forms.ModelChoiceField(label=_("Key period"), queryset=KeyPeriod.objects.all())
    place = forms.CharField(label=_("Place"), max_length=200)
    starts_at = forms.DateTimeField(
        label=_("From"), widget=DATETIME, input_formats=DATETIME_FORMATS
    )
    ends_at = forms.DateTimeField(label=_("Until"), widget=DATETIME, input_formats=DATETIME_FORMATS)
    team = forms.ModelChoiceField(label=_("Rescue team"), queryset=None, required=False)
    resource = forms.ModelChoiceField(label=_("Resource"), queryset=None, required=False)
    quantity = forms.DecimalField(label=_("Quantity"), required=False, min_value=0)
    note = forms.CharField(label=_("Note"), required=False, max_length=200)

    def __init__(self, *args, teams, resources, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["team"].queryset = teams
        self.fields["resource"].queryset = resources


class UnavailabilityForm(NoModelCleanMixin, forms.ModelForm):
    person = PersonChoiceField(label=_("Person"), queryset=User.objects.none())

    class Meta:
        model = Unavailability
        fields = ["person", "kind", "start_date", "end_date", "note"]
        widgets = {"start_date": DATE, "end_date": DATE}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["person"].queryset = on_duty_people()


class LeaveRequestForm(NoModelCleanMixin, forms.ModelForm):
    """Leave asked of committee staff: a head chooses one of their unit's people on
    duty; anyone else asks for themself (no person to choose)."""

    person = PersonChoiceField(label=_("Person"), queryset=User.objects.none())

    class Meta:
        model = LeaveRequest
        fields = ["person", "kind", "start_date", "end_date", "reason"]
        widgets = {
            "start_date": DATE,
            "end_date": DATE,
            "reason": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        if may_request_for_unit(user):
            self.fields["person"].queryset = scope_queryset(on_duty_people(), user)
        else:
            del self.fields["person"]


class PeriodForm(forms.Form):
    start = forms.DateField(label=_("From"), widget=DATE)
    end = forms.DateField(label=_("To"), widget=DATE)
