"""The roles a user can hold. Each role is a Django group named by its code; the
permissions each group carries are declared here and by the domain apps, and
``roles_sync`` writes them to the database after every migrate."""

from collections import defaultdict

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    COMMITTEE_STAFF = "committee_staff", _("Committee staff")
    DEPARTMENT_HEAD = "department_head", _("Department head")
    INSPECTOR = "inspector", _("Inspector")
    DUTY_OFFICER = "duty_officer", _("Duty officer")
    DUTY_LEADER = "duty_leader", _("Leader on duty")
    ADMIN = "admin", _("Administrator")


# Roles whose holders see every unit's records.
ALL_UNITS_ROLES = frozenset({Role.COMMITTEE_STAFF, Role.ADMIN})

_ROLE_PERMISSIONS: dict[str, set[str]] = defaultdict(set)


def register_role_permissions(role: str, permissions: list[str]) -> None:
    """Grant ``app_label.codename`` permissions to a role. Domain apps call this from
    their AppConfig.ready(), so that the organisation app need not know them."""
    _ROLE_PERMISSIONS[role].update(permissions)


def role_permissions() -> dict[str, set[str]]:
    return {role: set(_ROLE_PERMISSIONS[role]) for role in Role.values}


register_role_permissions(
    Role.COMMITTEE_STAFF,
    ["org.view_unit", "org.view_enterprise", "org.add_enterprise", "org.change_enterprise"],
)
register_role_permissions(
    Role.ADMIN,
    [
        "org.view_unit",
        "org.add_unit",
        "org.change_unit",
        "org.view_enterprise",
        "org.add_enterprise",
        "org.change_enterprise",
        "org.view_user",
        "org.add_user",
        "org.change_user",
        "core.view_workdayoverride",
        "core.add_workdayoverride",
        "core.change_workdayoverride",
        "core.delete_workdayoverride",
    ],
)
register_role_permissions(
    Role.DEPARTMENT_HEAD,
    ["org.view_unit", "org.view_enterprise", "org.add_enterprise", "org.change_enterprise"],
)
for _role in (Role.INSPECTOR, Role.DUTY_OFFICER, Role.DUTY_LEADER):
    register_role_permissions(_role, ["org.view_unit", "org.view_enterprise"])
