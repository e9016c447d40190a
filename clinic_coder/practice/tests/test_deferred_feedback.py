"""An assignment that defers feedback must not leak a score anywhere before the due date."""

import datetime

import pytest
import time_machine
from django.urls import reverse

from clinic_coder.cohorts.models import AssignmentOverride
from clinic_coder.practice.models import Attempt
from clinic_coder.practice.tests.test_submit import open_case, submit
from tests.factories import make_assignment

WRONG = [{"code": "97124", "minutes": "24", "units": "2"}]


@pytest.fixture
def deferred(client, people, case):
    assignment = make_assignment(
        cohort=people.cohort_a, case_set=case.case_sets.get(), feedback="after_due"
    )
    client.force_login(people.alice)
    submit(client, case, WRONG, open_case(client, case, assignment), assignment)
    return assignment


def pages(client, case, assignment) -> dict[str, str]:
    set_page = (
        reverse("practice:practice_case_set", args=["basics"]) + f"?assignment={assignment.pk}"
    )
    return {
        "home": client.get(reverse("practice:student_home")).text,
        "set": client.get(set_page).text,
        "history": client.get(reverse("practice:case_history", args=[case.slug])).text,
        "progress": client.get(reverse("progress:my_progress")).text,
    }


def test_it_shows_no_score_or_mistake_before_the_due_date(client, people, case, deferred):
    seen = pages(client, case, deferred)
    assert "recent chances right" not in seen["home"]
    assert "best 0" not in seen["set"] and "submitted" in seen["set"]
    assert "after the due date" in seen["history"]
    assert "Recent attempts" not in seen["progress"]
    assert "after the due date" in seen["progress"]
    assert Attempt.objects.get().score == 0  # graded all the same


def test_it_releases_everything_after_the_due_date(client, people, case, deferred):
    with time_machine.travel(deferred.due_at + datetime.timedelta(minutes=1)):
        seen = pages(client, case, deferred)
    assert "0 of 1 recent chances right" in seen["home"]
    assert "best 0" in seen["set"]
    assert "Recent attempts" in seen["progress"]


def test_it_waits_for_a_students_extension(client, people, case, deferred):
    AssignmentOverride.objects.create(
        assignment=deferred,
        student=people.alice,
        due_at=deferred.due_at + datetime.timedelta(days=3),
    )
    with time_machine.travel(deferred.due_at + datetime.timedelta(days=1)):
        seen = pages(client, case, deferred)
    assert "best 0" not in seen["set"]
    assert "Recent attempts" not in seen["progress"]
