"""A student's own due date has two spellings, Terms.of in Python and own_due_at in SQL, kept
side by side in cohorts/models.py: they must always agree."""

import datetime

from clinic_coder.cohorts.models import Assignment, AssignmentOverride
from tests.factories import make_assignment, make_case_set

DUE = datetime.datetime(2026, 12, 4, 23, 59, tzinfo=datetime.UTC)


def test_it_gives_the_same_due_date_in_sql_and_in_python(people):
    assignment = make_assignment(cohort=people.cohort_a, case_set=make_case_set(), due_at=DUE)
    later = DUE + datetime.timedelta(days=4)
    AssignmentOverride.objects.create(assignment=assignment, student=people.alice, due_at=later)
    # An override with extra attempts only keeps the usual date.
    AssignmentOverride.objects.create(assignment=assignment, student=people.bob, extra_attempts=2)
    for student, expected in ((people.alice, later), (people.bob, DUE)):
        in_sql = Assignment.objects.with_own_due_at(student).get(pk=assignment.pk).own_due_at
        assert in_sql == assignment.terms_for(student).due_at == expected


def test_it_holds_back_practice_until_a_students_own_due_date(people):
    assignment = make_assignment(
        cohort=people.cohort_a, case_set=make_case_set(), due_at=DUE, feedback="after_due"
    )
    later = DUE + datetime.timedelta(days=4)
    AssignmentOverride.objects.create(assignment=assignment, student=people.alice, due_at=later)
    people.cohort_a.enrol(people.bob)
    a_day_after = DUE + datetime.timedelta(days=1)
    assert list(Assignment.objects.holding_back_practice(people.alice, a_day_after)) == [assignment]
    assert not Assignment.objects.holding_back_practice(people.bob, a_day_after).exists()
