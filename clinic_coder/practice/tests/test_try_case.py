"""An instructor answers a case and the real grader marks it; nothing is stored anywhere."""

import pytest
from django.urls import reverse

from clinic_coder.cases.models import Case, CaseRevision
from clinic_coder.catalog.loading import load_catalog
from clinic_coder.practice.models import Attempt, Finding, MarkMistake, SkillChance
from tests.factories import answer_data, make_case


@pytest.fixture
def case(people):
    load_catalog()
    return make_case(owner=people.igor)  # another instructor's: every instructor may try it


def try_url(case, seed: int = 7) -> str:
    return reverse("practice:try_case", args=[case.slug]) + f"?seed={seed}"


def submit(client, case, lines, seed: int = 7):
    data = answer_data(lines, initial=4) | {"seed": str(seed)}
    for index in range(len(lines), 4):
        data |= {f"form-{index}-units": "1"}
    data["form-TOTAL_FORMS"] = "4"
    return client.post(reverse("practice:try_case", args=[case.slug]), data)


def test_it_shows_the_note_of_the_variant_and_an_answer_form(client, people, case):
    client.force_login(people.ines)
    page = client.get(try_url(case)).text
    assert "Myofascial release, R upper trapezius, 24 min." in page
    assert 'name="form-0-code"' in page and "Grade this answer" in page


def test_it_grades_a_right_answer_with_the_real_grader(client, people, case):
    client.force_login(people.ines)
    response = submit(client, case, [{"code": "97140", "minutes": 24, "units": 2}])
    assert response.status_code == 200
    assert "Score 100 / 100" in response.text
    assert "Nothing to correct" in response.text


def test_it_grades_a_wrong_answer_and_explains_it(client, people, case):
    client.force_login(people.ines)
    response = submit(client, case, [{"code": "97140", "minutes": 24, "units": 1}])
    assert "Score 70 / 100" in response.text
    assert "units: 1, the key has 2" in response.text
    assert 'id="preview-findings"' in response.text


def test_it_stores_nothing_anywhere(client, people, case):
    client.force_login(people.ines)
    submit(client, case, [{"code": "97124", "minutes": 24, "units": 2}])
    assert not Attempt.objects.exists()
    assert not Finding.objects.exists()
    assert not SkillChance.objects.exists()
    assert not MarkMistake.objects.exists()
    assert not CaseRevision.objects.exists()  # looking freezes no version of the case


def test_it_grades_a_draft_as_it_stands(client, people, case):
    Case.objects.filter(pk=case.pk).update(status=Case.Status.DRAFT)
    client.force_login(people.ines)
    response = submit(client, case, [{"code": "97140", "minutes": 24, "units": 2}])
    assert "Score 100 / 100" in response.text


def test_it_explains_a_bad_line_and_grades_nothing(client, people, case):
    client.force_login(people.ines)
    response = submit(client, case, [{"code": "ZZZZZ", "units": 1}])
    assert response.status_code == 422
    assert "ZZZZZ is not a code in the catalog" in response.text
    assert "Score" not in response.text


def test_it_links_from_the_student_preview(client, people, case):
    client.force_login(people.ines)
    page = client.get(reverse("cases:student_preview", args=[case.slug]) + "?seed=5").text
    assert reverse("practice:try_case", args=[case.slug]) + "?seed=5" in page


@pytest.mark.parametrize(
    ("persona", "status"),
    [("ines", 200), ("igor", 200), ("admin", 200), ("sofia", 403), ("alice", 403)],
)
def test_it_lets_only_instructors_try_a_case(client, people, case, persona, status):
    client.force_login(getattr(people, persona))
    assert client.get(try_url(case)).status_code == status
    response = submit(client, case, [{"code": "97140", "minutes": 24, "units": 2}])
    assert response.status_code == status
    assert ("Score 100" in response.text) == (status == 200)


def test_it_sends_anonymous_visitors_to_login(client, case):
    assert "/accounts/login/" in client.get(try_url(case))["Location"]
