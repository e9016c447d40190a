"""Item statistics on the item analysis page: each case's difficulty and discrimination."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from clinic_coder.progress.analysis import difficulty_and_discrimination, item_statistics
from tests.factories import RIGHT, WRONG_CODE, WRONG_UNITS, assigned, graded, make_students


def test_it_reads_difficulty_as_the_mean_score_over_100():
    difficulty, discrimination = difficulty_and_discrimination([(100,), (50,)], 0)
    assert difficulty == 0.75
    assert discrimination is None  # two students: too few for groups of 27%


def test_it_reads_discrimination_from_the_upper_and_lower_27_percent():
    # Eleven students: groups of round(2.97) = 3, ranked by their total over both items.
    scores = [
        (100, 100), (100, 90), (100, 80), (50, 70), (50, 60), (50, 50), (50, 40), (50, 30),
        (0, 20), (0, 10), (0, 0),
    ]  # fmt: skip
    _, first = difficulty_and_discrimination(scores, 0)
    _, second = difficulty_and_discrimination(scores, 1)
    assert first == 1.0  # (300 - 0) / 300
    assert second == pytest.approx(0.8)  # (270 - 30) / 300


def test_it_finds_an_item_that_separates_strong_from_weak():
    scores = [(100, 100), (100, 70), (100, 70), (0, 70), (0, 70), (0, 0)]
    _, separating = difficulty_and_discrimination(scores, 0)
    _, flat = difficulty_and_discrimination(scores, 1)
    assert separating == 1.0  # groups of 2: upper (100, 100), (100, 70); lower (0, 0), (0, 70)
    assert flat == pytest.approx((170 - 70) / 200)


@pytest.fixture
def worked(people):
    """Four students worked two cases; a fifth enrolled student did nothing."""
    assignment, (one, two) = assigned(cohort=people.cohort_a, slugs=("case-one", "case-two"))
    sam0, sam1, sam2, _idle = make_students(cohort=people.cohort_a, count=4)
    for student, first, second in (
        (people.alice, RIGHT, RIGHT),  # 100 + 100
        (sam0, RIGHT, WRONG_CODE),  # 100 + 0
        (sam1, WRONG_UNITS, WRONG_CODE),  # 70 + 0
        (sam2, WRONG_CODE, None),  # 0 + not attempted (0)
    ):
        graded(student=student, case=one, assignment=assignment, lines=first)
        if second is not None:
            graded(student=student, case=two, assignment=assignment, lines=second)
    return assignment


def test_it_computes_each_cases_statistics_over_the_students_who_worked(people, worked):
    one, two = item_statistics(worked)
    assert (one.case.slug, one.students) == ("case-one", 4)
    assert one.difficulty == pytest.approx(270 / 400)
    assert two.difficulty == pytest.approx(100 / 400)
    # Groups of one: alice (200) above, sam2 (0) below.
    assert (one.discrimination, two.discrimination) == (1.0, 1.0)


def analysis_url(people, assignment) -> str:
    return reverse("teach:item_analysis", args=[people.cohort_a.pk, assignment.pk])


def test_it_shows_the_statistics_table_on_the_item_analysis_page(client, people, worked):
    client.force_login(people.ines)
    page = client.get(analysis_url(people, worked)).text
    table = page[page.index('id="case-statistics"') :].split("</section>")[0]
    assert "over the 4 active students who worked on the assignment" in table
    assert "0.68" in table and "0.25" in table and "1.00" in table


def test_it_runs_one_query_for_the_statistics_whatever_the_cohorts_size(people, worked):
    with CaptureQueriesContext(connection) as small:
        item_statistics(worked)
    case = worked.case_set.cases.first()
    for student in make_students(cohort=people.cohort_a, count=30, start=10):
        graded(student=student, case=case, assignment=worked, lines=RIGHT)
    with CaptureQueriesContext(connection) as big:
        assert item_statistics(worked)[0].students == 34
    assert len(big) == len(small) == 2  # the published cases, then a row per student and case


@pytest.mark.parametrize(("policy", "difficulty"), [("best", 1.0), ("last", 0.35)])
def test_it_counts_the_attempt_the_score_policy_counts(people, policy, difficulty):
    assignment, (case,) = assigned(cohort=people.cohort_a, score_policy=policy)
    (sam,) = make_students(cohort=people.cohort_a, count=1)
    for student, answers in ((people.alice, [RIGHT, WRONG_UNITS]), (sam, [RIGHT, WRONG_CODE])):
        for lines in answers:
            graded(student=student, case=case, assignment=assignment, lines=lines)
    (statistic,) = item_statistics(assignment)
    assert statistic.students == 2
    assert statistic.difficulty == pytest.approx(difficulty)  # best: 100, 100; last: 70, 0


@pytest.mark.parametrize(
    ("persona", "status"),
    [("alice", 403), ("bob", 403), ("igor", 404), ("sofia", 200), ("ines", 200), ("admin", 200)],
)
def test_it_shows_the_statistics_only_to_the_cohorts_staff(client, people, worked, persona, status):
    client.force_login(getattr(people, persona))
    response = client.get(analysis_url(people, worked))
    assert response.status_code == status
    assert ("Item statistics" in response.text) == (status == 200)
