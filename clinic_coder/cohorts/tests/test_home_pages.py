import pytest
from django.urls import reverse

PAGES = ["practice:student_home", "cohorts:instructor_home", "progress:supervisor_dashboard"]
ALLOWED = {
    "practice:student_home": {"alice", "admin"},
    "cohorts:instructor_home": {"ines", "admin"},
    "progress:supervisor_dashboard": {"sofia", "admin"},
}


@pytest.mark.parametrize("page", PAGES)
def test_it_sends_anonymous_visitors_to_login(client, db, page):
    response = client.get(reverse(page))
    assert response.status_code == 302
    assert response.url == f"{reverse('accounts:login')}?next={reverse(page)}"


@pytest.mark.parametrize("page", PAGES)
@pytest.mark.parametrize("persona", ["alice", "ines", "sofia", "admin"])
def test_it_lets_in_only_the_pages_role(client, people, page, persona):
    client.force_login(getattr(people, persona))
    response = client.get(reverse(page))
    assert response.status_code == (200 if persona in ALLOWED[page] else 403)


def test_it_shows_a_student_only_their_own_cohorts(client, people):
    client.force_login(people.alice)
    response = client.get(reverse("practice:student_home"))
    assert "Cohort A" in response.text
    assert "Cohort B" not in response.text
    assert "<title>My practice · Clinic Coder</title>" in response.text


def test_it_hides_a_cohort_after_the_student_is_deactivated(client, people):
    people.cohort_a.enrollments.update(active=False)
    client.force_login(people.alice)
    response = client.get(reverse("practice:student_home"))
    assert "Cohort A" not in response.text
    assert "not enrolled in a cohort yet" in response.text


def test_it_shows_an_instructor_only_the_cohorts_they_teach(client, people):
    client.force_login(people.ines)
    response = client.get(reverse("cohorts:instructor_home"))
    assert "Cohort A" in response.text
    assert "Cohort B" not in response.text


def test_it_shows_a_supervisor_only_the_cohorts_they_supervise(client, people):
    client.force_login(people.sofia)
    response = client.get(reverse("progress:supervisor_dashboard"))
    assert "Cohort A" in response.text
    assert "Cohort B" not in response.text


def test_it_shows_each_role_only_its_own_navigation(client, people):
    client.force_login(people.alice)
    text = client.get(reverse("practice:student_home")).text
    assert reverse("practice:student_home") in text
    assert reverse("cohorts:instructor_home") not in text
    assert reverse("progress:supervisor_dashboard") not in text
    assert 'href="#main"' in text
