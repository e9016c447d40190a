"""The case list: search and filters for instructors, fragments for htmx."""

import pytest
from django.urls import reverse

from .test_views_support import HOT_PACK, load_codes, make_case

pytestmark = pytest.mark.django_db


@pytest.fixture
def cases(people):
    load_codes()
    return {
        "trapezius": make_case(slug="tight-trapezius", status="published"),
        "heat": make_case(
            slug="heat-only",
            title="Heat only",
            note="Hot pack to the neck while the patient rests.",
            services=[HOT_PACK],
            skills=["untimed-codes"],
            difficulty="core",
        ),
    }


def listed(response) -> list[str]:
    return [case.slug for case in response.context["cases"]]


def test_it_lists_every_case_with_status_difficulty_and_payer(client, people, cases):
    client.force_login(people.ines)
    response = client.get(reverse("cases:case_list"))
    assert sorted(listed(response)) == ["heat-only", "tight-trapezius"]
    assert "Published" in response.text and "Draft" in response.text
    assert "Introductory" in response.text and "Core" in response.text
    assert "Commercial payer, units per code" in response.text


def test_it_searches_titles_and_note_text(client, people, cases):
    client.force_login(people.ines)
    assert listed(client.get(reverse("cases:case_list"), {"q": "HEAT"})) == ["heat-only"]
    assert listed(client.get(reverse("cases:case_list"), {"q": "upper trapezius"})) == [
        "tight-trapezius"
    ]


def test_it_filters_by_a_code_in_the_derived_key(client, people, cases):
    client.force_login(people.ines)
    assert listed(client.get(reverse("cases:case_list"), {"code": "97140"})) == ["tight-trapezius"]
    assert listed(client.get(reverse("cases:case_list"), {"code": " 97010 "})) == ["heat-only"]
    assert listed(client.get(reverse("cases:case_list"), {"code": "99999"})) == []


def test_it_filters_by_skill_difficulty_and_status(client, people, cases):
    client.force_login(people.ines)
    url = reverse("cases:case_list")
    assert listed(client.get(url, {"skill": "untimed-codes"})) == ["heat-only"]
    assert listed(client.get(url, {"difficulty": "core"})) == ["heat-only"]
    assert listed(client.get(url, {"status": "published"})) == ["tight-trapezius"]
    assert listed(client.get(url, {"status": "draft", "difficulty": "intro"})) == []


def test_it_explains_a_bad_filter_and_applies_the_others(client, people, cases):
    client.force_login(people.ines)
    response = client.get(reverse("cases:case_list"), {"skill": "juggling", "status": "draft"})
    assert response.status_code == 200
    assert "Select a valid choice" in response.text
    assert listed(response) == ["heat-only"]


def test_it_skips_a_case_the_engine_cannot_code_when_filtering_by_code(client, people, cases):
    make_case(slug="broken", services=[{**HOT_PACK, "technique": "spinal_cmt", "key": "x"}])
    client.force_login(people.ines)
    response = client.get(reverse("cases:case_list"), {"code": "97010"})
    assert response.status_code == 200
    assert listed(response) == ["heat-only"]


def test_it_sends_only_the_results_to_htmx(client, people, cases):
    client.force_login(people.ines)
    response = client.get(reverse("cases:case_list"), {"q": "heat"}, headers={"HX-Request": "true"})
    assert "1 case found." in response.text
    assert "<html" not in response.text
    assert "Find cases" not in response.text
    assert response["Vary"] and "HX-Request" in response["Vary"]
