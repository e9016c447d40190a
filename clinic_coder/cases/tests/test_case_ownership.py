"""A case belongs to its author: other instructors read, use and duplicate it, never change
it; a case students are working on in an open assignment stays published."""

import datetime
import json

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from clinic_coder.cases.models import Case
from tests.factories import make_assignment, make_case_set

from .test_views_exchange import import_and_confirm, upload
from .test_views_support import form_data, load_codes, make_case


@pytest.fixture
def case(people):
    """Ines's published case, in cohort A's open assignment."""
    load_codes()
    case = make_case(owner=people.ines, status="published")
    make_assignment(cohort=people.cohort_a, case_set=make_case_set(cases=[case]))
    return case


def edit_data(case: Case, **overrides: str) -> dict:
    service = {"services-INITIAL_FORMS": "1", "services-0-id": str(case.services.get().pk)}
    return form_data(**service, **overrides)


def snapshot(case: Case) -> tuple:
    case.refresh_from_db()
    return (case.title, case.status, case.note, case.key_override, case.services.count())


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("cases:edit_case", form_data(title="Taken over")),
        ("cases:publish_case", {}),
        ("cases:unpublish_case", {}),
        ("cases:case_co_editors", {"username": "igor"}),
    ],
)
def test_it_refuses_another_instructor_any_change(client, people, case, name, data):
    before = snapshot(case)
    client.force_login(people.igor)
    response = client.post(reverse(name, args=[case.slug]), data)
    assert response.status_code == 403
    assert snapshot(case) == before
    assert client.get(reverse("cases:edit_case", args=[case.slug])).status_code == 403


def test_it_lets_another_instructor_read_and_duplicate_as_their_own(client, people, case):
    client.force_login(people.igor)
    page = client.get(reverse("cases:case_detail", args=[case.slug]))
    assert page.status_code == 200
    assert "Ines Ito" in page.text
    assert reverse("cases:edit_case", args=[case.slug]) not in page.text
    client.post(reverse("cases:duplicate_case", args=[case.slug]))
    copy = Case.objects.get(slug=f"{case.slug}-copy")
    assert copy.owner == people.igor
    assert client.get(reverse("cases:edit_case", args=[copy.slug])).status_code == 200


def test_it_lets_a_co_editor_change_the_case(client, people, case):
    client.force_login(people.ines)
    url = reverse("cases:case_co_editors", args=[case.slug])
    assert client.post(url, {"username": "igor"}).status_code == 302
    client.force_login(people.igor)
    response = client.post(reverse("cases:edit_case", args=[case.slug]), edit_data(case, title="B"))
    assert response.status_code == 302
    assert Case.objects.get(pk=case.pk).title == "B"
    client.force_login(people.ines)
    client.post(url, {"remove": str(people.igor.pk)})
    assert not case.co_editors.exists()


def test_it_lets_an_admin_change_any_case(client, people, case):
    client.force_login(people.admin)
    response = client.post(reverse("cases:edit_case", args=[case.slug]), edit_data(case, title="A"))
    assert response.status_code == 302
    assert Case.objects.get(pk=case.pk).title == "A"


def test_it_keeps_a_case_of_an_open_assignment_published(client, people, case):
    client.force_login(people.ines)
    response = client.post(reverse("cases:unpublish_case", args=[case.slug]), follow=True)
    assert "stays published: students still work on it in" in response.text
    assert "Cohort A" in response.text
    assert Case.objects.get(pk=case.pk).status == "published"


def test_it_unpublishes_once_every_assignment_is_past_due(client, people, case):
    later = timezone.now() + datetime.timedelta(days=30)
    with time_machine.travel(later):
        client.force_login(people.ines)
        client.post(reverse("cases:unpublish_case", args=[case.slug]))
    assert Case.objects.get(pk=case.pk).status == "draft"


def test_it_refuses_to_reimport_a_slug_someone_else_owns(client, people, case):
    client.force_login(people.igor)
    data = json.loads(client.get(reverse("cases:export_cases")).content)
    data["cases"][0]["title"] = "Replaced"
    before = snapshot(case)
    response = client.post(
        reverse("cases:import_cases"), {"file": upload(json.dumps(data).encode())}, follow=True
    )
    assert "the site&#x27;s case “Tight trapezius” belongs to Ines Ito" in response.text
    assert "You may not replace it:</strong> it belongs to Ines Ito" in response.text
    assert reverse("cases:apply_case_import") not in response.text
    # A confirm forged for the preview is checked again: nothing changes.
    import_id = client.session["case-import"]["id"]
    client.post(reverse("cases:apply_case_import"), {"import_id": import_id})
    assert snapshot(case) == before


def test_it_makes_the_importer_the_owner_of_new_cases(client, people, case):
    client.force_login(people.igor)
    data = json.loads(client.get(reverse("cases:export_cases")).content)
    data["cases"][0]["slug"] = "igors-trapezius"
    import_and_confirm(client, json.dumps(data).encode())
    assert Case.objects.get(slug="igors-trapezius").owner == people.igor
