"""Cases and assignments pick a payer profile from the built-ins and the instructor's own; a
case file names profiles by key, and an unknown key is a clear import error."""

import json
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from clinic_coder.cases.exchange import ImportFailed, import_bank, validate_bank
from clinic_coder.cases.models import Case
from clinic_coder.coding.profiles import PROFILES
from tests.factories import make_payer_profile

from .test_exchange import make_bank
from .test_views_support import form_data, load_codes, make_case

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def codes(db):
    load_codes()


def offered(page: str) -> set[str]:
    select = page.split('name="payer_profile"')[1].split("</select>")[0]
    return set(re.findall(r'<option value="([^"]*)"', select))


def test_the_case_editor_offers_the_built_ins_and_my_own(client, people):
    mine = make_payer_profile(owner=people.ines)
    make_payer_profile(owner=people.igor, name="Igor's")
    client.force_login(people.ines)
    page = client.get(reverse("cases:create_case")).text
    assert offered(page) == {*PROFILES, mine.key}
    assert '<optgroup label="Your own profiles">' in page


def test_a_case_saved_with_my_profile_names_it_by_key(client, people):
    mine = make_payer_profile(owner=people.ines)
    client.force_login(people.ines)
    response = client.post(reverse("cases:create_case"), form_data(payer_profile=mine.key))
    assert response.status_code == 302
    case = Case.objects.get(slug="tight-trapezius")
    assert case.payer_profile == mine.key
    assert case.payer_profile_name == "Strict payer"
    detail = client.get(reverse("cases:case_detail", args=[case.slug])).text
    assert "Strict payer" in detail


def test_another_instructors_profile_cannot_be_picked(client, people):
    theirs = make_payer_profile(owner=people.igor, name="Igor's")
    client.force_login(people.ines)
    response = client.post(reverse("cases:create_case"), form_data(payer_profile=theirs.key))
    assert response.status_code == 200
    assert "Select a valid choice" in response.text
    assert not Case.objects.exists()


def test_a_co_editor_keeps_the_owners_profile_on_a_case(client, people):
    theirs = make_payer_profile(owner=people.igor, name="Igor's")
    case = make_case(owner=people.igor, payer_profile=theirs.key)
    case.co_editors.add(people.ines)
    client.force_login(people.ines)
    page = client.get(reverse("cases:edit_case", args=[case.slug])).text
    assert theirs.key in offered(page)


def test_the_assignment_form_offers_the_built_ins_and_my_own(client, people):
    mine = make_payer_profile(owner=people.ines)
    make_payer_profile(owner=people.igor, name="Igor's")
    client.force_login(people.ines)
    page = client.get(reverse("cohorts:create_assignment", args=[people.cohort_a.pk])).text
    assert offered(page) == {"", *PROFILES, mine.key}


def test_an_import_naming_an_unknown_profile_says_so(people):
    errors = validate_bank(make_bank(payer_profile="blue-cross"), user=people.ines)
    assert len(errors) == 1
    assert "Case 1 (tight-trapezius), field 'payer_profile': unknown payer profile " in errors[0]
    assert "'blue-cross'" in errors[0] and "commercial-cms" in errors[0]
    with pytest.raises(ImportFailed):
        import_bank(make_bank(payer_profile="blue-cross"), user=people.ines)
    assert not Case.objects.exists()


def test_an_import_may_name_my_own_profile_but_not_anothers(people):
    mine = make_payer_profile(owner=people.ines)
    assert validate_bank(make_bank(payer_profile=mine.key), user=people.ines) == []
    assert (
        "unknown payer profile"
        in validate_bank(make_bank(payer_profile=mine.key), user=people.igor)[0]
    )
    import_bank(make_bank(payer_profile=mine.key), user=people.ines)
    assert Case.objects.get().payer_profile == mine.key


def test_an_export_names_the_profile_by_key_and_imports_again(client, people):
    mine = make_payer_profile(owner=people.ines)
    import_bank(make_bank(payer_profile=mine.key), user=people.ines)
    client.force_login(people.ines)
    exported = json.loads(client.get(reverse("cases:export_cases")).content)
    assert exported["cases"][0]["payer_profile"] == mine.key
    assert validate_bank(exported, user=people.ines) == []


def test_the_import_page_shows_an_unknown_profile_and_keeps_nothing(client, people):
    client.force_login(people.ines)
    upload = SimpleUploadedFile(
        "bank.json", json.dumps(make_bank(payer_profile="blue-cross")).encode()
    )
    response = client.post(reverse("cases:import_cases"), {"file": upload})
    assert response.status_code == 200
    assert "unknown payer profile &#x27;blue-cross&#x27;" in response.text
    assert "cases:preview" not in response.text
    assert not Case.objects.exists()
