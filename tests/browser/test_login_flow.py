"""Each demo role logs in through a real Chromium and lands on its own start page."""

import pytest
from playwright.sync_api import expect

from clinic_coder.demo.accounts import DEMO_PASSWORD, create_demo_accounts
from tests.factories import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize(
    ("username", "heading"),
    [
        ("student", "My practice"),
        ("student2", "My practice"),
        ("instructor", "My cohorts and cases"),
        ("supervisor", "Overview"),
        ("admin", "Site administration"),
    ],
)
def test_it_lands_each_demo_role_on_its_start_page(page, username, heading):
    create_demo_accounts()
    log_in(page, username, DEMO_PASSWORD)
    expect(page.get_by_role("heading", level=1).first).to_have_text(heading)


def test_it_shows_the_demo_cohort_to_its_instructor(page):
    create_demo_accounts()
    log_in(page, "instructor", DEMO_PASSWORD)
    expect(
        page.get_by_role("rowheader", name="Demo cohort (Spring clinic rotation)")
    ).to_be_visible()


def test_it_logs_out_and_then_asks_to_log_in_again(page):
    create_demo_accounts()
    log_in(page, "student", DEMO_PASSWORD)
    page.get_by_role("button", name="Log out").click()
    page.wait_for_url("**/accounts/login/")
    page.goto("/practice/")
    assert "/accounts/login/?next=/practice/" in page.url


@pytest.mark.parametrize("path", ["/", "/practice/", "/teach/", "/overview/"])
def test_it_redirects_anonymous_visitors_to_login(page, db, path):
    page.goto(path)
    assert page.url.endswith(f"/accounts/login/?next={path}")
    expect(page.get_by_role("heading", name="Log in to Clinic Coder")).to_be_visible()


def test_it_explains_a_wrong_password(page):
    create_demo_accounts()
    log_in(page, "student", "not-the-password")
    expect(page.get_by_text("Please enter a correct username and password")).to_be_visible()


def test_it_can_be_used_with_the_keyboard_alone(page):
    create_demo_accounts()
    page.goto("/accounts/login/")
    # The username field has focus on arrival, so typing starts at once.
    page.keyboard.type("supervisor")
    page.keyboard.press("Tab")
    page.keyboard.type(DEMO_PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_url("**/overview/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Overview")

    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "Skip to main content"
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"
