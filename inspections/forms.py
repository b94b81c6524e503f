"""Forms of the inspections pages: they check the shape of the input; the services
decide and save, and their errors are put back beside the fields."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from campaigns.models import Campaign, Directive, KeyPeriod
from safetyzone.core.forms import ListedModelChoiceField
from safetyzone.org.models import Enterprise, KeyArea, Unit, User
from safetyzone.org.roles import Role
from safetyzone.org.scoping import scope_queryset, unit_choices_for

from .models import (
    ChecklistTemplate,
    EnforcementAction,
    Hazard,
    HazardLevel,
    HazardPhoto,
    Inspection,
    InspectionAnswer,
    InspectionTask,
    Violation,
)

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def add_service_errors(form: forms.Form, exc: ValidationError) -> None:
    """Put a service's ValidationError beside the form's fields (or on top)."""
    if hasattr(exc, "error_dict"):
        for name, errors in exc.message_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


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


class InspectionForm(forms.Form):
    """An inspection on a phone: the visit's facts, then one block per checklist item
    (pass / fail / n/a, a note and a photo from the camera)."""

    enterprise = forms.ModelChoiceField(label=_("Enterprise"), queryset=Enterprise.objects.none())
    date = forms.DateField(label=_("Date"), widget=DATE)
    method = forms.ChoiceField(label=_("Method"), choices=Inspection.Method.choices)
    is_enforcement = forms.BooleanField(label=_("Enforcement visit"), required=False)
    inspectors = UserChoiceField(
        label=_("Inspectors"),
        queryset=User.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        help_text=_("An enforcement visit needs at least two."),
    )
    other_participants = forms.CharField(
        label=_("Other participants"), max_length=200, required=False
    )
    task = forms.ModelChoiceField(
        label=_("Task answered"),
        queryset=InspectionTask.objects.none(),
        required=False,
        help_text=_("Left empty, the open task for this enterprise is found by itself."),
    )
    conclusion = forms.CharField(
        label=_("Conclusion"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )

    def __init__(self, *args, user: User, template: ChecklistTemplate, **kwargs):
        super().__init__(*args, **kwargs)
        self.template = template
        self.items = list(template.items.order_by("order"))
        self.fields["enterprise"].queryset = enterprise_choices(user, template.key_area)
        self.fields["inspectors"].queryset = inspector_choices(user)
        self.fields["task"].queryset = scope_queryset(
            InspectionTask.objects.filter(key_area=template.key_area), user
        ).order_by("-deadline")
        self.fields["inspectors"].initial = [user.pk]
        for item in self.items:
            self.fields[f"result_{item.pk}"] = forms.ChoiceField(
                label=item.question,
                choices=InspectionAnswer.Result.choices,
                widget=forms.RadioSelect,
                initial=InspectionAnswer.Result.PASS,
            )
            self.fields[f"note_{item.pk}"] = forms.CharField(
                label=_("Note"), max_length=500, required=False
            )
            self.fields[f"photo_{item.pk}"] = forms.FileField(
                label=_("Photo"),
                required=False,
                widget=forms.ClearableFileInput(
                    attrs={"accept": "image/*", "capture": "environment"}
                ),
            )

    def item_rows(self):
        """(item, result field, note field, photo field) for the template."""
        return [
            (item, self[f"result_{item.pk}"], self[f"note_{item.pk}"], self[f"photo_{item.pk}"])
            for item in self.items
        ]

    def header_fields(self):
        return [
            self[name]
            for name in (
                "enterprise",
                "date",
                "method",
                "is_enforcement",
                "inspectors",
                "other_participants",
                "task",
            )
        ]

    def answers(self):
        from .services import AnswerInput

        return [
            AnswerInput(
                item=item,
                result=self.cleaned_data[f"result_{item.pk}"],
                note=self.cleaned_data.get(f"note_{item.pk}") or "",
                photo=self.cleaned_data.get(f"photo_{item.pk}") or None,
            )
            for item in self.items
        ]


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


class HazardChangeDecideForm(forms.Form):
    GRANT = "grant"
    REFUSE = "refuse"

    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[(GRANT, _("Grant")), (REFUSE, _("Refuse"))],
        widget=forms.RadioSelect,
    )
    note = forms.CharField(
        label=_("Note (a refusal says why)"),
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
    )


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


class SuperviseForm(forms.Form):
    office = forms.CharField(label=_("Supervising office"), max_length=100)
    deadline = forms.DateField(label=_("Supervision deadline"), widget=DATE)


class TaskForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    key_area = forms.ModelChoiceField(label=_("Key area"), queryset=KeyArea.objects.all())
    units = forms.ModelMultipleChoiceField(
        label=_("Units"), queryset=Unit.objects.none(), widget=forms.CheckboxSelectMultiple
    )
    start_date = forms.DateField(label=_("Start date"), widget=DATE)
    deadline = forms.DateField(label=_("Deadline"), widget=DATE)
    key_period = forms.ModelChoiceField(
        label=_("Key period"), queryset=KeyPeriod.objects.all(), required=False
    )
    campaign = forms.ModelChoiceField(
        label=_("Campaign"), queryset=Campaign.objects.all(), required=False
    )
    directive = forms.ModelChoiceField(
        label=_("Higher office's notice"), queryset=Directive.objects.all(), required=False
    )
    description = forms.CharField(
        label=_("Requirements"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    enterprises = forms.ModelMultipleChoiceField(
        label=_("Target enterprises"),
        queryset=Enterprise.objects.none(),
        required=False,
        help_text=_(
            "Leave empty for full coverage: every enterprise of the key area that each unit "
            "supervises."
        ),
    )

    def __init__(self, *args, user: User, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["units"].queryset = unit_choices_for(user)
        self.fields["enterprises"].queryset = enterprise_choices(user).select_related(
            "supervising_unit"
        )

    def clean_enterprises(self):
        # None means "every enterprise of the key area" to the service.
        return list(self.cleaned_data["enterprises"]) or None


class PhotoForm(forms.Form):
    photos = MultipleFileField(label=_("Photos"), capture=True)
    stage = forms.ChoiceField(label=_("Stage"), choices=HazardPhoto.Stage.choices)


class KeyPeriodTasksForm(forms.Form):
    key_period = forms.ModelChoiceField(label=_("Key period"), queryset=KeyPeriod.objects.all())
    key_areas = forms.ModelMultipleChoiceField(
        label=_("Key areas"), queryset=KeyArea.objects.all(), widget=forms.CheckboxSelectMultiple
    )
    units = forms.ModelMultipleChoiceField(
        label=_("Units"), queryset=Unit.objects.none(), widget=forms.CheckboxSelectMultiple
    )
    deadline = forms.DateField(
        label=_("Deadline"),
        widget=DATE,
        required=False,
        help_text=_("Left empty: the last working day before the period starts."),
    )

    def __init__(self, *args, user: User, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["units"].queryset = unit_choices_for(user)


YES_NO = [("", _("All")), ("1", _("Yes")), ("0", _("No"))]


class LedgerFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False)
    unit = ListedModelChoiceField(label=_("Unit"), queryset=Unit.objects.none(), required=False)
    key_area = ListedModelChoiceField(
        label=_("Key area"), queryset=KeyArea.objects.all(), required=False
    )
    level = forms.ChoiceField(
        label=_("Level"), choices=[("", _("All levels")), *HazardLevel.choices], required=False
    )
    status = forms.ChoiceField(
        label=_("Status"),
        choices=[("", _("All statuses")), ("open", _("Open")), *Hazard.Status.choices],
        required=False,
    )
    overdue = forms.ChoiceField(label=_("Overdue"), choices=YES_NO, required=False)
    date_from = forms.DateField(label=_("Found from"), widget=DATE, required=False)
    date_to = forms.DateField(label=_("Found until"), widget=DATE, required=False)
    key_period = ListedModelChoiceField(
        label=_("Key period"), queryset=KeyPeriod.objects.order_by("-start_date"), required=False
    )
    # Kept from a link (an enterprise's page) and shown as a chip, never listed: a select
    # of every enterprise would be thousands of options; the search box matches names.
    enterprise = forms.ModelChoiceField(
        label=_("Enterprise"),
        queryset=Enterprise.objects.none(),
        required=False,
        widget=forms.HiddenInput,
    )
    supervised = forms.ChoiceField(label=_("Listed supervision"), choices=YES_NO, required=False)
    recurrence = forms.ChoiceField(label=_("Recurrence"), choices=YES_NO, required=False)

    def __init__(self, *args, user: User, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = unit_choices_for(user)
        self.fields["enterprise"].queryset = scope_queryset(Enterprise.objects.all(), user)

    def chosen_enterprise(self) -> Enterprise | None:
        """The enterprise the ledger is narrowed to, when it is one the user may see."""
        if not self.is_bound or not self.is_valid():
            return None
        return self.cleaned_data.get("enterprise")

    def filters(self) -> dict:
        if not self.is_valid():
            return {}
        return {k: v for k, v in self.cleaned_data.items() if v not in (None, "")}


class InspectionFilterForm(forms.Form):
    q = forms.CharField(label=_("Enterprise"), required=False)
    key_area = ListedModelChoiceField(
        label=_("Key area"), queryset=KeyArea.objects.all(), required=False
    )
    unit = ListedModelChoiceField(label=_("Unit"), queryset=Unit.objects.none(), required=False)
    method = forms.ChoiceField(
        label=_("Method"),
        choices=[("", _("All methods")), *Inspection.Method.choices],
        required=False,
    )
    date_from = forms.DateField(label=_("From"), widget=DATE, required=False)
    date_to = forms.DateField(label=_("Until"), widget=DATE, required=False)

    def __init__(self, *args, user: User, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = unit_choices_for(user)

    def filters(self) -> dict:
        if not self.is_valid():
            return {}
        return {k: v for k, v in self.cleaned_data.items() if v not in (None, "")}


class ViolationFilterForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Kind"), choices=[("", _("All kinds")), *Violation.Kind.choices], required=False
    )
    date_from = forms.DateField(label=_("From"), widget=DATE, required=False)
    date_to = forms.DateField(label=_("Until"), widget=DATE, required=False)

    def filters(self) -> dict:
        if not self.is_valid():
            return {}
        return {k: v for k, v in self.cleaned_data.items() if v not in (None, "")}


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


class ImportForm(forms.Form):
    ENTERPRISES = "enterprises"
    HAZARDS = "hazards"

    kind = forms.ChoiceField(
        label=_("What the file holds"),
        choices=[(ENTERPRISES, _("Enterprises")), (HAZARDS, _("Existing hazards"))],
    )
    file = forms.FileField(
        label=_("Excel file (.xlsx)"),
        widget=forms.ClearableFileInput(
            attrs={
                "accept": ".xlsx,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
            }
        ),
    )


class QuarterForm(forms.Form):
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)
    quarter = forms.TypedChoiceField(
        label=_("Quarter"), coerce=int, choices=[(q, f"Q{q}") for q in (1, 2, 3, 4)]
    )
