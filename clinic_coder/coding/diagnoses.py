"""Diagnoses on a claim: box 21 (ICD-10-CM codes A-L) and each line's 24E pointers.

The course's ICD-10-CM subset is data, kept in fixtures/diagnoses.json with the official
descriptions (a test checks every code against the simple-icd-10-cm package: valid, billable,
same description). Each code carries the body region it belongs to (the spinal regions and
the extraspinal ones of types.py, or none), and for codes that come in right/left/unspecified
forms, its side and the family of codes that differ only by side.

A case's key lists its diagnoses in box 21 order and, per documented service, the diagnoses
that service treats; a key line points to the diagnoses of the services it bills. grade() calls
grade_diagnoses() only when the key has diagnoses: a case without them is graded on its
procedure lines alone, exactly as before.

How diagnoses score (docs/scoring.md): two marks worth one point each, like a key line.
Box 21: 0.5 for an acceptable first-listed diagnosis, 0.5 shared over the key's diagnoses found
(rounded down to tenths), minus 0.2 for each code the note does not support; never below 0.
24E: the share of key lines whose pointers are right, rounded down to tenths.
"""

import json
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, replace
from functools import cache
from pathlib import Path

from .catalog import SPINAL_CMT_CODES
from .rules import finding
from .types import (
    SPINAL_REGIONS,
    ClaimLine,
    DiagnosisKey,
    ExpectedClaim,
    Finding,
    LineMark,
    PayerProfile,
)

DIAGNOSES_FILE = Path(__file__).resolve().parents[2] / "fixtures" / "diagnoses.json"
LETTERS = "ABCDEFGHIJKL"
MAX_DIAGNOSES = len(LETTERS)
MAX_POINTERS = 4
# Medicare's subluxation codes. M99.00 (head region) is the occipito-cervical junction, which
# CMT counts with the cervical region (CPT: the cervical region includes the atlanto-occipital
# joint), so the fixture gives it the cervical region.
MEDICARE_SUBLUXATION = ("M99.00", "M99.01", "M99.02", "M99.03", "M99.04", "M99.05")
# ICD-10's site subdivision puts the sacroiliac joint in the sacral region (M99.04), while CPT
# counts a sacroiliac manipulation as the pelvic region: M99.04 may support either, so the
# grader never calls such a claim unsupported.
ALSO_SUPPORTS = {"M99.04": frozenset({"pelvic"})}
# The fewest spinal regions each CMT level bills.
CMT_MIN_REGIONS = {"98940": 1, "98941": 3, "98942": 5}
CMT_LEVELS = {"98940": "one or two", "98941": "three or four", "98942": "all five"}

BOX21_MARK = "Box 21"
POINTERS_MARK = "24E"
MARK_POINTS = 10  # tenths, as a key line (grading.LINE_POINTS)
FIRST_POINTS = 5
FOUND_POINTS = 5
UNSUPPORTED_PENALTY = 2

SEVENTH = {
    "A": "A, initial encounter (the injury is being actively treated)",
    "D": "D, subsequent encounter (routine care while it heals, after active treatment)",
    "S": "S, sequela (a late effect of the injury)",
}


@dataclass(frozen=True)
class DiagnosisInfo:
    code: str
    title: str
    region: str | None = None
    side: str | None = None
    family: str | None = None

    @property
    def label(self) -> str:
        return f"{self.code} ({self.title})"

    @property
    def injury(self) -> bool:
        """An injury code with a 7th character (chapter 19: S codes of seven characters)."""
        return self.code.startswith("S") and len(self.code.replace(".", "")) == 7


def normalize_dx(code: object) -> str:
    """'m9903', ' M99.03 ' and 'M99.03' are one code; the dot goes after the third character."""
    text = "".join(str(code).split()).upper() if code is not None else ""
    text = text.replace(".", "")
    return f"{text[:3]}.{text[3:]}" if len(text) > 3 else text


