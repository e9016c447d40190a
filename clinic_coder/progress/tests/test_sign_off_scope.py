"""Sign-offs and their notes stay with the cohort that made them; deactivated students are
signed off by no one."""

import pytest
from django.urls import reverse
from django.utils import timezone

from clinic_coder.cohorts.models import Enrollment
from clinic_coder.progress.models import SignOff
from tests.factories import make_user


@pytest.fixture
def carol(people):
    """A student in both cohorts, signed off in cohort A by its supervisor with a note."""
    carol = make_user(username="carol", first_name="Carol", last_name="Cole")
    Enrollment.objects.create(cohort=people.cohort_a, student=carol)
    Enrollment.objects.create(cohort=people.cohort_b, student=carol)
    SignOff.objects.create(
        student=carol,
        cohort=people.cohort_a,
        skill="units-cms",
        signed_by=people.sofia,
        signed_at=timezone.now(),
        note="Private remark from cohort A",
    )
    return carol


def record(student) -> str:
    return reverse("progress:student_record", args=[student.pk])


def test_it_hides_another_cohorts_sign_off_and_note_from_staff(client, people, carol):
    sam = make_user(username="sam", role="supervisor")
    people.cohort_b.supervisors.add(sam)
    for persona in (people.igor, sam):
        client.force_login(persona)
        page = client.get(record(carol)).text
        assert "Private remark from cohort A" not in page
        assert "signed by Sofia Soto" not in page


def test_it_shows_a_cohorts_own_sign_off_to_its_staff(client, people, carol):
    client.force_login(people.ines)
    assert "Private remark from cohort A" in client.get(record(carol)).text


def test_it_shows_the_student_every_sign_off_of_their_own(client, people, carol):
    client.force_login(carol)
    assert "Private remark from cohort A" in client.get(reverse("progress:my_progress")).text


def test_it_refuses_to_sign_off_a_deactivated_student(client, people):
    Enrollment.objects.filter(student=people.alice).update(active=False)
    client.force_login(people.sofia)
    assert "Sign off a skill area" not in client.get(record(people.alice)).text
    response = client.post(
        reverse("progress:sign_off", args=[people.alice.pk]), {"skill": "units-cms"}
    )
    assert response.status_code == 302
    assert not SignOff.objects.exists()
