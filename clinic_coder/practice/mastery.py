"""Mastery per skill, from a student's recent evidence.

Every submitted attempt is a chance to show each skill its case exercises (and any skill a
finding of the attempt names): the chance is a success when the attempt has no error finding
on that skill. Every trainer answer is a chance for its units skill. A skill's level comes from
its latest WINDOW chances:

- mastered: at least MIN_EVIDENCE chances and at least 80% successes;
- developing: at least MIN_EVIDENCE chances and at least 50% successes;
- needs work: at least MIN_EVIDENCE chances and fewer than 50% successes;
- too early: fewer than MIN_EVIDENCE chances.

The queries run once for any number of students: three, whatever the cohort's size.
"""

import datetime
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db.models import Count, F, Q, Window
from django.db.models.functions import RowNumber
from django.utils import timezone

from clinic_coder.coding.skills import SKILLS

from .models import Attempt, Finding, SkillChance
from .workflows import case_to_practise

WINDOW = 8
MIN_EVIDENCE = 3
MASTERED_RATE = 0.8
DEVELOPING_RATE = 0.5


class Level:
    MASTERED = "mastered"
    DEVELOPING = "developing"
    NEEDS_WORK = "needs work"
    TOO_EARLY = "too early"

    ORDER = (NEEDS_WORK, DEVELOPING, TOO_EARLY, MASTERED)


def level_of(chances: int, successes: int) -> str:
    """The mastery level of a skill from its latest chances (at most WINDOW) and successes."""
    if chances < MIN_EVIDENCE:
        return Level.TOO_EARLY
    rate = successes / chances
    if rate >= MASTERED_RATE:
        return Level.MASTERED
    return Level.DEVELOPING if rate >= DEVELOPING_RATE else Level.NEEDS_WORK


@dataclass(frozen=True)
class SkillTally:
    """A skill's latest chances counted in the database: what a staff page shows of it."""

    skill: str
    chances: int = 0
    successes: int = 0

    @property
    def label(self) -> str:
        return SKILLS.get(self.skill, self.skill)

    @property
    def level(self) -> str:
        return level_of(self.chances, self.successes)

    @property
    def percent(self) -> int:
        return round(100 * self.successes / self.chances) if self.chances else 0


@dataclass(frozen=True)
class Evidence:
    when: datetime.datetime
    success: bool
    source: str  # a case title, or "8-minute-rule trainer"
    attempt_id: int | None
    detail: str  # the error that counted against the skill, if any


@dataclass
class SkillMastery:
    skill: str
    evidence: list[Evidence] = field(default_factory=list)  # newest first, WINDOW at most
    case_to_practise: object = None  # set for a student's own weak spots

    @property
    def label(self) -> str:
        return SKILLS.get(self.skill, self.skill)

    @property
    def chances(self) -> int:
        return len(self.evidence)

    @property
    def successes(self) -> int:
        return sum(e.success for e in self.evidence)

    @property
    def rate(self) -> float:
        return self.successes / self.chances if self.chances else 0.0

    @property
    def level(self) -> str:
        return level_of(self.chances, self.successes)

    @property
    def percent(self) -> int:
        return round(100 * self.rate)


def evidence_for(
    ids: list[int],
    *,
    released_by: datetime.datetime | None = None,
    cohorts: Iterable | None = None,
) -> dict[int, list[tuple[str, Evidence]]]:
    """Every chance each student had to show a skill, as (skill, evidence), in three queries.

    released_by: count only attempts whose feedback the student may see by then (the
    student's own view). cohorts: count only what staff of these cohorts may read (their
    assignments and practice).
    """
    counted = Attempt.objects.filter(student__in=ids)
    if released_by is not None:
        counted = counted.feedback_released(released_by)
    if cohorts is not None:
        counted = counted.seen_by_staff_of(cohorts)
    attempts = list(
        counted.order_by("-submitted_at", "-pk").values(
            "pk", "student_id", "submitted_at", "case__title", "revision__content__skills"
        )
    )
    errors: dict[int, dict[str, str]] = defaultdict(dict)
    for row in (
        Finding.objects.filter(attempt__in=counted.values("pk"), severity=Finding.Severity.ERROR)
        .order_by("pk")
        .values("attempt_id", "skill", "message")
    ):
        errors[row["attempt_id"]].setdefault(row["skill"], row["message"])
    trainer = Finding.objects.filter(
        student__in=ids, attempt__isnull=True, rule_id__startswith="trainer-"
    ).values("student_id", "skill", "severity", "message", "created_at")

    evidence: dict[int, list[tuple[str, Evidence]]] = defaultdict(list)
    for attempt in attempts:
        failed = errors.get(attempt["pk"], {})
        for skill in sorted({*(attempt["revision__content__skills"] or []), *failed}):
            evidence[attempt["student_id"]].append(
                (
                    skill,
                    Evidence(
                        when=attempt["submitted_at"],
                        success=skill not in failed,
                        source=attempt["case__title"],
                        attempt_id=attempt["pk"],
                        detail=failed.get(skill, ""),
                    ),
                )
            )
    for row in trainer:
        error = row["severity"] == Finding.Severity.ERROR
        evidence[row["student_id"]].append(
            (
                row["skill"],
                Evidence(
                    when=row["created_at"],
                    success=not error,
                    source="8-minute-rule trainer",
                    attempt_id=None,
                    detail=row["message"] if error else "",
                ),
            )
        )
    return evidence


