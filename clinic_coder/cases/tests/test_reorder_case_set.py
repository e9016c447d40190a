"""Reordering a case set: move a case up or down (plain forms), or post the whole order."""

import pytest
from django.urls import reverse

from tests.factories import make_case, make_case_set


@pytest.fixture
def case_set(people):
    cases = [make_case(slug=slug, title=slug.title()) for slug in ("one", "two", "three")]
    return make_case_set(cases=cases, created_by=people.ines)


def order_url(case_set) -> str:
    return reverse("cases:reorder_case_set", args=[case_set.slug])


def order(case_set) -> list[str]:
    return [item.case.slug for item in case_set.items.order_by("position")]


def ids(case_set, *slugs: str) -> list[str]:
    by_slug = {item.case.slug: str(item.case_id) for item in case_set.items.all()}
    return [by_slug[slug] for slug in slugs]


def focused(page: str) -> str:
    """The id of the button the page puts the keyboard on."""
    (button,) = [tag for tag in page.split("<button")[1:] if " autofocus" in tag.split(">")[0]]
    return button.split('id="')[1].split('"')[0]


def test_it_lists_the_cases_in_order_with_move_buttons(client, people, case_set):
    client.force_login(people.ines)
    page = client.get(order_url(case_set)).text
    assert page.index("One") < page.index("Two") < page.index("Three")
    assert 'aria-label="Move up: Two"' in page
    assert "js/reorder.js" in page


def test_it_moves_a_case_up_and_keeps_the_keyboard_on_it(client, people, case_set):
    client.force_login(people.ines)
    (three,) = ids(case_set, "three")
    response = client.post(order_url(case_set), {"move": three, "direction": "up"})
    assert order(case_set) == ["one", "three", "two"]
    assert response["Location"].endswith(f"?moved={three}&direction=up")
    page = client.get(response["Location"]).text
    assert focused(page) == f"move-up-{three}"


def test_it_moves_a_case_down_and_leaves_the_last_where_it_is(client, people, case_set):
    client.force_login(people.ines)
    one, three = ids(case_set, "one", "three")
    client.post(order_url(case_set), {"move": one, "direction": "down"})
    assert order(case_set) == ["two", "one", "three"]
    response = client.post(order_url(case_set), {"move": three, "direction": "down"})
    assert order(case_set) == ["two", "one", "three"]
    page = client.get(response["Location"]).text  # at the end: focus on its "Move up"
    assert focused(page) == f"move-up-{three}"


def test_it_saves_a_whole_new_order_as_dragging_sends_it(client, people, case_set):
    client.force_login(people.ines)
    new = ids(case_set, "three", "one", "two")
    response = client.post(
        order_url(case_set), {"order": new}, headers={"X-Requested-With": "fetch"}
    )
    assert response.status_code == 204
    assert order(case_set) == ["three", "one", "two"]


@pytest.mark.parametrize(
    "data",
    [
        {"order": ["1"]},
        {"order": ["x", "y", "z"]},
        {"move": "999999", "direction": "up"},
        {"move": "1", "direction": "sideways"},
        {},
    ],
)
def test_it_refuses_an_order_that_is_not_one_and_changes_nothing(client, people, case_set, data):
    client.force_login(people.ines)
    if data.get("order") == ["1"]:
        data = {"order": ids(case_set, "one", "one", "two")}
    response = client.post(order_url(case_set), data, follow=True)
    assert "Nothing was moved" in response.text
    assert order(case_set) == ["one", "two", "three"]


@pytest.mark.parametrize(
    ("persona", "status"), [("igor", 403), ("sofia", 403), ("alice", 403), ("admin", 302)]
)
def test_it_lets_only_the_sets_maker_and_admins_reorder(client, people, case_set, persona, status):
    client.force_login(getattr(people, persona))
    (three,) = ids(case_set, "three")
    response = client.post(order_url(case_set), {"move": three, "direction": "up"})
    assert response.status_code == status
    moved = ["one", "three", "two"]
    assert order(case_set) == (moved if status == 302 else ["one", "two", "three"])
    assert client.get(order_url(case_set)).status_code == (200 if status == 302 else status)
