"""Form pieces shared by every app's pages."""

from django import forms
from django.forms.models import ModelChoiceIterator


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
