"""Graded and destructive actions ask first: a <dialog> with JavaScript (keyboard: the focus
moves into it, Escape cancels, confirming submits), a page of its own without."""

import re

import pytest
from playwright.sync_api import expect

from clinic_coder.catalog.loading import load_catalog
from clinic_coder.practice.models import Attempt
from tests.factories import (
    log_in,
    make_assignment,
    make_case,
    make_case_set,
    make_cohort,
    make_user,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def cohort(db):
    load_catalog()
    ines = make_user(username="ines", role="instructor", first_name="Ines", last_name="Ito")
    sam = make_user(username="sam", first_name="Sam", last_name="Sands")
    cohort = make_cohort(name="Rotation A", instructors=[ines], students=[sam])
    case = make_case()  # myofascial release, 24 minutes: 97140 x2 per code
    make_assignment(cohort=cohort, case_set=make_case_set(cases=[case]), attempts_allowed=2)
    return cohort


def fill_right_answer(page) -> None:
    page.get_by_label("Code", exact=True).first.fill("97140")
    page.get_by_label("Minutes", exact=True).first.fill("24")
    page.get_by_label("Units", exact=True).first.fill("2")


def open_assigned_case(page, cohort) -> None:
    assignment = cohort.assignments.get()
    page.goto(f"/practice/assignments/{assignment.pk}/cases/neck-release/")


def test_it_asks_in_a_dialog_before_a_new_invite_code(page, cohort):
    log_in(page, "ines")
    page.goto(f"/teach/cohorts/{cohort.pk}/")
    code = page.locator("#invite-code")
    old_code = code.inner_text()
    page.get_by_role("button", name="New invite code").focus()
    page.keyboard.press("Enter")
    dialog = page.get_by_role("dialog", name="Make a new invite code for Rotation A?")
    expect(dialog).to_be_visible()
    expect(dialog).to_contain_text(f"The code {old_code} stops working at once")
    expect(dialog.get_by_role("button", name="Cancel")).to_be_focused()
    page.keyboard.press("Escape")
    expect(dialog).to_be_hidden()
    expect(page.get_by_role("button", name="New invite code")).to_be_focused()
    expect(code).to_have_text(old_code)

    page.get_by_role("button", name="New invite code").click()
    expect(dialog).to_be_visible()
    dialog.get_by_role("button", name="Make a new code").click()
    expect(code).not_to_have_text(old_code)
    expect(page.locator("#invite-status")).to_contain_text("The old one no longer works")
    cohort.refresh_from_db()
    assert cohort.invite_code != old_code


def test_it_asks_before_using_a_limited_attempt_and_enter_only_saves(page, cohort):
    log_in(page, "sam")
    open_assigned_case(page, cohort)
    fill_right_answer(page)
    page.get_by_label("Units", exact=True).first.press("Enter")
    expect(page.get_by_text("Answer saved. It is graded only when you submit it.")).to_be_visible()
    expect(page.get_by_label("Units", exact=True).first).to_have_value("2")
    assert not Attempt.objects.exists()

    page.get_by_role("button", name="Submit for grading").click()
    dialog = page.get_by_role("dialog", name="Submit your answer for grading?")
    expect(dialog).to_contain_text("This uses one of the 2 attempts you have left")
    dialog.get_by_role("button", name="Cancel").click()
    expect(dialog).to_be_hidden()
    assert not Attempt.objects.exists()

    page.get_by_role("button", name="Submit for grading").click()
    dialog.get_by_role("button", name="Submit for grading").click()
    page.wait_for_url("**/practice/attempts/*/")
    expect(page.locator("#score")).to_have_text("Score 100 / 100")


def test_it_asks_on_a_page_of_its_own_without_javascript(page_without_js, cohort):
    page = page_without_js
    log_in(page, "sam")
    open_assigned_case(page, cohort)
    fill_right_answer(page)
    page.get_by_role("button", name="Submit for grading").click()
    expect(page.get_by_role("heading", name="Submit your answer for grading?")).to_be_visible()
    page.get_by_role("link", name="Cancel").click()
    # Back at the case, the answer is still there and nothing was graded.
    expect(page.get_by_label("Units", exact=True).first).to_have_value("2")
    assert not Attempt.objects.exists()
    page.get_by_role("button", name="Submit for grading").click()
    page.get_by_role("button", name="Submit for grading").click()
    page.wait_for_url("**/practice/attempts/*/")
    expect(page.locator("#score")).to_have_text("Score 100 / 100")


def test_it_asks_before_starting_over_with_new_numbers(page, cohort):
    log_in(page, "sam")
    page.goto("/practice/cases/neck-release/")
    page.get_by_label("Code", exact=True).first.fill("97140")
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.get_by_text("Answer saved.")).to_be_visible()
    page.get_by_role("button", name="Start over with new numbers").click()
    dialog = page.get_by_role("dialog", name="Start over with new numbers?")
    expect(dialog.get_by_role("button", name="Cancel")).to_be_focused()
    page.keyboard.press("Escape")
    expect(page.get_by_label("Code", exact=True).first).to_have_value("97140")
    page.get_by_role("button", name="Start over with new numbers").click()
    dialog.get_by_role("button", name="Start over").click()
    expect(page.get_by_text(re.compile("A new variant"))).to_be_visible()
    expect(page.get_by_label("Code", exact=True).first).to_have_value("")


def test_it_passes_axe_with_the_dialog_open_and_on_the_pages_that_ask(browser, live_server, cohort):
    from tests.browser.accessibility import serious_violations

    context = browser.new_context(base_url=live_server.url, bypass_csp=True)
    context.set_default_timeout(10_000)
    page = context.new_page()
    log_in(page, "ines")
    page.goto(f"/teach/cohorts/{cohort.pk}/")
    problems = {}
    page.get_by_role("button", name="Deactivate Sam Sands").click()
    expect(page.get_by_role("dialog")).to_be_visible()
    if found := serious_violations(page):
        problems["dialog"] = found
    page.keyboard.press("Escape")
    page.goto(f"/teach/cohorts/{cohort.pk}/students/add/")
    page.get_by_label("Username", exact=False).last.fill("dana")
    page.get_by_role("button", name="Create account and enrol").click()
    expect(page.get_by_label("Set-your-password link for dana")).to_be_visible()
    if found := serious_violations(page):
        problems["account made"] = found
    # The page that asks when JavaScript is off (axe itself needs JavaScript to run): the
    # form sent as it is, without the dialog.
    page.goto(f"/teach/cohorts/{cohort.pk}/")
    page.evaluate("document.querySelector('#invite form').submit()")
    expect(page.get_by_role("heading", name=re.compile("Make a new invite code"))).to_be_visible()
    if found := serious_violations(page):
        problems["confirmation page"] = found
    # The case import's preview.
    bank = page.request.get("/cases/export/").body()
    page.goto("/cases/import/")
    page.get_by_label("Case bank file (JSON)").set_input_files(
        files=[{"name": "bank.json", "mimeType": "application/json", "buffer": bank}]
    )
    page.get_by_role("button", name="Preview import").click()
    expect(page.get_by_role("heading", name="Check the case import")).to_be_visible()
    if found := serious_violations(page):
        problems["case import preview"] = found
    context.close()
    assert problems == {}
