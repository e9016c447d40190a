"""Mastery counted in the database from the kept chances equals mastery recomputed from the
attempts and findings, after random histories, regrades, manual credit and trainer answers."""

import datetime
import random
from decimal import Decimal

import pytest

from clinic_coder.practice import trainer
from clinic_coder.practice.mastery import WINDOW, mastery_for, tallies_for
from clinic_coder.practice.models import Attempt, SkillChance
from clinic_coder.practice.workflows import apply_regrade, give_manual_credit
from tests.factories import correct_key, graded, line, make_assignment, make_case, make_case_set

START = datetime.datetime(2026, 9, 1, 9, 0, tzinfo=datetime.UTC)
ANSWERS = [
    [line()],  # right on the 24-minute myofascial release
    [line(units=1)],  # wrong units
    [line("97124")],  # wrong code
    [line(), line("97010", units=1, minutes=10)],  # an extra line
    [],  # nothing
]


def levels(by_student: dict) -> dict:
    """(chances, successes) per student and skill, for either way of counting."""
    return {
        student: {skill: (m.chances, m.successes) for skill, m in skills.items()}
        for student, skills in by_student.items()
    }


@pytest.mark.parametrize("seed", [1, 2, 3, 4])
def test_it_counts_the_same_mastery_in_sql_as_from_the_attempts(people, seed):
    rng = random.Random(seed)
    cases = [
        make_case(slug=f"case-{n}", title=f"Case {n}", skills=skills)
        for n, skills in enumerate(
            [["code-choice-manual-therapy"], ["units-cms", "claim-lines"], ["units-per-code"]]
        )
    ]
    dates = {
        "opens_at": START,
        "due_at": START + datetime.timedelta(days=60),
        "attempts_allowed": 0,
    }
    assignment_a = make_assignment(
        cohort=people.cohort_a, case_set=make_case_set(slug="set-a", cases=cases), **dates
    )
    assignment_b = make_assignment(
        cohort=people.cohort_b, case_set=make_case_set(slug="set-b", cases=cases), **dates
    )
    people.cohort_b.enrol(people.alice)  # alice works in both cohorts
    where = {
        people.alice: [None, assignment_a, assignment_b],
        people.bob: [None, assignment_b],
    }
    for step in range(40):
        student = rng.choice(list(where))
        when = START + datetime.timedelta(minutes=rng.randint(1, 60 * 24 * 30), seconds=step)
        if rng.random() < 0.2:
            drill = trainer.Drill.new(rng)
            answers = {
                f"{method}_{code}": rng.randint(0, 3)
                for method in ("cms", "per_code")
                for code in drill.minutes
            }
            trainer.record(student=student, outcome=trainer.check(drill, answers), now=when)
            continue
        graded(
            student=student, case=rng.choice(cases), lines=rng.choice(ANSWERS),
            assignment=rng.choice(where[student]), now=when,
        )  # fmt: skip
    for attempt in rng.sample(list(Attempt.objects.filter(assignment__isnull=False)), 3):
        give_manual_credit(
            attempt=attempt, mark_index=0, credit=Decimal("0.5"), reason="Partly defensible.",
            by=people.admin, now=START,
        )  # fmt: skip
    correct_key(cases[0])  # a new key for case 0
    apply_regrade(case=cases[0], cohort=people.cohort_a, version=2, by=people.ines, now=START)

    students = list(where)
    assert SkillChance.objects.count() > WINDOW * 2  # the window of latest chances matters
    assert levels(tallies_for(students)) == levels(mastery_for(students))
    for cohort in (people.cohort_a, people.cohort_b):
        assert levels(tallies_for(students, cohorts=[cohort])) == levels(
            mastery_for(students, cohorts=[cohort])
        )
