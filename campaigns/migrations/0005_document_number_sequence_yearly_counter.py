# The document number counter becomes a safetyzone.core YearlyCounter: its count column
# is renamed (the numbers are kept), the unique constraint over prefix and year stays.

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("campaigns", "0004_meeting_history"),
    ]

    operations = [
        migrations.RenameField(
            model_name="documentnumbersequence",
            old_name="last_sequence",
            new_name="last_value",
        ),
        migrations.AlterField(
            model_name="documentnumbersequence",
            name="last_value",
            field=models.PositiveIntegerField(default=0, verbose_name="last number"),
        ),
    ]
