"""Grade passback (LTI Assignment and Grade Services): every score change reaches the LMS.

practice announces each score change after it commits (practice.scores.score_changed). For an
assignment that lives in an LMS course and a student who came from that LMS, the receiver
below writes one Passback row and queues one background task in the same transaction: the
submit never waits for the LMS, and a row and its task survive a restart together.

The task sends the student's assignment score as the gradebook shows it (the mean of the cases'
counted attempts), so whatever order changes arrive in, the LMS ends with the right value. A
failure is recorded on the row and retried later with a growing delay; the instructor sees the
last value sent and the status of each student's passback.
"""

import datetime
import logging

import requests
from django.core.cache import cache
from django.db import transaction
from django.db.models import Q
from django.tasks import task
from django.utils import timezone
from pylti1p3.assignments_grades import AssignmentsGradesService
from pylti1p3.exception import LtiException, LtiServiceException
from pylti1p3.grade import Grade
from pylti1p3.lineitem import LineItem
from pylti1p3.service_connector import ServiceConnector

from clinic_coder.cohorts.models import Assignment
from clinic_coder.practice.scores import ScoreChange
from clinic_coder.progress.gradebook import gradebook_for, published_items

from .models import LtiAssignment, LtiUser, Passback
from .tool import registration_for

log = logging.getLogger(__name__)

MAX_TRIES = 8
REQUEST_TIMEOUT_SECONDS = 20
SCORE_SCOPE = "https://purl.imsglobal.org/spec/lti-ags/scope/score"
LINEITEM_SCOPE = "https://purl.imsglobal.org/spec/lti-ags/scope/lineitem"


class PatientSession(requests.Session):
    """requests with a timeout on every call: a hung LMS must not hang a worker forever."""

    def request(self, *args: object, **kwargs: object) -> requests.Response:
        kwargs.setdefault("timeout", REQUEST_TIMEOUT_SECONDS)
        return super().request(*args, **kwargs)


def retry_delay(tries: int) -> datetime.timedelta:
    """1, 2, 4 ... minutes after each failure, at most 2 hours."""
    return datetime.timedelta(minutes=min(2 ** (tries - 1), 120))


def queue_passback(sender: object, change: ScoreChange, **kwargs: object) -> None:
    """score_changed receiver: a Passback row and its task, for LMS learners only."""
    if change.assignment_id is None:
        return
    lti = (
        LtiAssignment.objects.select_related("context", "assignment")
        .filter(assignment_id=change.assignment_id)
        .first()
    )
    if lti is None:
        return
    is_learner = LtiUser.objects.filter(
        user_id=change.student_id,
        platform_id=lti.context.platform_id,
        user__enrollments__cohort_id=lti.context.cohort_id,
        user__role="student",
        user__is_staff=False,
    ).exists()
    if not is_learner:
        return
    with transaction.atomic():
        passback = Passback.objects.create(
            lti_assignment=lti,
            student_id=change.student_id,
            attempt_id=change.attempt_id,
            cause=str(change.cause),
        )
        enqueue(passback, first=True)


def enqueue(passback: Passback, *, first: bool = False) -> None:
    backend = send_passback.get_backend()
    run_after = None
    if passback.tries:
        run_after = timezone.now() + retry_delay(passback.tries)
    elif first:
        run_after = held_until(passback)
    if run_after is not None and not backend.supports_defer:
        return  # a backend that cannot wait (tests' immediate one): "send again" does it
    queued = send_passback.using(run_after=run_after) if run_after else send_passback
    queued.enqueue(passback.pk)


def held_until(passback: Passback) -> datetime.datetime | None:
    """An assignment that shows feedback after the due date keeps its scores from the LMS too,
    until the student's own due date: the LMS must not reveal what Clinic Coder hides."""
    assignment = passback.lti_assignment.assignment
    if assignment.feedback != Assignment.Feedback.AFTER_DUE:
        return None
    due = assignment.terms_for(passback.student).due_at
    return due if due > timezone.now() else None


@task
def send_passback(passback_id: int) -> str:
    return deliver(passback_id)


