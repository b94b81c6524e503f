"""Forms of directives and meetings: they check the shape of the input; the services
decide and save (model validation runs there and comes back beside the fields)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from safetyzone.org.models import Unit

from ..models import Campaign, Directive, KeyPeriod, Meeting, MeetingItem
from ..selectors.meetings import attendable_units

DATETIME_LOCAL = "%Y-%m-%dT%H:%M"


def lines(text: str) -> list[str]:
    """One item per line, blank lines dropped, order kept."""
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


class _ShapeOnlyModelForm(forms.ModelForm):
    def _post_clean(self) -> None:
        # Model validation (full_clean) runs in the service, which reports its errors
        # back beside the fields.
        return


class DirectiveForm(_ShapeOnlyModelForm):
    remove_attachment = forms.BooleanField(label=_("Remove the attachment"), required=False)

    class Meta:
        model = Directive
        fields = [
            "issuer",
            "number",
            "issued_on",
            "title",
            "requirements",
            "campaign",
            "attachment",
        ]
        widgets = {
            "issued_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "requirements": forms.Textarea(attrs={"rows": 5}),
            # A plain input: the stored file is only reachable through the protected view.
            "attachment": forms.FileInput(attrs={"accept": "image/*,application/pdf"}),
        }
        help_texts = {"attachment": _("An image or a PDF of the directive.")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["campaign"].queryset = Campaign.objects.order_by("-start_date", "pk")
        if not self.instance.attachment:
            del self.fields["remove_attachment"]


class MeetingForm(_ShapeOnlyModelForm):
    """A meeting's notice fields. Agenda and requirements are typed one per line, in
    order."""

    attending_units = forms.ModelMultipleChoiceField(
        label=_("Attending units"),
        queryset=Unit.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Required before the notice is issued."),
    )
    agenda = forms.CharField(
        label=_("Agenda"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("One item per line, in order."),
    )
    requirements = forms.CharField(
        label=_("Requirements"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("One requirement per line, in order."),
    )

    class Meta:
        model = Meeting
        fields = [
            "title",
            "kind",
            "starts_at",
            "place",
            "chair",
            "organiser",
            "campaign",
            "key_periods",
            "directives",
            "notice_body",
            "copy_to",
        ]
        widgets = {
            "starts_at": forms.DateTimeInput(
                attrs={"type": "datetime-local"}, format=DATETIME_LOCAL
            ),
            "notice_body": forms.Textarea(attrs={"rows": 3}),
            "key_periods": forms.CheckboxSelectMultiple,
            "directives": forms.SelectMultiple(attrs={"size": 5}),
        }

    field_order = [
        "title",
        "kind",
        "starts_at",
        "place",
        "chair",
        "organiser",
        "attending_units",
        "notice_body",
        "agenda",
        "requirements",
        "copy_to",
        "campaign",
        "key_periods",
        "directives",
    ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["starts_at"].input_formats = [DATETIME_LOCAL, "%Y-%m-%d %H:%M"]
        self.fields["organiser"].queryset = Unit.objects.filter(is_active=True)
        self.fields["attending_units"].queryset = attendable_units()
        self.fields["campaign"].queryset = Campaign.objects.order_by("-start_date", "pk")
        self.fields["key_periods"].queryset = KeyPeriod.objects.order_by("start_date", "pk")
        self.fields["directives"].queryset = Directive.objects.order_by("-issued_on", "pk")
        meeting = self.instance
        if meeting.pk and not self.is_bound:
            attendances = meeting.attendances.all()
            items = list(meeting.items.all())
            self.initial["attending_units"] = [a.unit_id for a in attendances]
            self.initial["agenda"] = "\n".join(
                i.text for i in items if i.kind == MeetingItem.Kind.AGENDA
            )
            self.initial["requirements"] = "\n".join(
                i.text for i in items if i.kind == MeetingItem.Kind.REQUIREMENT
            )

    def service_arguments(self) -> dict:
        """The cleaned data as the meeting services take it."""
        data = dict(self.cleaned_data)
        data["agenda"] = lines(data.get("agenda", ""))
        data["requirements"] = lines(data.get("requirements", ""))
        data["attending_units"] = list(data.get("attending_units") or [])
        data["key_periods"] = list(data.get("key_periods") or [])
        data["directives"] = list(data.get("directives") or [])
        return data


class MinutesForm(forms.Form):
    minutes = forms.CharField(
        label=_("Meeting minutes"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 12}),
        help_text=_("What the meeting decided, recorded after it."),
    )


class IssueForm(forms.Form):
    """The confirmation of issuing a notice: its number can never be taken back. A
    meeting already past is issued only when ticked, with the reason."""

    override_past = forms.BooleanField(
        label=_("Issue although the meeting is past"), required=False
    )
    past_reason = forms.CharField(
        label=_("Reason"),
        required=False,
        max_length=100,
        help_text=_("Kept in the meeting's history, e.g. a notice recorded afterwards."),
    )
