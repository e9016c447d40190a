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


@pytest.mark.django_db(transaction=True)
def test_it_brings_stored_dates_outside_2000_to_2100_inside():
    executor = MigrationExecutor(connection)
    executor.migrate([("cohorts", "0002_no_late_work_with_deferred_feedback")])
    apps = executor.loader.project_state(
        [("cohorts", "0002_no_late_work_with_deferred_feedback")]
    ).apps
    Cohort = apps.get_model("cohorts", "Cohort")
    CaseSet = apps.get_model("cases", "CaseSet")
    Assignment = apps.get_model("cohorts", "Assignment")
    Assignment.objects.create(
        cohort=Cohort.objects.create(name="Far", invite_code="FARCODE1"),
        case_set=CaseSet.objects.create(slug="far", title="Far"),
        opens_at=datetime.datetime(2026, 1, 1, tzinfo=datetime.UTC),
        due_at=datetime.datetime(9999, 12, 31, tzinfo=datetime.UTC),
    )
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())
    from clinic_coder.cohorts.models import Assignment as Current

    assert Current.objects.get().due_at.year == 2100
