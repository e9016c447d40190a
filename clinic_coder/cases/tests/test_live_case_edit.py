"""The case editor warns before changing a case students can still work on, and asks before
saving a change of the note's facts (a new version only new attempts read)."""

import datetime

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from clinic_coder.cases.models import Case
from tests.factories import make_assignment, make_case_set

from .test_views_support import form_data, load_codes, make_case

pytestmark = pytest.mark.django_db


@pytest.fixture
def case(people):
    """Ines's published case, in cohort A's open assignment of the set "Basics"."""
    load_codes()
    case = make_case(owner=people.ines, status="published")
    make_assignment(cohort=people.cohort_a, case_set=make_case_set(cases=[case]))
    return case


def edit(client, case: Case, **overrides: str):
    service = {"services-INITIAL_FORMS": "1", "services-0-id": str(case.services.get().pk)}
    return client.post(
        reverse("cases:edit_case", args=[case.slug]), form_data(**service, **overrides)
    )


def test_it_warns_on_the_edit_page_of_a_case_in_an_open_assignment(client, people, case):
    client.force_login(people.ines)
    page = client.get(reverse("cases:edit_case", args=[case.slug])).text
    warning = page.split('id="live-case-warning"')[1].split("</div>")[0]
    assert "Students are working on this case" in warning
    assert "Basics for Cohort A" in warning
    assert "Save the new version anyway" not in warning


def test_it_shows_no_warning_once_the_assignment_is_past_due(client, people, case):
    client.force_login(people.ines)
    with time_machine.travel(timezone.now() + datetime.timedelta(days=30)):
        page = client.get(reverse("cases:edit_case", args=[case.slug])).text
    assert "live-case-warning" not in page


def test_it_asks_before_saving_other_minutes(client, people, case):
    client.force_login(people.ines)
    response = edit(
        client, case, **{"services-0-minutes_low": "25", "services-0-minutes_high": "25"}
    )
    assert response.status_code == 409
    assert "Save the new version anyway" in response.text
    assert case.services.get().minutes_low == 9
    # The confirm button posts the same form again, with the answer.
    response = edit(
        client, case, confirm_live_change="yes",
        **{"services-0-minutes_low": "25", "services-0-minutes_high": "25"},
    )  # fmt: skip
    assert response.status_code == 302
    assert case.services.get().minutes_low == 25


def test_it_asks_before_saving_another_note(client, people, case):
    client.force_login(people.ines)
    response = edit(client, case, note="Graston to the left upper trapezius, {mt} min.")
    assert response.status_code == 409
    assert Case.objects.get(pk=case.pk).note == case.note


@pytest.mark.parametrize(
    "change", [{"title": "Tight trapezius, again"}, {"services-0-technique": "myofascial_release"}]
)
def test_it_saves_a_change_that_leaves_the_facts_alone_at_once(client, people, case, change):
    """A title or a corrected technique (how the note is coded) is no new note."""
    client.force_login(people.ines)
    assert edit(client, case, **change).status_code == 302


def test_it_saves_a_case_in_no_open_assignment_without_asking(client, people):
    load_codes()
    case = make_case(owner=people.ines, status="published")
    client.force_login(people.ines)
    response = edit(client, case, note="Graston to the left upper trapezius, {mt} min.")
    assert response.status_code == 302


def test_it_lets_no_one_else_through_the_confirm_step(client, people, case):
    client.force_login(people.igor)
    response = edit(client, case, confirm_live_change="yes", note="Other {mt} min.")
    assert response.status_code == 403
    assert Case.objects.get(pk=case.pk).note == case.note
