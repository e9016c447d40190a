import datetime
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import Count, F, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.utils.crypto import get_random_string

from clinic_coder.cases.models import PayerProfile

# Every date a person enters falls in these years, in the cohort's time zone. A year-9999 due
# date is year 10000 in UTC east of Greenwich (or west, read back): Python cannot hold it.
EARLIEST_YEAR, LATEST_YEAR = 2000, 2100
# The database's bounds, in UTC, a day wider so that every time zone fits inside them.
EARLIEST_STORED = datetime.datetime(EARLIEST_YEAR - 1, 12, 31, tzinfo=datetime.UTC)
LATEST_STORED = datetime.datetime(LATEST_YEAR + 1, 1, 2, tzinfo=datetime.UTC)


def validate_plausible_date(value: datetime.datetime) -> None:
    """A date from 2000 to 2100, as read in its own time zone."""
    if value is not None and not EARLIEST_YEAR <= value.year <= LATEST_YEAR:
        raise ValidationError(
            f"Give a date from {EARLIEST_YEAR} to {LATEST_YEAR}.", code="date_out_of_range"
        )


def stored_dates_in_range(*names: str) -> list[models.CheckConstraint]:
    return [
        models.CheckConstraint(
            condition=models.Q(**{f"{name}__isnull": True})
            | models.Q(**{f"{name}__gte": EARLIEST_STORED, f"{name}__lt": LATEST_STORED}),
            name=f"%(class)s_{name}_in_range",
        )
        for name in names
    ]


class CohortQuerySet(models.QuerySet):
    def taught_by(self, user: settings.AUTH_USER_MODEL) -> "CohortQuerySet":
        return self.filter(instructors=user)

    def supervised_by(self, user: settings.AUTH_USER_MODEL) -> "CohortQuerySet":
        return self.filter(supervisors=user)

    def with_student(self, user: settings.AUTH_USER_MODEL) -> "CohortQuerySet":
        """The student's cohorts, as the student sees them: active and not archived."""
        return self.filter(
            enrollments__student=user, enrollments__active=True, archived_at__isnull=True
        )

    def current(self) -> "CohortQuerySet":
        return self.filter(archived_at__isnull=True)

    def teachable_by(self, user: settings.AUTH_USER_MODEL) -> "CohortQuerySet":
        """Cohorts a user may manage: their own as instructor, every one for an admin."""
        return self if user.is_admin else self.filter(instructors=user)

    def viewable_by(self, user: settings.AUTH_USER_MODEL) -> "CohortQuerySet":
        """Cohorts whose students' work a user may read: taught, supervised, or any (admin)."""
        if user.is_admin:
            return self
        return self.filter(Q(instructors=user) | Q(supervisors=user)).distinct()

    def with_student_counts(self) -> "CohortQuerySet":
        return self.annotate(
            active_students=Count("enrollments", filter=Q(enrollments__active=True))
        )


def new_invite_code() -> str:
    # No 0/O or 1/I/L: codes are read aloud and typed from a slide.
    return get_random_string(8, allowed_chars="ABCDEFGHJKMNPQRSTUVWXYZ23456789")


class Cohort(models.Model):
    """A group of students taught and supervised together (a class or a clinic rotation)."""

    name = models.CharField(max_length=120)
    term = models.CharField(max_length=60, blank=True)
    invite_code = models.CharField(max_length=12, unique=True, default=new_invite_code)
    time_zone = models.CharField(
        max_length=60,
        default=settings.TIME_ZONE,
        help_text="Dates for this cohort are entered and shown in this time zone.",
    )
    instructors = models.ManyToManyField(
        settings.AUTH_USER_MODEL, related_name="cohorts_taught", blank=True
    )
    supervisors = models.ManyToManyField(
        settings.AUTH_USER_MODEL, related_name="cohorts_supervised", blank=True
    )
    created_at = models.DateTimeField(auto_now_add=True)
    # Archived, never deleted: it leaves the lists and its students' pages, its history stays.
    archived_at = models.DateTimeField(null=True, blank=True)

    objects = CohortQuerySet.as_manager()

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.term})" if self.term else self.name

    def regenerate_invite_code(self) -> str:
        """A new code; the old one stops working (e.g. after it was posted somewhere public)."""
        self.invite_code = new_invite_code()
        self.save(update_fields=["invite_code"])
        return self.invite_code

    def enrol(self, student: settings.AUTH_USER_MODEL) -> tuple["Enrollment", bool]:
        """The student's enrollment, made if missing. An existing one is left as it is."""
        return Enrollment.objects.get_or_create(cohort=self, student=student)


