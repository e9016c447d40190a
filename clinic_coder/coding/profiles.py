"""Payer profiles are data: fixtures/payer_profiles.json holds the built-in ones, each setting an
explicit field (types.PayerProfile). An instructor's own profile is a copy of one with some
settings changed (duplicate_profile); profile_from_dict checks one coming from a file or form.
"""

import json
from collections.abc import Mapping
from dataclasses import asdict, fields, replace
from functools import cache
from pathlib import Path
from typing import get_args

from .errors import UnknownProfile
from .types import DistinctModifiers, PayerProfile, UnitMethod

PROFILES_FILE = Path(__file__).resolve().parents[2] / "fixtures" / "payer_profiles.json"

# What each setting means, for an instructor choosing or duplicating a profile.
SETTINGS: dict[str, str] = {
    "unit_method": "How timed units are counted: 'cms' (8-minute rule over the pooled minutes) "
    "or 'per-code' (each code on its own minutes).",
    "medicare": "Medicare's coverage rules for chiropractors (AT, GA, GZ, GY) and 97010 bundled.",
    "ncci_edits": "The NCCI procedure-to-procedure edits apply.",
    "same_region_97124_97112_bundled_with_cmt": "97124 and 97112 on a region manipulated with "
    "CMT are not billed (the NCCI reading); when off, they are billed there with 59 or XU.",
    "distinct_modifiers": "Which distinct-service modifiers the payer takes: '59-or-x', "
    "'x-only' or '59-only'.",
    "unit_cap_per_visit": "At most this many timed units in one visit (empty: no cap).",
    "unit_cap_per_code": "At most this many units of one timed code in one visit (empty: no cap).",
    "unattended_estim_code": "The code for unattended electrical stimulation: '97014' or 'G0283'.",
    "gp_required": "GP is required on therapy codes (otherwise accepted but not required).",
}


def profile_from_dict(data: Mapping[str, object]) -> PayerProfile:
    """A profile from plain data, every setting checked; ValueError says what is wrong."""
    known = {f.name for f in fields(PayerProfile)}
    unknown = sorted(set(data) - known)
    if unknown:
        raise ValueError(f"Unknown payer profile setting(s): {', '.join(unknown)}.")
    problems = []
    for name in ("key", "name"):
        if not isinstance(data.get(name), str) or not str(data.get(name)).strip():
            problems.append(f"{name} must be a non-empty text.")
    for name in ("medicare", "ncci_edits", "same_region_97124_97112_bundled_with_cmt"):
        if not isinstance(data.get(name), bool):
            problems.append(f"{name} must be true or false.")
    if "gp_required" in data and not isinstance(data["gp_required"], bool):
        problems.append("gp_required must be true or false.")
    choices = {
        "unit_method": get_args(UnitMethod),
        "distinct_modifiers": get_args(DistinctModifiers),
        "unattended_estim_code": ("97014", "G0283"),
    }
    for name, allowed in choices.items():
        if (name in data or name == "unit_method") and data.get(name) not in allowed:
            problems.append(f"{name} must be one of {', '.join(allowed)}.")
    for name in ("unit_cap_per_visit", "unit_cap_per_code"):
        cap = data.get(name)
        if cap is not None and (isinstance(cap, bool) or not isinstance(cap, int) or cap < 1):
            problems.append(f"{name} must be a whole number of 1 or more, or empty.")
    if data.get("medicare") is True and (
        data.get("gp_required") is not True or data.get("unattended_estim_code") != "G0283"
    ):
        # Medicare's own rules, not a payer's choice: a Medicare profile cannot turn them off.
        problems.append("A Medicare profile requires GP on therapy codes and G0283.")
    if problems:
        raise ValueError("Payer profile: " + " ".join(problems))
    return PayerProfile(**data)  # type: ignore[arg-type]


def profile_to_dict(profile: PayerProfile) -> dict[str, object]:
    return asdict(profile)


def duplicate_profile(
    profile: PayerProfile, key: str, name: str, **changes: object
) -> PayerProfile:
    """A copy of a profile under a new key and name, with some settings changed (checked)."""
    return profile_from_dict({**asdict(replace(profile)), "key": key, "name": name, **changes})


@cache
def _builtin() -> dict[str, PayerProfile]:
    rows = json.loads(PROFILES_FILE.read_text(encoding="utf-8"))
    return {row["key"]: profile_from_dict(row) for row in rows}


PROFILES: dict[str, PayerProfile] = _builtin()


def get_profile(key: str) -> PayerProfile:
    try:
        return PROFILES[key]
    except KeyError:
        raise UnknownProfile(key, PROFILES) from None
