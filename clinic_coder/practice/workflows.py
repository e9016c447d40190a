"""The student's workflows: open a case, keep the answer in progress, submit and grade it."""

import datetime
import re
import uuid
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.db.models import F, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce

from clinic_coder.cases.models import Case, CaseVariant
from clinic_coder.catalog.models import current_catalog
from clinic_coder.coding.grading import grade
from clinic_coder.coding.profiles import get_profile
from clinic_coder.coding.types import ClaimLine
from clinic_coder.cohorts.models import Assignment, AssignmentOverride, Terms

from .models import AnswerLine, Attempt, Draft, marks_to_json

MAX_LINE_MINUTES = 240
MAX_LINE_UNITS = 24
MAX_ANSWER_LINES = 20
# What fits AnswerLine.code (max_length 12) and a modifier; anything else is not a line.
LINE_CODE = re.compile(r"^[A-Z0-9-]{1,12}$")
LINE_MODIFIER = re.compile(r"^[A-Z0-9]{2}$")

# Seconds allowed past a time limit for the request itself to arrive.
TIME_LIMIT_GRACE = 30


class SubmissionRefused(Exception):
    """The server will not take this submission; the message says why, in plain words."""


@dataclass(frozen=True)
class Submission:
    attempt: Attempt
    created: bool


def open_draft(*, student, case: Case, assignment: Assignment | None = None) -> Draft:
    """The student's answer in progress for this case, made with a fresh variant if none."""
    drafts = Draft.objects.filter(student=student, case=case, assignment=assignment)
    draft = drafts.first()
    if draft is not None:
        return draft
    try:
        with transaction.atomic():
            return Draft.objects.create(
                student=student, case=case, assignment=assignment, seed=Case.new_seed()
            )
    except IntegrityError:
        # Two tabs opened the case at once: both get the one draft.
        return drafts.get()


def guarded_assignments(student, now: datetime.datetime) -> QuerySet:
    """The student's assignments whose cases practice must not show yet.

    Practice shows the key at once; for an assignment that defers its feedback or is timed,
    that would hand over the answer (or unlimited time) while the student may still submit:
    before their own due date, or for as long as the assignment takes late work.
    """
    own_due = AssignmentOverride.objects.filter(
        assignment=OuterRef("pk"), student=student, due_at__isnull=False
    ).values("due_at")[:1]
    return (
        Assignment.objects.for_student(student)
        .filter(Q(feedback=Assignment.Feedback.AFTER_DUE) | Q(time_limit_minutes__isnull=False))
        .annotate(own_due_at=Coalesce(Subquery(own_due), F("due_at")))
        # Late work keeps the assignment open past the due date: so does the guard.
        .filter(Q(own_due_at__gte=now) | Q(late_policy=Assignment.LatePolicy.MARKED_LATE))
    )


def guarded_case_ids(student, now: datetime.datetime) -> QuerySet:
    """Ids of the cases in guarded_assignments(), for excluding them from practice."""
    return Case.objects.filter(
        set_items__case_set__assignments__in=guarded_assignments(student, now)
    ).values("pk")


def new_variant(*, draft: Draft) -> Draft:
    """Start again on the same case with other numbers; the old token can no longer submit."""
    draft.seed = Case.new_seed()
    draft.lines = []
    draft.token = uuid.uuid4()
    draft.save(update_fields=["seed", "lines", "token", "updated_at"])
    return draft


def save_draft(*, draft: Draft, lines: list[dict], now: datetime.datetime) -> bool:
    """Keep the lines typed so far. Past a time limit the saved answer no longer changes."""
    if time_is_up(draft, now):
        return False
    draft.lines = lines
    draft.save(update_fields=["lines", "updated_at"])
    return True


def time_is_up(draft: Draft, now: datetime.datetime) -> bool:
    limit = draft.assignment and draft.assignment.time_limit_minutes
    if not limit:
        return False
    deadline = draft.started_at + datetime.timedelta(minutes=limit, seconds=TIME_LIMIT_GRACE)
    return now > deadline


def profile_for(case: Case, assignment: Assignment | None):
    return get_profile((assignment and assignment.payer_profile) or case.payer_profile)


def attempts_left(*, student, case: Case, assignment: Assignment | None) -> int | None:
    """None means unlimited (practice, or an assignment allowing any number)."""
    if assignment is None:
        return None
    allowed = assignment.terms_for(student).attempts_allowed
    if allowed == 0:
        return None
    used = Attempt.objects.filter(student=student, case=case, assignment=assignment).count()
    return max(0, allowed - used)


