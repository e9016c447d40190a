"""Accounts made by staff get a set-your-password link: shown to the instructor, emailed to
the student when they have an address, and good for choosing the password once."""

import re

from django.core import mail
from django.urls import reverse

from clinic_coder.accounts.models import User
from clinic_coder.cohorts.tests.test_roster_import import HEADER, confirm, upload

NEW_PASSWORD = "a-fresh-and-long-secret"


def create_student(client, cohort, **fields):
    data = {"create": ""} | {f"new-{name}": value for name, value in fields.items()}
    return client.post(reverse("cohorts:add_student", args=[cohort.pk]), data)


def shown_links(text: str) -> list[str]:
    return re.findall(r'value="https?://[^/"]+(/accounts/welcome/[^"]+)"', text)


def test_it_shows_and_emails_a_link_for_a_student_added_one_by_one(client, people):
    client.force_login(people.ines)
    response = create_student(
        client, people.cohort_a, username="dana", first_name="Dana", email="dana@example.edu"
    )
    [link] = shown_links(response.text)
    assert "Emailed to dana@example.edu" in response.text
    [message] = mail.outbox
    assert message.to == ["dana@example.edu"]
    assert link in message.body
    assert "Your username is dana" in message.body


def test_it_only_shows_the_link_when_the_student_has_no_email(client, people):
    client.force_login(people.ines)
    response = create_student(client, people.cohort_a, username="dana")
    assert len(shown_links(response.text)) == 1
    assert "has no email address: hand the link over yourself" in response.text
    assert mail.outbox == []


def test_it_lets_the_student_choose_a_password_once_with_the_link(client, people):
    client.force_login(people.ines)
    [link] = shown_links(create_student(client, people.cohort_a, username="dana").text)
    client.logout()
    form_page = client.get(link, follow=True)
    assert "Welcome to Clinic Coder" in form_page.text
    assert "<strong>dana</strong>" in form_page.text
    done = client.post(
        form_page.redirect_chain[-1][0],
        {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert done.url == reverse("accounts:password_reset_complete")
    assert User.objects.get(username="dana").check_password(NEW_PASSWORD)
    login = client.post(reverse("accounts:login"), {"username": "dana", "password": NEW_PASSWORD})
    assert login.status_code == 302
    client.logout()
    assert "This link no longer works" in client.get(link, follow=True).text


def test_it_gives_no_link_when_an_existing_student_is_invited(client, people):
    client.force_login(people.ines)
    response = client.post(
        reverse("cohorts:add_student", args=[people.cohort_a.pk]), {"who": "bob"}, follow=True
    )
    assert shown_links(response.text) == []
    assert mail.outbox == []


def test_it_never_makes_accounts_for_another_instructors_cohort(client, people):
    client.force_login(people.igor)
    response = create_student(client, people.cohort_a, username="dana", email="d@example.edu")
    assert response.status_code == 404
    assert not User.objects.filter(username="dana").exists()
    assert mail.outbox == []


def test_it_lists_a_link_for_each_account_a_roster_import_made(client, people):
    client.force_login(people.ines)
    upload(
        client,
        people.cohort_a,
        HEADER + "dana,Dana,Diaz,dana@example.edu\neve,Eve,Eng,\nalice,Alice,Archer,\n",
    )
    response = confirm(client, people.cohort_a)
    links = shown_links(response.text)
    assert len(links) == 2
    assert "1 of 2 links emailed" in response.text
    [message] = mail.outbox
    assert message.to == ["dana@example.edu"]
    assert links[0] in message.body  # dana first: the list is by username
    # Each link opens its own account.
    client.logout()
    page = client.get(links[1], follow=True)
    assert "<strong>eve</strong>" in page.text


def test_it_keeps_the_accounts_and_shows_the_links_when_the_mail_server_fails(
    client, people, settings
):
    settings.MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": "127.0.0.1", "port": 9, "timeout": 2},
        }
    }
    client.force_login(people.ines)
    response = create_student(client, people.cohort_a, username="dana", email="d@example.edu")
    assert len(shown_links(response.text)) == 1
    assert "could not be sent: hand the link over yourself" in response.text
    assert people.cohort_a.enrollments.filter(student__username="dana").exists()


def new_link_url(people, student) -> str:
    return reverse("cohorts:new_password_link", args=[people.cohort_a.pk, student.pk])


def test_it_makes_a_new_link_for_a_student_who_has_no_password_yet(client, people):
    client.force_login(people.ines)
    create_student(client, people.cohort_a, username="dana")
    dana = User.objects.get(username="dana")
    dana.email = "dana@example.edu"
    dana.save()
    roster = client.get(reverse("cohorts:cohort_detail", args=[people.cohort_a.pk])).text
    assert new_link_url(people, dana) in roster
    assert new_link_url(people, people.alice) not in roster  # Alice has a password.
    response = client.post(new_link_url(people, dana))
    assert "A new set-your-password link for dana" in response.text
    [link] = shown_links(response.text)
    assert [m.to for m in mail.outbox] == [["dana@example.edu"]]
    assert link in mail.outbox[0].body


def test_it_makes_no_link_for_a_student_with_a_password(client, people):
    client.force_login(people.ines)
    response = client.post(new_link_url(people, people.alice), follow=True)
    assert "has chosen a password already" in response.text
    assert shown_links(response.text) == []
    assert mail.outbox == []


def test_it_makes_no_link_for_another_instructors_student(client, people):
    people.bob.set_unusable_password()
    people.bob.save()
    client.force_login(people.ines)
    url = reverse("cohorts:new_password_link", args=[people.cohort_a.pk, people.bob.pk])
    assert client.post(url).status_code == 404
    client.force_login(people.igor)
    url = reverse("cohorts:new_password_link", args=[people.cohort_b.pk, people.bob.pk])
    assert len(shown_links(client.post(url).text)) == 1
    client.force_login(people.alice)
    assert client.post(url).status_code == 403
