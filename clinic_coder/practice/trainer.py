"""The 8-minute-rule trainer: minutes to units under both methods, biased to the boundaries."""

import random
import uuid
from dataclasses import dataclass, field

from django.core import signing
from django.db import IntegrityError, transaction

from clinic_coder.coding.catalog import default_catalog
from clinic_coder.coding.types import Finding as EngineFinding
from clinic_coder.coding.units import cms_units, per_code_units

from .models import Finding, SkillChance, TrainerDrill

TIMED_CODES = ("97110", "97112", "97140", "97124", "97530", "97116", "97035")
# Minutes where the units change, and a minute either side: where students slip.
BOUNDARIES = (7, 8, 22, 23, 37, 38, 52, 53)
SALT = "clinic-coder.trainer"


@dataclass(frozen=True)
class Drill:
    minutes: dict[str, int]
    # One-time id in the signed token, so a replayed answer can't count twice.
    drill_id: str = field(default_factory=lambda: uuid.uuid4().hex, compare=False)

    @classmethod
    def new(cls, rng: random.Random | None = None) -> "Drill":
        rng = rng or random.Random()
        codes = rng.sample(TIMED_CODES, rng.choice((1, 2, 2, 3)))
        minutes = {}
        for code in codes:
            if rng.random() < 0.6:
                minutes[code] = rng.choice(BOUNDARIES)
            else:
                minutes[code] = rng.randint(3, 45)
        return cls(minutes)

    @property
    def token(self) -> str:
        # Signed, so the minutes a student is graded on are the ones the server drew.
        return signing.dumps({"id": self.drill_id, "minutes": self.minutes}, salt=SALT)

    @classmethod
    def from_token(cls, token: str) -> "Drill | None":
        try:
            data = signing.loads(token, salt=SALT, max_age=60 * 60 * 24)
        except signing.BadSignature:
            return None
        if not isinstance(data, dict) or not data.get("id"):
            return None  # a token from before drills had ids
        minutes = {str(code): int(value) for code, value in data["minutes"].items()}
        return cls(minutes, drill_id=str(data["id"]))


@dataclass(frozen=True)
class MethodOutcome:
    method: str
    label: str
    skill: str
    answer: dict[str, int]
    right: bool
    correct: tuple[dict[str, int], ...]
    steps: tuple[EngineFinding, ...]


@dataclass(frozen=True)
class Outcome:
    drill: Drill
    methods: tuple[MethodOutcome, ...]


def check(drill: Drill, answers: dict[str, int]) -> Outcome:
    catalog = default_catalog()
    outcomes = []
    for method, label, skill, compute in (
        ("cms", "CMS 8-minute rule", "units-cms", cms_units),
        ("per_code", "Per-code method", "units-per-code", per_code_units),
    ):
        result = compute(drill.minutes, catalog)
        answer = {code: answers[f"{method}_{code}"] for code in drill.minutes}
        correct = tuple(dict(a) for a in result.alternatives)
        outcomes.append(
            MethodOutcome(method, label, skill, answer, answer in correct, correct, result.steps)
        )
    return Outcome(drill, tuple(outcomes))


def units(allocation: dict[str, int]) -> str:
    return ", ".join(f"{code} x{count}" for code, count in allocation.items())


@transaction.atomic
def record(*, student, outcome: Outcome, now) -> bool:
    """Each method's answer counts as a finding on its skill, right or wrong.

    A drill counts once per student: a replay records nothing and returns False.
    """
    try:
        with transaction.atomic():
            TrainerDrill.objects.create(
                student=student, drill_id=outcome.drill.drill_id, answered_at=now
            )
    except IntegrityError:
        return False
    minutes = ", ".join(f"{code} {m} min" for code, m in outcome.drill.minutes.items())
    Finding.objects.bulk_create(
        Finding(
            student=student,
            rule_id=f"trainer-{m.method}",
            skill=m.skill,
            severity=Finding.Severity.INFO if m.right else Finding.Severity.ERROR,
            message=f"Trainer, {m.label}, {minutes}: "
            + (
                "right."
                if m.right
                else f"answered {units(m.answer)}; right: {units(m.correct[0])}."
            ),
            created_at=now,
        )
        for m in outcome.methods
    )
    SkillChance.objects.bulk_create(
        SkillChance(student=student, skill=m.skill, when=now, success=m.right)
        for m in outcome.methods
    )
    return True
