# Manual credit and regrades move here from progress (state only: the tables keep their names
# and data), and a credit records the regrade that voided it.

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


def void_credits_given_before_a_regrade(apps, schema_editor):
    # Until now a credit applied when no regrade of its attempt came at or after it.
    ManualCredit = apps.get_model("practice", "ManualCredit")
    Regrade = apps.get_model("practice", "Regrade")
    for credit in ManualCredit.objects.all():
        voiding = (
            Regrade.objects.filter(attempt_id=credit.attempt_id, done_at__gte=credit.given_at)
            .order_by("done_at", "pk")
            .first()
        )
        if voiding is not None:
            credit.voided_by = voiding
            credit.save(update_fields=["voided_by"])


class Migration(migrations.Migration):
    dependencies = [
        ("practice", "0002_trainerdrill"),
        ("progress", "0003_move_credit_and_regrade_to_practice"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="Regrade",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                        ("old_version", models.PositiveIntegerField()),
                        ("new_version", models.PositiveIntegerField()),
                        ("old_score", models.PositiveSmallIntegerField()),
                        ("new_score", models.PositiveSmallIntegerField()),
                        ("done_at", models.DateTimeField()),
                        ("attempt", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name="regrades", to="practice.attempt")),
                        ("done_by", models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name="+", to=settings.AUTH_USER_MODEL)),
                    ],
                    options={"db_table": "progress_regrade", "ordering": ["done_at", "pk"]},
                ),
                migrations.CreateModel(
                    name="ManualCredit",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                        ("mark_index", models.PositiveSmallIntegerField(help_text="Which mark of the attempt.")),
                        ("code", models.CharField(max_length=12)),
                        ("old_credit", models.FloatField()),
                        ("new_credit", models.FloatField()),
                        ("old_score", models.PositiveSmallIntegerField()),
                        ("new_score", models.PositiveSmallIntegerField()),
                        ("reason", models.TextField()),
                        ("given_at", models.DateTimeField()),
                        ("attempt", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name="manual_credits", to="practice.attempt")),
                        ("given_by", models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name="+", to=settings.AUTH_USER_MODEL)),
                    ],
                    options={"db_table": "progress_manualcredit", "ordering": ["given_at", "pk"]},
                ),
            ],
            database_operations=[],
        ),
        migrations.AddField(
            model_name="manualcredit",
            name="voided_by",
            field=models.ForeignKey(blank=True, help_text="The regrade that replaced the marks this credit was given on.", null=True, on_delete=django.db.models.deletion.SET_NULL, related_name="voided_credits", to="practice.regrade"),
        ),
        migrations.RunPython(void_credits_given_before_a_regrade, migrations.RunPython.noop),
    ]
