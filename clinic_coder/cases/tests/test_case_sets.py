import pytest
from django.urls import reverse

from clinic_coder.cases.models import CaseSet
from clinic_coder.cases.tests.test_views_support import load_codes, make_case
from tests.factories import make_case_set


@pytest.fixture
def cases(people):
    load_codes()
    return [make_case(slug="b-case", title="B case"), make_case(slug="a-case", title="A case")]


def positions(form_cases, **chosen: int) -> dict:
    return {
        f"position_{case.pk}": chosen.get(case.slug.replace("-", "_"), "") for case in form_cases
    }


@pytest.mark.parametrize("url", ["cases:case_set_list", "cases:create_case_set"])
@pytest.mark.parametrize(("persona", "status"), [("alice", 403), ("sofia", 403), ("ines", 200),
                                                   ("admin", 200)])  # fmt: skip
def test_it_lets_only_instructors_and_admins_in(client, people, cases, url, persona, status):
    client.force_login(getattr(people, persona))
    assert client.get(reverse(url)).status_code == status


def test_it_sends_anonymous_visitors_to_login(client, cases):
    assert client.get(reverse("cases:case_set_list")).status_code == 302


def test_it_creates_a_set_with_cases_in_the_chosen_order(client, people, cases):
    client.force_login(people.ines)
    data = {"title": "Warm-up", "slug": "warm-up", "description": "Two to start."}
    response = client.post(
        reverse("cases:create_case_set"), data | positions(cases, a_case=2, b_case=1)
    )
    assert response.status_code == 302
    case_set = CaseSet.objects.get(slug="warm-up")
    assert [c.slug for c in case_set.ordered_cases()] == ["b-case", "a-case"]
    assert case_set.created_by == people.ines


def test_it_edits_the_order_and_drops_a_case(client, people, cases):
    make_case_set(slug="warm-up", cases=cases, created_by=people.ines)
    client.force_login(people.ines)
    data = {"title": "Warm-up", "slug": "warm-up", "description": ""}
    client.post(reverse("cases:edit_case_set", args=["warm-up"]), data | positions(cases, a_case=1))
    assert [c.slug for c in CaseSet.objects.get().ordered_cases()] == ["a-case"]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"title": "X", "slug": "Bad Slug"}, "Use lower-case letters"),
        ({"title": "", "slug": "x"}, "This field is required"),
        ({"title": "X", "slug": "x"}, "Give at least one case a position"),
    ],
)
def test_it_explains_a_bad_set_and_saves_nothing(client, people, cases, data, message):
    client.force_login(people.ines)
    response = client.post(reverse("cases:create_case_set"), data | positions(cases))
    assert response.status_code == 200
    assert message in response.text
    assert not CaseSet.objects.exists()


def test_it_refuses_a_position_that_is_not_a_number(client, people, cases):
    client.force_login(people.ines)
    data = {"title": "X", "slug": "x", f"position_{cases[0].pk}": "first"}
    response = client.post(reverse("cases:create_case_set"), data)
    assert "Enter a whole number" in response.text
    assert not CaseSet.objects.exists()


def test_it_refuses_students_changing_a_set(client, people, cases):
    make_case_set(slug="warm-up", cases=cases)
    client.force_login(people.alice)
    response = client.post(reverse("cases:edit_case_set", args=["warm-up"]), {"title": "Mine"})
    assert response.status_code == 403
    assert CaseSet.objects.get().title == "Basics"


# --- a set is its maker's: other instructors use it, never change it ---------------------------


@pytest.fixture
def ines_set(people, cases):
    return make_case_set(slug="ines-set", title="Ines's set", cases=cases, created_by=people.ines)


@pytest.mark.parametrize(("persona", "status"), [("ines", 200), ("admin", 200), ("igor", 403)])
def test_it_lets_only_the_sets_maker_and_admins_edit_it(
    client, people, cases, ines_set, persona, status
):
    client.force_login(getattr(people, persona))
    url = reverse("cases:edit_case_set", args=[ines_set.slug])
    assert client.get(url).status_code == status
    data = {"title": "Taken over", "slug": "ines-set", "description": ""}
    response = client.post(url, data | positions(cases, a_case=1))
    assert response.status_code == (302 if status == 200 else 403)
    ines_set.refresh_from_db()
    assert (ines_set.title == "Taken over") == (status == 200)


def test_it_offers_edit_only_on_sets_one_may_change(client, people, ines_set):
    edit = reverse("cases:edit_case_set", args=[ines_set.slug])
    client.force_login(people.igor)
    page = client.get(reverse("cases:case_set_list")).text
    assert "Ines&#x27;s set" in page and edit not in page
    client.force_login(people.ines)
    assert edit in client.get(reverse("cases:case_set_list")).text


def test_it_refuses_to_import_over_another_instructors_set(people, ines_set):
    from clinic_coder.cases.exchange import ImportFailed, export_bank, import_bank

    data = export_bank([], [ines_set])
    data["case_sets"][0]["title"] = "Igor's now"
    with pytest.raises(ImportFailed) as failed:
        import_bank(data, user=people.igor)
    assert any(
        "ines-set" in error and "another instructor" in error for error in failed.value.errors
    )
    ines_set.refresh_from_db()
    assert ines_set.title == "Ines's set"
