"""Every page of the site has no serious or critical axe violation, for each kind of person
who is shown it; so has the Django admin.

The pages come from the URL walk (tests/urlwalk.py) and tests/test_every_url.py's MATRIX: a
page is opened as the first persona of each kind whose GET outcome is 'o', since what one
student sees another student sees too. What is not a page (a CSV or JSON download, a plain-text
health check, a redirect) is known by its response, not by a list kept here. The admin follows:
its index and, for each registered model, its list, its add form where adding is allowed and
the change form of its first object where the world has one.
"""

from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from django.conf import settings
from django.contrib import admin
from django.test import RequestFactory
from django.urls import resolve, reverse

from tests.browser.accessibility import load_axe_in_every_page, serious_violations
from tests.test_every_url import MATRIX
from tests.urlwalk import PERSONAS, World, build_world

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

KIND = {
    "anon": "anonymous", "alice": "student", "bob": "student", "carol": "student",
    "ines": "instructor", "igor": "instructor", "sofia": "supervisor", "sam": "supervisor",
    "admin": "admin",
}  # fmt: skip

# Violations inside markup that Django's own admin scripts build after the page loads, which
# no template or stylesheet of ours reaches; by admin URL name.
# - SelectFilter2.js (the two-box picker of filter_horizontal) puts aria-label on a plain
#   <span> icon inside each filter box's label.
# - select2 4.0.13 (autocomplete_fields) gives an empty selection the textbox role and no
#   name; once something is chosen it is named, so change forms pass.
ALLOWED = {
    "admin:auth_group_add": {"aria-prohibited-attr"},
    "admin:accounts_user_change": {"aria-prohibited-attr"},
    "admin:cohorts_cohort_add": {"aria-prohibited-attr"},
    "admin:cohorts_cohort_change": {"aria-prohibited-attr"},
    "admin:cohorts_enrollment_add": {"aria-input-field-name"},
}


def shown_to(get_outcomes: str) -> list[str]:
    """The first persona of each kind that is shown the page."""
    chosen: dict[str, str] = {}
    for persona, got in zip(PERSONAS, get_outcomes, strict=True):
        if got == "o":
            chosen.setdefault(KIND[persona], persona)
    return list(chosen.values())


def site_pages(world: World) -> dict[str, list[str]]:
    """Paths to open, by the persona who opens them."""
    pages = defaultdict(list)
    for name, (arguments, get_outcomes, _) in MATRIX.items():
        for persona in shown_to(get_outcomes):
            pages[persona].append(world.url(name, arguments))
    return pages


def admin_pages(admin_user: object) -> list[str]:
    request = RequestFactory().get(reverse("admin:index"))
    request.user = admin_user
    paths = [reverse("admin:index")]
    for model, model_admin in admin.site._registry.items():
        name = f"admin:{model._meta.app_label}_{model._meta.model_name}"
        paths.append(reverse(f"{name}_changelist"))
        if model_admin.has_add_permission(request):
            paths.append(reverse(f"{name}_add"))
        if first := model._default_manager.order_by("pk").first():
            paths.append(reverse(f"{name}_change", args=[first.pk]))
    return paths


def visit(page, path: str) -> str | list:
    """Open the path and return its serious violations, or a sentence saying why it was not
    scanned: a download or a redirect is skipped, anything else that is not a page fails."""
    probe = page.request.get(path, max_redirects=0)
    location = probe.headers.get("location", "")
    if probe.status in (301, 302, 303) and "/login/" in location:
        return "failed: sent to the login page (the session did not carry)"
    if 300 <= probe.status < 400:
        return f"skipped: redirects to {location}"
    if probe.status != 200:
        return f"failed: answered {probe.status}"
    content_type = probe.headers.get("content-type", "")
    if not content_type.startswith("text/html"):
        return f"skipped: {content_type}"
    if "attachment" in probe.headers.get("content-disposition", ""):
        return "skipped: a download"
    response = page.goto(path)
    if response is None or response.status != 200:
        return f"failed: the browser got {response and response.status}"
    allowed = ALLOWED.get(resolve(path).view_name, set())
    return [(rule, at) for rule, at in serious_violations(page) if rule not in allowed]


@contextmanager
def signed_in_page(browser, live_server, world: World, persona: str) -> Iterator[object]:
    """A page in a browser context of its own that carries the persona's session cookie."""
    # bypass_csp: axe is injected as a script that the site's policy rightly refuses.
    context = browser.new_context(base_url=live_server.url, bypass_csp=True)
    context.set_default_timeout(10_000)
    load_axe_in_every_page(context)
    if cookie := world.clients[persona].cookies.get(settings.SESSION_COOKIE_NAME):
        context.add_cookies([{"name": cookie.key, "value": cookie.value, "url": live_server.url}])
    try:
        yield context.new_page()
    finally:
        context.close()


def test_it_finds_no_serious_violation_on_any_page(browser, live_server, people) -> None:
    world = build_world(people)
    walk = site_pages(world)
    failures, scanned, skipped = [], 0, []
    for persona in PERSONAS:
        paths = walk.get(persona, [])
        if persona == "admin":
            # After the site's pages, so that objects they make (the LTI key) are in the admin.
            paths = [*paths, *admin_pages(people.admin)]
        if not paths:
            continue
        with signed_in_page(browser, live_server, world, persona) as page:
            for path in paths:
                found = visit(page, path)
                if isinstance(found, str) and found.startswith("skipped"):
                    skipped.append(f"{path} as {persona}: {found}")
                elif isinstance(found, str):
                    failures.append(f"{path} as {persona}: {found}")
                else:
                    scanned += 1
                    failures += [f"{path} as {persona}: {rule} at {at}" for rule, at in found]
    print(f"Scanned {scanned} pages; skipped {len(skipped)}:", *skipped, sep="\n  ")
    assert not failures, f"{len(failures)} problems on {scanned} pages:\n" + "\n".join(failures)
