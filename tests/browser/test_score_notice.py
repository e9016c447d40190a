"""A student whose score a regrade changed is told so, in a real Chromium: on My practice
until dismissed, and on the attempt's feedback beside the note they read."""

import pytest
from playwright.sync_api import expect

from clinic_coder.practice.workflows import apply_regrade
from tests.browser.accessibility import serious_violations
from tests.factories import NOW, RIGHT, assigned, correct_key, graded, log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def regraded(people):
    """Alice answered the 24-minute note right (100); then the minutes became 10 and the key
    was corrected to 97140 x1, and the cohort's attempts were regraded (70)."""
    assignment, (case,) = assigned(cohort=people.cohort_a)
    attempt = graded(student=people.alice, case=case, assignment=assignment, lines=RIGHT)
    case.services.update(minutes_low=10, minutes_high=10)
    correct_key(case)
    apply_regrade(case=case, cohort=people.cohort_a, version=2, by=people.ines, now=NOW)
    return attempt


def test_it_tells_the_student_their_score_changed_and_keeps_their_note(page, people, regraded):
    log_in(page, people.alice.username)
    page.goto("/practice/")
    notices = page.locator("#score-notices")
    expect(notices).to_contain_text("score 100 → 70")
    expect(notices).to_contain_text("97140 x1")
    assert serious_violations(page) == []

    notices.get_by_role("link", name="See the feedback").click()
    expect(page.locator("#score")).to_have_text("Score 70 / 100")
    expect(page.locator("#score-changed")).to_contain_text("100 → 70")
    page.get_by_text("The visit note you answered").click()
    note = page.locator("details").filter(has_text="The visit note you answered")
    expect(note).to_contain_text("24 min")
    expect(note).not_to_contain_text("10 min")

    # Read on the feedback page: My practice no longer lists it.
    page.goto("/practice/")
    expect(page.get_by_role("heading", name="My practice")).to_be_visible()
    expect(page.locator("#score-notices")).to_have_count(0)


def test_it_dismisses_the_notice_from_practice_home(page, people, regraded):
    log_in(page, people.alice.username)
    page.goto("/practice/")
    page.get_by_role("button", name="Dismiss").click()
    expect(page.get_by_role("heading", name="My practice")).to_be_visible()
    expect(page.locator("#score-notices")).to_have_count(0)
