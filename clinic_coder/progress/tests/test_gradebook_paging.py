"""The gradebook and the heatmap a page of students at a time, searched and sorted on the server."""

import csv
import datetime
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from clinic_coder.cohorts.models import Enrollment
from clinic_coder.paging import STUDENTS_PER_PAGE
from clinic_coder.progress.gradebook import (
    active_students,
    gradebook_assignments,
    gradebook_for,
    students_in_order,
)
from tests.factories import (
    NOW,
    RIGHT,
    WRONG_CODE,
    WRONG_UNITS,
    assigned,
    graded,
    make_students,
    make_user,
)

PAGES = ["teach:gradebook", "teach:heatmap"]


def url(name: str, cohort, **params: object) -> str:
    query = "&".join(f"{key}={value}" for key, value in params.items())
    return reverse(name, args=[cohort.pk]) + (f"?{query}" if query else "")


def student_rows(page: str) -> list[str]:
    """The names in the row headers of the page's table, in order."""
    return [cell.split("</th>")[0] for cell in page.split('<th scope="row">')[1:]]


def enrol(cohort, username: str, first_name: str, last_name: str):
    student = make_user(username=username, first_name=first_name, last_name=last_name)
    Enrollment.objects.create(cohort=cohort, student=student)
    return student


@pytest.fixture
def basics(people):
    """An assignment of two cases to cohort A: (assignment, cases)."""
    return assigned(cohort=people.cohort_a, slugs=("neck-release", "neck-again"))


# --- paging ------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", PAGES)
def test_it_shows_the_101st_student_on_page_2(client, people, basics, name):
    make_students(cohort=people.cohort_a, count=STUDENTS_PER_PAGE)  # and Alice: 101
    client.force_login(people.ines)

    first = client.get(url(name, people.cohort_a)).text
    second = client.get(url(name, people.cohort_a, page=2)).text

    assert len(student_rows(first)) == STUDENTS_PER_PAGE
    assert student_rows(first)[0] == "Alice Archer"
    assert student_rows(second) == ["Sam Student099"]
    assert "Sam Student099" not in first
    assert "Students 101-101 (101 in all)" in second


@pytest.mark.parametrize("name", PAGES)
def test_it_marks_the_pager_up_for_assistive_technology(client, people, basics, name):
    make_students(cohort=people.cohort_a, count=STUDENTS_PER_PAGE + 1)
    client.force_login(people.ines)
    page = client.get(url(name, people.cohort_a, page=2, q="s", sort="-name")).text
    pager = page.split('<nav aria-label="Pages of the ')[1].split("</nav>")[0]
    assert 'href="?page=1&amp;q=s&amp;sort=-name" rel="prev"' in pager
    assert 'href="?page=2&amp;q=s&amp;sort=-name" aria-current="page"' in pager
    assert pager.count("aria-current") == 1


@pytest.mark.parametrize("name", PAGES)
def test_it_shows_no_pager_for_one_page(client, people, basics, name):
    client.force_login(people.ines)
    page = client.get(url(name, people.cohort_a)).text
    assert '<nav aria-label="Pages of the' not in page
    assert "Students 1-1 (1 in all)" in page


@pytest.mark.parametrize("name", PAGES)
@pytest.mark.parametrize("page", ["0", "-1", "3", "two", "1.5", "99999999999999999999"])
def test_it_shows_page_1_for_a_page_that_is_not_one(client, people, basics, name, page):
    make_students(cohort=people.cohort_a, count=2)
    client.force_login(people.ines)
    response = client.get(url(name, people.cohort_a, page=page))
    assert response.status_code == 200
    assert student_rows(response.text) == ["Alice Archer", "Sam Student000", "Sam Student001"]


# --- search ------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", PAGES)
def test_it_narrows_the_students_to_those_matching_the_search(client, people, basics, name):
    make_students(cohort=people.cohort_a, count=3)
    enrol(people.cohort_a, "dd", "Dora", "Dunn")
    client.force_login(people.ines)

    def found(q: str) -> list[str]:
        return student_rows(client.get(url(name, people.cohort_a, q=q)).text)

    assert found("dunn") == ["Dora Dunn"]
    assert found("S001") == ["Sam Student001"]  # the username, in any case
    assert found("ali+arch") == ["Alice Archer"]  # every word matches a name or the username
    assert found("ali+dunn") == []
    page = client.get(url(name, people.cohort_a, q="nobody")).text
    assert student_rows(page) == []
    assert 'No student matches "nobody".' in page


@pytest.mark.parametrize("name", PAGES)
def test_it_searches_with_a_labelled_get_form_keeping_the_sort(client, people, basics, name):
    client.force_login(people.ines)
    page = client.get(url(name, people.cohort_a, q="ali", sort="-name", page=1)).text
    form = page.split('<form method="get" role="search"')[1].split("</form>")[0]
    assert '<label for="student-search"' in form
    assert 'id="student-search" name="q" value="ali"' in form
    assert '<input type="hidden" name="sort" value="-name">' in form
    assert 'name="page"' not in form  # a new search starts at page 1


