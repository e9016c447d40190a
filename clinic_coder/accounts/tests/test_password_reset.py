"""Forgot your password: Django's reset views with our pages, mailed through the outbox."""

import re

import pytest
from django.core import mail
from django.urls import reverse

from clinic_coder.accounts.passwords import RESETS_PER_HOUR
from tests.factories import make_user

NEW_PASSWORD = "a-fresh-and-long-secret"


def link_in(message) -> str:
    return re.search(r"https?://[^/\s]+(/\S+)", message.body).group(1)


def ask_for_reset(client, email: str):
    return client.post(reverse("accounts:password_reset"), {"email": email})


def test_it_links_to_the_reset_from_the_login_page(client, db):
    response = client.get(reverse("accounts:login"))
    assert f'href="{reverse("accounts:password_reset")}"' in response.text
    assert "Forgot your password?" in response.text


def test_it_resets_a_password_through_the_emailed_link(client, people):
    people.alice.email = "alice@example.edu"
    people.alice.save()
    response = ask_for_reset(client, "Alice@Example.edu")
    assert response.url == reverse("accounts:password_reset_done")
    [message] = mail.outbox
    assert message.to == ["alice@example.edu"]
    assert "alice" in message.body
    form_page = client.get(link_in(message), follow=True)
    assert "Choose a new password" in form_page.text
    done = client.post(
        form_page.redirect_chain[-1][0],
        {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert done.url == reverse("accounts:password_reset_complete")
    people.alice.refresh_from_db()
    assert people.alice.check_password(NEW_PASSWORD)
    # The link works once: the changed password invalidates its token.
    again = client.get(link_in(message), follow=True)
    assert "This link no longer works" in again.text


def test_it_says_the_same_for_an_unknown_address_and_sends_nothing(client, people):
    response = ask_for_reset(client, "nobody@example.edu")
    assert response.url == reverse("accounts:password_reset_done")
    assert mail.outbox == []


def test_it_sends_the_link_to_an_account_staff_made_without_a_password(client, db):
    dana = make_user(username="dana", email="dana@example.edu")
    dana.set_unusable_password()
    dana.save()
    ask_for_reset(client, "dana@example.edu")
    assert [m.to for m in mail.outbox] == [["dana@example.edu"]]


def test_it_sends_nothing_to_a_deactivated_account(client, db):
    make_user(username="gone", email="gone@example.edu", is_active=False)
    ask_for_reset(client, "gone@example.edu")
    assert mail.outbox == []


def test_it_sends_at_most_a_few_emails_an_hour_to_one_address(client, people):
    people.alice.email = "alice@example.edu"
    people.alice.save()
    for _ in range(RESETS_PER_HOUR + 2):
        response = ask_for_reset(client, "alice@example.edu")
        assert response.url == reverse("accounts:password_reset_done")
    assert len(mail.outbox) == RESETS_PER_HOUR


def test_it_refuses_a_forged_link(client, people):
    url = reverse("accounts:password_reset_confirm", args=["MQ", "forged-token"])
    response = client.get(url)
    assert "This link no longer works" in response.text
    assert "new_password1" not in response.text


@pytest.mark.parametrize(
    ("password", "message"),
    [("short", "This password is too short"), ("password123", "This password is too common")],
)
def test_it_holds_a_new_password_to_the_validators(client, people, password, message):
    people.alice.email = "alice@example.edu"
    people.alice.save()
    ask_for_reset(client, "alice@example.edu")
    form_page = client.get(link_in(mail.outbox[0]), follow=True)
    response = client.post(
        form_page.redirect_chain[-1][0], {"new_password1": password, "new_password2": password}
    )
    assert message in response.text
    people.alice.refresh_from_db()
    assert not people.alice.check_password(password)


def test_it_emails_through_smtp_when_email_host_is_set():
    from clinic_coder.tests.test_settings import run_manage

    result = run_manage(
        "shell",
        "-c",
        "from django.conf import settings; "
        "m = settings.MAILERS['default']; "
        "print(m['BACKEND'], m['OPTIONS']['port'], m['OPTIONS']['use_tls'])",
        EMAIL_HOST="smtp.example.org",
        EMAIL_PORT="2525",
    )
    assert result.stdout.strip().splitlines()[-1] == (
        "django.core.mail.backends.smtp.EmailBackend 2525 True"
    )


def test_it_prints_email_to_the_console_by_default():
    from clinic_coder.tests.test_settings import run_manage

    result = run_manage(
        "shell", "-c", "from django.conf import settings; print(settings.MAILERS['default'])"
    )
    assert "console.EmailBackend" in result.stdout.strip().splitlines()[-1]
