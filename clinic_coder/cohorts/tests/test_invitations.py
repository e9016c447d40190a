"""Adding an existing account is an invitation: the student accepts (or declines) it, and no
staff member of the cohort sees any of their work before they accept."""

import pytest
from django.urls import reverse
from django.utils import timezone

from clinic_coder.cohorts.models import Enrollment, Invitation
from clinic_coder.progress.models import SignOff


@pytest.fixture
def invitation(client, people):
    """Igor (cohort B) invites Alice, a student of cohort A who has a sign-off there."""
    SignOff.objects.create(
        student=people.alice,
        cohort=people.cohort_a,
        skill="units-cms",
        signed_by=people.sofia,
        signed_at=timezone.now(),
        note="Cohort A's own remark",
    )
    client.force_login(people.igor)
    url = reverse("cohorts:add_student", args=[people.cohort_b.pk])
    response = client.post(url, {"who": "alice"}, follow=True)
    assert "they join when they accept" in response.text
    return Invitation.objects.get()


def record(people) -> str:
    return reverse("progress:student_record", args=[people.alice.pk])


def test_it_shows_nothing_of_an_invited_students_work_to_the_inviting_staff(
    client, people, invitation
):
    assert not Enrollment.objects.filter(cohort=people.cohort_b, student=people.alice).exists()
    assert client.get(record(people)).status_code == 404
    cohort_page = client.get(reverse("cohorts:cohort_detail", args=[people.cohort_b.pk])).text
    assert "Invited, waiting for the student to accept" in cohort_page


def test_it_lets_the_student_accept_on_their_home_page(client, people, invitation):
    client.force_login(people.alice)
    home = client.get(reverse("practice:student_home")).text
    assert "Invitations to join a cohort" in home
    assert "Cohort B" in home
    client.post(reverse("cohorts:accept_invitation", args=[invitation.pk]))
    assert Enrollment.objects.get(cohort=people.cohort_b, student=people.alice).active
    assert not Invitation.objects.exists()
    client.force_login(people.igor)
    page = client.get(record(people))
    assert page.status_code == 200
    assert "Cohort A&#x27;s own remark" not in page.text


def test_it_lets_the_student_decline(client, people, invitation):
    client.force_login(people.alice)
    client.post(reverse("cohorts:decline_invitation", args=[invitation.pk]))
    assert not Invitation.objects.exists()
    assert not Enrollment.objects.filter(cohort=people.cohort_b, student=people.alice).exists()


def test_it_lets_no_one_else_answer_an_invitation(client, people, invitation):
    client.force_login(people.bob)
    url = reverse("cohorts:accept_invitation", args=[invitation.pk])
    assert client.post(url).status_code == 404
    assert client.get(url).status_code == 405
    assert Invitation.objects.exists()