class DiagnosisList:
    """The ICD-10-CM codes a student may put in box 21."""

    def __init__(self, codes: Iterable[DiagnosisInfo]) -> None:
        self._codes: dict[str, DiagnosisInfo] = {}
        for info in codes:
            key = normalize_dx(info.code)
            if key in self._codes:
                raise ValueError(f"Diagnosis {key} appears twice in the list.")
            self._codes[key] = replace(info, code=key)

    @classmethod
    def from_rows(cls, rows: Iterable[Mapping[str, object]]) -> "DiagnosisList":
        return cls(
            DiagnosisInfo(
                code=str(row["code"]),
                title=str(row["title"]),
                region=row.get("region") or None,  # type: ignore[arg-type]
                side=row.get("side") or None,  # type: ignore[arg-type]
                family=row.get("family") or None,  # type: ignore[arg-type]
            )
            for row in rows
        )

    def find(self, code: object) -> DiagnosisInfo | None:
        return self._codes.get(normalize_dx(code))

    def __contains__(self, code: object) -> bool:
        return normalize_dx(code) in self._codes

    def __iter__(self) -> Iterator[DiagnosisInfo]:
        return iter(self._codes.values())

    def __len__(self) -> int:
        return len(self._codes)

    def is_incomplete(self, code: object) -> bool:
        """Whether the code is the start of a listed code (a category or a code without its
        7th character), three characters at least: a real code, but not a billable one."""
        plain = normalize_dx(code).replace(".", "")
        return len(plain) >= 3 and any(
            info.code.replace(".", "").startswith(plain) and info.code.replace(".", "") != plain
            for info in self
        )

    def search(self, query: str, limit: int = 20) -> list[DiagnosisInfo]:
        """Codes whose code starts with the query or whose title has all of its words."""
        query = query.strip()
        if not query:
            return []
        code = normalize_dx(query)
        words = query.lower().split()
        found = [
            info
            for info in self
            if info.code.replace(".", "").startswith(code.replace(".", ""))
            or all(word in info.title.lower() for word in words)
        ]
        return found[:limit]


def diagnosis_rows() -> list[dict[str, object]]:
    return json.loads(DIAGNOSES_FILE.read_text(encoding="utf-8"))["codes"]


@cache
def default_diagnoses() -> DiagnosisList:
    return DiagnosisList.from_rows(diagnosis_rows())


def check_key(
    codes: Sequence[str], by_service: Sequence[Sequence[str]], dx: DiagnosisList | None = None
) -> list[str]:
    """Problems with a case's diagnoses, as sentences for its author (empty: none)."""
    dx = dx or default_diagnoses()
    problems = []
    if len(codes) > MAX_DIAGNOSES:
        problems.append(f"A claim holds at most {MAX_DIAGNOSES} diagnoses.")
    for code in codes:
        if code not in dx:
            problems.append(f"{code} is not in the diagnosis list.")
    if len(set(codes)) != len(codes):
        problems.append("A diagnosis is listed twice.")
    for index, treated in enumerate(by_service):
        for code in treated:
            if code not in codes:
                problems.append(f"Service {index + 1} treats {code}, which is not in box 21.")
    return problems


# The key -------------------------------------------------------------------------------------


def with_diagnoses(
    expected: ExpectedClaim, codes: Sequence[str], by_service: Sequence[Sequence[str]]
) -> ExpectedClaim:
    """The key with its diagnoses: box 21, and each key line pointing to the diagnoses its
    services treat (box 21 order, four at most)."""
    key = DiagnosisKey(
        codes=tuple(normalize_dx(c) for c in codes),
        by_service=tuple(tuple(normalize_dx(c) for c in s) for s in by_service),
    )
    alternatives = tuple(
        tuple(replace(line, pointers=key_pointers(line, key)) for line in claim)
        for claim in expected.alternatives
    )
    return replace(expected, diagnoses=key, alternatives=alternatives)


def line_diagnoses(line: ClaimLine, key: DiagnosisKey) -> tuple[str, ...]:
    """The diagnoses a key line may point to, in box 21 order: those of its services, or every
    diagnosis when the line has no services (an instructor's own key)."""
    treated = {code for i in line.sources if i < len(key.by_service) for code in key.by_service[i]}
    if not treated:
        return key.codes
    return tuple(code for code in key.codes if code in treated)


