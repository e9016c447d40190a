"""Clinic Coder's coding-rules engine: pure Python, no Django imports.

derive_expected() turns a visit's documented services into every acceptable claim, with the
steps that explain it; grade() marks a student's claim against it. Both take and return plain
frozen dataclasses (types.py).
"""

from .catalog import Catalog, CodeInfo, builtin_code_rows, default_catalog
from .derive import derive_expected
from .errors import BadCase, BadMinutes, MissingPlaceholder, UnknownCode, UnknownProfile
from .grading import grade
from .profiles import PROFILES, get_profile
from .rules import RULES, Rule
from .skills import SKILLS
from .techniques import TECHNIQUES, Technique
from .types import (
    EXTRASPINAL_REGIONS,
    SPINAL_REGIONS,
    ClaimLine,
    CodedService,
    DocumentedService,
    ExpectedClaim,
    Finding,
    Grade,
    LineMark,
    ModifierReason,
    PayerProfile,
    UnitResult,
    VisitFacts,
)
from .units import cms_units, per_code_units, units_by_method, units_for_minutes
from .variants import MinuteRange, draw_minutes, render_note

__all__ = [
    "EXTRASPINAL_REGIONS",
    "PROFILES",
    "RULES",
    "SKILLS",
    "SPINAL_REGIONS",
    "TECHNIQUES",
    "BadCase",
    "BadMinutes",
    "Catalog",
    "ClaimLine",
    "CodeInfo",
    "CodedService",
    "DocumentedService",
    "ExpectedClaim",
    "Finding",
    "Grade",
    "LineMark",
    "MinuteRange",
    "MissingPlaceholder",
    "ModifierReason",
    "PayerProfile",
    "Rule",
    "Technique",
    "UnitResult",
    "UnknownCode",
    "UnknownProfile",
    "VisitFacts",
    "builtin_code_rows",
    "cms_units",
    "default_catalog",
    "derive_expected",
    "draw_minutes",
    "get_profile",
    "grade",
    "per_code_units",
    "render_note",
    "units_by_method",
    "units_for_minutes",
]
