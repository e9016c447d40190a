"""A graded submit in an assignment with limited attempts asks first (a page without
JavaScript, a dialog with it); Enter and "Save" keep the draft and never grade."""

import pytest
from django.urls import reverse

from clinic_coder.practice.models import Attempt, Draft
from clinic_coder.practice.tests.test_submit import RIGHT, open_case
from tests.factories import answer_data, make_assignment


@pytest.fixture
def assignment(people, case):
    return make_assignment(
        cohort=people.cohort_a, case_set=case.case_sets.get(), attempts_allowed=2
    )


def submit_url(case, assignment=None) -> str:
    if assignment is None:
        return reverse("practice:submit_case", args=[case.slug])
    return reverse("practice:assignment_submit_case", args=[assignment.pk, case.slug])


def play_url(case, assignment) -> str:
    return reverse("practice:assignment_play_case", args=[assignment.pk, case.slug])


def test_it_asks_before_using_a_limited_attempt(client, people, case, assignment):
    client.force_login(people.alice)
    page = client.get(play_url(case, assignment)).text
    assert 'name="confirm" value="ask"' in page
    assert 'data-confirm="Submit your answer for grading?"' in page
    token = open_case(client, case, assignment)
    data = answer_data(RIGHT, token=token) | {"confirm": "ask"}
    response = client.post(submit_url(case, assignment), data)
    assert response.status_code == 200
    assert "Submit your answer for grading?" in response.text
    assert "This uses one of the 2 attempts you have left on this case." in response.text
    assert f'href="{play_url(case, assignment)}"' in response.text  # Cancel
    assert not Attempt.objects.exists()
    # The answer is kept for when the student goes back to it.
    assert Draft.objects.get(student=people.alice).lines[0]["code"] == "97140"
    # The page posts the same answer again, confirmed: now it is graded.
    assert f'name="token" value="{token}"' in response.text
    assert 'name="confirm" value="yes"' in response.text
    graded = client.post(submit_url(case, assignment), data | {"confirm": "yes"})
    assert graded.status_code == 302
    assert Attempt.objects.get().score == 100


def test_it_says_when_it_is_the_last_attempt(client, people, case, assignment):
    assignment.attempts_allowed = 1
    assignment.save()
    client.force_login(people.alice)
    data = answer_data(RIGHT, token=open_case(client, case, assignment)) | {"confirm": "ask"}
    response = client.post(submit_url(case, assignment), data)
    assert "This is your last attempt on this case." in response.text


def test_it_does_not_ask_in_practice_or_with_unlimited_attempts(client, people, case, assignment):
    assignment.attempts_allowed = 0
    assignment.save()
    client.force_login(people.alice)
    page = client.get(play_url(case, assignment)).text
    assert "data-confirm=" not in page.split('id="submit-answer"')[1].split(">")[0]
    data = answer_data(RIGHT, token=open_case(client, case, assignment)) | {"confirm": "ask"}
    assert client.post(submit_url(case, assignment), data).status_code == 302
    data = answer_data(RIGHT, token=open_case(client, case)) | {"confirm": "ask"}
    assert client.post(submit_url(case), data).status_code == 302
    assert Attempt.objects.count() == 2


def test_it_shows_lines_that_need_fixing_before_asking(client, people, case, assignment):
    client.force_login(people.alice)
    token = open_case(client, case, assignment)
    data = answer_data([{"code": "99999"}], token=token) | {"confirm": "ask"}
    response = client.post(submit_url(case, assignment), data)
    assert response.status_code == 422
    assert "99999 is not a code in the catalog" in response.text


def test_it_never_asks_another_student_about_a_cohort_they_are_not_in(
    client, people, case, assignment
):
    client.force_login(people.bob)
    data = answer_data(RIGHT, token="x") | {"confirm": "ask"}
    assert client.post(submit_url(case, assignment), data).status_code == 404
    assert not Draft.objects.filter(student=people.bob).exists()


def test_it_saves_without_grading_when_enter_or_save_is_pressed(client, people, case, assignment):
    client.force_login(people.alice)
    page = client.get(play_url(case, assignment)).text
    # The form's first submit button (the one Enter presses) is Save, not Submit.
    first_button = page.split('id="answer-form"')[1].split("<button")[1]
    assert 'value="save"' in first_button
    assert "formaction=" in first_button
    token = open_case(client, case, assignment)
    url = reverse("practice:assignment_edit_answer", args=[assignment.pk, case.slug])
    data = answer_data(RIGHT, token=token) | {"action": "save", "confirm": "ask"}
    response = client.post(url, data)
    assert response.status_code == 200
    assert "Answer saved. It is graded only when you submit it." in response.text
    assert not Attempt.objects.exists()
    assert Draft.objects.get(student=people.alice).lines[0]["units"] == "2"


def test_it_asks_before_starting_over_with_new_numbers(client, people, case):
    client.force_login(people.alice)
    open_case(client, case)
    draft = Draft.objects.get(student=people.alice)
    draft.lines = [{"code": "97140", "minutes": "12", "units": "1", "modifiers": ""}]
    draft.save()
    url = reverse("practice:try_new_variant", args=[case.slug])
    response = client.post(url, {"confirm": "ask"})
    assert "Start over with new numbers?" in response.text
    draft.refresh_from_db()
    assert draft.lines  # Nothing wiped yet.
    seed = draft.seed
    assert client.post(url, {"confirm": "yes"}).status_code == 302
    draft.refresh_from_db()
    assert (draft.lines, draft.seed != seed) == ([], True)


def test_it_refuses_starting_over_to_staff(client, people, case):
    client.force_login(people.ines)
    url = reverse("practice:try_new_variant", args=[case.slug])
    assert client.post(url, {"confirm": "ask"}).status_code == 403