def key_pointers(line: ClaimLine, key: DiagnosisKey) -> tuple[str, ...]:
    """The key line's pointers: its diagnoses in box 21 order, four at most. When more than
    four are treated and the first four are all subluxations (a CMT line of four or five
    regions), the fourth gives way to the first secondary condition: Medicare wants the CMT
    line to point to both (medicare-cmt-secondary)."""
    codes = list(line_diagnoses(line, key))
    kept = codes[:MAX_POINTERS]
    secondaries = [code for code in codes if code not in MEDICARE_SUBLUXATION]
    if secondaries and not set(kept) & set(secondaries):
        kept[-1] = secondaries[0]
    return tuple(LETTERS[key.codes.index(c)] for c in kept)


# Grading -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class DiagnosisGrade:
    marks: tuple[LineMark, ...]
    findings: tuple[Finding, ...]
    points: int  # tenths
    available: int


@dataclass(frozen=True)
class _Box21:
    """The student's box 21, read against the key."""

    entries: dict[str, str]  # letter -> normalized code, blanks left out
    # student's code -> the key code it stands for (itself when right, or a near miss)
    stands_for: dict[str, str]
    unsupported: tuple[str, ...]


def grade_diagnoses(
    expected: ExpectedClaim,
    key_lines: Sequence[ClaimLine],
    answered: Mapping[int, ClaimLine],
    box21: Sequence[object],
    profile: PayerProfile,
    dx: DiagnosisList | None = None,
) -> DiagnosisGrade:
    """Grade box 21 and the pointers of the student's lines (answered: key line index -> the
    student's line written for it). Never raises."""
    dx = dx or default_diagnoses()
    key = expected.diagnoses
    if key is None or not key.codes or not key_lines:
        return DiagnosisGrade((), (), 0, 0)
    manipulated = _manipulated_regions(expected, key_lines)
    medicare_cmt = profile.medicare and bool(manipulated)
    findings: list[Finding] = []

    entries = {
        letter: normalize_dx(code)
        for letter, code in zip(LETTERS, list(box21 or ())[:MAX_DIAGNOSES], strict=False)
        if normalize_dx(code)
    }
    given = list(dict.fromkeys(entries.values()))
    stands_for = {code: code for code in given if code in key.codes}
    for k in key.codes:
        if k in stands_for.values():
            continue
        for s in given:
            if s in stands_for:
                continue
            near = _near_miss(k, s, dx)
            if near is not None:
                stands_for[s] = k
                findings.append(near)
                break
        else:
            findings.append(
                finding("dx-documented", f"The note documents {_title(k, dx)}: add it to box 21.")
            )
    unsupported = tuple(s for s in given if s not in stands_for)
    for s in unsupported:
        info = dx.find(s)
        if info is None and dx.is_incomplete(s):
            findings.append(
                finding(
                    "dx-specificity",
                    f"{s} is not complete (a category, or a code without its last characters), "
                    "so it cannot be billed - and no condition the note documents is coded "
                    "under it.",
                )
            )
        elif info is None:
            findings.append(
                finding(
                    "dx-unknown-code",
                    f"{s} is not a code in the diagnosis list; search the list by code or words.",
                )
            )
        else:
            findings.append(
                finding(
                    "dx-documented",
                    f"{info.label} is not a condition the note documents: leave it off.",
                )
            )
    box = _Box21(entries, stands_for, unsupported)

    first = next(iter(entries.values()), "")
    first_ok, first_findings = _first_listed(first, key, box, manipulated, medicare_cmt, dx)
    findings.extend(first_findings)
    if medicare_cmt:
        findings.extend(_medicare_cmt_claim(key, box, key_lines, manipulated, dx))

    found = sum(1 for k in key.codes if k in given)
    credit = (FIRST_POINTS if first_ok else 0) + (FOUND_POINTS * found) // len(key.codes)
    credit = max(0, credit - UNSUPPORTED_PENALTY * len(unsupported))
    box_reasons = []
    if not entries:
        box_reasons.append("no diagnoses in box 21")
    elif not first_ok:
        box_reasons.append(f"first-listed {first}: not the reason for the visit")
    if entries and found < len(key.codes):
        box_reasons.append(f"{found} of {len(key.codes)} documented diagnoses")
    if unsupported:
        box_reasons.append("not documented: " + ", ".join(unsupported))

    right_lines = 0
    for i, line in enumerate(key_lines):
        student = answered.get(i)
        if student is None:
            continue
        line_findings = _pointer_findings(line, student, key, box, expected, manipulated, dx)
        line_findings += (
            _medicare_cmt_pointers(line, student, key, box, manipulated, dx)
            if medicare_cmt and line.code in SPINAL_CMT_CODES
            else []
        )
        findings.extend(line_findings)
        right_lines += not line_findings
    pointer_credit = (MARK_POINTS * right_lines) // len(key_lines)
    pointer_reasons = (
        [f"pointers right on {right_lines} of {len(key_lines)} key lines"]
        if right_lines < len(key_lines)
        else []
    )
    marks = (
        _mark(BOX21_MARK, credit, box_reasons),
        _mark(POINTERS_MARK, pointer_credit, pointer_reasons),
    )
    return DiagnosisGrade(marks, tuple(findings), credit + pointer_credit, 2 * MARK_POINTS)