class Enrollment(models.Model):
    """A student's place in a cohort. Deactivating keeps the student's history."""

    cohort = models.ForeignKey(Cohort, on_delete=models.CASCADE, related_name="enrollments")
    student = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="enrollments"
    )
    active = models.BooleanField(default=True)
    enrolled_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["cohort", "student"]
        constraints = [
            models.UniqueConstraint(fields=["cohort", "student"], name="one_enrollment_per_cohort")
        ]

    def __str__(self) -> str:
        return f"{self.student} in {self.cohort}"


class Invitation(models.Model):
    """An instructor's offer of a place in a cohort to an existing student account.

    The student accepts or declines it on their home page. Until they accept, the cohort's
    staff see nothing of their work: an enrollment is what opens it to them.
    """

    cohort = models.ForeignKey(Cohort, on_delete=models.CASCADE, related_name="invitations")
    student = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="invitations"
    )
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["cohort", "student"], name="one_invitation_per_cohort")
        ]

    def __str__(self) -> str:
        return f"{self.student} invited to {self.cohort}"

    @transaction.atomic
    def accept(self) -> "Enrollment":
        enrollment, _ = self.cohort.enrol(self.student)
        if not enrollment.active:
            enrollment.active = True
            enrollment.save(update_fields=["active"])
        self.delete()
        return enrollment


class AssignmentQuerySet(models.QuerySet):
    def teachable_by(self, user: settings.AUTH_USER_MODEL) -> "AssignmentQuerySet":
        """Assignments of the cohorts a user may manage."""
        return self.filter(cohort__in=Cohort.objects.teachable_by(user))

    def for_student(
        self, user: settings.AUTH_USER_MODEL, *, archived: bool = False
    ) -> "AssignmentQuerySet":
        """The student's assignments; an archived assignment, or one of an archived cohort,
        only when asked (staff reading a student's record)."""
        assignments = self.filter(
            cohort__enrollments__student=user, cohort__enrollments__active=True
        )
        if not archived:
            assignments = assignments.current()
        return assignments.distinct()

    def current(self) -> "AssignmentQuerySet":
        """Neither archived nor of an archived cohort."""
        return self.filter(archived_at__isnull=True, cohort__archived_at__isnull=True)

    def with_own_due_at(self, student: settings.AUTH_USER_MODEL) -> "AssignmentQuerySet":
        """Each assignment with own_due_at: this student's due date (Terms.due_at, in SQL)."""
        return self.annotate(
            own_due_at=AssignmentOverride.own_due_at(
                assignment=OuterRef("pk"), student=student, usual=F("due_at")
            )
        )

    def open_for_work(self, now: datetime.datetime) -> "AssignmentQuerySet":
        """Assignments students can still work on, or that have not opened yet: before the due
        date, before some student's extended one, or taking late work (Terms.is_open, for the
        assignment as a whole). Each assignment at most once."""
        return self.filter(
            Q(due_at__gte=now)
            | Q(overrides__due_at__gte=now)
            | Q(late_policy=Assignment.LatePolicy.MARKED_LATE)
        ).distinct()

    def holding_back_practice(
        self, student: settings.AUTH_USER_MODEL, now: datetime.datetime
    ) -> "AssignmentQuerySet":
        """The student's assignments whose cases practice must not show yet.

        Practice shows the key at once; for an assignment that defers its feedback or is timed,
        that would hand over the answer (or unlimited time) while the student may still submit:
        before their own due date, or for as long as the assignment takes late work.
        """
        return (
            self.for_student(student)
            .filter(Q(feedback=Assignment.Feedback.AFTER_DUE) | Q(time_limit_minutes__isnull=False))
            .with_own_due_at(student)
            # Late work keeps the assignment open past the due date: so does the hold.
            .filter(Q(own_due_at__gte=now) | Q(late_policy=Assignment.LatePolicy.MARKED_LATE))
        )


