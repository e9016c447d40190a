"""Staff of one cohort never read or change a student's work for another cohort."""

from django.urls import reverse

from clinic_coder.practice.models import Attempt
from tests.factories import RIGHT, WRONG_UNITS, assigned, graded


def test_it_hides_and_protects_another_cohorts_attempt(client, people):
    assignment, (case,) = assigned(cohort=people.cohort_a)
    attempt = graded(student=people.alice, case=case, lines=WRONG_UNITS, assignment=assignment)
    people.cohort_b.enrollments.create(student=people.alice)  # alice is in igor's cohort too
    client.force_login(people.igor)
    base = f"/teach/cohorts/{people.cohort_b.pk}/attempts/{attempt.pk}/"
    assert client.get(base).status_code == 404
    response = client.post(f"{base}marks/0/credit/", {"credit": "1", "reason": "Mine now."})
    assert response.status_code == 404
    attempt.refresh_from_db()
    assert attempt.score == 70


def test_it_regrades_only_the_cohorts_own_attempts(client, people):
    assignment, (case,) = assigned(cohort=people.cohort_a)
    attempt = graded(student=people.alice, case=case, lines=RIGHT, assignment=assignment)
    people.cohort_b.enrollments.create(student=people.alice)
    service = case.services.get()
    service.minutes_low = service.minutes_high = 40
    service.save()
    case.current_revision()
    client.force_login(people.igor)
    path = reverse("practice:regrade_case", args=[people.cohort_b.pk, case.slug])
    client.post(path, {"version": "2"})
    assert Attempt.objects.get(pk=attempt.pk).revision.version == 1


def test_it_builds_the_heatmap_from_the_cohorts_own_work(client, people):
    assignment, (case,) = assigned(cohort=people.cohort_b, set_slug="b-set")
    people.cohort_b.enrollments.create(student=people.alice)
    graded(student=people.alice, case=case, lines=WRONG_UNITS, assignment=assignment)
    client.force_login(people.ines)
    page = client.get(reverse("teach:heatmap", args=[people.cohort_a.pk])).text
    assert "of 1" not in page


def test_it_leaves_draft_cases_out_of_the_drill_down(client, people):
    assignment, (case, draft) = assigned(cohort=people.cohort_a, slugs=("one", "two"))
    draft.status = "draft"
    draft.save()
    graded(student=people.alice, case=case, lines=RIGHT, assignment=assignment)
    client.force_login(people.ines)
    path = reverse(
        "teach:student_assignment", args=[people.cohort_a.pk, people.alice.pk, assignment.pk]
    )
    page = client.get(path).text
    assert "Two" not in page
    assert '<strong id="assignment-score">100</strong>' in page


def test_it_refuses_an_odd_regrade_version_without_an_error(client, people):
    _, (case,) = assigned(cohort=people.cohort_a)
    client.force_login(people.ines)
    path = reverse("practice:regrade_case", args=[people.cohort_a.pk, case.slug])
    response = client.post(path, {"version": "²"}, follow=True)
    assert response.status_code == 200
    assert "The form was incomplete" in response.text
