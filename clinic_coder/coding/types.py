"""The engine's contract: plain frozen dataclasses in and out (DESIGN.md)."""

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Literal

SPINAL_REGIONS = ("cervical", "thoracic", "lumbar", "sacral", "pelvic")
EXTRASPINAL_REGIONS = ("head", "upper_extremity", "lower_extremity", "rib_cage", "abdomen")
REGIONS = SPINAL_REGIONS + EXTRASPINAL_REGIONS

# Modifiers that say "this is a distinct service" and bypass an NCCI pair edit.
X_MODIFIERS = frozenset({"XE", "XS", "XP", "XU"})
DISTINCT_MODIFIERS = X_MODIFIERS | {"59"}

Provider = Literal["chiropractor", "physical_therapist", "occupational_therapist"]
Care = Literal["active", "maintenance"]
UnitMethod = Literal["cms", "per-code"]
# Which distinct-service modifiers a payer takes: 59 or the fitting X modifier (CMS), only the
# X modifiers, or only 59 (a payer that does not recognise the X modifiers).
DistinctModifiers = Literal["59-or-x", "x-only", "59-only"]
Severity = Literal["error", "warning", "info"]
MarkStatus = Literal["right", "partly_right", "wrong", "missing", "extra"]


@dataclass(frozen=True)
class DocumentedService:
    """One thing the visit note says was done.

    minutes are concrete (variants draw them from ranges first) and mean the minutes the note
    records for this service; only attended minutes of a timed code ever count. time_block
    numbers the 15-minute blocks of the visit, for the edits that depend on separate times.
    code is read only for office visits (the E/M level) and clinic codes.
    """

    technique: str
    regions: tuple[str, ...] = ()
    minutes: int | None = None
    attended: bool = True
    patient_active: bool = False
    time_block: int = 1
    code: str | None = None
    remarks: str = ""


@dataclass(frozen=True)
class VisitFacts:
    provider: Provider = "chiropractor"
    care: Care = "active"
    abn_signed: bool = False
    em_separately_identifiable: bool = False
    # Medicare therapy facts (issue 13): the patient is over the annual therapy threshold and
    # the note documents medical necessity (KX); the treatment was furnished in whole or in
    # part by an assistant, a PTA or an OTA (CQ or CO).
    over_therapy_threshold: bool = False
    assistant_performed: bool = False

    @property
    def therapist(self) -> bool:
        return self.provider in ("physical_therapist", "occupational_therapist")

    @property
    def discipline_modifier(self) -> str:
        """Medicare's therapy modifier: GO for occupational therapy, GP otherwise."""
        return "GO" if self.provider == "occupational_therapist" else "GP"


@dataclass(frozen=True)
class PayerProfile:
    """How one payer wants the claim: unit method, edits, and points where sources disagree."""

    key: str
    name: str
    unit_method: UnitMethod
    medicare: bool
    ncci_edits: bool
    # coding-rules.md section 4: the NCCI policy manual makes 97112, 97124 and 97140 not
    # separately reportable in a spinal region undergoing CMT; some payers let 97124 and 97112
    # through there with 59/XU. True is the NCCI reading, for 97124 and 97112 alike.
    same_region_97124_97112_bundled_with_cmt: bool
    description: str = ""
    # Settings where real payers differ (issue 13). Defaults are the common commercial ones.
    distinct_modifiers: DistinctModifiers = "59-or-x"
    # At most this many timed units in a visit, or on one timed code (None: no cap).
    unit_cap_per_visit: int | None = None
    unit_cap_per_code: int | None = None
    # The code this payer wants for unattended electrical stimulation.
    unattended_estim_code: Literal["97014", "G0283"] = "97014"
    # GP (services under a physical therapy plan of care) required on therapy codes; when not
    # required it is still accepted.
    gp_required: bool = False


@dataclass(frozen=True)
class ClaimLine:
    """One line of a claim. sources: indexes of the documented services a key line came from
    (empty on a student's line)."""

    code: str
    minutes: int | None = None
    units: int = 1
    modifiers: frozenset[str] = frozenset()
    sources: tuple[int, ...] = ()
    # Diagnosis pointers (CMS-1500 24E): letters A-L into the claim's box 21, up to 4.
    pointers: tuple[str, ...] = ()


@dataclass(frozen=True)
class Finding:
    rule_id: str
    skill: str
    severity: Severity
    message: str
    line_code: str | None = None


@dataclass(frozen=True)
class LineMark:
    code: str
    status: MarkStatus
    credit: float
    reasons: tuple[str, ...] = ()


@dataclass(frozen=True)
class Grade:
    score: int
    marks: tuple[LineMark, ...]
    findings: tuple[Finding, ...]
    # Index into ExpectedClaim.alternatives of the key the answer was graded against.
    matched_alternative: int


@dataclass(frozen=True)
class UnitResult:
    method: UnitMethod
    # The minutes given for each code (timed and untimed), as checked.
    minutes: Mapping[str, int]
    total_timed_minutes: int
    # Units of timed codes only: what the 8-minute table gives (CMS) or the per-code sum.
    timed_units: int
    # Every unit billed, untimed codes included.
    total_units: int
    # Every code given, 0 where it is not billed; untimed codes 1. The first alternative.
    units: Mapping[str, int]
    # Every correct allocation (more than one only when CMS leftover minutes tie).
    alternatives: tuple[Mapping[str, int], ...]
    steps: tuple[Finding, ...]
    # Set when the payer caps units: the allocations before the cap.
    uncapped: tuple[Mapping[str, int], ...] = ()


@dataclass(frozen=True)
class CodedService:
    """A documented service with the code it gets and whether it reaches the claim."""

    index: int
    service: DocumentedService
    code: str
    billable: bool = True
    # Minutes that count toward timed units (0 when not billable or unattended; None if untimed).
    counted_minutes: int | None = None
    # Why the service is not billed: the rule and a sentence for the student.
    excluded_by: str = ""
    excluded_because: str = ""


@dataclass(frozen=True)
class ModifierReason:
    """Why a key line carries a modifier; options lists the modifiers that each satisfy it."""

    code: str
    options: frozenset[str]
    rule_id: str
    skill: str
    why: str
    # For 59/X: the column-1 code of the edit pair, which never carries the modifier.
    column1: str = ""


@dataclass(frozen=True)
class DiagnosisKey:
    """The diagnoses a case's key has (coding/diagnoses.py): box 21 in order, the first the
    first-listed, and for each documented service (by index) the diagnoses it treats."""

    codes: tuple[str, ...]
    by_service: tuple[tuple[str, ...], ...] = ()


@dataclass(frozen=True)
class ExpectedClaim:
    # Every acceptable claim. They differ in tied units and in 59-or-X choices.
    alternatives: tuple[tuple[ClaimLine, ...], ...]
    # How the key was derived, step by step, as info findings.
    steps: tuple[Finding, ...]
    services: tuple[CodedService, ...]
    facts: VisitFacts
    profile_key: str
    unit_result: UnitResult
    modifier_reasons: tuple[ModifierReason, ...] = ()
    # Modifiers a line may carry without being wrong (e.g. GP for a commercial payer).
    optional_modifiers: Mapping[str, frozenset[str]] = field(default_factory=dict)
    # Set when an instructor replaced the derived key (their reason): the derived unit
    # arithmetic no longer explains the key, so the grader does not cite it.
    instructor_key: str = ""
    # None: the case documents no diagnoses and is graded on its procedure lines only.
    diagnoses: DiagnosisKey | None = None

    @property
    def claim(self) -> tuple[ClaimLine, ...]:
        """The first acceptable claim, for display."""
        return self.alternatives[0]
