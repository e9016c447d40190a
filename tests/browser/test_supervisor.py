"""A supervisor reads the dashboard, drills into a student and signs off a skill area."""

import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from clinic_coder.catalog.loading import load_catalog
from clinic_coder.practice.tests.test_mastery import WRONG, answer
from tests.browser.accessibility import scan
from tests.factories import log_in, make_case

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def low_scorer(people):
    load_catalog()
    answer(people.alice, make_case(), WRONG, timezone.now())
    return people.alice


def test_it_drills_from_the_dashboard_to_a_sign_off(page, people, low_scorer):
    log_in(page, "sofia")
    expect(page.get_by_role("heading", level=1)).to_have_text("Overview")
    page.get_by_label("Flag students whose mean score is below").fill("50")
    page.get_by_role("button", name="Update").click()
    below = page.get_by_role("heading", name="Below 50")
    expect(below).to_be_visible()
    page.get_by_role("link", name="Alice Archer").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Alice Archer")
    expect(page.get_by_role("rowheader", name="Choosing manual therapy (97140)")).to_be_visible()
    page.get_by_label("Skill area").select_option("units-cms")
    page.get_by_label("Note").fill("Worked three boundary cases aloud without a slip.")
    page.get_by_role("button", name="Sign off").click()
    expect(page.get_by_text("Signed off: Units by the CMS 8-minute rule.")).to_be_visible()
    expect(page.get_by_text("signed by Sofia Soto on")).to_be_visible()


def test_it_passes_axe_on_the_supervisor_and_progress_pages(
    browser, live_server, people, low_scorer
):
    context = browser.new_context(base_url=live_server.url, bypass_csp=True)
    page = context.new_page()
    problems = {}
    for username, paths in (
        ("sofia", ["/overview/", f"/students/{people.alice.pk}/"]),
        ("alice", ["/progress/"]),
    ):
        context.clear_cookies()
        log_in(page, username)
        problems |= scan(page, paths)
    context.close()
    assert problems == {}


def test_it_confirms_a_needs_work_sign_off_then_revokes_it_with_a_reason(page, people):
    import datetime

    load_catalog()
    case = make_case()
    start = timezone.now()
    for minute in range(3):
        answer(people.alice, case, WRONG, start + datetime.timedelta(minutes=minute))
    log_in(page, "sofia")
    page.goto(f"/students/{people.alice.pk}/")
    page.get_by_label("Skill area").select_option("code-choice-manual-therapy")
    page.get_by_role("button", name="Sign off").click()
    expect(page.locator("#needs-work-warning")).to_contain_text("needs work")
    page.get_by_role("button", name="Sign off anyway").click()
    expect(page.get_by_text("Signed off: Choosing manual therapy (97140).")).to_be_visible()
    page.get_by_text("Revoke this sign-off").click()
    page.get_by_label("Why revoke Choosing manual therapy (97140)").fill("Signed in error.")
    page.get_by_role("button", name="Revoke Choosing manual therapy (97140)").click()
    expect(page.get_by_text("Revoked: Choosing manual therapy (97140).")).to_be_visible()
    expect(page.locator("#sign-offs")).to_contain_text("by Sofia Soto")
    expect(page.locator("#sign-offs")).to_contain_text('"Signed in error."')
    page.get_by_role("link", name=re.compile("^Neck release")).first.click()
    expect(page.locator("#score")).to_have_text("Score 0 / 100")
