from django.urls import reverse

from tests.factories import PASSWORD


def test_it_logs_in_with_the_right_password(client, people):
    response = client.post(reverse("accounts:login"), {"username": "alice", "password": PASSWORD})
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(people.alice.pk)


def test_it_refuses_a_wrong_password_with_a_message(client, people):
    response = client.post(reverse("accounts:login"), {"username": "alice", "password": "nope"})
    assert response.status_code == 200
    assert "enter a correct username and password" in response.text
    assert "_auth_user_id" not in client.session


def test_it_refuses_an_inactive_account(client, people):
    people.alice.is_active = False
    people.alice.save()
    response = client.post(reverse("accounts:login"), {"username": "alice", "password": PASSWORD})
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session


def test_it_logs_out_on_post_only(client, people):
    client.force_login(people.alice)
    assert client.get(reverse("accounts:logout")).status_code == 405
    response = client.post(reverse("accounts:logout"))
    assert response.status_code == 302
    assert response.url == reverse("accounts:login")
    assert "_auth_user_id" not in client.session


def test_it_changes_the_password(client, people):
    client.force_login(people.alice)
    response = client.post(
        reverse("accounts:password_change"),
        {
            "old_password": PASSWORD,
            "new_password1": "a-much-longer-new-secret",
            "new_password2": "a-much-longer-new-secret",
        },
    )
    assert response.status_code == 302
    people.alice.refresh_from_db()
    assert people.alice.check_password("a-much-longer-new-secret")


def test_it_keeps_the_password_when_the_old_one_is_wrong(client, people):
    client.force_login(people.alice)
    response = client.post(
        reverse("accounts:password_change"),
        {
            "old_password": "wrong",
            "new_password1": "a-much-longer-new-secret",
            "new_password2": "a-much-longer-new-secret",
        },
    )
    assert response.status_code == 200
    assert "Your old password was entered incorrectly" in response.text
    people.alice.refresh_from_db()
    assert people.alice.check_password(PASSWORD)


def test_it_asks_anonymous_visitors_to_log_in_before_changing_a_password(client, db):
    response = client.get(reverse("accounts:password_change"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:login"))
