"""The gradebook's averages (per assignment and per student) and its sort by a student's mean,
all computed in the database whatever the cohort's size."""

import pytest
from django.urls import reverse

from clinic_coder.cohorts.models import Enrollment
from clinic_coder.progress.gradebook import (
    active_students,
    cohort_averages,
    cohort_cells,
    gradebook_assignments,
    gradebook_for,
)
from tests.factories import RIGHT, WRONG_CODE, WRONG_UNITS, assigned, graded, make_students


@pytest.fixture
def scored(people):
    """Alice: 100 and 0 (mean 50); Sam000: 70 and nothing (mean 70); Sam001: nothing."""
    first, (one,) = assigned(cohort=people.cohort_a, slugs=("neck-release",), set_slug="first")
    second, (two,) = assigned(cohort=people.cohort_a, slugs=("neck-again",), set_slug="second")
    sam0, _sam1 = make_students(cohort=people.cohort_a, count=2)
    graded(student=people.alice, case=one, assignment=first, lines=RIGHT)
    graded(student=people.alice, case=two, assignment=second, lines=WRONG_CODE)
    graded(student=sam0, case=one, assignment=first, lines=WRONG_UNITS)
    return first, second


def gradebook(client, people, **params) -> str:
    response = client.get(reverse("teach:gradebook", args=[people.cohort_a.pk]), params)
    assert response.status_code == 200
    return response.text


def rows(page: str) -> list[str]:
    return [cell.split("</th>")[0] for cell in page.split('<th scope="row">')[1:]]


def averages_row(page: str) -> list[str]:
    row = page[page.index('id="cohort-averages"') :].split("</tr>")[0]
    return [cell.split("</td>")[0] for cell in row.split("<td>")[1:]]


def test_it_shows_each_students_mean_over_the_assignments_attempted(client, people, scored):
    client.force_login(people.ines)
    page = gradebook(client, people)
    means = [cell.split("</td>")[0] for cell in page.split('<td class="student-mean">')[1:]]
    assert rows(page) == ["Alice Archer", "Sam Student000", "Sam Student001"]
    assert means[:2] == ["50", "70"]
    assert "nothing attempted" in means[2]


def test_it_averages_each_assignment_and_the_means_over_every_student(client, people, scored):
    client.force_login(people.ines)
    assert averages_row(gradebook(client, people)) == ["85.0", "0.0", "60.0"]
    # A search narrows the rows, never the cohort's averages.
    assert averages_row(gradebook(client, people, q="Student001")) == ["85.0", "0.0", "60.0"]


def test_it_sorts_by_the_mean_both_ways_with_nothing_attempted_last(client, people, scored):
    client.force_login(people.ines)
    assert rows(gradebook(client, people, sort="mean")) == [
        "Alice Archer", "Sam Student000", "Sam Student001",
    ]  # fmt: skip
    page = gradebook(client, people, sort="-mean")
    assert rows(page) == ["Sam Student000", "Alice Archer", "Sam Student001"]
    assert 'aria-sort="descending"' in page


def test_it_reads_the_cells_the_rows_show_for_every_student_at_once(people, scored):
    first, second = scored
    by_name = {s.pk: s.username for s in active_students(people.cohort_a)}
    cells = cohort_cells(people.cohort_a, [first, second])
    assert {by_name[pk]: row for pk, row in cells.items()} == {
        "alice": {first.pk: 100, second.pk: 0},
        "s000": {first.pk: 70},
    }  # s001 attempted nothing: no row


