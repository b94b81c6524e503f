"""Drop DRF's token table (rest_framework.authtoken), left behind when the API moved to
django-rest-knox: its keys no longer authenticate anything, and its foreign key to the
user, which Django no longer knows to cascade, would stop a user with an old token from
being deleted. A database that never had the table skips this.

Going back does not bring the old tokens back (they are revoked for good): code from
before the move recreates an empty table with `migrate authtoken zero` then
`migrate authtoken`."""

from django.db import migrations


def drop(apps, schema_editor):
    schema_editor.execute(f"DROP TABLE IF EXISTS {schema_editor.quote_name('authtoken_token')}")


class Migration(migrations.Migration):
    dependencies = [
        ("org", "0003_enterprise_name_trigram"),
    ]

    operations = [migrations.RunPython(drop, migrations.RunPython.noop)]