def _mark(code: str, credit: int, reasons: list[str]) -> LineMark:
    status = "right" if credit == MARK_POINTS else "wrong" if credit == 0 else "partly_right"
    return LineMark(code, status, credit / 10, tuple(reasons))  # type: ignore[arg-type]


def _manipulated_regions(expected: ExpectedClaim, key_lines: Sequence[ClaimLine]) -> set[str]:
    """The spinal regions of the key's spinal CMT (empty when it bills none)."""
    regions: set[str] = set()
    for line in key_lines:
        if line.code in SPINAL_CMT_CODES:
            for i in line.sources:
                if i < len(expected.services):
                    regions |= set(expected.services[i].service.regions) & set(SPINAL_REGIONS)
    return regions


def _title(code: str, dx: DiagnosisList) -> str:
    info = dx.find(code)
    return info.label if info else code


def _near_miss(k: str, s: str, dx: DiagnosisList) -> Finding | None:
    """The finding for a code written where the key has k, if s is k gone wrong in one way
    (incomplete, wrong 7th character, wrong side, less specific); else None."""
    key, given = dx.find(k), dx.find(s)
    if key is None:
        return None
    k_plain, s_plain = k.replace(".", ""), s.replace(".", "")
    if given is None:
        if not (s_plain and k_plain.startswith(s_plain) and len(s_plain) < len(k_plain)):
            return None
        if key.injury and len(s_plain) >= 4:
            return finding(
                "dx-seventh-character",
                f"{s} is not complete: an injury code needs its 7th character (with X "
                f"placeholders when shorter), here {k}, {key.title}. It ends in "
                f"{SEVENTH[k_plain[-1]]}.",
            )
        return finding(
            "dx-specificity",
            f"{s} is a category, not a billable code: the note supports {key.label}.",
        )
    if key.injury and given.injury and k_plain[:6] == s_plain[:6]:
        return finding(
            "dx-seventh-character",
            f"{s} ends in {SEVENTH.get(s_plain[-1], s_plain[-1])}; the note calls for "
            f"{SEVENTH[k_plain[-1]]}: {k}.",
        )
    if key.family and key.family == given.family and key.side != given.side:
        if given.side == "unspecified":
            why = f"the note names the {key.side} side, so the unspecified-side code is wrong"
        else:
            why = f"the note documents the {key.side} side, not the {given.side}"
        return finding("dx-laterality", f"{s} ({given.title}): {why}. Code {k}.")
    if k[:3] == s[:3] and "unspecified" in given.title.lower() and given.region != key.region:
        return finding(
            "dx-specificity",
            f"{given.label} is less specific than the note: it documents {key.label}.",
        )
    return None


