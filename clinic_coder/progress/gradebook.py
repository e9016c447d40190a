"""The gradebook, and the two audited ways staff change a score: manual credit and regrading.

A gradebook cell is one student's score on one assignment: the mean over the assignment's cases
of the attempt that counts for each case (the best or the last, as the assignment says), a case
not attempted counting 0. A cell with no attempt at all shows no score.

Regrading moves an attempt to its case's current revision: the same lines and the same seed,
graded against the new key. Manual credit given before a regrade stays recorded in the audit
trail but no longer applies: the new marks come from the engine alone, since the old credit was
given on lines of a key that no longer exists.
"""

import datetime
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db import models, transaction
from django.db.models import Prefetch

from clinic_coder.cases.models import Case, CaseRevision, CaseSetItem
from clinic_coder.catalog.models import current_catalog
from clinic_coder.coding.grading import grade
from clinic_coder.coding.profiles import get_profile
from clinic_coder.coding.types import Grade
from clinic_coder.cohorts.models import Assignment, Cohort, Terms
from clinic_coder.practice.models import Attempt, marks_to_json
from clinic_coder.practice.workflows import key_to_json

from .models import ManualCredit, Regrade

# Points in tenths, as the engine counts them (clinic_coder/coding/grading.py).
LINE_POINTS = 10


def active_students(cohort: Cohort) -> models.QuerySet:
    return (
        get_user_model()
        .objects.filter(enrollments__cohort=cohort, enrollments__active=True)
        .order_by("last_name", "first_name", "username")
    )


def cohort_attempts(cohort: Cohort) -> models.QuerySet:
    """The attempts staff of this cohort may read and grade: those on its own assignments.

    Never a student's work for another cohort (another instructor grades that), nor practice.
    """
    return Attempt.objects.filter(assignment__cohort=cohort)


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


@dataclass(frozen=True)
class Gradebook:
    assignments: list[Assignment]
    rows: list[GradebookRow]


def published_items() -> Prefetch:
    """A set's cases as students can open them: drafts are not counted against anyone."""
    return Prefetch(
        "case_set__items", queryset=CaseSetItem.objects.filter(case__status=Case.Status.PUBLISHED)
    )


def gradebook_for(cohort: Cohort) -> Gradebook:
    """Active students x the cohort's assignments, in four queries whatever the cohort's size."""
    students = list(active_students(cohort))
    assignments = list(
        cohort.assignments.select_related("case_set").prefetch_related(published_items())
    )
    attempts: dict[tuple[int, int], list[Tried]] = defaultdict(list)
    rows = Attempt.objects.filter(
        assignment__cohort=cohort, student__in=active_students(cohort).values("pk")
    ).values_list("student_id", "assignment_id", "pk", "case_id", "score", "late", "submitted_at")
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


def student_assignments(
    student, *, now: datetime.datetime, cohorts: Iterable[Cohort] | None = None
) -> list[tuple[Assignment, Cell, object]]:
    """The student's assignments with their own terms and score cell.

    For the student's own view (cohorts=None) a score stays hidden while any of its attempts'
    feedback is deferred; staff pass the cohorts they may read and see every score there.
    """
    assignments = Assignment.objects.for_student(student)
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


# Manual credit --------------------------------------------------------------------------------


class CreditRefused(Exception):
    """The credit cannot be given; the message says why."""


