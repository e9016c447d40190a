import dataclasses

import pytest
from django.urls import reverse

from clinic_coder.practice.models import Attempt, ManualCredit, Regrade
from tests.factories import RIGHT, WRONG_CODE, assigned, correct_key, graded


@pytest.fixture
def setup(people):
    """Alice answered right against the key 97140 x2; then the case's minutes changed to 10."""
    assignment, (case,) = assigned(cohort=people.cohort_a)
    attempt = graded(student=people.alice, case=case, assignment=assignment, lines=RIGHT)
    return case, attempt


def change_key(case) -> None:
    correct_key(case)  # 97140 x1 from now on, for the same note


def regrade_url(cohort, case) -> str:
    return reverse("practice:regrade_case", args=[cohort.pk, case.slug])


def test_it_previews_old_and_new_scores_without_changing_anything(client, people, setup):
    case, attempt = setup
    change_key(case)
    client.force_login(people.ines)
    page = client.get(regrade_url(people.cohort_a, case)).text
    row = page.split('<th scope="row">Alice Archer</th>')[1].split("</tr>")[0]
    assert "<td>1 → 2</td>" in row
    assert "<td>100</td>" in row and "<td>70</td>" in row
    assert "97140 x2 → 97140 x1" in row
    assert "Regrade 1 attempt" in page
    attempt.refresh_from_db()
    assert (attempt.revision.version, attempt.score) == (1, 100)
    assert not Regrade.objects.exists()


def test_it_regrades_in_one_go_and_records_it(client, people, setup):
    case, attempt = setup
    old_findings = list(attempt.findings.values_list("pk", flat=True))
    change_key(case)
    client.force_login(people.ines)
    response = client.post(regrade_url(people.cohort_a, case), {"version": "2"})
    assert response.status_code == 302
    attempt.refresh_from_db()
    assert attempt.revision.version == 2
    assert attempt.score == 70
    assert attempt.key["alternatives"][0][0]["units"] == 1
    assert attempt.marks[0]["status"] == "partly_right"
    assert "Your instructor set the key for this case" in attempt.explanation[-1]
    assert not attempt.findings.filter(pk__in=old_findings).exists()
    assert attempt.findings.filter(severity="error", line_code="97140").exists()
    regrade = Regrade.objects.get()
    assert (regrade.attempt, regrade.old_version, regrade.new_version) == (attempt, 1, 2)
    assert (regrade.old_score, regrade.new_score, regrade.done_by) == (100, 70, people.ines)
    page = client.get(response.url).text
    assert "Regraded 1 attempt against version 2." in page
    assert "nothing to regrade" in page


def test_it_leaves_other_cohorts_and_current_attempts_alone(client, people, setup):
    case, attempt = setup
    theirs = graded(student=people.bob, case=case, lines=RIGHT)
    change_key(case)
    case.refresh_from_db()
    current = graded(student=people.alice, case=case, lines=RIGHT)  # on version 2 already
    assert current.score == 70
    client.force_login(people.ines)
    client.post(regrade_url(people.cohort_a, case), {"version": "2"})
    assert Regrade.objects.get().attempt == attempt
    theirs.refresh_from_db()
    assert (theirs.revision.version, theirs.score) == (1, 100)


def test_it_keeps_manual_credit_on_record_but_no_longer_applies_it(client, people):
    assignment, (case,) = assigned(cohort=people.cohort_a)
    attempt = graded(student=people.alice, case=case, assignment=assignment, lines=WRONG_CODE)
    client.force_login(people.ines)
    data = {"mark-0-credit": "1", "mark-0-reason": "Accepted."}
    client.post(reverse("practice:give_credit", args=[people.cohort_a.pk, attempt.pk, 0]), data)
    assert Attempt.objects.get().score == 100
    change_key(case)
    preview = client.get(regrade_url(people.cohort_a, case)).text
    assert "1 credit: kept in the audit trail, no longer applied" in preview
    client.post(regrade_url(people.cohort_a, case), {"version": "2"})
    attempt.refresh_from_db()
    assert attempt.score == 0
    assert attempt.marks[0]["credit"] == 0.0
    assert ManualCredit.objects.filter(attempt=attempt).exists()
    staff_page = client.get(
        reverse("practice:staff_attempt", args=[people.cohort_a.pk, attempt.pk])
    ).text
    assert "no longer applied: regraded since" in staff_page
    client.force_login(people.alice)
    student_page = client.get(reverse("practice:attempt_feedback", args=[attempt.pk])).text
    assert "no longer applied: the case was regraded since" in student_page


