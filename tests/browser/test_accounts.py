"""Getting into an account in a real Chromium: forgot-your-password by email, and sign-up
with a cohort invite code; every page of it passes axe."""

import re

import pytest
from django.core import mail
from playwright.sync_api import expect

from clinic_coder.accounts.models import User
from tests.browser.accessibility import scan, serious_violations
from tests.factories import make_cohort, make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

NEW_PASSWORD = "a-fresh-and-long-secret"


@pytest.fixture
def open_sign_up(settings) -> None:
    settings.SELF_REGISTRATION = True


def test_it_resets_a_forgotten_password_with_the_emailed_link(page, live_server):
    make_user(username="alice", email="alice@example.edu")
    page.goto("/accounts/login/")
    page.get_by_role("link", name="Forgot your password?").click()
    page.get_by_label("Email").fill("alice@example.edu")
    page.get_by_role("button", name="Send the link").click()
    expect(page.get_by_role("heading", name="Check your email")).to_be_visible()
    [message] = mail.outbox
    link = re.search(r"https?://\S+", message.body).group(0)
    page.goto(link)
    page.locator("#id_new_password1").fill(NEW_PASSWORD)
    page.locator("#id_new_password2").fill(NEW_PASSWORD)
    page.get_by_role("button", name="Save my password").click()
    expect(page.get_by_role("heading", name="Password saved")).to_be_visible()
    page.get_by_role("link", name="Log in").click()
    page.get_by_label("Username").fill("alice")
    page.get_by_label("Password").fill(NEW_PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", level=1).first).to_have_text("My practice")


def test_it_signs_up_with_an_invite_code_and_lands_in_the_cohort(page, open_sign_up):
    cohort = make_cohort(name="Rotation A")
    page.goto("/accounts/login/")
    page.get_by_role("link", name="Make your account").click()
    page.get_by_label("Invite code").fill("WRONGCODE")
    page.get_by_label("Username").fill("dana")
    page.get_by_label("First name").fill("Dana")
    page.get_by_label("Last name").fill("Diaz")
    page.get_by_label("Email").fill("dana@example.edu")
    page.locator("#id_password1").fill(NEW_PASSWORD)
    page.locator("#id_password2").fill(NEW_PASSWORD)
    page.get_by_role("button", name="Make my account and join").click()
    expect(page.get_by_text("No cohort has the code WRONGCODE")).to_be_visible()
    assert not User.objects.filter(username="dana").exists()
    page.get_by_label("Invite code").fill(cohort.invite_code)
    page.locator("#id_password1").fill(NEW_PASSWORD)
    page.locator("#id_password2").fill(NEW_PASSWORD)
    page.get_by_role("button", name="Make my account and join").click()
    expect(page.get_by_text("You joined Rotation A.")).to_be_visible()
    expect(page.get_by_role("heading", level=1).first).to_have_text("My practice")


def test_it_passes_axe_on_every_account_page(browser, live_server, open_sign_up):
    context = browser.new_context(base_url=live_server.url, bypass_csp=True)
    page = context.new_page()
    pages = ["/accounts/login/", "/accounts/password/reset/", "/accounts/password/reset/sent/",
             "/accounts/password/reset/MQ/forged/", "/accounts/welcome/MQ/forged/",
             "/accounts/password/reset/done/", "/signup/"]  # fmt: skip
    problems = scan(page, pages)
    page.goto("/signup/")
    page.get_by_role("button", name="Make my account and join").click()
    if found := serious_violations(page):
        problems["sign-up with errors"] = found
    context.close()
    assert problems == {}
