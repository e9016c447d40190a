import pytest
from django.urls import reverse

from clinic_coder.catalog.loading import load_catalog
from clinic_coder.catalog.models import ProcedureCode, current_catalog


@pytest.fixture
def catalog(people):
    load_catalog()


def test_it_sends_anonymous_visitors_to_login(client, catalog):
    assert client.get(reverse("catalog:code_catalog")).status_code == 302


@pytest.mark.parametrize(("persona", "status"), [("alice", 403), ("sofia", 403), ("ines", 200),
                                                   ("admin", 200)])  # fmt: skip
def test_it_lets_only_instructors_and_admins_in(client, people, catalog, persona, status):
    client.force_login(getattr(people, persona))
    assert client.get(reverse("catalog:code_catalog")).status_code == status


def test_it_adds_a_clinic_code_the_grader_then_knows(client, people, catalog):
    client.force_login(people.ines)
    response = client.post(
        reverse("catalog:code_catalog"),
        {"code": "19-nc", "descriptor": "No-charge visit", "timed": ""},
    )
    assert response.status_code == 302
    code = ProcedureCode.objects.get(code="19-NC")
    assert (code.family, code.clinic_internal, code.timed) == ("clinic", True, False)
    assert not current_catalog().get("19-NC").timed


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"code": "97140", "descriptor": "Again"}, "97140 is already in the catalog"),
        ({"code": "no spaces!", "descriptor": "Bad"}, "A code is 2-12 capital letters"),
        ({"code": "77-X", "descriptor": ""}, "This field is required"),
    ],
)
def test_it_explains_a_bad_code_and_saves_nothing(client, people, catalog, data, message):
    client.force_login(people.ines)
    before = ProcedureCode.objects.count()
    response = client.post(reverse("catalog:code_catalog"), data)
    assert response.status_code == 200
    assert message in response.text
    assert ProcedureCode.objects.count() == before


def test_it_refuses_students_adding_codes(client, people, catalog):
    client.force_login(people.alice)
    response = client.post(reverse("catalog:code_catalog"), {"code": "ZZ-1", "descriptor": "x"})
    assert response.status_code == 403
    assert not ProcedureCode.objects.filter(code="ZZ-1").exists()
