"""The roster a page of students at a time, searched and sorted on the server."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from clinic_coder.cohorts.models import Enrollment
from clinic_coder.paging import STUDENTS_PER_PAGE
from tests.factories import make_students, make_user


def roster_url(cohort, **params: object) -> str:
    query = "&".join(f"{key}={value}" for key, value in params.items())
    return reverse("cohorts:cohort_detail", args=[cohort.pk]) + (f"?{query}" if query else "")


def roster_names(page: str) -> list[str]:
    """The students' names in the roster's row headers, in order."""
    rows = page.split('<th scope="row"><a href="')[1:]
    return [row.split('">', 1)[1].split("</a>")[0] for row in rows]


def test_it_shows_the_101st_student_on_page_2(client, people):
    make_students(cohort=people.cohort_a, count=STUDENTS_PER_PAGE)  # and Alice: 101
    client.force_login(people.ines)

    first = roster_names(client.get(roster_url(people.cohort_a)).text)
    second = client.get(roster_url(people.cohort_a, page=2)).text

    assert len(first) == STUDENTS_PER_PAGE
    assert first[0] == "Alice Archer"
    assert roster_names(second) == ["Sam Student099"]
    assert '<nav aria-label="Pages of the roster">' in second
    assert 'href="?page=2" aria-current="page"' in second


def test_it_lists_deactivated_students_after_the_active_ones_on_every_sort(client, people):
    make_students(cohort=people.cohort_a, count=2)
    Enrollment.objects.filter(student=people.alice).update(active=False)
    client.force_login(people.ines)
    ascending = roster_names(client.get(roster_url(people.cohort_a)).text)
    descending = roster_names(client.get(roster_url(people.cohort_a, sort="-name")).text)
    assert ascending == ["Sam Student000", "Sam Student001", "Alice Archer"]
    assert descending == ["Sam Student001", "Sam Student000", "Alice Archer"]


def test_it_narrows_the_roster_to_students_matching_the_search(client, people):
    make_students(cohort=people.cohort_a, count=3)
    dora = make_user(username="dd", first_name="Dora", last_name="Dunn")
    Enrollment.objects.create(cohort=people.cohort_a, student=dora, active=False)
    client.force_login(people.ines)

    def found(q: str) -> list[str]:
        return roster_names(client.get(roster_url(people.cohort_a, q=q)).text)

    assert found("dunn") == ["Dora Dunn"]  # deactivated students can be found too
    assert found("s002") == ["Sam Student002"]
    assert found("sam+student00") == ["Sam Student000", "Sam Student001", "Sam Student002"]
    assert found("bob") == []  # another cohort's student
    page = client.get(roster_url(people.cohort_a, q="nobody")).text
    assert 'No student matches "nobody".' in page
    assert "No students yet" not in page
    assert 'id="student-search" name="q" value="nobody"' in page


def test_it_sorts_the_roster_by_name_both_ways_with_aria_sort(client, people):
    make_students(cohort=people.cohort_a, count=2)
    client.force_login(people.ines)
    ascending = client.get(roster_url(people.cohort_a)).text
    descending = client.get(roster_url(people.cohort_a, sort="-name")).text
    assert roster_names(ascending) == ["Alice Archer", "Sam Student000", "Sam Student001"]
    assert roster_names(descending) == ["Sam Student001", "Sam Student000", "Alice Archer"]
    assert '<th scope="col" aria-sort="ascending"><a href="?sort=-name">' in ascending
    assert '<th scope="col" aria-sort="descending"><a href="?sort=name">' in descending


@pytest.mark.parametrize(("param", "value"), [("page", "9"), ("page", "x"), ("sort", "email")])
def test_it_falls_back_to_page_1_by_name(client, people, param, value):
    make_students(cohort=people.cohort_a, count=1)
    client.force_login(people.ines)
    response = client.get(roster_url(people.cohort_a, **{param: value}))
    assert response.status_code == 200
    assert roster_names(response.text) == ["Alice Archer", "Sam Student000"]


def test_it_runs_the_same_queries_for_3_and_for_110_students(
    client, people, django_assert_max_num_queries
):
    client.force_login(people.ines)
    addresses = [roster_url(people.cohort_a), roster_url(people.cohort_a, page=2, q="sam")]
    make_students(cohort=people.cohort_a, count=2)
    small = []
    for address in addresses:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(address).status_code == 200
        small.append(len(queries))
    make_students(cohort=people.cohort_a, count=108, start=2)
    for address, queries in zip(addresses, small, strict=True):
        with django_assert_max_num_queries(queries):
            assert client.get(address).status_code == 200


def test_it_keeps_the_page_when_a_student_is_deactivated(client, people):
    students = make_students(cohort=people.cohort_a, count=STUDENTS_PER_PAGE + 1)
    client.force_login(people.ines)
    page = client.get(roster_url(people.cohort_a, page=2, q="sam")).text
    toggle = reverse("cohorts:deactivate_student", args=[people.cohort_a.pk, students[-1].pk])
    assert f'hx-post="{toggle}?page=2&amp;q=sam"' in page

    fragment = client.post(f"{toggle}?page=2&q=sam", headers={"HX-Request": "true"}).text
    assert roster_names(fragment) == ["Sam Student100"]
    assert "Deactivated Sam Student100." in fragment

    response = client.post(f"{toggle.replace('deactivate', 'reactivate')}?page=2&q=sam")
    assert response.url == roster_url(people.cohort_a, page=2, q="sam")


@pytest.mark.parametrize(
    ("persona", "status"),
    [("alice", 403), ("sofia", 403), ("igor", 404), ("ines", 200), ("admin", 200)],
)
def test_it_lets_only_the_cohorts_instructors_page_the_roster(client, people, persona, status):
    make_students(cohort=people.cohort_a, count=STUDENTS_PER_PAGE)
    client.force_login(getattr(people, persona))
    response = client.get(roster_url(people.cohort_a, page=2, q="sam", sort="-name"))
    assert response.status_code == status
    if status != 200:
        assert "Sam Student" not in response.text
