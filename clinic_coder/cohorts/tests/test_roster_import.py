"""Importing a roster CSV: read the file, preview each row's outcome, then apply it once."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from clinic_coder.accounts.models import User
from clinic_coder.cohorts import roster
from clinic_coder.cohorts.models import Enrollment
from tests.factories import make_user

HEADER = "username,first_name,last_name,email\n"
ROSTER = HEADER + (
    "dana,Dana,Diaz,dana@example.edu\n"  # new account
    "carl,Carl,Cole,carl@example.edu\n"  # existing account
    "alice,Alice,Archer,\n"  # already enrolled
    "bad name,Bad,Name,\n"  # error
)


def upload(client, cohort, text: str | bytes, name: str = "roster.csv"):
    data = text.encode() if isinstance(text, str) else text
    file = SimpleUploadedFile(name, data, content_type="text/csv")
    return client.post(reverse("cohorts:import_roster", args=[cohort.pk]), {"file": file})


def confirm(client, cohort):
    pending = client.session[f"roster-import-{cohort.pk}"]
    url = reverse("cohorts:apply_roster_import", args=[cohort.pk])
    return client.post(url, {"import_id": pending["id"]})


# --- Reading the file (no database) ----------------------------------------------------------


def test_it_reads_rows_with_their_line_numbers():
    text = "\ufeff" + HEADER + "dana,Dana,Diaz,d@x.edu\n\n x , , ,\n"
    rows = roster.parse_roster(text.encode())
    assert rows == [
        roster.RosterRow(2, "dana", "Dana", "Diaz", "d@x.edu"),
        roster.RosterRow(4, "x", "", "", ""),
    ]


def test_it_accepts_a_header_in_any_case_with_spaces():
    rows = roster.parse_roster(b"Username, First_Name ,last_name,EMAIL\r\nzoe,Zo\xc3\xab,Z,\r\n")
    assert rows[0].first_name == "Zoë"


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "The file is empty."),
        (b"username,first_name,last_name,email\n", "has a header but no students"),
        (b"dana,Dana,Diaz,dana@example.edu\n", "The first row must be the header"),
        (b"username,email\ndana,d@x.edu\n", "The first row must be the header"),
        ("username,first_name,last_name,email\nzoë,Zoë,,\n".encode("latin-1"), "not UTF-8"),
        (b"\x00\x01\x02", "not a CSV text file"),
    ],
)
def test_it_refuses_a_file_it_cant_read(data, message):
    with pytest.raises(roster.BadRoster, match=message):
        roster.parse_roster(data)


@pytest.mark.parametrize(
    ("line", "problem"),
    [
        ("dana,Dana,Diaz", "has 3 columns, not 4"),
        (",Dana,Diaz,", "the username is empty"),
        ("da na,Dana,Diaz,", "may only have letters, digits"),
        ("dana,Dana,Diaz,not-an-email", "'not-an-email' is not an email address"),
    ],
)
def test_it_flags_a_bad_row_without_refusing_the_file(line, problem):
    rows = roster.parse_roster((HEADER + "ok,O,K,\n" + line + "\n").encode())
    assert rows[0].problem == ""
    assert problem in rows[1].problem
    assert rows[1].line == 3


# --- Planning and applying ---------------------------------------------------------------------


def test_it_plans_each_rows_outcome_without_saving(people):
    make_user(username="carl", email="carl@example.edu")
    make_user(username="ivy", role="instructor")
    text = ROSTER + "Dana,D,D,\nivy,I,V,\neve,E,V,CARL@example.edu\n"
    planned = roster.plan_import(people.cohort_a, roster.parse_roster(text.encode()))
    assert [(p.row.line, p.outcome, p.note) for p in planned] == [
        (2, "new", ""),
        (3, "existing", "carl (carl)"),
        (4, "already", ""),
        (5, "error", "the username 'bad name' may only have letters, digits and @ . + - _"),
        (6, "error", "the username is also on line 2"),
        (7, "error", "ivy is not a student account"),
        (8, "error", "the email is used by another account (carl)"),
    ]
    assert not User.objects.filter(username="dana").exists()


def test_it_notes_a_deactivated_student_stays_deactivated(people):
    people.cohort_a.enrollments.update(active=False)
    rows = roster.parse_roster((HEADER + "alice,A,A,\n").encode())
    [planned] = roster.plan_import(people.cohort_a, rows)
    assert (planned.outcome, planned.note) == ("already", "deactivated: stays deactivated")


# --- The pages ----------------------------------------------------------------------------------


def test_it_previews_before_saving_anything(client, people):
    make_user(username="carl", email="carl@example.edu")
    client.force_login(people.ines)
    response = upload(client, people.cohort_a, ROSTER)
    assert response.url == reverse("cohorts:preview_roster_import", args=[people.cohort_a.pk])
    text = client.get(response.url).text
    assert "1 new account to create and enrol" in text
    assert "1 existing account to invite" in text
    assert "1 already enrolled" in text
    assert "Error on line 5:</strong> the username &#x27;bad name&#x27; may only have" in text
    assert "Import 2 students" in text
    assert not User.objects.filter(username="dana").exists()
    assert people.cohort_a.enrollments.count() == 1


def test_it_applies_the_import_once(client, people):
    carl = make_user(username="carl", email="carl@example.edu")
    client.force_login(people.ines)
    upload(client, people.cohort_a, ROSTER)
    response = confirm(client, people.cohort_a)
    assert "Rows processed: 4 of 4" in response.text
    assert '<progress id="rows-processed"' in response.text
    dana = User.objects.get(username="dana")
    assert (dana.role, dana.email) == ("student", "dana@example.edu")
    assert not dana.has_usable_password()
    enrolled = set(people.cohort_a.enrollments.values_list("student__username", flat=True))
    assert enrolled == {"alice", "dana"}
    # An existing account may hold work from elsewhere: invited, it joins on accepting.
    assert carl.invitations.get().cohort == people.cohort_a
    # The same confirm again (a double click, the back button) does nothing more.
    again = client.post(
        reverse("cohorts:apply_roster_import", args=[people.cohort_a.pk]), {"import_id": "stale"}
    )
    assert again.url == reverse("cohorts:import_roster", args=[people.cohort_a.pk])
    assert people.cohort_a.enrollments.count() == 2


def test_it_duplicates_nothing_when_the_same_file_is_imported_again(client, people):
    client.force_login(people.ines)
    upload(client, people.cohort_a, ROSTER)
    confirm(client, people.cohort_a)
    users, enrollments = User.objects.count(), Enrollment.objects.count()
    upload(client, people.cohort_a, ROSTER)
    text = client.get(reverse("cohorts:preview_roster_import", args=[people.cohort_a.pk])).text
    assert "3 already enrolled" in text
    response = confirm(client, people.cohort_a)
    assert "0 new accounts created and enrolled" in response.text
    assert (User.objects.count(), Enrollment.objects.count()) == (users, enrollments)


def test_it_invites_to_another_cohort_a_student_made_by_an_earlier_import(client, people):
    client.force_login(people.admin)
    upload(client, people.cohort_a, ROSTER)
    confirm(client, people.cohort_a)
    upload(client, people.cohort_b, HEADER + "dana,Dana,Diaz,dana@example.edu\n")
    confirm(client, people.cohort_b)
    assert User.objects.filter(username="dana").count() == 1
    assert Enrollment.objects.filter(student__username="dana").count() == 1
    assert people.cohort_b.invitations.get().student.username == "dana"


def test_it_imports_a_large_roster_in_one_request(client, people, django_assert_max_num_queries):
    rows = "".join(f"s{n:04},First{n},Last{n},s{n}@example.edu\n" for n in range(600))
    client.force_login(people.ines)
    upload(client, people.cohort_a, HEADER + rows)
    with django_assert_max_num_queries(30):
        response = confirm(client, people.cohort_a)
    assert "Rows processed: 600 of 600" in response.text
    assert 'value="600" max="600"' in response.text
    assert people.cohort_a.enrollments.count() == 601


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"name;mail\nx;y\n", "The first row must be the header"),
        ("username,first_name,last_name,email\nzoë,Z,Z,\n".encode("utf-16"), "not UTF-8"),
        (b"", "The submitted file is empty."),
    ],
)
def test_it_explains_a_bad_file_and_keeps_nothing(client, people, data, message):
    client.force_login(people.ines)
    response = upload(client, people.cohort_a, data)
    assert response.status_code == 200
    assert message in response.text
    assert f"roster-import-{people.cohort_a.pk}" not in client.session


def test_it_refuses_a_file_over_2_mb(client, people):
    client.force_login(people.ines)
    big = HEADER + "x" * (2 * 1024 * 1024)
    response = upload(client, people.cohort_a, big)
    assert "the limit is 2 MB" in response.text


def test_it_cancels_a_pending_import(client, people):
    client.force_login(people.ines)
    upload(client, people.cohort_a, ROSTER)
    client.post(reverse("cohorts:cancel_roster_import", args=[people.cohort_a.pk]))
    response = client.get(reverse("cohorts:preview_roster_import", args=[people.cohort_a.pk]))
    assert response.url == reverse("cohorts:import_roster", args=[people.cohort_a.pk])
    assert not User.objects.filter(username="dana").exists()


def test_it_keeps_pending_imports_apart_per_cohort(client, people):
    client.force_login(people.admin)
    upload(client, people.cohort_a, ROSTER)
    response = client.post(
        reverse("cohorts:apply_roster_import", args=[people.cohort_b.pk]),
        {"import_id": client.session[f"roster-import-{people.cohort_a.pk}"]["id"]},
    )
    assert response.url == reverse("cohorts:import_roster", args=[people.cohort_b.pk])
    assert not User.objects.filter(username="dana").exists()
