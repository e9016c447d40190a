import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from clinic_coder.cohorts.models import Enrollment
from clinic_coder.progress.gradebook import Cell, Tried, assignment_cell, counted_attempt
from tests.factories import (
    NOW,
    RIGHT,
    WRONG_CODE,
    WRONG_UNITS,
    assigned,
    graded,
    make_user,
)


def gradebook_url(cohort) -> str:
    return reverse("teach:gradebook", args=[cohort.pk])


def row_of(page: str, name: str) -> str:
    """The cells of one student's row in a table of students."""
    return page.split(f'<th scope="row">{name}</th>')[1].split("</tr>")[0]


# --- the cell rule, on plain data -------------------------------------------------------------


def tried(pk: int, case_id: int, score: int, minutes_ago: int, late: bool = False) -> Tried:
    return Tried(pk, case_id, score, late, NOW - datetime.timedelta(minutes=minutes_ago))


def test_it_counts_the_best_attempt_of_a_case():
    attempts = [tried(1, 7, 90, 30), tried(2, 7, 40, 10)]
    assert counted_attempt(attempts, "best").pk == 1


def test_it_counts_the_last_attempt_of_a_case():
    attempts = [tried(1, 7, 90, 30), tried(2, 7, 40, 10)]
    assert counted_attempt(attempts, "last").pk == 2


def test_it_averages_over_every_case_counting_a_case_not_attempted_as_0():
    cell = assignment_cell([7, 8], [tried(1, 7, 85, 5)], "best")
    assert cell == Cell(43, late=False, cases_tried=1, cases=2)  # 42.5 rounds half up


def test_it_shows_a_dash_when_nothing_is_attempted():
    cell = assignment_cell([7, 8], [tried(1, 9, 85, 5)], "best")
    assert cell.score is None
    assert str(cell) == "-"


def test_it_marks_a_cell_late_when_a_counted_attempt_is_late():
    attempts = [tried(1, 7, 100, 5, late=True), tried(2, 8, 50, 9)]
    assert assignment_cell([7, 8], attempts, "best").late
    # The late attempt does not count under "best" when an earlier one scored higher.
    attempts = [tried(1, 7, 40, 5, late=True), tried(2, 7, 50, 9)]
    assert not assignment_cell([7], attempts, "best").late


# --- the gradebook page ------------------------------------------------------------------------


def test_it_shows_each_active_student_against_each_assignment(client, people):
    assignment, (first, second) = assigned(
        cohort=people.cohort_a, slugs=("neck-release", "neck-again")
    )
    graded(student=people.alice, case=first, assignment=assignment, lines=RIGHT)
    graded(student=people.alice, case=second, assignment=assignment, lines=WRONG_UNITS)
    dora = make_user(username="dora", first_name="Dora", last_name="Dunn")
    Enrollment.objects.create(cohort=people.cohort_a, student=dora)
    gone = make_user(username="gone", first_name="Gone", last_name="Away")
    Enrollment.objects.create(cohort=people.cohort_a, student=gone, active=False)
    client.force_login(people.ines)
    page = client.get(gradebook_url(people.cohort_a)).text
    alice_row = row_of(page, "Alice Archer")
    assert ">85<" in alice_row  # (100 + 70) / 2
    dora_row = row_of(page, "Dora Dunn")
    assert "nothing attempted" in dora_row
    assert "Gone Away" not in page
    assert "Bob Baker" not in page
    assert (
        reverse(
            "teach:student_assignment", args=[people.cohort_a.pk, people.alice.pk, assignment.pk]
        )
        in alice_row
    )


def test_it_follows_the_assignments_score_policy(client, people):
    assignment, (case,) = assigned(cohort=people.cohort_a, score_policy="last")
    graded(student=people.alice, case=case, assignment=assignment, lines=RIGHT, now=NOW)
    later = NOW + datetime.timedelta(minutes=5)
    graded(student=people.alice, case=case, assignment=assignment, lines=WRONG_UNITS, now=later)
    client.force_login(people.ines)
    alice_row = row_of(client.get(gradebook_url(people.cohort_a)).text, "Alice Archer")
    assert ">70<" in alice_row


def test_it_marks_late_work(client, people):
    assignment, (case,) = assigned(cohort=people.cohort_a, late_policy="marked_late")
    late = assignment.due_at + datetime.timedelta(hours=1)
    graded(student=people.alice, case=case, assignment=assignment, lines=RIGHT, now=late)
    client.force_login(people.ines)
    alice_row = row_of(client.get(gradebook_url(people.cohort_a)).text, "Alice Archer")
    assert "late</span>" in alice_row


def test_it_ignores_practice_and_other_cohorts_attempts(client, people):
    _, (case,) = assigned(cohort=people.cohort_a)
    graded(student=people.alice, case=case, lines=RIGHT)  # free practice
    client.force_login(people.ines)
    alice_row = row_of(client.get(gradebook_url(people.cohort_a)).text, "Alice Archer")
    assert "nothing attempted" in alice_row


def test_it_sends_anonymous_visitors_to_login(client, people):
    response = client.get(gradebook_url(people.cohort_a))
    assert response.status_code == 302
    assert "/accounts/login/" in response.url


