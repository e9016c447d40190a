"""The code field keeps its word: typing words searches, the search offers codes to pick, and
each search result can be added to the claim."""

import json

from django.urls import reverse

from clinic_coder.practice.models import Draft
from tests.factories import answer_data


def play(case) -> str:
    return reverse("practice:play_case", args=[case.slug])


def edit(case) -> str:
    return reverse("practice:edit_answer", args=[case.slug])


def test_it_answers_words_in_the_code_field_with_matching_codes(client, people, case):
    client.force_login(people.alice)
    data = answer_data([{"code": "massage", "units": "1"}], token="x")
    page = client.post(reverse("practice:submit_case", args=[case.slug]), data).text
    assert "MASSAGE is not a code" not in page
    assert "&quot;massage&quot; is not a code, but these codes match it: 97124" in page


def test_it_names_the_matching_codes_when_words_are_saved(client, people, case):
    """Enter saves: words typed in a code field get their codes at once, not at the submit."""
    client.force_login(people.alice)
    client.get(play(case))
    data = answer_data([{"code": "massage", "units": "1"}]) | {"action": "save"}
    page = client.post(edit(case), data).text
    assert "Answer saved." in page
    assert "&quot;massage&quot; is not a code, but these codes match it: 97124" in page
    assert Draft.objects.get().lines[0]["code"] == "massage"  # kept as typed, to correct


def test_the_code_field_takes_words_longer_than_a_code(client, people, case):
    client.force_login(people.alice)
    assert 'maxlength="40"' in client.get(play(case)).text
    data = answer_data([{"code": "therapeutic exercise", "units": "1"}], token="x")
    page = client.post(reverse("practice:submit_case", args=[case.slug]), data).text
    assert "these codes match it: 97110 (" in page
    assert "97530" not in page.split("these codes match it:")[1].split("Type the code")[0]


def test_it_still_says_when_nothing_matches(client, people, case):
    client.force_login(people.alice)
    data = answer_data([{"code": "zzzz", "units": "1"}], token="x")
    page = client.post(reverse("practice:submit_case", args=[case.slug]), data).text
    assert "ZZZZ is not a code in the catalog, and no code matches it." in page


def test_it_offers_codes_as_json_for_the_combobox(client, people, case):
    client.force_login(people.alice)
    response = client.get(reverse("practice:code_search"), {"q": "graston", "format": "json"})
    found = json.loads(response.content)
    assert [c["code"] for c in found["codes"]] == ["97140"]
    response = client.get(reverse("practice:code_search"), {"q": "9714", "format": "json"})
    assert json.loads(response.content)["codes"][0]["code"] == "97140"
    client.force_login(people.ines)
    response = client.get(reverse("practice:code_search"), {"q": "x", "format": "json"})
    assert response.status_code == 403


def test_each_result_can_be_added_to_the_claim(client, people, case):
    client.force_login(people.alice)
    client.get(play(case))
    results = client.get(
        reverse("practice:code_search"),
        {"q": "massage", "claim": edit(case)},
        headers={"HX-Request": "true"},
    ).text
    assert 'form="answer-form"' in results
    assert f'formaction="{edit(case)}"' in results
    assert "Add 97124 to my claim" in results
    data = answer_data([{"code": "97140", "minutes": "24", "units": "2"}]) | {"add_code": "97124"}
    client.post(edit(case), data)
    assert [line["code"] for line in Draft.objects.get().lines] == ["97140", "97124"]


def test_the_search_page_adds_to_the_saved_claim_without_javascript(client, people, case):
    client.force_login(people.alice)
    client.post(edit(case), answer_data([{"code": "97140", "minutes": "24", "units": "2"}]))
    page = client.get(reverse("practice:code_search"), {"q": "massage", "claim": edit(case)}).text
    assert f'<form method="post" action="{edit(case)}">' in page
    response = client.post(edit(case), {"add_code": "97124"})
    assert response.status_code == 302
    assert [line["code"] for line in Draft.objects.get().lines] == ["97140", "97124"]


def test_it_ignores_a_forged_code_or_claim_address(client, people, case):
    client.force_login(people.alice)
    client.post(edit(case), {"add_code": "NOPE"})
    assert Draft.objects.get().lines == []
    page = client.get(
        reverse("practice:code_search"), {"q": "massage", "claim": "https://evil.example/x"}
    ).text
    assert "evil.example" not in page
    assert "to my claim" not in page


def test_the_search_box_comes_before_submit(client, people, case):
    client.force_login(people.alice)
    page = client.get(play(case)).text
    assert page.index('id="code-query"') < page.index(">Submit for grading</button>")


def test_the_search_page_leads_back_to_the_case_it_was_opened_from(client, people, case):
    client.force_login(people.alice)
    search = reverse("practice:code_search")
    page = client.get(search, {"q": "massage", "claim": edit(case)}).text
    assert f'<a href="{play(case)}">Back to the case</a>' in page
    page = client.get(search, {"q": "massage"}).text
    assert "Back to my practice" in page and "Back to the case" not in page
    page = client.get(search, {"q": "massage", "claim": "/practice/nowhere/"}).text
    assert "Back to my practice" in page
