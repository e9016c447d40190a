"""The instructor's cohort pages: list, create, edit, the cohort page, invite code, supervisors."""

from django.urls import reverse

from clinic_coder.cohorts.models import Cohort
from tests.factories import make_assignment, make_case_set, make_user


def test_it_links_each_taught_cohort_from_the_home_page(client, people):
    client.force_login(people.ines)
    text = client.get(reverse("cohorts:instructor_home")).text
    assert reverse("cohorts:cohort_detail", args=[people.cohort_a.pk]) in text
    assert reverse("cohorts:cohort_detail", args=[people.cohort_b.pk]) not in text
    assert reverse("cohorts:create_cohort") in text


def test_it_creates_a_cohort_taught_by_its_creator(client, people):
    client.force_login(people.ines)
    response = client.post(
        reverse("cohorts:create_cohort"),
        {"name": "Rotation C", "term": "Fall 2026", "time_zone": "America/New_York"},
    )
    cohort = Cohort.objects.get(name="Rotation C")
    assert response.url == reverse("cohorts:cohort_detail", args=[cohort.pk])
    assert list(cohort.instructors.all()) == [people.ines]
    assert cohort.time_zone == "America/New_York"
    assert len(cohort.invite_code) == 8


def test_it_refuses_an_unknown_time_zone(client, people):
    client.force_login(people.ines)
    response = client.post(
        reverse("cohorts:create_cohort"), {"name": "C", "time_zone": "Mars/Olympus"}
    )
    assert response.status_code == 200
    assert "Choose a time zone from the list, e.g. America/New_York." in response.text
    assert not Cohort.objects.filter(name="C").exists()


def test_it_edits_name_term_and_time_zone(client, people):
    client.force_login(people.ines)
    url = reverse("cohorts:edit_cohort", args=[people.cohort_a.pk])
    response = client.post(url, {"name": "Cohort A1", "term": "Spring", "time_zone": "Europe/Oslo"})
    assert response.status_code == 302
    people.cohort_a.refresh_from_db()
    assert (people.cohort_a.name, people.cohort_a.term) == ("Cohort A1", "Spring")
    assert people.cohort_a.time_zone == "Europe/Oslo"


def test_it_requires_a_name(client, people):
    client.force_login(people.ines)
    url = reverse("cohorts:edit_cohort", args=[people.cohort_a.pk])
    response = client.post(url, {"name": "", "time_zone": "Europe/Oslo"})
    assert "This field is required." in response.text
    people.cohort_a.refresh_from_db()
    assert people.cohort_a.name == "Cohort A"


def test_it_shows_the_roster_with_deactivated_students(client, people):
    carl = make_user(username="carl", first_name="Carl", last_name="Cole")
    people.cohort_a.enrol(carl)
    people.cohort_a.enrollments.filter(student=carl).update(active=False)
    client.force_login(people.ines)
    text = client.get(reverse("cohorts:cohort_detail", args=[people.cohort_a.pk])).text
    assert "Alice Archer" in text
    assert "Carl Cole" in text
    assert "Deactivated" in text
    assert 'Reactivate<span class="visually-hidden"> Carl Cole</span>' in text
    assert people.cohort_a.invite_code in text
    for name in ("cohorts:add_student", "cohorts:import_roster", "cohorts:create_assignment"):
        assert reverse(name, args=[people.cohort_a.pk]) in text


def test_it_lists_assignments_in_the_cohorts_time_zone(client, people):
    import datetime

    people.cohort_a.time_zone = "America/New_York"
    people.cohort_a.save()
    utc = datetime.UTC
    make_assignment(
        cohort=people.cohort_a,
        case_set=make_case_set(title="Timed codes"),
        opens_at=datetime.datetime(2026, 3, 2, 14, 0, tzinfo=utc),
        due_at=datetime.datetime(2026, 3, 9, 21, 0, tzinfo=utc),  # 17:00 EDT
    )
    client.force_login(people.ines)
    text = client.get(reverse("cohorts:cohort_detail", args=[people.cohort_a.pk])).text
    assert "Timed codes" in text
    assert "Mon 9 Mar 2026, 17:00 EDT" in text


def test_it_regenerates_the_invite_code(client, people):
    old = people.cohort_a.invite_code
    client.force_login(people.ines)
    response = client.post(reverse("cohorts:regenerate_invite_code", args=[people.cohort_a.pk]))
    people.cohort_a.refresh_from_db()
    assert people.cohort_a.invite_code != old
    assert response.url == reverse("cohorts:cohort_detail", args=[people.cohort_a.pk])


def test_it_swaps_in_the_new_invite_code_for_htmx(client, people):
    client.force_login(people.ines)
    response = client.post(
        reverse("cohorts:regenerate_invite_code", args=[people.cohort_a.pk]),
        headers={"HX-Request": "true"},
    )
    people.cohort_a.refresh_from_db()
    assert response.status_code == 200
    assert f'id="invite-code">{people.cohort_a.invite_code}</code>' in response.text
    assert "<html" not in response.text


def test_it_adds_a_supervisor_by_username(client, people):
    vera = make_user(username="vera", role="supervisor")
    client.force_login(people.ines)
    response = client.post(
        reverse("cohorts:add_supervisor", args=[people.cohort_a.pk]), {"username": "Vera"}
    )
    assert response.status_code == 302
    assert set(people.cohort_a.supervisors.all()) == {people.sofia, vera}


def test_it_explains_why_a_supervisor_cant_be_added(client, people):
    client.force_login(people.ines)
    url = reverse("cohorts:add_supervisor", args=[people.cohort_a.pk])
    cases = {
        "nobody": "No account has the username nobody.",
        "bob": "bob is not a clinic supervisor account.",
        "sofia": "Sofia Soto already supervises this cohort.",
    }
    for username, message in cases.items():
        assert message in client.post(url, {"username": username}).text
    assert list(people.cohort_a.supervisors.all()) == [people.sofia]


def test_it_removes_a_supervisor(client, people):
    client.force_login(people.ines)
    client.post(reverse("cohorts:remove_supervisor", args=[people.cohort_a.pk, people.sofia.pk]))
    assert not people.cohort_a.supervisors.exists()


def test_it_404s_removing_someone_who_is_not_a_supervisor(client, people):
    client.force_login(people.ines)
    url = reverse("cohorts:remove_supervisor", args=[people.cohort_a.pk, people.alice.pk])
    assert client.post(url).status_code == 404
