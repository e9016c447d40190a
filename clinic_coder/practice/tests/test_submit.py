import datetime
import re

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from clinic_coder.practice.models import Attempt, Draft, Finding
from tests.factories import answer_data, make_assignment


def open_case(client, case, assignment=None) -> str:
    """Open the player and return the submit token on the page."""
    if assignment is None:
        page = client.get(reverse("practice:play_case", args=[case.slug])).text
    else:
        page = client.get(
            reverse("practice:assignment_play_case", args=[assignment.pk, case.slug])
        ).text
    return re.search(r'name="token" value="([^"]+)"', page).group(1)


def submit(client, case, lines, token, assignment=None):
    if assignment is None:
        path = reverse("practice:submit_case", args=[case.slug])
    else:
        path = reverse("practice:assignment_submit_case", args=[assignment.pk, case.slug])
    return client.post(path, answer_data(lines, token=token))


RIGHT = [{"code": "97140", "minutes": "24", "units": "2"}]


def test_it_grades_at_once_and_shows_the_feedback(client, people, case):
    client.force_login(people.alice)
    response = submit(client, case, RIGHT, open_case(client, case))
    attempt = Attempt.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("practice:attempt_feedback", args=[attempt.pk])
    assert attempt.score == 100
    assert [(line.code, line.units) for line in attempt.lines.all()] == [("97140", 2)]
    assert not Draft.objects.exists()


def test_it_stores_findings_for_a_wrong_code(client, people, case):
    client.force_login(people.alice)
    submit(
        client, case, [{"code": "97124", "minutes": "24", "units": "2"}], open_case(client, case)
    )
    attempt = Attempt.objects.get()
    assert attempt.score == 0
    finding = Finding.objects.get(attempt=attempt, severity="error")
    assert finding.skill == "code-choice-manual-therapy"
    assert "97140" in finding.message


def test_it_makes_one_attempt_from_a_double_submit(client, people, case):
    client.force_login(people.alice)
    token = open_case(client, case)
    first = submit(client, case, RIGHT, token)
    second = submit(client, case, RIGHT, token)
    assert Attempt.objects.count() == 1
    assert first.url == second.url


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ({"code": "99999", "units": "1"}, "99999 is not a code in the catalog"),
        ({"code": "97140", "minutes": "ten", "units": "1"}, "Minutes must be a whole number"),
        ({"code": "97140", "minutes": "-3", "units": "1"}, "Minutes cannot be negative"),
        ({"code": "97140", "minutes": "900", "units": "1"}, "Minutes must be at most 240"),
        ({"code": "97140", "units": ""}, "Give the units for this line"),
        ({"code": "97140", "units": "1", "modifiers": "GP, X"}, "X: a modifier is two"),
    ],
)
def test_it_explains_bad_lines_and_keeps_what_was_typed(client, people, case, line, message):
    client.force_login(people.alice)
    response = submit(client, case, [line], open_case(client, case))
    assert response.status_code == 422
    assert message in response.text
    assert f'value="{line["code"]}"' in response.text
    assert not Attempt.objects.exists()
    assert Draft.objects.get().lines[0]["code"] == line["code"]


def test_it_refuses_a_stale_page_after_a_new_variant(client, people, case):
    client.force_login(people.alice)
    token = open_case(client, case)
    client.post(reverse("practice:try_new_variant", args=[case.slug]))
    response = submit(client, case, RIGHT, token)
    assert response.status_code == 409
    assert "out of date" in response.text
    assert not Attempt.objects.exists()


def test_it_refuses_a_missing_token(client, people, case):
    client.force_login(people.alice)
    open_case(client, case)
    response = submit(client, case, RIGHT, "not-a-token")
    assert response.status_code == 422
    assert not Attempt.objects.exists()


def test_it_gives_a_fresh_variant_after_each_practice_attempt(client, people, case):
    client.force_login(people.alice)
    submit(client, case, RIGHT, open_case(client, case))
    seeds = {Attempt.objects.get().seed}
    submit(client, case, RIGHT, open_case(client, case))
    seeds |= set(Attempt.objects.values_list("seed", flat=True))
    assert len(seeds) == 2


@pytest.mark.parametrize("persona", ["ines", "sofia"])
def test_it_refuses_submissions_from_non_students(client, people, case, persona):
    client.force_login(getattr(people, persona))
    assert submit(client, case, RIGHT, "x").status_code == 403


# --- assignments ---------------------------------------------------------------------------


@pytest.fixture
def assignment(people, case):
    return make_assignment(
        cohort=people.cohort_a, case_set=case.case_sets.get(), attempts_allowed=2
    )


def test_it_enforces_the_attempt_limit(client, people, case, assignment):
    client.force_login(people.alice)
    for _ in range(2):
        submit(client, case, RIGHT, open_case(client, case, assignment), assignment)
    response = submit(client, case, RIGHT, open_case(client, case, assignment), assignment)
    assert response.status_code == 409
    assert "used every attempt" in response.text
    assert Attempt.objects.count() == 2


def test_it_refuses_work_after_the_due_date(client, people, case, assignment):
    client.force_login(people.alice)
    token = open_case(client, case, assignment)
    with time_machine.travel(assignment.due_at + datetime.timedelta(minutes=1)):
        response = submit(client, case, RIGHT, token, assignment)
    assert response.status_code == 409
    assert "due date has passed" in response.text
    assert not Attempt.objects.exists()


