"""The supervisor's drill-down: attempts linked from a student's record, students with nothing
attempted flagged, practice counted, sign-offs revoked with an audit and confirmed when the
skill needs work."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from clinic_coder.accounts.models import User
from clinic_coder.catalog.loading import load_catalog
from clinic_coder.practice.models import Attempt
from clinic_coder.practice.tests.test_mastery import RIGHT, WRONG, answer
from clinic_coder.progress.models import SignOff
from tests.factories import make_assignment, make_case, make_case_set, make_user


@pytest.fixture
def case(people):
    load_catalog()
    return make_case()


@pytest.fixture
def assignment(people, case):
    return make_assignment(cohort=people.cohort_a, case_set=make_case_set(cases=[case]))


def record(student) -> str:
    return reverse("progress:student_record", args=[student.pk])


def dashboard(client) -> str:
    return client.get(reverse("progress:supervisor_dashboard")).text


# --- attempts on the record link to the staff attempt page ------------------------------------


@pytest.mark.parametrize("persona", ["sofia", "ines", "admin"])
def test_it_links_each_attempt_of_the_record_to_its_staff_page(
    client, people, case, assignment, persona
):
    answer(people.alice, case, WRONG, timezone.now(), assignment)
    answer(people.alice, case, RIGHT, timezone.now())  # practice
    assigned, practised = Attempt.objects.order_by("pk")
    client.force_login(getattr(people, persona))
    page = client.get(record(people.alice)).text
    for attempt in (assigned, practised):
        link = reverse("practice:staff_attempt", args=[people.cohort_a.pk, attempt.pk])
        assert f'href="{link}"' in page
        assert client.get(link).status_code == 200


def test_it_shows_practice_to_the_cohorts_staff_without_credit_forms(client, people, case):
    answer(people.alice, case, WRONG, timezone.now())
    practised = Attempt.objects.get()
    client.force_login(people.ines)
    page = client.get(reverse("practice:staff_attempt", args=[people.cohort_a.pk, practised.pk]))
    assert page.status_code == 200
    assert "in free practice" in page.text
    assert "Give manual credit" not in page.text
    credit = reverse("practice:give_credit", args=[people.cohort_a.pk, practised.pk, 0])
    assert client.post(credit, {"credit": "1", "reason": "x"}).status_code == 404


@pytest.mark.parametrize(("persona", "status"), [("igor", 404), ("bob", 403), ("alice", 403)])
def test_it_keeps_practice_from_other_staff_and_students(client, people, case, persona, status):
    answer(people.alice, case, WRONG, timezone.now())
    practised = Attempt.objects.get()
    client.force_login(getattr(people, persona))
    url = reverse("practice:staff_attempt", args=[people.cohort_a.pk, practised.pk])
    assert client.get(url).status_code == status
    # Nor through another cohort's address, where the student is not enrolled.
    client.force_login(people.igor)
    url = reverse("practice:staff_attempt", args=[people.cohort_b.pk, practised.pk])
    assert client.get(url).status_code == 404


# --- the dashboard ------------------------------------------------------------------------


def test_it_flags_a_student_with_no_attempts(client, people):
    client.force_login(people.sofia)
    page = dashboard(client)
    below = page[page.index("Below 70") : page.index("Every student")]
    assert "Alice Archer" in below
    assert "no attempts yet" in below


def test_it_counts_practice_apart_from_assigned_attempts(client, people, case, assignment):
    answer(people.alice, case, RIGHT, timezone.now(), assignment)
    for _ in range(3):
        answer(people.alice, case, RIGHT, timezone.now())
    client.force_login(people.sofia)
    page = dashboard(client)
    assert "Assigned attempts" in page and "Practice attempts" in page
    row = page[page.index("Alice Archer</a></th>") :].split("</tr>")[0]
    assert [cell.split("</td>")[0] for cell in row.split("<td>")[1:]] == ["100", "1", "3", "0"]


# --- revoking a sign-off ------------------------------------------------------------------


def sign(client, people, skill="units-cms", **extra):
    return client.post(
        reverse("progress:sign_off", args=[people.alice.pk]), {"skill": skill, **extra}
    )


def revoke_url(people, sign_off) -> str:
    return reverse("progress:revoke_sign_off", args=[people.alice.pk, sign_off.pk])


def test_it_revokes_a_sign_off_with_who_when_and_why_and_keeps_it(client, people):
    client.force_login(people.sofia)
    sign(client, people)
    sign_off = SignOff.objects.get()
    response = client.post(revoke_url(people, sign_off), {"reason": "Slipped on three cases."})
    assert response.status_code == 302
    sign_off.refresh_from_db()
    assert sign_off.revoked_by == people.sofia
    assert sign_off.revoked_at is not None
    assert sign_off.revoke_reason == "Slipped on three cases."
    page = client.get(record(people.alice)).text
    assert "revoked</span> by Sofia Soto" in page
    assert "Slipped on three cases." in page
    # Signed off again later: a new sign-off beside the revoked one, history intact.
    sign(client, people)
    assert SignOff.objects.count() == 2
    assert SignOff.objects.filter(revoked_at=None).count() == 1


def test_it_shows_the_student_a_revoked_sign_off(client, people):
    client.force_login(people.sofia)
    sign(client, people)
    client.post(revoke_url(people, SignOff.objects.get()), {"reason": "Not yet."})
    client.force_login(people.alice)
    page = client.get(reverse("progress:my_progress")).text
    assert "revoked</span> by Sofia Soto" in page and "Not yet." in page
    assert "Revoke this sign-off" not in page


def test_it_needs_a_reason_to_revoke(client, people):
    client.force_login(people.sofia)
    sign(client, people)
    sign_off = SignOff.objects.get()
    response = client.post(revoke_url(people, sign_off), {"reason": "  "}, follow=True)
    assert "Nothing was revoked" in response.text
    sign_off.refresh_from_db()
    assert sign_off.standing


@pytest.mark.parametrize(
    ("persona", "status"), [("ines", 403), ("alice", 403), ("igor", 403), ("sam", 404)]
)
def test_it_lets_only_the_cohorts_supervisor_revoke(client, people, persona, status):
    sam = make_user(username="sam", role="supervisor")
    people.cohort_b.supervisors.add(sam)
    client.force_login(people.sofia)
    sign(client, people)
    sign_off = SignOff.objects.get()
    assert "Revoke this sign-off" in client.get(record(people.alice)).text
    client.force_login(User.objects.get(username=persona))
    response = client.post(revoke_url(people, sign_off), {"reason": "Mine to revoke?"})
    assert response.status_code == status
    sign_off.refresh_from_db()
    assert sign_off.standing


def test_it_offers_revoking_only_to_supervisors(client, people):
    client.force_login(people.sofia)
    sign(client, people)
    client.force_login(people.ines)
    assert "Revoke this sign-off" not in client.get(record(people.alice)).text


# --- a "needs work" skill asks for confirmation -------------------------------------------


def test_it_warns_before_signing_off_a_skill_that_needs_work(client, people, case):
    start = timezone.now()
    for minute in range(3):
        answer(people.alice, case, WRONG, start + datetime.timedelta(minutes=minute))
    client.force_login(people.sofia)
    response = sign(client, people, skill="code-choice-manual-therapy")
    assert response.status_code == 200
    assert "needs work" in response.text and "Sign off anyway" in response.text
    assert not SignOff.objects.exists()
    response = sign(client, people, skill="code-choice-manual-therapy", confirmed="True")
    assert response.status_code == 302
    assert SignOff.objects.get().skill == "code-choice-manual-therapy"


def test_it_signs_off_a_skill_not_needing_work_at_once(client, people, case):
    start = timezone.now()
    for minute in range(3):
        answer(people.alice, case, RIGHT, start + datetime.timedelta(minutes=minute))
    client.force_login(people.sofia)
    assert sign(client, people, skill="code-choice-manual-therapy").status_code == 302
    assert SignOff.objects.count() == 1
