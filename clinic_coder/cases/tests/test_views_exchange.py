"""Export a case bank as a JSON download and import one from an upload."""

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from clinic_coder.cases.models import Case, CaseSet, CaseSetItem, DocumentedService

from .test_views_support import HOT_PACK, load_codes, make_case

pytestmark = pytest.mark.django_db


@pytest.fixture
def bank(people):
    load_codes()
    owner = {"owner": people.ines}
    trapezius = make_case(slug="tight-trapezius", status="published", **owner)
    heat = make_case(
        slug="heat-only", title="Heat only", note="Heat.", services=[HOT_PACK], **owner
    )
    make_case(slug="not-in-the-set", title="Not in the set", **owner)
    case_set = CaseSet.objects.create(slug="starters", title="Starters")
    CaseSetItem.objects.create(case_set=case_set, case=heat, position=0)
    CaseSetItem.objects.create(case_set=case_set, case=trapezius, position=1)
    return case_set


def upload(content: bytes, name: str = "bank.json") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/json")


def import_and_confirm(client, content: bytes):
    """Upload a case bank, then confirm its preview, as an instructor does."""
    response = client.post(reverse("cases:import_cases"), {"file": upload(content)})
    assert response.url == reverse("cases:preview_case_import"), response.text[:500]
    import_id = client.session["case-import"]["id"]
    return client.post(reverse("cases:apply_case_import"), {"import_id": import_id}, follow=True)


def test_it_exports_every_case_as_a_download(client, people, bank):
    client.force_login(people.ines)
    response = client.get(reverse("cases:export_cases"))
    assert response["Content-Type"].startswith("application/json")
    assert response["Content-Disposition"] == 'attachment; filename="clinic-coder-cases.json"'
    data = json.loads(response.content)
    assert [c["slug"] for c in data["cases"]] == ["heat-only", "not-in-the-set", "tight-trapezius"]
    assert data["case_sets"] == []


def test_it_exports_one_case_set_with_its_cases(client, people, bank):
    client.force_login(people.ines)
    response = client.get(reverse("cases:export_cases"), {"set": "starters"})
    assert response["Content-Disposition"] == 'attachment; filename="starters.json"'
    data = json.loads(response.content)
    assert [c["slug"] for c in data["cases"]] == ["heat-only", "tight-trapezius"]
    assert data["case_sets"][0]["cases"] == ["heat-only", "tight-trapezius"]


def test_it_says_not_found_for_an_unknown_set(client, people, bank):
    client.force_login(people.ines)
    assert client.get(reverse("cases:export_cases"), {"set": "nope"}).status_code == 404


def test_it_round_trips_export_import_export(client, people, bank):
    client.force_login(people.ines)
    exported = client.get(reverse("cases:export_cases"), {"set": "starters"}).content
    Case.objects.all().delete()
    CaseSet.objects.all().delete()
    response = import_and_confirm(client, exported)
    assert "2 new cases, 0 updated, 1 case set" in response.text
    assert client.get(reverse("cases:export_cases"), {"set": "starters"}).content == exported
    assert Case.objects.get(slug="heat-only").created_by == people.ines


def test_it_updates_cases_that_exist_by_slug(client, people, bank):
    client.force_login(people.ines)
    data = json.loads(client.get(reverse("cases:export_cases")).content)
    data["cases"][0]["title"] = "Heat, renamed"
    response = import_and_confirm(client, json.dumps(data).encode())
    assert "0 new cases, 3 updated" in response.text
    assert Case.objects.get(slug="heat-only").title == "Heat, renamed"


def test_it_lists_every_error_by_case_line_and_field_and_saves_nothing(client, people, bank):
    client.force_login(people.ines)
    data = json.loads(client.get(reverse("cases:export_cases")).content)
    data["cases"][0]["title"] = "Heat, renamed"
    data["cases"][1]["difficulty"] = "impossible"
    data["cases"][2]["services"][0]["minutes"] = [30, 10]
    data["cases"].append({"slug": "Bad Slug"})
    before = DocumentedService.objects.count()
    response = client.post(
        reverse("cases:import_cases"), {"file": upload(json.dumps(data).encode())}
    )
    assert response.status_code == 200
    assert "Nothing was imported" in response.text
    assert "Case 2 (not-in-the-set), field &#x27;difficulty&#x27;" in response.text
    assert "Case 3 (tight-trapezius), service 1, field &#x27;minutes&#x27;" in response.text
    assert "Case 4 (Bad Slug), field &#x27;title&#x27;: required text." in response.text
    assert len(response.context["errors"]) >= 4
    assert Case.objects.get(slug="heat-only").title == "Heat only"
    assert Case.objects.count() == 3
    assert DocumentedService.objects.count() == before


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"this is not json", "This is not valid JSON: Expecting value at line 1, column 1."),
        (b"\xff\xfe\x00garbage", "This is not a JSON file: it is not UTF-8 text."),
        (b'{"cases": [', "This is not valid JSON"),
        (b"", "The submitted file is empty."),
        (b'["a list"]', "The file must hold a JSON object"),
    ],
)
def test_it_explains_a_file_that_is_not_a_case_bank(client, people, bank, content, message):
    client.force_login(people.ines)
    response = client.post(reverse("cases:import_cases"), {"file": upload(content)})
    assert response.status_code == 200
    assert message in response.text
    assert Case.objects.count() == 3


def test_it_refuses_a_file_over_two_megabytes(client, people, bank):
    client.force_login(people.ines)
    big = b'{"padding": "' + b"x" * (2 * 1024 * 1024) + b'"}'
    response = client.post(reverse("cases:import_cases"), {"file": upload(big)})
    assert "the limit is 2 MB" in response.text
    assert Case.objects.count() == 3


def test_it_asks_for_a_file_when_none_is_sent(client, people, bank):
    client.force_login(people.ines)
    response = client.post(reverse("cases:import_cases"), {})
    assert "This field is required." in response.text
