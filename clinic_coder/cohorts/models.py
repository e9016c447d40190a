from django.conf import settings
from django.db import models
from django.db.models import Count, Q


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
