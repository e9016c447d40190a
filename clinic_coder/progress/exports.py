"""CSV exports of a cohort's grades, safe to open in a spreadsheet."""

import csv
from collections.abc import Iterable, Iterator
from zoneinfo import ZoneInfo

from django.db.models import Prefetch
from django.http import HttpResponse
from django.utils.text import slugify

from clinic_coder.cohorts.models import Cohort
from clinic_coder.practice.models import Attempt, Finding

from .gradebook import Gradebook, active_students

# A spreadsheet runs a cell that starts with one of these as a formula (CSV injection).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: object) -> object:
    """The value, with a text cell that could run as a formula made plain text by a quote."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def csv_response(filename: str, rows: Iterable[Iterable[object]]) -> HttpResponse:
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    writer = csv.writer(response)
    for row in rows:
        writer.writerow([safe_cell(value) for value in row])
    return response


def file_name(cohort: Cohort, what: str) -> str:
    return f"{slugify(cohort.name) or 'cohort'}-{what}.csv"


def gradebook_rows(gradebook: Gradebook) -> Iterator[list[object]]:
    """One row per student, one column per assignment; an empty cell: nothing attempted."""
    yield ["Student", "Username", *(str(a.case_set) for a in gradebook.assignments)]
    for row in gradebook.rows:
        yield [
            row.student.get_full_name() or row.student.username,
            row.student.username,
            *("" if cell.score is None else cell.score for _, cell in row.cells),
        ]


def describe_line(line: object) -> str:
    text = f"{line.code} x{line.units}"
    if line.minutes is not None:
        text += f" {line.minutes} min"
    if line.modifiers:
        text += " " + " ".join(line.modifiers)
    return text


def attempt_rows(cohort: Cohort) -> Iterator[list[object]]:
    """One row per attempt on the cohort's assignments by its active students."""
    attempts = (
        Attempt.objects.filter(
            assignment__cohort=cohort, student__in=active_students(cohort).values("pk")
        )
        .select_related("student", "case", "assignment__case_set")
        .prefetch_related(
            "lines",
            Prefetch(
                "findings",
                queryset=Finding.objects.filter(severity=Finding.Severity.ERROR),
                to_attr="errors",
            ),
        )
        .order_by("student__last_name", "student__first_name", "submitted_at", "pk")
    )
    yield [
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
    zone = ZoneInfo(cohort.time_zone)
    for attempt in attempts:
        yield [
            attempt.student.get_full_name() or attempt.student.username,
            attempt.student.username,
            str(attempt.assignment.case_set),
            attempt.case.title,
            attempt.submitted_at.astimezone(zone).isoformat(timespec="seconds"),
            "yes" if attempt.late else "no",
            attempt.score,
            "; ".join(describe_line(line) for line in attempt.lines.all()),
            " ".join(dict.fromkeys(f.rule_id for f in attempt.errors)),
        ]