def submit_answer(
    *, draft: Draft, token: uuid.UUID, lines: list[ClaimLine], now: datetime.datetime
) -> Submission:
    """Grade the answer and store it with its lines and findings, all or nothing.

    The token makes a double-clicked or replayed submit return the attempt it already made.
    """
    with transaction.atomic():
        done = Attempt.objects.filter(token=token, student=draft.student).first()
        if done is not None:
            return Submission(done, created=False)
        if draft.token != token:
            raise SubmissionRefused(
                "This page was out of date (the case was opened again elsewhere). "
                "Your answer is below: check it and submit again."
            )
        assignment = draft.assignment
        terms = assignment.terms_for(draft.student) if assignment else None
        if assignment is not None:
            _check_assignment(draft, assignment, terms, now)
            if time_is_up(draft, now):
                # The time limit passed: what counts is the answer as saved by then.
                lines = lines_from_draft(draft.lines)
        revision = draft.case.current_revision()
        profile = profile_for(draft.case, assignment)
        variant = revision.variant(draft.seed, current_catalog(), profile)
        result = grade(variant.expected, lines, profile, current_catalog())
        try:
            with transaction.atomic():
                attempt = Attempt.objects.create(
                    student=draft.student,
                    case=draft.case,
                    revision=revision,
                    assignment=assignment,
                    seed=draft.seed,
                    payer_profile=profile.key,
                    token=token,
                    score=result.score,
                    key=key_to_json(variant),
                    explanation=[step.message for step in variant.expected.steps],
                    marks=marks_to_json(result.marks),
                    started_at=draft.started_at,
                    submitted_at=now,
                    late=terms is not None and now > terms.due_at,
                )
        except IntegrityError:
            # The same submit arrived twice at once and the other request stored it first.
            done = Attempt.objects.get(token=token, student=draft.student)
            return Submission(done, created=False)
        AnswerLine.objects.bulk_create(
            AnswerLine(
                attempt=attempt,
                position=position,
                code=line.code.strip().upper(),
                minutes=line.minutes,
                units=line.units,
                modifiers=sorted(line.modifiers),
            )
            for position, line in enumerate(lines)
        )
        attempt.record_findings(result.findings)
        draft.delete()
        return Submission(attempt, created=True)


def _check_assignment(
    draft: Draft, assignment: Assignment, terms: Terms, now: datetime.datetime
) -> None:
    if now < terms.opens_at:
        raise SubmissionRefused("This assignment is not open yet.")
    if not terms.is_open(now):
        raise SubmissionRefused("The due date has passed and this assignment takes no late work.")
    left = attempts_left(student=draft.student, case=draft.case, assignment=assignment)
    if left == 0:
        raise SubmissionRefused("You have used every attempt this assignment allows on this case.")


def key_to_json(variant: CaseVariant) -> dict:
    return {
        "alternatives": [
            [
                {
                    "code": line.code,
                    "minutes": line.minutes,
                    "units": line.units,
                    "modifiers": sorted(line.modifiers),
                }
                for line in claim
            ]
            for claim in variant.expected.alternatives
        ],
        "minutes": variant.minutes,
    }


def lines_from_draft(rows: list) -> list[ClaimLine]:
    """The claim lines of a saved draft, at most a full builder's worth."""
    lines = [line_from_dict(row) for row in rows if isinstance(row, dict)]
    return [line for line in lines if line is not None][:MAX_ANSWER_LINES]


def line_from_dict(data: dict) -> ClaimLine | None:
    """A claim line from a saved draft row (as typed: strings, perhaps half-finished).

    Draft rows are stored unvalidated, so a row whose code could not be an answer line's code
    (empty, too long, odd characters) is no line; odd modifiers are left out.
    """
    code = str(data.get("code", "")).strip().upper()
    if not LINE_CODE.match(code):
        return None
    modifiers = data.get("modifiers", "")
    if isinstance(modifiers, str):
        modifiers = modifiers.replace(",", " ").split()
    elif not isinstance(modifiers, list):
        modifiers = []
    modifiers = {str(m).strip().upper() for m in modifiers}
    return ClaimLine(
        code=code,
        minutes=_whole(data.get("minutes"), 0, MAX_LINE_MINUTES),
        units=_whole(data.get("units"), 0, MAX_LINE_UNITS) or 0,
        modifiers=frozenset(m for m in modifiers if LINE_MODIFIER.match(m)),
    )


def _whole(value: object, low: int, high: int) -> int | None:
    try:
        number = int(str(value).strip())
    except ValueError:
        return None
    return number if low <= number <= high else None
