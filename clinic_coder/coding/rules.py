"""The rule registry: every rule the engine applies or cites, with the text a student reads.

Findings carry a rule_id from here; tests check that every id the engine emits is registered,
so a student can always follow a finding back to the rule and its source.
"""

from dataclasses import dataclass

from .types import Finding, Severity


@dataclass(frozen=True)
class Rule:
    id: str
    title: str
    explanation: str
    source: str
    skill: str


SRC_TIME = (
    "CMS Medicare Claims Processing Manual, ch. 5, section 20.2: only direct one-on-one time "
    "counts toward timed codes"
)
SRC_CMS_UNITS = "CMS Medicare Claims Processing Manual, ch. 5, section 20.2"
SRC_PER_CODE = "AMA CPT time rule: a unit needs more than half of its 15 minutes (per code)"
SRC_ARTICLE = (
    "CPT descriptors of 97124, 97140 and 97112, as taught in 'How to Use Soft-Tissue "
    "Procedure Codes' (2008)"
)
SRC_CATALOG = "CPT code descriptors, paraphrased"
SRC_NCCI = (
    "CMS NCCI procedure-to-procedure edits and the NCCI Policy Manual for Medicare Services "
    "(physical medicine chapter)"
)
SRC_MODIFIERS = "CMS MLN fact sheet on proper use of modifier 59 and the XE, XS, XP, XU modifiers"
SRC_MEDICARE_CHIRO = (
    "Medicare coverage of chiropractic services (Medicare Benefit Policy Manual, ch. 15, "
    "section 240)"
)
SRC_MPFS = "Medicare Physician Fee Schedule: status indicator B (bundled, never paid separately)"
SRC_CPT_CMT = "CPT guidelines for chiropractic manipulative treatment and modifier 25"
SRC_APP = "Clinic Coder grading (docs/scoring.md)"

