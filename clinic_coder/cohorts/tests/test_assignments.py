"""Assigning case sets with dates in the cohort's time zone, and per-student overrides."""

import datetime

import pytest
from django.urls import reverse

from clinic_coder.cohorts.models import Assignment, AssignmentOverride
from tests.factories import make_assignment, make_case_set, make_user

UTC = datetime.UTC


@pytest.fixture
def new_york(people):
    people.cohort_a.time_zone = "America/New_York"
    people.cohort_a.save()
    return people.cohort_a


@pytest.fixture
def assignment(new_york):
    return make_assignment(
        cohort=new_york,
        case_set=make_case_set(title="Timed codes"),
        opens_at=datetime.datetime(2026, 3, 2, 14, 0, tzinfo=UTC),  # 09:00 EST
        due_at=datetime.datetime(2026, 3, 9, 21, 0, tzinfo=UTC),  # 17:00 EDT
        attempts_allowed=3,
    )


def assignment_data(set_to_assign, **overrides) -> dict:
    return {
        "case_set": set_to_assign.pk,
        "opens_at": "2026-03-02T09:00",
        "due_at": "2026-03-09T17:00",
        "attempts_allowed": "3",
        "payer_profile": "",
        "feedback": "immediate",
        "time_limit_minutes": "",
        "late_policy": "closed",
        "score_policy": "best",
    } | overrides


def test_it_stores_a_due_time_typed_in_the_cohorts_time_zone(client, people, new_york):
    case_set = make_case_set()
    client.force_login(people.ines)
    response = client.post(
        reverse("cohorts:create_assignment", args=[new_york.pk]), assignment_data(case_set)
    )
    assignment = Assignment.objects.get()
    assert response.url == reverse("cohorts:assignment_detail", args=[assignment.pk])
    assert assignment.opens_at == datetime.datetime(2026, 3, 2, 14, 0, tzinfo=UTC)  # EST
    assert assignment.due_at == datetime.datetime(2026, 3, 9, 21, 0, tzinfo=UTC)  # EDT
    assert assignment.created_by == people.ines
    assert assignment.payer_profile == ""


def test_it_shows_the_due_time_back_in_the_cohorts_time_zone(client, people, assignment):
    client.force_login(people.ines)
    form = client.get(reverse("cohorts:edit_assignment", args=[assignment.pk])).text
    assert 'value="2026-03-09T17:00"' in form
    assert 'value="2026-03-02T09:00"' in form
    page = client.get(reverse("cohorts:assignment_detail", args=[assignment.pk])).text
    assert "Mon 9 Mar 2026, 17:00 EDT" in page


def test_it_edits_an_assignment(client, people, assignment):
    client.force_login(people.ines)
    data = assignment_data(
        assignment.case_set,
        due_at="2026-03-10T23:30",
        attempts_allowed="0",
        payer_profile="medicare",
        time_limit_minutes="20",
        score_policy="last",
        late_policy="closed",
        feedback="after_due",
    )
    response = client.post(reverse("cohorts:edit_assignment", args=[assignment.pk]), data)
    assert response.status_code == 302
    assignment.refresh_from_db()
    assert assignment.due_at == datetime.datetime(2026, 3, 11, 3, 30, tzinfo=UTC)
    assert assignment.attempts_allowed == 0
    assert assignment.payer_profile == "medicare"
    assert assignment.time_limit_minutes == 20
    assert (assignment.score_policy, assignment.late_policy) == ("last", "closed")
    assert assignment.feedback == "after_due"


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("due_at", "2026-03-01T09:00", "The due date must be after the opening date."),
        ("due_at", "next tuesday", "Enter a valid date/time."),
        ("opens_at", "", "This field is required."),
        ("attempts_allowed", "-1", "Ensure this value is greater than or equal to 0."),
        ("time_limit_minutes", "0", "Ensure this value is greater than or equal to 1."),
        ("case_set", "99999", "Select a valid choice."),
        ("payer_profile", "made-up", "Select a valid choice."),
        ("score_policy", "worst", "Select a valid choice."),
        # 02:30 on 8 March 2026 does not exist in New York (clocks jump to 03:00).
        ("due_at", "2026-03-08T02:30", "be interpreted in time zone America/New_York"),
    ],
)
def test_it_explains_bad_assignment_input_and_saves_nothing(
    client, people, new_york, field, value, message
):
    client.force_login(people.ines)
    data = assignment_data(make_case_set(), **{field: value})
    response = client.post(reverse("cohorts:create_assignment", args=[new_york.pk]), data)
    assert response.status_code == 200
    assert message in response.text
    assert not Assignment.objects.exists()


def test_it_lists_students_with_their_terms(client, people, assignment):
    carl = make_user(username="carl", first_name="Carl", last_name="Cole")
    assignment.cohort.enrol(carl)
    AssignmentOverride.objects.create(
        assignment=assignment,
        student=carl,
        due_at=datetime.datetime(2026, 3, 12, 21, 0, tzinfo=UTC),
        extra_attempts=2,
        reason="Accommodation",
    )
    client.force_login(people.ines)
    text = client.get(reverse("cohorts:assignment_detail", args=[assignment.pk])).text
    alice_row = text[text.index("Alice Archer") : text.index("Carl Cole")]
    carl_row = text[text.index("Carl Cole") :]
    assert "Mon 9 Mar 2026, 17:00 EDT" in alice_row
    assert "Thu 12 Mar 2026, 17:00 EDT" in carl_row
    assert "Accommodation" in carl_row
    assert "(+2)" in carl_row