@pytest.mark.parametrize(
    ("persona", "status"),
    [("alice", 403), ("igor", 404), ("sofia", 200), ("ines", 200), ("admin", 200)],
)
def test_it_lets_only_the_cohorts_staff_read_the_gradebook(client, people, persona, status):
    client.force_login(getattr(people, persona))
    assert client.get(gradebook_url(people.cohort_a)).status_code == status


def test_it_runs_the_same_queries_for_5_and_for_50_students(client, people):
    assignment, cases = assigned(cohort=people.cohort_a, slugs=("neck-release", "neck-again"))
    other, other_cases = assigned(cohort=people.cohort_a, slugs=("neck-third",), set_slug="more")

    def enroll(count: int, start: int) -> None:
        for number in range(start, start + count):
            student = make_user(username=f"s{number}")
            Enrollment.objects.create(cohort=people.cohort_a, student=student)
            graded(student=student, case=cases[0], assignment=assignment, lines=RIGHT)
            graded(student=student, case=other_cases[0], assignment=other, lines=WRONG_CODE)

    def count_queries() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(gradebook_url(people.cohort_a)).status_code == 200
        return len(queries)

    client.force_login(people.ines)
    enroll(5, 0)
    five = count_queries()
    enroll(45, 5)
    assert count_queries() == five


# --- drilling into a student's attempts --------------------------------------------------------


def student_url(people, assignment, student=None) -> str:
    student = student or people.alice
    return reverse("teach:student_assignment", args=[people.cohort_a.pk, student.pk, assignment.pk])


def test_it_lists_a_students_attempts_and_the_one_that_counts(client, people):
    assignment, (case,) = assigned(cohort=people.cohort_a)
    best = graded(student=people.alice, case=case, assignment=assignment, lines=RIGHT)
    later = NOW + datetime.timedelta(minutes=5)
    worse = graded(
        student=people.alice, case=case, assignment=assignment, lines=WRONG_UNITS, now=later
    )
    client.force_login(people.sofia)
    page = client.get(student_url(people, assignment)).text
    best_row = page.split(reverse("practice:staff_attempt", args=[people.cohort_a.pk, best.pk]))[0]
    assert best_row.rsplit("<tr>", 1)[1].count("Counts") == 1
    assert reverse("practice:staff_attempt", args=[people.cohort_a.pk, worse.pk]) in page
    assert 'id="assignment-score">100<' in page


@pytest.mark.parametrize(
    ("persona", "status"),
    [("alice", 403), ("igor", 404), ("sofia", 200), ("ines", 200), ("admin", 200)],
)
def test_it_lets_only_the_cohorts_staff_drill_in(client, people, persona, status):
    assignment, _ = assigned(cohort=people.cohort_a)
    client.force_login(getattr(people, persona))
    assert client.get(student_url(people, assignment)).status_code == status


def test_it_refuses_a_student_or_assignment_of_another_cohort(client, people):
    assignment, _ = assigned(cohort=people.cohort_a)
    elsewhere, _ = assigned(cohort=people.cohort_b, slugs=("back-pain",), set_slug="back")
    client.force_login(people.ines)
    assert client.get(student_url(people, assignment, student=people.bob)).status_code == 404
    assert client.get(student_url(people, elsewhere)).status_code == 404


# --- one attempt, as staff see it --------------------------------------------------------------


def attempt_url(cohort, attempt) -> str:
    return reverse("practice:staff_attempt", args=[cohort.pk, attempt.pk])


def test_it_shows_an_attempt_as_the_student_sees_it_and_more(client, people):
    assignment, (case,) = assigned(cohort=people.cohort_a)
    attempt = graded(student=people.alice, case=case, assignment=assignment, lines=WRONG_CODE)
    client.force_login(people.ines)
    page = client.get(attempt_url(people.cohort_a, attempt)).text
    assert "Score 0 / 100" in page
    assert "Wrong code" in page  # the marks
    assert "the right code is 97140" in page  # a finding
    assert "97140 x2" in page  # the key
    assert "97124 x2, 24 min" in page  # the student's lines
    assert "Audit trail" in page
    assert "Save credit for line 1" in page


def test_it_shows_no_credit_forms_to_a_supervisor(client, people):
    assignment, (case,) = assigned(cohort=people.cohort_a)
    attempt = graded(student=people.alice, case=case, assignment=assignment, lines=WRONG_CODE)
    client.force_login(people.sofia)
    page = client.get(attempt_url(people.cohort_a, attempt)).text
    assert "Score 0 / 100" in page
    assert "Save credit" not in page


@pytest.mark.parametrize(
    ("persona", "status"),
    [("alice", 403), ("igor", 404), ("sofia", 200), ("ines", 200), ("admin", 200)],
)
def test_it_lets_only_the_cohorts_staff_open_an_attempt(client, people, persona, status):
    assignment, (case,) = assigned(cohort=people.cohort_a)
    attempt = graded(student=people.alice, case=case, assignment=assignment, lines=RIGHT)
    client.force_login(getattr(people, persona))
    assert client.get(attempt_url(people.cohort_a, attempt)).status_code == status


def test_it_refuses_an_attempt_of_another_cohorts_student(client, people):
    assignment, (case,) = assigned(cohort=people.cohort_b)
    attempt = graded(student=people.bob, case=case, assignment=assignment, lines=RIGHT)
    client.force_login(people.ines)
    assert client.get(attempt_url(people.cohort_a, attempt)).status_code == 404
