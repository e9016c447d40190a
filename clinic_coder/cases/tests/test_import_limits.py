"""Case-bank import refuses, with a message naming where, what the editor would refuse:
deep nesting, huge numbers, NUL characters, over-long text, reserved slugs and wrong types."""

import json

import pytest
from django.urls import reverse

from clinic_coder.cases.exchange import RESERVED_SLUGS
from clinic_coder.cases.models import Case, CaseSet

from .test_views_exchange import bank, upload  # noqa: F401 - the fixture is used by name

pytestmark = pytest.mark.django_db


def exported(client) -> dict:
    return json.loads(client.get(reverse("cases:export_cases"), {"set": "starters"}).content)


def post(client, content: bytes):
    return client.post(reverse("cases:import_cases"), {"file": upload(content)})


def unchanged() -> list:
    return list(Case.objects.values_list("slug", "title", "note")) + list(
        CaseSet.objects.values_list("slug", "title", "description")
    )


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"[" * 100_000 + b"]" * 100_000, "nested too deeply"),
        (b'{"version": ' + b"9" * 5000 + b"}", "a number no case needs"),
        (b'{"version": NaN}', "a number no case needs"),
        (b'{"a": ' + b"[" * 40 + b"]" * 40 + b"}", "nested too deeply for a case bank"),
    ],
)
def test_it_explains_a_file_no_case_bank_can_be(client, people, bank, content, message):  # noqa: F811
    client.force_login(people.ines)
    before = unchanged()
    response = post(client, content)
    assert response.status_code == 200
    assert message in response.text
    assert unchanged() == before


def test_it_names_a_case_set_entry_that_is_not_a_slug(client, people, bank):  # noqa: F811
    client.force_login(people.ines)
    data = exported(client)
    data["case_sets"][0]["cases"] = [["heat-only"], {"slug": "heat-only"}, "heat-only"]
    before = unchanged()
    response = post(client, json.dumps(data).encode())
    assert "Case set 1, field &#x27;cases&#x27;, entry 1: a case slug." in response.text
    assert "Case set 1, field &#x27;cases&#x27;, entry 2: a case slug." in response.text
    assert unchanged() == before


def test_it_refuses_a_description_that_is_not_text(client, people, bank):  # noqa: F811
    client.force_login(people.ines)
    data = exported(client)
    data["case_sets"][0]["description"] = ["x"]
    response = post(client, json.dumps(data).encode())
    assert "Case set 1, field &#x27;description&#x27;: text" in response.text
    assert CaseSet.objects.get(slug="starters").description == ""


@pytest.mark.parametrize("slug", sorted(RESERVED_SLUGS))
def test_it_refuses_a_slug_reserved_for_a_page(client, people, bank, slug):  # noqa: F811
    client.force_login(people.ines)
    data = exported(client)
    data["cases"][0]["slug"] = slug
    data["case_sets"][0]["cases"][0] = slug
    response = post(client, json.dumps(data).encode())
    assert f"field &#x27;slug&#x27;: &#x27;{slug}&#x27; is reserved" in response.text
    assert not Case.objects.filter(slug=slug).exists()


def test_it_refuses_nul_characters_naming_the_field(client, people, bank):  # noqa: F811
    client.force_login(people.ines)
    data = exported(client)
    data["cases"][0]["title"] = "Heat\x00"
    data["cases"][1]["services"][0]["remarks"] = "\x00"
    before = unchanged()
    response = post(client, json.dumps(data).encode())
    assert "field &#x27;title&#x27;: contains a NUL character" in response.text
    assert "field &#x27;remarks&#x27;: contains a NUL character" in response.text
    assert unchanged() == before


def test_it_refuses_over_long_text_without_echoing_it(client, people, bank):  # noqa: F811
    client.force_login(people.ines)
    data = exported(client)
    data["cases"][0]["title"] = "T" * 1_000_000
    before = unchanged()
    response = post(client, json.dumps(data).encode())
    assert "field &#x27;title&#x27;: at most 20000 characters of text" in response.text
    assert len(response.content) < 100_000
    assert unchanged() == before


def test_it_refuses_a_title_longer_than_its_column(client, people, bank):  # noqa: F811
    client.force_login(people.ines)
    data = exported(client)
    data["cases"][1]["title"] = "T" * 161
    response = post(client, json.dumps(data).encode())
    assert "field &#x27;title&#x27;: at most 160 characters" in response.text


def test_it_refuses_a_service_key_longer_than_the_column(client, people, bank):  # noqa: F811
    client.force_login(people.ines)
    data = exported(client)
    data["cases"][0]["services"][0]["key"] = "k" * 31
    data["cases"][0]["note"] = "Heat {" + "k" * 31 + "} min."
    response = post(client, json.dumps(data).encode())
    assert "service 1, field &#x27;key&#x27;" in response.text


def test_reserved_slugs_cover_every_fixed_page_under_cases() -> None:
    from clinic_coder.cases import urls

    fixed = {
        str(pattern.pattern).split("/")[0]
        for pattern in urls.urlpatterns
        if "<" not in str(pattern.pattern).split("/")[0] and str(pattern.pattern)
    }
    assert fixed <= RESERVED_SLUGS


def test_it_says_not_found_for_a_forged_slug_in_a_query(client, people, bank):  # noqa: F811
    client.force_login(people.ines)
    assert client.get(reverse("cases:export_cases"), {"set": "a\x00"}).status_code == 404
    assert client.get(reverse("cases:export_cases"), {"set": "a" * 100_000}).status_code == 404
    preview = reverse("cases:preview_case") + "?case=%00"
    assert client.post(preview, {}).status_code == 404
