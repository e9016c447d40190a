"""The gradebook: reading scores, never changing them (practice.workflows changes scores).

A gradebook cell is one student's score on one assignment: the mean over the assignment's cases
of the attempt that counts for each case (the best or the last, as the assignment says), a case
not attempted counting 0. A cell with no attempt at all shows no score.
"""

import datetime
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db import models
from django.db.models import (
    F,
    Max,
    Prefetch,
    Window,
)
from django.db.models.functions import FirstValue

from clinic_coder.cases.models import Case, CaseSetItem
from clinic_coder.cohorts.models import Assignment, Cohort, Terms
from clinic_coder.paging import NAME, name_order
from clinic_coder.practice.models import Attempt


def active_students(cohort: Cohort) -> models.QuerySet:
    return (
        get_user_model()
        .objects.filter(enrollments__cohort=cohort, enrollments__active=True)
        .order_by("last_name", "first_name", "username")
    )


# Gradebook cells ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Tried:
    """One attempt, as much of it as a gradebook cell needs."""

    pk: int
    case_id: int
    score: int
    late: bool
    submitted_at: datetime.datetime


@dataclass(frozen=True)
class Cell:
    score: int | None  # None: nothing attempted
    late: bool = False
    cases_tried: int = 0
    cases: int = 0

    def __str__(self) -> str:
        return "-" if self.score is None else str(self.score)


def counted_attempt(attempts: Iterable[Tried], policy: str) -> Tried:
    """The attempt that counts for a case: the last one, or the best (the later of equals)."""
    if policy == Assignment.ScorePolicy.LAST:
        return max(attempts, key=lambda a: (a.submitted_at, a.pk))
    return max(attempts, key=lambda a: (a.score, a.submitted_at, a.pk))


def assignment_cell(case_ids: list[int], attempts: Iterable[Tried], policy: str) -> Cell:
    by_case: dict[int, list[Tried]] = defaultdict(list)
    for attempt in attempts:
        if attempt.case_id in case_ids:
            by_case[attempt.case_id].append(attempt)
    if not by_case:
        return Cell(None, cases=len(case_ids))
    counted = [counted_attempt(rows, policy) for rows in by_case.values()]
    total, count = sum(a.score for a in counted), len(case_ids)
    return Cell(
        score=(2 * total + count) // (2 * count),  # the mean, rounded half up
        late=any(a.late for a in counted),
        cases_tried=len(counted),
        cases=count,
    )


@dataclass(frozen=True)
class GradebookRow:
    student: object
    cells: list[tuple[Assignment, Cell]]

    @property
    def mean(self) -> int | None:
        """The student's mean over the assignments they attempted (as mean_in_sql sorts by),
        rounded half up; None when nothing is attempted."""
        scores = [cell.score for _, cell in self.cells if cell.score is not None]
        if not scores:
            return None
        return (2 * sum(scores) + len(scores)) // (2 * len(scores))


@dataclass(frozen=True)
class Gradebook:
    assignments: list[Assignment]
    rows: list[GradebookRow]


def published_items() -> Prefetch:
    """A set's cases as students can open them: drafts are not counted against anyone."""
    return Prefetch(
        "case_set__items", queryset=CaseSetItem.objects.filter(case__status=Case.Status.PUBLISHED)
    )


def gradebook_assignments(cohort: Cohort) -> list[Assignment]:
    """The cohort's assignments, the gradebook's columns, with their published cases."""
    return list(cohort.assignments.select_related("case_set").prefetch_related(published_items()))


