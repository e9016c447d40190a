# Manual credit and regrades change an attempt's score, so they belong to practice, which owns
# scores. Only Django's idea of the models moves: the tables keep their names and their data.

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("progress", "0002_sign_off_per_cohort"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.DeleteModel(name="ManualCredit"),
                migrations.DeleteModel(name="Regrade"),
            ],
            database_operations=[],
        ),
    ]
