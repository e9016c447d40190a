"""An instructor writes a case in a real Chromium: with htmx, and with JavaScript off."""

import pytest
from playwright.sync_api import expect

from clinic_coder.cases.models import Case, DocumentedService
from clinic_coder.catalog.loading import load_catalog
from tests.browser.accessibility import scan
from tests.factories import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def type_into(page, locator, text: str) -> None:
    """Focus a field and type, as a keyboard user would (type-ahead picks a select's option)."""
    locator.focus()
    page.keyboard.type(text)


def fill_case(page) -> None:
    type_into(page, page.get_by_label("Title"), "Graston and heat")
    type_into(page, page.get_by_label("Short name (slug)"), "graston-and-heat")
    type_into(page, page.get_by_label("Difficulty"), "Intro")
    type_into(page, page.get_by_label("Payer profile"), "Commercial payer, units")
    page.get_by_label("Choosing manual therapy (97140)").focus()
    page.keyboard.press("Space")
    type_into(page, page.get_by_label("Note"), "Hot pack {hp} min. Graston to the neck, {mt} min.")
    type_into(page, page.get_by_label("Teaching point"), "Heat is untimed; Graston is 97140.")


def fill_service(page, number: int, technique: str, key: str, region: str, low: str, high: str):
    row = page.get_by_role("group", name=f"Service {number}")
    type_into(page, row.get_by_label("Technique"), technique)
    type_into(page, row.get_by_label("Key"), key)
    type_into(page, row.get_by_label("Regions"), region)
    type_into(page, row.get_by_label("Minutes from"), low)
    type_into(page, row.get_by_label("Minutes to"), high)
    return row


def test_it_creates_previews_saves_and_publishes_a_case_with_the_keyboard(page, people):
    load_catalog()
    log_in(page, "ines")
    page.get_by_role("link", name="Cases", exact=True).focus()
    page.keyboard.press("Enter")
    page.get_by_role("link", name="New case").focus()
    page.keyboard.press("Enter")
    page.wait_for_url("**/cases/new/")
    assert page.title() == "New case · Clinic Coder"

    fill_case(page)
    fill_service(page, 1, "Graston", "mt", "C", "9", "14")
    page.keyboard.press("Tab")  # leaving the field fires "change": the preview follows
    preview = page.locator("#preview")
    preview.get_by_text("{hp} is not the key of any service.").wait_for()

    page.get_by_role("button", name="Add another service").focus()
    page.keyboard.press("Enter")
    second = page.get_by_role("group", name="Service 2")
    second.wait_for()
    # The new row takes the focus, so typing goes straight into it.
    assert page.evaluate("document.activeElement.id") == "id_services-1-technique"
    fill_service(page, 2, "Hot pack", "hp", "C", "10", "10")
    page.keyboard.press("Tab")
    preview.get_by_role("rowheader", name="97010").wait_for()
    expect(preview.get_by_role("row", name="97140 1 none")).to_be_visible()

    # Longer Graston: the preview follows with a second unit.
    first = page.get_by_role("group", name="Service 1")
    first.get_by_label("Minutes from").fill("30")
    first.get_by_label("Minutes to").fill("30")
    page.keyboard.press("Tab")
    preview.get_by_role("row", name="97140 2 none").wait_for()

    page.get_by_role("button", name="Save case").first.focus()
    page.keyboard.press("Enter")
    page.wait_for_url("**/cases/graston-and-heat/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Graston and heat")
    page.get_by_role("button", name="Publish").focus()
    page.keyboard.press("Enter")
    page.get_by_text("Published “Graston and heat”").wait_for()

    case = Case.objects.get(slug="graston-and-heat")
    assert case.status == "published"
    assert [(s.key, s.technique, s.minutes_low, s.minutes_high) for s in case.services.all()] == [
        ("mt", "graston", 30, 30),
        ("hp", "hot_pack", 10, 10),
    ]


def test_it_adds_a_service_row_with_javascript_off(page_without_js, people):
    page = page_without_js
    load_catalog()
    log_in(page, "ines")
    page.goto("/cases/new/")
    fill_case(page)
    fill_service(page, 1, "Graston", "mt", "C", "9", "14")
    page.get_by_role("button", name="Add another service").click()
    page.wait_for_load_state()

    # The page came back with what was typed and a second, empty row that has the focus.
    assert page.get_by_label("Title").input_value() == "Graston and heat"
    expect(page.get_by_role("group", name="Service 2")).to_be_visible()
    assert page.evaluate("document.activeElement.id") == "id_services-1-technique"
    fill_service(page, 2, "Hot pack", "hp", "C", "10", "10")

    page.get_by_role("button", name="Preview key").click()
    page.wait_for_load_state()
    expect(page.locator("#preview").get_by_role("rowheader", name="97010")).to_be_visible()

    page.get_by_role("button", name="Save case").first.click()
    page.wait_for_url("**/cases/graston-and-heat/")
    assert Case.objects.get(slug="graston-and-heat").services.count() == 2


def test_it_passes_axe_on_every_authoring_page(browser, live_server, people):
    load_catalog()
    case = Case.objects.create(
        slug="neck", title="Neck", note="Graston {mt} min.", difficulty="intro",
        payer_profile="medicare", skills=["units-cms"], teaching_point="97140.",
    )  # fmt: skip
    DocumentedService.objects.create(
        case=case, key="mt", technique="graston", regions=["cervical"], minutes_low=9,
        minutes_high=14,
    )  # fmt: skip
    context = browser.new_context(base_url=live_server.url, bypass_csp=True)
    page = context.new_page()
    log_in(page, "ines")
    problems = scan(page, ["/cases/", "/cases/new/", "/cases/neck/", "/cases/neck/edit/",
                           "/cases/neck/student-preview/", "/cases/import/", "/cases/sets/",
                           "/cases/sets/new/", "/codes/"])  # fmt: skip
    context.close()
    assert problems == {}