def gradebook_for(
    cohort: Cohort,
    students: Iterable | None = None,
    assignments: list[Assignment] | None = None,
) -> Gradebook:
    """Students (all the active ones unless given: a page of them) x the cohort's assignments,
    in four queries whatever the cohort's size; attempts are read for these students only."""
    if assignments is None:
        assignments = gradebook_assignments(cohort)
    if students is None:
        students = list(active_students(cohort))
        of_students = active_students(cohort).values("pk")
    else:
        students = list(students)
        of_students = [student.pk for student in students]
    attempts: dict[tuple[int, int], list[Tried]] = defaultdict(list)
    rows = Attempt.objects.filter(assignment__cohort=cohort, student__in=of_students).values_list(
        "student_id", "assignment_id", "pk", "case_id", "score", "late", "submitted_at"
    )
    rows = rows.order_by()  # the cells do not depend on the order: spare the sort
    for student_id, assignment_id, *tried in rows:
        attempts[student_id, assignment_id].append(Tried(*tried))
    case_ids = {a.pk: [item.case_id for item in a.case_set.items.all()] for a in assignments}
    return Gradebook(
        assignments=assignments,
        rows=[
            GradebookRow(
                student,
                [
                    (a, assignment_cell(case_ids[a.pk], attempts[student.pk, a.pk], a.score_policy))
                    for a in assignments
                ],
            )
            for student in students
        ],
    )


# Sorting students by a gradebook column, in SQL so that the page is cut after the sort --------


MEAN = "mean"  # the sort by a student's mean over the assignments


def gradebook_sorts(assignments: list[Assignment]) -> dict[str, Assignment | None]:
    """The gradebook's sort keys: by name, by the student's mean, or by the score on one
    assignment ("a" and its id)."""
    return {NAME: None, MEAN: None} | {
        f"a{assignment.pk}": assignment for assignment in assignments
    }


def students_in_order(
    students: models.QuerySet,
    sort: str,
    by: Assignment | None,
    *,
    cohort: Cohort,
    assignments: list[Assignment],
    cells: dict[int, dict[int, int]] | None = None,
) -> "models.QuerySet | InOrder":
    """Students by name, by their mean over the assignments, or by their score on one
    assignment (nothing attempted last in either direction, then by name); "-" in front of the
    sort reverses it.

    A score sort reads the cells from the database's counted scores (cohort_cells), orders the
    students' ids here and gives a sequence that reads only a page's students. cells: the
    cohort's cells when the caller already has them (the gradebook's averages read the same)."""
    if sort.removeprefix("-") != MEAN and by is None:
        return students.order_by(*name_order(sort))
    if cells is None:
        cells = cohort_cells(cohort, assignments if by is None else [by])
    if by is None:
        score = {student: row_mean(list(row.values())) for student, row in cells.items()}
    else:
        score = {student: row.get(by.pk) for student, row in cells.items()}
    by_name = list(students.order_by(*name_order(NAME)).values_list("pk", flat=True))
    scored = [pk for pk in by_name if score.get(pk) is not None]
    scored.sort(key=score.__getitem__, reverse=sort.startswith("-"))  # stable: names stay
    unscored = [pk for pk in by_name if score.get(pk) is None]
    return InOrder(students.order_by(), scored + unscored, score)


class InOrder:
    """Students in an order worked out by id: the paginator counts the ids and slices them;
    a slice reads only its students from the database. Each carries assignment_score."""

    def __init__(self, students: models.QuerySet, ids: list[int], score: dict) -> None:
        self.students, self.ids, self.score = students, ids, score

    def __len__(self) -> int:
        return len(self.ids)

    def count(self) -> int:
        return len(self.ids)

    def __getitem__(self, index: slice) -> list:
        ids = self.ids[index]
        found = self.students.in_bulk(ids)
        rows = [found[pk] for pk in ids if pk in found]
        for row in rows:
            row.assignment_score = self.score.get(row.pk)
        return rows

    def __iter__(self):
        return iter(self[:])  # list(page.object_list), as Django's Page does


def row_mean(scores: list[int]) -> float | None:
    """A student's mean over the cells with a score (as GradebookRow.mean has it, unrounded)."""
    return sum(scores) / len(scores) if scores else None


@dataclass(frozen=True)
class Averages:
    """The cohort's averages: each assignment's mean over the students with a score in it,
    and the mean of the students' means."""

    per_assignment: dict[int, float | None]
    overall: float | None


def cohort_averages(
    cohort: Cohort,
    assignments: list[Assignment],
    cells: dict[int, dict[int, int]] | None = None,
) -> Averages:
    """Every active student counts (not only a page of them, nor a search)."""
    if cells is None:
        cells = cohort_cells(cohort, assignments)
    per_assignment = {
        a.pk: row_mean([row[a.pk] for row in cells.values() if a.pk in row]) for a in assignments
    }
    return Averages(
        per_assignment, row_mean([row_mean(list(row.values())) for row in cells.values()])
    )


