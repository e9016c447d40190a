"""Fixtures shared by every test: named personas and a real Chromium for browser tests."""

import os
import shutil
from collections.abc import Iterator
from dataclasses import dataclass

import pytest

from tests.factories import make_cohort, make_user

# Playwright's sync API runs an event loop in the test thread; Django's guard against ORM use
# inside a running loop would otherwise stop fixtures that touch the database.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture(autouse=True)
def fast_password_hashing(settings) -> None:
    # Real hashing takes about a second per password; tests only need it to be a hash.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def fresh_catalog() -> Iterator[None]:
    # Each test's database is rolled back beneath the process's built catalog; a rollback
    # cannot happen on a real site, where every change moves the catalog's stamp forward.
    from clinic_coder.catalog.models import forget_built_catalog

    forget_built_catalog()
    yield
    forget_built_catalog()


@pytest.fixture(autouse=True)
def long_sessions(settings) -> None:
    # Many tests travel days ahead to pass a due date; session lifetimes have their own tests.
    settings.SESSION_IDLE_TIMEOUT = settings.SESSION_COOKIE_AGE = 10 * 365 * 24 * 60 * 60


@dataclass
class People:
    """Two cohorts, each with its own student and instructor; one supervisor over cohort A."""

    alice: object  # student in cohort A
    bob: object  # student in cohort B
    ines: object  # instructor of cohort A
    igor: object  # instructor of cohort B
    sofia: object  # supervisor of cohort A
    admin: object
    cohort_a: object
    cohort_b: object


@pytest.fixture
def people(db) -> People:
    alice = make_user(username="alice", first_name="Alice", last_name="Archer")
    bob = make_user(username="bob", first_name="Bob", last_name="Baker")
    ines = make_user(username="ines", role="instructor", first_name="Ines", last_name="Ito")
    igor = make_user(username="igor", role="instructor", first_name="Igor", last_name="Iles")
    sofia = make_user(username="sofia", role="supervisor", first_name="Sofia", last_name="Soto")
    admin = make_user(username="root", is_staff=True, is_superuser=True)
    cohort_a = make_cohort(
        name="Cohort A", instructors=[ines], supervisors=[sofia], students=[alice]
    )
    cohort_b = make_cohort(name="Cohort B", instructors=[igor], students=[bob])
    return People(alice, bob, ines, igor, sofia, admin, cohort_a, cohort_b)


# --- Browser tests -------------------------------------------------------------------------


def chromium_path() -> str | None:
    return (
        os.environ.get("CHROMIUM_PATH")
        or shutil.which("chromium")
        or ("/usr/bin/chromium" if os.path.exists("/usr/bin/chromium") else None)
    )


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    path = chromium_path()
    if path is None:
        message = "Debian's chromium is not installed (apt-get install chromium)"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=path,
            headless=True,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        yield browser
        browser.close()


@pytest.fixture
def page(browser, live_server) -> Iterator[object]:
    context = browser.new_context(base_url=live_server.url)
    context.set_default_timeout(10_000)
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture
def page_without_js(browser, live_server) -> Iterator[object]:
    context = browser.new_context(base_url=live_server.url, java_script_enabled=False)
    context.set_default_timeout(10_000)
    page = context.new_page()
    yield page
    context.close()