def mastery_for(
    students: Iterable,
    *,
    released_by: datetime.datetime | None = None,
    cohorts: Iterable | None = None,
) -> dict[int, dict[str, SkillMastery]]:
    """Mastery per skill for each student (by id), every known skill present."""
    ids = [getattr(s, "pk", s) for s in students]
    evidence = evidence_for(ids, released_by=released_by, cohorts=cohorts)
    return {student_id: mastery_from(evidence[student_id]) for student_id in ids}


def tallies_for(
    students: Iterable, *, cohorts: Iterable | None = None
) -> dict[int, dict[str, SkillTally]]:
    """Mastery per skill for each student (by id), every known skill present, counted in the
    database from the chances the write path keeps (SkillChance): the latest WINDOW chances
    of each student and skill, ranked by a window function, then summed. Two queries and no
    attempt in Python, whatever the cohort's size; equal to mastery_for's levels.

    cohorts: count only what staff of these cohorts may read (their assignments, practice and
    the trainer), as mastery_for does.
    """
    ids = [getattr(s, "pk", s) for s in students]
    chances = SkillChance.objects.filter(student__in=ids)
    if cohorts is not None:
        chances = chances.filter(Q(assignment__isnull=True) | Q(assignment__cohort__in=cohorts))
    ranked = chances.annotate(
        recent=Window(
            RowNumber(),
            partition_by=[F("student_id"), F("skill")],
            order_by=[F("when").desc(), F("pk").desc()],
        )
    )
    counted = (
        SkillChance.objects.filter(pk__in=ranked.filter(recent__lte=WINDOW).values("pk"))
        .order_by()
        .values("student_id", "skill")
        .annotate(chances=Count("pk"), successes=Count("pk", filter=Q(success=True)))
    )
    tallies = {student_id: {skill: SkillTally(skill) for skill in SKILLS} for student_id in ids}
    for row in counted:
        tallies[row["student_id"]][row["skill"]] = SkillTally(
            row["skill"], row["chances"], row["successes"]
        )
    return tallies


def mastery_from(evidence: list[tuple[str, Evidence]]) -> dict[str, SkillMastery]:
    """Each skill's latest WINDOW chances, every known skill present."""
    by_skill = {skill: SkillMastery(skill) for skill in SKILLS}
    for skill, item in sorted(evidence, key=lambda pair: pair[1].when, reverse=True):
        mastery = by_skill.setdefault(skill, SkillMastery(skill))
        if len(mastery.evidence) < WINDOW:
            mastery.evidence.append(item)
    return by_skill


def weakest(mastery: dict[str, SkillMastery], count: int = 3) -> list[SkillMastery]:
    """The weak spots: skills with evidence shown right less often than mastery asks, lowest
    success rate first. The one definition, on the practice home and the progress page."""
    weak = [m for m in mastery.values() if m.chances and m.rate < MASTERED_RATE]
    return sorted(weak, key=lambda m: (m.rate, -m.chances, m.label))[:count]


def weak_spots(student: object, now: datetime.datetime) -> list[SkillMastery]:
    """A student's own weak spots, from the work whose feedback they may see by now."""
    return weakest(mastery_for([student], released_by=now)[student.pk])


def with_cases_to_practise(
    weak: list[SkillMastery], student: object, now: datetime.datetime
) -> list[SkillMastery]:
    """The weak spots, each with the case to practise it on next (or None): what a 'practise
    it' link opens."""
    for mastery in weak:
        mastery.case_to_practise = case_to_practise(student, mastery.skill, now)
    return weak


def weekly_mastery(evidence: list[tuple[str, Evidence]]) -> list[tuple[datetime.date, int]]:
    """The share of chances shown right, week by week (weeks starting on Monday), in percent."""
    weeks: dict[datetime.date, list[bool]] = defaultdict(list)
    for _, item in evidence:
        day = timezone.localdate(item.when)
        weeks[day - datetime.timedelta(days=day.weekday())].append(item.success)
    return [
        (week, round(100 * sum(results) / len(results))) for week, results in sorted(weeks.items())
    ]
