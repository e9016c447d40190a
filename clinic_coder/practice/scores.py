"""The one announcement of a changed score.

Every change of an attempt's score happens in a workflow of practice.workflows (a submit, a
manual credit, a regrade), and each of them announces it here once its transaction commits.
Whatever must follow a score elsewhere (grade passback to an LMS, roll-ups) connects a receiver
to score_changed in its app's AppConfig.ready(); a receiver's failure is logged and never undoes
or fails the change itself.
"""

import logging
from dataclasses import dataclass
from enum import StrEnum

from django.db import transaction
from django.dispatch import Signal

log = logging.getLogger(__name__)

# Sent with change=ScoreChange, after the change is committed, once per change.
score_changed = Signal()


@dataclass(frozen=True)
class ScoreChange:
    class Cause(StrEnum):
        SUBMIT = "submit"
        MANUAL_CREDIT = "manual credit"
        REGRADE = "regrade"

    attempt_id: int
    student_id: int
    assignment_id: int | None  # None: practice
    old_score: int | None  # None: a new attempt
    new_score: int
    cause: Cause


def score_changed_after_commit(attempt: object, *, old_score: int | None, cause: str) -> None:
    """Announce the attempt's new score once the current transaction commits (at once if none)."""
    change = ScoreChange(
        attempt_id=attempt.pk,
        student_id=attempt.student_id,
        assignment_id=attempt.assignment_id,
        old_score=old_score,
        new_score=attempt.score,
        cause=ScoreChange.Cause(cause),
    )
    transaction.on_commit(lambda: _announce(change), robust=False)


def _announce(change: ScoreChange) -> None:
    for receiver, result in score_changed.send_robust(sender=ScoreChange, change=change):
        if isinstance(result, Exception):
            log.error("score_changed receiver %r failed for %r", receiver, change, exc_info=result)
