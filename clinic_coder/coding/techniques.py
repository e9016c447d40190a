"""Techniques a note can document, the code each one is billed under, and why.

The reason of a technique is what the grader shows a student who picked the wrong code, so it
names the telling attributes: a general area or a specific tissue, the patient passive or
active, retraining a task the body could do before. Based on coding-rules.md section 2 and the
seed article (seed/soft-tissue-codes-article.txt), in our own words.
"""

from dataclasses import dataclass

from .errors import BadCase


@dataclass(frozen=True)
class Technique:
    key: str
    # Written to read mid-sentence ("97140 for myofascial release"); capitalise it for a label.
    name: str
    # None when the code depends on the service: spinal CMT (number of regions), office visits
    # and clinic codes (the code is written on the service).
    code: str | None
    family: str
    reason: str
    attributes: tuple[str, ...] = ()
    # What Medicare does differently; shown only when the payer is Medicare.
    medicare_note: str = ""

    def reason_for(self, medicare: bool) -> str:
        """The reason as the case's payer should read it: no Medicare talk for other payers."""
        if medicare and self.medicare_note:
            return f"{self.reason} {self.medicare_note}"
        return self.reason

    @property
    def is_soft_tissue(self) -> bool:
        # The seed article's "soft-tissue techniques": massage and manual therapy.
        return self.family in ("massage", "manual-therapy")


_GENERAL_PASSIVE = ("general_area", "many_tissues", "patient_passive", "constant_contact")
_SPECIFIC = ("specific_tissue", "adhesions", "restores_function")
_RETRAINING = ("retrains_lost_task", "patient_active")

NEVER_97112 = (
    "Soft-tissue techniques (massage or manual therapy) are never coded 97112, whatever a "
    "seminar may say: 97112 is for retraining a task the body could do before, such as "
    "balance, coordination or posture."
)