_ALL: tuple[Rule, ...] = (
    # Choosing the code
    Rule(
        "code-follows-technique",
        "The code follows the technique",
        "Bill the code that describes the technique the note documents, never the code that "
        "pays more.",
        SRC_ARTICLE,
        "code-choice-manual-therapy",
    ),
    Rule(
        "massage-vs-manual-therapy",
        "Massage (97124) or manual therapy (97140)",
        "Massage, 97124, is general work over a large area across many tissues, with the "
        "patient wholly passive (effleurage, petrissage, percussion, passive pressure-point "
        "work). Manual therapy, 97140, works on a specific tissue, muscle or joint, aiming "
        "at adhesions and function (myofascial release, mobilization, ART, strain-counterstrain, "
        "muscle energy, Graston).",
        SRC_ARTICLE,
        "code-choice-manual-therapy",
    ),
    Rule(
        "never-97112-for-soft-tissue",
        "Soft-tissue techniques are never 97112",
        "97112, neuromuscular re-education, retrains a body part to do a task it could do "
        "before (balance, coordination, posture, proprioception). Massage and manual therapy "
        "techniques are never coded 97112.",
        SRC_ARTICLE,
        "code-choice-neuromuscular",
    ),
    Rule(
        "cmt-spinal-regions",
        "Spinal CMT is coded by the number of spinal regions",
        "Count the spinal regions manipulated (cervical, thoracic, lumbar, sacral, pelvic): "
        "1-2 regions 98940, 3-4 regions 98941, 5 regions 98942. One spinal CMT code per visit.",
        SRC_CATALOG,
        "code-choice-cmt",
    ),
    Rule(
        "cmt-extraspinal",
        "Extraspinal CMT is 98943",
        "Manipulation of the head (TMJ included), upper or lower extremities, rib cage or "
        "abdomen is 98943, one code for one or more extraspinal regions.",
        SRC_CATALOG,
        "code-choice-cmt",
    ),
    Rule(
        "em-level",
        "The E/M level is the one documented",
        "An office visit is billed at the level the note documents: 99202-99205 for a new "
        "patient, 99211-99215 for an established one.",
        SRC_CATALOG,
        "code-choice-em",
    ),
    Rule(
        "medicare-g0283",
        "Medicare: unattended e-stim is G0283",
        "Medicare does not accept 97014 for unattended electrical stimulation; the Medicare "
        "code is G0283 (untimed, 1 unit).",
        SRC_CATALOG,
        "code-choice-modalities",
    ),
    Rule(
        "clinic-code",
        "Clinic-internal codes",
        "Some services are billed under a code of the clinic's own (such as 19-NC); use it as "
        "the clinic defines it.",
        SRC_ARTICLE,
        "code-choice-clinic",
    ),
    # Units
    Rule(
        "timed-minutes-attended-only",
        "Only attended minutes count",
        "Timed codes count only direct one-on-one minutes with the provider in constant "
        "attendance. Unattended time, rest, set-up and the time of untimed codes never count. "
        "A timed technique left to run unattended bills nothing; unattended e-stim has its own "
        "untimed code.",
        SRC_TIME,
        "units-cms",
    ),
    Rule(
        "untimed-one-unit",
        "Untimed codes are 1 unit",
        "An untimed code (packs, mechanical traction, unattended e-stim, paraffin, infrared, "
        "CMT, office visits) is billed as 1 unit whatever its minutes, under every unit method.",
        SRC_CMS_UNITS,
        "untimed-codes",
    ),
    Rule(
        "untimed-minutes-not-timed",
        "Untimed minutes are not timed minutes",
        "Minutes of untimed services (hot packs, unattended e-stim, mechanical traction...) "
        "are never added to the timed minutes that decide the units.",
        SRC_CMS_UNITS,
        "untimed-codes",
    ),
    Rule(
        "cms-8-minute-rule",
        "CMS 8-minute rule: add the timed minutes first",
        "Add the minutes of all timed codes. Total units come from that total: 8-22 minutes is "
        "1 unit, 23-37 is 2, 38-52 is 3, 53-67 is 4, and on in steps of 15: one unit for every "
        "full 15 minutes, and one more when 8 or more minutes are left over; under 8 minutes "
        "there is no timed unit.",
        SRC_CMS_UNITS,
        "units-cms",
    ),
    Rule(
        "cms-leftover-units",
        "CMS: full units first, then the most leftover minutes",
        "Each timed code first gets one unit per full 15 minutes of its own. The units still "
        "left go one per code to the codes with the most leftover minutes (minutes beyond the "
        "full quarter hours); a code under 8 minutes can win a unit this way. When leftovers "
        "tie, either code may take the unit.",
        SRC_CMS_UNITS,
        "units-cms",
    ),
    Rule(
        "cms-15-minutes-one-unit",
        "CMS: a code with 15+ minutes gets a unit",
        "A timed code with 15 minutes or more always gets at least one unit: never put all "
        "the units on one code when another code had 15 minutes or more.",
        SRC_CMS_UNITS,
        "units-cms",
    ),
    Rule(
        "cms-no-per-code-rounding",
        "CMS: do not round each code separately",
        "Under the CMS rule the minutes of all timed codes are added before the table is used. "
        "Rounding each code on its own minutes is the per-code method, which this payer does "
        "not use.",
        SRC_CMS_UNITS,
        "units-cms",
    ),
    Rule(
        "lone-timed-under-8",
        "A lone timed service under 8 minutes is not billed",
        "When a single timed service lasts under 8 minutes (and no other timed minutes add up "
        "to 8), it earns no unit and is not billed.",
        SRC_CMS_UNITS,
        "units-cms",
    ),
    Rule(
        "per-code-units",
        "Per-code method: each code on its own minutes",
        "Each timed code gets units from its own minutes with the same table: 8-22 minutes is "
        "1 unit, 23-37 is 2, and so on; 7 minutes of a code never earn a unit. Minutes of "
        "different codes are not added together.",
        SRC_PER_CODE,
        "units-per-code",
    ),
    Rule(
        "per-code-no-pooling",
        "Per-code method: do not pool minutes",
        "This payer counts each code on its own minutes. Adding the minutes of different codes "
        "first is the CMS method, which this payer does not use.",
        SRC_PER_CODE,
        "units-per-code",
    ),
    Rule(
        "unit-boundaries",
        "The unit bands",
        "The bands are 8-22 minutes for 1 unit, 23-37 for 2, 38-52 for 3, 53-67 for 4: each "
        "band starts 8 minutes past a quarter hour. 23 minutes is already 2 units; it is not "
        "'8-23, then 24-38'.",
        SRC_CMS_UNITS,
        "units-cms",
    ),
    Rule(
        "minutes-match-note",
        "Minutes come from the note",
        "The minutes on a line are the attended minutes the note documents for that code. "
        "They do not change the score (units carry the arithmetic) but an auditor checks them.",
        SRC_TIME,
        "units-cms",
    ),
    # Bundling
    Rule(
        "ncci-cmt-97140",
        "Manual therapy with spinal CMT",
        "97140 is bundled with spinal CMT (98940-98942). It is billable only on a region that "
        "was not manipulated, with 59 or XS on 97140. On a manipulated region it is part of "
        "the CMT and not billed.",
        SRC_NCCI,
        "bundling-cmt",
    ),
    Rule(
        "ncci-cmt-97124-97112",
        "Massage or neuromuscular re-education with spinal CMT",
        "97124 and 97112 billed with spinal CMT need 59 or an X modifier on 97124/97112 "
        "(XS when on a region that was not manipulated). Whether massage (97124) must be on a "
        "region that was not manipulated depends on the payer: sources disagree, so the "
        "case's payer profile decides.",
        SRC_NCCI,
        "bundling-cmt",
    ),
    Rule(
        "ncci-97140-97530",
        "Manual therapy with therapeutic activities",
        "97140 (column 1) and 97530 (column 2) are mutually exclusive: 97530 is billable only "
        "in a different 15-minute time block, with 59 or XU on 97530. In the same block only "
        "97140 is billed.",
        SRC_NCCI,
        "bundling-therapy",
    ),
    Rule(
        "ncci-97012-97140",
        "Mechanical traction with manual therapy",
        "With mechanical traction (97012), 97140 is billable when done at a separate time, "
        "with 59 or XU on 97140; at the same time it is not separately billable.",
        SRC_NCCI,
        "bundling-therapy",
    ),
    Rule(
        "medicare-97010-bundled",
        "Medicare: hot and cold packs are bundled",
        "Medicare never pays 97010 separately (status B): it is bundled into the other "
        "services of the visit and is left off the claim.",
        SRC_MPFS,
        "bundling-therapy",
    ),
    Rule(
        "em-with-cmt",
        "Office visit with CMT",
        "CMT includes a pre-manipulation assessment. An office visit (E/M) on the same day is "
        "billed only when it is significant and separately identifiable, with modifier 25 on "
        "the E/M; otherwise it is part of the CMT and not billed.",
        SRC_CPT_CMT,
        "em-with-cmt",
    ),
    # Modifiers
    Rule(
        "distinct-service-modifier",
        "59 or an X modifier on the column-2 code",
        "When an NCCI edit allows two codes together because the services were distinct, the "
        "column-2 code carries 59 or the X modifier that says why: XS separate structure, XU "
        "unusual non-overlapping service, XE separate encounter, XP separate practitioner.",
        SRC_MODIFIERS,
        "modifiers",
    ),
    Rule(
        "modifier-59-or-x-not-both",
        "59 or an X modifier, not both",
        "The X modifiers are more specific forms of 59. Never put 59 and an X modifier (XE, "
        "XS, XP, XU) on the same line.",
        SRC_MODIFIERS,
        "modifiers",
    ),
    Rule(
        "modifier-52-not-for-short-time",
        "Modifier 52 is not for short time",
        "Modifier 52 (reduced service) does not shorten a timed code: short time is handled "
        "by the unit rules (a timed code under 8 minutes earns no unit on its own).",
        SRC_CMS_UNITS,
        "modifiers",
    ),
    Rule(
        "modifier-not-needed",
        "Only the modifiers the rules call for",
        "Add a modifier only when a rule calls for it; a modifier that does not apply makes "
        "the line wrong.",
        SRC_MODIFIERS,
        "modifiers",
    ),
    # Medicare and chiropractors
    Rule(
        "medicare-chiro-at",
        "Medicare: AT on active spinal CMT",
        "Medicare covers spinal CMT (98940-98942) for active/corrective care, marked with AT. "
        "Without AT the visit is taken as maintenance and denied.",
        SRC_MEDICARE_CHIRO,
        "medicare-chiro",
    ),
    Rule(
        "medicare-chiro-maintenance",
        "Medicare: maintenance CMT is GA or GZ",
        "Maintenance CMT is not covered: with a signed ABN it carries GA, without one GZ. It "
        "never carries AT.",
        SRC_MEDICARE_CHIRO,
        "medicare-chiro",
    ),
    Rule(
        "medicare-at-not-with-ga",
        "Medicare: AT and GA never together",
        "AT says the care is active and covered; GA says it is expected to be denied. They "
        "never go on the same line.",
        SRC_MEDICARE_CHIRO,
        "medicare-chiro",
    ),
    Rule(
        "medicare-chiro-gy",
        "Medicare: GY on what a chiropractor bills beyond spinal CMT",
        "Medicare covers only spinal CMT from a chiropractor. Everything else a chiropractor "
        "bills (therapy codes, extraspinal CMT 98943, office visits) is not a Medicare "
        "benefit and carries GY.",
        SRC_MEDICARE_CHIRO,
        "medicare-chiro",
    ),
    Rule(
        "medicare-therapy-gp",
        "Medicare: GP on therapy codes",
        "Therapy codes (the physical medicine procedures and modalities, G0283 included) "
        "billed to Medicare carry GP, the modifier for services under a physical therapy "
        "plan of care, also when a chiropractor bills them with GY.",
        SRC_MEDICARE_CHIRO,
        "medicare-chiro",
    ),
    # Writing claim lines
    Rule(
        "unknown-code",
        "Use real codes",
        "Every line needs a code from the catalog.",
        SRC_APP,
        "claim-lines",
    ),
    Rule(
        "duplicate-line",
        "One line per code",
        "Bill each code once, with all its units on one line.",
        SRC_APP,
        "claim-lines",
    ),
    Rule(
        "units-whole-positive",
        "Units are whole positive numbers",
        "A billed line has 1 or more units.",
        SRC_APP,
        "claim-lines",
    ),
    Rule(
        "zero-unit-line",
        "A line with 0 units bills nothing",
        "A line with 0 units is not billed; it is ignored, with no penalty.",
        SRC_APP,
        "claim-lines",
    ),
    Rule(
        "missing-line",
        "A billable service was left off",
        "Every billable service in the note belongs on the claim.",
        SRC_APP,
        "claim-lines",
    ),
    Rule(
        "instructor-key",
        "Your instructor's key",
        "For this case your instructor set the key, with a reason, in place of the one the "
        "rules derive; it is graded against as written.",
        SRC_APP,
        "claim-lines",
    ),
    Rule(
        "extra-line",
        "Over-coding",
        "A line for something the note does not support, or that may not be billed, is "
        "over-coding and costs points.",
        SRC_APP,
        "claim-lines",
    ),
)

RULES: dict[str, Rule] = {rule.id: rule for rule in _ALL}


def finding(
    rule_id: str,
    message: str,
    *,
    severity: Severity = "error",
    skill: str | None = None,
    line_code: str | None = None,
) -> Finding:
    """A finding citing a registered rule; the skill defaults to the rule's own."""
    rule = RULES[rule_id]  # a KeyError here is a bug in the engine, caught by the tests
    return Finding(
        rule_id=rule_id,
        skill=skill or rule.skill,
        severity=severity,
        message=message,
        line_code=line_code,
    )
