"""A student enters box 21 and a line's pointer with the keyboard, in a real Chromium."""

import pytest
from playwright.sync_api import expect

from clinic_coder.catalog.loading import load_catalog
from tests.browser.accessibility import scan
from tests.factories import log_in, make_case, make_case_set, make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def student(db):
    load_catalog()
    case = make_case(
        slug="sore-neck-muscles",
        note="A: Myalgia of the neck muscles.\nP: Myofascial release, R trapezius, {mfr} min.",
        diagnoses=[{"code": "M79.12", "documented": "myalgia of the neck muscles"}],
    )
    case.services.update(diagnoses=["M79.12"])
    make_case_set(cases=[case])
    return make_user(username="sam")


def test_it_codes_a_diagnosis_and_a_pointer_with_the_keyboard_alone(page, student):
    log_in(page, "sam")
    page.goto("/practice/cases/sore-neck-muscles/")
    page.get_by_label("Diagnosis A", exact=True).focus()
    page.keyboard.type("m79.12")
    page.get_by_label("Code", exact=True).first.focus()
    page.keyboard.type("97140")
    page.keyboard.press("Tab")
    page.keyboard.type("24")
    page.keyboard.press("Tab")
    page.keyboard.press("Control+A")
    page.keyboard.type("2")
    page.keyboard.press("Tab")  # modifiers: none
    page.keyboard.press("Tab")
    expect(page.get_by_label("Diagnosis pointers").first).to_be_focused()
    page.keyboard.type("A")
    # Enter in a field only saves; grading is its own button, reached by keyboard too.
    page.get_by_role("button", name="Submit for grading", exact=True).focus()
    page.keyboard.press("Enter")

    page.wait_for_url("**/practice/attempts/*/")
    expect(page.locator("#score")).to_have_text("Score 100 / 100")
    expect(page.locator(".answer-diagnoses")).to_have_text("A M79.12")
    expect(page.locator(".answer-lines")).to_contain_text("97140 x2, 24 min, pointing to A")
    expect(page.get_by_role("row", name="24E Right 1 ")).to_be_visible()


def test_it_explains_a_diagnosis_not_in_the_list_without_losing_it(page, student):
    log_in(page, "sam")
    page.goto("/practice/cases/sore-neck-muscles/")
    page.get_by_label("Diagnosis A", exact=True).fill("Z99.99")
    page.get_by_label("Code", exact=True).first.fill("97140")
    page.get_by_role("button", name="Submit for grading", exact=True).click()
    expect(page.get_by_text("Z99.99 is not a code in the diagnosis list")).to_be_visible()
    expect(page.get_by_label("Diagnosis A", exact=True)).to_have_value("Z99.99")


def test_it_passes_axe_with_box_21(browser, live_server, student):
    context = browser.new_context(base_url=live_server.url, bypass_csp=True)
    page = context.new_page()
    log_in(page, "sam")
    page.goto("/practice/cases/sore-neck-muscles/")
    page.get_by_label("Diagnosis A", exact=True).fill("M79.12")
    # Let the answer's autosave finish first: it would race the submit for SQLite's lock.
    with page.expect_response(lambda r: "autosave" in r.url):
        page.get_by_label("Code", exact=True).first.fill("97140")
        page.get_by_label("Code", exact=True).first.press("Tab")
    page.get_by_role("button", name="Submit for grading", exact=True).click()
    page.wait_for_url("**/practice/attempts/*/")
    # A partly right mark (box 21 without pointers) is on the page the scan reads.
    expect(page.locator(".mark-badge-partly_right").first).to_be_visible()
    pages = ["/practice/cases/sore-neck-muscles/", page.url.removeprefix(live_server.url)]
    problems = scan(page, pages)
    context.close()
    assert problems == {}
