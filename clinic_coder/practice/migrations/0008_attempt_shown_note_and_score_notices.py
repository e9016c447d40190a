import random
import re

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

# A placeholder as the note renderer read it when this migration was written
# (coding/variants.py): a service key in braces.
PLACEHOLDER = re.compile(r"\{([a-z][a-z0-9_]*)\}")
FACT_DEFAULTS = {
    "provider": "chiropractor",
    "care": "active",
    "abn_signed": False,
    "em_separately_identifiable": False,
}


def shown(content: dict, drawn: dict) -> tuple[str, dict]:
    """The note a revision showed with these minutes, and the facts it documented."""
    minutes = {}
    services = []
    for service in content["services"]:
        service = dict(service)
        value = service.get("minutes")
        if value is not None:
            low = value[0] if isinstance(value, list) else value
            service["minutes"] = drawn.get(service["key"], low)
            minutes[service["key"]] = service["minutes"]
        services.append(service)
    note = PLACEHOLDER.sub(
        lambda m: str(minutes[m.group(1)]) if m.group(1) in minutes else m.group(0),
        content["note"],
    )
    facts = {**FACT_DEFAULTS, **content.get("facts", {})}
    return note, {"facts": facts, "services": services}


def drawn_minutes(seed: int, content: dict) -> dict:
    """The minutes a seed draws from a revision's ranges, as coding/variants.draw_minutes
    drew them when this migration was written (sorted keys, one randint each)."""
    ranges = {}
    for service in content["services"]:
        value = service.get("minutes")
        if value is not None:
            ranges[service["key"]] = value if isinstance(value, list) else [value, value]
    rng = random.Random(seed)
    return {key: rng.randint(ranges[key][0], ranges[key][1]) for key in sorted(ranges)}


def store_the_note_each_attempt_showed(apps, schema_editor):
    """Each attempt showed the note of the revision it was graded against, with the minutes
    stored in its key; unless a regrade moved it since. Then its first regrade names the
    version it was shown, whose minutes its seed draws again (the key's are the later
    version's), and the attempt goes back to that version: its score is left as it is, and
    the case's regrade page lists it, so staff can key the note it showed again."""
    Attempt = apps.get_model("practice", "Attempt")
    CaseRevision = apps.get_model("cases", "CaseRevision")
    Regrade = apps.get_model("practice", "Regrade")
    first_seen = {}
    for attempt_id, version in Regrade.objects.order_by("-done_at", "-pk").values_list(
        "attempt_id", "old_version"
    ):
        first_seen[attempt_id] = version  # the earliest regrade is read last
    batch = []
    attempts = Attempt.objects.select_related("revision").only(
        "pk", "case_id", "seed", "key", "revision__version", "revision__content"
    )
    fields = ["revision", "shown_revision", "note_text", "documented"]
    for attempt in attempts.iterator(chunk_size=500):
        revision = attempt.revision
        drawn = (attempt.key or {}).get("minutes", {})
        if attempt.pk in first_seen:
            seen = (
                CaseRevision.objects.filter(case_id=attempt.case_id, version=first_seen[attempt.pk])
                .only("pk", "content")
                .first()
            )
            if seen is not None and seen.pk != revision.pk:
                revision, drawn = seen, drawn_minutes(attempt.seed, seen.content)
                attempt.revision_id = seen.pk
        attempt.shown_revision_id = revision.pk
        attempt.note_text, attempt.documented = shown(revision.content, drawn)
        batch.append(attempt)
        if len(batch) == 500:
            Attempt.objects.bulk_update(batch, fields)
            batch = []
    Attempt.objects.bulk_update(batch, fields)


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0004_case_diagnoses"),
        ("practice", "0007_answer_diagnoses"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="attempt",
            name="shown_revision",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="shown_in",
                to="cases.caserevision",
                help_text="The version of the case the student read; never changes.",
            ),
        ),
        migrations.AddField(
            model_name="attempt",
            name="note_text",
            field=models.TextField(
                default="", help_text="The visit note exactly as the student read it."
            ),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="attempt",
            name="documented",
            field=models.JSONField(default=dict),
            preserve_default=False,
        ),
        migrations.RunPython(store_the_note_each_attempt_showed, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="attempt",
            name="shown_revision",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="shown_in",
                to="cases.caserevision",
                help_text="The version of the case the student read; never changes.",
            ),
        ),
        migrations.AlterField(
            model_name="attempt",
            name="revision",
            field=models.ForeignKey(
                help_text="The version of the case the key was derived with (moves on a regrade).",
                on_delete=django.db.models.deletion.PROTECT,
                related_name="attempts",
                to="cases.caserevision",
            ),
        ),
        migrations.CreateModel(
            name="ScoreNotice",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("cause", models.CharField(choices=[("regrade", "Regraded"), ("manual_credit", "Credit changed by your instructor")], max_length=20)),
                ("old_score", models.PositiveSmallIntegerField()),
                ("new_score", models.PositiveSmallIntegerField()),
                ("reason", models.TextField()),
                ("created_at", models.DateTimeField()),
                ("read_at", models.DateTimeField(blank=True, null=True)),
                ("attempt", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name="score_notices", to="practice.attempt")),
                ("student", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name="score_notices", to=settings.AUTH_USER_MODEL)),
            ],
            options={
                "ordering": ["-created_at", "-pk"],
                "indexes": [models.Index(fields=["student", "read_at"], name="practice_sc_student_eb33bc_idx")],
            },
        ),
    ]
