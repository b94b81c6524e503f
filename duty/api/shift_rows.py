"""The shift list's API rows, read as values (safetyzone.core.rows): the fields of
ShiftSerializer, in its order, with each shift's people read for the whole page in one
query, without model instances or a serializer field per value.
tests/duty/test_shift_rows.py asserts both write the same JSON."""

from collections import defaultdict

from safetyzone.core.rows import Rows

from ..models import ShiftAssignment

FIELDS = [
    "id",
    "roster",
    "roster_title",
    "date",
    "starts_at",
    "ends_at",
    "phone",
    "officers_needed",
    "assignments",
    "closed_at",
    "is_closed",
]


def person_name(display_name: str, first_name: str, last_name: str, username: str) -> str:
    # As User.__str__: the display name, else the full name, else the username.
    return display_name or f"{first_name} {last_name}".strip() or username


class ShiftRows(Rows):
    def complete(self, rows: list[dict]) -> list[dict]:
        people = defaultdict(list)
        found = (
            ShiftAssignment.objects.filter(shift__in=[row["id"] for row in rows])
            .order_by("role", "pk")
            .values_list(
                "shift_id",
                "person_id",
                "person__display_name",
                "person__first_name",
                "person__last_name",
                "person__username",
                "role",
            )
        )
        for shift, person, display, first, last, username, role in found:
            people[shift].append(
                {
                    "person": person,
                    "person_name": person_name(display, first, last, username),
                    "role": role,
                }
            )
        for row in rows:
            row["assignments"] = people[row["id"]]
            row["is_closed"] = row["closed_at"] is not None
        return [{name: row[name] for name in FIELDS} for row in rows]


SHIFT_ROWS = ShiftRows(
    [
        "id",
        ("roster", "roster_id"),
        ("roster_title", "roster__title"),
        "date",
        "starts_at",
        "ends_at",
        "phone",
        "officers_needed",
        "closed_at",
    ]
)
