"""The one scoping rule of SafetyZone, for reads and for writes.

Reads: committee staff and admins see every unit's records; everyone else sees only
their own unit's. Every selector, view, API endpoint and export narrows its queryset
through ``scope_queryset``, so an object of another unit is simply not found (a 404,
never a 403 that would tell it exists).

Writes: ``can_act_for`` / ``require_unit`` say whether a user may act for a unit, and
``can_act_on`` / ``require_record`` whether they may act on a record, found by the same
``scope_unit_field`` path the read rule uses. Every service checks its unit part
through them (role permissions stay ``user.has_perm``); nothing compares
``unit.pk != actor.unit_id`` by hand.

Offices: a model may name, in ``scope_offices``, offices whose members read every
unit's records of it (the duty office, at night, the zone's resources and rescue teams).
Who is in an office is said by a function the owning app registers
(``register_office``), so this module imports no domain app. A service lets an office
write only for the step it names (``require_record(..., office=...)``), never more.
"""

from collections.abc import Callable, Iterable
from typing import TypeVar

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Model, Q, QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

M = TypeVar("M", bound=Model)


_OFFICES: dict[str, Callable[..., bool]] = {}


def register_office(name: str, holds: Callable[..., bool]) -> None:
    """Declare the office ``name``: ``holds(user)`` says whether ``user`` is in it now.
    Apps call this from their AppConfig.ready()."""
    _OFFICES[name] = holds


def in_office(user, name: str) -> bool:
    """Is ``user`` (active, signed in) in the office ``name`` now?"""
    if not _active(user) or name not in _OFFICES:
        return False
    return bool(_OFFICES[name](user))


def _office_reads(user, model) -> bool:
    """Does one of the offices of ``model``'s ``scope_offices`` hold ``user`` now?"""
    return any(in_office(user, name) for name in getattr(model, "scope_offices", ()))


def sees_all_units(user) -> bool:
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    return user.sees_all_units


def scope_queryset(
    queryset: QuerySet[M],
    user,
    *,
    unit_field: str | tuple[str, ...] | None = None,
    perms: Iterable[str] = (),
) -> QuerySet[M]:
    """Narrow ``queryset`` to what ``user`` may see.

    ``unit_field`` is the lookup path from the model to its owning Unit, or a tuple of
    paths of which any may match; it defaults to the model's ``scope_unit_field``
    attribute ("pk" for Unit itself). ``perms`` are role permissions the user must hold
    as well (a file of a hazard needs ``inspections.view_hazard``): without them nothing
    is found, so a record of the user's own unit is a 404 to a role that may not read it.
    A member of one of the model's ``scope_offices`` sees every unit's records of it.
    """
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return queryset.none()
    if perms and not user.has_perms(list(perms)):
        return queryset.none()
    if sees_all_units(user):
        return queryset
    if _office_reads(user, queryset.model):
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


# --- The write rule ---------------------------------------------------------------------


class OutsideUnit(PermissionDenied, Http404):
    """The write rule's refusal: the actor may not act for that unit or on that record.

    Code calling a service catches it as ``PermissionDenied``; over HTTP it is answered
    as a 404 (Django and DRF both look for ``Http404`` first), as the read rule answers a
    record of another unit, so a refusal does not tell that the record exists.
    """


def _active(user) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.is_active)


def can_act_for(user, unit, *, as_member: bool = False) -> bool:
    """May ``user`` act for ``unit`` (a Unit or its pk)?

    Committee staff and admins act for every unit; anyone else only for their own;
    inactive and anonymous users for none. ``as_member`` asks for a person of the unit
    itself, staff included only for their own unit: a step the unit takes in its own
    name (signing for an assignment, signing a meeting's attendance).
    """
    if unit is None or not _active(user):
        return False
    if not as_member and sees_all_units(user):
        return True
    unit_id = unit if isinstance(unit, int) else unit.pk
    return user.unit_id is not None and user.unit_id == unit_id