def cohort_cells(cohort: Cohort, assignments: list[Assignment]) -> dict[int, dict[int, int]]:
    """{student id: {assignment id: cell score}} for the active students, with the cells that
    have a score only (as assignment_cell scores them).

    The database picks the attempt that counts for each student and case (one grouped query
    per score policy: a row per student and case, never one per attempt); the cells are summed
    here. Scoring every cell with correlated subqueries instead took 1.5 s for 100 students.
    """
    cases = {a.pk: {item.case_id for item in a.case_set.items.all()} for a in assignments}
    totals: dict[int, dict[int, int]] = defaultdict(lambda: defaultdict(int))
    for student, assignment, case, score in counted_scores(cohort, assignments):
        if case in cases[assignment]:
            totals[student][assignment] += score
    return {
        student: {
            # the mean over the assignment's cases, rounded half up
            pk: (2 * total + len(cases[pk])) // (2 * len(cases[pk]))
            for pk, total in row.items()
        }
        for student, row in totals.items()
    }


def counted_scores(
    cohort: Cohort, assignments: list[Assignment]
) -> Iterable[tuple[int, int, int, int]]:
    """(student, assignment, case, score of the attempt that counts) for the cohort's active
    students: the best score, or the last attempt's (as counted_attempt picks them)."""
    attempts = Attempt.objects.filter(
        student__in=active_students(cohort).order_by().values("pk")
    ).order_by()
    group = ("student_id", "assignment_id", "case_id")
    best = [a for a in assignments if a.score_policy != Assignment.ScorePolicy.LAST]
    last = [a for a in assignments if a.score_policy == Assignment.ScorePolicy.LAST]
    if best:
        rows = attempts.filter(assignment__in=best).values(*group).annotate(top=Max("score"))
        yield from rows.values_list(*group, "top")
    if last:
        latest = Window(
            FirstValue("score"),
            partition_by=[F(field) for field in group],
            order_by=[F("submitted_at").desc(), F("pk").desc()],
        )
        rows = attempts.filter(assignment__in=last).annotate(latest=latest)
        yield from rows.values_list(*group, "latest").distinct()


def student_assignments(
    student, *, now: datetime.datetime, cohorts: Iterable[Cohort] | None = None
) -> list[tuple[Assignment, Cell, object]]:
    """The student's assignments with their own terms and score cell.

    For the student's own view (cohorts=None) a score stays hidden while any of its attempts'
    feedback is deferred; staff pass the cohorts they may read and see every score there.
    """
    # Staff still read an archived assignment's scores; the student no longer sees it.
    assignments = Assignment.objects.for_student(student, archived=cohorts is not None)
    if cohorts is not None:
        assignments = assignments.filter(cohort__in=cohorts)
    assignments = list(
        assignments.select_related("case_set", "cohort").prefetch_related(
            published_items(), Prefetch("overrides", queryset=student.assignment_overrides.all())
        )
    )
    released = set(
        Attempt.objects.filter(student=student, assignment__in=assignments)
        .feedback_released(now)
        .values_list("pk", flat=True)
    )
    attempts: dict[int, list[Tried]] = defaultdict(list)
    for assignment_id, *tried in Attempt.objects.filter(
        student=student, assignment__in=assignments
    ).values_list("assignment_id", "pk", "case_id", "score", "late", "submitted_at"):
        attempts[assignment_id].append(Tried(*tried))
    result = []
    for assignment in assignments:
        case_ids = [item.case_id for item in assignment.case_set.items.all()]
        tried = attempts[assignment.pk]
        cell = assignment_cell(case_ids, tried, assignment.score_policy)
        if cohorts is None and any(t.pk not in released for t in tried):
            # Feedback deferred: say how far along, never the score.
            cell = Cell(None, late=cell.late, cases_tried=cell.cases_tried, cases=cell.cases)
        override = next(iter(assignment.overrides.all()), None)
        result.append((assignment, cell, Terms.of(assignment, override)))
    return result
