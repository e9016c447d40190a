"""Audit trails of what staff change about students' results, and competence sign-offs."""

from django.conf import settings
from django.db import models

from clinic_coder.coding.skills import SKILLS
from clinic_coder.cohorts.models import Cohort
from clinic_coder.practice.models import Attempt

SKILL_CHOICES = list(SKILLS.items())


class ManualCredit(models.Model):
    """An instructor's change to the credit of one line of an attempt: who, when, old, new, why.

    The student sees it on their feedback page; the attempt's score is recomputed from it.
    """

    attempt = models.ForeignKey(Attempt, on_delete=models.CASCADE, related_name="manual_credits")
    mark_index = models.PositiveSmallIntegerField(help_text="Which mark of the attempt.")
    code = models.CharField(max_length=12)
    old_credit = models.FloatField()
    new_credit = models.FloatField()
    old_score = models.PositiveSmallIntegerField()
    new_score = models.PositiveSmallIntegerField()
    reason = models.TextField()
    given_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    given_at = models.DateTimeField()

    class Meta:
        ordering = ["given_at", "pk"]

    def __str__(self) -> str:
        return f"{self.code}: {self.old_credit} -> {self.new_credit} by {self.given_by}"


class Regrade(models.Model):
    """One attempt moved to a case's newer key: the scores before and after, and by whom."""

    attempt = models.ForeignKey(Attempt, on_delete=models.CASCADE, related_name="regrades")
    old_version = models.PositiveIntegerField()
    new_version = models.PositiveIntegerField()
    old_score = models.PositiveSmallIntegerField()
    new_score = models.PositiveSmallIntegerField()
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    done_at = models.DateTimeField()

    class Meta:
        ordering = ["done_at", "pk"]

    def __str__(self) -> str:
        return f"Attempt {self.attempt_id}: v{self.old_version} -> v{self.new_version}"


class SignOff(models.Model):
    """A supervisor's sign-off that a student is competent in one skill area."""

    student = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="sign_offs"
    )
    cohort = models.ForeignKey(Cohort, on_delete=models.CASCADE, related_name="sign_offs")
    skill = models.CharField(max_length=40, choices=SKILL_CHOICES)
    signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    signed_at = models.DateTimeField()
    note = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["student", "skill"]
        constraints = [
            # Each cohort's supervisors sign for their own cohort; one never overwrites another's.
            models.UniqueConstraint(
                fields=["student", "cohort", "skill"], name="one_sign_off_per_cohort_and_skill"
            )
        ]

    def __str__(self) -> str:
        return f"{self.student}: {self.get_skill_display()} signed by {self.signed_by}"
