"""Who receives reminders, read in one query each whatever the number of records."""

from collections import defaultdict
from collections.abc import Iterable

from safetyzone.org.models import User
from safetyzone.org.roles import Role


def heads_by_unit(unit_ids: Iterable[int]) -> dict[int, list[int]]:
    """The active department heads of each unit: {unit id: [user id, ...]}."""
    heads: dict[int, list[int]] = defaultdict(list)
    rows = (
        User.objects.filter(
            unit_id__in=set(unit_ids), is_active=True, groups__name=Role.DEPARTMENT_HEAD
        )
        .values_list("pk", "unit_id")
        .distinct()
    )
    for user_id, unit_id in rows:
        heads[unit_id].append(user_id)
    return heads


def committee_staff_ids() -> list[int]:
    return list(
        User.objects.filter(is_active=True, groups__name=Role.COMMITTEE_STAFF)
        .values_list("pk", flat=True)
        .distinct()
    )
