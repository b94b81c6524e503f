"""Changes of state for the organisation: roles, enterprises."""

from collections.abc import Iterable
from typing import Any

from django.contrib.auth.models import Group, Permission
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from .authcache import forget
from .models import Enterprise, KeyArea, Unit, User
from .roles import Role, role_permissions
from .scoping import require_record, require_unit, sees_all_units
from .validators import normalise_phone


def roles_sync() -> None:
    """Create one group per role and give it exactly the declared permissions."""
    wanted = role_permissions()
    for role, perms in wanted.items():
        group, _created = Group.objects.get_or_create(name=role)
        pairs = [p.split(".", 1) for p in perms]
        found = list(
            Permission.objects.filter(
                content_type__app_label__in={a for a, _c in pairs},
                codename__in={c for _a, c in pairs},
            ).select_related("content_type")
        )
        group.permissions.set(
            [p for p in found if f"{p.content_type.app_label}.{p.codename}" in perms]
        )


def roles_sync_after_migrate(sender, **kwargs) -> None:
    # Run once, after the last app's permissions exist.
    if sender.label == "duty":
        roles_sync()


@transaction.atomic
def user_set_roles(*, user: User, roles: Iterable[str]) -> User:
    roles = set(roles)
    unknown = roles - set(Role.values)
    if unknown:
        raise ValidationError({"roles": _("Unknown role: %s") % ", ".join(sorted(unknown))})
    if Group.objects.filter(name__in=roles).count() != len(roles):
        roles_sync()
    user.groups.set(Group.objects.filter(name__in=roles))
    forget(user)
    return user


def _check_unit_allowed(*, actor: User, unit: Unit) -> None:
    require_unit(
        actor,
        unit,
        field="supervising_unit",
        message=_("You can only assign enterprises to your own unit."),
    )


_ENTERPRISE_FIELDS = (
    "name",
    "credit_code",
    "address",
    "industry",
    "supervising_unit",
    "contact_person",
    "contact_phone",
    "risk_grade",
    "is_active",
)


def _enterprise_apply(enterprise: Enterprise, data: dict[str, Any]) -> None:
    for field in _ENTERPRISE_FIELDS:
        if field in data:
            setattr(enterprise, field, data[field])
    enterprise.credit_code = (enterprise.credit_code or "").strip().upper()
    enterprise.contact_phone = normalise_phone(enterprise.contact_phone)


@transaction.atomic
def enterprise_create(*, actor: User, key_areas: Iterable[KeyArea] = (), **data: Any) -> Enterprise:
    if not actor.has_perm("org.add_enterprise"):
        raise PermissionDenied
    enterprise = Enterprise()
    _enterprise_apply(enterprise, data)
    if enterprise.supervising_unit_id is None and actor.unit_id and not sees_all_units(actor):
        enterprise.supervising_unit_id = actor.unit_id
    if enterprise.supervising_unit_id is not None:
        _check_unit_allowed(actor=actor, unit=enterprise.supervising_unit)
    enterprise.full_clean()
    enterprise.save()
    enterprise.key_areas.set(key_areas)
    return enterprise


@transaction.atomic
def enterprise_update(
    *, actor: User, enterprise: Enterprise, key_areas: Iterable[KeyArea] | None = None, **data: Any
) -> Enterprise:
    """Precondition: ``enterprise`` came through a selector scoped to ``actor``."""
    if not actor.has_perm("org.change_enterprise"):
        raise PermissionDenied
    require_record(actor, enterprise)
    _enterprise_apply(enterprise, data)
    _check_unit_allowed(actor=actor, unit=enterprise.supervising_unit)
    enterprise.full_clean()
    enterprise.save()
    if key_areas is not None:
        enterprise.key_areas.set(key_areas)
    return enterprise
