import re

import pytest
from django.urls import reverse

from clinic_coder.practice.models import Draft
from tests.factories import answer_data, make_case


def url(case) -> str:
    return reverse("practice:play_case", args=[case.slug])


def test_it_sends_anonymous_visitors_to_login(client, case):
    response = client.get(url(case))
    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:login"))


@pytest.mark.parametrize("persona", ["ines", "sofia"])
def test_it_refuses_staff_who_are_not_students(client, people, case, persona):
    client.force_login(getattr(people, persona))
    assert client.get(url(case)).status_code == 403


def test_it_shows_the_note_with_concrete_minutes_and_no_key(client, people, case):
    client.force_login(people.alice)
    response = client.get(url(case))
    assert response.status_code == 200
    assert "Myofascial release, R upper trapezius, 24 min." in response.text
    assert "{mfr}" not in response.text
    assert "Teaching point" not in response.text
    assert "manual therapy, 97140" not in response.text  # no explanation of the key


def test_it_hides_draft_cases_from_students(client, people, case):
    draft = make_case(slug="unfinished", status="draft")
    client.force_login(people.alice)
    assert client.get(url(draft)).status_code == 404


def test_it_keeps_the_same_variant_on_reload(client, people, case):
    client.force_login(people.alice)
    client.get(url(case))
    client.get(url(case))
    assert Draft.objects.filter(student=people.alice, case=case).count() == 1


def test_it_restores_saved_lines_on_reload(client, people, case):
    client.force_login(people.alice)
    client.get(url(case))
    response = client.post(
        reverse("practice:edit_answer", args=[case.slug]) + "?autosave=1",
        answer_data([{"code": "97140", "minutes": "24", "units": "2", "modifiers": "gp"}]),
    )
    assert response.status_code == 204
    page = client.get(url(case)).text
    assert 'value="97140"' in page
    assert 'value="gp"' in page


def test_it_adds_a_line_as_an_htmx_fragment(client, people, case):
    client.force_login(people.alice)
    client.get(url(case))
    response = client.post(
        reverse("practice:edit_answer", args=[case.slug]),
        answer_data([{"code": "97140", "minutes": "24", "units": "2"}]) | {"action": "add"},
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 200
    assert "<html" not in response.text
    assert len(re.findall(r'name="form-\d+-code"', response.text)) == 2
    assert "autofocus" in response.text


def test_it_adds_a_line_with_a_plain_post(client, people, case):
    client.force_login(people.alice)
    client.get(url(case))
    response = client.post(
        reverse("practice:edit_answer", args=[case.slug]),
        answer_data([{"code": "97140", "minutes": "24", "units": "2"}]) | {"action": "add"},
    )
    assert "<html" in response.text
    assert len(re.findall(r'name="form-\d+-code"', response.text)) == 2


def test_it_removes_a_line(client, people, case):
    client.force_login(people.alice)
    client.get(url(case))
    lines = [{"code": "97140", "units": "2"}, {"code": "97010", "units": "1"}]
    client.post(
        reverse("practice:edit_answer", args=[case.slug]),
        answer_data(lines) | {"remove": "0"},
        headers={"HX-Request": "true"},
    )
    assert [row["code"] for row in Draft.objects.get().lines] == ["97010"]


def test_it_ignores_a_tampered_builder(client, people, case):
    client.force_login(people.alice)
    response = client.post(
        reverse("practice:edit_answer", args=[case.slug]), {"form-TOTAL_FORMS": "x"}
    )
    assert response.status_code == 302


def test_it_finds_codes_by_words(client, people, case):
    client.force_login(people.alice)
    response = client.get(
        reverse("practice:code_search"), {"q": "massage"}, headers={"HX-Request": "true"}
    )
    assert "97124" in response.text
    assert "<html" not in response.text
    response = client.get(reverse("practice:code_search"), {"q": "myofascial"})
    assert "97140" in response.text
    assert "<html" in response.text


def test_it_refuses_the_code_search_to_non_students(client, people, case):
    client.force_login(people.ines)
    assert client.get(reverse("practice:code_search"), {"q": "x"}).status_code == 403


def test_it_ignores_a_superscript_remove_index(client, people, case):
    client.force_login(people.alice)
    client.get(url(case))
    lines = [{"code": "97140", "units": "2"}, {"code": "97010", "units": "1"}]
    response = client.post(
        reverse("practice:edit_answer", args=[case.slug]),
        answer_data(lines) | {"remove": "²"},
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 200
    assert [row["code"] for row in Draft.objects.get().lines] == ["97140", "97010"]
