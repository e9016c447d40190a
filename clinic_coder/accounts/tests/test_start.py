import pytest
from django.urls import reverse


def test_it_sends_anonymous_visitors_to_login(client):
    response = client.get(reverse("accounts:start"))
    assert response.status_code == 302
    assert response.url == f"{reverse('accounts:login')}?next=/"


@pytest.mark.parametrize(
    ("persona", "start_page"),
    [
        ("alice", "practice:student_home"),
        ("ines", "cohorts:instructor_home"),
        ("sofia", "progress:supervisor_dashboard"),
        ("admin", "admin:index"),
    ],
)
def test_it_sends_each_role_to_its_own_start_page(client, people, persona, start_page):
    client.force_login(getattr(people, persona))
    response = client.get(reverse("accounts:start"))
    assert response.status_code == 302
    assert response.url == reverse(start_page)


def test_it_lands_on_the_start_page_after_logging_in(client, people):
    response = client.post(
        reverse("accounts:login"),
        {"username": "ines", "password": "correct-horse-battery"},
        follow=True,
    )
    assert response.redirect_chain[-1][0] == reverse("cohorts:instructor_home")
    assert "My cohorts and cases" in response.text