class Assignment(models.Model):
    """A case set given to a cohort, with its dates, attempt limit, payer and feedback rules."""

    class Feedback(models.TextChoices):
        IMMEDIATE = "immediate", "At once, after each attempt"
        AFTER_DUE = "after_due", "After the due date"

    class LatePolicy(models.TextChoices):
        CLOSED = "closed", "No submissions after the due date"
        MARKED_LATE = "marked_late", "Accept late submissions, marked late"

    class ScorePolicy(models.TextChoices):
        BEST = "best", "Best attempt"
        LAST = "last", "Last attempt"

    cohort = models.ForeignKey(Cohort, on_delete=models.CASCADE, related_name="assignments")
    case_set = models.ForeignKey(
        "cases.CaseSet", on_delete=models.PROTECT, related_name="assignments"
    )
    opens_at = models.DateTimeField(validators=[validate_plausible_date])
    due_at = models.DateTimeField(validators=[validate_plausible_date])
    attempts_allowed = models.PositiveSmallIntegerField(
        default=3, help_text="Attempts per case. 0 means unlimited."
    )
    payer_profile = models.CharField(
        max_length=40,
        blank=True,
        help_text="A payer profile's key; empty: each case's own payer.",
    )
    feedback = models.CharField(max_length=20, choices=Feedback.choices, default=Feedback.IMMEDIATE)
    time_limit_minutes = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="Minutes per attempt, counted from opening the case."
    )
    late_policy = models.CharField(
        max_length=20, choices=LatePolicy.choices, default=LatePolicy.CLOSED
    )
    score_policy = models.CharField(
        max_length=10,
        choices=ScorePolicy.choices,
        default=ScorePolicy.BEST,
        help_text="Which attempt of a case counts in the gradebook.",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    # Archived, never deleted: students stop seeing it; its attempts and scores stay.
    archived_at = models.DateTimeField(null=True, blank=True)

    objects = AssignmentQuerySet.as_manager()

    class Meta:
        ordering = ["due_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(opens_at__lt=models.F("due_at")), name="opens_before_due"
            ),
            # Feedback after the due date would show the key to students who may still
            # submit late work: the two settings never go together.
            models.CheckConstraint(
                condition=~models.Q(feedback="after_due", late_policy="marked_late"),
                name="no_late_work_with_deferred_feedback",
            ),
            *stored_dates_in_range("opens_at", "due_at"),
        ]

    def __str__(self) -> str:
        return f"{self.case_set} for {self.cohort}"

    @property
    def payer_profile_name(self) -> str:
        """The payer profile set for all its cases, by name; "" when each case keeps its own."""
        if not self.payer_profile:
            return ""
        names = PayerProfile.objects.filter(key=self.payer_profile).values_list("name", flat=True)
        return names.first() or self.payer_profile

    def terms_for(self, student: settings.AUTH_USER_MODEL) -> "Terms":
        """The due date and attempt limit that hold for one student, extensions included.

        Worked out once per instance and student: a request asks several times (may the case
        open, may it be submitted, how many attempts are left) and gets one answer.
        """
        known = self.__dict__.setdefault("_terms", {})
        if student.pk not in known:
            override = self.overrides.filter(student=student).first()
            known[student.pk] = Terms.of(self, override)
        return known[student.pk]


@dataclass(frozen=True)
class Terms:
    """An assignment as one student has it: its own due date and attempts after overrides."""

    opens_at: datetime.datetime
    due_at: datetime.datetime
    attempts_allowed: int  # 0: unlimited
    late_policy: str
    feedback: str

    @classmethod
    def of(cls, assignment: Assignment, override: "AssignmentOverride | None") -> "Terms":
        attempts = assignment.attempts_allowed
        if attempts and override is not None:
            attempts += override.extra_attempts
        return cls(
            opens_at=assignment.opens_at,
            due_at=(override and override.due_at) or assignment.due_at,
            attempts_allowed=attempts,
            late_policy=assignment.late_policy,
            feedback=assignment.feedback,
        )

    def is_open(self, now: datetime.datetime) -> bool:
        return self.opens_at <= now and (
            now <= self.due_at or self.late_policy == Assignment.LatePolicy.MARKED_LATE
        )

    def shows_feedback(self, now: datetime.datetime) -> bool:
        return self.feedback == Assignment.Feedback.IMMEDIATE or now > self.due_at


class AssignmentOverride(models.Model):
    """An accommodation for one student: a later due date and/or extra attempts."""

    assignment = models.ForeignKey(Assignment, on_delete=models.CASCADE, related_name="overrides")
    student = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="assignment_overrides"
    )
    due_at = models.DateTimeField(
        null=True,
        blank=True,
        help_text="Empty: the usual due date.",
        validators=[validate_plausible_date],
    )
    extra_attempts = models.PositiveSmallIntegerField(default=0)
    reason = models.CharField(max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["assignment", "student"], name="one_override_per_student"
            ),
            *stored_dates_in_range("due_at"),
        ]

    def __str__(self) -> str:
        return f"{self.student}: {self.assignment}"

    @staticmethod
    def own_due_at(*, assignment: OuterRef, student: object, usual: F) -> Coalesce:
        """SQL for a student's own due date: their extension's date, else the usual one.

        The same rule as Terms.of, for queries that filter or annotate many rows at once.
        """
        extended = AssignmentOverride.objects.filter(
            assignment=assignment, student=student, due_at__isnull=False
        ).values("due_at")[:1]
        return Coalesce(Subquery(extended), usual)
