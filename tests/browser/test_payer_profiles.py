"""An instructor duplicates a built-in payer profile into their own and picks it for a case,
with the keyboard, in a real Chromium."""

import pytest
from playwright.sync_api import expect

from clinic_coder.cases.models import Case, PayerProfile
from clinic_coder.catalog.loading import load_catalog
from tests.browser.accessibility import scan
from tests.factories import log_in, make_case

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def type_into(page, locator, text: str) -> None:
    locator.focus()
    page.keyboard.type(text)


def test_it_duplicates_a_profile_and_picks_it_in_the_case_editor(page, people):
    load_catalog()
    case = make_case(owner=people.ines, status=Case.Status.DRAFT)
    log_in(page, "ines")
    page.goto("/cases/")
    page.get_by_role("link", name="Payer profiles").focus()
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Payer profiles")
    builtin = page.get_by_role("region", name="Commercial payer following the CMS 8-minute rule")
    expect(builtin.get_by_text("Built-in")).to_be_visible()
    expect(builtin.get_by_role("link", name="Edit")).to_have_count(0)
    builtin.get_by_role("link", name="Duplicate").focus()
    page.keyboard.press("Enter")

    expect(page.get_by_role("heading", level=1)).to_contain_text("Your own copy")
    name = page.get_by_label("Name")
    expect(name).to_have_value("Copy of Commercial payer following the CMS 8-minute rule")
    name.fill("")
    type_into(page, name, "X-only clinic payer")
    modifiers = page.get_by_label("Distinct-service modifiers")
    expect(modifiers).to_have_accessible_description(
        "Which modifier a line needs to be billed beside a code it would otherwise be bundled "
        "with. A modifier this payer does not take is marked wrong."
    )
    type_into(page, modifiers, "Only the X")
    expect(modifiers).to_have_value("x-only")
    type_into(page, page.get_by_label("Most timed units per visit"), "4")
    page.get_by_role("button", name="Make my profile").focus()
    page.keyboard.press("Enter")

    expect(page.get_by_role("status")).to_contain_text("Made your own profile")
    mine = page.get_by_role("region", name="X-only clinic payer")
    expect(mine.get_by_text("Yours")).to_be_visible()
    expect(mine.get_by_text("Only the X modifiers; 59 is refused")).to_be_visible()
    key = PayerProfile.objects.get(owner=people.ines).key

    page.goto(f"/cases/{case.slug}/edit/")
    payer = page.get_by_label("Payer profile")
    type_into(page, payer, "X-only")
    expect(payer).to_have_value(key)
    page.get_by_role("button", name="Save case").first.focus()
    page.keyboard.press("Enter")
    page.wait_for_url(f"**/cases/{case.slug}/")
    expect(page.get_by_text("X-only clinic payer")).to_be_visible()

    problems = scan(
        page,
        [
            "/cases/payer-profiles/",
            "/cases/payer-profiles/medicare/duplicate/",
            f"/cases/payer-profiles/{key}/edit/",
        ],
    )
    assert problems == {}
