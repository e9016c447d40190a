"""What a student, an instructor and a supervisor see in a real Chromium: colours, widths on a
phone, focus after removing a line, the menu without JavaScript and the code combobox."""

import re
from decimal import Decimal

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from clinic_coder.catalog.loading import load_catalog
from clinic_coder.practice.workflows import give_manual_credit
from tests.browser.accessibility import serious_violations
from tests.factories import WRONG_CODE, assigned, graded, log_in, make_case, make_case_set

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}


@pytest.fixture
def case(people):
    load_catalog()
    # The longest payer name: its badge must wrap on a phone.
    case = make_case(slug="shoulder-check", title="Shoulder check", payer_profile="commercial-cms")
    make_case_set(slug="shoulder", cases=[case])
    return case


@pytest.fixture
def attempt(people):
    assignment, (case,) = assigned(cohort=people.cohort_a)
    return graded(student=people.alice, case=case, assignment=assignment, lines=WRONG_CODE)


def page_width(page) -> int:
    return page.evaluate("document.documentElement.scrollWidth")


def test_heatmap_cells_show_their_level_colour_and_the_name_column_stays(page, people, attempt):
    page.set_viewport_size({"width": 1280, "height": 800})
    log_in(page, "ines")
    page.goto(f"/teach/cohorts/{people.cohort_a.pk}/heatmap/")
    cell = page.locator("#heatmap td.level-too-early").first
    expect(cell).to_have_css("background-color", "rgb(233, 236, 239)")
    name = page.locator("#heatmap th[scope=row]").first
    expect(name).to_have_css("position", "sticky")
    region = page.locator(".heatmap-scroll")
    left = name.bounding_box()["x"]
    region.evaluate("el => { el.scrollLeft = 600; }")
    expect(region).to_have_js_property("scrollLeft", 600)
    assert abs(name.bounding_box()["x"] - left) < 1
    assert serious_violations(page) == []


def test_the_level_column_on_my_progress_has_its_colour(page, people, attempt):
    log_in(page, "alice")
    page.goto("/progress/")
    cell = page.locator("td.level-too-early").first
    expect(cell).to_have_css("background-color", "rgb(233, 236, 239)")
    assert serious_violations(page) == []


def test_the_case_page_and_my_progress_fit_a_phone(page, people, case, attempt):
    page.set_viewport_size(PHONE)
    log_in(page, "alice")
    paths = [f"/practice/cases/{case.slug}/", "/progress/", f"/practice/attempts/{attempt.pk}/"]
    for path in paths:
        page.goto(path)
        expect(page.locator("h1")).to_be_visible()
        assert page_width(page) <= 390, path
    page.goto(f"/practice/cases/{case.slug}/")
    search = page.locator("#code-query").bounding_box()
    submit = page.get_by_role("button", name="Submit for grading", exact=True).bounding_box()
    assert search["y"] < submit["y"]


def test_staff_pages_and_a_credited_mark_fit_a_phone(page, people, case, attempt):
    # Tables scroll sideways in their own box; a row's visually hidden button labels and a long
    # mark ("Full credit given") must not widen the page.
    give_manual_credit(
        attempt=attempt,
        mark_index=0,
        credit=Decimal("0.5"),
        reason="The note is ambiguous here.",
        by=people.ines,
        now=timezone.now(),
    )
    page.set_viewport_size(PHONE)
    cohort = people.cohort_a.pk
    for username, paths in (
        (
            "ines",
            [
                "/teach/",
                f"/teach/cohorts/{cohort}/",
                f"/teach/cohorts/{cohort}/students/add/",
                f"/teach/assignments/{attempt.assignment_id}/",
                "/cases/",
                f"/cases/{case.slug}/",
                "/cases/sets/",
            ],
        ),
        ("sofia", ["/overview/"]),
        (
            "alice",
            [f"/practice/attempts/{attempt.pk}/", f"/practice/cases/{attempt.case.slug}/history/"],
        ),
    ):
        page.context.clear_cookies()
        log_in(page, username)
        for path in paths:
            page.goto(path)
            expect(page.locator("h1")).to_be_visible()
            assert page_width(page) <= 390, path
            assert serious_violations(page) == [], path


