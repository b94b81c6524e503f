"""Trigram indexes for the ledger's search (PostgreSQL only).

The search is ``icontains`` on the code, the description and the enterprise's name,
which Django writes as ``UPPER(col::text) LIKE UPPER('%term%')``: a B-tree cannot serve a
pattern with a leading wildcard, a GIN index of trigrams on the same ``UPPER(...)``
expression can (pg_trgm). SQLite, used in development and tests, has neither and skips
this migration; its searches scan, as before."""

from django.db import migrations

INDEXES = {
    "hazard_code_trgm": ("inspections_hazard", "code"),
    "hazard_description_trgm": ("inspections_hazard", "description"),
}


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for name, (table, column) in INDEXES.items():
        schema_editor.execute(
            f'CREATE INDEX IF NOT EXISTS "{name}" ON "{table}" '
            f'USING gin ((UPPER("{column}"::text)) gin_trgm_ops)'
        )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name in INDEXES:
        schema_editor.execute(f'DROP INDEX IF EXISTS "{name}"')


class Migration(migrations.Migration):
    dependencies = [
        ("inspections", "0004_list_indexes"),
    ]

    operations = [migrations.RunPython(create, drop)]
