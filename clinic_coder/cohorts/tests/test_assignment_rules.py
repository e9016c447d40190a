"""Combinations of assignment settings that would undo each other are refused."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from clinic_coder.cohorts.forms import AssignmentForm
from clinic_coder.cohorts.models import Assignment, AssignmentOverride
from clinic_coder.cohorts.tests.test_assignments import assignment_data
from tests.factories import make_assignment, make_case_set


def test_it_refuses_deferred_feedback_with_late_work(people):
    data = assignment_data(make_case_set(), feedback="after_due", late_policy="marked_late")
    form = AssignmentForm(data, cohort=people.cohort_a, user=people.ines)
    assert not form.is_valid()
    assert "cannot accept late work" in form.errors["late_policy"][0]


@pytest.mark.parametrize(
    ("feedback", "late_policy"),
    [("after_due", "closed"), ("immediate", "marked_late"), ("immediate", "closed")],
)
def test_it_accepts_the_other_combinations(people, feedback, late_policy):
    data = assignment_data(make_case_set(), feedback=feedback, late_policy=late_policy)
    assert AssignmentForm(data, cohort=people.cohort_a, user=people.ines).is_valid()


def test_it_explains_the_refusal_on_the_page_and_saves_nothing(client, people):
    client.force_login(people.ines)
    data = assignment_data(make_case_set(), feedback="after_due", late_policy="marked_late")
    response = client.post(reverse("cohorts:create_assignment", args=[people.cohort_a.pk]), data)
    assert response.status_code == 200
    assert "cannot accept late work" in response.text
    assert not Assignment.objects.exists()


def test_it_knows_which_assignments_students_can_still_work_on(people):
    """One rule for "open", used by the case editor and unpublishing (Case.held_open_in)."""
    now = timezone.now()
    past = {
        "opens_at": now - datetime.timedelta(days=9),
        "due_at": now - datetime.timedelta(days=1),
    }
    closed = make_assignment(cohort=people.cohort_a, case_set=make_case_set(slug="a"), **past)
    late = make_assignment(
        cohort=people.cohort_a, case_set=make_case_set(slug="b"), late_policy="marked_late", **past
    )
    extended = make_assignment(cohort=people.cohort_a, case_set=make_case_set(slug="c"), **past)
    for student in (people.alice, people.bob):
        AssignmentOverride.objects.create(
            assignment=extended, student=student, due_at=now + datetime.timedelta(days=2)
        )
    current = make_assignment(cohort=people.cohort_a, case_set=make_case_set(slug="d"))
    found = list(Assignment.objects.open_for_work(now))
    assert sorted(a.pk for a in found) == sorted([late.pk, extended.pk, current.pk])
    assert closed not in found
