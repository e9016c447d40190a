"""The workflows of practice: open a case, keep the answer in progress, submit and grade it -
and the two ways staff change a score, manual credit and regrading.

Every change of an attempt's score happens in one of these functions, inside one transaction,
and is announced after commit (scores.score_changed). The grading itself is
Attempt.grade_against, used by all of them.
"""

import datetime
import re
import uuid
from dataclasses import dataclass
from decimal import Decimal

from django.db import IntegrityError, models, transaction
from django.db.models import QuerySet

from clinic_coder.cases.models import (
    Case,
    CaseRevision,
    Difficulty,
    PayerProfile,
    note_fingerprint,
)
from clinic_coder.coding.catalog import Catalog
from clinic_coder.coding.diagnoses import LETTERS, MAX_POINTERS, normalize_dx
from clinic_coder.coding.grading import score_of
from clinic_coder.coding.serial import mark_from_json
from clinic_coder.coding.types import ClaimLine
from clinic_coder.coding.types import PayerProfile as EngineProfile
from clinic_coder.cohorts.models import Assignment, Cohort, Terms

from .models import Attempt, Draft, Grading, ManualCredit, Regrade, ScoreNotice
from .scores import ScoreChange, score_changed_after_commit

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
    if draft is None:
        try:
            with transaction.atomic():
                draft = Draft.objects.create(
                    student=student, case=case, assignment=assignment, seed=Case.new_seed()
                )
        except IntegrityError:
            # Two tabs opened the case at once: both get the one draft.
            draft = drafts.get()
    # The caller's own instances, so nothing is fetched again (and an assignment's terms are
    # worked out once per request).
    draft.student, draft.case, draft.assignment = student, case, assignment
    return draft


def guarded_case_ids(student, now: datetime.datetime) -> QuerySet:
    """Ids of the cases practice must not show yet (Assignment.objects.holding_back_practice)."""
    held = Assignment.objects.holding_back_practice(student, now)
    return Case.objects.filter(set_items__case_set__assignments__in=held).values("pk")


# Easier cases first when a student has several left to practise a skill on.
_DIFFICULTY_RANK = models.Case(
    *(models.When(difficulty=value, then=rank) for rank, value in enumerate(Difficulty)),
    default=len(Difficulty),
)


def case_to_practise(student, skill: str, now: datetime.datetime) -> Case | None:
    """The next case a student should practise a skill on: a published case exercising it
    that practice may show, not yet answered fully right (never tried first, then the lowest
    best score, easier first); any such case once every one has been answered right."""
    best = (
        Attempt.objects.of(student)
        .feedback_released(now)
        .filter(case=models.OuterRef("pk"))
        .order_by("-score")
        .values("score")[:1]
    )
    cases = (
        Case.objects.published()
        .exercising(skill)
        .exclude(pk__in=guarded_case_ids(student, now))
        .annotate(best=models.Subquery(best), rank=_DIFFICULTY_RANK)
        .order_by(models.F("best").asc(nulls_first=True), "rank", "title", "pk")
    )
    return cases.filter(models.Q(best__isnull=True) | models.Q(best__lt=100)).first() or (
        cases.first()
    )


def new_variant(*, draft: Draft) -> Draft:
    """Start again on the same case with other numbers; the old token can no longer submit."""
    draft.seed = Case.new_seed()
    draft.lines = []
    draft.diagnoses = []
    draft.token = uuid.uuid4()
    draft.save(update_fields=["seed", "lines", "diagnoses", "token", "updated_at"])
    return draft


def save_draft(
    *,
    draft: Draft,
    lines: list[dict],
    now: datetime.datetime,
    diagnoses: list[str] | None = None,
) -> bool:
    """Keep the lines (and box 21) typed so far. Past a time limit the saved answer no longer
    changes."""
    if time_is_up(draft, now):
        return False
    draft.lines = lines
    fields = ["lines", "updated_at"]
    if diagnoses is not None:
        draft.diagnoses = diagnoses
        fields.append("diagnoses")
    draft.save(update_fields=fields)
    return True


