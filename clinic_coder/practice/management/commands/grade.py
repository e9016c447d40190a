import json
import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from clinic_coder.cases.models import Case, CaseRevision, PayerProfile
from clinic_coder.coding.serial import line_to_json, mark_to_json
from clinic_coder.coding.types import ClaimLine
from clinic_coder.practice.models import Attempt

USAGE = (
    'Give JSON like {"case": "slug", "seed": 7, "lines": [{"code": "97140", "minutes": 12, '
    '"units": 1, "modifiers": ["GP"], "pointers": ["A"]}], "diagnoses": ["M54.2"]}.'
)


def parse_diagnoses(data: dict) -> list[str]:
    """Box 21 (optional): up to twelve strings, A-L, "" for a letter left blank."""
    diagnoses = data.get("diagnoses", [])
    if (
        not isinstance(diagnoses, list)
        or len(diagnoses) > 12
        or not all(isinstance(d, str) for d in diagnoses)
    ):
        raise ValueError("'diagnoses' must be a list of at most 12 strings (box 21, A-L).")
    return diagnoses


def parse_answer(data: object) -> tuple[str, int, list[ClaimLine]]:
    if not isinstance(data, dict) or not isinstance(data.get("case"), str):
        raise ValueError(f"The answer needs a case slug. {USAGE}")
    seed = data.get("seed", 1)
    if isinstance(seed, bool) or not isinstance(seed, int) or not 0 <= seed < 2**31:
        raise ValueError("'seed' must be a whole number from 0 to 2147483647.")
    lines = data.get("lines")
    if not isinstance(lines, list):
        raise ValueError(f"'lines' must be a list of claim lines. {USAGE}")
    claim = []
    for number, line in enumerate(lines, start=1):
        if not isinstance(line, dict) or not isinstance(line.get("code"), str):
            raise ValueError(f"Line {number}: each line needs a 'code' string.")
        modifiers = line.get("modifiers", [])
        if not isinstance(modifiers, list) or not all(isinstance(m, str) for m in modifiers):
            raise ValueError(f"Line {number}: 'modifiers' must be a list of strings.")
        pointers = line.get("pointers", [])
        if not isinstance(pointers, list) or not all(isinstance(p, str) for p in pointers):
            raise ValueError(f"Line {number}: 'pointers' must be a list of letters.")
        numbers = {}
        for name, default in (("minutes", None), ("units", 1)):
            value = line.get(name, default)
            if value is not None and (isinstance(value, bool) or not isinstance(value, int)):
                raise ValueError(f"Line {number}: '{name}' must be a whole number.")
            numbers[name] = value
        claim.append(
            ClaimLine(
                code=line["code"],
                minutes=numbers["minutes"],
                units=numbers["units"],
                modifiers=frozenset(m.strip().upper() for m in modifiers),
                pointers=tuple(p.strip().upper() for p in pointers),
            )
        )
    return data["case"], seed, claim


class Command(BaseCommand):
    help = "Grade an answer for a stored case: JSON in (a file or -, stdin), JSON out."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("answer", nargs="?", default="-", help="a JSON file, or - for stdin")

    def handle(self, *args: object, answer: str, **options: object) -> None:
        try:
            text = sys.stdin.read() if answer == "-" else Path(answer).read_text()
            data = json.loads(text)
            slug, seed, claim = parse_answer(data)
            diagnoses = parse_diagnoses(data)
        except OSError as error:
            raise CommandError(f"Cannot read {answer}: {error.strerror}.", returncode=2) from None
        except json.JSONDecodeError as error:
            raise CommandError(f"The answer is not valid JSON: {error}.", returncode=2) from None
        except ValueError as error:
            raise CommandError(str(error), returncode=2) from None
        case = Case.objects.filter(slug=slug).first()
        if case is None:
            raise CommandError(f"No case with slug {slug!r}.", returncode=2)
        # Graded as a submit now would be: against the case as it stands (not frozen here,
        # since the command only reads), through the same Attempt.grading.
        revision = CaseRevision(case=case, version=case.version, content=case.to_json())
        profile = PayerProfile.objects.for_grading(case.payer_profile)
        attempt = Attempt(case=case, seed=seed)
        attempt.keep_profile(profile)
        graded = attempt.grading(revision, claim, diagnoses=diagnoses)
        result = graded.result
        payload = {
            "case": case.slug,
            "seed": seed,
            "payer_profile": profile.key,
            "minutes": graded.variant.minutes,
            "score": result.score,
            "marks": [mark_to_json(mark) for mark in result.marks],
            "findings": [
                {
                    "rule_id": f.rule_id,
                    "skill": f.skill,
                    "severity": f.severity,
                    "message": f.message,
                    "code": f.line_code,
                }
                for f in result.findings
            ],
            "expected": [
                [line_to_json(line) for line in claim]
                for claim in graded.variant.expected.alternatives
            ],
        }
        if graded.variant.expected.diagnoses is not None:
            payload["expected_diagnoses"] = list(graded.variant.expected.diagnoses.codes)
        self.stdout.write(json.dumps(payload, indent=2))
