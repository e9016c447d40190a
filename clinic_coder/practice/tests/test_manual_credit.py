from decimal import Decimal

import pytest
from django.urls import reverse

from clinic_coder.coding.grading import score_of
from clinic_coder.coding.types import LineMark
from clinic_coder.practice.models import Attempt, ManualCredit
from tests.factories import (
    RIGHT,
    WRONG_CODE,
    WRONG_UNITS,
    assigned,
    graded,
    line,
)


def score_from_marks(marks: list[dict]) -> int:
    """The engine's formula on stored marks, as a manual credit rescores an attempt."""
    return score_of(LineMark("97140", m["status"], m["credit"]) for m in marks)


@pytest.fixture
def attempt(people) -> Attempt:
    assignment, (case,) = assigned(cohort=people.cohort_a)
    return graded(student=people.alice, case=case, assignment=assignment, lines=WRONG_CODE)


def credit_url(cohort, attempt, index: int = 0) -> str:
    return reverse("practice:give_credit", args=[cohort.pk, attempt.pk, index])


def give(client, cohort, attempt, credit="1", reason="Same technique, defensible code.", index=0):
    data = {f"mark-{index}-credit": credit, f"mark-{index}-reason": reason}
    return client.post(credit_url(cohort, attempt, index), data)


# --- the score formula ---------------------------------------------------------------------------


def test_it_scores_marks_as_the_docs_example_does():
    marks = [
        {"status": "right", "credit": 1.0},
        {"status": "partly_right", "credit": 0.5},
        {"status": "partly_right", "credit": 0.7},
        {"status": "extra", "credit": -0.5},
    ]
    assert score_from_marks(marks) == 57  # docs/scoring.md: 56.7


def test_it_scores_an_empty_key_as_the_engine_does():
    assert score_from_marks([]) == 100
    assert score_from_marks([{"status": "extra", "credit": -0.5}]) == 50
    assert score_from_marks([{"status": "extra", "credit": -0.5}] * 2) == 0


def test_it_rounds_halves_up_and_never_goes_below_0():
    assert score_from_marks([{"status": "partly_right", "credit": 0.5}] * 8) == 50
    marks = [{"status": "wrong", "credit": 0.0}, {"status": "extra", "credit": -0.5}]
    assert score_from_marks(marks) == 0
    # 2.5 of 8 lines is 31.25; 0.5 of 8 is 6.25; 1 of 16 is 6.25 -> 6
    assert (
        score_from_marks(
            [{"status": "right", "credit": 1.0}] + [{"status": "missing", "credit": 0.0}] * 15
        )
        == 6
    )


@pytest.mark.parametrize(
    "lines",
    [
        RIGHT,
        WRONG_UNITS,
        WRONG_CODE,
        [],
        [line(), line("97010", 1, None)],
        [line(modifiers=["59"])],
    ],
)
def test_it_agrees_with_the_engine_on_stored_marks(people, lines):
    assignment, (case,) = assigned(cohort=people.cohort_a)
    attempt = graded(student=people.alice, case=case, assignment=assignment, lines=lines)
    assert score_from_marks(attempt.marks) == attempt.score


# --- giving credit -------------------------------------------------------------------------------


def test_it_gives_credit_and_rescores_with_an_audit_record(client, people, attempt):
    client.force_login(people.ines)
    response = give(client, people.cohort_a, attempt, credit="0.5")
    assert response.status_code == 302
    attempt.refresh_from_db()
    assert attempt.score == 50
    assert attempt.marks[0]["credit"] == 0.5
    assert "Same technique, defensible code." in attempt.marks[0]["reasons"][-1]
    credit = ManualCredit.objects.get()
    assert (credit.attempt, credit.mark_index, credit.code) == (attempt, 0, "97124")
    assert (credit.old_credit, credit.new_credit) == (0.0, 0.5)
    assert (credit.old_score, credit.new_score) == (0, 50)
    assert credit.given_by == people.ines
    assert credit.reason == "Same technique, defensible code."
    page = client.get(response.url).text
    assert "Score 50 / 100" in page
    assert "0 → 0.5" in page


def test_it_waives_the_penalty_of_an_extra_line(client, people):
    assignment, (case,) = assigned(cohort=people.cohort_a)
    attempt = graded(
        student=people.alice, case=case, assignment=assignment, lines=[line(), line("97010", 1)]
    )
    assert attempt.score == 50
    extra = next(i for i, mark in enumerate(attempt.marks) if mark["status"] == "extra")
    client.force_login(people.admin)
    give(
        client,
        people.cohort_a,
        attempt,
        credit="0",
        index=extra,
        reason="Hot pack was in the note.",
    )
    attempt.refresh_from_db()
    assert attempt.score == 100


