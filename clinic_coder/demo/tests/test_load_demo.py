import pytest
from django.core.management import CommandError, call_command

from clinic_coder.accounts.models import User
from clinic_coder.catalog.models import ProcedureCode
from clinic_coder.cohorts.models import Cohort


@pytest.fixture(autouse=True)
def debug_on(settings):
    # pytest-django runs with DEBUG off; the demo command is for development sites.
    settings.DEBUG = True


def test_it_creates_every_demo_account_with_the_demo_password(db):
    call_command("load_demo", stdout=None)
    for username in ("student", "student2", "instructor", "supervisor", "admin"):
        assert User.objects.get(username=username).check_password("clinic-demo")
    assert User.objects.get(username="admin").is_superuser
    assert User.objects.get(username="instructor").role == "instructor"
    assert User.objects.get(username="supervisor").role == "supervisor"


def test_it_builds_the_demo_cohort(db):
    call_command("load_demo")
    cohort = Cohort.objects.get(name="Demo cohort")
    assert [u.username for u in cohort.instructors.all()] == ["instructor"]
    assert [u.username for u in cohort.supervisors.all()] == ["supervisor"]
    assert sorted(e.student.username for e in cohort.enrollments.all()) == ["student", "student2"]


def test_it_loads_the_code_catalog(db):
    call_command("load_demo")
    assert ProcedureCode.objects.filter(code="97140", timed=True).exists()
    assert ProcedureCode.objects.filter(code="97010", timed=False).exists()


def test_it_is_safe_to_run_twice(db):
    call_command("load_demo")
    counts = (User.objects.count(), Cohort.objects.count(), ProcedureCode.objects.count())
    call_command("load_demo")
    assert (User.objects.count(), Cohort.objects.count(), ProcedureCode.objects.count()) == counts
    assert Cohort.objects.get(name="Demo cohort").enrollments.count() == 2


def test_it_refuses_to_create_demo_accounts_with_debug_off(db, settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="with DEBUG off"):
        call_command("load_demo")
    assert not User.objects.filter(username="student").exists()


def test_it_gives_the_demo_cohort_an_assignment_with_some_graded_work(db):
    from clinic_coder.cohorts.models import Assignment
    from clinic_coder.practice.models import Attempt

    call_command("load_demo")
    call_command("load_demo")
    assignment = Assignment.objects.get(cohort__name="Demo cohort")
    assert assignment.case_set.slug == "start-here"
    attempts = Attempt.objects.filter(student__username="student2")
    assert attempts.count() == 4
    assert {a.assignment for a in attempts} == {assignment}
    assert min(a.score for a in attempts) < 100 == max(a.score for a in attempts)
    assert not Attempt.objects.filter(student__username="student").exists()


def test_it_loads_the_case_bank(db):
    from clinic_coder.cases.models import Case, CaseSet

    call_command("load_demo")
    assert Case.objects.published().count() >= 40
    assert CaseSet.objects.count() >= 6
