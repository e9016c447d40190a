"""A case in an open assignment that defers feedback or is timed can't be practised before due.

Practice shows the key at once, so practising such a case would leak the assignment's answer.
"""

import datetime

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from clinic_coder.cohorts.models import AssignmentOverride
from clinic_coder.practice.models import Draft, Finding
from clinic_coder.practice.tests.test_submit import RIGHT, open_case, submit
from tests.factories import answer_data, make_assignment, make_case, make_case_set


@pytest.fixture(params=[{"feedback": "after_due"}, {"time_limit_minutes": 20}])
def guarded(request, people, case):
    return make_assignment(cohort=people.cohort_a, case_set=case.case_sets.get(), **request.param)


def test_it_refuses_practice_of_a_case_in_an_open_guarded_assignment(client, people, case, guarded):
    client.force_login(people.alice)
    response = client.get(reverse("practice:play_case", args=[case.slug]))
    assert response.status_code == 403
    assert "part of an assignment" in response.text
    link = reverse("practice:practice_case_set", args=["basics"]) + f"?assignment={guarded.pk}"
    assert link in response.text
    assert "Myofascial release" not in response.text
    assert not Draft.objects.exists()


def test_it_refuses_edit_submit_and_new_variant_in_practice_mode(client, people, case, guarded):
    client.force_login(people.alice)
    for name in ("practice:edit_answer", "practice:submit_case", "practice:try_new_variant"):
        response = client.post(reverse(name, args=[case.slug]), answer_data(RIGHT, token="x"))
        assert response.status_code == 403, name
    assert not Draft.objects.exists()


def test_it_still_lets_the_student_work_the_assignment(client, people, case, guarded):
    client.force_login(people.alice)
    response = submit(client, case, RIGHT, open_case(client, case, guarded), guarded)
    assert response.status_code == 302


def test_it_allows_practice_after_the_students_own_due_date(client, people, case, guarded):
    client.force_login(people.alice)
    with time_machine.travel(guarded.due_at + datetime.timedelta(minutes=1)):
        assert client.get(reverse("practice:play_case", args=[case.slug])).status_code == 200


def test_it_waits_for_the_students_extension(client, people, case, guarded):
    AssignmentOverride.objects.create(
        assignment=guarded, student=people.alice, due_at=guarded.due_at + datetime.timedelta(days=2)
    )
    client.force_login(people.alice)
    with time_machine.travel(guarded.due_at + datetime.timedelta(days=1)):
        assert client.get(reverse("practice:play_case", args=[case.slug])).status_code == 403


def test_it_refuses_practice_before_the_assignment_opens(client, people, case):
    make_assignment(
        cohort=people.cohort_a,
        case_set=case.case_sets.get(),
        feedback="after_due",
        opens_at=timezone.now() + datetime.timedelta(days=1),
        due_at=timezone.now() + datetime.timedelta(days=8),
    )
    client.force_login(people.alice)
    assert client.get(reverse("practice:play_case", args=[case.slug])).status_code == 403


def test_it_lets_students_of_other_cohorts_practise(client, people, case, guarded):
    client.force_login(people.bob)
    assert client.get(reverse("practice:play_case", args=[case.slug])).status_code == 200


def test_it_leaves_immediate_untimed_assignments_open_to_practice(client, people, case):
    make_assignment(cohort=people.cohort_a, case_set=case.case_sets.get())
    client.force_login(people.alice)
    assert client.get(reverse("practice:play_case", args=[case.slug])).status_code == 200


def test_it_hides_guarded_cases_from_the_practice_set_page(client, people, case, guarded):
    make_case_set(slug="more", title="More", cases=[case, make_case(slug="free-case", title="Hip")])
    client.force_login(people.alice)
    page = client.get(reverse("practice:practice_case_set", args=["more"])).text
    assert "Hip" in page
    assert "Neck release" not in page
    assigned = reverse("practice:practice_case_set", args=["basics"]) + f"?assignment={guarded.pk}"
    assert "Neck release" in client.get(assigned).text


def test_it_never_picks_a_guarded_case_for_weak_spots(client, people, case, guarded):
    Finding.objects.create(
        student=people.alice, rule_id="r", skill="code-choice-manual-therapy", severity="error",
        message="m", created_at=timezone.now(),
    )  # fmt: skip
    client.force_login(people.alice)
    response = client.post(reverse("practice:practise_weak_spots"))
    assert response.url == reverse("practice:student_home")


def test_it_keeps_a_timed_case_locked_while_late_work_is_accepted(client, people, case):
    assignment = make_assignment(
        cohort=people.cohort_a,
        case_set=case.case_sets.get(),
        time_limit_minutes=20,
        late_policy="marked_late",
    )
    client.force_login(people.alice)
    with time_machine.travel(assignment.due_at + datetime.timedelta(days=3)):
        assert client.get(reverse("practice:play_case", args=[case.slug])).status_code == 403


def test_it_releases_feedback_on_an_earlier_own_due_date_everywhere(client, people, case):
    from clinic_coder.practice.models import Attempt

    assignment = make_assignment(
        cohort=people.cohort_a, case_set=case.case_sets.get(), feedback="after_due"
    )
    client.force_login(people.alice)
    page = client.get(
        reverse("practice:assignment_play_case", args=[assignment.pk, case.slug])
    ).text
    token = page.split('name="token" value="')[1].split('"')[0]
    submit(client, case, RIGHT, token, assignment)
    early = assignment.due_at - datetime.timedelta(days=2)
    AssignmentOverride.objects.create(assignment=assignment, student=people.alice, due_at=early)
    attempt = Attempt.objects.get()
    with time_machine.travel(early + datetime.timedelta(hours=1)):
        assert "Score 100" in client.get(attempt.get_absolute_url()).text
        assert Attempt.objects.feedback_released(timezone.now()).filter(pk=attempt.pk).exists()
        assert client.get(reverse("practice:play_case", args=[case.slug])).status_code == 200
