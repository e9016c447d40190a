"""One owner of a score: submit, manual credit and regrade all grade through Attempt and
announce each change once, after commit."""

import datetime
from decimal import Decimal

import pytest
import time_machine
from django.urls import reverse

from clinic_coder.practice.models import Attempt
from clinic_coder.practice.scores import ScoreChange, score_changed
from clinic_coder.practice.workflows import (
    CreditRefused,
    apply_regrade,
    give_manual_credit,
    open_draft,
    submit_answer,
)
from tests.factories import NOW, RIGHT, WRONG_CODE, WRONG_UNITS, assigned, correct_key, graded, line


@pytest.fixture
def changes():
    """Every score change announced during the test, in order."""
    heard: list[ScoreChange] = []

    def listen(sender: object, change: ScoreChange, **kwargs: object) -> None:
        heard.append(change)

    score_changed.connect(listen)
    yield heard
    score_changed.disconnect(listen)


def change_key(case) -> None:
    correct_key(case)  # 97140 x1 from now on, for the same note


def test_it_grades_an_answer_the_same_by_submit_and_by_regrade(people):
    """A regrade onto a revision gives exactly what a submit against that revision gives."""
    assignment, (case,) = assigned(cohort=people.cohort_a)
    answer = [line(units=2, modifiers=["GP"]), line("97124", units=1, minutes=8)]
    old = graded(student=people.alice, case=case, assignment=assignment, lines=answer)
    change_key(case)
    apply_regrade(case=case, cohort=people.cohort_a, version=2, by=people.ines, now=NOW)
    old.refresh_from_db()
    draft = open_draft(student=people.bob, case=case)
    draft.seed = old.seed
    draft.save()
    fresh = submit_answer(draft=draft, token=draft.token, lines=answer, now=NOW).attempt
    assert fresh.revision == old.revision
    assert (old.score, old.marks, old.key, old.explanation) == (
        fresh.score,
        fresh.marks,
        fresh.key,
        fresh.explanation,
    )
    finding_rows = ("rule_id", "skill", "severity", "message", "line_code")
    assert list(old.findings.values_list(*finding_rows)) == list(
        fresh.findings.values_list(*finding_rows)
    )


def test_it_stores_the_method_comparison_from_the_same_grading(people):
    assignment, (case,) = assigned(cohort=people.cohort_a)
    attempt = graded(student=people.alice, case=case, assignment=assignment, lines=WRONG_UNITS)
    graded_again = attempt.grading(attempt.revision)
    assert graded_again.result.score == attempt.score
    assert graded_again.marks == attempt.marks


def test_it_announces_a_submit_once_after_commit(
    people, changes, django_capture_on_commit_callbacks
):
    assignment, (case,) = assigned(cohort=people.cohort_a)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        attempt = graded(student=people.alice, case=case, assignment=assignment, lines=RIGHT)
        assert changes == []  # nothing is said before the transaction commits
    assert len(callbacks) == 1
    assert changes == [
        ScoreChange(
            attempt_id=attempt.pk,
            student_id=people.alice.pk,
            assignment_id=assignment.pk,
            old_score=None,
            new_score=100,
            cause=ScoreChange.Cause.SUBMIT,
        )
    ]


def test_it_announces_nothing_for_a_replayed_submit(
    people, changes, django_capture_on_commit_callbacks
):
    assignment, (case,) = assigned(cohort=people.cohort_a)
    draft = open_draft(student=people.alice, case=case, assignment=assignment)
    token = draft.token
    with django_capture_on_commit_callbacks(execute=True):
        submit_answer(draft=draft, token=token, lines=RIGHT, now=NOW)
        submit_answer(draft=draft, token=token, lines=RIGHT, now=NOW)
    assert len(changes) == 1


def test_it_announces_manual_credit_and_regrade(
    people, changes, django_capture_on_commit_callbacks
):
    assignment, (case,) = assigned(cohort=people.cohort_a)
    attempt = graded(student=people.alice, case=case, assignment=assignment, lines=WRONG_CODE)
    with django_capture_on_commit_callbacks(execute=True):
        give_manual_credit(
            attempt=attempt, mark_index=0, credit=Decimal("0.5"), reason="Close.",
            by=people.ines, now=NOW,
        )  # fmt: skip
        change_key(case)
        apply_regrade(case=case, cohort=people.cohort_a, version=2, by=people.ines, now=NOW)
    assert [(c.cause, c.old_score, c.new_score) for c in changes] == [
        (ScoreChange.Cause.MANUAL_CREDIT, 0, 50),
        (ScoreChange.Cause.REGRADE, 50, 0),
    ]
    assert {c.attempt_id for c in changes} == {attempt.pk}


def test_it_announces_nothing_when_a_credit_is_refused(
    people, changes, django_capture_on_commit_callbacks
):
    assignment, (case,) = assigned(cohort=people.cohort_a)
    attempt = graded(student=people.alice, case=case, assignment=assignment, lines=WRONG_CODE)
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(CreditRefused):
        give_manual_credit(
            attempt=attempt, mark_index=5, credit=Decimal(1), reason="x", by=people.ines, now=NOW
        )
    assert changes == []


def test_it_keeps_the_change_when_a_listener_fails(people, django_capture_on_commit_callbacks):
    def broken(sender: object, change: ScoreChange, **kwargs: object) -> None:
        raise RuntimeError("the LMS is down")

    score_changed.connect(broken)
    try:
        assignment, (case,) = assigned(cohort=people.cohort_a)
        with django_capture_on_commit_callbacks(execute=True):
            attempt = graded(student=people.alice, case=case, assignment=assignment, lines=RIGHT)
    finally:
        score_changed.disconnect(broken)
    assert Attempt.objects.get(pk=attempt.pk).score == 100


# --- does a manual credit still apply? one answer for staff and student ------------------------


@time_machine.travel(datetime.datetime(2026, 11, 2, 10, 0, tzinfo=datetime.UTC), tick=False)
def test_it_agrees_for_staff_and_student_when_credit_and_regrade_share_a_moment(client, people):
    """The old view compared with > and the template with <: at one instant they disagreed."""
    now = datetime.datetime(2026, 11, 2, 10, 0, tzinfo=datetime.UTC)
    assignment, (case,) = assigned(cohort=people.cohort_a)
    attempt = graded(
        student=people.alice, case=case, assignment=assignment, lines=WRONG_CODE, now=now
    )
    before = give_manual_credit(
        attempt=attempt, mark_index=0, credit=Decimal(1), reason="Fair.", by=people.ines, now=now
    )
    change_key(case)
    apply_regrade(case=case, cohort=people.cohort_a, version=2, by=people.ines, now=now)
    attempt.refresh_from_db()
    after = give_manual_credit(
        attempt=attempt, mark_index=0, credit=Decimal("0.5"), reason="Again.", by=people.ines,
        now=now,
    )  # fmt: skip
    before.refresh_from_db()
    after.refresh_from_db()
    assert (before.applies, after.applies) == (False, True)

    client.force_login(people.ines)
    staff = client.get(reverse("practice:staff_attempt", args=[people.cohort_a.pk, attempt.pk]))
    client.force_login(people.alice)
    student = client.get(reverse("practice:attempt_feedback", args=[attempt.pk]))
    # The student's page also says how the score changed (ScoreNotice): read the credits.
    credits = student.text.split('id="manual-credit"')[1]
    for page in (staff.text, credits):
        assert page.count("no longer applied") == 1
        voided_row = page.split("Fair.")[1].split("Again.")[0]
        assert "no longer applied" in voided_row
