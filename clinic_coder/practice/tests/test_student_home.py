import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from clinic_coder.practice.models import Finding
from tests.factories import make_assignment, make_case


def test_it_sends_anonymous_visitors_to_login(client, case):
    assert client.get(reverse("practice:student_home")).status_code == 302


@pytest.mark.parametrize("persona", ["ines", "sofia"])
def test_it_refuses_non_students(client, people, persona):
    client.force_login(getattr(people, persona))
    assert client.get(reverse("practice:student_home")).status_code == 403


def test_it_lists_assignments_of_the_students_own_cohorts(client, people, case):
    case_set = case.case_sets.get()
    make_assignment(cohort=people.cohort_a, case_set=case_set)
    client.force_login(people.alice)
    page = client.get(reverse("practice:student_home")).text
    assert "0 of 1 cases submitted" in page
    client.force_login(people.bob)
    assert (
        "No case sets are assigned to you yet" in client.get(reverse("practice:student_home")).text
    )


def test_it_offers_free_practice_by_topic(client, people, case):
    client.force_login(people.alice)
    page = client.get(reverse("practice:student_home")).text
    assert reverse("practice:practice_case_set", args=["basics"]) in page


def test_it_names_weak_spots_from_recent_chances(client, people, case):
    # Weak spots are mastery's: the same skills, in the same words, as on My progress.
    Finding.objects.create(
        student=people.alice, rule_id="trainer-cms", skill="units-cms", severity="error",
        message="m", created_at=timezone.now(),
    )  # fmt: skip
    client.force_login(people.alice)
    home = client.get(reverse("practice:student_home")).text
    progress = client.get(reverse("progress:my_progress")).text
    named = "Units by the CMS 8-minute rule: 0 of 1 recent chances right"
    assert named in home
    assert named in progress


def test_it_does_not_call_a_skill_shown_right_a_weak_spot(client, people, case):
    Finding.objects.create(
        student=people.alice, rule_id="trainer-cms", skill="units-cms", severity="info",
        message="m", created_at=timezone.now(),
    )  # fmt: skip
    client.force_login(people.alice)
    home = client.get(reverse("practice:student_home")).text
    assert "No weak spots yet" in home


def test_it_picks_a_weak_spot_case(client, people, case):
    make_case(slug="cms-case", skills=["units-cms"])
    Finding.objects.create(
        student=people.alice, rule_id="trainer-cms", skill="units-cms", severity="error",
        message="m", created_at=timezone.now(),
    )  # fmt: skip
    client.force_login(people.alice)
    response = client.post(reverse("practice:practise_weak_spots"))
    assert response.url == reverse("practice:play_case", args=["cms-case"])


def test_it_shows_a_case_set_with_best_scores(client, people, case):
    client.force_login(people.alice)
    page = client.get(reverse("practice:practice_case_set", args=["basics"])).text
    assert "Neck release" in page and "not tried" in page


def test_it_refuses_an_assignment_of_another_cohort_on_the_set_page(client, people, case):
    assignment = make_assignment(cohort=people.cohort_b, case_set=case.case_sets.get())
    client.force_login(people.alice)
    path = reverse("practice:practice_case_set", args=["basics"]) + f"?assignment={assignment.pk}"
    assert client.get(path).status_code == 404


def test_it_marks_assignments_past_due(client, people, case):
    now = timezone.now()
    make_assignment(
        cohort=people.cohort_a,
        case_set=case.case_sets.get(),
        opens_at=now - datetime.timedelta(days=9),
        due_at=now - datetime.timedelta(days=1),
    )
    client.force_login(people.alice)
    assert "past due" in client.get(reverse("practice:student_home")).text


def test_it_shows_a_students_own_extended_due_date(client, people, case):
    from clinic_coder.cohorts.models import AssignmentOverride

    assignment = make_assignment(cohort=people.cohort_a, case_set=case.case_sets.get())
    AssignmentOverride.objects.create(
        assignment=assignment,
        student=people.alice,
        due_at=assignment.due_at + datetime.timedelta(days=5),
    )
    client.force_login(people.alice)
    assert "extended" in client.get(reverse("practice:student_home")).text


def test_it_counts_only_published_cases_of_an_assignment(client, people, case):
    unfinished = make_case(slug="unfinished", status="draft")
    case_set = case.case_sets.get()
    case_set.items.create(case=unfinished, position=1)
    make_assignment(cohort=people.cohort_a, case_set=case_set)
    client.force_login(people.alice)
    assert "0 of 1 cases submitted" in client.get(reverse("practice:student_home")).text


def test_it_ignores_a_superscript_assignment_id(client, people, case):
    client.force_login(people.alice)
    response = client.get(
        reverse("practice:practice_case_set", args=["basics"]), {"assignment": "²"}
    )
    assert response.status_code == 200
    assert "Neck release" in response.text


def test_it_does_not_link_cases_of_an_assignment_not_open_yet(client, people, case):
    opens = timezone.now() + datetime.timedelta(days=1)
    assignment = make_assignment(
        cohort=people.cohort_a, case_set=case.case_sets.get(), opens_at=opens
    )
    client.force_login(people.alice)
    page = client.get(
        reverse("practice:practice_case_set", args=["basics"]), {"assignment": assignment.pk}
    ).text
    assert "Neck release" in page
    assert reverse("practice:assignment_play_case", args=[assignment.pk, case.slug]) not in page
    assert "opens" in page.lower()
