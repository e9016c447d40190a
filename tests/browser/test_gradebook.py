"""An instructor reads the gradebook and gives manual credit; the student sees it."""

import re

import pytest
from playwright.sync_api import expect

from tests.browser.accessibility import scan
from tests.factories import WRONG_CODE, assigned, graded, log_in, make_students

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def attempt(people):
    assignment, (case,) = assigned(cohort=people.cohort_a)
    return graded(student=people.alice, case=case, assignment=assignment, lines=WRONG_CODE)


def test_it_gives_manual_credit_that_the_student_then_sees(browser, live_server, people, attempt):
    staff = browser.new_context(base_url=live_server.url)
    page = staff.new_page()
    log_in(page, "ines")
    page.goto(f"/teach/cohorts/{people.cohort_a.pk}/gradebook/")
    alice = page.get_by_role("row", name=re.compile("Alice Archer"))
    alice.get_by_role("link", name=re.compile("^0")).click()
    page.get_by_role("link", name=re.compile("Open")).click()
    expect(page.locator("#score")).to_have_text("Score 0 / 100")

    form = page.get_by_role("form", name=re.compile("Line 1: 97124"))
    form.get_by_label("New credit").fill("1")
    form.get_by_label("Reason").fill("97124 is defensible for this note.")
    form.get_by_role("button", name="Save credit for line 1").click()

    expect(page.locator("#score")).to_have_text("Score 100 / 100")
    expect(page.get_by_text("Credit saved: the score is now 100.")).to_be_visible()
    trail = page.locator("#manual-credits")
    expect(trail).to_contain_text("97124 is defensible for this note.")
    expect(trail).to_contain_text("0 → 100")
    staff.close()

    student = browser.new_context(base_url=live_server.url)
    page = student.new_page()
    log_in(page, "alice")
    page.goto(f"/practice/attempts/{attempt.pk}/")
    expect(page.locator("#score")).to_have_text("Score 100 / 100")
    credit = page.locator("#manual-credit")
    expect(credit).to_contain_text("Ines Ito")
    expect(credit).to_contain_text("97124 is defensible for this note.")
    student.close()


def test_the_staff_attempt_page_names_each_region_once(page, people, attempt):
    # The marks' scroll box is a region of its own: it must not repeat its section's name.
    log_in(page, "ines")
    page.goto(f"/teach/cohorts/{people.cohort_a.pk}/attempts/{attempt.pk}/")
    expect(page.get_by_role("region", name="Marks, line by line", exact=True)).to_have_count(1)
    marks = page.get_by_role("region", name="Each line of the claim and of the key, with its mark")
    expect(marks).to_have_attribute("tabindex", "0")


def test_it_passes_axe_on_the_gradebook_pages(browser, live_server, people, attempt):
    cohort = people.cohort_a.pk
    paths = [
        f"/teach/cohorts/{cohort}/gradebook/",
        f"/teach/cohorts/{cohort}/students/{people.alice.pk}/assignments/{attempt.assignment_id}/",
        f"/teach/cohorts/{cohort}/attempts/{attempt.pk}/",
        f"/teach/cohorts/{cohort}/assignments/{attempt.assignment_id}/analysis/",
        f"/teach/cohorts/{cohort}/heatmap/",
        f"/teach/cohorts/{cohort}/cases/{attempt.case.slug}/regrade/",
    ]
    problems = {}
    for username, pages in (("ines", paths), ("alice", [f"/practice/attempts/{attempt.pk}/"])):
        context = browser.new_context(base_url=live_server.url, bypass_csp=True)
        page = context.new_page()
        log_in(page, username)
        if username == "ines":
            # Give credit first, so the audit trail and the student's credit section are scanned.
            page.goto(paths[2])
            form = page.get_by_role("form", name=re.compile("Line 1"))
            form.get_by_label("New credit").fill("0.5")
            form.get_by_label("Reason").fill("Half credit.")
            form.get_by_role("button", name="Save credit for line 1").click()
            page.wait_for_load_state()
        problems |= scan(page, pages)
        context.close()
    assert problems == {}


def test_it_pages_searches_and_sorts_the_gradebook_without_javascript(
    browser, live_server, people, attempt
):
    make_students(cohort=people.cohort_a, count=100)  # and Alice: 101
    context = browser.new_context(
        base_url=live_server.url, java_script_enabled=False, bypass_csp=True
    )
    page = context.new_page()
    log_in(page, "ines")
    page.goto(f"/teach/cohorts/{people.cohort_a.pk}/gradebook/")
    pager = page.get_by_role("navigation", name="Pages of the gradebook")
    expect(pager.get_by_role("link", name="Page 1")).to_have_attribute("aria-current", "page")

    pager.get_by_role("link", name="Next page").click()
    expect(page.get_by_role("row", name=re.compile("Sam Student099"))).to_be_visible()
    expect(page.get_by_role("row", name=re.compile("Alice Archer"))).to_have_count(0)
    expect(pager.get_by_role("link", name="Page 2")).to_have_attribute("aria-current", "page")

    page.get_by_role("link", name=re.compile("^Student")).click()  # by name, descending
    expect(page.locator("#gradebook tbody th").first).to_have_text("Sam Student099")
    page.get_by_label("Search students by name or username").fill("archer")
    page.get_by_role("button", name="Search").click()
    expect(page.locator("#gradebook tbody tr")).to_have_count(1)
    expect(page.get_by_role("row", name=re.compile("Alice Archer"))).to_be_visible()
    assert "sort=-name" in page.url  # the search kept the sort
    context.close()


def test_it_passes_axe_on_second_pages(browser, live_server, people, attempt):
    make_students(cohort=people.cohort_a, count=100)
    cohort = people.cohort_a.pk
    paths = [
        f"/teach/cohorts/{cohort}/gradebook/?page=2&sort=-a{attempt.assignment_id}",
        f"/teach/cohorts/{cohort}/heatmap/?page=2&sort=-name",
        f"/teach/cohorts/{cohort}/?page=2&sort=-name",
    ]
    context = browser.new_context(base_url=live_server.url, bypass_csp=True)
    page = context.new_page()
    log_in(page, "ines")
    problems = scan(page, paths)
    context.close()
    assert problems == {}
