"""Forms of the task pages: they check the shape of the input only; the task services
decide, and their errors come back beside these fields."""

from datetime import date

from django import forms
from django.utils.translation import gettext_lazy as _

from safetyzone.org.models import Unit, User
from safetyzone.org.scoping import unit_choices_for

from ..models import Campaign, Directive, Meeting, Task


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        kwargs.setdefault("format", "%Y-%m-%d")
        super().__init__(**kwargs)


class TaskForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    content = forms.CharField(label=_("Content"), widget=forms.Textarea(attrs={"rows": 5}))
    deadline = forms.DateField(
        label=_("Deadline"),
        required=False,
        widget=DateInput(),
        help_text=_("A date, or leave empty and give a number of working days below."),
    )
    deadline_working_days = forms.IntegerField(
        label=_("Deadline in working days"),
        required=False,
        min_value=1,
        max_value=365,
        help_text=_(
            "Counted from the issue date by the working-day calendar (holidays and "
            "make-up days included)."
        ),
    )
    lead_unit = forms.ModelChoiceField(label=_("Lead unit"), queryset=Unit.objects.none())
    assisting_units = forms.ModelMultipleChoiceField(
        label=_("Assisting units"),
        queryset=Unit.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    campaign = forms.ModelChoiceField(
        label=_("Campaign"), queryset=Campaign.objects.all(), required=False
    )
    meeting = forms.ModelChoiceField(
        label=_("Meeting"), queryset=Meeting.objects.all(), required=False
    )
    directive = forms.ModelChoiceField(
        label=_("Directive"), queryset=Directive.objects.all(), required=False
    )
    report_every = forms.ChoiceField(
        label=_("Progress reports"), choices=Task.ReportEvery.choices, required=False
    )

    def __init__(self, *args, user: User, task: Task | None = None, **kwargs):
        if task is not None and "initial" not in kwargs:
            kwargs["initial"] = {
                "title": task.title,
                "content": task.content,
                # Show the deadline the way it was given: a date or N working days.
                "deadline": None if task.deadline_working_days else task.deadline,
                "deadline_working_days": task.deadline_working_days,
                "lead_unit": task.lead_unit_id,
                "assisting_units": [
                    a.unit_id for a in task.assignments.all() if a.unit_id != task.lead_unit_id
                ],
                "campaign": task.campaign_id,
                "meeting": task.meeting_id,
                "directive": task.directive_id,
                "report_every": task.report_every,
            }
        super().__init__(*args, **kwargs)
        units = unit_choices_for(user)
        self.fields["lead_unit"].queryset = units
        self.fields["assisting_units"].queryset = units


class AssignmentActionForm(forms.Form):
    """A step without fields (sign for, start): a form still carries its errors."""


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(item, initial) for item in data if item]
        return [single(data, initial)] if data else []


class CompleteForm(forms.Form):
    feedback = forms.CharField(
        label=_("Feedback"),
        required=False,  # the service says what is missing, beside the field
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("What the unit did, and the result."),
    )
    attachments = MultipleFileField(
        label=_("Attachments"),
        required=False,
        help_text=_("Photos (JPEG, PNG, WebP) or PDF files."),
    )


class ReturnForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for return"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


class ChaseForm(forms.Form):
    message = forms.CharField(
        label=_("Chaser message"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


class ExtensionRequestForm(forms.Form):
    requested_deadline = forms.DateField(
        label=_("Requested deadline"), required=False, widget=DateInput()
    )
    reason = forms.CharField(
        label=_("Reason"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


class ProgressReportForm(forms.Form):
    period_end = forms.TypedChoiceField(
        label=_("Period ending"), coerce=date.fromisoformat, empty_value=None, required=False
    )
    content = forms.CharField(
        label=_("Progress"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, periods: list[date], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["period_end"].choices = [(d.isoformat(), d.isoformat()) for d in periods]
