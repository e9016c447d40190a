"""The instructor's view of a case, and the preview of what a student reads."""

import pytest
from django.urls import reverse

from clinic_coder.cases.models import Case

from .test_views_support import HOT_PACK, load_codes, make_case

pytestmark = pytest.mark.django_db


@pytest.fixture
def case(db):
    load_codes()
    return make_case(services=[HOT_PACK, {"key": "mt", "technique": "graston",
                                          "regions": ["cervical"], "minutes_low": 9,
                                          "minutes_high": 30}],
                     note="Hot pack {hp} min, then Graston {mt} min.")  # fmt: skip


def test_it_shows_the_note_services_and_key_of_a_seed(client, people, case):
    client.force_login(people.ines)
    variant = case.variant(7)
    response = client.get(reverse("cases:case_detail", args=[case.slug]), {"seed": 7})
    assert "Hot pack {hp} min, then Graston {mt} min." in response.text
    assert variant.note in response.text
    assert "9-30 min" in response.text
    assert '<th scope="row">97140</th>' in response.text
    assert "How the key is derived" in response.text
    assert variant.expected.steps[0].message in response.text


def test_it_uses_seed_one_by_default_and_for_a_bad_seed(client, people, case):
    client.force_login(people.ines)
    url = reverse("cases:case_detail", args=[case.slug])
    assert client.get(url).context["variant"].seed == 1
    response = client.get(url, {"seed": "banana"})
    assert response.status_code == 200
    assert response.context["variant"].seed == 1
    assert "Enter a whole number. Showing seed 1." in response.text


def test_it_explains_a_case_the_engine_cannot_code(client, people, case):
    case.services.filter(key="mt").update(technique="spinal_cmt", regions=["head"])
    client.force_login(people.ines)
    response = client.get(reverse("cases:case_detail", args=[case.slug]))
    assert response.status_code == 200
    assert "The key cannot be derived" in response.text
    assert "spinal CMT needs at least one spinal region" in response.text


def test_it_sends_htmx_only_the_variant(client, people, case):
    client.force_login(people.ines)
    response = client.get(
        reverse("cases:case_detail", args=[case.slug]), {"seed": 3}, headers={"HX-Request": "true"}
    )
    assert case.variant(3).note in response.text
    assert "Documented services" not in response.text
    assert "<html" not in response.text


def test_it_shows_the_student_the_note_with_minutes_and_no_key(client, people, case):
    client.force_login(people.ines)
    response = client.get(reverse("cases:student_preview", args=[case.slug]), {"seed": 5})
    assert case.variant(5).note in response.text
    assert "{mt}" not in response.text
    assert "<h1" in response.text and case.title in response.text
    for secret in ("97140", "97010", "Documented services", "How the key is derived", "graston"):
        assert secret not in response.text
    assert "Another variant" in response.text


def test_it_sends_htmx_only_the_students_note(client, people, case):
    client.force_login(people.ines)
    response = client.get(
        reverse("cases:student_preview", args=[case.slug]),
        {"seed": 2},
        headers={"HX-Request": "true"},
    )
    assert case.variant(2).note in response.text
    assert "Another variant" not in response.text
    assert "<html" not in response.text


@pytest.mark.parametrize("persona", ["alice", "bob"])
@pytest.mark.parametrize("status", ["draft", "published"])
def test_it_never_shows_a_student_a_case_or_its_key(client, people, case, persona, status):
    Case.objects.update(status=status)
    client.force_login(getattr(people, persona))
    for name in ("cases:case_detail", "cases:student_preview", "cases:edit_case"):
        response = client.get(reverse(name, args=[case.slug]))
        assert response.status_code == 403
        assert "97140" not in response.text and case.title not in response.text


def test_it_says_not_found_for_an_unknown_case(client, people, case):
    client.force_login(people.ines)
    assert client.get(reverse("cases:case_detail", args=["no-such-case"])).status_code == 404
    assert client.get(reverse("cases:student_preview", args=["no-such-case"])).status_code == 404
