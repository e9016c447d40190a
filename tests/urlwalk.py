"""Every URL of the site, found by walking the resolver, and a small world to request them in.

Shared by the role x URL test and the hostile-input test, so that both cover a new view the
moment it is added to a urls.py.
"""

from collections.abc import Iterator
from dataclasses import dataclass
from http.cookies import SimpleCookie

from django.db import transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

# Who asks, in the order the matrix lists them.
PERSONAS = ("anon", "alice", "bob", "carol", "ines", "igor", "sofia", "sam", "admin")


def url_names() -> Iterator[tuple[str, str]]:
    """(namespaced name, route) of every named URL pattern."""

    def walk(patterns: list, prefix: str, namespace: str) -> Iterator[tuple[str, str]]:
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                inner = ":".join(n for n in (namespace, pattern.namespace) if n)
                yield from walk(pattern.url_patterns, prefix + str(pattern.pattern), inner)
            elif isinstance(pattern, URLPattern) and pattern.name:
                name = f"{namespace}:{pattern.name}" if namespace else pattern.name
                yield name, prefix + str(pattern.pattern)

    yield from walk(get_resolver().url_patterns, "", "")


@dataclass
class World:
    clients: dict[str, Client]
    values: dict[str, object]  # URL argument values, by what they name

    def url(self, name: str, arguments: dict[str, str]) -> str:
        return reverse(name, kwargs={key: self.values[what] for key, what in arguments.items()})


def build_world(people) -> World:
    """The `people` personas plus Carol (a student in both cohorts) and Sam (cohort B's
    supervisor); Ines's published case in a set assigned to both cohorts; an attempt by Alice
    in cohort A's assignment, with a notice that its score changed; an invitation for Bob to
    cohort A; Ines's own payer profile."""
    from django.utils import timezone

    from clinic_coder.cases.models import PayerProfile
    from clinic_coder.catalog.loading import load_catalog
    from clinic_coder.cohorts.models import Enrollment, Invitation
    from clinic_coder.practice.models import Attempt, ScoreNotice
    from clinic_coder.practice.tests.test_mastery import RIGHT, answer
    from clinic_coder.progress.models import SignOff
    from tests.factories import make_assignment, make_case, make_case_set, make_user

    load_catalog()
    carol = make_user(username="carol", first_name="Carol", last_name="Cole")
    sam = make_user(username="sam", role="supervisor", first_name="Sam", last_name="Stone")
    Enrollment.objects.create(cohort=people.cohort_a, student=carol)
    Enrollment.objects.create(cohort=people.cohort_b, student=carol)
    people.cohort_b.supervisors.add(sam)
    case = make_case(owner=people.ines)
    case_set = make_case_set(cases=[case], created_by=people.ines)
    assignment = make_assignment(cohort=people.cohort_a, case_set=case_set)
    make_assignment(cohort=people.cohort_b, case_set=case_set)
    answer(people.alice, case, RIGHT, timezone.now(), assignment)
    notice = ScoreNotice.objects.create(
        student=people.alice, attempt=Attempt.objects.get(), cause="manual_credit",
        old_score=70, new_score=100, reason="Accepted.", created_at=timezone.now(),
    )  # fmt: skip
    profile = PayerProfile(name="X only", unit_method="cms", distinct_modifiers="x-only")
    profile.owner = people.ines
    profile.save_new()
    invitation = Invitation.objects.create(cohort=people.cohort_a, student=people.bob)
    sign_off = SignOff.objects.create(
        student=people.alice,
        cohort=people.cohort_a,
        skill="units-cms",
        signed_by=people.sofia,
        signed_at=timezone.now(),
    )
    users = {
        "alice": people.alice, "bob": people.bob, "carol": carol, "ines": people.ines,
        "igor": people.igor, "sofia": people.sofia, "sam": sam, "admin": people.admin,
    }  # fmt: skip
    clients = {"anon": Client(raise_request_exception=False)}
    for persona, user in users.items():
        clients[persona] = Client(raise_request_exception=False)
        clients[persona].force_login(user)
    values = {
        "cohort": people.cohort_a.pk,
        "assignment": assignment.pk,
        "attempt": Attempt.objects.get().pk,
        "alice": people.alice.pk,
        "sofia": people.sofia.pk,
        "invitation": invitation.pk,
        "notice": notice.pk,
        "sign_off": sign_off.pk,
        "case": case.slug,
        "set": case_set.slug,
        "profile": profile.key,
        "zero": 0,
        "uid": "MQ",
        "token": "forged-token",
    }
    return World(clients=clients, values=values)


def outcome(response) -> str:
    """o: done or shown (2xx, 3xx); L: sent to a login page; 3, 4, 5: 403, 404, 405;
    x: refused as bad input (another 4xx); E: a server error."""
    code = response.status_code
    if code >= 500:
        return "E"
    if code in (301, 302, 303) and "/login/" in response.get("Location", ""):
        return "L"
    if code < 400:
        return "o"
    return {403: "3", 404: "4", 405: "5"}.get(code, "x")


def request_and_undo(client: Client, method: str, url: str, data: object = None, **extra):
    """One request whose writes are rolled back, so every request meets the same world.

    The client's cookies are put back too: a rolled-back logout must not sign it out.
    """
    cookies = {name: morsel.value for name, morsel in client.cookies.items()}
    with transaction.atomic():
        send = client.get if method == "GET" else client.post
        response = send(url, data or {}, **extra)
        transaction.set_rollback(True)
    client.cookies = SimpleCookie(cookies)
    return response