def time_is_up(draft: Draft, now: datetime.datetime) -> bool:
    limit = draft.assignment and draft.assignment.time_limit_minutes
    if not limit:
        return False
    deadline = draft.started_at + datetime.timedelta(minutes=limit, seconds=TIME_LIMIT_GRACE)
    return now > deadline


def profile_for(case: Case, assignment: Assignment | None) -> EngineProfile:
    """The payer a student codes this case for: the assignment's, else the case's own."""
    key = (assignment and assignment.payer_profile) or case.payer_profile
    return PayerProfile.objects.for_grading(key)


def attempts_left(*, student, case: Case, assignment: Assignment | None) -> int | None:
    """None means unlimited (practice, or an assignment allowing any number)."""
    if assignment is None:
        return None
    used = Attempt.objects.filter(student=student, case=case, assignment=assignment).count()
    return left_after(assignment.terms_for(student).attempts_allowed, used)


def left_after(allowed: int, used: int) -> int | None:
    """Attempts left when this many are allowed (0: any number, None) and used."""
    return None if allowed == 0 else max(0, allowed - used)


def submit_answer(
    *,
    draft: Draft,
    token: uuid.UUID,
    lines: list[ClaimLine],
    now: datetime.datetime,
    catalog: Catalog | None = None,
    diagnoses: tuple[str, ...] | list[str] = (),
    shown: str | None = None,
) -> Submission:
    """Grade the answer (its lines and box 21) and store it with its findings, all or nothing.

    The token makes a double-clicked or replayed submit return the attempt it already made.
    shown is the fingerprint of the variant the page showed (CaseVariant.fingerprint): if the
    case changed since, so that the note graded is not the note read, nothing is stored.
    """
    with transaction.atomic():
        # One read answers both: was this submit already stored, and how many attempts has the
        # student used on this case of this assignment.
        seen = Attempt.objects.filter(student_id=draft.student_id).aggregate(
            done=models.Max("pk", filter=models.Q(token=token)),
            used=models.Count(
                "pk", filter=models.Q(case_id=draft.case_id, assignment_id=draft.assignment_id)
            ),
        )
        if seen["done"] is not None:
            return Submission(Attempt.objects.get(pk=seen["done"]), created=False)
        if draft.token != token:
            raise SubmissionRefused(
                "This page was out of date (the case was opened again elsewhere). "
                "Your answer is below: check it and submit again."
            )
        assignment = draft.assignment
        terms = assignment.terms_for(draft.student) if assignment else None
        if assignment is not None:
            _check_assignment(terms, now, used=seen["used"])
            if time_is_up(draft, now):
                # The time limit passed: what counts is the answer as saved by then.
                lines = lines_from_draft(draft.lines)
                diagnoses = diagnoses_from_draft(draft.diagnoses)
        revision = draft.case.current_revision()
        attempt = Attempt(
            student=draft.student,
            case=draft.case,
            assignment=assignment,
            seed=draft.seed,
            token=token,
            started_at=draft.started_at,
            submitted_at=now,
            late=terms is not None and now > terms.due_at,
        )
        attempt.keep_profile(profile_for(draft.case, assignment))
        try:
            graded = attempt.grade_against(
                revision, lines, catalog=catalog, diagnoses=list(diagnoses)
            )
        except IntegrityError:
            # The same submit arrived twice at once and the other request stored it first.
            done = Attempt.objects.get(token=token, student_id=draft.student_id)
            return Submission(done, created=False)
        if shown is not None and shown != graded.variant.fingerprint:
            # Raised inside the transaction: the attempt just stored is rolled back.
            raise SubmissionRefused(
                "This case was changed since you opened it, so the visit note below may differ "
                "from the one you read. Read it again, check your answer and submit again."
            )
        draft.delete()
        score_changed_after_commit(attempt, old_score=None, cause=ScoreChange.Cause.SUBMIT)
        return Submission(attempt, created=True)


