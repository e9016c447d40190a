"""What students do: answers in progress, graded attempts, and the findings behind progress."""

import uuid
from collections.abc import Iterable

from django.conf import settings
from django.db import models
from django.db.models.functions import Coalesce
from django.urls import reverse

from clinic_coder.cases.models import Case, CaseRevision
from clinic_coder.coding.skills import SKILLS
from clinic_coder.coding.types import ClaimLine, LineMark
from clinic_coder.coding.types import Finding as EngineFinding
from clinic_coder.cohorts.models import Assignment

MARK_LABELS = {
    "right": "Right",
    "partly_right": "Partly right",
    "wrong": "Wrong code",
    "missing": "Missing",
    "extra": "Extra line",
}


def marks_to_json(marks: Iterable[LineMark]) -> list[dict]:
    return [
        {"code": m.code, "status": m.status, "credit": m.credit, "reasons": list(m.reasons)}
        for m in marks
    ]


class Draft(models.Model):
    """An answer in progress: the variant a student is looking at and the lines typed so far."""

    student = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="drafts"
    )
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="drafts")
    assignment = models.ForeignKey(
        Assignment, null=True, blank=True, on_delete=models.CASCADE, related_name="drafts"
    )
    seed = models.PositiveIntegerField()
    lines = models.JSONField(default=list, blank=True)
    token = models.UUIDField(default=uuid.uuid4, help_text="Makes a replayed submit harmless.")
    started_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["student", "case"],
                condition=models.Q(assignment__isnull=True),
                name="one_practice_draft_per_case",
            ),
            models.UniqueConstraint(
                fields=["student", "case", "assignment"],
                condition=models.Q(assignment__isnull=False),
                name="one_assignment_draft_per_case",
            ),
        ]

    def __str__(self) -> str:
        return f"Draft of {self.student} on {self.case}"


class AttemptQuerySet(models.QuerySet):
    def of(self, student: settings.AUTH_USER_MODEL) -> "AttemptQuerySet":
        return self.filter(student=student)

    def in_practice(self) -> "AttemptQuerySet":
        return self.filter(assignment__isnull=True)

    def seen_by_staff_of(self, cohorts) -> "AttemptQuerySet":
        """What staff of these cohorts may read of a student's work: the cohorts' own
        assignments, and practice; never another cohort's assignments."""
        return self.filter(
            models.Q(assignment__isnull=True) | models.Q(assignment__cohort__in=cohorts)
        )

    def feedback_released(self, now) -> "AttemptQuerySet":
        """Attempts whose score and findings the student may see by now.

        An assignment that defers feedback releases it after the student's own due date (an
        override's date when there is one, as Terms has it), so a score never leaks early.
        """
        from clinic_coder.cohorts.models import AssignmentOverride

        own_due = AssignmentOverride.objects.filter(
            assignment=models.OuterRef("assignment"),
            student=models.OuterRef("student"),
            due_at__isnull=False,
        ).values("due_at")[:1]
        return self.annotate(
            own_due_at=Coalesce(models.Subquery(own_due), models.F("assignment__due_at"))
        ).filter(
            models.Q(assignment__isnull=True)
            | models.Q(assignment__feedback=Assignment.Feedback.IMMEDIATE)
            | models.Q(own_due_at__lt=now)
        )


class Attempt(models.Model):
    """One submitted answer, graded against the case revision and variant it was given."""

    student = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="attempts"
    )
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="attempts")
    revision = models.ForeignKey(CaseRevision, on_delete=models.PROTECT, related_name="attempts")
    assignment = models.ForeignKey(
        Assignment, null=True, blank=True, on_delete=models.SET_NULL, related_name="attempts"
    )
    seed = models.PositiveIntegerField()
    payer_profile = models.CharField(max_length=40)
    token = models.UUIDField(unique=True)
    score = models.PositiveSmallIntegerField()
    # The key as shown to the student: every acceptable claim, and the steps that derive it.
    key = models.JSONField()
    explanation = models.JSONField(default=list)
    # The grader's mark for every key line and every claimed line: code, status, credit, reasons.
    marks = models.JSONField(default=list)
    started_at = models.DateTimeField()
    submitted_at = models.DateTimeField()
    late = models.BooleanField(default=False)

    objects = AttemptQuerySet.as_manager()

    class Meta:
        ordering = ["-submitted_at", "-pk"]
        indexes = [models.Index(fields=["student", "case", "-submitted_at"])]

    def __str__(self) -> str:
        return f"{self.student} on {self.case}: {self.score}"

    def get_absolute_url(self) -> str:
        return reverse("practice:attempt_feedback", args=[self.pk])

    def record_findings(self, findings: Iterable[EngineFinding], *, replace: bool = False) -> None:
        """Store the grader's findings for this attempt, dated with the attempt itself."""
        if replace:
            self.findings.all().delete()
        Finding.objects.bulk_create(
            Finding(
                student_id=self.student_id,
                attempt=self,
                rule_id=f.rule_id,
                skill=f.skill,
                severity=f.severity,
                message=f.message,
                line_code=f.line_code or "",
                created_at=self.submitted_at,
            )
            for f in findings
        )

    @property
    def labelled_marks(self) -> list[dict]:
        return [
            {**mark, "label": MARK_LABELS.get(mark["status"], mark["status"])}
            for mark in self.marks
        ]

    @property
    def teaching_point(self) -> str:
        return self.revision.content.get("teaching_point", "")


class AnswerLine(models.Model):
    """A line the student claimed, as typed (codes normalized to upper case)."""

    attempt = models.ForeignKey(Attempt, on_delete=models.CASCADE, related_name="lines")
    position = models.PositiveSmallIntegerField()
    code = models.CharField(max_length=12)
    minutes = models.PositiveSmallIntegerField(null=True, blank=True)
    units = models.PositiveSmallIntegerField()
    modifiers = models.JSONField(default=list)

    class Meta:
        ordering = ["attempt", "position"]

    def __str__(self) -> str:
        return f"{self.code} x{self.units}"

    def as_claim_line(self) -> ClaimLine:
        return ClaimLine(
            code=self.code,
            minutes=self.minutes,
            units=self.units,
            modifiers=frozenset(self.modifiers),
        )


class Finding(models.Model):
    """A graded point about one skill, from an attempt or a drill. Progress is built on these."""

    class Severity(models.TextChoices):
        ERROR = "error", "Error"
        WARNING = "warning", "Warning"
        INFO = "info", "Explanation"

    student = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="findings"
    )
    attempt = models.ForeignKey(
        Attempt, null=True, blank=True, on_delete=models.CASCADE, related_name="findings"
    )
    rule_id = models.CharField(max_length=60)
    skill = models.CharField(max_length=40)
    severity = models.CharField(max_length=10, choices=Severity.choices)
    message = models.TextField()
    line_code = models.CharField(max_length=12, blank=True)
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["pk"]
        indexes = [models.Index(fields=["student", "skill", "-created_at"])]

    def __str__(self) -> str:
        return f"{self.rule_id}: {self.message[:60]}"

    @property
    def skill_label(self) -> str:
        return SKILLS.get(self.skill, self.skill)


class TrainerDrill(models.Model):
    """A trainer drill a student has answered: each drill counts towards progress once."""

    student = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="trainer_drills"
    )
    drill_id = models.CharField(max_length=32)
    answered_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["student", "drill_id"], name="one_count_per_drill")
        ]

    def __str__(self) -> str:
        return f"Drill {self.drill_id} by {self.student}"
