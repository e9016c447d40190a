"""What students do: answers in progress, graded attempts, and the findings behind progress."""

import dataclasses
import re
import uuid
from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings
from django.db import models, transaction
from django.urls import reverse

from clinic_coder.cases.models import Case, CaseRevision, CaseVariant
from clinic_coder.cases.models import PayerProfile as PayerProfileRow
from clinic_coder.catalog.models import current_catalog
from clinic_coder.coding.catalog import Catalog
from clinic_coder.coding.diagnoses import LETTERS, default_diagnoses
from clinic_coder.coding.grading import grade
from clinic_coder.coding.profiles import profile_from_dict, profile_to_dict
from clinic_coder.coding.rules import RULES, Rule
from clinic_coder.coding.serial import line_to_json, mark_to_json
from clinic_coder.coding.skills import SKILLS
from clinic_coder.coding.types import ClaimLine, Grade, PayerProfile
from clinic_coder.coding.types import Finding as EngineFinding
from clinic_coder.cohorts.models import Assignment, AssignmentOverride

# The grader's reasons name the key beside the student's answer (coding/grading.py).
WRONG_CODE = re.compile(r"^wrong code: the key has (?P<key>\S+)$")
WRONG_UNITS = re.compile(r"^units: (?P<given>.+), the key has (?P<key>.+)$")
WRONG_MODIFIERS = re.compile(r"^modifiers: (?P<given>.+), the key has (?P<key>.+)$")
# The reason a manual credit adds to a mark (practice/workflows.py give_manual_credit).
CREDIT_SET = re.compile(
    r"^credit set to (?P<credit>-?[\d.]+) by (?P<by>.*?): (?P<reason>.*)$", re.DOTALL
)


def mistakes_of(marks: Iterable[dict]) -> list[tuple[str, str, str, str]]:
    """The mistakes an attempt's marks record, as (kind, code, given, key) rows: a wrong code
    (the student's code and the key's), wrong units or modifiers, a missing or an extra line
    (an extra line only while it costs points: a waived penalty is no mistake)."""
    rows = []
    for mark in marks:
        code, status = mark["code"], mark["status"]
        if status == "missing":
            rows.append((MarkMistake.Kind.MISSING, code, "", ""))
        elif status == "extra" and mark["credit"] < 0:
            rows.append((MarkMistake.Kind.EXTRA, code, "", ""))
        for reason in mark["reasons"]:
            if status == "wrong" and (found := WRONG_CODE.match(reason)):
                rows.append((MarkMistake.Kind.WRONG_CODE, code, code, found["key"]))
            elif found := WRONG_UNITS.match(reason):
                rows.append((MarkMistake.Kind.WRONG_UNITS, code, found["given"], found["key"]))
            elif found := WRONG_MODIFIERS.match(reason):
                rows.append((MarkMistake.Kind.WRONG_MODIFIERS, code, found["given"], found["key"]))
    return rows


UNIT_METHODS = (("cms", "CMS 8-minute rule"), ("per-code", "Per-code method"))

MARK_LABELS = {
    "right": "Right",
    "partly_right": "Partly right",
    "wrong": "Wrong code",
    "missing": "Missing",
    "extra": "Extra line",
}


@dataclass(frozen=True)
class Grading:
    """An answer graded against one variant of a case revision: what an attempt stores."""

    variant: CaseVariant
    result: Grade

    @property
    def key(self) -> dict:
        """The key as the student is shown it: every acceptable claim, and the minutes drawn;
        for a case with diagnoses, box 21 with the note's words for each."""
        key = {
            "alternatives": [
                [line_to_json(line) for line in claim]
                for claim in self.variant.expected.alternatives
            ],
            "minutes": self.variant.minutes,
        }
        if self.variant.expected.diagnoses is not None:
            key["diagnoses"] = diagnoses_shown(self.variant.case.diagnoses)
        return key

    @property
    def explanation(self) -> list[str]:
        return [step.message for step in self.variant.expected.steps]

    @property
    def marks(self) -> list[dict]:
        return [mark_to_json(mark) for mark in self.result.marks]


