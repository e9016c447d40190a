import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from clinic_coder.catalog.loading import load_catalog
from clinic_coder.cohorts.models import Enrollment
from clinic_coder.practice.tests.test_mastery import RIGHT, WRONG, answer
from clinic_coder.progress.models import SignOff
from tests.factories import make_assignment, make_case, make_case_set, make_user


@pytest.fixture
def case(people):
    load_catalog()
    return make_case()


# --- the student's own progress --------------------------------------------------------------


def test_it_sends_anonymous_visitors_to_login(client, db):
    assert client.get(reverse("progress:my_progress")).status_code == 302


@pytest.mark.parametrize("persona", ["ines", "sofia"])
def test_it_shows_my_progress_only_to_students(client, people, persona):
    client.force_login(getattr(people, persona))
    assert client.get(reverse("progress:my_progress")).status_code == 403


def test_it_shows_mastery_evidence_trend_and_weak_spots(client, people, case):
    answer(people.alice, case, WRONG, timezone.now())
    client.force_login(people.alice)
    page = client.get(reverse("progress:my_progress")).text
    assert "Choosing manual therapy (97140)" in page
    assert "too early" in page
    assert "Score of each of the latest attempts" in page
    assert "<svg" in page
    assert "Practise my weak spots" in page


# --- a student's record, for staff ------------------------------------------------------------


def record(student) -> str:
    return reverse("progress:student_record", args=[student.pk])


@pytest.mark.parametrize(
    ("persona", "status"),
    [("ines", 200), ("sofia", 200), ("admin", 200), ("igor", 404), ("alice", 403), ("bob", 403)],
)
def test_it_shows_a_students_record_only_to_their_staff(client, people, persona, status):
    client.force_login(getattr(people, persona))
    assert client.get(record(people.alice)).status_code == status


def test_it_offers_sign_off_only_to_supervisors(client, people):
    client.force_login(people.sofia)
    assert "Sign off a skill area" in client.get(record(people.alice)).text
    client.force_login(people.ines)
    assert "Sign off a skill area" not in client.get(record(people.alice)).text


def test_it_signs_off_a_skill_with_date_and_name(client, people):
    client.force_login(people.sofia)
    response = client.post(
        reverse("progress:sign_off", args=[people.alice.pk]),
        {"skill": "units-cms", "note": "Solid"},
    )
    assert response.status_code == 302
    sign_off = SignOff.objects.get()
    assert (sign_off.student, sign_off.signed_by, sign_off.skill) == (
        people.alice,
        people.sofia,
        "units-cms",
    )
    client.force_login(people.alice)
    assert "signed by Sofia Soto on" in client.get(reverse("progress:my_progress")).text


@pytest.mark.parametrize(("persona", "status"), [("ines", 403), ("alice", 403), ("igor", 403)])
def test_it_refuses_sign_off_from_anyone_but_a_supervisor(client, people, persona, status):
    client.force_login(getattr(people, persona))
    response = client.post(
        reverse("progress:sign_off", args=[people.alice.pk]), {"skill": "units-cms"}
    )
    assert response.status_code == status
    assert not SignOff.objects.exists()


def test_it_refuses_sign_off_for_a_student_of_another_cohort(client, people):
    client.force_login(people.sofia)
    response = client.post(
        reverse("progress:sign_off", args=[people.bob.pk]), {"skill": "units-cms"}
    )
    assert response.status_code == 404
    assert not SignOff.objects.exists()


def test_it_explains_a_bad_sign_off_and_saves_nothing(client, people):
    client.force_login(people.sofia)
    response = client.post(
        reverse("progress:sign_off", args=[people.alice.pk]), {"skill": "juggling"}, follow=True
    )
    assert "Choose a skill area" in response.text
    assert not SignOff.objects.exists()


# --- the supervisor's dashboard ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("persona", "status"), [("sofia", 200), ("admin", 200), ("ines", 403), ("alice", 403)]
)
def test_it_shows_the_dashboard_only_to_supervisors(client, people, persona, status):
    client.force_login(getattr(people, persona))
    assert client.get(reverse("progress:supervisor_dashboard")).status_code == status


def assigned(cohort, case):
    return make_assignment(cohort=cohort, case_set=make_case_set(slug=f"set-{cohort.pk}",
                                                                  cases=[case]))  # fmt: skip


