import datetime

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone


@pytest.mark.django_db(transaction=True)
def test_it_closes_late_work_on_existing_assignments_that_defer_feedback():
    executor = MigrationExecutor(connection)
    executor.migrate([("cohorts", "0001_initial")])
    apps = executor.loader.project_state([("cohorts", "0001_initial")]).apps
    Cohort = apps.get_model("cohorts", "Cohort")
    CaseSet = apps.get_model("cases", "CaseSet")
    Assignment = apps.get_model("cohorts", "Assignment")
    now = timezone.now()
    Assignment.objects.create(
        cohort=Cohort.objects.create(name="Old", invite_code="OLDCODE1"),
        case_set=CaseSet.objects.create(slug="old", title="Old"),
        opens_at=now,
        due_at=now + datetime.timedelta(days=1),
        feedback="after_due",
        late_policy="marked_late",
    )
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())
    from clinic_coder.cohorts.models import Assignment as Current

    assert Current.objects.get().late_policy == "closed"
