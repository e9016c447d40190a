"""The answer builder's box 21 and pointers: who may use them, what is kept, what is graded."""

import re

import pytest
from django.urls import reverse

from clinic_coder.catalog.loading import load_catalog
from clinic_coder.practice.models import Attempt, Draft
from tests.factories import answer_data, make_case, make_case_set

DIAGNOSES = [
    {"code": "M79.12", "documented": "myalgia of the neck muscles"},
    {"code": "M25.511", "documented": "right shoulder pain"},
]


@pytest.fixture
def dx_case(people):
    """One 24-minute myofascial release of the neck (97140 x2), graded on diagnoses."""
    load_catalog()
    case = make_case(slug="neck-and-shoulder", diagnoses=DIAGNOSES)
    case.services.update(diagnoses=["M79.12"])
    make_case_set(cases=[case])
    return case


def token_of(client, case) -> str:
    page = client.get(reverse("practice:play_case", args=[case.slug])).text
    return re.search(r'name="token" value="([^"]+)"', page).group(1)


def submit(client, case, lines, diagnoses):
    token = token_of(client, case)
    data = answer_data(lines, token=token, diagnoses=diagnoses)
    return client.post(reverse("practice:submit_case", args=[case.slug]), data)


RIGHT = [{"code": "97140", "minutes": "24", "units": "2", "pointers": "A"}]


def test_it_shows_box_21_and_pointers_to_a_student_on_a_case_with_diagnoses(
    client, people, dx_case
):
    client.force_login(people.alice)
    page = client.get(reverse("practice:play_case", args=[dx_case.slug])).text
    assert "Diagnoses (box 21)" in page
    assert 'name="dx-A"' in page and 'name="dx-L"' in page
    assert 'name="form-0-pointers"' in page
    assert '<option value="M25.511">M25.511 Pain in right shoulder</option>' in page


def test_it_shows_no_box_21_on_a_case_without_diagnoses(client, people, case):
    client.force_login(people.alice)
    page = client.get(reverse("practice:play_case", args=[case.slug])).text
    assert "Diagnoses (box 21)" not in page
    assert 'name="form-0-pointers"' not in page


@pytest.mark.parametrize("who", ["ines", "sofia"])
def test_it_lets_no_one_but_a_student_open_the_builder(client, people, dx_case, who):
    client.force_login(getattr(people, who))
    response = client.get(reverse("practice:play_case", args=[dx_case.slug]))
    assert response.status_code == 403


def test_it_sends_a_visitor_to_log_in(client, dx_case):
    response = client.get(reverse("practice:play_case", args=[dx_case.slug]))
    assert response.status_code == 302 and "/accounts/login/" in response.url


def test_it_grades_and_keeps_box_21_and_the_pointers(client, people, dx_case):
    client.force_login(people.alice)
    response = submit(client, dx_case, RIGHT, ["m7912"])
    attempt = Attempt.objects.get()
    assert response.status_code == 302
    assert attempt.diagnoses == ["M79.12"]
    assert attempt.lines.get().pointers == ["A"]
    # 97140 right, box 21 missing the shoulder (0.5 + 0.2), pointers right: 27 of 30 tenths.
    assert attempt.score == 90
    assert [m["code"] for m in attempt.marks] == ["97140", "Box 21", "24E"]
    feedback = client.get(attempt.get_absolute_url()).text
    assert "pointing to A" in feedback
    assert "<strong>M25.511</strong> Pain in right shoulder" in feedback  # the key's box 21
    assert "right shoulder pain" in feedback  # in the note's words
    assert "The note documents M25.511" in feedback


def test_it_refuses_a_diagnosis_not_in_the_list_and_keeps_what_was_typed(client, people, dx_case):
    client.force_login(people.alice)
    response = submit(client, dx_case, RIGHT, ["z9999"])
    assert response.status_code == 422
    assert "Z99.99 is not a code in the diagnosis list" in response.text
    assert not Attempt.objects.exists()
    assert Draft.objects.get().diagnoses == ["z9999"]


def test_it_lets_the_grader_explain_an_incomplete_code(client, people, dx_case):
    client.force_login(people.alice)
    response = submit(client, dx_case, RIGHT, ["M79.1"])
    assert response.status_code == 302
    finding = Attempt.objects.get().findings.get(rule_id="dx-specificity")
    assert "M79.1 is a category, not a billable code" in finding.message


@pytest.mark.parametrize(
    ("pointers", "message"),
    [
        ("Z", "Z: a pointer is a letter from A to L"),
        ("A A", "Give each pointer once."),
        ("ABCDE", "A line points to at most 4 diagnoses."),
    ],
)
def test_it_refuses_a_pointer_that_is_not_one(client, people, dx_case, pointers, message):
    client.force_login(people.alice)
    lines = [{"code": "97140", "minutes": "24", "units": "2", "pointers": pointers}]
    response = submit(client, dx_case, lines, ["M79.12"])
    assert response.status_code == 422
    assert message in response.text
    assert not Attempt.objects.exists()


def test_it_lets_the_grader_judge_a_pointer_to_an_empty_letter(client, people, dx_case):
    client.force_login(people.alice)
    lines = [{"code": "97140", "minutes": "24", "units": "2", "pointers": "C"}]
    submit(client, dx_case, lines, ["M79.12", "M25.511"])
    attempt = Attempt.objects.get()
    assert attempt.findings.filter(rule_id="dx-pointer", message__contains="points to C").exists()


def test_it_keeps_box_21_while_lines_are_added(client, people, dx_case):
    client.force_login(people.alice)
    token = token_of(client, dx_case)
    data = answer_data(RIGHT, token=token, diagnoses=["M79.12", "", "M25.5"]) | {"action": "add"}
    url = reverse("practice:edit_answer", args=[dx_case.slug])
    page = client.post(url, data, headers={"HX-Request": "true"}).text
    assert 'name="form-1-pointers"' in page
    assert Draft.objects.get().diagnoses == ["M79.12", "", "M25.5"]
    assert Draft.objects.get().lines[0]["pointers"] == "A"
    # Without JavaScript the whole page comes back with box 21 as typed.
    page = client.post(url, data).text
    assert 'name="dx-C" value="M25.5"' in page


def test_it_ignores_box_21_on_a_case_without_diagnoses(client, people, case):
    client.force_login(people.alice)
    response = submit(client, case, RIGHT, ["not a code"])
    attempt = Attempt.objects.get()
    assert response.status_code == 302 and attempt.score == 100
    assert attempt.diagnoses == []
    feedback = client.get(attempt.get_absolute_url()).text
    assert "graded on the procedure lines only" in feedback


def test_it_finds_diagnoses_by_code_or_words(client, people, dx_case):
    client.force_login(people.alice)
    page = client.get(reverse("practice:code_search"), {"q": "right shoulder"}).text
    assert "M25.511" in page and "Pain in right shoulder" in page
    page = client.get(
        reverse("practice:code_search"), {"q": "S13.4"}, headers={"HX-Request": "true"}
    ).text
    assert "S13.4XXA" in page and "<html" not in page


def test_it_shows_a_students_diagnoses_to_no_other_student(client, people, dx_case):
    client.force_login(people.alice)
    submit(client, dx_case, RIGHT, ["M79.12"])
    client.force_login(people.bob)
    response = client.get(Attempt.objects.get().get_absolute_url())
    assert response.status_code == 404