def test_it_accepts_late_work_marked_late_when_allowed(client, people, case, assignment):
    assignment.late_policy = "marked_late"
    assignment.save()
    client.force_login(people.alice)
    token = open_case(client, case, assignment)
    with time_machine.travel(assignment.due_at + datetime.timedelta(hours=2)):
        submit(client, case, RIGHT, token, assignment)
    assert Attempt.objects.get().late


def test_it_hides_other_cohorts_assignments(client, people, case, assignment):
    client.force_login(people.bob)
    path = reverse("practice:assignment_play_case", args=[assignment.pk, case.slug])
    assert client.get(path).status_code == 404


def test_it_grades_the_answer_saved_at_the_time_limit(client, people, case, assignment):
    assignment.time_limit_minutes = 10
    assignment.save()
    client.force_login(people.alice)
    token = open_case(client, case, assignment)
    client.post(
        reverse("practice:assignment_edit_answer", args=[assignment.pk, case.slug]) + "?autosave=1",
        answer_data([{"code": "97140", "minutes": "24", "units": "1"}]),
    )
    with time_machine.travel(timezone.now() + datetime.timedelta(minutes=30)):
        late_save = client.post(
            reverse("practice:assignment_edit_answer", args=[assignment.pk, case.slug])
            + "?autosave=1",
            answer_data(RIGHT),
        )
        submit(client, case, RIGHT, token, assignment)
    assert late_save.status_code == 409
    attempt = Attempt.objects.get()
    assert [(line.code, line.units) for line in attempt.lines.all()] == [("97140", 1)]
    assert attempt.score < 100


def test_it_defers_feedback_until_the_due_date(client, people, case, assignment):
    assignment.feedback = "after_due"
    assignment.save()
    client.force_login(people.alice)
    submit(client, case, RIGHT, open_case(client, case, assignment), assignment)
    attempt = Attempt.objects.get()
    page = client.get(attempt.get_absolute_url()).text
    assert "shown after the due date" in page
    assert "Score" not in page
    with time_machine.travel(assignment.due_at + datetime.timedelta(minutes=1)):
        assert "Score 100 / 100" in client.get(attempt.get_absolute_url()).text


@pytest.mark.parametrize(
    "name", ["practice:assignment_play_case", "practice:assignment_edit_answer"]
)
def test_it_refuses_to_start_the_clock_before_the_assignment_opens(
    client, people, case, assignment, name
):
    assignment.opens_at = timezone.now() + datetime.timedelta(days=1)
    assignment.time_limit_minutes = 10
    assignment.save()
    client.force_login(people.alice)
    path = reverse(name, args=[assignment.pk, case.slug])
    response = (
        client.get(path) if name == "practice:assignment_play_case" else client.post(path, {})
    )
    assert response.status_code == 403
    assert "not open yet" in response.text
    assert "Myofascial release" not in response.text
    assert not Draft.objects.exists()


def test_it_refuses_a_submit_before_the_assignment_opens_without_a_draft(
    client, people, case, assignment
):
    assignment.opens_at = timezone.now() + datetime.timedelta(days=1)
    assignment.save()
    client.force_login(people.alice)
    response = submit(client, case, RIGHT, "00000000-0000-0000-0000-000000000000", assignment)
    assert response.status_code == 403
    assert "not open yet" in response.text
    assert not Draft.objects.exists()
    assert not Attempt.objects.exists()


def test_it_drops_forged_long_codes_from_the_answer_saved_at_the_time_limit(
    client, people, case, assignment
):
    assignment.time_limit_minutes = 10
    assignment.save()
    client.force_login(people.alice)
    token = open_case(client, case, assignment)
    forged = [
        {"code": "97140", "minutes": "24", "units": "2"},
        {"code": "97140" * 4, "minutes": "24", "units": "2"},
        {"code": "97<b>", "units": "1"},
    ]
    client.post(
        reverse("practice:assignment_edit_answer", args=[assignment.pk, case.slug]) + "?autosave=1",
        answer_data(forged),
    )
    with time_machine.travel(timezone.now() + datetime.timedelta(minutes=30)):
        response = submit(client, case, RIGHT, token, assignment)
    assert response.status_code == 302
    assert [line.code for line in Attempt.objects.get().lines.all()] == ["97140"]


def test_it_returns_the_attempt_a_simultaneous_submit_made(client, people, case, monkeypatch):
    from clinic_coder.practice import models, workflows

    client.force_login(people.alice)
    token = open_case(client, case)
    draft = Draft.objects.get()
    real_grade = models.grade
    rival = {}

    def grade_while_a_rival_commits(*args, **kwargs):
        # The other request got past the token check too and stored its attempt first.
        result = real_grade(*args, **kwargs)
        if "attempt" in rival:  # the both-methods view grades again: one rival is enough
            return result
        revision = case.current_revision()
        rival["attempt"] = Attempt.objects.create(
            student=draft.student, case=case, revision=revision, seed=draft.seed,
            payer_profile="x", token=token, score=result.score, key={}, started_at=timezone.now(),
            submitted_at=timezone.now(), shown_revision=revision, note_text="", documented={},
        )  # fmt: skip
        return result

    # Attempt.grading calls the engine: the rival commits while this request grades.
    monkeypatch.setattr(models, "grade", grade_while_a_rival_commits)
    submission = workflows.submit_answer(
        draft=draft, token=draft.token, lines=[], now=timezone.now()
    )
    assert submission == workflows.Submission(rival["attempt"], created=False)
    assert Attempt.objects.count() == 1
