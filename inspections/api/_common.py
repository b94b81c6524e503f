"""What the inspections viewsets share."""

from inspections.forms.fields import inspector_choices
from safetyzone.org.models import Unit, User
from safetyzone.org.scoping import scope_queryset, unit_choices_for


class ScopedRelationsMixin:
    """Related records offered to a serializer are the ones the user may see, so that an
    id of another unit's record is refused exactly like an id that does not exist."""

    scoped_fields: dict[str, type] = {}

    def get_serializer(self, *args, **kwargs):
        serializer = super().get_serializer(*args, **kwargs)
        user = self.request.user
        fields = getattr(serializer, "fields", {})
        for name, model in self.scoped_fields.items():
            field = fields.get(name)
            if field is None or field.read_only:
                continue
            target = getattr(field, "child_relation", field)
            if model is Unit:
                target.queryset = unit_choices_for(user)
            elif model is User:
                target.queryset = inspector_choices(user)
            else:
                target.queryset = scope_queryset(model._default_manager.all(), user)
        return serializer
