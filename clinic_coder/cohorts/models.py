from django.conf import settings
from django.db import models
from django.db.models import Count, Q

from clinic_coder.cases.models import PROFILE_CHOICES


class CohortQuerySet(models.QuerySet):
    def taught_by(self, user: settings.AUTH_USER_MODEL) -> "CohortQuerySet":
        return self.filter(instructors=user)

    def supervised_by(self, user: settings.AUTH_USER_MODEL) -> "CohortQuerySet":
        return self.filter(supervisors=user)

    def with_student(self, user: settings.AUTH_USER_MODEL) -> "CohortQuerySet":
        return self.filter(enrollments__student=user, enrollments__active=True)

    def with_student_counts(self) -> "CohortQuerySet":
        return self.annotate(
            active_students=Count("enrollments", filter=Q(enrollments__active=True))
        )


class Cohort(models.Model):
    """A group of students taught and supervised together (a class or a clinic rotation)."""

    name = models.CharField(max_length=120)
    term = models.CharField(max_length=60, blank=True)
    instructors = models.ManyToManyField(
        settings.AUTH_USER_MODEL, related_name="cohorts_taught", blank=True
    )
    supervisors = models.ManyToManyField(
        settings.AUTH_USER_MODEL, related_name="cohorts_supervised", blank=True
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = CohortQuerySet.as_manager()

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.term})" if self.term else self.name


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


class AssignmentQuerySet(models.QuerySet):
    def for_student(self, user: settings.AUTH_USER_MODEL) -> "AssignmentQuerySet":
        return self.filter(
            cohort__enrollments__student=user, cohort__enrollments__active=True
        ).distinct()


class Assignment(models.Model):
    """A case set given to a cohort, with its dates, attempt limit, payer and feedback rules."""

    class Feedback(models.TextChoices):
        IMMEDIATE = "immediate", "At once, after each attempt"
        AFTER_DUE = "after_due", "After the due date"

    class LatePolicy(models.TextChoices):
        CLOSED = "closed", "No submissions after the due date"
        MARKED_LATE = "marked_late", "Accept late submissions, marked late"

    cohort = models.ForeignKey(Cohort, on_delete=models.CASCADE, related_name="assignments")
    case_set = models.ForeignKey(
        "cases.CaseSet", on_delete=models.PROTECT, related_name="assignments"
    )
    opens_at = models.DateTimeField()
    due_at = models.DateTimeField()
    attempts_allowed = models.PositiveSmallIntegerField(
        default=3, help_text="Attempts per case. 0 means unlimited."
    )
    payer_profile = models.CharField(
        max_length=40,
        blank=True,
        choices=PROFILE_CHOICES,
        help_text="Leave empty to use each case's own payer.",
    )
    feedback = models.CharField(max_length=20, choices=Feedback.choices, default=Feedback.IMMEDIATE)
    time_limit_minutes = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="Minutes per attempt, counted from opening the case."
    )
    late_policy = models.CharField(
        max_length=20, choices=LatePolicy.choices, default=LatePolicy.CLOSED
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = AssignmentQuerySet.as_manager()

    class Meta:
        ordering = ["due_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(opens_at__lt=models.F("due_at")), name="opens_before_due"
            )
        ]

    def __str__(self) -> str:
        return f"{self.case_set} for {self.cohort}"

    def is_open(self, now) -> bool:
        return self.opens_at <= now and (
            now <= self.due_at or self.late_policy == self.LatePolicy.MARKED_LATE
        )

    def shows_feedback(self, now) -> bool:
        return self.feedback == self.Feedback.IMMEDIATE or now > self.due_at