def test_the_menu_stays_in_one_row_on_a_desktop_without_javascript(page_without_js, people):
    page = page_without_js
    page.set_viewport_size({"width": 1280, "height": 800})
    log_in(page, "alice")
    page.goto("/progress/")
    expect(page.locator("#main-nav")).to_have_css("display", "flex")
    practice = page.get_by_role("link", name="My practice").bounding_box()
    log_out = page.get_by_role("button", name="Log out").bounding_box()
    assert abs(practice["y"] - log_out["y"]) < 10


def test_the_signed_in_name_lines_up_with_the_menu(page, people):
    page.set_viewport_size({"width": 1280, "height": 800})
    log_in(page, "alice")
    page.goto("/progress/")

    def middle(locator) -> float:
        box = locator.bounding_box()
        return box["y"] + box["height"] / 2

    signed_in = middle(page.get_by_text("Signed in as alice"))
    assert abs(signed_in - middle(page.get_by_role("link", name="Change password"))) < 2


def test_focus_moves_to_the_next_line_after_removing_one(page, people, case):
    log_in(page, "alice")
    page.goto(f"/practice/cases/{case.slug}/")
    page.locator("input[name='form-0-code']").fill("97140")
    page.get_by_role("button", name="Add a line").click()
    expect(page.locator("input[name='form-1-code']")).to_be_focused()
    page.locator("input[name='form-1-code']").fill("97110")
    page.get_by_role("button", name="Remove line 1").click()
    expect(page.locator("fieldset.answer-line")).to_have_count(1)
    expect(page.locator("input[name='form-0-code']")).to_be_focused()
    expect(page.locator("input[name='form-0-code']")).to_have_value("97110")
    # Removing the last line leaves the "Add a line" button (or an empty line) focused.
    page.get_by_role("button", name="Remove line 1").click()
    expect(page.locator("input[name$='-code'][value='97110']")).to_have_count(0)
    expect(page.locator("#add-line, input[name='form-0-code']").first).to_be_focused()


def test_the_phone_menu_opens_without_javascript(page_without_js, people):
    page = page_without_js
    page.set_viewport_size(PHONE)
    log_in(page, "alice")
    page.goto("/progress/")
    expect(page.get_by_role("link", name="My practice")).to_be_visible()
    expect(page.get_by_role("button", name="Show or hide navigation")).to_be_hidden()


def test_the_phone_menu_still_toggles_with_javascript(page, people):
    page.set_viewport_size(PHONE)
    log_in(page, "alice")
    page.goto("/progress/")
    expect(page.get_by_role("link", name="My practice")).to_be_hidden()
    page.get_by_role("button", name="Show or hide navigation").click()
    expect(page.get_by_role("link", name="My practice")).to_be_visible()


def test_the_code_field_is_a_combobox_for_the_keyboard(page, people, case):
    log_in(page, "alice")
    page.goto(f"/practice/cases/{case.slug}/")
    field = page.get_by_role("combobox", name="Code")
    field.focus()
    page.keyboard.type("massage")
    listbox = page.get_by_role("listbox")
    expect(listbox.get_by_role("option", name=re.compile("^97124"))).to_be_visible()
    expect(field).to_have_attribute("aria-expanded", "true")
    page.keyboard.press("ArrowDown")
    expect(field).to_have_attribute("aria-activedescendant", re.compile(r"-0$"))
    page.keyboard.press("Enter")
    expect(field).to_have_value("97124")
    expect(field).to_have_attribute("aria-expanded", "false")
    expect(page).to_have_url(re.compile(f"/practice/cases/{case.slug}/$"))  # not submitted

    field.fill("")
    page.keyboard.type("graston")
    expect(page.get_by_role("option", name=re.compile("^97140"))).to_be_visible()
    page.keyboard.press("Escape")
    expect(field).to_have_attribute("aria-expanded", "false")
    expect(page.get_by_role("listbox")).to_be_hidden()
    expect(field).to_have_value("graston")
    assert serious_violations(page) == []


def test_a_search_result_adds_its_code_to_the_claim(page, people, case):
    log_in(page, "alice")
    page.goto(f"/practice/cases/{case.slug}/")
    page.get_by_label("Search procedure and diagnosis codes by number or words").fill("massage")
    page.get_by_role("button", name="Add 97124 to my claim").click()
    expect(page.locator("input[name$='-code'][value='97124']")).to_have_count(1)
