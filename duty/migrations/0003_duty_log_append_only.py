"""The duty log is append-only in the database too: a trigger refuses every UPDATE and
DELETE of its rows, whatever the code path (a raw query, the shell, a bulk update). A
correction is a new entry that points at the one it corrects. The foreign keys to it
(shift, author, corrected entry) are PROTECT, so no cascade ever reaches the trigger.

PostgreSQL raises SQLSTATE 23000 and SQLite aborts with a constraint error: Django
reports both as IntegrityError. TRUNCATE (a PostgreSQL test database's flush) is a
statement, not row deletes, and is not stopped."""

from django.db import migrations

TABLE = "duty_dutylogentry"
MESSAGE = "the duty log is append-only: its entries are never changed or deleted"

POSTGRESQL = (
    f"""
    CREATE FUNCTION duty_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        RAISE EXCEPTION '%: % refused', '{MESSAGE}', TG_OP USING ERRCODE = '23000';
    END;
    $$;
    CREATE TRIGGER duty_log_append_only
        BEFORE UPDATE OR DELETE ON {TABLE}
        FOR EACH ROW EXECUTE FUNCTION duty_log_append_only();
    """,
    f"""
    DROP TRIGGER IF EXISTS duty_log_append_only ON {TABLE};
    DROP FUNCTION IF EXISTS duty_log_append_only();
    """,
)

SQLITE = (
    [
        f"""
        CREATE TRIGGER duty_log_no_update BEFORE UPDATE ON {TABLE}
        BEGIN SELECT RAISE(ABORT, '{MESSAGE}: UPDATE refused'); END;
        """,
        f"""
        CREATE TRIGGER duty_log_no_delete BEFORE DELETE ON {TABLE}
        BEGIN SELECT RAISE(ABORT, '{MESSAGE}: DELETE refused'); END;
        """,
    ],
    [
        "DROP TRIGGER IF EXISTS duty_log_no_update;",
        "DROP TRIGGER IF EXISTS duty_log_no_delete;",
    ],
)


def _run(statements, schema_editor) -> None:
    for sql in [statements] if isinstance(statements, str) else statements:
        schema_editor.execute(sql, params=None)


def _vendor_sql(schema_editor, index: int):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        return POSTGRESQL[index]
    if vendor == "sqlite":
        return SQLITE[index]
    raise NotImplementedError(f"No append-only trigger for {vendor}")


def create_trigger(apps, schema_editor) -> None:
    _run(_vendor_sql(schema_editor, 0), schema_editor)


def drop_trigger(apps, schema_editor) -> None:
    _run(_vendor_sql(schema_editor, 1), schema_editor)


class Migration(migrations.Migration):
    dependencies = [
        ("duty", "0002_handover_confirmation_returns_incident_levels"),
    ]

    operations = [migrations.RunPython(create_trigger, drop_trigger)]