def diagnoses_shown(documented: list[dict]) -> list[dict]:
    """A case's box 21 as the key shows it: letter, code, official title, the note's words."""
    codes = default_diagnoses()
    return [
        {
            "letter": letter,
            "code": entry["code"],
            "title": info.title if (info := codes.find(entry["code"])) else "",
            "documented": entry["documented"],
        }
        for letter, entry in zip(LETTERS, documented, strict=False)
    ]


def labelled_mark(mark: dict) -> dict:
    """One stored mark with its label, the grader's reasons, and the instructor's credit (the
    latest one given), if any."""
    grader = [r for r in mark["reasons"] if not CREDIT_SET.match(r)]
    credits = [found for r in mark["reasons"] if (found := CREDIT_SET.match(r))]
    labelled = {**mark, "label": MARK_LABELS.get(mark["status"], mark["status"])}
    labelled.update(grader_reasons=grader, credited=None, badge=mark["status"])
    if credits:
        last = credits[-1]
        credit = mark["credit"]
        if mark["status"] == "extra":
            label = "Penalty waived" if credit == 0 else "Extra line"
        else:
            label = "Full credit given" if credit >= 1 else "Partly credited"
        labelled.update(
            label=label,
            badge="credited" if label != "Extra line" else mark["status"],
            credited={"by": last["by"], "reason": last["reason"], "credit": credit},
        )
    return labelled


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
    # Box 21 as typed so far: one string per letter A-L.
    diagnoses = models.JSONField(default=list, blank=True)
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

    def for_cohort(self, cohort) -> "AttemptQuerySet":
        """The attempts staff of this cohort grade: those on its own assignments.

        Never a student's work for another cohort (another instructor grades that), nor practice.
        """
        return self.filter(assignment__cohort=cohort)

    def scores_per_student_in(self, cohorts) -> "models.QuerySet":
        """Each student's mean score and number of attempts in each of these cohorts, over
        that cohort's own assignments: rows of student, cohort, mean, attempts."""
        return (
            self.filter(assignment__cohort__in=cohorts)
            .order_by()
            .values("student", cohort=models.F("assignment__cohort"))
            .annotate(mean=models.Avg("score"), attempts=models.Count("pk"))
        )

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
        own_due_at = AssignmentOverride.own_due_at(
            assignment=models.OuterRef("assignment"),
            student=models.OuterRef("student"),
            usual=models.F("assignment__due_at"),
        )
        return self.annotate(own_due_at=own_due_at).filter(
            models.Q(assignment__isnull=True)
            | models.Q(assignment__feedback=Assignment.Feedback.IMMEDIATE)
            | models.Q(own_due_at__lt=now)
        )


