# ruff: noqa: F811 - the imported `bank` fixture is named by the tests that use it
"""Importing a case bank shows first what it will create and replace (flagging cases students
still work on and cases the importer may not replace); nothing changes until confirmed."""

import json

import pytest
from django.urls import reverse

from clinic_coder.cases.models import Case, CaseSet
from tests.factories import make_assignment

from .test_views_exchange import bank, upload  # noqa: F401 - the fixture is used by name

pytestmark = pytest.mark.django_db


def exported(client) -> dict:
    return json.loads(client.get(reverse("cases:export_cases")).content)


def with_a_new_case(data: dict) -> dict:
    new = json.loads(json.dumps(data["cases"][0]))
    new["slug"], new["title"] = "brand-new", "Brand new"
    data["cases"].append(new)
    return data


def send(client, data: dict):
    content = json.dumps(data).encode()
    return client.post(reverse("cases:import_cases"), {"file": upload(content, "mine.json")})


def titles() -> list:
    return list(Case.objects.order_by("slug").values_list("slug", "title"))


def test_it_previews_what_it_would_create_and_replace_and_saves_nothing(client, people, bank):
    client.force_login(people.ines)
    data = with_a_new_case(exported(client))
    data["cases"][0]["title"] = "Heat, renamed"
    before = titles()
    response = send(client, data)
    assert response.url == reverse("cases:preview_case_import")
    page = client.get(response.url).text
    assert "Nothing has been saved yet. From <strong>mine.json</strong>, 4 cases" in page
    assert "1 new case to create" in page
    assert "3 existing cases to replace" in page
    assert "Heat, renamed" in page
    assert "Import 4 cases" in page
    assert titles() == before
    assert not Case.objects.filter(slug="brand-new").exists()


def test_it_imports_once_confirmed(client, people, bank):
    client.force_login(people.ines)
    data = with_a_new_case(exported(client))
    data["cases"][0]["title"] = "Heat, renamed"
    send(client, data)
    import_id = client.session["case-import"]["id"]
    response = client.post(reverse("cases:apply_case_import"), {"import_id": import_id})
    assert response.url == reverse("cases:case_list")
    assert Case.objects.get(slug="heat-only").title == "Heat, renamed"
    assert Case.objects.get(slug="brand-new").owner == people.ines
    # The same confirm again (a double click, the back button) changes nothing more.
    Case.objects.filter(slug="heat-only").update(title="Edited since")
    again = client.post(reverse("cases:apply_case_import"), {"import_id": import_id}, follow=True)
    assert "This preview is out of date or already imported; nothing changed." in again.text
    assert Case.objects.get(slug="heat-only").title == "Edited since"


def test_it_refuses_a_forged_or_stale_preview_id(client, people, bank):
    client.force_login(people.ines)
    data = exported(client)
    data["cases"][0]["title"] = "Heat, renamed"
    send(client, data)
    response = client.post(reverse("cases:apply_case_import"), {"import_id": "forged"}, follow=True)
    assert "This preview is out of date or already imported; nothing changed." in response.text
    assert Case.objects.get(slug="heat-only").title == "Heat only"
    # A newer upload replaces the preview: the older one's id no longer imports.
    old_id = client.session["case-import"]["id"]
    send(client, data)
    client.post(reverse("cases:apply_case_import"), {"import_id": old_id})
    assert Case.objects.get(slug="heat-only").title == "Heat only"


def test_it_flags_cases_students_can_still_work_on(client, people, bank):
    make_assignment(cohort=people.cohort_a, case_set=bank)
    client.force_login(people.ines)
    send(client, exported(client))
    page = client.get(reverse("cases:preview_case_import")).text
    assert "2 of them in an assignment students can still work on" in page
    assert "students can still work on it in Starters for Cohort A" in page
    assert page.count('class="table-warning"') == 2  # heat-only and tight-trapezius


def test_it_flags_cases_the_importer_may_not_replace_and_offers_no_import(client, people, bank):
    client.force_login(people.igor)
    data = exported(client)
    before = titles()
    send(client, data)
    page = client.get(reverse("cases:preview_case_import")).text
    assert "This file can't be imported by you" in page
    assert page.count("You may not replace it:</strong> it belongs to Ines Ito") == 3
    assert reverse("cases:apply_case_import") not in page
    import_id = client.session["case-import"]["id"]
    response = client.post(reverse("cases:apply_case_import"), {"import_id": import_id})
    assert response.status_code == 409
    assert titles() == before


def test_it_flags_a_case_set_someone_else_made(client, people, bank):
    CaseSet.objects.filter(slug="starters").update(created_by=people.ines)
    client.force_login(people.igor)
    data = json.loads(client.get(reverse("cases:export_cases"), {"set": "starters"}).content)
    for case in data["cases"]:
        case["slug"] = f"igors-{case['slug']}"
    data["case_sets"][0]["cases"] = [c["slug"] for c in data["cases"]]
    send(client, data)
    page = client.get(reverse("cases:preview_case_import")).text
    assert "another instructor made it" in page
    assert reverse("cases:apply_case_import") not in page


def test_it_cancels_a_pending_import(client, people, bank):
    client.force_login(people.ines)
    send(client, exported(client))
    response = client.post(reverse("cases:cancel_case_import"), follow=True)
    assert "Import cancelled; nothing changed." in response.text
    assert "case-import" not in client.session
    page = client.get(reverse("cases:preview_case_import"), follow=True)
    assert "There is no case file waiting to be imported" in page.text


def test_it_lists_every_error_without_a_preview(client, people, bank):
    client.force_login(people.ines)
    data = exported(client)
    data["cases"][0]["difficulty"] = "impossible"
    response = send(client, data)
    assert response.status_code == 200
    assert "Nothing was imported" in response.text
    assert "case-import" not in client.session


@pytest.mark.parametrize("persona", ["alice", "sofia"])
def test_it_refuses_students_and_supervisors(client, people, bank, persona):
    client.force_login(getattr(people, persona))
    assert client.get(reverse("cases:preview_case_import")).status_code == 403
    assert client.post(reverse("cases:apply_case_import"), {"import_id": "x"}).status_code == 403
    assert client.post(reverse("cases:cancel_case_import")).status_code == 403


def test_it_keeps_each_instructors_preview_to_themselves(client, people, bank):
    client.force_login(people.ines)
    data = exported(client)
    data["cases"][0]["title"] = "Heat, renamed"
    send(client, data)
    import_id = client.session["case-import"]["id"]
    client.force_login(people.igor)
    response = client.post(reverse("cases:apply_case_import"), {"import_id": import_id})
    assert response.url == reverse("cases:import_cases")
    assert Case.objects.get(slug="heat-only").title == "Heat only"
