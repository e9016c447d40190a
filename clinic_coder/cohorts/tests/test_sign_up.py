"""Self-registration with a cohort's invite code (when SELF_REGISTRATION is on)."""

import pytest
from django.urls import reverse

from clinic_coder.accounts.models import User

PASSWORD = "a-fresh-and-long-secret"


def sign_up(client, code: str, **overrides):
    data = {
        "code": code,
        "username": "dana",
        "first_name": "Dana",
        "last_name": "Diaz",
        "email": "dana@example.edu",
        "password1": PASSWORD,
        "password2": PASSWORD,
    } | overrides
    return client.post(reverse("cohorts:sign_up"), data)


@pytest.fixture(autouse=True)
def open_sign_up(settings) -> None:
    settings.SELF_REGISTRATION = True


def test_it_makes_a_student_account_enrolled_in_the_codes_cohort(client, people):
    code = people.cohort_a.invite_code
    response = sign_up(client, f" {code[:4].lower()}-{code[4:]} ")
    assert response.url == reverse("practice:student_home")
    dana = User.objects.get(username="dana")
    assert (dana.role, dana.email, dana.first_name) == ("student", "dana@example.edu", "Dana")
    assert dana.check_password(PASSWORD)
    assert people.cohort_a.enrollments.get(student=dana).active
    assert not people.cohort_b.enrollments.filter(student=dana).exists()
    # Signed in at once, on their own start page.
    assert client.session["_auth_user_id"] == str(dana.pk)
    assert "You joined Cohort A" in client.get(response.url).text


def test_it_refuses_a_renewed_code_and_makes_nothing(client, people):
    old = people.cohort_a.invite_code
    people.cohort_a.regenerate_invite_code()
    response = sign_up(client, old)
    assert response.status_code == 200
    assert f"No cohort has the code {old}" in response.text
    assert "an old code stops working once renewed" in response.text
    assert not User.objects.filter(username="dana").exists()


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"username": "Alice"}, "A user with that username already exists."),
        ({"email": "alice@example.edu"}, "An account already uses this email."),
        ({"password1": "short", "password2": "short"}, "This password is too short"),
        ({"password2": "something-else-entirely"}, "The two password fields"),
        ({"first_name": ""}, "This field is required."),
        ({"email": ""}, "This field is required."),
    ],
)
def test_it_explains_what_is_wrong_and_makes_nothing(client, people, overrides, message):
    people.alice.email = "alice@example.edu"
    people.alice.save()
    response = sign_up(client, people.cohort_a.invite_code, **overrides)
    assert response.status_code == 200
    assert message in response.text
    assert User.objects.count() == 6


def test_it_is_closed_unless_the_setting_allows_it(client, people, settings):
    settings.SELF_REGISTRATION = False
    assert client.get(reverse("cohorts:sign_up")).status_code == 404
    assert sign_up(client, people.cohort_a.invite_code).status_code == 404
    assert not User.objects.filter(username="dana").exists()
    assert "Make your account" not in client.get(reverse("accounts:login")).text


def test_it_links_to_sign_up_from_the_login_page_when_open(client, db):
    response = client.get(reverse("accounts:login"))
    assert f'href="{reverse("cohorts:sign_up")}"' in response.text


def test_it_sends_a_signed_in_person_to_their_start_page(client, people):
    client.force_login(people.alice)
    response = sign_up(client, people.cohort_b.invite_code)
    assert response.url == reverse("accounts:start")
    assert not User.objects.filter(username="dana").exists()
    assert not people.cohort_b.enrollments.filter(student=people.alice).exists()


def test_it_starts_the_page_at_the_invite_code(client, db):
    page = client.get(reverse("cohorts:sign_up")).text
    (autofocused,) = [tag for tag in page.split("<input")[1:] if " autofocus" in tag.split(">")[0]]
    assert 'name="code"' in autofocused