class Attempt(models.Model):
    """One submitted answer: a record of the note the student read and how it was graded.

    What the student saw is stored with the attempt and never changes: the revision they were
    shown (shown_revision), the note's text and the facts it documents (note_text,
    documented). revision is the version of the case whose coding choices the key comes
    from: the shown one, or a later one after a regrade, which keys the same stored note.
    """

    student = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="attempts"
    )
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="attempts")
    revision = models.ForeignKey(
        CaseRevision,
        on_delete=models.PROTECT,
        related_name="attempts",
        help_text="The version of the case the key was derived with (moves on a regrade).",
    )
    shown_revision = models.ForeignKey(
        CaseRevision,
        on_delete=models.PROTECT,
        related_name="shown_in",
        help_text="The version of the case the student read; never changes.",
    )
    note_text = models.TextField(help_text="The visit note exactly as the student read it.")
    # The facts that note documents: {"facts": {...}, "services": [...]}, each service with
    # the minutes drawn for the attempt. Regrades key these, never another version's facts.
    documented = models.JSONField()
    assignment = models.ForeignKey(
        Assignment, null=True, blank=True, on_delete=models.SET_NULL, related_name="attempts"
    )
    seed = models.PositiveIntegerField()
    payer_profile = models.CharField(max_length=40)
    # Every setting of that profile as it was when the attempt was made: the attempt is a
    # record of the payer the student coded for, so a later edit of the profile (its owner
    # may change it at any time) never reaches it, nor its regrades. Empty on attempts made
    # before profiles could change (they use the built-in of that key).
    payer_settings = models.JSONField(default=dict, blank=True)
    token = models.UUIDField(unique=True)
    score = models.PositiveSmallIntegerField()
    # The key as shown to the student: every acceptable claim, and the steps that derive it.
    key = models.JSONField()
    explanation = models.JSONField(default=list)
    # The grader's mark for every key line and every claimed line: code, status, credit, reasons.
    marks = models.JSONField(default=list)
    # The same variant keyed and graded under both unit methods, as the feedback page shows it.
    comparison = models.JSONField(default=list, blank=True)
    # The student's box 21: codes by letter A-L ("" for a letter left blank).
    diagnoses = models.JSONField(default=list, blank=True)
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

    @property
    def profile(self) -> PayerProfile:
        """The payer profile this attempt is graded under: its own copy of the settings."""
        if self.payer_settings:
            return profile_from_dict(self.payer_settings)
        return PayerProfileRow.objects.for_grading(self.payer_profile)

    def keep_profile(self, profile: PayerProfile) -> None:
        """Make this (new) attempt's payer the given profile, copied."""
        self.payer_profile = profile.key
        self.payer_settings = profile_to_dict(profile)

    def claim(self) -> list[ClaimLine]:
        """The lines the student claimed, as stored."""
        return [line.as_claim_line() for line in self.lines.all()]

    def grading(
        self,
        revision: CaseRevision,
        lines: list[ClaimLine] | None = None,
        *,
        profile: PayerProfile | None = None,
        catalog: Catalog | None = None,
        diagnoses: list[str] | None = None,
    ) -> Grading:
        """This attempt's answer (or these lines and box 21) graded against its variant of a
        revision.

        The variant is the attempt's seed under its payer profile, or under another profile
        (the same visit counted by the other unit method). Once the attempt has stored the
        note it showed, that note's facts are keyed with the revision's coding choices
        (CaseRevision.variant_of_note): another revision's minutes never reach it. Nothing
        is stored.
        """
        catalog = catalog or current_catalog()
        profile = profile or self.profile
        if self.documented:
            variant = revision.variant_of_note(
                self.documented, self.note_text, seed=self.seed, catalog=catalog, profile=profile
            )
        else:
            variant = revision.variant(self.seed, catalog, profile)
        lines = self.claim() if lines is None else lines
        diagnoses = self.diagnoses if diagnoses is None else diagnoses
        result = grade(variant.expected, lines, profile, catalog, diagnoses=diagnoses)
        return Grading(variant, result)

    def grade_against(
        self,
        revision: CaseRevision,
        lines: list[ClaimLine] | None = None,
        *,
        catalog: Catalog | None = None,
        diagnoses: list[str] | None = None,
    ) -> Grading:
        """Grade and store: the key, explanation, marks, score and findings, all from one
        grading of one variant. A new attempt stores its answer lines (and box 21) and the note
        it showed (the revision, the text, the documented facts); a stored one is graded on the
        lines and the note it has, with this revision's coding choices. The only code that sets
        an attempt's score from the engine; call it inside the workflow's transaction."""
        catalog = catalog or current_catalog()
        lines = self.claim() if lines is None else lines
        if diagnoses is not None:
            self.diagnoses = list(diagnoses)
        graded = self.grading(revision, lines, catalog=catalog)
        new = self.pk is None
        if new:
            self.shown_revision = revision
            self.note_text = graded.variant.note
            self.documented = graded.variant.documented
        self.revision = revision
        self.score = graded.result.score
        self.key = graded.key
        self.explanation = graded.explanation
        self.marks = graded.marks
        self.comparison = self.method_comparison(revision, lines, catalog=catalog)
        if new:
            # In a savepoint of its own: a duplicate token (the same submit twice at once)
            # raises IntegrityError and leaves the caller's transaction usable.
            with transaction.atomic():
                self.save()
            AnswerLine.objects.bulk_create(
                AnswerLine(
                    attempt=self,
                    position=position,
                    code=line.code.strip().upper(),
                    minutes=line.minutes,
                    units=line.units,
                    modifiers=sorted(line.modifiers),
                    pointers=list(line.pointers),
                )
                for position, line in enumerate(lines)
            )
        else:
            self.save(
                update_fields=["revision", "score", "key", "explanation", "marks", "comparison"]
            )
        self._record_findings(graded.result.findings, replace=not new)
        self.record_mistakes(replace=not new)
        return graded

    def record_mistakes(self, *, replace: bool = True) -> None:
        """Keep the mistakes of the attempt's current marks, for item analysis to count in the
        database; called whenever the marks change (grading, manual credit)."""
        if replace:
            self.mistakes.all().delete()
        MarkMistake.objects.bulk_create(
            MarkMistake(attempt=self, kind=kind, code=code, given=given, key=key)
            for kind, code, given, key in mistakes_of(self.marks)
        )

    def method_comparison(
        self, revision: CaseRevision, lines: list[ClaimLine], *, catalog: Catalog
    ) -> list[dict]:
        """The same variant keyed and graded under both unit methods, side by side."""
        profile = self.profile
        columns = []
        for method, label in UNIT_METHODS:
            other = dataclasses.replace(profile, unit_method=method)
            graded = self.grading(revision, lines, profile=other, catalog=catalog)
            columns.append(
                {
                    "method": method,
                    "label": label,
                    "current": method == profile.unit_method,
                    "claim": [line_to_json(line) for line in graded.variant.expected.claim],
                    "score": graded.result.score,
                }
            )
        return columns

    def _record_findings(self, findings: Iterable[EngineFinding], *, replace: bool) -> None:
        """Store the grader's findings for this attempt, dated with the attempt itself: they
        belong to the moment of the attempt, for progress over time, even after a regrade."""
        if replace:
            self.findings.all().delete()
            self.skill_chances.all().delete()
        findings = list(findings)
        failed = {f.skill for f in findings if f.severity == Finding.Severity.ERROR}
        exercised = set(self.revision.content.get("skills", [])) | failed
        SkillChance.objects.bulk_create(
            SkillChance(
                student_id=self.student_id,
                skill=skill,
                attempt=self,
                assignment_id=self.assignment_id,
                when=self.submitted_at,
                success=skill not in failed,
            )
            for skill in sorted(exercised)
        )
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
    def credited(self) -> bool:
        """Whether an instructor's credit is part of the current marks (a regrade since then
        replaced them with the grader's alone)."""
        return any(CREDIT_SET.match(r) for mark in self.marks for r in mark["reasons"])

    @property
    def labelled_marks(self) -> list[dict]:
        """The marks as the feedback page shows them. A line an instructor credited says so
        first, with the reason; the grader's own reasons follow as what it had marked."""
        return [labelled_mark(mark) for mark in self.marks]

    @property
    def graded_on_diagnoses(self) -> bool:
        return "diagnoses" in self.key

    @property
    def box21(self) -> list[tuple[str, str]]:
        """The student's box 21 as (letter, code), blanks left out."""
        return [
            (letter, code) for letter, code in zip(LETTERS, self.diagnoses, strict=False) if code
        ]

    @property
    def visit_note(self) -> str:
        """The visit note as the student read it, as stored with the attempt: no later
        version of the case, and no regrade, changes it."""
        return self.note_text

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
    # Diagnosis pointers (24E): letters of the attempt's box 21.
    pointers = models.JSONField(default=list, blank=True)

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
            pointers=tuple(self.pointers),
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

    @property
    def rule(self) -> Rule | None:
        """The rule this finding cites, with its title, explanation and source."""
        return RULES.get(self.rule_id)


