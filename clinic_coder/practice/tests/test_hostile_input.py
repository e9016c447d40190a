"""Forged input to the player and the code search: no 500, and a draft never stores more
than an answer line could hold (PostgreSQL refuses NUL characters in jsonb and text)."""

from django.urls import reverse

from clinic_coder.practice.models import Draft
from tests.factories import answer_data


def test_it_searches_codes_with_a_nul_character_in_the_query(client, people, case):
    client.force_login(people.alice)
    response = client.get(reverse("practice:code_search"), {"q": "97\x0014"})
    assert response.status_code == 200


def test_it_keeps_a_draft_to_what_an_answer_line_holds(client, people, case):
    client.force_login(people.alice)
    lines = [{"code": "9" * 1_000_000, "minutes": "1\x002", "units": "\x00", "modifiers": "GP"}]
    url = reverse("practice:edit_answer", args=[case.slug]) + "?autosave=1"
    response = client.post(url, answer_data(lines))
    assert response.status_code == 204
    (row,) = Draft.objects.get(student=people.alice).lines
    assert row == {
        "code": "9" * 41,  # one more than the field takes (words fit in it)
        "minutes": "12",
        "units": "",
        "modifiers": "GP",
        "pointers": "",
    }


def test_it_keeps_a_drafts_box_21_to_what_a_diagnosis_holds(client, people, case):
    client.force_login(people.alice)
    data = answer_data([{"code": "97140", "pointers": "A\x00" + "B" * 100_000}])
    data |= {"dx-A": "M99\x00.03" + "9" * 100_000, "dx-C": "M54.50"}
    url = reverse("practice:edit_answer", args=[case.slug]) + "?autosave=1"
    assert client.post(url, data).status_code == 204
    draft = Draft.objects.get(student=people.alice)
    assert draft.diagnoses == ["M99.0399999", "", "M54.50"]
    assert len(draft.lines[0]["pointers"]) == 13


def test_it_refuses_a_submit_with_nul_characters_and_changes_no_score(client, people, case):
    client.force_login(people.alice)
    lines = [{"code": "97140\x00", "minutes": "24", "units": "1", "modifiers": "\x00"}]
    url = reverse("practice:submit_case", args=[case.slug])
    response = client.post(url, answer_data(lines, token="3f2b8e0e-4a5e-4b7e-9a53-b2a3c7f1d0aa"))
    assert response.status_code == 422
    assert not people.alice.attempts.exists()
