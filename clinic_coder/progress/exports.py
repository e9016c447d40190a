"""CSV exports of a cohort's grades, safe to open in a spreadsheet.

Both exports stream: rows are written as they are read, a chunk of students or attempts at a
time, so the first bytes leave at once and memory stays flat whatever the cohort's size.
"""

import csv
import io
from collections import defaultdict
from collections.abc import Iterable, Iterator
from itertools import batched
from zoneinfo import ZoneInfo

from django.http import StreamingHttpResponse
from django.utils.text import slugify

from clinic_coder.cohorts.models import Cohort
from clinic_coder.practice.models import AnswerLine, Attempt, Finding

from .gradebook import active_students, gradebook_assignments, gradebook_for

# A spreadsheet runs a cell that starts with one of these as a formula (CSV injection).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")

# Rows read (and written) per round trip: bounds memory and the queries per chunk.
CHUNK_SIZE = 500


def safe_cell(value: object) -> object:
    """The value, with a text cell that could run as a formula made plain text by a quote."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def csv_chunks(rows: Iterable[Iterable[object]]) -> Iterator[str]:
    """CSV text, the header row at once and then CHUNK_SIZE rows per piece."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    for count, row in enumerate(rows):
        writer.writerow([safe_cell(value) for value in row])
        if count % CHUNK_SIZE == 0:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    if buffer.tell():
        yield buffer.getvalue()


def csv_response(filename: str, rows: Iterable[Iterable[object]]) -> StreamingHttpResponse:
    response = StreamingHttpResponse(csv_chunks(rows), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def file_name(cohort: Cohort, what: str) -> str:
    return f"{slugify(cohort.name) or 'cohort'}-{what}.csv"


def full_name(first_name: str, last_name: str, username: str) -> str:
    """As str(user): the full name, or the username when there is none."""
    return f"{first_name} {last_name}".strip() or username


def gradebook_rows(cohort: Cohort) -> Iterator[list[object]]:
    """One row per active student (all of them, never a page), one column per assignment; an
    empty cell: nothing attempted."""
    assignments = gradebook_assignments(cohort)
    yield ["Student", "Username", *(str(a.case_set) for a in assignments)]
    students = active_students(cohort).iterator(chunk_size=CHUNK_SIZE)
    for chunk in batched(students, CHUNK_SIZE):
        for row in gradebook_for(cohort, students=chunk, assignments=assignments).rows:
            yield [
                str(row.student),
                row.student.username,
                *("" if cell.score is None else cell.score for _, cell in row.cells),
            ]


def describe_line(code: str, units: int, minutes: int | None, modifiers: list[str]) -> str:
    text = f"{code} x{units}"
    if minutes is not None:
        text += f" {minutes} min"
    if modifiers:
        text += " " + " ".join(modifiers)
    return text


ATTEMPT_HEADER = [
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


def attempt_rows(cohort: Cohort) -> Iterator[list[object]]:
    """One row per attempt on the cohort's assignments by its active students.

    In the order of the gradebook's students (last name, first name, username), each student's
    attempts oldest first (submitted at, then id). Only the written columns are read; each
    chunk of attempts fetches its answer lines in one query and its error findings in another.
    """
    attempts = (
        Attempt.objects.filter(
            assignment__cohort=cohort, student__in=active_students(cohort).values("pk")
        )
        .order_by(
            "student__last_name", "student__first_name", "student__username", "submitted_at", "pk"
        )
        .values_list(
            "pk",
            "student__first_name",
            "student__last_name",
            "student__username",
            "assignment__case_set__title",
            "case__title",
            "submitted_at",
            "late",
            "score",
        )
    )
    yield ATTEMPT_HEADER
    zone = ZoneInfo(cohort.time_zone)
    for chunk in batched(attempts.iterator(chunk_size=CHUNK_SIZE), CHUNK_SIZE):
        pks = [attempt[0] for attempt in chunk]
        lines = lines_of(pks)
        errors = error_rule_ids_of(pks)
        for pk, first, last, username, case_set, case, submitted_at, late, score in chunk:
            yield [
                full_name(first, last, username),
                username,
                case_set,
                case,
                submitted_at.astimezone(zone).isoformat(timespec="seconds"),
                "yes" if late else "no",
                score,
                "; ".join(lines[pk]),
                " ".join(dict.fromkeys(errors[pk])),
            ]


def lines_of(attempt_pks: list[int]) -> dict[int, list[str]]:
    """Each attempt's answer lines described, in their order (one query)."""
    described: dict[int, list[str]] = defaultdict(list)
    rows = (
        AnswerLine.objects.filter(attempt__in=attempt_pks)
        .order_by("attempt", "position")
        .values_list("attempt_id", "code", "units", "minutes", "modifiers")
    )
    for attempt_pk, *line in rows:
        described[attempt_pk].append(describe_line(*line))
    return described


def error_rule_ids_of(attempt_pks: list[int]) -> dict[int, list[str]]:
    """Each attempt's error findings' rule ids, in the order they were found (one query)."""
    rule_ids: dict[int, list[str]] = defaultdict(list)
    rows = (
        Finding.objects.filter(attempt__in=attempt_pks, severity=Finding.Severity.ERROR)
        .order_by("pk")
        .values_list("attempt_id", "rule_id")
    )
    for attempt_pk, rule_id in rows:
        rule_ids[attempt_pk].append(rule_id)
    return rule_ids