def test_it_lists_only_supervised_cohorts_and_flags_low_scores(client, people, case):
    answer(people.alice, case, WRONG, timezone.now(), assigned(people.cohort_a, case))
    client.force_login(people.sofia)
    page = client.get(reverse("progress:supervisor_dashboard")).text
    assert "Cohort A" in page and "Cohort B" not in page
    below = page[page.index("Below 70") : page.index("Every student")]
    assert "Alice Archer" in below
    assert "mean 0" in below


def test_it_takes_a_threshold_and_ignores_a_bad_one(client, people, case):
    answer(people.alice, case, RIGHT, timezone.now(), assigned(people.cohort_a, case))
    client.force_login(people.sofia)
    assert "No student is below 70" in client.get(reverse("progress:supervisor_dashboard")).text
    page = client.get(reverse("progress:supervisor_dashboard"), {"threshold": "nonsense"}).text
    assert 'value="70"' in page


def enrol(count: int, cohort, case) -> None:
    for n in range(count):
        student = make_user(username=f"s{cohort.pk}-{n}-{count}")
        Enrollment.objects.create(cohort=cohort, student=student)
        answer(student, case, RIGHT if n % 2 else WRONG, timezone.now())


def test_it_runs_the_same_queries_for_5_and_50_students(client, people, case):
    client.force_login(people.sofia)

    def queries() -> int:
        with CaptureQueriesContext(connection) as context:
            client.get(reverse("progress:supervisor_dashboard"))
        return len(context.captured_queries)

    enrol(5, people.cohort_a, case)
    with_five = queries()
    enrol(45, people.cohort_a, case)
    assert queries() == with_five


def test_it_counts_only_the_cohorts_own_assignments_in_a_mean(client, people, case):
    people.cohort_b.enrollments.create(student=people.alice)
    answer(people.alice, case, WRONG, timezone.now(), assigned(people.cohort_b, case))
    answer(people.alice, case, WRONG, timezone.now())  # practice
    client.force_login(people.sofia)
    page = client.get(reverse("progress:supervisor_dashboard")).text
    below = page[page.index("Below 70") : page.index("Every student")]
    assert "mean 0" not in below
    assert "no assigned attempts yet" in below


def test_it_keeps_another_cohorts_work_out_of_a_students_record(client, people, case):
    people.cohort_b.enrollments.create(student=people.alice)
    case.title = "Only cohort B sees this"
    case.save()
    answer(people.alice, case, WRONG, timezone.now(), assigned(people.cohort_b, case))
    client.force_login(people.sofia)
    assert "Only cohort B sees this" not in client.get(record(people.alice)).text
    client.force_login(people.igor)
    assert "Only cohort B sees this" in client.get(record(people.alice)).text


def test_it_keeps_each_cohorts_sign_off(client, people):
    people.cohort_b.enrollments.create(student=people.alice)
    other = make_user(username="vera", role="supervisor", first_name="Vera", last_name="Vance")
    people.cohort_b.supervisors.add(other)
    for supervisor in (people.sofia, other):
        client.force_login(supervisor)
        client.post(reverse("progress:sign_off", args=[people.alice.pk]), {"skill": "units-cms"})
    assert sorted(s.signed_by.username for s in SignOff.objects.all()) == ["sofia", "vera"]


def test_it_lists_a_hundred_students_of_a_big_cohort_and_points_to_the_gradebook(
    client, people, case
):
    from tests.factories import WRONG_CODE, assigned, graded, make_students

    make_students(cohort=people.cohort_a, count=104)
    assignment, (assigned_case,) = assigned(cohort=people.cohort_a, slugs=("big-cohort-case",))
    lowest = graded(
        student=people.alice, case=assigned_case, assignment=assignment, lines=WRONG_CODE
    )  # alice has the cohort's only mean: 0
    client.force_login(people.sofia)
    page = client.get(reverse("progress:supervisor_dashboard")).text
    assert "The first 100 of 105 students by name" in page
    assert reverse("teach:gradebook", args=[people.cohort_a.pk]) in page
    assert "Student099" not in page  # alice sorts first, so the 100th shown is Student098
    assert "Student098" in page
    below = page.split("Below 70")[1].split("students by name")[0]
    assert "Alice Archer" in below and lowest.score < 70
