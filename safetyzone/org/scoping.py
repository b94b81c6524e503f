"""The one scoping rule of SafetyZone.

Committee staff and admins see every unit's records; everyone else sees only their own
unit's. Every selector, view, API endpoint and export narrows its queryset through
``scope_queryset``, so an object of another unit is simply not found (a 404, never a
403 that would tell it exists).
"""

from typing import TypeVar

from django.db.models import Model, QuerySet

M = TypeVar("M", bound=Model)


def sees_all_units(user) -> bool:
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    return user.sees_all_units


def scope_queryset(queryset: QuerySet[M], user, *, unit_field: str | None = None) -> QuerySet[M]:
    """Narrow ``queryset`` to what ``user`` may see.

    ``unit_field`` is the lookup path from the model to its owning Unit; it defaults to
    the model's ``scope_unit_field`` attribute ("pk" for Unit itself).
    """
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return queryset.none()
    if sees_all_units(user):
        return queryset
    if user.unit_id is None:
        return queryset.none()
    model = queryset.model
    field = unit_field or getattr(model, "scope_unit_field", None)
    if field is None:
        if model._meta.label == "org.Unit":
            field = "pk"
        else:
            raise TypeError(f"{model._meta.label} declares no scope_unit_field")
    return queryset.filter(**{field: user.unit_id})


def unit_choices_for(user):
    """The units ``user`` may assign a record to."""
    from .models import Unit

    return scope_queryset(Unit.objects.filter(is_active=True), user)
