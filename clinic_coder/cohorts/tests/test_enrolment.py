"""Enrolling students one by one or by invite code; deactivating and reactivating them."""

import pytest
from django.urls import reverse

from clinic_coder.accounts.models import User
from clinic_coder.cohorts.models import Enrollment
from tests.factories import make_user


def add_url(people) -> str:
    return reverse("cohorts:add_student", args=[people.cohort_a.pk])


@pytest.mark.parametrize("who", ["carl", "CARL", "carl@example.edu", " Carl@Example.edu "])
def test_it_invites_an_existing_student_by_username_or_email(client, people, who):
    carl = make_user(username="carl", email="carl@example.edu")
    client.force_login(people.ines)
    response = client.post(add_url(people), {"who": who})
    assert response.url == reverse("cohorts:cohort_detail", args=[people.cohort_a.pk])
    assert people.cohort_a.invitations.get().student == carl
    assert not people.cohort_a.enrollments.filter(student=carl).exists()


def test_it_reactivates_a_deactivated_student_enrolled_again(client, people):
    people.cohort_a.enrollments.update(active=False)
    client.force_login(people.ines)
    client.post(add_url(people), {"who": "alice"})
    assert people.cohort_a.enrollments.get(student=people.alice).active


@pytest.mark.parametrize(
    ("who", "message"),
    [
        ("nobody", "No account has the username or email nobody."),
        ("sofia", "sofia is not a student account."),
        ("alice", "Alice Archer is already enrolled in this cohort."),
        ("twin@example.edu", "More than one account uses twin@example.edu"),
        ("", "This field is required."),
    ],
)
def test_it_explains_why_a_student_cant_be_enrolled(client, people, who, message):
    make_user(username="t1", email="twin@example.edu")
    make_user(username="t2", email="twin@example.edu")
    client.force_login(people.ines)
    response = client.post(add_url(people), {"who": who})
    assert response.status_code == 200
    assert message in response.text
    assert list(people.cohort_a.enrollments.values_list("student__username", flat=True)) == [
        "alice"
    ]


def test_it_creates_a_student_account_without_a_password(client, people):
    client.force_login(people.ines)
    data = {
        "create": "",
        "new-username": "dana",
        "new-first_name": "Dana",
        "new-last_name": "Diaz",
        "new-email": "dana@example.edu",
    }
    response = client.post(add_url(people), data, follow=True)
    dana = User.objects.get(username="dana")
    assert dana.role == "student"
    assert not dana.has_usable_password()
    assert (dana.first_name, dana.last_name, dana.email) == ("Dana", "Diaz", "dana@example.edu")
    assert people.cohort_a.enrollments.get(student=dana).active
    assert "The student chooses a password with this link" in response.text


@pytest.mark.parametrize(
    ("username", "email", "message"),
    [
        ("Alice", "", "The username Alice is taken."),
        ("new one", "", "Enter a valid username."),
        ("dana", "alice@example.edu", "An account already uses alice@example.edu"),
        ("dana", "not-an-email", "Enter a valid email address."),
    ],
)
def test_it_explains_why_an_account_cant_be_created(client, people, username, email, message):
    people.alice.email = "alice@example.edu"
    people.alice.save()
    client.force_login(people.ines)
    data = {"create": "", "new-username": username, "new-email": email}
    response = client.post(add_url(people), data)
    assert message in response.text
    assert User.objects.count() == 6


def test_it_deactivates_and_reactivates_a_student_keeping_the_enrollment(client, people):
    client.force_login(people.ines)
    args = [people.cohort_a.pk, people.alice.pk]
    client.post(reverse("cohorts:deactivate_student", args=args))
    enrollment = Enrollment.objects.get(cohort=people.cohort_a, student=people.alice)
    assert not enrollment.active
    client.post(reverse("cohorts:reactivate_student", args=args))
    enrollment.refresh_from_db()
    assert enrollment.active


def test_it_returns_the_roster_fragment_for_htmx(client, people):
    client.force_login(people.ines)
    response = client.post(
        reverse("cohorts:deactivate_student", args=[people.cohort_a.pk, people.alice.pk]),
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 200
    assert "<html" not in response.text
    assert "Deactivated Alice Archer." in response.text
    assert "Reactivate" in response.text


def test_it_404s_deactivating_a_student_of_another_cohort(client, people):
    client.force_login(people.ines)
    url = reverse("cohorts:deactivate_student", args=[people.cohort_a.pk, people.bob.pk])
    assert client.post(url).status_code == 404
    assert Enrollment.objects.get(student=people.bob).active


def test_it_enrols_a_student_who_types_the_invite_code(client, people):
    carl = make_user(username="carl")
    client.force_login(carl)
    code = people.cohort_a.invite_code
    response = client.post(
        reverse("cohorts:join_cohort"), {"code": f" {code[:4].lower()}-{code[4:]} "}
    )
    assert response.url == reverse("practice:student_home")
    assert people.cohort_a.enrollments.get(student=carl).active


def test_it_joins_only_once(client, people):
    client.force_login(people.alice)
    response = client.post(
        reverse("cohorts:join_cohort"), {"code": people.cohort_a.invite_code}, follow=True
    )
    assert "You are already in Cohort A." in response.text
    assert Enrollment.objects.filter(student=people.alice).count() == 1


def test_it_keeps_a_deactivated_student_out(client, people):
    people.cohort_a.enrollments.update(active=False)
    client.force_login(people.alice)
    response = client.post(
        reverse("cohorts:join_cohort"), {"code": people.cohort_a.invite_code}, follow=True
    )
    assert "Your place in Cohort A is inactive; ask your instructor." in response.text
    assert not Enrollment.objects.get(student=people.alice).active


def test_it_explains_a_wrong_invite_code(client, people):
    carl = make_user(username="carl")
    client.force_login(carl)
    response = client.post(reverse("cohorts:join_cohort"), {"code": "WRONG123"})
    assert response.status_code == 200
    assert "No cohort has the code WRONG123." in response.text
    assert not Enrollment.objects.filter(student=carl).exists()


def test_it_stops_accepting_an_old_code_once_renewed(client, people):
    old = people.cohort_a.invite_code
    people.cohort_a.regenerate_invite_code()
    client.force_login(make_user(username="carl"))
    response = client.post(reverse("cohorts:join_cohort"), {"code": old})
    assert f"No cohort has the code {old}." in response.text
