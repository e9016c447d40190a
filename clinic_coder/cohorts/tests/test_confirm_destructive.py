"""Destructive actions on a cohort ask first: a page without JavaScript (the form arrives with
confirm=ask), a dialog with it (confirm=yes); outsiders are refused either way."""

import pytest
from django.urls import reverse

from tests.factories import make_user


@pytest.fixture
def urls(people):
    cohort = people.cohort_a
    return {
        "code": reverse("cohorts:regenerate_invite_code", args=[cohort.pk]),
        "supervisor": reverse("cohorts:remove_supervisor", args=[cohort.pk, people.sofia.pk]),
        "student": reverse("cohorts:deactivate_student", args=[cohort.pk, people.alice.pk]),
    }


def state(people) -> tuple:
    cohort = people.cohort_a
    cohort.refresh_from_db()
    return (
        cohort.invite_code,
        list(cohort.supervisors.all()),
        cohort.enrollments.get(student=people.alice).active,
    )


@pytest.mark.parametrize(
    ("what", "question"),
    [
        ("code", "Make a new invite code for Cohort A?"),
        ("supervisor", "Remove Sofia Soto as supervisor of Cohort A?"),
        ("student", "Deactivate Alice Archer in Cohort A?"),
    ],
)
def test_it_asks_first_and_changes_nothing_until_confirmed(client, people, urls, what, question):
    client.force_login(people.ines)
    before = state(people)
    response = client.post(urls[what], {"confirm": "ask"})
    assert response.status_code == 200
    assert question in response.text
    assert 'name="confirm" value="yes"' in response.text
    assert f'action="{urls[what]}"' in response.text
    assert state(people) == before
    assert client.post(urls[what], {"confirm": "yes"}).status_code == 302
    assert state(people) != before


def test_it_says_which_code_stops_working(client, people, urls):
    client.force_login(people.ines)
    response = client.post(urls["code"], {"confirm": "ask"})
    assert f"The code {people.cohort_a.invite_code} stops working at once" in response.text


def test_the_cohort_page_marks_each_destructive_form_for_the_dialog(client, people):
    client.force_login(people.ines)
    page = client.get(reverse("cohorts:cohort_detail", args=[people.cohort_a.pk])).text
    assert page.count('name="confirm" value="ask"') == 3
    assert 'data-confirm="Make a new invite code for Cohort A?"' in page
    assert 'data-confirm="Deactivate Alice Archer in Cohort A?"' in page


def test_it_reactivates_without_asking(client, people):
    people.cohort_a.enrollments.update(active=False)
    client.force_login(people.ines)
    url = reverse("cohorts:reactivate_student", args=[people.cohort_a.pk, people.alice.pk])
    assert client.post(url).status_code == 302
    assert people.cohort_a.enrollments.get(student=people.alice).active


@pytest.mark.parametrize(("persona", "status"), [("igor", 404), ("alice", 403), ("sofia", 403)])
@pytest.mark.parametrize("what", ["code", "supervisor", "student"])
def test_it_shows_outsiders_no_question(client, people, urls, persona, status, what):
    client.force_login(getattr(people, persona))
    before = state(people)
    for confirm in ("ask", "yes"):
        assert client.post(urls[what], {"confirm": confirm}).status_code == status
    assert state(people) == before


def test_it_asks_before_removing_a_co_editor(client, people):
    from tests.factories import make_case

    case = make_case(owner=people.ines)
    case.co_editors.add(people.igor)
    url = reverse("cases:case_co_editors", args=[case.slug])
    client.force_login(people.ines)
    response = client.post(url, {"remove": people.igor.pk, "confirm": "ask"})
    assert "Stop Igor Iles changing “Neck release”?" in response.text
    assert list(case.co_editors.all()) == [people.igor]
    client.post(url, {"remove": people.igor.pk, "confirm": "yes"})
    assert list(case.co_editors.all()) == []
    # A co-editor is not the owner: no question, no change.
    other = make_user(username="otto", role="instructor")
    case.co_editors.add(people.igor, other)
    client.force_login(people.igor)
    assert client.post(url, {"remove": other.pk, "confirm": "ask"}).status_code == 403
