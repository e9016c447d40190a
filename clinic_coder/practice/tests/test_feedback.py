import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from clinic_coder.catalog.models import ProcedureCode
from clinic_coder.practice.models import Attempt
from clinic_coder.practice.tests.test_submit import RIGHT, open_case, submit


@pytest.fixture
def attempt(client, people, case):
    client.force_login(people.alice)
    submit(
        client, case, [{"code": "97124", "minutes": "24", "units": "1"}], open_case(client, case)
    )
    client.logout()
    return Attempt.objects.get()


def test_it_shows_score_marks_findings_key_and_teaching_point(client, people, attempt):
    client.force_login(people.alice)
    page = client.get(attempt.get_absolute_url()).text
    assert "Score 0 / 100" in page
    assert "Wrong code" in page
    assert "manual therapy, 97140" in page
    assert "97140 x2" in page
    assert "One specific muscle freed of adhesions" in page
    assert "Per-code method" in page and "CMS 8-minute rule" in page


def test_it_shows_an_attempt_only_to_its_student(client, people, attempt):
    client.force_login(people.bob)
    assert client.get(attempt.get_absolute_url()).status_code == 404


@pytest.mark.parametrize("persona", ["ines", "sofia"])
def test_it_refuses_staff_on_the_student_page(client, people, attempt, persona):
    client.force_login(getattr(people, persona))
    assert client.get(attempt.get_absolute_url()).status_code == 403


def test_it_lists_the_students_history_on_a_case(client, people, case, attempt):
    client.force_login(people.alice)
    page = client.get(reverse("practice:case_history", args=[case.slug])).text
    assert attempt.get_absolute_url() in page
    client.force_login(people.bob)
    page = client.get(reverse("practice:case_history", args=[case.slug])).text
    assert attempt.get_absolute_url() not in page


def test_it_keeps_the_key_an_attempt_was_graded_against_after_an_edit(
    client, people, case, attempt
):
    service = case.services.get()
    service.minutes_low = service.minutes_high = 40
    service.save()
    client.force_login(people.alice)
    submit(client, case, RIGHT, open_case(client, case))
    old, new = Attempt.objects.order_by("pk")
    assert old.revision.version == 1 and new.revision.version == 2
    assert old.key["alternatives"][0][0]["units"] == 2
    assert new.key["alternatives"][0][0]["units"] == 3
    assert "24 min" in client.get(old.get_absolute_url()).text


def make_codes(count: int) -> None:
    ProcedureCode.objects.bulk_create(
        ProcedureCode(code=f"X{n:04d}", descriptor="Clinic code", timed=False, family="clinic")
        for n in range(count)
    )


def count_queries(action) -> tuple[int, object]:
    with CaptureQueriesContext(connection) as context:
        result = action()
    return len(context.captured_queries), result


def test_it_submits_and_renders_feedback_in_constant_queries(client, people, case):
    client.force_login(people.alice)
    token = open_case(client, case)
    submit_queries, response = count_queries(lambda: submit(client, case, RIGHT, token))
    feedback_queries, _ = count_queries(lambda: client.get(response.url))
    assert submit_queries <= 25 and feedback_queries <= 12
    # A bigger catalog and a longer history must not cost more queries.
    make_codes(200)
    for _ in range(5):
        submit(client, case, RIGHT, open_case(client, case))
    token = open_case(client, case)
    more_submit, response = count_queries(lambda: submit(client, case, RIGHT, token))
    more_feedback, _ = count_queries(lambda: client.get(response.url))
    # (The very first submit also freezes the case's first revision.)
    assert more_submit <= submit_queries
    assert more_feedback == feedback_queries


def test_it_agrees_on_one_revision_from_a_stale_copy_of_the_case(client, people, case, attempt):
    stale = type(case).objects.get(pk=case.pk)
    service = case.services.get()
    service.minutes_low = service.minutes_high = 40
    service.save()
    fresh = case.current_revision()
    assert stale.current_revision() == fresh
    assert fresh.version == 2