def test_it_gives_one_student_an_extension_and_extra_attempts(client, people, assignment):
    client.force_login(people.ines)
    url = reverse("cohorts:edit_override", args=[assignment.pk, people.alice.pk])
    data = {"due_at": "2026-03-12T17:00", "extra_attempts": "2", "reason": "Illness"}
    response = client.post(url, data)
    assert response.url.endswith("#students")
    terms = assignment.terms_for(people.alice)
    assert terms.due_at == datetime.datetime(2026, 3, 12, 21, 0, tzinfo=UTC)
    assert terms.attempts_allowed == 5
    assert AssignmentOverride.objects.get().created_by == people.ines


def test_it_shows_an_existing_override_in_the_cohorts_time_zone(client, people, assignment):
    AssignmentOverride.objects.create(
        assignment=assignment,
        student=people.alice,
        due_at=datetime.datetime(2026, 3, 12, 21, 0, tzinfo=UTC),
    )
    client.force_login(people.ines)
    text = client.get(reverse("cohorts:edit_override", args=[assignment.pk, people.alice.pk])).text
    assert 'value="2026-03-12T17:00"' in text


def test_it_removes_an_override_cleared_of_both_changes(client, people, assignment):
    AssignmentOverride.objects.create(assignment=assignment, student=people.alice, extra_attempts=1)
    client.force_login(people.ines)
    url = reverse("cohorts:edit_override", args=[assignment.pk, people.alice.pk])
    client.post(url, {"due_at": "", "extra_attempts": "0", "reason": ""})
    assert not AssignmentOverride.objects.exists()
    assert assignment.terms_for(people.alice).attempts_allowed == 3


def test_it_refuses_an_extension_before_the_assignment_opens(client, people, assignment):
    client.force_login(people.ines)
    url = reverse("cohorts:edit_override", args=[assignment.pk, people.alice.pk])
    response = client.post(url, {"due_at": "2026-03-01T17:00", "extra_attempts": "0"})
    assert "The due date must be after the assignment opens." in response.text
    assert not AssignmentOverride.objects.exists()


def test_it_404s_an_override_for_a_student_outside_the_cohort(client, people, assignment):
    client.force_login(people.ines)
    url = reverse("cohorts:edit_override", args=[assignment.pk, people.bob.pk])
    assert client.get(url).status_code == 404


def test_it_extends_several_students_at_once(client, people, assignment):
    carl = make_user(username="carl")
    dana = make_user(username="dana")
    for student in (carl, dana):
        assignment.cohort.enrol(student)
    AssignmentOverride.objects.create(assignment=assignment, student=carl, extra_attempts=1)
    client.force_login(people.ines)
    data = {"students": [people.alice.pk, carl.pk], "due_at": "2026-03-16T17:00", "reason": "Snow"}
    response = client.post(reverse("cohorts:extend_due_date", args=[assignment.pk]), data)
    assert response.status_code == 302
    new_due = datetime.datetime(2026, 3, 16, 21, 0, tzinfo=UTC)
    assert assignment.terms_for(people.alice).due_at == new_due
    assert assignment.terms_for(carl).due_at == new_due
    assert assignment.terms_for(carl).attempts_allowed == 4  # the extra attempt stays
    assert assignment.terms_for(dana).due_at == assignment.due_at


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"due_at": "2026-03-16T17:00"}, "Select at least one student to extend."),
        ({"students": ["alice"], "due_at": "2026-03-16T17:00"}, "reload the page and try again"),
        ({"students": ["{alice}"], "due_at": ""}, "This field is required."),
        ({"students": ["{alice}"], "due_at": "2026-02-01T17:00"}, "after the assignment opens"),
        ({"students": ["{bob}"], "due_at": "2026-03-16T17:00"}, "reload the page and try again"),
        ({"students": ["-" + "9" * 20], "due_at": "2026-03-16T17:00"}, "reload the page"),
        ({"students": ["9" * 30, "{alice}"], "due_at": "2026-03-16T17:00"}, "reload the page"),
        ({"students": ["١٢٣"], "due_at": "2026-03-16T17:00"}, "reload the page and try again"),
    ],
)
def test_it_explains_a_bad_bulk_extension_and_changes_nothing(
    client, people, assignment, data, message
):
    ids = {"{alice}": str(people.alice.pk), "{bob}": str(people.bob.pk)}
    data = data | {"students": [ids.get(s, s) for s in data.get("students", [])]}
    client.force_login(people.ines)
    response = client.post(reverse("cohorts:extend_due_date", args=[assignment.pk]), data)
    assert response.status_code == 400
    assert message in response.text
    assert not AssignmentOverride.objects.exists()