def _first_listed(
    first: str,
    key: DiagnosisKey,
    box: _Box21,
    manipulated: set[str],
    medicare_cmt: bool,
    dx: DiagnosisList,
) -> tuple[bool, list[Finding]]:
    """Whether box 21's first diagnosis is one the key accepts first, and why not."""
    acceptable = {key.codes[0]}
    if medicare_cmt:
        acceptable |= {k for k in key.codes if _subluxation_regions(k, dx) & manipulated}
    if first in acceptable:
        return True, []
    if not first:
        return False, []
    if medicare_cmt:
        region = _subluxation_region(first, dx)
        if region is None:
            why = f"box 21 A is {_title(first, dx)}, not a segmental dysfunction code"
        elif not _subluxation_regions(first, dx) & manipulated:
            why = f"{first} is the {region} region, which was not manipulated"
        else:
            why = f"{first} is not documented"
        return False, [
            finding(
                "medicare-cmt-m99-primary",
                f"Medicare CMT needs an M99.0x code of a manipulated region "
                f"({', '.join(sorted(manipulated))}) listed first: {why}. "
                f"The key lists {_title(key.codes[0], dx)} first.",
            )
        ]
    if box.stands_for.get(first) == key.codes[0]:
        return False, []  # the near-miss finding already explains the first code
    return False, [
        finding(
            "dx-first-listed",
            f"Box 21 A is {_title(first, dx)}, but the visit is chiefly for "
            f"{_title(key.codes[0], dx)}: list it first.",
        )
    ]


def _subluxation_region(code: str, dx: DiagnosisList) -> str | None:
    info = dx.find(code)
    return info.region if info and info.code in MEDICARE_SUBLUXATION else None


def _subluxation_regions(code: str, dx: DiagnosisList) -> frozenset[str]:
    """The spinal regions a Medicare subluxation code may support (empty for other codes)."""
    region = _subluxation_region(code, dx)
    if region is None:
        return frozenset()
    return frozenset({region}) | ALSO_SUPPORTS.get(normalize_dx(code), frozenset())


def _medicare_cmt_claim(
    key: DiagnosisKey,
    box: _Box21,
    key_lines: Sequence[ClaimLine],
    manipulated: set[str],
    dx: DiagnosisList,
) -> list[Finding]:
    findings = []
    cmt_line = next((line for line in key_lines if line.code in SPINAL_CMT_CODES), None)
    if cmt_line is None:
        return []
    cmt = cmt_line.code
    # The conditions the manipulation treats, besides the subluxations themselves.
    secondaries = [k for k in line_diagnoses(cmt_line, key) if k not in MEDICARE_SUBLUXATION]
    claimed = set(box.stands_for.values())
    if secondaries and not claimed & set(secondaries):
        findings.append(
            finding(
                "medicare-cmt-secondary",
                "Box 21 has no secondary condition for the manipulation beside the "
                "subluxation: the note documents "
                + ", ".join(_title(k, dx) for k in secondaries)
                + ".",
            )
        )
    # Each subluxation code supports one region: count the codes, bounded by the regions
    # they can cover between them.
    codes = {code for code in box.entries.values() if code in key.codes}
    covering = {code: _subluxation_regions(code, dx) & manipulated for code in codes}
    covering = {code: regions for code, regions in covering.items() if regions}
    supported = sorted(set().union(*covering.values())) if covering else []
    count = min(len(covering), len(supported))
    if count < CMT_MIN_REGIONS[cmt]:
        regions = ", ".join(supported) if supported else "none"
        findings.append(
            finding(
                "cmt-regions-supported",
                f"{cmt} bills {CMT_LEVELS[cmt]} spinal regions, but box 21 has segmental "
                f"dysfunction codes for {count} ({regions}); manipulated: "
                f"{', '.join(sorted(manipulated))}.",
            )
        )
    return findings


def _resolve(student: ClaimLine, box: _Box21) -> tuple[list[str], list[str]]:
    """The student's pointers as the key codes they stand for (None for a code that stands
    for none), and the letters that point at nothing."""
    raw = getattr(student, "pointers", ()) or ()
    if isinstance(raw, str):
        raw = raw.replace(",", " ").split()
    letters = [str(p).strip().upper() for p in list(raw)[:MAX_POINTERS] if str(p).strip()]
    codes, empty = [], []
    for letter in letters:
        code = box.entries.get(letter)
        if code is None:
            empty.append(letter)
        else:
            codes.append(box.stands_for.get(code, ""))
    return codes, empty