def _check_assignment(terms: Terms, now: datetime.datetime, *, used: int) -> None:
    if now < terms.opens_at:
        raise SubmissionRefused("This assignment is not open yet.")
    if not terms.is_open(now):
        raise SubmissionRefused("The due date has passed and this assignment takes no late work.")
    if left_after(terms.attempts_allowed, used) == 0:
        raise SubmissionRefused("You have used every attempt this assignment allows on this case.")


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
        pointers=pointers_from_text(data.get("pointers", "")),
    )


def pointers_from_text(value: object) -> tuple[str, ...]:
    """Pointer letters as typed ('A B', 'a,c', 'AB'): the letters A-L, in order, once each,
    four at most; anything else is left out."""
    text = str(value or "").upper()
    letters = [c for c in text if c in LETTERS]
    return tuple(dict.fromkeys(letters))[:MAX_POINTERS]


def diagnoses_from_draft(rows: object) -> list[str]:
    """Box 21 of a saved draft (as typed), one code per letter, "" where blank."""
    if not isinstance(rows, list):
        return []
    codes = [normalize_dx(str(row))[:10] if isinstance(row, str) else "" for row in rows]
    return codes[: len(LETTERS)]


def _whole(value: object, low: int, high: int) -> int | None:
    try:
        number = int(str(value).strip())
    except ValueError:
        return None
    return number if low <= number <= high else None


# Manual credit --------------------------------------------------------------------------------


