"""The feedback page tells one story after manual credit: the credited line, the score and the
both-methods box agree, and the grader's own marks are shown as what the grader had marked."""

import pytest
from django.urls import reverse

from clinic_coder.practice.models import Attempt, labelled_mark
from tests.factories import WRONG_UNITS, assigned, graded


@pytest.fixture
def attempt(people) -> Attempt:
    assignment, (case,) = assigned(cohort=people.cohort_a)
    return graded(student=people.alice, case=case, assignment=assignment, lines=WRONG_UNITS)


def credit_fully(client, people, attempt) -> None:
    client.force_login(people.ines)
    url = reverse("practice:give_credit", args=[people.cohort_a.pk, attempt.pk, 0])
    client.post(url, {"mark-0-credit": "1", "mark-0-reason": "Units defensible here."})


def feedback(client, people, attempt) -> str:
    client.force_login(people.alice)
    return client.get(reverse("practice:attempt_feedback", args=[attempt.pk])).text


def marks_table(page: str) -> str:
    return page[page.index('id="marks-heading"') : page.index("</table>")]


def test_it_shows_a_credited_line_as_credited_not_partly_right(client, people, attempt):
    credit_fully(client, people, attempt)
    page = feedback(client, people, attempt)
    table = marks_table(page)
    assert "Score 100 / 100" in page
    assert "Partly right" not in table
    assert "Full credit given" in table
    assert "Your instructor gave this line 1 point" in table
    assert "Units defensible here." in table
    assert "The grader had marked: right code; units: 1, the key has 2" in table
    assert "credit set to" not in table


def test_it_calls_the_both_methods_scores_the_graders_before_credit(client, people, attempt):
    credit_fully(client, people, attempt)
    page = feedback(client, people, attempt)
    box = page[page.index('id="methods-heading"') :]
    assert "would score" not in box
    assert "the grader's scores before your instructor's credit" in box
    assert "The grader's score for this method, before credit: 70." in box


def test_it_leaves_an_uncredited_line_as_the_grader_marked_it(client, people, attempt):
    page = feedback(client, people, attempt)
    table = marks_table(page)
    assert "Partly right" in table
    assert "right code; units: 1, the key has 2" in table
    box = page[page.index('id="methods-heading"') :]
    assert "before credit" not in box


def test_it_labels_a_waived_penalty():
    mark = {
        "code": "97010",
        "status": "extra",
        "credit": 0.0,
        "reasons": ["not on the key: over-coding", "credit set to 0 by Ines Ito: In the note."],
    }
    shown = labelled_mark(mark)
    assert shown["label"] == "Penalty waived"
    assert shown["grader_reasons"] == ["not on the key: over-coding"]
    assert shown["credited"]["reason"] == "In the note."


def test_only_the_student_and_staff_see_the_feedback(client, people, attempt):
    client.force_login(people.bob)
    response = client.get(reverse("practice:attempt_feedback", args=[attempt.pk]))
    assert response.status_code == 404
