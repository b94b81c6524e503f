"""Forms of inspections and the imports."""

from django import forms
from django.utils.translation import gettext_lazy as _

from inspections.forms.fields import DATE, MultipleFileField, UserChoiceField, inspector_choices
from inspections.models import ChecklistTemplate, Inspection, InspectionAnswer, InspectionTask
from inspections.selectors.inspections import inspectable_enterprises, inspection_enterprise_groups
from safetyzone.org.models import Enterprise, User
from safetyzone.org.scoping import scope_queryset

ENTERPRISE_GROUP_LABELS = {
    "tasks": _("Your open inspection tasks"),
    "key_area": _("Enterprises of this key area"),
    "other": _("Other enterprises your unit supervises"),
}


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
        # Any enterprise the user may inspect is accepted; the list offers them in
        # groups, those of the user's open tasks first.
        self.fields["enterprise"].queryset = inspectable_enterprises(user=user)
        self.enterprise_groups = inspection_enterprise_groups(user=user, key_area=template.key_area)
        self.fields["enterprise"].widget.choices = [
            ("", "---------"),
            *(
                (
                    ENTERPRISE_GROUP_LABELS[group.key],
                    [
                        (e.pk, self._enterprise_label(e, group.tasks.get(e.pk)))
                        for e in group.enterprises
                    ],
                )
                for group in self.enterprise_groups
            ),
        ]
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
            self.fields[f"photos_{item.pk}"] = MultipleFileField(label=_("Photos"))

    def enterprise_options(self):
        """(group label, [(value, label, selected)]) for the grouped, searchable list."""
        chosen = str(self["enterprise"].value() or "")
        return [
            (label, [(str(value), text, str(value) == chosen) for value, text in options])
            for label, options in self.fields["enterprise"].widget.choices[1:]
        ]

    @staticmethod
    def _enterprise_label(enterprise, task) -> str:
        label = f"{enterprise.name} · {enterprise.credit_code}"
        if task is not None:
            label += " · " + _("task due %(date)s") % {"date": task.deadline.isoformat()}
        return label

    def item_rows(self):
        """(item, result field, note field, photos field) for the template."""
        return [
            (item, self[f"result_{item.pk}"], self[f"note_{item.pk}"], self[f"photos_{item.pk}"])
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
        from inspections.services.inspections import AnswerInput

        return [
            AnswerInput(
                item=item,
                result=self.cleaned_data[f"result_{item.pk}"],
                note=self.cleaned_data.get(f"note_{item.pk}") or "",
                photos=self.cleaned_data.get(f"photos_{item.pk}") or [],
            )
            for item in self.items
        ]


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
