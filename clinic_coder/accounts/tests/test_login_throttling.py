"""Brute force is throttled (django-axes): after five failures an account, and the client that
tried, are locked for the cool-off, on the site's login and the admin's."""

import datetime

import pytest
import time_machine
from axes.models import AccessAttempt
from django.urls import reverse
from django.utils import timezone

from clinic_coder.accounts.client_ip import client_ip
from tests.factories import PASSWORD

LOCKED = "Too many failed sign-ins for this account or from this network."


def sign_in(client, username: str, password: str, *, ip: str = "10.0.0.1", admin=False):
    url = reverse("admin:login") if admin else reverse("accounts:login")
    return client.post(url, {"username": username, "password": password}, REMOTE_ADDR=ip)


def fail_five_times(client, username: str, **kwargs) -> None:
    for _ in range(5):
        response = sign_in(client, username, "wrong", **kwargs)
    assert response.status_code == 429


def test_it_refuses_the_right_password_after_five_failures(client, people):
    fail_five_times(client, "alice")
    response = sign_in(client, "alice", PASSWORD)
    assert response.status_code == 429
    assert LOCKED in response.text
    assert "for 15 minutes" in response.text
    assert "_auth_user_id" not in client.session


def test_it_answers_the_same_for_a_username_that_does_not_exist(client, people):
    fail_five_times(client, "nobody-here", ip="10.0.0.2")
    fail_five_times(client, "alice", ip="10.0.0.3")
    nobody = sign_in(client, "nobody-here", "x", ip="10.0.0.2")
    alice = sign_in(client, "alice", "x", ip="10.0.0.3")
    assert (nobody.status_code, alice.status_code) == (429, 429)
    assert "nobody-here" not in nobody.text
    main = [r.text.split('id="main"')[1].split("</main>")[0] for r in (nobody, alice)]
    assert main[0] == main[1]


def test_it_lets_the_account_in_again_after_the_cool_off(client, people):
    fail_five_times(client, "alice")
    with time_machine.travel(timezone.now() + datetime.timedelta(minutes=16)):
        response = sign_in(client, "alice", PASSWORD)
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(people.alice.pk)


def test_it_does_not_lock_another_user_elsewhere(client, people):
    fail_five_times(client, "alice")
    response = sign_in(client, "bob", PASSWORD, ip="10.9.9.9")
    assert response.status_code == 302


def test_it_locks_the_client_that_tried_for_every_username(client, people):
    for name in ("u1", "u2", "u3", "u4", "u5"):
        sign_in(client, name, "wrong", ip="10.6.6.6")
    assert sign_in(client, "bob", PASSWORD, ip="10.6.6.6").status_code == 429


def test_it_locks_the_admin_login_too(client, people):
    fail_five_times(client, "root", admin=True)
    response = sign_in(client, "root", PASSWORD, admin=True)
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session


def test_an_admin_can_unlock_an_account(client, people):
    fail_five_times(client, "alice")
    admin = reverse("admin:axes_accessattempt_changelist")
    client.force_login(people.admin)
    assert client.get(admin).status_code == 200
    attempt = AccessAttempt.objects.get(username="alice")
    client.post(reverse("admin:axes_accessattempt_delete", args=[attempt.pk]), {"post": "yes"})
    client.logout()
    assert sign_in(client, "alice", PASSWORD).status_code == 302


@pytest.mark.parametrize(
    ("proxies", "forwarded", "expected"),
    [
        (0, "203.0.113.9", "10.0.0.1"),  # not behind a proxy: the header is the client's lie
        (1, "198.51.100.1, 203.0.113.9", "203.0.113.9"),  # the balancer's own entry counts
        (1, "", "10.0.0.1"),
        (2, "203.0.113.9", "10.0.0.1"),
    ],
)
def test_it_reads_the_client_address_behind_the_trusted_proxies(
    rf, settings, proxies, forwarded, expected
):
    settings.TRUSTED_PROXY_COUNT = proxies
    request = rf.get("/", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR=forwarded)
    assert client_ip(request) == expected
