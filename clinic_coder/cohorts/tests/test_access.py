"""Who may use the cohort management pages: the cohort's instructors and admins only."""

import pytest
from django.urls import reverse

from tests.factories import make_assignment, make_case_set

# (url name, needs which objects, method, status for the cohort's instructor and admins)
VIEWS = [
    ("cohorts:create_cohort", "", "get", 200),
    ("cohorts:cohort_detail", "cohort", "get", 200),
    ("cohorts:edit_cohort", "cohort", "get", 200),
    ("cohorts:regenerate_invite_code", "cohort", "post", 302),
    ("cohorts:add_supervisor", "cohort", "get", 200),
    ("cohorts:remove_supervisor", "cohort sofia", "post", 302),
    ("cohorts:add_student", "cohort", "get", 200),
    ("cohorts:deactivate_student", "cohort alice", "post", 302),
    ("cohorts:reactivate_student", "cohort alice", "post", 302),
    ("cohorts:import_roster", "cohort", "get", 200),
    ("cohorts:preview_roster_import", "cohort", "get", 302),
    ("cohorts:apply_roster_import", "cohort", "post", 302),
    ("cohorts:cancel_roster_import", "cohort", "post", 302),
    ("cohorts:create_assignment", "cohort", "get", 200),
    ("cohorts:assignment_detail", "assignment", "get", 200),
    ("cohorts:edit_assignment", "assignment", "get", 200),
    ("cohorts:extend_due_date", "assignment", "post", 400),
    ("cohorts:edit_override", "assignment alice", "get", 200),
]
IDS = [name for name, *_ in VIEWS]


@pytest.fixture
def assignment(people):
    return make_assignment(cohort=people.cohort_a, case_set=make_case_set())


def call(client, people, assignment, view):
    name, needs, method, _ = view
    objects = {
        "cohort": people.cohort_a.pk,
        "assignment": assignment.pk,
        "alice": people.alice.pk,
        "sofia": people.sofia.pk,
    }
    url = reverse(name, args=[objects[key] for key in needs.split()])
    return client.post(url) if method == "post" else client.get(url)


@pytest.mark.parametrize("view", VIEWS, ids=IDS)
def test_it_sends_anonymous_visitors_to_login(client, people, assignment, view):
    response = call(client, people, assignment, view)
    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:login") + "?next=")


@pytest.mark.parametrize("persona", ["alice", "sofia"])
@pytest.mark.parametrize("view", VIEWS, ids=IDS)
def test_it_forbids_students_and_supervisors(client, people, assignment, persona, view):
    client.force_login(getattr(people, persona))
    response = call(client, people, assignment, view)
    assert response.status_code == 403


@pytest.mark.parametrize("view", [v for v in VIEWS if v[1]], ids=[n for n, w, *_ in VIEWS if w])
def test_it_hides_other_instructors_cohorts(client, people, assignment, view):
    code = people.cohort_a.invite_code
    client.force_login(people.igor)
    response = call(client, people, assignment, view)
    assert response.status_code == 404
    people.cohort_a.refresh_from_db()
    assert people.cohort_a.invite_code == code
    assert people.cohort_a.supervisors.filter(pk=people.sofia.pk).exists()
    assert people.cohort_a.enrollments.get().active


@pytest.mark.parametrize("persona", ["ines", "admin"])
@pytest.mark.parametrize("view", VIEWS, ids=IDS)
def test_it_lets_in_the_cohorts_instructor_and_admins(client, people, assignment, persona, view):
    client.force_login(getattr(people, persona))
    response = call(client, people, assignment, view)
    assert response.status_code == view[3]


def test_it_lets_only_students_join_with_a_code(client, people):
    url = reverse("cohorts:join_cohort")
    assert client.get(url).url.startswith(reverse("accounts:login"))
    for persona, status in [("alice", 200), ("admin", 200), ("ines", 403), ("sofia", 403)]:
        client.force_login(getattr(people, persona))
        assert client.get(url).status_code == status, persona


def test_it_refuses_get_on_actions(client, people):
    client.force_login(people.ines)
    url = reverse("cohorts:regenerate_invite_code", args=[people.cohort_a.pk])
    assert client.get(url).status_code == 405
