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
SRC_NCCI_CMT = (
    "NCCI Policy Manual for Medicare Services, chapter XI (medicine), on CMT with physical "
    "medicine services: 97112, 97124 and 97140 are not separately reportable in a spinal region "
    "undergoing CMT (as quoted by Dynamic Chiropractic)"
)
SRC_CMT_97140 = (
    f"{SRC_NCCI_CMT}; NCCI procedure-to-procedure edits pairing 98940-98943 with 97140 "
    "(modifier indicator 1); payer billing policies: 97140 is not separately paid with "
    "98940-98943 for the same region"
)
SRC_MODIFIERS = "CMS MLN fact sheet on proper use of modifier 59 and the XE, XS, XP, XU modifiers"
SRC_MEDICARE_CHIRO = (
    "Medicare coverage of chiropractic services (Medicare Benefit Policy Manual, ch. 15, "
    "section 240)"
)
SRC_MPFS = "Medicare Physician Fee Schedule: status indicator B (bundled, never paid separately)"
SRC_CPT_CMT = "CPT guidelines for chiropractic manipulative treatment and modifier 25"
SRC_PAYER = (
    "The payer's own billing policy (commercial payer medical and reimbursement policies), set "
    "in the case's payer profile"
)
SRC_KX = (
    "Medicare Claims Processing Manual, ch. 5, section 10.3 (the annual therapy threshold and "
    "the KX modifier)"
)
SRC_ASSISTANT = (
    "Medicare Claims Processing Manual, ch. 5, section 20.1 (discipline modifiers GP/GO and the "
    "CQ/CO modifiers for services furnished in whole or in part by a PTA or OTA)"
)
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
        "mobilization-not-cmt",
        "Mobilization is 97140; a chiropractor's manipulation is CMT",
        "A joint mobilization moves a joint passively within its range, in graded movements "
        "(grades I to IV) the patient could stop; a manipulation is a high-velocity thrust "
        "(grade V). Mobilization, and any manipulation that is not chiropractic, is manual "
        "therapy, 97140. The CMT codes 98940-98943 are a chiropractor's manipulation only.",
        "CPT descriptors of 97140 (manual therapy: mobilization/manipulation) and 98940-98943 "
        "(chiropractic manipulative treatment), paraphrased; the graded (Maitland) scale of "
        "joint mobilization and manipulation",
        "code-choice-manual-therapy",
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
        "evaluation-level",
        "Therapy evaluations are coded by complexity",
        "A physical therapist's evaluation is 97161 (low), 97162 (moderate) or 97163 (high "
        "complexity), a re-evaluation 97164; an occupational therapist's 97165, 97166, 97167, "
        "re-evaluation 97168. Bill the complexity the note documents; untimed, one unit.",
        SRC_CATALOG,
        "code-choice-evaluation",
    ),
    Rule(
        "group-therapy-not-one-on-one",
        "Group therapy (97150) is not one-on-one time",
        "97150 is for a provider treating two or more patients at once: untimed, one unit, and "
        "its minutes never join the timed minutes. The same time is never billed also as a "
        "one-on-one timed service (97110, 97112, 97140 and the like).",
        f"CPT descriptor of 97150, paraphrased; {SRC_CMS_UNITS} (group therapy is untimed)",
        "code-choice-therapy-other",
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
        "bundled-minutes-not-counted",
        "Minutes of a service not billed count for no code",
        "When an edit leaves a timed service off the claim (97140 bundled into the CMT or done "
        "during mechanical traction, 97530 in the block of 97140), its minutes are left out of "
        "the units too: never move them to another code such as 97110.",
        f"{SRC_TIME}; {SRC_NCCI}",
        "units-cms",
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
        "Manual therapy with CMT",
        "97140 is bundled with CMT, spinal (98940-98942) or extraspinal (98943). It is "
        "billable only on a region that was not manipulated, with 59 or XS on 97140. On a "
        "manipulated region (for 98943 the extremity or other extraspinal region it "
        "manipulated) it is part of the CMT and not billed.",
        SRC_CMT_97140,
        "bundling-cmt",
    ),
    Rule(
        "ncci-cmt-97124-97112",
        "Massage or neuromuscular re-education with CMT",
        "97124 and 97112 billed with CMT (98940-98943) need 59 or an X modifier on 97124/97112: XS "
        "when on a region that was not manipulated. The NCCI policy manual treats 97112, 97124 "
        "and 97140 alike: not separately reportable in a spinal region undergoing CMT. Some "
        "payers still accept 97124 or 97112 on the manipulated region as a distinct service "
        "(59 or XU); the case's payer profile says which reading applies, for both codes.",
        SRC_NCCI_CMT,
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
        "Medicare: GP (or GO) on therapy codes",
        "Therapy codes (the physical medicine procedures and modalities, G0283 included, and "
        "the evaluations) billed to Medicare carry the discipline's modifier: GP for services "
        "under a physical therapy plan of care, also when a chiropractor bills them with GY; "
        "GO for an occupational therapist's. Dry needling (20560, 20561) is a 'sometimes "
        "therapy' code: GP when a therapist furnishes it.",
        f"{SRC_MEDICARE_CHIRO}; {SRC_ASSISTANT}",
        "medicare-chiro",
    ),
    Rule(
        "medicare-therapy-kx",
        "Medicare: KX over the annual therapy threshold",
        "Once a patient's therapy for the year passes Medicare's threshold amount, each "
        "therapy line carries KX, which attests that the services are medically necessary "
        "and the record shows it. Under the threshold, or without that documentation, no KX.",
        SRC_KX,
        "medicare-therapy",
    ),
    Rule(
        "medicare-therapy-assistant",
        "Medicare: CQ or CO for an assistant's services",
        "A therapy service furnished in whole or in part by a physical therapist assistant "
        "carries CQ, by an occupational therapy assistant CO, beside GP or GO (Medicare pays "
        "it at a reduced rate). Evaluations are the therapist's own work, never an "
        "assistant's, so they never carry CQ or CO.",
        SRC_ASSISTANT,
        "medicare-therapy",
    ),
    # Payer settings (the case's payer profile)
    Rule(
        "payer-gp-required",
        "This payer requires GP on therapy codes",
        "Some commercial payers, like Medicare, want GP (services under a physical therapy plan "
        "of care) on every therapy code; the case's payer profile says so. Where it is not "
        "required, GP is accepted but not needed.",
        SRC_PAYER,
        "modifiers",
    ),
    Rule(
        "payer-g0283",
        "This payer wants G0283 for unattended e-stim",
        "Some commercial payers follow Medicare and want G0283, not 97014, for unattended "
        "electrical stimulation; the case's payer profile says so.",
        SRC_PAYER,
        "code-choice-modalities",
    ),
    Rule(
        "payer-distinct-modifiers",
        "Which distinct-service modifiers this payer takes",
        "Payers differ: many take 59 or the X modifier that says why the service is distinct; "
        "some take only the X modifiers (XE, XS, XP, XU); a few still take only 59. The "
        "case's payer profile says which.",
        f"{SRC_MODIFIERS}; {SRC_PAYER}",
        "modifiers",
    ),
    Rule(
        "payer-unit-cap",
        "This payer caps timed units",
        "Some payers pay at most a set number of timed units in one visit, or of one code. "
        "Count the units by the payer's method first, then bill no more than the cap; which "
        "line gives up units is the provider's choice, so any split within the cap is right.",
        SRC_PAYER,
        "units-cms",
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

# --- Diagnoses (box 21 and the 24E pointers), graded by diagnoses.py --------------------------
SRC_ICD_FIRST = (
    "ICD-10-CM Official Guidelines for Coding and Reporting, Section IV.A and IV.G "
    "(outpatient: list first the condition chiefly responsible for the visit)"
)
SRC_ICD_DOCUMENTED = (
    "ICD-10-CM Official Guidelines for Coding and Reporting, Section IV.J (code all documented "
    "conditions that coexist and affect care) and IV.H (no uncertain diagnoses)"
)
SRC_ICD_DETAIL = (
    "ICD-10-CM Official Guidelines for Coding and Reporting, Section I.B.3 and IV.F (a code is "
    "reported to the highest number of characters available)"
)
SRC_ICD_SEVENTH = (
    "ICD-10-CM Official Guidelines for Coding and Reporting, Section I.A.4-5 (placeholder X, "
    "7th characters) and I.C.19.a (A initial, D subsequent, S sequela)"
)
SRC_ICD_LATERALITY = "ICD-10-CM Official Guidelines for Coding and Reporting, Section I.B.13"
SRC_CLAIM_FORM = (
    "CMS Medicare Claims Processing Manual, ch. 26, section 10.2 (CMS-1500 item 21: up to 12 "
    "diagnoses A-L; item 24E: up to 4 pointers per line, the first the line's primary)"
)
SRC_MEDICARE_SUBLUXATION = (
    "Medicare Benefit Policy Manual, ch. 15, section 240.1.2 (subluxation as the primary "
    "diagnosis, the five spinal regions) and the MAC chiropractic LCDs' diagnosis pairs"
)
SRC_NCCI_REGION = (
    "NCCI Policy Manual for Medicare Services, ch. XI (physical medicine: 97140 with CMT only "
    "in a different anatomic region) and CMS-1500 item 24E"
)

_DIAGNOSIS_RULES: tuple[Rule, ...] = (
    Rule(
        "dx-first-listed",
        "The first diagnosis is the reason for the visit",
        "Box 21 A is the first-listed diagnosis: the condition the note shows to be chiefly "
        "responsible for the visit. The other documented conditions follow it.",
        SRC_ICD_FIRST,
        "diagnosis-coding",
    ),
    Rule(
        "dx-documented",
        "Code the conditions the note documents, and only those",
        "Every condition the provider documents and treats at the visit goes in box 21. A "
        "condition the note does not document (or only suspects) is not coded.",
        SRC_ICD_DOCUMENTED,
        "diagnosis-coding",
    ),
    Rule(
        "dx-specificity",
        "A diagnosis code is complete",
        "Only a complete code, one with no more characters below it, may be billed. A "
        "category such as M54.1 needs its last character (M54.16, lumbar).",
        SRC_ICD_DETAIL,
        "diagnosis-coding",
    ),
    Rule(
        "dx-seventh-character",
        "The 7th character of an injury code",
        "Injury codes (chapter 19, S codes) end in a 7th character: A while the injury is "
        "actively treated, D for routine care in the healing or recovery phase after active "
        "treatment, S for a condition left as a late effect (sequela). Codes shorter than six "
        "characters take the placeholder X before it (S13.4XXA).",
        SRC_ICD_SEVENTH,
        "diagnosis-coding",
    ),
    Rule(
        "dx-laterality",
        "Right, left or both",
        "When the note names the side, the code says it: right and left have codes of their "
        "own, and the 'unspecified side' code is for notes that do not say.",
        SRC_ICD_LATERALITY,
        "diagnosis-coding",
    ),
    Rule(
        "dx-unknown-code",
        "Use codes from the diagnosis list",
        "Every box 21 entry needs an ICD-10-CM code from the course's diagnosis list (search "
        "it by code or words).",
        SRC_APP,
        "diagnosis-coding",
    ),
    Rule(
        "dx-pointer",
        "Each line points to the diagnosis it treats",
        "Item 24E of a claim line points (by letter A-L) to up to four box 21 diagnoses, the "
        "first the main reason for that service. A pointer to an empty letter or to a "
        "condition the service did not treat is wrong.",
        SRC_CLAIM_FORM,
        "diagnosis-pointers",
    ),
    Rule(
        "dx-pointer-distinct-region",
        "A 59/XS line points to a region not manipulated",
        "Therapy billed with 59 or XS beside spinal CMT is payable only for a region that was "
        "not manipulated. Its first pointer names a diagnosis of that other region (a right "
        "shoulder beside lumbar CMT); a pointer to the manipulated region's diagnosis says the "
        "service was part of the manipulation.",
        SRC_NCCI_REGION,
        "diagnosis-pointers",
    ),
    Rule(
        "medicare-cmt-m99-primary",
        "Medicare CMT: segmental dysfunction first, at the level treated",
        "Medicare pays spinal CMT (98940-98942) for a subluxation: the first-listed diagnosis "
        "is a segmental dysfunction code, M99.00-M99.05, of a region that was manipulated, "
        "and the CMT line points to it first.",
        SRC_MEDICARE_SUBLUXATION,
        "medicare-chiro",
    ),
    Rule(
        "medicare-cmt-secondary",
        "Medicare CMT: a secondary condition",
        "After the M99.0x subluxation code, Medicare's contractors expect the condition that "
        "the subluxation causes (the pain, strain, sprain or radiculopathy the note documents) "
        "as a secondary diagnosis, and the CMT line points to it.",
        SRC_MEDICARE_SUBLUXATION,
        "medicare-chiro",
    ),
    Rule(
        "cmt-regions-supported",
        "The diagnoses support the number of regions",
        "For Medicare each spinal region billed in CMT needs a segmental dysfunction diagnosis "
        "of that region on the claim: 98940 one or two regions, 98941 three or four, 98942 "
        "all five.",
        SRC_MEDICARE_SUBLUXATION,
        "diagnosis-coding",
    ),
)
# --- end of the diagnosis rules ---------------------------------------------------------------

RULES: dict[str, Rule] = {rule.id: rule for rule in (*_ALL, *_DIAGNOSIS_RULES)}


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
