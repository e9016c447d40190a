"""Signed-in pages and exports are never cached; an idle session ends."""

import datetime

import time_machine
from django.urls import reverse
from django.utils import timezone


def test_it_tells_browsers_not_to_store_signed_in_pages_and_exports(client, people):
    client.force_login(people.ines)
    for url in (
        reverse("cohorts:instructor_home"),
        reverse("teach:export_gradebook", args=[people.cohort_a.pk]),
    ):
        response = client.get(url)
        assert response.status_code == 200
        assert "no-store" in response["Cache-Control"]
        assert "private" in response["Cache-Control"]


def test_it_signs_out_a_session_idle_longer_than_the_timeout(client, people, settings):
    settings.SESSION_IDLE_TIMEOUT = 8 * 60 * 60
    settings.SESSION_COOKIE_AGE = 12 * 60 * 60
    client.force_login(people.alice)
    home = reverse("practice:student_home")
    assert client.get(home).status_code == 200
    with time_machine.travel(timezone.now() + datetime.timedelta(hours=7)):
        assert client.get(home).status_code == 200
    with time_machine.travel(timezone.now() + datetime.timedelta(hours=15, minutes=30)):
        response = client.get(home)
    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:login"))
    assert "_auth_user_id" not in client.session


def test_sessions_last_hours_not_weeks():
    from clinic_coder import settings as defaults

    assert defaults.SESSION_IDLE_TIMEOUT == 8 * 60 * 60
    assert defaults.SESSION_COOKIE_AGE == 12 * 60 * 60
