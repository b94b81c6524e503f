"""A trigram index on the enterprise's name (PostgreSQL only): the enterprise list and
the ledger, inspections and enforcement searches look names up with ``icontains``
(``UPPER(name::text) LIKE UPPER('%term%')``), which only a GIN index of trigrams on the
same expression can serve. SQLite skips this migration."""

from django.db import migrations


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    schema_editor.execute(
        'CREATE INDEX IF NOT EXISTS "enterprise_name_trgm" ON "org_enterprise" '
        'USING gin ((UPPER("name"::text)) gin_trgm_ops)'
    )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute('DROP INDEX IF EXISTS "enterprise_name_trgm"')


class Migration(migrations.Migration):
    dependencies = [
        ("org", "0002_keyarea_catalogue"),
    ]

    operations = [migrations.RunPython(create, drop)]
