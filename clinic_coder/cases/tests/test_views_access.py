"""Who may use the case-authoring pages: instructors and admins only."""

import pytest
from django.urls import reverse

from .test_views_support import load_codes, make_case

GET_PAGES = [
    ("cases:case_list", False),
    ("cases:create_case", False),
    ("cases:export_cases", False),
    ("cases:import_cases", False),
    ("cases:case_detail", True),
    ("cases:edit_case", True),
    ("cases:student_preview", True),
]
POST_ACTIONS = [
    ("cases:preview_case", False),
    ("cases:add_service_row", False),
    ("cases:duplicate_case", True),
    ("cases:publish_case", True),
    ("cases:unpublish_case", True),
]
ALL_VIEWS = GET_PAGES + POST_ACTIONS


def url_of(name: str, needs_case: bool) -> str:
    return reverse(name, args=["tight-trapezius"]) if needs_case else reverse(name)


def request(client, name: str, needs_case: bool):
    url = url_of(name, needs_case)
    if (name, needs_case) in POST_ACTIONS:
        return client.post(url, {"services-TOTAL_FORMS": "1"})
    return client.get(url)


@pytest.fixture
def case(people):
    load_codes()
    return make_case(status="draft", owner=people.ines)


@pytest.mark.parametrize(("name", "needs_case"), ALL_VIEWS)
def test_it_sends_anonymous_visitors_to_login(client, case, name, needs_case):
    response = request(client, name, needs_case)
    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:login") + "?next=")


@pytest.mark.parametrize("persona", ["alice", "bob", "sofia"])
@pytest.mark.parametrize(("name", "needs_case"), ALL_VIEWS)
def test_it_forbids_students_and_supervisors(client, people, case, persona, name, needs_case):
    client.force_login(getattr(people, persona))
    response = request(client, name, needs_case)
    assert response.status_code == 403
    assert "tight-trapezius" not in response.text


@pytest.mark.parametrize("persona", ["ines", "igor", "admin"])
@pytest.mark.parametrize(("name", "needs_case"), GET_PAGES)
def test_it_opens_every_page_for_instructors_and_admins(
    client, people, case, persona, name, needs_case
):
    client.force_login(getattr(people, persona))
    response = client.get(url_of(name, needs_case))
    # Only the case's owner (Ines), its co-editors and admins may change it.
    assert response.status_code == (403 if (persona, name) == ("igor", "cases:edit_case") else 200)


@pytest.mark.parametrize("persona", ["ines", "admin"])
@pytest.mark.parametrize(("name", "needs_case"), POST_ACTIONS)
def test_it_lets_instructors_and_admins_post_every_action(
    client, people, case, persona, name, needs_case
):
    client.force_login(getattr(people, persona))
    response = request(client, name, needs_case)
    assert response.status_code in (200, 302)


@pytest.mark.parametrize(
    "name",
    [
        "cases:preview_case",
        "cases:add_service_row",
        "cases:duplicate_case",
        "cases:publish_case",
        "cases:unpublish_case",
    ],
)
def test_it_refuses_to_change_anything_on_get(client, people, case, name):
    client.force_login(people.ines)
    needs_case = name in ("cases:duplicate_case", "cases:publish_case", "cases:unpublish_case")
    response = client.get(url_of(name, needs_case))
    assert response.status_code == 405
