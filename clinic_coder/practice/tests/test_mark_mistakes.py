"""The mistakes item analysis counts are kept with the marks: graded, credited and regraded."""

from decimal import Decimal

from clinic_coder.practice.models import MarkMistake, mistakes_of
from clinic_coder.practice.workflows import apply_regrade, give_manual_credit
from tests.factories import NOW, WRONG_CODE, assigned, correct_key, graded, line


def kept(attempt) -> list[tuple]:
    return sorted(attempt.mistakes.values_list("kind", "code", "given", "key"))


def test_it_keeps_the_mistakes_of_the_marks_when_grading(people):
    assignment, (case,) = assigned(cohort=people.cohort_a)
    attempt = graded(
        student=people.alice, case=case, assignment=assignment,
        lines=[line(units=1), line("97010", units=1, minutes=10)],
    )  # fmt: skip
    assert kept(attempt) == sorted([("extra", "97010", "", ""), ("wrong_units", "97140", "1", "2")])
    assert kept(attempt) == sorted(mistakes_of(attempt.marks))


def test_it_drops_a_waived_extra_line_and_follows_a_regrade(people):
    assignment, (case,) = assigned(cohort=people.cohort_a)
    attempt = graded(
        student=people.alice, case=case, assignment=assignment,
        lines=[line(), line("97010", units=1, minutes=10)],
    )  # fmt: skip
    give_manual_credit(
        attempt=attempt, mark_index=1, credit=Decimal(0), reason="Hot pack: our clinic bills it.",
        by=people.ines, now=NOW,
    )  # fmt: skip
    assert kept(attempt) == []
    correct_key(case)  # 97140 x1 from now on
    apply_regrade(case=case, cohort=people.cohort_a, version=2, by=people.ines, now=NOW)
    assert ("wrong_units", "97140", "2", "1") in kept(attempt)
    assert ("extra", "97010", "", "") in kept(attempt)  # the regrade's marks are the engine's


def test_it_counts_a_wrong_code_as_the_students_code_against_the_keys(people):
    assignment, (case,) = assigned(cohort=people.cohort_a)
    attempt = graded(student=people.alice, case=case, assignment=assignment, lines=WRONG_CODE)
    assert MarkMistake.objects.filter(
        attempt=attempt, kind="wrong_code", given="97124", key="97140"
    ).exists()