@pytest.mark.parametrize("name", PAGES)
def test_it_never_finds_students_of_another_cohort_or_inactive_ones(client, people, basics, name):
    gone = enrol(people.cohort_a, "gone", "Gone", "Away")
    Enrollment.objects.filter(student=gone).update(active=False)
    client.force_login(people.ines)
    for q in ("bob", "gone"):
        assert student_rows(client.get(url(name, people.cohort_a, q=q)).text) == []


# --- sort --------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", PAGES)
def test_it_sorts_by_name_both_ways(client, people, basics, name):
    make_students(cohort=people.cohort_a, count=2)
    client.force_login(people.ines)
    names = ["Alice Archer", "Sam Student000", "Sam Student001"]

    ascending = client.get(url(name, people.cohort_a)).text
    descending = client.get(url(name, people.cohort_a, sort="-name")).text

    assert student_rows(ascending) == names
    assert student_rows(descending) == names[::-1]
    assert '<th scope="col" aria-sort="ascending"><a href="?sort=-name">' in ascending
    assert '<th scope="col" aria-sort="descending"><a href="?sort=name">' in descending


@pytest.fixture
def scored(people, basics):
    """Students with different scores on the two-case assignment."""
    assignment, (first, second) = basics
    dora = enrol(people.cohort_a, "dora", "Dora", "Dunn")
    enrol(people.cohort_a, "emil", "Emil", "Eck")
    finn = enrol(people.cohort_a, "finn", "Finn", "Fox")
    for student, case, lines in [
        (people.alice, first, RIGHT),
        (people.alice, second, WRONG_UNITS),  # (100 + 70) / 2 = 85
        (dora, first, WRONG_UNITS),  # (70 + 0) / 2 = 35
        (finn, first, WRONG_CODE),
        (finn, second, WRONG_CODE),  # 0
    ]:
        graded(student=student, case=case, assignment=assignment, lines=lines)
    return assignment  # Emil: nothing attempted


def test_it_sorts_the_gradebook_by_an_assignments_score_both_ways(client, people, scored):
    other, _ = assigned(cohort=people.cohort_a, slugs=("neck-third",), set_slug="more")
    client.force_login(people.ines)
    key = f"a{scored.pk}"

    ascending = client.get(url("teach:gradebook", people.cohort_a, sort=key)).text
    descending = client.get(url("teach:gradebook", people.cohort_a, sort=f"-{key}")).text

    # Nothing attempted sorts last either way.
    assert student_rows(ascending) == ["Finn Fox", "Dora Dunn", "Alice Archer", "Emil Eck"]
    assert student_rows(descending) == ["Alice Archer", "Dora Dunn", "Finn Fox", "Emil Eck"]
    assert ascending.count("aria-sort=") == 1
    assert f'aria-sort="ascending">\n        <a href="?sort=-{key}">Basics' in ascending
    assert f'aria-sort="descending">\n        <a href="?sort={key}">Basics' in descending
    assert f'<a href="?sort=a{other.pk}">More' in ascending


def test_it_breaks_ties_in_a_score_by_name(client, people, basics, scored):
    assignment, (first, _) = basics
    for username in ("zed", "abe"):
        student = enrol(people.cohort_a, username, username.title(), "Tie")
        graded(student=student, case=first, assignment=assignment, lines=WRONG_CODE)
    client.force_login(people.ines)
    page = client.get(url("teach:gradebook", people.cohort_a, sort=f"-a{assignment.pk}")).text
    # 85, 35, then three at 0 by name, then nothing attempted.
    assert student_rows(page)[1:] == ["Dora Dunn", "Finn Fox", "Abe Tie", "Zed Tie", "Emil Eck"]


@pytest.mark.parametrize("policy", ["best", "last"])
def test_it_scores_in_sql_as_the_gradebook_cells_do(people, policy):
    assignment, (a, b, c) = assigned(
        cohort=people.cohort_a, slugs=("a-case", "b-case", "c-case"), score_policy=policy
    )
    histories = {  # case by case, oldest first; 100, 70 and 0 over three cases: means to round
        "alice": [(a, RIGHT), (a, WRONG_UNITS), (b, WRONG_CODE)],
        "dora": [(a, WRONG_UNITS), (b, RIGHT), (b, WRONG_CODE), (c, RIGHT)],
        "emil": [(b, WRONG_UNITS)],
        "finn": [(a, RIGHT), (a, WRONG_CODE), (a, WRONG_UNITS), (b, WRONG_UNITS)],
        "gwen": [],
    }
    for username, history in histories.items():
        student = people.alice if username == "alice" else enrol(people.cohort_a, username, "", "")
        for minutes, (case, lines) in enumerate(history):
            now = NOW + datetime.timedelta(minutes=minutes)
            graded(student=student, case=case, assignment=assignment, lines=lines, now=now)
    assignments = gradebook_assignments(people.cohort_a)

    students = students_in_order(
        active_students(people.cohort_a), "a", assignment, cohort=people.cohort_a,
        assignments=assignments,
    )  # fmt: skip

    cells = {
        row.student.username: row.cells[0][1].score
        for row in gradebook_for(people.cohort_a, assignments=assignments).rows
    }
    assert {s.username: s.assignment_score for s in students} == cells
    assert cells["gwen"] is None
    # (100 + 70) / 3 rounds up to 57 for the best; (70 + 70) / 3 to 47 for the last.
    assert cells["finn"] == (57 if policy == "best" else 47)


