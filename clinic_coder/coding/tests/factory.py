"""Small builders for engine tests: each names what the test depends on."""

from clinic_coder.coding.derive import derive_expected
from clinic_coder.coding.profiles import PROFILES
from clinic_coder.coding.types import (
    ClaimLine,
    DocumentedService,
    ExpectedClaim,
    PayerProfile,
    VisitFacts,
)

MEDICARE = PROFILES["medicare"]
COMMERCIAL_CMS = PROFILES["commercial-cms"]
COMMERCIAL_PER_CODE = PROFILES["commercial-per-code"]


def make_service(technique: str, *regions: str, **overrides: object) -> DocumentedService:
    return DocumentedService(technique, tuple(regions), **overrides)  # type: ignore[arg-type]


def derive(
    *services: DocumentedService,
    profile: PayerProfile = COMMERCIAL_CMS,
    **facts: object,
) -> ExpectedClaim:
    return derive_expected(list(services), VisitFacts(**facts), profile)  # type: ignore[arg-type]


def codes(lines: tuple[ClaimLine, ...]) -> list[str]:
    return [line.code for line in lines]


def line_for(expected: ExpectedClaim, code: str) -> ClaimLine:
    (line,) = [line for line in expected.claim if line.code == code]
    return line


def modifier_options(expected: ExpectedClaim, code: str) -> set[frozenset[str]]:
    """Every modifier set the key accepts on the line of this code."""
    return {
        line.modifiers for claim in expected.alternatives for line in claim if line.code == code
    }


def answer(code: str, units: int = 1, *modifiers: str, minutes: int | None = None) -> ClaimLine:
    return ClaimLine(code, minutes=minutes, units=units, modifiers=frozenset(modifiers))