def test_it_refuses_a_regrade_of_a_preview_that_is_out_of_date(client, people, setup):
    case, attempt = setup
    change_key(case)
    client.force_login(people.ines)
    client.get(regrade_url(people.cohort_a, case))  # the preview of version 2
    case.refresh_from_db()
    graded(student=people.alice, case=case, lines=RIGHT)  # version 2 is frozen by an attempt
    correct_key(case, units=3)  # so this makes version 3
    response = client.post(regrade_url(people.cohort_a, case), {"version": "2"}, follow=True)
    assert "The case changed again since the preview was shown" in response.text
    attempt.refresh_from_db()
    assert (attempt.revision.version, attempt.score) == (1, 100)
    assert not Regrade.objects.exists()


@pytest.mark.parametrize("version", ["", "two", "-1"])
def test_it_refuses_a_forged_form(client, people, setup, version):
    case, _ = setup
    change_key(case)
    client.force_login(people.ines)
    response = client.post(regrade_url(people.cohort_a, case), {"version": version}, follow=True)
    assert response.status_code == 200
    assert "The form was incomplete" in response.text
    assert not Regrade.objects.exists()


def test_it_refuses_a_case_the_cohort_never_met(client, people, setup):
    assigned(cohort=people.cohort_b, slugs=("back-pain",), set_slug="back")
    client.force_login(people.ines)
    url = reverse("practice:regrade_case", args=[people.cohort_a.pk, "back-pain"])
    assert client.get(url).status_code == 404
    url = reverse("practice:regrade_case", args=[people.cohort_a.pk, "no-such-case"])
    assert client.get(url).status_code == 404


def test_it_sends_anonymous_visitors_to_login(client, people, setup):
    case, _ = setup
    response = client.get(regrade_url(people.cohort_a, case))
    assert response.status_code == 302
    assert "/accounts/login/" in response.url


@pytest.mark.parametrize(
    ("persona", "status"),
    [("alice", 403), ("sofia", 403), ("igor", 404), ("ines", 200), ("admin", 200)],
)
def test_it_lets_only_the_cohorts_instructors_regrade(client, people, setup, persona, status):
    case, _ = setup
    change_key(case)
    client.force_login(getattr(people, persona))
    assert client.get(regrade_url(people.cohort_a, case)).status_code == status
    response = client.post(regrade_url(people.cohort_a, case), {"version": "2"})
    assert response.status_code == (302 if status == 200 else status)
    assert Regrade.objects.exists() == (status == 200)


def test_it_previews_without_freezing_a_new_revision(client, people, setup):
    case, _ = setup
    change_key(case)
    client.force_login(people.ines)
    page = client.get(regrade_url(people.cohort_a, case)).text
    assert "Regrade 1 attempt" in page
    assert list(case.revisions.values_list("version", flat=True)) == [1]
    client.post(regrade_url(people.cohort_a, case), {"version": "2"})
    assert list(case.revisions.values_list("version", flat=True)) == [1, 2]


def test_it_regrades_the_stored_box_21_and_pointers_against_new_diagnoses(client, people):
    assignment, (case,) = assigned(cohort=people.cohort_a)
    case.diagnoses = [{"code": "M79.12", "documented": "myalgia of the neck muscles"}]
    case.save()
    case.services.update(diagnoses=["M79.12"])
    right = [dataclasses.replace(RIGHT[0], pointers=("A",))]
    attempt = graded(
        student=people.alice, case=case, assignment=assignment, lines=right, diagnoses=["M79.12"]
    )
    assert attempt.score == 100
    # The author adds the neck pain the note also documents.
    case.diagnoses = [*case.diagnoses, {"code": "M54.2", "documented": "neck pain"}]
    case.save()
    case.services.update(diagnoses=["M79.12", "M54.2"])
    client.force_login(people.ines)
    response = client.post(regrade_url(people.cohort_a, case), {"version": "2"})
    assert response.status_code == 302
    attempt.refresh_from_db()
    # Box 21: first right (0.5) + 1 of 2 documented (0.2); the line and its pointer right.
    assert attempt.score == 90
    assert attempt.diagnoses == ["M79.12"]
    assert attempt.findings.filter(rule_id="dx-documented", message__contains="M54.2").exists()
