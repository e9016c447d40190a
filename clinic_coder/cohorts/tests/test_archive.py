"""Archiving cohorts and assignments: out of the lists and of students' pages, restorable,
never deleted."""

import pytest
from django.urls import reverse
from django.utils import timezone

from clinic_coder.cohorts.models import Assignment, Cohort
from clinic_coder.practice.models import Attempt
from tests.factories import RIGHT, assigned, graded


@pytest.fixture
def assignment(people):
    assignment, (case,) = assigned(cohort=people.cohort_a)
    graded(student=people.alice, case=case, assignment=assignment, lines=RIGHT)
    return assignment


def post(client, name: str, pk: int):
    return client.post(reverse(name, args=[pk]))


# --- assignments ---------------------------------------------------------------------------


def test_it_archives_an_assignment_out_of_the_students_sight_keeping_attempts(
    client, people, assignment
):
    opened = f"?assignment={assignment.pk}"
    client.force_login(people.alice)
    assert opened in client.get(reverse("practice:student_home")).text
    client.force_login(people.ines)
    response = post(client, "cohorts:archive_assignment", assignment.pk)
    assert response.status_code == 302
    assignment.refresh_from_db()
    assert assignment.archived_at is not None
    assert Attempt.objects.filter(assignment=assignment).count() == 1
    assert not Assignment.objects.for_student(people.alice).exists()
    client.get(response["Location"])  # the instructor reads the message
    play = reverse("practice:assignment_play_case", args=[assignment.pk, "neck-release"])
    client.force_login(people.alice)
    assert opened not in client.get(reverse("practice:student_home")).text
    assert client.get(play).status_code == 404


def test_it_hides_an_archived_assignment_from_the_cohort_page_until_asked(
    client, people, assignment
):
    client.force_login(people.ines)
    post(client, "cohorts:archive_assignment", assignment.pk)
    detail = reverse("cohorts:cohort_detail", args=[people.cohort_a.pk])
    page = client.get(detail).text
    assert reverse("cohorts:assignment_detail", args=[assignment.pk]) not in page
    assert "Show archived assignments (1)" in page
    page = client.get(detail, {"archived": "1"}).text
    assert reverse("cohorts:assignment_detail", args=[assignment.pk]) in page
    assert reverse("cohorts:restore_assignment", args=[assignment.pk]) in page


def test_it_restores_an_assignment(client, people, assignment):
    client.force_login(people.ines)
    post(client, "cohorts:archive_assignment", assignment.pk)
    post(client, "cohorts:restore_assignment", assignment.pk)
    assignment.refresh_from_db()
    assert assignment.archived_at is None
    assert Assignment.objects.for_student(people.alice).get() == assignment


def test_it_keeps_an_archived_assignment_on_the_staff_record(client, people, assignment):
    Assignment.objects.filter(pk=assignment.pk).update(archived_at=timezone.now())
    client.force_login(people.ines)
    page = client.get(reverse("progress:student_record", args=[people.alice.pk])).text
    assert "Basics" in page


@pytest.mark.parametrize(
    ("persona", "status"), [("igor", 404), ("sofia", 403), ("alice", 403), ("admin", 302)]
)
def test_it_lets_only_the_cohorts_instructors_archive_an_assignment(
    client, people, assignment, persona, status
):
    client.force_login(getattr(people, persona))
    assert post(client, "cohorts:archive_assignment", assignment.pk).status_code == status
    assignment.refresh_from_db()
    assert (assignment.archived_at is not None) == (status == 302)


# --- cohorts -------------------------------------------------------------------------------


def test_it_archives_a_cohort_out_of_every_list_and_the_students_pages(client, people, assignment):
    client.force_login(people.ines)
    post(client, "cohorts:archive_cohort", people.cohort_a.pk)
    people.cohort_a.refresh_from_db()
    assert people.cohort_a.archived_at is not None
    home = client.get(reverse("cohorts:instructor_home")).text
    assert reverse("cohorts:cohort_detail", args=[people.cohort_a.pk]) not in home
    home = client.get(reverse("cohorts:instructor_home"), {"archived": "1"}).text
    assert reverse("cohorts:cohort_detail", args=[people.cohort_a.pk]) in home
    assert "Archived" in home
    assert not Cohort.objects.with_student(people.alice).exists()
    assert not Assignment.objects.for_student(people.alice).exists()
    client.force_login(people.sofia)
    assert "Cohort A" not in client.get(reverse("progress:supervisor_dashboard")).text


def test_it_stops_an_archived_cohorts_invite_code(client, people):
    Cohort.objects.filter(pk=people.cohort_a.pk).update(archived_at=timezone.now())
    client.force_login(people.bob)
    response = client.post(reverse("cohorts:join_cohort"), {"code": people.cohort_a.invite_code})
    assert response.status_code == 200
    assert "No cohort has the code" in response.text
    assert not people.cohort_a.enrollments.filter(student=people.bob).exists()


def test_it_restores_a_cohort(client, people, assignment):
    client.force_login(people.ines)
    post(client, "cohorts:archive_cohort", people.cohort_a.pk)
    response = post(client, "cohorts:restore_cohort", people.cohort_a.pk)
    assert response["Location"] == reverse("cohorts:cohort_detail", args=[people.cohort_a.pk])
    assert Assignment.objects.for_student(people.alice).get() == assignment


@pytest.mark.parametrize(
    ("persona", "status"), [("igor", 404), ("sofia", 403), ("alice", 403), ("admin", 302)]
)
def test_it_lets_only_the_cohorts_instructors_archive_it(client, people, persona, status):
    client.force_login(getattr(people, persona))
    assert post(client, "cohorts:archive_cohort", people.cohort_a.pk).status_code == status
    people.cohort_a.refresh_from_db()
    assert (people.cohort_a.archived_at is not None) == (status == 302)
    assert client.get(reverse("cohorts:archive_cohort", args=[people.cohort_a.pk])).status_code in (
        403,
        405,
    )