def require_unit(
    actor, unit, *, field: str | None = None, message: str | None = None, as_member=False
) -> None:
    """Refuse unless ``actor`` may act for ``unit`` (see ``can_act_for``).

    With ``field`` the unit was chosen in the input (a form's or an API body's field):
    the refusal is a ``ValidationError`` on that field, a 400 like any broken rule.
    Without it the refusal is ``OutsideUnit``.
    """
    if can_act_for(actor, unit, as_member=as_member):
        return
    message = message or _("You can only act for your own unit.")
    if field is not None:
        raise ValidationError({field: message})
    raise OutsideUnit(message)


def write_unit_path(model: type[Model]) -> str:
    """The lookup path from ``model`` to the unit that owns its records for writing.

    It is the model's ``scope_unit_field``. Where that names several paths (a record
    shared with other units for reading), the first one is the owner: a meeting is
    written by its organiser, not by an attending unit; a roster or a shift by the
    roster's unit, not by the units of the people on it. Steps that those other units
    take (signing an attendance, writing the log of one's own shift) are checked by
    the service as the person's or the member unit's own step.
    """
    if model._meta.label == "org.Unit":
        return "pk"
    field = getattr(model, "scope_unit_field", None)
    if field is None:
        raise TypeError(f"{model._meta.label} declares no scope_unit_field")
    if isinstance(field, (tuple, list)):
        return field[0]
    return field


def _owner_unit_id(record: Model, path: str) -> tuple[bool, int | None]:
    """Walk ``path`` through the record's foreign keys: ``(True, unit id)``, or
    ``(False, None)`` when the path goes through a to-many relation (a database
    question)."""
    if path == "pk":
        return True, record.pk
    owner: object = record
    parts = path.split("__")
    for part in parts[:-1]:
        field = owner._meta.get_field(part)  # type: ignore[attr-defined]
        if not (field.many_to_one or field.one_to_one) or not field.concrete:
            return False, None
        owner = getattr(owner, part)
        if owner is None:
            return True, None
    field = owner._meta.get_field(parts[-1])  # type: ignore[attr-defined]
    if not (field.many_to_one or field.one_to_one) or not field.concrete:
        return False, None
    return True, getattr(owner, field.attname)


def can_act_on(
    user,
    record: Model,
    *,
    as_member: bool = False,
    any_path: bool = False,
    office: str | None = None,
) -> bool:
    """May ``user`` act on ``record``: may they act for the unit that owns it
    (``write_unit_path``)?

    ``any_path``: every path of the model's ``scope_unit_field`` counts, so that writing
    follows reading. For the records of a duty day (its log, matters, incident reports),
    which the people on the shift keep whatever their unit.

    ``office``: the step is one that office may take on any unit's record, if the model
    lists it in ``scope_offices`` (the duty office issuing a unit's stock at night).
    The service names the office only for that step.
    """
    if not _active(user):
        return False
    if not as_member and sees_all_units(user):
        return True
    if (
        office is not None
        and office in getattr(type(record), "scope_offices", ())
        and in_office(user, office)
    ):
        return True
    if user.unit_id is None:
        return False
    model = type(record)
    if any_path:
        if record.pk is None:
            raise ValueError("any_path asks the database: save the record first")
        found = scope_queryset(model._default_manager.filter(pk=record.pk), user)
        return found.exists()
    path = write_unit_path(model)
    walked, unit_id = _owner_unit_id(record, path)
    if walked:
        return can_act_for(user, unit_id, as_member=as_member)
    if record.pk is None:
        return False
    return model._default_manager.filter(pk=record.pk, **{path: user.unit_id}).exists()


def require_record(
    actor,
    record: Model,
    *,
    message: str | None = None,
    as_member: bool = False,
    any_path: bool = False,
    office: str | None = None,
) -> None:
    """Refuse unless ``actor`` may act on ``record`` (see ``can_act_on``).

    A record the actor cannot even see is refused with ``OutsideUnit`` (a 404 over
    HTTP); one they see but may not change (an attending unit's view of a meeting,
    staff on a unit's own step) with a plain ``PermissionDenied`` (a 403).
    """
    if can_act_on(actor, record, as_member=as_member, any_path=any_path, office=office):
        return
    message = message or _("You can only act for your own unit.")
    model = type(record)
    if (
        record.pk is not None
        and _active(actor)
        and scope_queryset(model._default_manager.filter(pk=record.pk), actor).exists()
    ):
        raise PermissionDenied(message)
    raise OutsideUnit(message)