@pytest.mark.parametrize("sort", ["name", "mean", "-mean"])
def test_it_runs_no_more_queries_for_60_students_than_for_3(
    client, people, scored, sort, django_assert_max_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    first, _ = scored
    client.force_login(people.ines)
    with CaptureQueriesContext(connection) as small:
        gradebook(client, people, sort=sort)
    case = first.case_set.cases.get()
    for student in make_students(cohort=people.cohort_a, count=57, start=2):
        graded(student=student, case=case, assignment=first, lines=RIGHT)
    with django_assert_max_num_queries(len(small)):
        page = gradebook(client, people, sort=sort)
    assert len(rows(page)) == 60


@pytest.mark.parametrize(
    ("persona", "status"),
    [("alice", 403), ("bob", 403), ("igor", 404), ("sofia", 200), ("ines", 200), ("admin", 200)],
)
def test_it_shows_averages_and_sorts_by_mean_only_for_the_cohorts_staff(
    client, people, scored, persona, status
):
    client.force_login(getattr(people, persona))
    response = client.get(reverse("teach:gradebook", args=[people.cohort_a.pk]), {"sort": "-mean"})
    assert response.status_code == status
    assert ("Cohort average" in response.text) == (status == 200)


@pytest.mark.parametrize("policy", ["best", "last"])
def test_it_averages_what_the_rows_show_whatever_the_policy_and_retries(people, policy):
    """The averages pick the counted attempt in the database; they agree with the cells the
    rows show, with retries, several cases per assignment and a student who has left."""
    two_cases, (one, two) = assigned(
        cohort=people.cohort_a, slugs=("a-case", "b-case"), set_slug="pair", score_policy=policy
    )
    single, (three,) = assigned(cohort=people.cohort_a, slugs=("c-case",), set_slug="single")
    sam0, sam1, gone = make_students(cohort=people.cohort_a, count=3)
    for student, case, answers in [
        (people.alice, one, [RIGHT, WRONG_UNITS]),  # best 100, last 70
        (people.alice, two, [WRONG_CODE, RIGHT]),
        (sam0, one, [WRONG_UNITS, WRONG_CODE, WRONG_UNITS]),
        (sam1, two, [RIGHT]),
        (gone, one, [WRONG_CODE]),
    ]:
        for lines in answers:
            graded(student=student, case=case, assignment=two_cases, lines=lines)
    graded(student=sam1, case=three, assignment=single, lines=WRONG_UNITS)
    Enrollment.objects.filter(student=gone).update(active=False)

    assignments = gradebook_assignments(people.cohort_a)
    rows = gradebook_for(people.cohort_a, assignments=assignments).rows
    averages = cohort_averages(people.cohort_a, assignments)
    for assignment in assignments:
        cells = [c.score for row in rows for a, c in row.cells if a == assignment]
        scored = [score for score in cells if score is not None]
        assert averages.per_assignment[assignment.pk] == pytest.approx(sum(scored) / len(scored))
    means = [
        sum(s) / len(s)
        for row in rows
        if (s := [c.score for _, c in row.cells if c.score is not None])
    ]
    assert averages.overall == pytest.approx(sum(means) / len(means))
    assert averages.per_assignment[single.pk] == 70
    expected_pair = {"best": (100 + 35 + 50) / 3, "last": (85 + 35 + 50) / 3}[policy]
    assert averages.per_assignment[two_cases.pk] == pytest.approx(expected_pair)


@pytest.mark.parametrize("sort", ["mean", "-mean"])
def test_it_pages_a_sort_by_mean_with_every_student_once(client, people, scored, sort):
    """The order is worked out over every student; each page reads its own students."""
    first, _second = scored
    case = first.case_set.cases.get()
    extra = make_students(cohort=people.cohort_a, count=101, start=2)
    for student, lines in zip(extra[:3], (RIGHT, WRONG_CODE, WRONG_UNITS), strict=True):
        graded(student=student, case=case, assignment=first, lines=lines)
    client.force_login(people.ines)
    shown = rows(gradebook(client, people, sort=sort)) + rows(
        gradebook(client, people, sort=sort, page=2)
    )
    scored_order = [  # means: 100, 0, 70 for s002-s004; alice 50, s000 70
        "Sam Student003", "Alice Archer", "Sam Student000", "Sam Student004", "Sam Student002",
    ]  # fmt: skip
    if sort == "-mean":
        scored_order = scored_order[::-1]
        # equal means keep the name order in both directions
        scored_order[1:3] = ["Sam Student000", "Sam Student004"]
    unscored = ["Sam Student001"] + [f"Sam Student{n:03}" for n in range(5, 103)]
    assert shown == scored_order + unscored