class CreditRefused(Exception):
    """The credit cannot be given; the message says why."""


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
        attempt.score = score_of(mark_from_json(m) for m in marks)
        attempt.save(update_fields=["marks", "score"])
        attempt.record_mistakes()
        given = ManualCredit.objects.create(
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
        _tell_student(
            attempt,
            old_score=old_score,
            cause=ScoreNotice.Cause.MANUAL_CREDIT,
            reason=f"Your instructor changed the credit of the {mark['code']} line: {reason}",
            now=now,
        )
        score_changed_after_commit(
            attempt, old_score=old_score, cause=ScoreChange.Cause.MANUAL_CREDIT
        )
        return given


def _tell_student(
    attempt: Attempt, *, old_score: int, cause: str, reason: str, now: datetime.datetime
) -> ScoreNotice | None:
    """A notice to the student when their score changed: in the changing workflow's own
    transaction, so a score never changes without the student being told."""
    if attempt.score == old_score:
        return None
    return ScoreNotice.objects.create(
        student_id=attempt.student_id,
        attempt=attempt,
        cause=cause,
        old_score=old_score,
        new_score=attempt.score,
        reason=reason,
        created_at=now,
    )


# Regrading ------------------------------------------------------------------------------------
#
# Regrading keys an attempt again with its case's current revision: the same lines, graded on
# the same note the student read. "Key corrections" are the revision's coding choices - each
# service's technique and given code, the instructor's own key - and the engine's current rules
# (units, bundling, modifiers, payer policies), applied to the facts stored with the attempt
# (Attempt.documented: its services, their minutes as drawn, the visit's facts). A version that
# changed the facts (minutes, services added) is a new note that only new attempts read: a
# regrade never grades an answer against a note the student did not see.
#
# Manual credit given before a regrade stays in the audit trail but no longer applies
# (ManualCredit.voided_by): the new marks come from the engine alone, since the old credit was
# given on lines of a key that no longer exists. A changed score is announced to the student
# (ScoreNotice) in the same transaction.


class RegradeRefused(Exception):
    """The regrade cannot be applied; the message says why."""


@dataclass(frozen=True)
class RegradePlan:
    """One attempt, graded again against the case's current revision (not yet saved)."""

    attempt: Attempt
    graded: Grading
    manual_credits: int
    # The revision documents other facts than the note this attempt showed (which it keeps).
    note_changed: bool = False

    @property
    def old_score(self) -> int:
        return self.attempt.score

    @property
    def new_score(self) -> int:
        return self.graded.result.score

    @property
    def key_change(self) -> str:
        old, new = describe_key(self.attempt.key), describe_key(self.graded.key)
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


def outdated_attempts(*, case: Case, cohort: Cohort, revision: CaseRevision) -> QuerySet:
    return (
        Attempt.objects.for_cohort(cohort)
        .filter(case=case, revision__version__lt=revision.version)
        .select_related("student", "revision")
        .prefetch_related("lines")
        .annotate(
            credit_count=models.Count(
                "manual_credits", filter=models.Q(manual_credits__voided_by__isnull=True)
            )
        )
        .order_by("student__last_name", "student__first_name", "submitted_at", "pk")
    )


def plan_regrade(*, case: Case, cohort: Cohort) -> tuple[CaseRevision, list[RegradePlan]]:
    """What regrading the cohort's attempts on an older revision of the case would change:
    each attempt's stored note keyed with the revision's coding choices (Attempt.grading).

    Nothing is saved, not even the case's new revision: apply_regrade freezes it.
    """
    revision = case.upcoming_revision()
    plans = [
        RegradePlan(
            attempt,
            attempt.grading(revision),
            manual_credits=attempt.credit_count,
            note_changed=_note_changed(attempt, revision),
        )
        for attempt in outdated_attempts(case=case, cohort=cohort, revision=revision)
    ]
    return revision, plans


def _note_changed(attempt: Attempt, revision: CaseRevision) -> bool:
    """Whether this revision, for the attempt's seed, documents other facts than its note."""
    try:
        variant = revision.variant(attempt.seed, profile=attempt.profile)
    except ValueError:  # A revision that cannot show this variant shows no such note at all.
        return True
    # How the note's services are coded is what a regrade corrects, not a fact of the note.
    return variant.fingerprint != note_fingerprint(attempt.note_text, attempt.documented)


def apply_regrade(
    *, case: Case, cohort: Cohort, version: int, by: object, now: datetime.datetime
) -> list[Regrade]:
    """Regrade every outdated attempt of the cohort on the case, all or nothing.

    version is the revision the preview showed: if the case changed again since, nothing is
    done, so staff never apply a regrade they have not seen.
    """
    with transaction.atomic():
        revision = case.current_revision()
        if revision.version != version:
            raise RegradeRefused(
                "The case changed again since the preview was shown. Check the new preview."
            )
        return [
            _regrade(attempt, revision, by, now)
            for attempt in outdated_attempts(case=case, cohort=cohort, revision=revision)
        ]


def _regrade(
    attempt: Attempt, revision: CaseRevision, by: object, now: datetime.datetime
) -> Regrade:
    old_version, old_score, old_key = attempt.revision.version, attempt.score, attempt.key
    attempt.grade_against(revision)
    regrade = Regrade.objects.create(
        attempt=attempt,
        old_version=old_version,
        new_version=revision.version,
        old_score=old_score,
        new_score=attempt.score,
        done_by=by,
        done_at=now,
    )
    attempt.manual_credits.filter(voided_by__isnull=True).update(voided_by=regrade)
    old, new = describe_key(old_key), describe_key(attempt.key)
    change = (
        f"the correct claim for the note you read is now {new} (it was {old})"
        if old != new
        else "your lines were marked again by the engine alone, so credit given by hand before "
        "no longer applies"
    )
    _tell_student(
        attempt,
        old_score=old_score,
        cause=ScoreNotice.Cause.REGRADE,
        reason=(
            f"Your instructor corrected the case and regraded your answer: {change}. "
            "It was graded on the same visit note you read."
        ),
        now=now,
    )
    score_changed_after_commit(attempt, old_score=old_score, cause=ScoreChange.Cause.REGRADE)
    return regrade
