"""A student practises a case in a real Chromium, with and without JavaScript."""

import re

import pytest
from playwright.sync_api import expect

from clinic_coder.catalog.loading import load_catalog
from tests.browser.accessibility import scan
from tests.factories import log_in, make_case, make_case_set, make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

NOTE = "P: Myofascial release, R upper trapezius, {mfr} min. Exercise {ex} min."


@pytest.fixture
def student(db):
    load_catalog()
    case = make_case(
        note=NOTE,
        services=[
            {"key": "mfr", "technique": "myofascial_release", "regions": ["cervical"],
             "minutes_low": 10, "minutes_high": 14},
            {"key": "ex", "technique": "therapeutic_exercise", "minutes_low": 23,
             "minutes_high": 23},
        ],
    )  # fmt: skip
    make_case_set(cases=[case])
    return make_user(username="sam")


def note_minutes(page) -> int:
    text = page.locator(".note-text").inner_text()
    return int(re.search(r"trapezius, (\d+) min", text).group(1))


def test_it_practises_a_case_with_the_keyboard_alone(page, student):
    log_in(page, "sam")
    page.goto("/practice/cases/neck-release/")
    first_minutes = note_minutes(page)

    page.get_by_label("Code", exact=True).first.focus()
    page.keyboard.type("97140")
    page.keyboard.press("Tab")
    page.keyboard.type(str(first_minutes))
    page.keyboard.press("Tab")
    page.keyboard.press("Control+A")
    page.keyboard.type("1")
    page.get_by_role("button", name="Add a line").focus()
    page.keyboard.press("Enter")
    # htmx swaps in a new line and puts the focus in its code field.
    expect(page.locator("input[name='form-1-code']")).to_be_focused()
    page.keyboard.type("97110")
    page.keyboard.press("Tab")
    page.keyboard.type("23")
    page.keyboard.press("Tab")
    page.keyboard.press("Control+A")
    page.keyboard.type("2")
    page.keyboard.press("Enter")  # saves the answer, never grades it
    expect(page.get_by_text("Answer saved. It is graded only when you submit it.")).to_be_visible()
    expect(page.get_by_label("Units", exact=True).nth(1)).to_have_value("2")
    page.get_by_role("button", name="Submit for grading").focus()
    page.keyboard.press("Enter")

    page.wait_for_url("**/practice/attempts/*/")
    expect(page.locator("#score")).to_have_text("Score 100 / 100")
    expect(page.get_by_role("row", name=re.compile("97140 Right"))).to_be_visible()

    page.get_by_role("button", name="Try a new variant").focus()
    page.keyboard.press("Enter")
    page.wait_for_url("**/practice/cases/neck-release/")
    expect(page.get_by_text("A new variant")).to_be_visible()


def test_it_removes_a_line_without_a_reload(page, student):
    log_in(page, "sam")
    page.goto("/practice/cases/neck-release/")
    page.get_by_label("Code", exact=True).first.fill("97124")
    page.get_by_role("button", name="Add a line").click()
    page.get_by_label("Code", exact=True).nth(1).fill("97140")
    page.evaluate("window.marker = 'same page'")
    page.get_by_role("button", name="Remove line 1").click()
    expect(page.locator("fieldset.answer-line")).to_have_count(1)
    assert page.get_by_label("Code", exact=True).first.input_value() == "97140"
    assert page.evaluate("window.marker") == "same page"


def test_it_keeps_an_answer_in_progress_across_a_reload(page, student):
    log_in(page, "sam")
    page.goto("/practice/cases/neck-release/")
    page.get_by_label("Code", exact=True).first.fill("97140")
    with page.expect_response(lambda r: "autosave" in r.url):
        page.get_by_label("Minutes", exact=True).first.fill("12")
        page.get_by_label("Minutes", exact=True).first.press("Tab")
    page.reload()
    assert page.get_by_label("Code", exact=True).first.input_value() == "97140"
    assert page.get_by_label("Minutes", exact=True).first.input_value() == "12"


def test_it_works_without_javascript(page_without_js, student):
    page = page_without_js
    log_in(page, "sam")
    page.goto("/practice/cases/neck-release/")
    minutes = note_minutes(page)
    page.get_by_label("Code", exact=True).first.fill("97140")
    page.get_by_label("Minutes", exact=True).first.fill(str(minutes))
    page.get_by_label("Units", exact=True).first.fill("1")
    page.get_by_role("button", name="Add a line").click()
    page.get_by_label("Code", exact=True).nth(1).fill("97110")
    page.get_by_label("Minutes", exact=True).nth(1).fill("23")
    page.get_by_label("Units", exact=True).nth(1).fill("1")
    page.get_by_role("button", name="Submit for grading", exact=True).last.click()
    assert page.locator("#score").inner_text().startswith("Score ")
    expect(page.get_by_text("97110 x2").first).to_be_visible()
    page.get_by_role("button", name="Try a new variant").click()
    assert "/practice/cases/neck-release/" in page.url


def test_it_shows_clear_messages_for_bad_lines_without_losing_them(page, student):
    log_in(page, "sam")
    page.goto("/practice/cases/neck-release/")
    page.get_by_label("Code", exact=True).first.fill("99999")
    page.get_by_label("Minutes", exact=True).first.fill("500")
    page.get_by_role("button", name="Submit for grading", exact=True).last.click()
    expect(page.get_by_text("99999 is not a code in the catalog")).to_be_visible()
    expect(page.get_by_text("Minutes must be at most 240")).to_be_visible()
    assert page.get_by_label("Minutes", exact=True).first.input_value() == "500"


STUDENT_PAGES = [
    "/practice/",
    "/practice/sets/basics/",
    "/practice/cases/neck-release/",
    "/practice/cases/neck-release/history/",
    "/practice/codes/?q=massage",
    "/practice/trainer/",
]


def test_it_passes_axe_on_every_student_page(browser, live_server, student):
    context = browser.new_context(base_url=live_server.url, bypass_csp=True)
    page = context.new_page()
    log_in(page, "sam")
    page.goto("/practice/cases/neck-release/")
    page.get_by_label("Code", exact=True).first.fill("97124")
    page.get_by_role("button", name="Submit for grading", exact=True).last.click()
    pages = [*STUDENT_PAGES, page.url.removeprefix(live_server.url)]
    problems = scan(page, pages)
    context.close()
    assert problems == {}
