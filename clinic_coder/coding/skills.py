"""Skills: what a finding says the student can or cannot yet do. Mastery is tracked per skill."""

SKILLS: dict[str, str] = {
    "code-choice-massage": "Choosing massage (97124)",
    "code-choice-manual-therapy": "Choosing manual therapy (97140)",
    "code-choice-neuromuscular": "Choosing neuromuscular re-education (97112)",
    "code-choice-exercise": "Choosing exercise, activities and gait codes (97110, 97530, 97116)",
    "code-choice-modalities": "Choosing modality codes (ultrasound, e-stim, packs, traction)",
    "code-choice-cmt": "Choosing the chiropractic manipulation code (98940-98943)",
    "code-choice-em": "Choosing the office visit (E/M) code",
    "code-choice-clinic": "Using clinic-internal codes",
    "code-choice-evaluation": "Choosing therapy evaluation codes (97161-97168)",
    "code-choice-therapy-other": (
        "Choosing group therapy, tests, orthotic and wheelchair training, dry needling"
    ),
    "units-cms": "Units by the CMS 8-minute rule",
    "units-per-code": "Units per code (each code on its own minutes)",
    "untimed-codes": "Untimed codes: one unit, minutes never count",
    "bundling-cmt": "Therapy billed with chiropractic manipulation (NCCI edits)",
    "bundling-therapy": "Therapy codes billed together (NCCI edits, bundled codes)",
    "modifiers": "Distinct-service modifiers (59, XE, XP, XS, XU)",
    "medicare-chiro": "Medicare rules (AT, GA, GZ, GY, GP)",
    "medicare-therapy": "Medicare therapy modifiers (KX over the threshold, CQ/CO for assistants)",
    "em-with-cmt": "Office visit billed with manipulation (modifier 25)",
    "claim-lines": "Writing claim lines: real codes, one line per code, whole units",
    # Diagnoses (coding/diagnoses.py)
    "diagnosis-coding": "Choosing diagnosis codes (ICD-10-CM, box 21)",
    "diagnosis-pointers": "Pointing each line to its diagnoses (24E)",
}

# Which code-choice skill a code family exercises. Families a clinic invents for its own codes
# fall back to the clinic skill.
_FAMILY_SKILLS: dict[str, str] = {
    "massage": "code-choice-massage",
    "manual-therapy": "code-choice-manual-therapy",
    "neuromuscular": "code-choice-neuromuscular",
    "exercise": "code-choice-exercise",
    "modality": "code-choice-modalities",
    "cmt": "code-choice-cmt",
    "em": "code-choice-em",
    "evaluation": "code-choice-evaluation",
    "group": "code-choice-therapy-other",
    "therapy-other": "code-choice-therapy-other",
    "needling": "code-choice-therapy-other",
}


def skill_for_family(family: str) -> str:
    return _FAMILY_SKILLS.get(family, "code-choice-clinic")


def skill_label(key: str) -> str:
    return SKILLS[key]