def deliver(passback_id: int) -> str:
    """Send one passback, unless it was sent already; record the outcome on its row."""
    # Claimed with one UPDATE: two workers never send the same change twice.
    claimable = Q(status__in=[Passback.Status.PENDING, Passback.Status.RETRYING]) | Q(
        status=Passback.Status.SENDING, claimed_at__lt=Passback.stuck_since()
    )
    claimed = Passback.objects.filter(claimable, pk=passback_id).update(
        status=Passback.Status.SENDING, claimed_at=timezone.now()
    )
    if not claimed:
        return "not pending"
    passback = Passback.objects.select_related(
        "lti_assignment__context__platform", "lti_assignment__assignment__cohort", "student"
    ).get(pk=passback_id)
    passback.tries += 1
    try:
        score = send_score(passback)
    except (LtiException, requests.RequestException, ValueError, KeyError) as error:
        passback.error = describe(error)[:2000]
        passback.status = (
            Passback.Status.RETRYING if passback.tries < MAX_TRIES else Passback.Status.FAILED
        )
        passback.save(update_fields=["status", "tries", "error"])
        log.warning("LTI passback %s failed (try %s): %s", passback.pk, passback.tries, error)
        if passback.status == Passback.Status.RETRYING:
            enqueue(passback)
        return passback.status
    passback.status = Passback.Status.SENT
    passback.score_sent = score
    passback.sent_at = timezone.now()
    passback.error = ""
    passback.save(update_fields=["status", "tries", "score_sent", "sent_at", "error"])
    return passback.status


def describe(error: Exception) -> str:
    if isinstance(error, LtiServiceException):
        return str(error)
    return f"{type(error).__name__}: {error}"


def assignment_score(lti: LtiAssignment, student: object) -> tuple[int | None, bool]:
    """The student's gradebook score on the assignment, and whether every case is tried."""
    assignment = (
        Assignment.objects.select_related("case_set", "cohort")
        .prefetch_related(published_items())
        .get(pk=lti.assignment_id)
    )
    book = gradebook_for(assignment.cohort, students=[student], assignments=[assignment])
    cell = book.rows[0].cells[0][1]
    return cell.score, cell.cases_tried >= cell.cases


def send_score(passback: Passback) -> int:
    lti = passback.lti_assignment
    context = lti.context
    sub = LtiUser.objects.get(user=passback.student, platform=context.platform).sub
    score, complete = assignment_score(lti, passback.student)
    if score is None:
        raise ValueError("The student has no score on this assignment")
    ags = grades_service(lti)
    lineitem_url = ensure_lineitem(lti, ags)
    grade = (
        Grade()
        .set_score_given(score)
        .set_score_maximum(100)
        .set_user_id(sub)
        .set_timestamp(timezone.now().isoformat(timespec="milliseconds"))
        .set_activity_progress("Completed" if complete else "InProgress")
        .set_grading_progress("FullyGraded")
    )
    ags.put_grade(grade, LineItem({"id": lineitem_url}))
    return score


def grades_service(lti: LtiAssignment) -> AssignmentsGradesService:
    context = lti.context
    scopes = list(context.ags_scopes) or [SCORE_SCOPE]
    connector = ServiceConnector(registration_for(context.platform), PatientSession())
    data = {"scope": scopes, "lineitems": context.lineitems_url, "lineitem": lti.lineitem_url}
    return AssignmentsGradesService(connector, data)


def ensure_lineitem(lti: LtiAssignment, ags: AssignmentsGradesService) -> str:
    """The assignment's one line item: the one its link came with, else found by our tag, else
    made once. A cache lock keeps two workers from both making one."""
    if lti.lineitem_url:
        return lti.lineitem_url
    if not lti.context.lineitems_url:
        raise LtiException("The LMS gave no line items URL for this course yet")
    lock = f"lti-lineitem-lock:{lti.pk}"
    if not cache.add(lock, True, 120):
        raise LtiException("Another worker is finding this assignment's line item")
    try:
        lti.refresh_from_db(fields=["lineitem_url"])
        if lti.lineitem_url:
            return lti.lineitem_url
        wanted = (
            LineItem()
            .set_tag(lti.tag)
            .set_label(str(lti.assignment.case_set)[:255])
            .set_score_maximum(100)
            .set_resource_id(str(lti.assignment_id))
        )
        if lti.resource_link_id:
            wanted.set_resource_link_id(lti.resource_link_id)
        found = ags.find_or_create_lineitem(wanted, find_by="tag")
        if not found.get_id():
            raise LtiException("The LMS returned a line item without an id")
        lti.lineitem_url = found.get_id()
        lti.save(update_fields=["lineitem_url"])
        return lti.lineitem_url
    finally:
        cache.delete(lock)


def send_again(passback: Passback) -> None:
    """The instructor's "send again" for a passback that gave up, waits for a retry, or was
    being sent by a worker that died (a restart mid-send)."""
    updated = Passback.objects.filter(Passback.may_send_again(), pk=passback.pk).update(
        status=Passback.Status.PENDING, tries=0
    )
    if updated:
        passback.refresh_from_db()
        enqueue(passback)
