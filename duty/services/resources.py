"""Changes of state of emergency resources, their stock, rescue teams and standby.

Preconditions: objects passed in came through a selector scoped to the actor.
"""

from collections.abc import Sequence
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from safetyzone.org.models import Unit, User
from safetyzone.org.scoping import require_record, require_unit

from ..models import (
    DUTY_OFFICE,
    EmergencyResource,
    RescueTeam,
    RescueTeamMember,
    StandbyAssignment,
    StockMovement,
)
from ..times import shift_window
from ._common import _fail, _number, _require

# --- Resources ------------------------------------------------------------------------


_RESOURCE_FIELDS = (
    "unit",
    "kind",
    "name",
    "specification",
    "measure",
    "low_stock_threshold",
    "storage_place",
    "keeper",
    "keeper_phone",
    "status",
    "last_checked_on",
)


def _check_unit(actor: User, unit: Unit | None) -> None:
    if unit is not None:
        require_unit(actor, unit, field="unit", message=_("You can only choose your own unit."))


@transaction.atomic
def resource_create(*, actor: User, quantity: Decimal | int = 0, **data: Any) -> EmergencyResource:
    """Register a resource; its opening stock is recorded as a first movement in."""
    _require(actor, "duty.add_emergencyresource")
    resource = EmergencyResource(**{k: v for k, v in data.items() if k in _RESOURCE_FIELDS})
    if resource.unit_id is None and actor.unit_id:
        resource.unit_id = actor.unit_id
    _check_unit(actor, resource.unit if resource.unit_id else None)
    resource.quantity = Decimal(0)
    resource.full_clean()
    resource.save()
    if quantity:
        stock_move(
            actor=actor,
            resource=resource,
            direction=StockMovement.Direction.IN,
            quantity=Decimal(quantity),
            purpose=_("Opening stock"),
        )
        resource.refresh_from_db()
    return resource


@transaction.atomic
def resource_update(*, actor: User, resource: EmergencyResource, **data: Any):
    """Change a resource's description; its stock changes only through movements."""
    _require(actor, "duty.change_emergencyresource")
    require_record(actor, resource)
    for field in _RESOURCE_FIELDS:
        if field in data:
            setattr(resource, field, data[field])
    _check_unit(actor, resource.unit)
    resource.full_clean()
    resource.save()
    return resource


@transaction.atomic
def stock_move(
    *,
    actor: User,
    resource: EmergencyResource,
    direction: str,
    quantity: Decimal,
    purpose: str = "",
    handled_by: str = "",
    moved_at: datetime | None = None,
) -> StockMovement:
    """Move stock out, back or in. The stock never falls below zero, and no more comes
    back than went out and has not come back yet (``resource.issued``): refused here,
    and by the database should anything else try.

    The duty office (the people on duty now) may issue any unit's stock: at night the
    unit's own staff are not there. Returns and stocking in stay with the unit."""
    _require(actor, "duty.add_stockmovement")
    resource = EmergencyResource.objects.select_for_update().get(pk=resource.pk)
    require_record(
        actor,
        resource,
        office=DUTY_OFFICE if direction == StockMovement.Direction.OUT else None,
    )
    quantity = Decimal(quantity)
    if quantity <= 0:
        raise _fail(_("The quantity must be more than zero."), "quantity")
    sign = -1 if direction == StockMovement.Direction.OUT else 1
    balance = resource.quantity + sign * quantity
    if balance < 0:
        raise _fail(
            _("Only %(stock)s %(measure)s in stock: %(asked)s cannot go out.")
            % {
                "stock": _number(resource.quantity),
                "measure": resource.measure,
                "asked": _number(quantity),
            },
            "quantity",
        )
    issued = resource.issued
    if direction == StockMovement.Direction.OUT:
        issued += quantity
    elif direction == StockMovement.Direction.BACK:
        if quantity > issued:
            raise _fail(
                _(
                    "Only %(issued)s %(measure)s are out and not yet returned: "
                    "%(asked)s cannot come back."
                )
                % {
                    "issued": _number(issued),
                    "measure": resource.measure,
                    "asked": _number(quantity),
                },
                "quantity",
            )
        issued -= quantity
    movement = StockMovement(
        resource=resource,
        direction=direction,
        quantity=quantity,
        balance_after=balance,
        purpose=purpose,
        handled_by=handled_by,
        moved_at=moved_at or timezone.now(),
        recorded_by=actor,
    )
    movement.full_clean()
    movement.save()
    resource.quantity = balance
    resource.issued = issued
    resource.save(update_fields=["quantity", "issued", "updated_at"])
    return movement


# --- Rescue teams and stand-by --------------------------------------------------------


_TEAM_FIELDS = ("unit", "name", "speciality", "leader", "leader_phone", "equipment", "base")


@transaction.atomic
def team_create(*, actor: User, members: Sequence[dict[str, str]] = (), **data: Any) -> RescueTeam:
    _require(actor, "duty.add_rescueteam")
    team = RescueTeam(**{k: v for k, v in data.items() if k in _TEAM_FIELDS})
    if team.unit_id is None and actor.unit_id:
        team.unit_id = actor.unit_id
    _check_unit(actor, team.unit if team.unit_id else None)
    team.full_clean()
    team.save()
    for member in members:
        team_member_add(actor=actor, team=team, **member)
    return team


@transaction.atomic
def team_member_add(
    *, actor: User, team: RescueTeam, name: str, role: str = "", phone: str = ""
) -> RescueTeamMember:
    _require(actor, "duty.add_rescueteammember")
    require_record(actor, team)
    member = RescueTeamMember(team=team, name=name, role=role, phone=phone)
    member.full_clean()
    member.save()
    return member


@transaction.atomic
def standby_create(
    *,
    actor: User,
    key_period,
    place: str,
    starts_at: datetime,
    ends_at: datetime,
    team: RescueTeam | None = None,
    resource: EmergencyResource | None = None,
    quantity: Decimal | None = None,
    note: str = "",
) -> StandbyAssignment:
    """Put a team or a resource on stand-by at ``place`` during a key period."""
    _require(actor, "duty.add_standbyassignment")
    for record in (team, resource):
        if record is not None:
            require_record(actor, record)
    standby = StandbyAssignment(
        key_period=key_period,
        place=place,
        starts_at=starts_at,
        ends_at=ends_at,
        team=team,
        resource=resource,
        quantity=quantity,
        note=note,
    )
    standby.full_clean()
    if key_period is not None and starts_at and ends_at:
        first, _x = shift_window(key_period.start_date - timedelta(days=1))
        _y, last = shift_window(key_period.end_date + timedelta(days=1))
        if starts_at < first or ends_at > last:
            raise _fail(_("A stand-by lies within its key period."), "starts_at")
    if resource is not None and quantity is not None and quantity > resource.quantity:
        raise _fail(
            _("Only %(stock)s %(measure)s in stock.")
            % {"stock": _number(resource.quantity), "measure": resource.measure},
            "quantity",
        )
    standby.save()
    return standby
