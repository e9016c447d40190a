"""An instructor runs a cohort in a real Chromium: roster import, an assignment, an extension."""

import re

import pytest
from playwright.sync_api import expect

from tests.browser.accessibility import serious_violations
from tests.factories import log_in, make_case, make_case_set, make_cohort, make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ROSTER = (
    b"username,first_name,last_name,email\n"
    b"dana,Dana,Diaz,dana@example.edu\n"
    b"carl,Carl,Cole,carl@example.edu\n"
    b"bad name,Bad,Row,\n"
)


@pytest.fixture
def cohort(db):
    ines = make_user(username="ines", role="instructor", first_name="Ines", last_name="Ito")
    make_user(username="carl", first_name="Carl", last_name="Cole", email="carl@example.edu")
    make_case_set(title="Timed codes", cases=[make_case()])
    return make_cohort(name="Rotation A", instructors=[ines], time_zone="America/New_York")


def import_roster(page, cohort) -> None:
    page.goto(f"/teach/cohorts/{cohort.pk}/")
    page.get_by_role("link", name="Import roster (CSV)").click()
    page.get_by_label("Roster file (CSV)").set_input_files(
        files=[{"name": "roster.csv", "mimeType": "text/csv", "buffer": ROSTER}]
    )
    page.get_by_role("button", name="Preview import").click()


def carl_accepts_his_invitation(page) -> None:
    """Carl had an account already: the import invited him, and he joins by accepting."""
    page.get_by_role("button", name="Log out").click()
    expect(page.get_by_label("Username")).to_be_visible()
    log_in(page, "carl")
    page.get_by_role("button", name="Accept Rotation A").click()
    expect(page.get_by_text("You joined Rotation A.")).to_be_visible()
    page.get_by_role("button", name="Log out").click()
    expect(page.get_by_label("Username")).to_be_visible()
    log_in(page, "ines")


def test_it_imports_a_roster_assigns_a_case_set_and_extends_one_student(page, cohort):
    log_in(page, "ines")
    import_roster(page, cohort)
    expect(page.get_by_text("1 new account to create and enrol")).to_be_visible()
    expect(page.get_by_text("Error on line 4:")).to_be_visible()
    # The progress bar shows only while the import runs.
    expect(page.locator("#import-progress")).to_be_hidden()
    page.get_by_role("button", name="Import 2 students").click()
    expect(page.get_by_text("Rows processed: 3 of 3")).to_be_visible()
    expect(page.get_by_text("1 of 1 link emailed to the student.")).to_be_visible()
    expect(page.get_by_text("Hand the others over yourself")).to_have_count(0)
    carl_accepts_his_invitation(page)
    page.goto(f"/teach/cohorts/{cohort.pk}/")
    expect(page.get_by_role("row", name=re.compile("Dana Diaz"))).to_be_visible()
    expect(page.get_by_role("row", name=re.compile("Carl Cole"))).to_be_visible()

    page.get_by_role("link", name="New assignment").click()
    page.get_by_label("Case set").select_option(label="Timed codes")
    page.get_by_label("Opens").fill("2026-03-02T09:00")
    page.get_by_label("Due").fill("2026-03-09T17:00")
    page.get_by_label("Attempts allowed").fill("2")
    page.get_by_role("button", name="Assign").click()
    expect(page.locator("#due-at")).to_have_text("Mon 9 Mar 2026, 17:00 EDT")
    dana = page.get_by_role("row", name=re.compile("Dana Diaz"))
    expect(dana).to_contain_text("Mon 9 Mar 2026, 17:00 EDT")

    page.get_by_role("link", name="Give an extension for Dana Diaz").click()
    page.get_by_label("Extended due date").fill("2026-03-12T17:00")
    page.get_by_label("Extra attempts").fill("1")
    page.get_by_label("Reason").fill("Documented accommodation")
    page.get_by_role("button", name="Save override").click()
    dana = page.get_by_role("row", name=re.compile("Dana Diaz"))
    expect(dana).to_contain_text("Thu 12 Mar 2026, 17:00 EDT")
    expect(dana).to_contain_text("Documented accommodation")
    expect(page.get_by_role("row", name=re.compile("Carl Cole"))).to_contain_text("Mon 9 Mar")


def test_it_extends_several_students_with_the_keyboard(page, cohort):
    log_in(page, "ines")
    import_roster(page, cohort)
    page.get_by_role("button", name="Import 2 students").click()
    expect(page.get_by_text("Rows processed: 3 of 3")).to_be_visible()
    carl_accepts_his_invitation(page)
    page.goto(f"/teach/cohorts/{cohort.pk}/assignments/new/")
    page.get_by_label("Case set").select_option(label="Timed codes")
    page.get_by_label("Opens").fill("2026-03-02T09:00")
    page.get_by_label("Due").fill("2026-03-09T17:00")
    page.get_by_role("button", name="Assign").click()
    page.get_by_label("Select Dana Diaz").focus()
    page.keyboard.press("Space")
    page.get_by_label("Select Carl Cole").focus()
    page.keyboard.press("Space")
    page.get_by_label("New due date").fill("2026-03-16T17:00")
    page.get_by_role("button", name="Extend for selected students").press("Enter")
    expect(page.get_by_text("Extended the due date for 2 students.")).to_be_visible()
    for name in ("Dana Diaz", "Carl Cole"):
        expect(page.get_by_role("row", name=re.compile(name))).to_contain_text("Mon 16 Mar")