@pytest.mark.parametrize("name", PAGES)
@pytest.mark.parametrize("sort", ["score", "a", "-a", "a999999", "-", "--name", "name%20", ""])
def test_it_sorts_by_name_for_a_sort_that_is_not_one(client, people, scored, name, sort):
    client.force_login(people.ines)
    response = client.get(url(name, people.cohort_a, sort=sort))
    assert response.status_code == 200
    assert student_rows(response.text) == ["Alice Archer", "Dora Dunn", "Emil Eck", "Finn Fox"]


def test_it_does_not_sort_the_heatmap_by_a_score(client, people, scored):
    client.force_login(people.ines)
    page = client.get(url("teach:heatmap", people.cohort_a, sort=f"-a{scored.pk}")).text
    assert student_rows(page) == ["Alice Archer", "Dora Dunn", "Emil Eck", "Finn Fox"]


# --- the database pages ------------------------------------------------------------------------


def count_queries(client, address: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(address).status_code == 200
    return len(queries)


@pytest.mark.parametrize("name", PAGES)
def test_it_runs_the_same_queries_for_3_and_for_110_students(
    client, people, basics, name, django_assert_max_num_queries
):
    assignment, (first, second) = basics
    client.force_login(people.ines)
    addresses = [
        url(name, people.cohort_a),
        url(name, people.cohort_a, page=2, q="sam", sort="-name"),
        url(name, people.cohort_a, sort=f"-a{assignment.pk}"),
    ]

    def grade(students) -> None:
        for student in students:
            graded(student=student, case=first, assignment=assignment, lines=WRONG_UNITS)
            graded(student=student, case=second, assignment=assignment, lines=RIGHT)

    grade(make_students(cohort=people.cohort_a, count=2))
    small = [count_queries(client, address) for address in addresses]
    grade(make_students(cohort=people.cohort_a, count=4, start=2))
    make_students(cohort=people.cohort_a, count=104, start=6)
    for address, queries in zip(addresses, small, strict=True):
        with django_assert_max_num_queries(queries):
            assert client.get(address).status_code == 200


def test_it_reads_students_and_their_attempts_for_the_page_only(client, people, basics):
    assignment, (case, _) = basics
    students = make_students(cohort=people.cohort_a, count=STUDENTS_PER_PAGE)
    for student in (people.alice, students[-1]):
        graded(student=student, case=case, assignment=assignment, lines=RIGHT)
    client.force_login(people.ines)
    with CaptureQueriesContext(connection) as queries:
        page = client.get(url("teach:gradebook", people.cohort_a, page=2)).text
    assert student_rows(page) == ["Sam Student099"]
    sql = [query["sql"] for query in queries]
    assert any("LIMIT 1 OFFSET 100" in statement for statement in sql)  # one on page 2
    reads = [s for s in sql if 'FROM "practice_attempt"' in s and "score" in s]
    # The cohort's averages: the database picks the attempt that counts, one row per student
    # and case, in one grouped query over every student.
    (grouped,) = [s for s in reads if "GROUP BY" in s]
    assert 'MAX("practice_attempt"."score")' in grouped
    # The page itself reads attempts for its one student, not a subquery.
    (page_reads,) = [s for s in reads if "GROUP BY" not in s]
    assert f"IN ({students[-1].pk})" in page_reads


def test_it_exports_every_student_in_the_gradebook_csv_not_a_page(client, people, basics):
    make_students(cohort=people.cohort_a, count=STUDENTS_PER_PAGE + 5)
    client.force_login(people.ines)
    response = client.get(url("teach:export_gradebook", people.cohort_a, page=2, q="s001"))
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert len(rows) == 1 + 1 + STUDENTS_PER_PAGE + 5


# --- who may -----------------------------------------------------------------------------------


@pytest.mark.parametrize("name", PAGES)
@pytest.mark.parametrize(
    ("persona", "status"),
    [("alice", 403), ("bob", 403), ("igor", 404), ("sofia", 200), ("ines", 200), ("admin", 200)],
)
def test_it_lets_only_the_cohorts_staff_page_search_and_sort(
    client, people, basics, name, persona, status
):
    make_students(cohort=people.cohort_a, count=STUDENTS_PER_PAGE)
    client.force_login(getattr(people, persona))
    response = client.get(url(name, people.cohort_a, page=2, q="sam", sort="-name"))
    assert response.status_code == status
    if status != 200:
        assert "Sam Student" not in response.text


@pytest.mark.parametrize("name", PAGES)
def test_it_sends_anonymous_visitors_to_login(client, people, name):
    response = client.get(url(name, people.cohort_a, page=2))
    assert response.status_code == 302
    assert "/accounts/login/" in response.url
