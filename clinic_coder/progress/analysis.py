"""Item analysis: how a cohort did on each case of an assignment, and where it went wrong.

Every attempt of the cohort's active students counts (not only the one the gradebook counts):
the point is to see which mistakes are common. The mistakes are counted in the database from
the rows practice keeps of every attempt's marks (MarkMistake), never by reading the marks.
"""

from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db.models import Count

from clinic_coder.cases.models import Case
from clinic_coder.coding.skills import SKILLS
from clinic_coder.cohorts.models import Assignment, Cohort
from clinic_coder.practice.mastery import Level, SkillTally, tallies_for
from clinic_coder.practice.models import Attempt, Finding, MarkMistake, mistakes_of

from .charts import Histogram, score_histogram
from .gradebook import active_students, counted_scores

TOP = 10  # rows in each table of mistakes


@dataclass
class Mistakes:
    """Counts of each kind of mistake, from the marks of a group of attempts."""

    wrong_codes: Counter = field(default_factory=Counter)  # (student code, key code)
    wrong_units: Counter = field(default_factory=Counter)  # (code, student units, key units)
    wrong_modifiers: Counter = field(default_factory=Counter)  # (code, student's, key's)
    missing_lines: Counter = field(default_factory=Counter)  # key code
    extra_lines: Counter = field(default_factory=Counter)  # student code

    def add(self, marks: Iterable[dict]) -> None:
        """Count the mistakes of one attempt's marks (as the write path records them)."""
        for kind, code, given, key in mistakes_of(marks):
            self.count(kind, code, given, key, 1)

    def count(self, kind: str, code: str, given: str, key: str, n: int) -> None:
        if kind == MarkMistake.Kind.MISSING:
            self.missing_lines[code] += n
        elif kind == MarkMistake.Kind.EXTRA:
            self.extra_lines[code] += n
        elif kind == MarkMistake.Kind.WRONG_CODE:
            self.wrong_codes[given, key] += n
        elif kind == MarkMistake.Kind.WRONG_UNITS:
            self.wrong_units[code, given, key] += n
        elif kind == MarkMistake.Kind.WRONG_MODIFIERS:
            self.wrong_modifiers[code, given, key] += n

    # Templates cannot call Counter.most_common (a lookup on a Counter is a key lookup first).
    @property
    def top_wrong_codes(self) -> list[tuple[tuple, int]]:
        return self.wrong_codes.most_common(TOP)

    @property
    def top_wrong_units(self) -> list[tuple[tuple, int]]:
        return self.wrong_units.most_common(TOP)

    @property
    def top_wrong_modifiers(self) -> list[tuple[tuple, int]]:
        return self.wrong_modifiers.most_common(TOP)

    @property
    def top_missing_lines(self) -> list[tuple[str, int]]:
        return self.missing_lines.most_common(TOP)

    @property
    def top_extra_lines(self) -> list[tuple[str, int]]:
        return self.extra_lines.most_common(TOP)

    def __bool__(self) -> bool:
        return any(
            (
                self.wrong_codes,
                self.wrong_units,
                self.wrong_modifiers,
                self.missing_lines,
                self.extra_lines,
            )
        )


@dataclass(frozen=True)
class SkillCount:
    skill: str
    errors: int
    warnings: int

    @property
    def label(self) -> str:
        return SKILLS.get(self.skill, self.skill)


@dataclass
class ItemAnalysis:
    """One case, or a whole assignment."""

    title: str
    case: Case | None = None
    scores: list[int] = field(default_factory=list)
    mistakes: Mistakes = field(default_factory=Mistakes)
    skills: list[SkillCount] = field(default_factory=list)

    @property
    def histogram(self) -> Histogram:
        return score_histogram(self.scores)

    @property
    def mean(self) -> int | None:
        if not self.scores:
            return None
        return (2 * sum(self.scores) + len(self.scores)) // (2 * len(self.scores))


def skill_counts(rows: Iterable[dict]) -> list[SkillCount]:
    """Findings per skill from rows of skill, severity, n; most errors first."""
    counts: dict[str, Counter] = defaultdict(Counter)
    for row in rows:
        counts[row["skill"]][row["severity"]] += row["n"]
    return sorted(
        (
            SkillCount(skill, c[Finding.Severity.ERROR], c[Finding.Severity.WARNING])
            for skill, c in counts.items()
        ),
        key=lambda s: (-s.errors, -s.warnings, s.skill),
    )


