"""The hazard ledger's API rows, read as values (safetyzone.core.rows): the fields of
HazardListSerializer, in its order, without a model instance or a serializer field per
value. tests/inspections/test_hazard_rows.py asserts both write the same JSON."""

from safetyzone.core.rows import Rows

HAZARD_ROWS = Rows(
    [
        "id",
        "code",
        ("enterprise", "enterprise_id"),
        ("enterprise_name", "enterprise__name"),
        "place",
        ("key_area", "key_area_id"),
        ("key_area_name", "key_area__name"),
        "description",
        "level",
        "found_on",
        ("responsible_unit", "responsible_unit_id"),
        ("responsible_unit_name", "responsible_unit__name"),
        "responsible_person",
        "deadline",
        "status",
        "overdue",
        "is_supervised",
        "is_recurrence",
        "closed_at",
        "updated_at",
    ]
)