_TECHNIQUES: tuple[Technique, ...] = (
    # 97124 massage
    Technique(
        "effleurage",
        "effleurage",
        "97124",
        "massage",
        "Effleurage is long gliding strokes over a broad area such as the whole back, with the "
        "patient fully passive. General work across many tissues is massage, 97124.",
        _GENERAL_PASSIVE,
    ),
    Technique(
        "petrissage",
        "petrissage",
        "97124",
        "massage",
        "Petrissage kneads and lifts the soft tissue of a broad area while the patient stays "
        "passive. It is general, not aimed at a specific tissue, so it is massage, 97124.",
        _GENERAL_PASSIVE,
    ),
    Technique(
        "tapotement",
        "tapotement",
        "97124",
        "massage",
        "Tapotement is rhythmic tapping (percussion) over a broad area with the patient passive: "
        "general massage, 97124.",
        _GENERAL_PASSIVE,
    ),
    Technique(
        "swedish_massage",
        "Swedish massage",
        "97124",
        "massage",
        "Swedish massage combines gliding, kneading and percussion over a large area with the "
        "patient passive: the textbook case of massage, 97124.",
        _GENERAL_PASSIVE,
    ),
    Technique(
        "passive_trigger_point",
        "passive trigger-point pressure",
        "97124",
        "massage",
        "Trigger-point pressure while the patient lies passive is massage, 97124. Pressure work "
        "in which the patient takes part, such as ART or strain-counterstrain, is manual "
        "therapy, 97140.",
        ("pressure_point", "patient_passive", "constant_contact"),
    ),
    Technique(
        "acupressure",
        "acupressure",
        "97124",
        "massage",
        "Acupressure is passive pressure-point work, with the patient doing nothing: massage, "
        "97124.",
        ("pressure_point", "patient_passive", "constant_contact"),
    ),
    Technique(
        "nimmo",
        "Nimmo technique",
        "97124",
        "massage",
        "Nimmo is passive pressure-point work on the soft tissue, with the patient doing "
        "nothing: massage, 97124.",
        ("pressure_point", "patient_passive", "constant_contact"),
    ),
    Technique(
        "percussive_tool",
        "percussive massage tool such as a Thumper or G5",
        "97124",
        "massage",
        "A percussive tool such as a Thumper or G5 massager, run over a broad area with the "
        "patient passive, does what hands do in massage: 97124.",
        (*_GENERAL_PASSIVE, "instrument"),
    ),
    # 97140 manual therapy
    Technique(
        "myofascial_release",
        "myofascial release",
        "97140",
        "manual-therapy",
        "Myofascial release works on a specific tissue to free restrictions and adhesions and "
        "restore its function, so it is manual therapy, 97140, not massage, 97124 (massage is "
        "general work over a large area).",
        _SPECIFIC,
    ),
    Technique(
        "joint_mobilization",
        "joint mobilization",
        "97140",
        "manual-therapy",
        "Joint mobilization moves a specific joint to restore its motion. Mobilization (and "
        "any manipulation that is not chiropractic CMT) is manual therapy, 97140.",
        ("specific_joint", "restores_function"),
    ),
    Technique(
        "manual_traction",
        "manual traction",
        "97140",
        "manual-therapy",
        "Traction given by the provider's hands is manual therapy, 97140; traction given by a "
        "machine is mechanical traction, 97012.",
        ("specific_joint", "by_hand"),
    ),
    Technique(
        "lymphatic_drainage",
        "manual lymphatic drainage",
        "97140",
        "manual-therapy",
        "Manual lymphatic drainage is one of the techniques named in the manual therapy code: "
        "97140.",
        ("specific_tissue", "by_hand"),
    ),
    Technique(
        "strain_counterstrain",
        "strain-counterstrain",
        "97140",
        "manual-therapy",
        "Strain-counterstrain positions a specific tender tissue, with the patient taking "
        "part, to release it: manual therapy, 97140, not passive massage, 97124.",
        (*_SPECIFIC, "patient_active"),
    ),
    Technique(
        "active_release_technique",
        "Active Release Technique",
        "97140",
        "manual-therapy",
        "ART works on a specific muscle while the patient actively moves it, to break up "
        "adhesions: manual therapy, 97140. Specific and active is what separates it from "
        "massage, 97124.",
        (*_SPECIFIC, "patient_active"),
    ),
    Technique(
        "muscle_energy",
        "muscle energy technique",
        "97140",
        "manual-therapy",
        "Muscle energy technique uses the patient's own contractions against the provider's "
        "resistance at a specific joint or muscle: manual therapy, 97140.",
        (*_SPECIFIC, "patient_active"),
    ),
    Technique(
        "graston",
        "Graston instrument-assisted work",
        "97140",
        "manual-therapy",
        "Graston and other instrument-assisted work target a specific tissue (say the right "
        "upper trapezius) to break down fibrotic tissue and adhesions, so they are usually "
        "manual therapy, 97140. A few sources accept 97124 when a tool is used like general "
        "massage; this app teaches the usual code, 97140.",
        (*_SPECIFIC, "instrument", "patient_passive"),
    ),
    # 97112 neuromuscular re-education
    Technique(
        "balance_training",
        "balance training",
        "97112",
        "neuromuscular",
        "Balance training retrains the body to hold a position or move safely, a task it could "
        "do before: neuromuscular re-education, 97112.",
        _RETRAINING,
    ),
    Technique(
        "coordination_training",
        "coordination training",
        "97112",
        "neuromuscular",
        "Coordination training retrains smooth, controlled movement the patient had before: "
        "neuromuscular re-education, 97112.",
        _RETRAINING,
    ),
    Technique(
        "proprioceptive_training",
        "proprioceptive training",
        "97112",
        "neuromuscular",
        "Proprioceptive training retrains the sense of where a body part is and how it moves: "
        "neuromuscular re-education, 97112.",
        _RETRAINING,
    ),
    Technique(
        "postural_reeducation",
        "postural re-education",
        "97112",
        "neuromuscular",
        "Postural rehabilitation retrains the body to hold a posture it has lost: "
        "neuromuscular re-education, 97112.",
        _RETRAINING,
    ),
    Technique(
        "wobble_board",
        "wobble-board training",
        "97112",
        "neuromuscular",
        "Wobble-board work retrains balance and proprioception, with the patient active: "
        "neuromuscular re-education, 97112.",
        _RETRAINING,
    ),
    # Other timed procedures and modalities
    Technique(
        "therapeutic_exercise",
        "therapeutic exercise",
        "97110",
        "exercise",
        "Exercise to build strength, endurance, range of motion or flexibility, with the "
        "patient active, is therapeutic exercise, 97110. It is not 97112, which retrains a lost "
        "task such as balance or posture.",
        ("patient_active", "strength_or_range"),
    ),
    Technique(
        "therapeutic_activities",
        "therapeutic activities",
        "97530",
        "exercise",
        "Dynamic, functional tasks (lifting, carrying, reaching) done one-on-one to improve "
        "how the patient performs daily activities: therapeutic activities, 97530.",
        ("patient_active", "functional_task", "one_on_one"),
    ),
    Technique(
        "gait_training",
        "gait training",
        "97116",
        "exercise",
        "Training how the patient walks, stairs included, is gait training, 97116.",
        ("patient_active", "walking"),
    ),
    Technique(
        "ultrasound",
        "ultrasound",
        "97035",
        "modality",
        "Therapeutic ultrasound with the provider in constant attendance is 97035, a timed code.",
        ("constant_attendance",),
    ),
    Technique(
        "attended_estim",
        "attended electrical stimulation",
        "97032",
        "modality",
        "Electrical stimulation with the provider in constant attendance is 97032, a timed "
        "code. E-stim left to run unattended is a different, untimed code (97014).",
        ("constant_attendance",),
        medicare_note="Unattended e-stim to Medicare is G0283.",
    ),
    Technique(
        "iontophoresis",
        "iontophoresis",
        "97033",
        "modality",
        "Iontophoresis needs constant attendance and is timed: 97033 (some lists wrongly call "
        "it untimed).",
        ("constant_attendance",),
    ),
    # Untimed modalities
    Technique(
        "hot_pack",
        "hot pack",
        "97010",
        "modality",
        "Hot or cold packs are 97010, untimed, one unit per day.",
        ("untimed", "supervised"),
        medicare_note="Medicare never pays it separately (bundled, status B).",
    ),
    Technique(
        "cold_pack",
        "cold pack",
        "97010",
        "modality",
        "Hot or cold packs are 97010, untimed, one unit per day.",
        ("untimed", "supervised"),
        medicare_note="Medicare never pays it separately (bundled, status B).",
    ),
    Technique(
        "mechanical_traction",
        "mechanical traction",
        "97012",
        "modality",
        "Traction by a machine is mechanical traction, 97012, untimed; traction by the "
        "provider's hands is manual therapy, 97140.",
        ("untimed", "supervised", "machine"),
    ),
    Technique(
        "unattended_estim",
        "unattended electrical stimulation",
        "97014",
        "modality",
        "E-stim that runs without the provider in constant attendance is 97014, untimed.",
        ("untimed", "supervised"),
        medicare_note="Medicare does not accept 97014: for Medicare it is G0283.",
    ),
    Technique(
        "paraffin_bath",
        "paraffin bath",
        "97018",
        "modality",
        "A paraffin bath is 97018, untimed.",
        ("untimed", "supervised"),
    ),
    Technique(
        "infrared",
        "infrared",
        "97026",
        "modality",
        "Infrared is 97026, untimed.",
        ("untimed", "supervised"),
    ),
    # Group therapy, evaluations, tests and training, dry needling (issue 13)
    Technique(
        "group_therapy",
        "group therapy",
        "97150",
        "group",
        "Exercise or activities given to two or more patients at once, the provider not "
        "one-on-one with any of them, is group therapy, 97150: untimed, one unit per session, "
        "and its minutes never join the timed minutes. The same time is never also 97110.",
        ("group", "untimed", "patient_active"),
    ),
    Technique(
        "pt_evaluation",
        "physical therapy evaluation",
        None,
        "evaluation",
        "A physical therapist's evaluation is coded by the complexity the note documents: "
        "97161 low, 97162 moderate, 97163 high; 97164 re-evaluates an established plan of care. "
        "Untimed, one unit.",
        ("level_documented", "untimed"),
    ),
    Technique(
        "ot_evaluation",
        "occupational therapy evaluation",
        None,
        "evaluation",
        "An occupational therapist's evaluation is coded by the complexity the note documents: "
        "97165 low, 97166 moderate, 97167 high; 97168 re-evaluates an established plan of care. "
        "Untimed, one unit.",
        ("level_documented", "untimed"),
    ),
    Technique(
        "physical_performance_test",
        "physical performance test",
        "97750",
        "therapy-other",
        "Measuring physical performance (a functional capacity test, for example) with a "
        "written report is 97750, a timed code. Measurements taken as part of an evaluation "
        "are part of the evaluation.",
        ("measurement", "written_report"),
    ),
    Technique(
        "orthotic_training",
        "orthotic management and training",
        "97760",
        "therapy-other",
        "Fitting a brace or splint and teaching the patient to use it is orthotic management "
        "and training, 97760, a timed code.",
        ("orthotic", "patient_active"),
    ),
    Technique(
        "wheelchair_training",
        "wheelchair management training",
        "97542",
        "therapy-other",
        "Assessing, fitting and training the patient in a wheelchair is wheelchair management, "
        "97542, a timed code.",
        ("wheelchair", "patient_active"),
    ),
    Technique(
        "dry_needling_1_2_muscles",
        "dry needling of 1 or 2 muscles",
        "20560",
        "needling",
        "Needles inserted without injecting anything (dry needling) are coded by the number of "
        "muscles needled: 1 or 2 muscles 20560, 3 or more 20561. Untimed, one unit.",
        ("needle", "counts_muscles"),
    ),
    Technique(
        "dry_needling_3_plus_muscles",
        "dry needling of 3 or more muscles",
        "20561",
        "needling",
        "Needles inserted without injecting anything (dry needling) are coded by the number of "
        "muscles needled: 1 or 2 muscles 20560, 3 or more 20561. Untimed, one unit.",
        ("needle", "counts_muscles"),
    ),
    # Chiropractic manipulation, office visits, clinic codes
    Technique(
        "spinal_cmt",
        "spinal chiropractic manipulation",
        None,
        "cmt",
        "Spinal manipulation by a chiropractor is coded by the number of spinal regions "
        "manipulated (cervical, thoracic, lumbar, sacral, pelvic): 1-2 regions 98940, 3-4 "
        "regions 98941, 5 regions 98942. One spinal CMT code per visit.",
        ("spinal", "counts_regions"),
    ),
    Technique(
        "extraspinal_cmt",
        "extraspinal chiropractic manipulation",
        "98943",
        "cmt",
        "Chiropractic manipulation outside the spine (head and TMJ, upper or lower extremity, "
        "rib cage, abdomen) is 98943, for one or more extraspinal regions.",
        ("extraspinal",),
    ),
    Technique(
        "office_visit",
        "office visit",
        None,
        "em",
        "An office visit is coded at the E/M level the note documents: 99202-99205 for a new "
        "patient, 99211-99215 for an established one.",
        ("level_documented",),
    ),
    Technique(
        "clinic_code",
        "clinic service",
        None,
        "clinic",
        "The clinic bills this service under its own internal code, written on the service.",
        ("clinic_internal",),
    ),
)

TECHNIQUES: dict[str, Technique] = {technique.key: technique for technique in _TECHNIQUES}


def get_technique(key: str) -> Technique:
    try:
        return TECHNIQUES[key]
    except KeyError:
        raise BadCase(
            [f"Unknown technique {key!r}; known techniques: {', '.join(sorted(TECHNIQUES))}."]
        ) from None