def analyse_assignment(assignment: Assignment) -> tuple[ItemAnalysis, list[ItemAnalysis]]:
    """The whole assignment and each of its cases, in four queries whatever the cohort's size,
    every count made by the database."""
    cases = list(assignment.case_set.published_cases())
    attempts = Attempt.objects.filter(
        assignment=assignment, student__in=active_students(assignment.cohort).values("pk")
    ).order_by()
    whole = ItemAnalysis(title="All cases")
    per_case = {case.pk: ItemAnalysis(title=case.title, case=case) for case in cases}
    for case_id, score in attempts.values_list("case_id", "score"):
        for item in (whole, per_case.get(case_id)):
            if item is not None:
                item.scores.append(score)
    mistakes = (
        MarkMistake.objects.filter(attempt__in=attempts)
        .values_list("attempt__case_id", "kind", "code", "given", "key")
        .annotate(n=Count("pk"))
        .order_by()
    )
    for case_id, kind, code, given, key, n in mistakes:
        for item in (whole, per_case.get(case_id)):
            if item is not None:
                item.mistakes.count(kind, code, given, key, n)
    rows = list(
        Finding.objects.filter(attempt__in=attempts)
        .values("attempt__case_id", "skill", "severity")
        .annotate(n=Count("pk"))
        .order_by()
    )
    whole.skills = skill_counts(rows)
    for case_id, item in per_case.items():
        item.skills = skill_counts(r for r in rows if r["attempt__case_id"] == case_id)
    return whole, list(per_case.values())


# Heatmap --------------------------------------------------------------------------------------

LEVEL_CLASSES = {
    Level.MASTERED: "level-mastered",
    Level.DEVELOPING: "level-developing",
    Level.NEEDS_WORK: "level-needs-work",
    Level.TOO_EARLY: "level-too-early",
}

LEGEND = (
    (Level.MASTERED, "at least 3 chances, 80% or more without an error"),
    (Level.DEVELOPING, "at least 3 chances, 50-79% without an error"),
    (Level.NEEDS_WORK, "at least 3 chances, under 50% without an error"),
    (Level.TOO_EARLY, "fewer than 3 chances: not enough evidence yet"),
)


@dataclass(frozen=True)
class HeatCell:
    """One student's mastery of one skill, worked out once for the template."""

    level: str
    css_class: str
    chances: int
    percent: int

    @classmethod
    def of(cls, tally: SkillTally) -> "HeatCell":
        level = tally.level
        return cls(level, LEVEL_CLASSES[level], tally.chances, tally.percent)


def cohort_heatmap(students: list, cohort: Cohort) -> list[tuple[object, list[HeatCell]]]:
    """Each student's mastery of every skill from this cohort's work and practice, in the
    order of SKILLS, counted in the database (two queries, no attempt read into Python)."""
    tallies = tallies_for(students, cohorts=[cohort])
    return [
        (student, [HeatCell.of(tallies[student.pk][skill]) for skill in SKILLS])
        for student in students
    ]


# Item statistics ------------------------------------------------------------------------------

GROUP_SHARE = 0.27  # the upper and lower groups of the upper-lower discrimination index
FEWEST_FOR_DISCRIMINATION = 4  # below this a group of 27% is less than one student


@dataclass(frozen=True)
class ItemStatistic:
    """Classical statistics of one case, over each student's counted attempt (a case a student
    left out of an assignment they worked counts 0, as in the gradebook)."""

    case: Case
    students: int  # students who attempted the assignment
    difficulty: float | None  # the mean score as a proportion: 1.0 is everyone right
    discrimination: float | None  # upper 27% minus lower 27% by assignment score, as proportions

    @property
    def difficulty_label(self) -> str:
        if self.difficulty is None:
            return ""
        if self.difficulty >= 0.8:
            return "easy"
        if self.difficulty < 0.3:
            return "hard"
        return "moderate"

    @property
    def discrimination_label(self) -> str:
        if self.discrimination is None:
            return ""
        if self.discrimination >= 0.4:
            return "good"
        if self.discrimination >= 0.2:
            return "fair"
        return "weak: check the key and the note"


def item_statistics(assignment: Assignment) -> list[ItemStatistic]:
    """Difficulty and discrimination of each published case of the assignment, from one query:
    the database picks each active student's counted score on every case (the rows are one
    per student and case, never one per attempt), as the gradebook's averages do."""
    cases = list(assignment.case_set.published_cases())
    if not cases:
        return []
    column = {case.pk: index for index, case in enumerate(cases)}
    by_student: dict[int, list[int]] = {}
    for student, _, case, score in counted_scores(assignment.cohort, [assignment]):
        if case in column:
            by_student.setdefault(student, [0] * len(cases))[column[case]] = score
    scores = [tuple(row) for row in by_student.values()]
    return [
        ItemStatistic(case, len(scores), *difficulty_and_discrimination(scores, index))
        for index, case in enumerate(cases)
    ]


def difficulty_and_discrimination(
    scores: list[tuple[int, ...]], item: int
) -> tuple[float | None, float | None]:
    """One item's difficulty (mean score / 100) and upper-lower discrimination index (mean in
    the top 27% of students by total, minus mean in the bottom 27%, / 100), from each student's
    scores on every item. Too few students: no discrimination."""
    if not scores:
        return None, None
    difficulty = sum(row[item] for row in scores) / (100 * len(scores))
    if len(scores) < FEWEST_FOR_DISCRIMINATION:
        return difficulty, None
    ranked = sorted(scores, key=sum)
    group = max(1, round(GROUP_SHARE * len(ranked)))
    lower, upper = ranked[:group], ranked[-group:]
    discrimination = (sum(r[item] for r in upper) - sum(r[item] for r in lower)) / (100 * group)
    return difficulty, discrimination