def score_from_marks(marks: list[dict]) -> int:
    """The engine's score formula (docs/scoring.md), applied to an attempt's stored marks."""
    key_lines = sum(1 for mark in marks if mark["status"] != "extra")
    points = sum(round(Decimal(str(mark["credit"])) * 10) for mark in marks)
    available = LINE_POINTS * key_lines
    if not key_lines:
        # Nothing billable: recognising that is worth one line's points.
        available = LINE_POINTS
        points += LINE_POINTS
    earned = max(0, points)
    return min(100, (200 * earned + available) // (2 * available))


def credit_problem(mark: dict, credit: Decimal) -> str | None:
    """Why this credit cannot be given to this mark, or None if it can."""
    if credit * 10 != int(credit * 10):
        return "Give the credit in steps of 0.1 (for example 0.5 or 0.7)."
    if mark["status"] == "extra":
        if credit not in (Decimal("-0.5"), Decimal(0)):
            return "An extra line can only have its penalty waived (0) or restored (-0.5)."
        return None
    if not Decimal(0) <= credit <= Decimal(1):
        return "The credit for a line of the key must be between 0 and 1."
    return None


def give_manual_credit(
    *,
    attempt: Attempt,
    mark_index: int,
    credit: Decimal,
    reason: str,
    by: object,
    now: datetime.datetime,
) -> ManualCredit:
    """Change one mark's credit and rescore the attempt, with an audit record, all or nothing."""
    with transaction.atomic():
        attempt = Attempt.objects.select_for_update().get(pk=attempt.pk)
        if not 0 <= mark_index < len(attempt.marks):
            raise CreditRefused("This attempt has no such line.")
        marks = [dict(mark) for mark in attempt.marks]
        mark = marks[mark_index]
        problem = credit_problem(mark, credit)
        if problem:
            raise CreditRefused(problem)
        old_credit, old_score = mark["credit"], attempt.score
        mark["credit"] = float(credit)
        mark["reasons"] = [*mark["reasons"], f"credit set to {credit} by {by}: {reason}"]
        attempt.marks = marks
        attempt.score = score_from_marks(marks)
        attempt.save(update_fields=["marks", "score"])
        return ManualCredit.objects.create(
            attempt=attempt,
            mark_index=mark_index,
            code=mark["code"],
            old_credit=old_credit,
            new_credit=float(credit),
            old_score=old_score,
            new_score=attempt.score,
            reason=reason,
            given_by=by,
            given_at=now,
        )


# Regrading ------------------------------------------------------------------------------------


class RegradeRefused(Exception):
    """The regrade cannot be applied; the message says why."""


@dataclass(frozen=True)
class RegradePlan:
    """One attempt, graded again against the case's current revision (not yet saved)."""

    attempt: Attempt
    result: Grade
    key: dict
    explanation: list[str]
    manual_credits: int

    @property
    def old_score(self) -> int:
        return self.attempt.score

    @property
    def new_score(self) -> int:
        return self.result.score

    @property
    def key_change(self) -> str:
        old, new = describe_key(self.attempt.key), describe_key(self.key)
        return "no change for this variant" if old == new else f"{old} → {new}"


def describe_key(key: dict) -> str:
    claims = [
        ", ".join(
            f"{line['code']} x{line['units']}"
            + (f" {' '.join(line['modifiers'])}" if line["modifiers"] else "")
            for line in claim
        )
        or "nothing billable"
        for claim in key.get("alternatives", [])
    ]
    return " or ".join(claims)


def outdated_attempts(*, case: Case, cohort: Cohort, revision: CaseRevision) -> models.QuerySet:
    return (
        cohort_attempts(cohort)
        .filter(case=case, revision__version__lt=revision.version)
        .select_related("student", "revision")
        .prefetch_related("lines")
        .annotate(credit_count=models.Count("manual_credits"))
        .order_by("student__last_name", "student__first_name", "submitted_at", "pk")
    )


def plan_regrade(*, case: Case, cohort: Cohort) -> tuple[CaseRevision, list[RegradePlan]]:
    """What regrading the cohort's attempts on an older revision of the case would change."""
    revision = case.current_revision()
    catalog = current_catalog()
    plans = []
    for attempt in outdated_attempts(case=case, cohort=cohort, revision=revision):
        profile = get_profile(attempt.payer_profile)
        variant = revision.variant(attempt.seed, catalog, profile)
        lines = [line.as_claim_line() for line in attempt.lines.all()]
        plans.append(
            RegradePlan(
                attempt=attempt,
                result=grade(variant.expected, lines, profile, catalog),
                key=key_to_json(variant),
                explanation=[step.message for step in variant.expected.steps],
                manual_credits=attempt.credit_count,
            )
        )
    return revision, plans


def apply_regrade(
    *, case: Case, cohort: Cohort, version: int, by: object, now: datetime.datetime
) -> list[Regrade]:
    """Regrade every outdated attempt of the cohort on the case, all or nothing.

    version is the revision the preview showed: if the case changed again since, nothing is
    done, so staff never apply a regrade they have not seen.
    """
    with transaction.atomic():
        revision, plans = plan_regrade(case=case, cohort=cohort)
        if revision.version != version:
            raise RegradeRefused(
                "The case changed again since the preview was shown. Check the new preview."
            )
        return [_apply(plan, revision, by, now) for plan in plans]


def _apply(plan: RegradePlan, revision: CaseRevision, by: object, now: datetime.datetime):
    attempt, result = plan.attempt, plan.result
    old_version, old_score = attempt.revision.version, attempt.score
    attempt.revision = revision
    attempt.score = result.score
    attempt.key = plan.key
    attempt.explanation = plan.explanation
    attempt.marks = marks_to_json(result.marks)
    attempt.save(update_fields=["revision", "score", "key", "explanation", "marks"])
    # The findings still belong to the moment of the attempt, for progress over time.
    attempt.record_findings(result.findings, replace=True)
    return Regrade.objects.create(
        attempt=attempt,
        old_version=old_version,
        new_version=revision.version,
        old_score=old_score,
        new_score=attempt.score,
        done_by=by,
        done_at=now,
    )
