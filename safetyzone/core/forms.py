"""Form pieces shared by every app's pages."""

from django import forms
from django.core.exceptions import ValidationError
from django.forms.models import ModelChoiceIterator
from django.utils.translation import gettext_lazy as _


class ListedModelChoiceIterator(ModelChoiceIterator):
    """The choices read with one plain query, kept on the field's queryset.

    Django's iterator reads them through ``QuerySet.iterator()``, which on PostgreSQL
    declares a server-side cursor (three round trips) each time a select is rendered, and
    counts them with a second query: made for choices by the thousand, not the dozen
    units, key areas or campaigns of a filter."""

    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        for obj in self.queryset:
            yield self.choice(obj)

    def __len__(self):
        return len(self.queryset) + (1 if self.field.empty_label is not None else 0)

    def __bool__(self):
        return self.field.empty_label is not None or bool(self.queryset)


class ListedModelChoiceField(forms.ModelChoiceField):
    """A ``ModelChoiceField`` for short lists (see ``ListedModelChoiceIterator``)."""

    iterator = ListedModelChoiceIterator


def errors_to_form(form: forms.Form, exc: ValidationError, *, rows=None) -> None:
    """Put a service's ``ValidationError`` on the page's form, whatever its shape: a
    field's errors beside that field, the rest (a list error, or a field the form does
    not have) above the form. The user's input stays in the form.

    ``rows`` names the formsets of the page: ``{"phases": phase_forms}`` puts an error
    keyed ``phases.<i>.<field>`` on the i-th form of that set.
    """
    if not hasattr(exc, "error_dict"):
        form.add_error(None, exc.messages)
        return
    for key, errors in exc.message_dict.items():
        target, name = form, key
        prefix, _dot, rest = key.partition(".")
        if rows and prefix in rows and rest:
            index, _dot, name = rest.partition(".")
            if index.isdigit() and int(index) < len(rows[prefix]):
                target = rows[prefix][int(index)]
            else:
                name = key
        target.add_error(name if name in target.fields else None, errors)


class DecisionForm(forms.Form):
    """Staff's decision on a request (``core.models.DecidedRequest``): grant or refuse,
    with a note (the service requires one for a refusal). A page may draw ``decision``
    as two submit buttons named ``decision``."""

    GRANT = "grant"
    REFUSE = "refuse"

    decision = forms.ChoiceField(
        label=_("Decision"), choices=[(GRANT, _("Grant")), (REFUSE, _("Refuse"))]
    )
    note = forms.CharField(label=_("Note (a refusal says why)"), required=False)

    @property
    def grants(self) -> bool:
        return self.cleaned_data["decision"] == self.GRANT
