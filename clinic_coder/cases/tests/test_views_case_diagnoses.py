"""Writing a case's diagnoses in the editor: box 21, what each service treats, the preview."""

import pytest
from django.urls import reverse

from clinic_coder.cases.models import Case

from .test_views_support import form_data, load_codes, make_case

pytestmark = pytest.mark.django_db

WITH_DIAGNOSES = {
    "diagnoses_text": "m79.12 myalgia of the right upper trapezius\nM54.2 neck pain",
    "services-0-diagnoses": "M79.12 M54.2",
}


@pytest.fixture(autouse=True)
def codes(db):
    load_codes()


def test_it_saves_box_21_and_what_each_service_treats(client, people):
    client.force_login(people.ines)
    response = client.post(reverse("cases:create_case"), form_data(**WITH_DIAGNOSES))
    assert response.status_code == 302
    case = Case.objects.get(slug="tight-trapezius")
    assert case.diagnoses == [
        {"code": "M79.12", "documented": "myalgia of the right upper trapezius"},
        {"code": "M54.2", "documented": "neck pain"},
    ]
    assert case.services.get().diagnoses == ["M79.12", "M54.2"]
    page = client.get(reverse("cases:edit_case", args=[case.slug])).text
    assert "M79.12 myalgia of the right upper trapezius\nM54.2 neck pain" in page
    assert 'value="M79.12 M54.2"' in page


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"diagnoses_text": "M54.1 radiculopathy"}, "&#x27;M54.1&#x27; is not a code"),
        ({"diagnoses_text": "M54.2"}, "Line 1: the code, then the note"),
        ({"diagnoses_text": "M54.2 neck\nM54.2 again"}, "M54.2 is listed twice"),
        (
            {"diagnoses_text": "M54.2 neck pain", "services-0-diagnoses": "M25.511"},
            "Service 1 treats M25.511, which is not in the case",
        ),
        ({"diagnoses_text": "M54.2 neck", "services-0-diagnoses": "M54.2 M54.2"}, "once"),
    ],
)
def test_it_explains_a_bad_diagnosis_and_saves_nothing(client, people, overrides, message):
    client.force_login(people.ines)
    response = client.post(reverse("cases:create_case"), form_data(**overrides))
    assert response.status_code == 200
    assert message in response.text
    assert not Case.objects.exists()


def test_it_previews_the_key_with_its_pointers(client, people):
    client.force_login(people.ines)
    response = client.post(
        reverse("cases:preview_case"),
        form_data(**WITH_DIAGNOSES),
        headers={"HX-Request": "true"},
    )
    assert '<th scope="col">Pointers</th>' in response.text
    assert "<td>A B</td>" in response.text
    assert "<strong>M79.12</strong> myalgia of the right upper trapezius" in response.text


@pytest.mark.parametrize("who", ["alice", "sofia"])
def test_it_lets_no_student_or_supervisor_write_diagnoses(client, people, who):
    client.force_login(getattr(people, who))
    response = client.post(reverse("cases:create_case"), form_data(**WITH_DIAGNOSES))
    assert response.status_code == 403
    assert not Case.objects.exists()


def test_it_lets_only_the_owner_change_a_cases_diagnoses(client, people):
    case = make_case(owner=people.ines)
    other = people.ines.__class__.objects.create(username="other-instructor", role="instructor")
    client.force_login(other)
    response = client.post(
        reverse("cases:edit_case", args=[case.slug]), form_data(**WITH_DIAGNOSES)
    )
    assert response.status_code in (403, 404)
    case.refresh_from_db()
    assert case.diagnoses == []
