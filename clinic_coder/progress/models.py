"""Competence sign-offs: a supervisor's word that a student is competent in a skill area."""

from django.conf import settings
from django.db import models

from clinic_coder.coding.skills import SKILLS
from clinic_coder.cohorts.models import Cohort

SKILL_CHOICES = list(SKILLS.items())


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
    # A revoked sign-off stays, with who revoked it, when and why: the history is never erased.
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoke_reason = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["student", "skill", "signed_at", "pk"]
        constraints = [
            # Each cohort's supervisors sign for their own cohort; one never overwrites another's.
            # Only the standing sign-off is unique: revoked ones are its history.
            models.UniqueConstraint(
                fields=["student", "cohort", "skill"],
                condition=models.Q(revoked_at__isnull=True),
                name="one_standing_sign_off_per_cohort_and_skill",
            )
        ]

    def __str__(self) -> str:
        return f"{self.student}: {self.get_skill_display()} signed by {self.signed_by}"

    @property
    def standing(self) -> bool:
        return self.revoked_at is None
