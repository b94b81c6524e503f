"""The one scoping rule of SafetyZone.

Committee staff and admins see every unit's records; everyone else sees only their own
unit's. Every selector, view, API endpoint and export narrows its queryset through
``scope_queryset``, so an object of another unit is simply not found (a 404, never a
403 that would tell it exists).
"""

from typing import TypeVar

from django.db.models import Model, Q, QuerySet

M = TypeVar("M", bound=Model)


def sees_all_units(user) -> bool:
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    return user.sees_all_units


def scope_queryset(
    queryset: QuerySet[M], user, *, unit_field: str | tuple[str, ...] | None = None
) -> QuerySet[M]:
    """Narrow ``queryset`` to what ``user`` may see.

    ``unit_field`` is the lookup path from the model to its owning Unit, or a tuple of
    paths of which any may match; it defaults to the model's ``scope_unit_field``
    attribute ("pk" for Unit itself).
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
    if isinstance(field, (tuple, list)):
        # Several paths (e.g. the organiser or an attending unit): a record is visible
        # when any of them is the user's unit. A subquery keeps rows unique.
        condition = Q()
        for path in field:
            condition |= Q(**{path: user.unit_id})
        return queryset.filter(pk__in=model._default_manager.filter(condition).values("pk"))
    return queryset.filter(**{field: user.unit_id})


def unit_choices_for(user):
    """The units ``user`` may assign a record to."""
    from .models import Unit

    return scope_queryset(Unit.objects.filter(is_active=True), user)
