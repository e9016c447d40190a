import datetime

import pytest
from django.utils import timezone

from clinic_coder.catalog.loading import load_catalog
from clinic_coder.practice.mastery import MIN_EVIDENCE, WINDOW, Level, mastery_for, weakest
from clinic_coder.practice.models import Finding
from clinic_coder.practice.workflows import open_draft, submit_answer
from tests.factories import make_case

RIGHT = "97140"
WRONG = "97124"


def answer(student, case, code: str, when, assignment=None) -> None:
    from clinic_coder.coding.types import ClaimLine

    draft = open_draft(student=student, case=case, assignment=assignment)
    submit_answer(draft=draft, token=draft.token, lines=[ClaimLine(code, 24, 2)], now=when)


@pytest.fixture
def case(db):
    load_catalog()
    return make_case()  # exercises code-choice-manual-therapy


def test_it_is_too_early_below_the_minimum_evidence(people, case):
    for _ in range(MIN_EVIDENCE - 1):
        answer(people.alice, case, RIGHT, timezone.now())
    skill = mastery_for([people.alice])[people.alice.pk]["code-choice-manual-therapy"]
    assert skill.level == Level.TOO_EARLY
    assert skill.chances == MIN_EVIDENCE - 1


def test_it_reads_the_level_from_the_share_of_right_chances(people, case):
    start = timezone.now()
    for minute, code in enumerate([WRONG, WRONG, RIGHT, RIGHT, RIGHT, RIGHT]):
        answer(people.alice, case, code, start + datetime.timedelta(minutes=minute))
    skill = mastery_for([people.alice])[people.alice.pk]["code-choice-manual-therapy"]
    assert (skill.successes, skill.chances) == (4, 6)
    assert skill.level == Level.DEVELOPING
    assert "97140" in skill.evidence[-1].detail  # the oldest item is a mistake, explained


def test_it_counts_only_the_latest_window(people, case):
    start = timezone.now()
    codes = [WRONG] * 4 + [RIGHT] * WINDOW
    for minute, code in enumerate(codes):
        answer(people.alice, case, code, start + datetime.timedelta(minutes=minute))
    skill = mastery_for([people.alice])[people.alice.pk]["code-choice-manual-therapy"]
    assert skill.chances == WINDOW
    assert skill.level == Level.MASTERED


def test_it_counts_trainer_answers_as_evidence(people, db):
    for severity in ("error", "error", "info"):
        Finding.objects.create(
            student=people.alice, rule_id="trainer-cms", skill="units-cms", severity=severity,
            message="Trainer", created_at=timezone.now(),
        )  # fmt: skip
    skill = mastery_for([people.alice])[people.alice.pk]["units-cms"]
    assert (skill.successes, skill.chances, skill.level) == (1, 3, Level.NEEDS_WORK)
    assert weakest(mastery_for([people.alice])[people.alice.pk])[0].skill == "units-cms"


def test_it_keeps_students_apart(people, case):
    answer(people.alice, case, WRONG, timezone.now())
    mastery = mastery_for([people.alice, people.bob])
    assert mastery[people.alice.pk]["code-choice-manual-therapy"].chances == 1
    assert mastery[people.bob.pk]["code-choice-manual-therapy"].chances == 0


def test_it_gives_the_share_of_right_chances_week_by_week(people, case):
    from clinic_coder.practice.mastery import evidence_for, weekly_mastery

    monday = timezone.make_aware(datetime.datetime(2026, 11, 2, 10))
    answer(people.alice, case, WRONG, monday)
    answer(people.alice, case, RIGHT, monday + datetime.timedelta(days=2))
    answer(people.alice, case, RIGHT, monday + datetime.timedelta(days=7))
    weeks = weekly_mastery(evidence_for([people.alice.pk])[people.alice.pk])
    assert weeks == [(datetime.date(2026, 11, 2), 50), (datetime.date(2026, 11, 9), 100)]
