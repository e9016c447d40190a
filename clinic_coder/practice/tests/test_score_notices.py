"""A student is told when a regrade or manual credit changes their score: old, new, why."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from clinic_coder.practice.models import ScoreNotice
from clinic_coder.practice.workflows import apply_regrade, give_manual_credit
from tests.factories import NOW, RIGHT, WRONG_CODE, assigned, correct_key, graded


@pytest.fixture
def regraded(people):
    """Alice's right answer (100) regraded to 70 after the key was corrected to 97140 x1."""
    assignment, (case,) = assigned(cohort=people.cohort_a)
    attempt = graded(student=people.alice, case=case, assignment=assignment, lines=RIGHT)
    correct_key(case)
    apply_regrade(case=case, cohort=people.cohort_a, version=2, by=people.ines, now=NOW)
    return attempt, ScoreNotice.objects.get()


def home(client) -> str:
    return client.get(reverse("practice:student_home")).text


def test_it_records_manual_credit_as_a_notice_with_its_reason(people):
    assignment, (case,) = assigned(cohort=people.cohort_a)
    attempt = graded(student=people.alice, case=case, assignment=assignment, lines=WRONG_CODE)
    give_manual_credit(
        attempt=attempt, mark_index=0, credit=Decimal("0.5"), reason="Defensible choice.",
        by=people.ines, now=NOW,
    )  # fmt: skip
    notice = ScoreNotice.objects.get()
    assert (notice.student, notice.cause, notice.old_score, notice.new_score) == (
        people.alice,
        "manual_credit",
        0,
        50,
    )
    assert "Defensible choice." in notice.reason


def test_it_sends_no_notice_when_the_score_stays(people):
    assignment, (case,) = assigned(cohort=people.cohort_a)
    attempt = graded(student=people.alice, case=case, assignment=assignment, lines=RIGHT)
    case.services.update(minutes_low=25, minutes_high=25)  # other facts: the note is kept
    apply_regrade(case=case, cohort=people.cohort_a, version=2, by=people.ines, now=NOW)
    give_manual_credit(
        attempt=attempt, mark_index=0, credit=Decimal(1), reason="Still right.",
        by=people.ines, now=NOW,
    )  # fmt: skip
    assert not ScoreNotice.objects.exists()


def test_it_shows_the_notice_on_practice_home_until_dismissed(client, people, regraded):
    attempt, notice = regraded
    client.force_login(people.alice)
    page = home(client)
    assert "Scores that changed" in page and "score 100 → 70" in page
    assert attempt.get_absolute_url() in page
    response = client.post(reverse("practice:dismiss_notice", args=[notice.pk]))
    assert response.status_code == 302
    notice.refresh_from_db()
    assert notice.read_at is not None
    assert "Scores that changed" not in home(client)


def test_it_shows_the_notice_on_the_feedback_page_and_counts_it_read(client, people, regraded):
    attempt, notice = regraded
    client.force_login(people.alice)
    page = client.get(reverse("practice:attempt_feedback", args=[attempt.pk])).text
    changed = page.split('id="score-changed"')[1].split("</section>")[0]
    assert "100 → 70" in changed and "97140 x1" in changed
    notice.refresh_from_db()
    assert notice.read_at is not None
    assert "Scores that changed" not in home(client)
    # Still on the feedback page: it is the attempt's history.
    assert "100 → 70" in client.get(attempt.get_absolute_url()).text


@pytest.mark.parametrize(("persona", "status"), [("bob", 404), ("ines", 403), ("sofia", 403)])
def test_it_lets_only_the_student_dismiss_their_notice(client, people, regraded, persona, status):
    _, notice = regraded
    client.force_login(getattr(people, persona))
    response = client.post(reverse("practice:dismiss_notice", args=[notice.pk]))
    assert response.status_code == status
    notice.refresh_from_db()
    assert notice.read_at is None


def test_it_shows_no_one_elses_notice_on_their_home(client, people, regraded):
    client.force_login(people.bob)
    assert "Scores that changed" not in home(client)


def test_it_refuses_a_get_to_dismiss(client, people, regraded):
    _, notice = regraded
    client.force_login(people.alice)
    assert client.get(reverse("practice:dismiss_notice", args=[notice.pk])).status_code == 405


def test_it_keeps_a_deferred_score_hidden_in_its_notice(client, people):
    """Feedback after the due date: a notice must not give the score away before then."""
    assignment, (case,) = assigned(cohort=people.cohort_a, feedback="after_due")
    attempt = graded(student=people.alice, case=case, assignment=assignment, lines=RIGHT)
    correct_key(case)
    apply_regrade(case=case, cohort=people.cohort_a, version=2, by=people.ines, now=NOW)
    assert ScoreNotice.objects.exists()
    client.force_login(people.alice)
    assert "Scores that changed" not in home(client)
    assert "100 → 70" not in client.get(attempt.get_absolute_url()).text
    assignment.opens_at = NOW - datetime.timedelta(days=3)
    assignment.due_at = NOW - datetime.timedelta(days=1)
    assignment.save()
    assert "score 100 → 70" in home(client)