class MarkMistake(models.Model):
    """One mistake recorded in an attempt's marks, kept by the code that changes the marks."""

    class Kind(models.TextChoices):
        WRONG_CODE = "wrong_code", "Wrong code"
        WRONG_UNITS = "wrong_units", "Wrong units"
        WRONG_MODIFIERS = "wrong_modifiers", "Wrong modifiers"
        MISSING = "missing", "Missing line"
        EXTRA = "extra", "Extra line"

    attempt = models.ForeignKey(Attempt, on_delete=models.CASCADE, related_name="mistakes")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    code = models.CharField(max_length=12)
    given = models.TextField(blank=True)  # the student's code, units or modifiers
    key = models.TextField(blank=True)  # the key's

    def __str__(self) -> str:
        return f"{self.kind} {self.code}: {self.given} / {self.key}"


class SkillChance(models.Model):
    """One chance a student had to show a skill, kept by the code that grades (an attempt:
    one per skill its case exercises or its findings name, a success when no error finding
    names it; a trainer answer: one per method). Staff pages count mastery over these rows in
    the database (mastery.tallies_for) instead of reading every attempt."""

    student = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="skill_chances"
    )
    skill = models.CharField(max_length=40)
    attempt = models.ForeignKey(
        Attempt, null=True, blank=True, on_delete=models.CASCADE, related_name="skill_chances"
    )
    # The attempt's assignment (None: practice or the trainer), for staff scoping.
    assignment = models.ForeignKey(
        Assignment, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    when = models.DateTimeField()
    success = models.BooleanField()

    class Meta:
        indexes = [models.Index(fields=["student", "skill", "-when"])]

    def __str__(self) -> str:
        return f"{self.student_id} {self.skill}: {'right' if self.success else 'error'}"


class ManualCredit(models.Model):
    """An instructor's change to the credit of one line of an attempt: who, when, old, new, why.

    The student sees it on their feedback page; the attempt's score is recomputed from it. A
    regrade later replaces the marks from the engine alone: the credit then no longer applies
    (voided_by names that regrade) but stays in the audit trail.
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
    voided_by = models.ForeignKey(
        "Regrade",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="voided_credits",
        help_text="The regrade that replaced the marks this credit was given on.",
    )

    class Meta:
        db_table = "progress_manualcredit"
        ordering = ["given_at", "pk"]

    def __str__(self) -> str:
        return f"{self.code}: {self.old_credit} -> {self.new_credit} by {self.given_by}"

    @property
    def applies(self) -> bool:
        """Whether the attempt's current marks still carry this credit."""
        return self.voided_by_id is None


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
        db_table = "progress_regrade"
        ordering = ["done_at", "pk"]

    def __str__(self) -> str:
        return f"Attempt {self.attempt_id}: v{self.old_version} -> v{self.new_version}"


class ScoreNoticeQuerySet(models.QuerySet):
    def unread_for(self, student: settings.AUTH_USER_MODEL, now) -> "ScoreNoticeQuerySet":
        """The notices a student has not read yet, on attempts whose score they may see by
        now (a notice never shows a deferred score early), newest first."""
        released = Attempt.objects.of(student).feedback_released(now)
        return self.filter(student=student, read_at__isnull=True, attempt__in=released)


class ScoreNotice(models.Model):
    """Tells a student that the score of one of their attempts changed after they saw it:
    the old and new score and why. Written by the workflow that changes the score (a regrade,
    manual credit), in the same transaction; shown until the student reads or dismisses it."""

    class Cause(models.TextChoices):
        REGRADE = "regrade", "Regraded"
        MANUAL_CREDIT = "manual_credit", "Credit changed by your instructor"

    student = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="score_notices"
    )
    attempt = models.ForeignKey(Attempt, on_delete=models.CASCADE, related_name="score_notices")
    cause = models.CharField(max_length=20, choices=Cause.choices)
    old_score = models.PositiveSmallIntegerField()
    new_score = models.PositiveSmallIntegerField()
    reason = models.TextField()
    created_at = models.DateTimeField()
    read_at = models.DateTimeField(null=True, blank=True)

    objects = ScoreNoticeQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["student", "read_at"])]

    def __str__(self) -> str:
        return f"{self.student}: {self.old_score} -> {self.new_score} ({self.cause})"


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