def test_the_student_sees_the_credit_on_their_feedback_page(client, people, attempt):
    client.force_login(people.ines)
    give(client, people.cohort_a, attempt, credit="1", reason="Accepted 97124 here.")
    client.force_login(people.alice)
    page = client.get(reverse("practice:attempt_feedback", args=[attempt.pk])).text
    assert "Score 100 / 100" in page
    assert "Changed by your instructor" in page
    assert "Ines Ito" in page
    assert "0 → 1 points, score 0 → 100" in page
    assert "Accepted 97124 here." in page


@pytest.mark.parametrize(
    ("credit", "reason", "message"),
    [
        ("1.7", "Reason", "The credit can be at most 1"),
        ("-0.5", "Reason", "between 0 and 1"),
        ("0.55", "Reason", "steps of 0.1"),
        ("lots", "Reason", "Give the credit as a number"),
        ("0.5", "", "Say why"),
        ("0.5", "   ", "Say why"),
    ],
)
def test_it_refuses_bad_credit_and_changes_nothing(
    client, people, attempt, credit, reason, message
):
    client.force_login(people.ines)
    response = give(client, people.cohort_a, attempt, credit=credit, reason=reason)
    assert response.status_code == 422
    assert message in response.text
    attempt.refresh_from_db()
    assert attempt.score == 0
    assert attempt.marks[0]["credit"] == 0.0
    assert not ManualCredit.objects.exists()


def test_it_refuses_positive_credit_on_an_extra_line(client, people):
    assignment, (case,) = assigned(cohort=people.cohort_a)
    attempt = graded(
        student=people.alice, case=case, assignment=assignment, lines=[line(), line("97010", 1)]
    )
    client.force_login(people.ines)
    response = give(client, people.cohort_a, attempt, credit="1", index=1)
    assert response.status_code == 422
    assert "penalty waived (0) or restored (-0.5)" in response.text
    assert not ManualCredit.objects.exists()


def test_it_refuses_a_line_the_attempt_does_not_have(client, people, attempt):
    client.force_login(people.ines)
    response = give(client, people.cohort_a, attempt, index=9)
    assert response.status_code == 422
    assert "This attempt has no such line." in response.text
    assert not ManualCredit.objects.exists()


def test_it_refuses_an_attempt_of_another_cohort(client, people):
    assignment, (case,) = assigned(cohort=people.cohort_b)
    theirs = graded(student=people.bob, case=case, assignment=assignment, lines=WRONG_CODE)
    client.force_login(people.ines)
    assert give(client, people.cohort_a, theirs).status_code == 404
    assert not ManualCredit.objects.exists()


def test_it_sends_anonymous_visitors_to_login(client, people, attempt):
    response = give(client, people.cohort_a, attempt)
    assert response.status_code == 302
    assert "/accounts/login/" in response.url


def test_it_takes_only_posts(client, people, attempt):
    client.force_login(people.ines)
    assert client.get(credit_url(people.cohort_a, attempt)).status_code == 405


@pytest.mark.parametrize(
    ("persona", "status"),
    [("alice", 403), ("sofia", 403), ("igor", 404), ("ines", 302), ("admin", 302)],
)
def test_it_lets_only_the_cohorts_instructors_give_credit(client, people, attempt, persona, status):
    client.force_login(getattr(people, persona))
    assert give(client, people.cohort_a, attempt).status_code == status
    assert ManualCredit.objects.exists() == (status == 302)
    attempt.refresh_from_db()
    assert attempt.score == (100 if status == 302 else 0)


def test_it_keeps_every_credit_in_the_audit_trail(client, people, attempt):
    client.force_login(people.ines)
    give(client, people.cohort_a, attempt, credit="0.5", reason="First look.")
    give(client, people.cohort_a, attempt, credit="0.8", reason="Second look.")
    credits = list(ManualCredit.objects.values_list("old_credit", "new_credit", "new_score"))
    assert credits == [(0.0, 0.5, 50), (0.5, 0.8, 80)]
    page = client.get(reverse("practice:staff_attempt", args=[people.cohort_a.pk, attempt.pk])).text
    assert "First look." in page and "Second look." in page
    assert Decimal(str(Attempt.objects.get().marks[0]["credit"])) == Decimal("0.8")