def _pointer_findings(
    line: ClaimLine,
    student: ClaimLine,
    key: DiagnosisKey,
    box: _Box21,
    expected: ExpectedClaim,
    manipulated: set[str],
    dx: DiagnosisList,
) -> list[Finding]:
    code = line.code
    treats = line_diagnoses(line, key)
    names = ", ".join(_title(k, dx) for k in treats)
    codes, empty = _resolve(student, box)
    if empty:
        return [
            finding(
                "dx-pointer",
                f"{code} points to {', '.join(empty)}: box 21 has nothing there.",
                line_code=code,
            )
        ]
    if not codes:
        return [
            finding(
                "dx-pointer",
                f"{code} has no diagnosis pointer: point it to {names}.",
                line_code=code,
            )
        ]
    first = codes[0]
    if _distinct_by_region(line, expected, manipulated):
        region = (dx.find(first).region if first and dx.find(first) else None) or ""
        if first not in treats and (not first or region in manipulated):
            shown = _title(first, dx) if first else "a code the note does not support"
            return [
                finding(
                    "dx-pointer-distinct-region",
                    f"{code} with {_show(line.modifiers)} is billed for a region that was not "
                    f"manipulated ({', '.join(sorted(manipulated))} were), but its first "
                    f"pointer is {shown}. Point it first to {names}.",
                    line_code=code,
                )
            ]
    if first not in treats:
        shown = _title(first, dx) if first else "a code the note does not support"
        return [
            finding(
                "dx-pointer",
                f"{code} points first to {shown}; this service treats {names}.",
                line_code=code,
            )
        ]
    stray = [c for c in codes if c not in key.codes]
    if stray:
        return [
            finding(
                "dx-pointer",
                f"{code} also points to a code the note does not support; point only to "
                "documented diagnoses.",
                line_code=code,
            )
        ]
    return []


def _medicare_cmt_pointers(
    line: ClaimLine,
    student: ClaimLine,
    key: DiagnosisKey,
    box: _Box21,
    manipulated: set[str],
    dx: DiagnosisList,
) -> list[Finding]:
    """Under Medicare the CMT line points first to a subluxation of a manipulated region and
    also to the secondary condition."""
    codes, empty = _resolve(student, box)
    if empty or not codes:
        return []  # _pointer_findings already says so
    findings = []
    if not _subluxation_regions(codes[0], dx) & manipulated and codes[0] in key.codes:
        findings.append(
            finding(
                "medicare-cmt-m99-primary",
                f"{line.code} points first to {_title(codes[0], dx)}; for Medicare it points "
                "first to the M99.0x segmental dysfunction of a manipulated region.",
                line_code=line.code,
            )
        )
    secondaries = [k for k in line_diagnoses(line, key) if k not in MEDICARE_SUBLUXATION]
    if secondaries and not set(codes) & set(secondaries):
        findings.append(
            finding(
                "medicare-cmt-secondary",
                f"{line.code} points to no secondary condition; add a pointer to "
                + ", ".join(_title(k, dx) for k in secondaries)
                + ".",
                line_code=line.code,
            )
        )
    return findings


def _distinct_by_region(line: ClaimLine, expected: ExpectedClaim, manipulated: set[str]) -> bool:
    """Whether the key line carries 59/XS because it is on a region not manipulated (the CMT
    edit then offers XS; on the manipulated region itself it offers XU, never XS)."""
    if not manipulated or not line.modifiers & {"59", "XS"}:
        return False
    return any(
        r.code == line.code and r.rule_id.startswith("ncci-cmt") and "XS" in r.options
        for r in expected.modifier_reasons
    )


def _show(modifiers: Iterable[str]) -> str:
    shown = sorted(m for m in modifiers if m in {"59", "XS"})
    return " or ".join(shown) if shown else "a modifier"
