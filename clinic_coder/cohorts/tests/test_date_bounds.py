"""Every date a person types (assignment dates, one student's extension, a bulk extension)
falls from 2000 to 2100 in the cohort's time zone. On PostgreSQL a year-9999 due date in
Chicago is year 10000 in UTC, which Python cannot read back: every page of the cohort failed."""

import datetime

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse

from clinic_coder.cohorts.forms import CohortForm, time_zone_choices
from clinic_coder.cohorts.models import Assignment, AssignmentOverride
from tests.factories import make_assignment, make_case_set

from .test_assignments import assignment_data

UTC = datetime.UTC
FAR_FUTURE = ["9999-12-31T23:59", "2101-01-01T00:00", "1999-12-31T23:59", "0001-01-01T00:00"]


@pytest.fixture
def assignment(people):
    people.cohort_a.time_zone = "America/Chicago"
    people.cohort_a.save()
    return make_assignment(cohort=people.cohort_a, case_set=make_case_set())


def pages_of_the_cohort(client, people, assignment) -> None:
    client.force_login(people.alice)
    assert client.get(reverse("practice:student_home")).status_code == 200
    assert client.get(reverse("progress:my_progress")).status_code == 200
    client.force_login(people.ines)
    for name, args in [
        ("cohorts:cohort_detail", [people.cohort_a.pk]),
        ("cohorts:assignment_detail", [assignment.pk]),
        ("teach:gradebook", [people.cohort_a.pk]),
        ("teach:export_gradebook", [people.cohort_a.pk]),
    ]:
        assert client.get(reverse(name, args=args)).status_code == 200


@pytest.mark.parametrize("due", FAR_FUTURE)
def test_it_refuses_an_assignment_due_outside_2000_to_2100(client, people, assignment, due):
    client.force_login(people.ines)
    before = Assignment.objects.values_list("opens_at", "due_at").get()
    data = assignment_data(assignment.case_set, opens_at="2026-03-02T09:00", due_at=due)
    response = client.post(reverse("cohorts:edit_assignment", args=[assignment.pk]), data)
    assert response.status_code == 200
    assert "Give a date from 2000 to 2100." in response.text
    assert Assignment.objects.values_list("opens_at", "due_at").get() == before
    pages_of_the_cohort(client, people, assignment)


def test_it_refuses_an_extension_for_one_student_past_2100(client, people, assignment):
    client.force_login(people.ines)
    url = reverse("cohorts:edit_override", args=[assignment.pk, people.alice.pk])
    data = {"due_at": "9999-12-31T23:59", "extra_attempts": "0", "reason": ""}
    response = client.post(url, data)
    assert "Give a date from 2000 to 2100." in response.text
    assert not AssignmentOverride.objects.exists()
    pages_of_the_cohort(client, people, assignment)


def test_it_refuses_a_bulk_extension_past_2100(client, people, assignment):
    client.force_login(people.ines)
    url = reverse("cohorts:extend_due_date", args=[assignment.pk])
    response = client.post(url, {"students": [people.alice.pk], "due_at": "9999-12-31T23:59"})
    assert response.status_code == 400
    assert "Give a date from 2000 to 2100." in response.text
    assert not AssignmentOverride.objects.exists()
    pages_of_the_cohort(client, people, assignment)


def test_the_database_refuses_a_date_outside_the_bounds_from_any_path(people, assignment):
    far = datetime.datetime(2200, 1, 1, tzinfo=UTC)
    with pytest.raises(IntegrityError), transaction.atomic():
        Assignment.objects.filter(pk=assignment.pk).update(due_at=far)


def test_pages_cope_with_dates_at_the_bounds_in_any_time_zone(client, people, assignment):
    for zone in ("Pacific/Kiritimati", "Pacific/Pago_Pago"):
        people.cohort_a.time_zone = zone
        people.cohort_a.save()
        Assignment.objects.filter(pk=assignment.pk).update(
            opens_at=datetime.datetime(1999, 12, 31, 0, 1, tzinfo=UTC),
            due_at=datetime.datetime(2101, 1, 1, 23, 59, tzinfo=UTC),
        )
        pages_of_the_cohort(client, people, assignment)


def test_it_does_not_offer_or_accept_localtime_as_a_cohort_time_zone() -> None:
    assert "localtime" not in dict(time_zone_choices())
    form = CohortForm({"name": "Night class", "term": "", "time_zone": "localtime"})
    assert not form.is_valid()
    assert "time_zone" in form.errors