def test_it_deactivates_a_student_in_place_and_keeps_focus(page, cohort):
    log_in(page, "ines")
    import_roster(page, cohort)
    page.get_by_role("button", name="Import 2 students").click()
    expect(page.get_by_text("Rows processed: 3 of 3")).to_be_visible()
    page.goto(f"/teach/cohorts/{cohort.pk}/")
    page.evaluate("window.marker = 'same page'")
    page.get_by_role("button", name="Deactivate Dana Diaz").focus()
    page.keyboard.press("Enter")
    # A dialog asks first, with the focus on its least harmful choice.
    dialog = page.get_by_role("dialog", name="Deactivate Dana Diaz in Rotation A?")
    expect(dialog.get_by_role("button", name="Cancel")).to_be_focused()
    page.keyboard.press("Tab")
    expect(dialog.get_by_role("button", name="Deactivate")).to_be_focused()
    page.keyboard.press("Enter")
    expect(dialog).to_be_hidden()
    expect(page.get_by_role("button", name="Reactivate Dana Diaz")).to_be_focused()
    expect(page.locator("#roster-status")).to_have_text("Deactivated Dana Diaz.")
    assert page.evaluate("window.marker") == "same page"


def test_it_works_without_javascript(page_without_js, cohort):
    page = page_without_js
    log_in(page, "ines")
    import_roster(page, cohort)
    page.get_by_role("button", name="Import 2 students").click()
    expect(page.get_by_text("Rows processed: 3 of 3")).to_be_visible()
    page.goto(f"/teach/cohorts/{cohort.pk}/")
    old_code = page.locator("#invite-code").inner_text()
    page.get_by_role("button", name="New invite code").click()
    # Without JavaScript the question is a page of its own.
    question = page.get_by_role("heading", name="Make a new invite code for Rotation A?")
    expect(question).to_be_visible()
    page.get_by_role("button", name="Make a new code").click()
    expect(page.locator("#invite-code")).not_to_have_text(old_code)
    page.get_by_role("button", name="Deactivate Dana Diaz").click()
    expect(page.get_by_role("heading", name="Deactivate Dana Diaz in Rotation A?")).to_be_visible()
    page.get_by_role("link", name="Cancel").click()
    expect(page.get_by_role("button", name="Deactivate Dana Diaz")).to_be_visible()
    page.get_by_role("button", name="Deactivate Dana Diaz").click()
    page.get_by_role("button", name="Deactivate", exact=True).click()
    expect(page.get_by_role("button", name="Reactivate Dana Diaz")).to_be_visible()


def test_it_passes_axe_on_every_cohort_page(browser, live_server, cohort):
    make_user(username="sam")
    context = browser.new_context(base_url=live_server.url, bypass_csp=True)
    page = context.new_page()
    log_in(page, "ines")
    base = f"/teach/cohorts/{cohort.pk}"
    pages = ["/teach/", "/teach/cohorts/new/", f"{base}/", f"{base}/edit/",
             f"{base}/supervisors/add/", f"{base}/students/add/", f"{base}/roster/import/",
             f"{base}/assignments/new/"]  # fmt: skip
    problems = {}

    def scan(label: str) -> None:
        if found := serious_violations(page):
            problems[label] = found

    for path in pages:
        page.goto(path)
        scan(path)
    page.goto(f"{base}/assignments/new/")
    page.get_by_role("button", name="Assign").click()  # the form with its errors
    scan("assignment form with errors")
    import_roster(page, cohort)
    scan("roster preview")
    page.get_by_role("button", name="Import 2 students").click()
    page.get_by_text("Rows processed").wait_for()
    scan("roster imported")
    page.goto(f"{base}/assignments/new/")
    page.get_by_label("Case set").select_option(label="Timed codes")
    page.get_by_label("Opens").fill("2026-03-02T09:00")
    page.get_by_label("Due").fill("2026-03-09T17:00")
    page.get_by_role("button", name="Assign").click()
    page.wait_for_url("**/teach/assignments/*/")
    assignment_url = page.url.removeprefix(live_server.url)
    for path in [assignment_url, f"{assignment_url}edit/"]:
        page.goto(path)
        scan(path)
    page.goto(assignment_url)
    page.get_by_role("link", name="Give an extension for Dana Diaz").click()
    scan("override form")
    context.close()
    context = browser.new_context(base_url=live_server.url, bypass_csp=True)
    page = context.new_page()
    log_in(page, "sam")
    page.goto("/join/")
    page.get_by_role("button", name="Join").click()  # the form with its error
    scan("/join/")
    context.close()
    assert problems == {}
