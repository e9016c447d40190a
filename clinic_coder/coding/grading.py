"""Grading a student's claim against the key, with a reason for every mark.

Scoring (also in docs/scoring.md, for students):

- Each line of the key is worth 1 point: 0.5 for the right code, 0.3 for the right units and
  0.2 for the right modifiers. Minutes are not scored (the units carry the arithmetic); a
  minutes mismatch gives a warning only.
- A line with a wrong code earns nothing for that line. When the wrong line stands in for a key
  line of the same kind of service (say 97124 written where the key has 97140), the two are
  marked together as one wrong line with one explanation, and there is no extra penalty.
- A wrong code written for one of several services that one key line bills together (97124
  for the Graston of a 97140 line) earns nothing and costs nothing; the key line's units are
  marked as written.
- Every extra line (over-coding: a code the visit does not support, a bundled service, a code
  billed twice, a code that is not in the catalog) costs 0.5 point.
- A key line left out earns 0.
- score = round(100 * max(0, earned - penalties) / number of key lines), rounded half up,
  so it is always 0-100.
- When nothing in the visit is billable the key has no lines: the claim is then worth 1 point
  for recognising that, so an empty answer scores 100, one extra line 50, two or more 0.
- A line with 0 units bills nothing: it is ignored, without penalty and without credit, even
  when its code is on the key (the key line then counts as missing).
- When several claims are right (tied units, 59 or XS), the answer is graded against each and
  keeps the best score.
- Lines are matched to the key by code. If a code appears on more than one line, the best of
  those lines is matched and the others are extra lines, unless one stands in for a key line of
  the same kind of service (97014 written for both the attended and the unattended e-stim):
  that line is then the wrong code for that service, as above.

Points are counted in tenths, as integers, so the rounding is exact.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from . import diagnoses as dx_grading
from .catalog import CMT_CODES, SPINAL_CMT_CODES, Catalog, CodeInfo, default_catalog, normalize_code
from .edits import (
    describe_all,
    g0283_rule,
    g0283_why,
    payer_modifier_skill,
    region_names,
    therapy_line,
)
from .rules import RULES, finding
from .skills import skill_for_family
from .techniques import NEVER_97112, TECHNIQUES, Technique
from .types import (
    DISTINCT_MODIFIERS,
    X_MODIFIERS,
    ClaimLine,
    CodedService,
    ExpectedClaim,
    Finding,
    Grade,
    LineMark,
    ModifierReason,
    PayerProfile,
)
from .units import band, cms_units, plural, units_for_minutes

# Points in tenths.
CODE_POINTS = 5
UNITS_POINTS = 3
MODIFIER_POINTS = 2
LINE_POINTS = CODE_POINTS + UNITS_POINTS + MODIFIER_POINTS
EXTRA_PENALTY = 5

_SEVERITY_ORDER = {"error": 0, "warning": 1, "info": 2}


@dataclass(frozen=True)
class _Line:
    """A student's line, made safe to compare: whatever came in, these fields are well typed."""

    position: int
    code: str
    minutes: int | None  # None when missing or not a whole number
    units: int | None  # None when not a whole number
    modifiers: frozenset[str]

    @property
    def bills(self) -> bool:
        # A 0-unit line bills nothing; unusable units (None, negative) still claim something.
        return self.units != 0


@dataclass(frozen=True)
class _Match:
    index: int
    lines: tuple[ClaimLine, ...]
    matched: dict[int, _Line]  # key line index -> the student's line with that code
    wrong: dict[int, _Line]  # key line index -> the student's line with a wrong code
    extras: tuple[_Line, ...]
    ignored: tuple[_Line, ...]
    # (key line index, the student's line): a wrong code written for one of the services that
    # a matched key line bills together (97124 for the Graston of a 97140 line).
    parts: tuple[tuple[int, _Line], ...]
    points: int
    available: int

    @property
    def score(self) -> int:
        return _percent(self.points, self.available)


@dataclass(frozen=True)
class _Context:
    expected: ExpectedClaim
    profile: PayerProfile
    catalog: Catalog
    answer: tuple[_Line, ...]
    match: _Match

    @property
    def cms(self) -> bool:
        # The method the key was counted with, so the arithmetic shown is the key's own.
        return self.expected.unit_result.method == "cms"

    @property
    def units_skill(self) -> str:
        return "units-cms" if self.cms else "units-per-code"

    def timed_minutes(self) -> dict[str, int]:
        """Minutes of each timed code the units were counted on (billable services only)."""
        minutes = self.expected.unit_result.minutes
        return {c: m for c, m in minutes.items() if self._timed(c)}

    def _timed(self, code: str) -> bool:
        info = self.catalog.find(code)
        return bool(info and info.timed)

    def info(self, code: str) -> CodeInfo:
        """The catalog entry of a key code; a stand-in if the grading catalog lacks it, since
        grading must never raise."""
        return self.catalog.find(code) or CodeInfo(code, "not in the catalog", False, "clinic")

    def sources(self, line: ClaimLine) -> list[CodedService]:
        return [self.expected.services[i] for i in line.sources]


def grade(
    expected: ExpectedClaim,
    answer_lines: Iterable[ClaimLine],
    profile: PayerProfile,
    catalog: Catalog | None = None,
    *,
    diagnoses: Iterable[object] = (),
) -> Grade:
    """Grade an answer. Never raises for any answer: every problem becomes a finding.

    diagnoses: the student's box 21 (A-L, blanks as ""); read only when the key has diagnoses.
    """
    catalog = catalog or default_catalog()
    answer_lines = tuple(answer_lines or ())
    answer = tuple(_normalize(position, line) for position, line in enumerate(answer_lines))
    matches = [
        _match(index, lines, answer, expected, catalog)
        for index, lines in enumerate(expected.alternatives)
    ]
    # Among equal scores, the key closest to what was written: a student who wrote XS where 59
    # or XS is right is graded against the XS key, so XS is never criticised.
    best = max(matches, key=lambda m: (m.score, m.points, -_distance(m), -m.index))
    ctx = _Context(expected, profile, catalog, answer, best)

    marks: list[LineMark] = []
    findings: list[Finding] = []
    for i, line in enumerate(best.lines):
        if i in best.matched:
            mark, line_findings = _matched_line(line, best.matched[i], ctx)
        elif i in best.wrong:
            mark, line_findings = _wrong_line(line, best.wrong[i], ctx)
        else:
            mark, line_findings = _missing_line(line, ctx)
        marks.append(mark)
        findings.extend(line_findings)
    for line in best.extras:
        marks.append(LineMark(line.code, "extra", -EXTRA_PENALTY / 10, (_extra_reason(line, ctx),)))
        findings.extend(_extra_line(line, ctx))
    for i, line in best.parts:
        marks.append(
            LineMark(
                line.code,
                "extra",
                0.0,
                (f"wrong code for part of the {best.lines[i].code} line: no points, no penalty",),
            )
        )
        findings.append(_part_line(best.lines[i], line, ctx))
    for line in best.ignored:
        marks.append(LineMark(line.code, "extra", 0.0, ("0 units: bills nothing, no penalty",)))
        findings.append(
            finding(
                "zero-unit-line",
                f"{line.code or '(blank)'} with 0 units bills nothing; it is ignored.",
                severity="info",
                line_code=line.code or None,
            )
        )
    # An instructor's own key is not the 8-minute arithmetic: the unit checks would cite rules
    # that key does not follow.
    checks = ANSWER_CHECKS if not expected.instructor_key else CLAIM_CHECKS
    for check in checks:
        findings.extend(check(ctx))
    # --- Diagnoses hook (box 21, 24E pointers): see coding/diagnoses.py. A key without
    # diagnoses adds no marks, and the score is the procedure score exactly as before.
    score = best.score
    if expected.diagnoses is not None:
        answered = {i: answer_lines[a.position] for i, a in {**best.wrong, **best.matched}.items()}
        dx = dx_grading.grade_diagnoses(expected, best.lines, answered, tuple(diagnoses), profile)
        if dx.marks:
            marks.extend(dx.marks)
            findings.extend(dx.findings)
            score = _percent(best.points + dx.points, best.available + dx.available)
    # --- end of the diagnoses hook
    findings.sort(key=lambda f: _SEVERITY_ORDER[f.severity])
    return Grade(
        score=score,
        marks=tuple(marks),
        findings=tuple(findings),
        matched_alternative=best.index,
    )


def _distance(match: _Match) -> int:
    """How many modifiers and units the matched lines differ by from this key's lines."""
    return sum(
        len(match.lines[i].modifiers ^ a.modifiers) + (match.lines[i].units != a.units)
        for i, a in match.matched.items()
    )


def score_of(marks: Iterable[LineMark]) -> int:
    """The score of a set of marks, by the formula above: what grade() gives for its marks,
    and what an attempt scores after an instructor changes a mark's credit."""
    marks = list(marks)
    key_lines = sum(1 for mark in marks if mark.status != "extra")
    points = sum(round(mark.credit * 10) for mark in marks)
    if not key_lines:
        return _percent(points + LINE_POINTS, LINE_POINTS)
    return _percent(points, LINE_POINTS * key_lines)


def _percent(points: int, available: int) -> int:
    earned = max(0, points)
    # round half up of 100 * earned / available, in integers
    return min(100, (200 * earned + available) // (2 * available))


# Reading the answer ---------------------------------------------------------------------------


def _normalize(position: int, line: object) -> _Line:
    return _Line(
        position=position,
        code=normalize_code(getattr(line, "code", None)),
        minutes=_whole(getattr(line, "minutes", None)),
        units=_whole(getattr(line, "units", None)),
        modifiers=_modifiers(getattr(line, "modifiers", None)),
    )


def _whole(value: object) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _modifiers(value: object) -> frozenset[str]:
    if value is None:
        return frozenset()
    if isinstance(value, str):
        items: list[object] = list(value.replace(",", " ").split())
    else:
        try:
            items = list(value)  # type: ignore[call-overload]
        except TypeError:
            return frozenset()
    return frozenset(m for m in (normalize_code(item) for item in items) if m)


# Matching -------------------------------------------------------------------------------------


def _match(
    index: int,
    lines: tuple[ClaimLine, ...],
    answer: tuple[_Line, ...],
    expected: ExpectedClaim,
    catalog: Catalog,
) -> _Match:
    used: set[int] = set()
    matched: dict[int, _Line] = {}
    for i, line in enumerate(lines):
        # A 0-unit line bills nothing, so it never earns the credit of a key line.
        candidates = [
            a for a in answer if a.position not in used and a.bills and a.code == line.code
        ]
        if candidates:
            best = max(
                candidates,
                key=lambda a: (
                    _credit(line, a, expected),
                    a.minutes == _noted_minutes(line, expected),
                    -a.position,
                ),
            )
            matched[i] = best
            used.add(best.position)
    rest = [a for a in answer if a.position not in used]
    ignored = tuple(a for a in rest if not a.bills)
    # code -> (the key line's units, the units on the student's line matched to it)
    matched_units = {lines[i].code: (lines[i].units, a.units) for i, a in matched.items()}
    wrong: dict[int, _Line] = {}
    for i, line in enumerate(lines):
        if i in matched:
            continue
        info = catalog.find(line.code)
        group = _group(info)
        options = [
            a
            for a in rest
            if a.bills
            and a.position not in used
            and group
            and _can_stand_for(info, catalog.find(a.code))
            and not _for_its_own_service(a, line, lines, expected)
            and (
                a.code not in matched_units
                or _stands_in(a, line, matched_units[a.code], info, catalog, expected)
            )
        ]
        if options:
            # Prefer the line written with this service's minutes: it is the one meant for it.
            choice = min(options, key=lambda a: (a.minutes != line.minutes, a.position))
            wrong[i] = choice
            used.add(choice.position)
    parts = []
    for a in rest:
        if a.bills and a.position not in used:
            i = _part_of(a, lines, matched, expected, catalog)
            if i is not None:
                parts.append((i, a))
                used.add(a.position)
    extras = tuple(a for a in rest if a.bills and a.position not in used)
    points = sum(_credit(lines[i], a, expected) for i, a in matched.items())
    points -= EXTRA_PENALTY * len(extras)
    available = LINE_POINTS * len(lines)
    if not lines:
        # Nothing billable: the claim is worth one line's points for recognising that.
        available = LINE_POINTS
        points += LINE_POINTS
    return _Match(index, lines, matched, wrong, extras, ignored, tuple(parts), points, available)


def _part_of(
    answer: _Line,
    lines: tuple[ClaimLine, ...],
    matched: dict[int, _Line],
    expected: ExpectedClaim,
    catalog: Catalog,
) -> int | None:
    """The key line this extra line splits off a service of, if any: the key line bills
    several services under one code, the student's line of that code falls short of it, and
    this line is the same kind of service with the minutes of one of them."""
    for i, line in matched.items():
        key = lines[i]
        sources = [expected.services[j].service for j in key.sources]
        short = line.units != key.units or (
            line.minutes is not None and key.minutes is not None and line.minutes != key.minutes
        )
        if (
            len(sources) > 1
            and short
            and answer.code != key.code
            and _same_kind(catalog.find(key.code), catalog.find(answer.code))
            and (answer.minutes is None or answer.minutes in {s.minutes for s in sources})
        ):
            return i
    return None


def _noted_minutes(line: ClaimLine, expected: ExpectedClaim) -> int | None:
    """The minutes a student would write on a key line: its timed minutes, or for an untimed
    code the minutes the note records for its services."""
    if line.minutes is not None:
        return line.minutes
    noted = [expected.services[i].service.minutes for i in line.sources]
    return sum(m for m in noted if m is not None) if any(m is not None for m in noted) else None


def _group(info: CodeInfo | None) -> str | None:
    """Codes that can stand in for one another as one service's code (so a wrong choice)."""
    if info is None:
        return None
    return {"modality": "modality", "cmt": "cmt", "em": "em"}.get(info.family, "procedure")


def _for_its_own_service(
    answer: _Line, line: ClaimLine, lines: tuple[ClaimLine, ...], expected: ExpectedClaim
) -> bool:
    """The written code is that of another service of the visit which this key does not bill
    (a 97140 that earns no unit, a bundled one): the line was meant for that service, so it is
    an extra line explained by that service, not a wrong code for this key line - unless it
    carries this key line's minutes."""
    own = {s.code for s in expected.services} - {k.code for k in lines}
    return answer.code in own and answer.minutes != _noted_minutes(line, expected)


def _can_stand_for(key: CodeInfo | None, written: CodeInfo | None) -> bool:
    """Whether a written code can be a wrong choice for a key line's service: codes of one
    group, or manipulation written for a mobilization (and the other way round)."""
    group = _group(key)
    return bool(group) and (
        _group(written) == group
        or bool(key and written and {key.family, written.family} == {"cmt", "manual-therapy"})
    )


def _stands_in(
    answer: _Line,
    line: ClaimLine,
    units: tuple[int, int | None],
    info: CodeInfo | None,
    catalog: Catalog,
    expected: ExpectedClaim,
) -> bool:
    """Whether a second line of an already matched code was meant for this unmatched key line
    (97014 written twice, once for the attended e-stim), rather than being a duplicate.

    Only for the same kind of service; not when the two lines split the units of the matched
    key line (97140 x1 twice for 97140 x2); not when its minutes are another service's.
    """
    key_units, matched_units = units
    if (
        matched_units is not None
        and answer.units is not None
        and matched_units + answer.units == key_units
    ):
        return False
    if answer.minutes is not None and answer.minutes != _noted_minutes(line, expected):
        return False
    return _same_kind(info, catalog.find(answer.code))


# Families a student mixes up for one service: the three soft-tissue codes of the seed article.
_SOFT_TISSUE = frozenset({"massage", "manual-therapy", "neuromuscular"})


def _same_kind(key: CodeInfo | None, written: CodeInfo | None) -> bool:
    """Codes close enough that a duplicate line was surely meant for the key's service."""
    if key is None or written is None:
        return False
    return key.family == written.family or {key.family, written.family} <= _SOFT_TISSUE


def _credit(line: ClaimLine, answer: _Line, expected: ExpectedClaim) -> int:
    points = CODE_POINTS
    if answer.units == line.units:
        points += UNITS_POINTS
    if _modifiers_right(line, answer, expected):
        points += MODIFIER_POINTS
    return points


def _modifiers_right(line: ClaimLine, answer: _Line, expected: ExpectedClaim) -> bool:
    optional = expected.optional_modifiers.get(line.code, frozenset())
    return answer.modifiers - optional == line.modifiers - optional


# Key lines ------------------------------------------------------------------------------------


def _matched_line(line: ClaimLine, answer: _Line, ctx: _Context) -> tuple[LineMark, list[Finding]]:
    credit = _credit(line, answer, ctx.expected)
    reasons = ["right code"]
    findings: list[Finding] = []
    if answer.units == line.units:
        reasons.append("right units")
    else:
        units = sorted({k.units for k in _key_lines(line.code, ctx)})
        reasons.append(f"units: {_show(answer.units)}, the key has {' or '.join(map(str, units))}")
        findings.extend(_units_findings(line, answer, ctx))
    if _modifiers_right(line, answer, ctx.expected):
        reasons.append("right modifiers")
    else:
        reasons.append(
            f"modifiers: {_show_mods(answer.modifiers)}, the key has {_key_modifiers(line, ctx)}"
        )
        findings.extend(_modifier_findings(line, answer, ctx))
    if line.minutes is not None and answer.minutes is not None and answer.minutes != line.minutes:
        findings.append(
            finding(
                "minutes-match-note",
                f"{line.code}: you wrote {answer.minutes} minutes; the note documents "
                f"{line.minutes} attended minutes for it. (No points lost: the units carry the "
                "arithmetic.)",
                severity="warning",
                skill=ctx.units_skill,
                line_code=line.code,
            )
        )
    status = "right" if credit == LINE_POINTS else "partly_right"
    return LineMark(line.code, status, credit / 10, tuple(reasons)), findings


def _key_lines(code: str, ctx: _Context) -> list[ClaimLine]:
    """The line of this code in every acceptable claim."""
    return [k for claim in ctx.expected.alternatives for k in claim if k.code == code]


def _key_modifiers(line: ClaimLine, ctx: _Context) -> str:
    """Every acceptable modifier set of a key line: '59 or XS', 'GP with 59 or XS'."""
    options = list(dict.fromkeys(k.modifiers for k in _key_lines(line.code, ctx))) or [
        line.modifiers
    ]
    if len(options) == 1:
        return _show_mods(options[0])
    common = frozenset.intersection(*options)
    either = " or ".join(sorted(_show_mods(o - common) for o in options))
    return f"{_show_mods(common)} with {either}" if common else either


def _units_findings(line: ClaimLine, answer: _Line, ctx: _Context) -> list[Finding]:
    if answer.units is None or answer.units < 0:
        return []  # the claim-wide check explains unusable units once
    if ctx.expected.instructor_key:
        key_units = " or ".join(map(str, sorted({k.units for k in _key_lines(line.code, ctx)})))
        text = (
            f"{line.code}: you billed {plural(answer.units, 'unit')}; your instructor's key has "
            f"{key_units} ({ctx.expected.instructor_key})."
        )
        return [finding("instructor-key", text, skill=ctx.units_skill, line_code=line.code)]
    info = ctx.info(line.code)
    if not info.timed:
        return [
            finding(
                "untimed-one-unit",
                f"{line.code} is untimed: 1 unit per visit whatever its minutes; you billed "
                f"{answer.units}.",
                line_code=line.code,
            )
        ]
    key_units = " or ".join(map(str, sorted({k.units for k in _key_lines(line.code, ctx)})))
    said = f"{line.code}: you billed {plural(answer.units, 'unit')}; the key has {key_units}. "
    uncapped = ctx.expected.unit_result.uncapped
    if uncapped and answer.units > max(k.units for k in _key_lines(line.code, ctx)):
        earned = " or ".join(map(str, sorted({a.get(line.code, 0) for a in uncapped})))
        text = said + (
            f"By its minutes {line.code} earns {earned}, but this payer ({ctx.profile.name}) "
            + " and ".join(
                cap
                for cap in (
                    f"pays at most {ctx.profile.unit_cap_per_code} units of one timed code"
                    if ctx.profile.unit_cap_per_code
                    else "",
                    f"pays at most {ctx.profile.unit_cap_per_visit} timed units in a visit"
                    if ctx.profile.unit_cap_per_visit
                    else "",
                )
                if cap
            )
            + "."
        )
        return [finding("payer-unit-cap", text, skill=ctx.units_skill, line_code=line.code)]
    if ctx.cms:
        return [
            finding(
                "cms-leftover-units",
                said + _cms_arithmetic(line.code, ctx),
                line_code=line.code,
            )
        ]
    minutes = ctx.expected.unit_result.minutes[line.code]
    return [
        finding(
            "per-code-units",
            said + f"{line.code} has {minutes} minutes on its own, and {band(minutes)}.",
            line_code=line.code,
        )
    ]


def _cms_arithmetic(code: str, ctx: _Context) -> str:
    result = ctx.expected.unit_result
    minutes = result.minutes[code]
    full, left = divmod(minutes, 15)
    remaining = result.timed_units - sum(m // 15 for m in ctx.timed_minutes().values())
    text = (
        f"Under the CMS rule the visit's {result.total_timed_minutes} timed minutes give "
        f"{plural(result.timed_units, 'unit')} ({band(result.total_timed_minutes)}). {code} has "
        f"{minutes} minutes: {plural(full, 'full unit')} and {left} left over"
    )
    counts = {allocation[code] for allocation in result.alternatives}
    if len(counts) > 1:
        return text + "; its leftover ties with another code's, so either may take the unit."
    if result.units[code] > full:
        return text + ", and it takes one of the leftover units."
    if remaining > 0:
        return text + ", and no leftover unit comes to it: other codes have more left over."
    return text + "."


def _modifier_findings(line: ClaimLine, answer: _Line, ctx: _Context) -> list[Finding]:
    code = line.code
    optional = ctx.expected.optional_modifiers.get(code, frozenset())
    required = line.modifiers
    given = answer.modifiers
    findings: list[Finding] = []
    distinct_needed = required & DISTINCT_MODIFIERS
    distinct_given = given & DISTINCT_MODIFIERS
    # 59 with an X modifier is explained once by the claim-wide check.
    both = "59" in given and bool(given & X_MODIFIERS)
    if not both and distinct_needed != distinct_given:
        reasons = _reasons(ctx, code, lambda r: bool(r.options & DISTINCT_MODIFIERS))
        why = " ".join(r.why for r in reasons)
        rule = reasons[0].rule_id if reasons else "distinct-service-modifier"
        policy = ctx.profile.distinct_modifiers
        if distinct_needed and not distinct_given:
            needs = {
                "59-or-x": f"59 or {_x_choice(ctx, code)}",
                "x-only": _x_choice(ctx, code),
                "59-only": "59",
            }[policy]
            text = f"{code} needs {needs}: {why}"
            findings.append(_cite("distinct-service-modifier", text, code, also=rule))
        elif distinct_needed and policy != "59-or-x" and _other_policy(distinct_given, policy):
            text = (
                f"{code}: this payer ({ctx.profile.name}) takes "
                + (
                    f"only the X modifiers for a distinct service, not 59: {_x_choice(ctx, code)} "
                    "here."
                    if policy == "x-only"
                    else "only 59 for a distinct service, not the X modifiers."
                )
                + f" {why}"
            )
            findings.append(_cite("payer-distinct-modifiers", text, code, also=rule))
        elif distinct_needed:
            text = f"{code}: {_wrong_x(ctx, code, distinct_given)} {why}"
            findings.append(_cite("distinct-service-modifier", text, code, also=rule))
        else:
            findings.append(_distinct_not_here(code, distinct_given, ctx))
    for modifier in sorted(required - given - DISTINCT_MODIFIERS):
        reasons = _reasons(ctx, code, lambda r, m=modifier: m in r.options)
        if reasons:
            r = reasons[0]
            findings.append(
                finding(
                    r.rule_id,
                    f"{code} is missing {modifier}. {r.why}",
                    skill=r.skill,
                    line_code=code,
                )
            )
    for modifier in sorted(given - required - optional - DISTINCT_MODIFIERS - {"52"}):
        findings.append(_unneeded(modifier, code, ctx))
    return findings


def _other_policy(given: frozenset[str], policy: str) -> bool:
    """The modifier written is one a payer of the other kind would take (59 where only X modifiers
    are taken, an X modifier where only 59 is)."""
    if policy == "x-only":
        return given == {"59"}
    return bool(given & X_MODIFIERS) and "59" not in given


# What each X modifier says about the service (coding-rules.md section 4; CMS asks for XU only
# when none of the other three fits).
X_MEANINGS = {
    "XE": "separate encounter (a second visit on the same day)",
    "XS": "separate structure (a different organ or region)",
    "XP": "separate practitioner (another provider did it)",
    "XU": "unusual non-overlapping service (it does not overlap the other service, as in a time "
    "block of its own, and XE, XS and XP do not fit)",
}


def _wrong_x(ctx: _Context, code: str, given: frozenset[str]) -> str:
    """Why the X modifier written does not fit, and which one does."""
    fitting = sorted(
        {m for r in _reasons(ctx, code, lambda r: True) for m in r.options & X_MODIFIERS}
    )
    wrong = sorted(given - set(fitting) - {"59"})
    fits = " and ".join(f"{m}, {X_MEANINGS[m]}" for m in fitting)
    takes_59 = ctx.profile.distinct_modifiers != "x-only"
    if not wrong:
        # Part of a two-reason choice (XS with XU): the X modifiers must name every reason.
        return (
            f"{_show_mods(given)} names only part of why the service is distinct; use "
            + ("59, or " if takes_59 else "")
            + f"{' with '.join(fitting)}: {fits}."
        )
    said = " and ".join(f"{m} means {X_MEANINGS.get(m, 'another reason')}" for m in wrong)
    return (
        f"{said}, which is not the reason here. The X modifier that names the reason is {fits}"
        + ("; 59 also works." if takes_59 else ".")
    )


def _distinct_not_here(code: str, given: frozenset[str], ctx: _Context) -> Finding:
    """59/X on a line no edit puts it on: often the other code of the pair (the column-1 code)."""
    mods = _show_mods(given)
    elsewhere = _reasons_elsewhere(ctx, code)
    column1 = [r for r in elsewhere if r.column1 == code]
    if column1:
        r = column1[0]
        text = (
            f"{code}: {mods} does not go on {code}. In an NCCI edit pair the modifier goes on "
            f"the column-2 code, here {r.code}, never on the column-1 code ({code}). {r.why}"
        )
        return _cite("distinct-service-modifier", text, code, also=r.rule_id)
    if elsewhere:
        lines = " and ".join(dict.fromkeys(r.code for r in elsewhere))
        text = (
            f"{code}: no NCCI edit in this visit puts {mods} on {code}; the edit in this visit "
            f"calls for it on {lines}."
        )
        return finding("modifier-not-needed", text, skill="modifiers", line_code=code)
    text = (
        f"{code}: no NCCI edit in this visit calls for {mods}; 59 and the X modifiers are only "
        "for a distinct service that an edit would otherwise bundle."
    )
    return finding("modifier-not-needed", text, skill="modifiers", line_code=code)


def _reasons_elsewhere(ctx: _Context, code: str) -> list[ModifierReason]:
    """59/X reasons of the other lines of the key the answer was graded against."""
    billed = {line.code for line in ctx.match.lines}
    return [
        r
        for r in ctx.expected.modifier_reasons
        if r.code != code and r.code in billed and r.options & DISTINCT_MODIFIERS
    ]


def _cite(rule_id: str, text: str, code: str, also: str) -> Finding:
    """A modifier finding naming both the modifier rule and the edit that calls for it."""
    if also != rule_id:
        text = f"{text} ({RULES[also].title}.)"
    return finding(rule_id, text, line_code=code)


def _x_choice(ctx: _Context, code: str) -> str:
    xs = sorted(
        {
            m
            for r in ctx.expected.modifier_reasons
            if r.code == code
            for m in r.options & X_MODIFIERS
        }
    )
    return " with ".join(xs) if xs else "an X modifier"


def _reasons(
    ctx: _Context, code: str, keep: Callable[[ModifierReason], bool]
) -> list[ModifierReason]:
    return [r for r in ctx.expected.modifier_reasons if r.code == code and keep(r)]


def _unneeded(modifier: str, code: str, ctx: _Context) -> Finding:
    facts = ctx.expected.facts
    medicare = ctx.profile.medicare
    if modifier == "AT":
        if not medicare:
            text = f"{code}: AT is a Medicare modifier; this claim is not for Medicare."
            return finding("medicare-chiro-at", text, line_code=code)
        if code in SPINAL_CMT_CODES and facts.care == "maintenance":
            text = f"{code}: this is maintenance care, so no AT (GA with an ABN, GZ without)."
            return finding("medicare-chiro-maintenance", text, line_code=code)
        text = f"{code}: AT goes only on active spinal CMT, 98940-98942."
        return finding("medicare-chiro-at", text, line_code=code)
    if modifier in ("GA", "GZ"):
        maintenance_cmt = medicare and code in SPINAL_CMT_CODES and facts.care == "maintenance"
        if maintenance_cmt:
            text = f"{code}: " + (
                "the patient signed an ABN, so GA, not GZ."
                if facts.abn_signed
                else "no ABN was signed, so GZ, not GA."
            )
        else:
            text = f"{code}: {modifier} marks maintenance CMT expected to be denied; " + (
                "this visit is active care (AT)."
                if medicare and code in SPINAL_CMT_CODES
                else "it does not apply to this line."
            )
        return finding("medicare-chiro-maintenance", text, line_code=code)
    if modifier == "GY":
        text = f"{code}: GY marks a service Medicare does not cover from a chiropractor; " + (
            "this claim is not for Medicare."
            if not medicare
            else "spinal CMT is covered."
            if code in SPINAL_CMT_CODES
            else "here the provider is not a chiropractor."
            if facts.provider != "chiropractor"
            else "it does not apply to this line."
        )
        return finding("medicare-chiro-gy", text, line_code=code)
    if modifier in ("GP", "GO"):
        info = ctx.catalog.find(code)
        therapy = bool(info and therapy_line(info, facts))
        if therapy and modifier != facts.discipline_modifier:
            text = (
                f"{code}: {modifier} is the wrong discipline: this provider's therapy carries "
                f"{facts.discipline_modifier} (GP physical therapy, GO occupational therapy)."
            )
        else:
            text = f"{code}: {modifier} goes on therapy codes only; {code} is not one."
        skill = payer_modifier_skill("medicare-therapy-gp", facts)
        return finding("medicare-therapy-gp", text, skill=skill, line_code=code)
    if modifier == "KX":
        text = f"{code}: KX attests that therapy over Medicare's annual threshold is medically " + (
            "necessary; this claim is not for Medicare."
            if not medicare
            else "necessary and documented; this patient is not over the threshold."
            if not facts.over_therapy_threshold
            else "necessary; it goes on therapy lines only."
        )
        return finding("medicare-therapy-kx", text, line_code=code)
    if modifier in ("CQ", "CO"):
        info = ctx.catalog.find(code)
        text = f"{code}: {modifier} marks a service furnished by a therapy assistant; " + (
            "this claim is not for Medicare."
            if not medicare
            else "an evaluation is the therapist's own work, never an assistant's."
            if info and info.family == "evaluation"
            else "the note says no assistant took part."
            if not facts.assistant_performed
            else f"this provider's assistant modifier is "
            f"{'CO' if facts.discipline_modifier == 'GO' else 'CQ'}."
        )
        return finding("medicare-therapy-assistant", text, line_code=code)
    if modifier == "25":
        text = (
            f"{code}: 25 goes only on an office visit (E/M) billed with CMT that is significant "
            "and separately identifiable."
        )
        return finding("em-with-cmt", text, line_code=code)
    text = f"{code}: no rule in this visit calls for modifier {modifier}."
    return finding("modifier-not-needed", text, line_code=code)


def _part_line(line: ClaimLine, answer: _Line, ctx: _Context) -> Finding:
    """A wrong code written for one of the services a key line bills together."""
    sources = ctx.sources(line)
    mine = [s for s in sources if s.service.minutes == answer.minutes] or sources
    found = _code_choice(line, answer, ctx, services=mine[:1])
    if line.minutes is not None:
        minutes = " + ".join(str(s.counted_minutes or 0) for s in sources)
        extra = (
            f" So its minutes belong on the {line.code} line: {minutes} = {line.minutes} "
            f"minutes of {line.code}, {plural(line.units, 'unit')} on this claim."
        )
    else:
        extra = f" It belongs on the {line.code} line, {plural(line.units, 'unit')}."
    return Finding(found.rule_id, found.skill, found.severity, found.message + extra, answer.code)


def _wrong_line(line: ClaimLine, answer: _Line, ctx: _Context) -> tuple[LineMark, list[Finding]]:
    reasons = (f"wrong code: the key has {line.code}",)
    mark = LineMark(answer.code, "wrong", 0.0, reasons)
    return mark, [_code_choice(line, answer, ctx)]


def _code_choice(
    line: ClaimLine, answer: _Line, ctx: _Context, services: list[CodedService] | None = None
) -> Finding:
    sources = services if services is not None else ctx.sources(line)
    techniques = list(dict.fromkeys(TECHNIQUES[s.service.technique] for s in sources))
    expected_info = ctx.info(line.code)
    answer_info = ctx.catalog.find(answer.code)
    what = describe_all(sources) or "this service"
    said = (
        f"You billed {answer.code} ({answer_info.descriptor if answer_info else 'unknown'}) for "
        f"{what}; the right code is {line.code} ({expected_info.descriptor})."
    )
    skill = skill_for_family(expected_info.family)
    if answer.code == "97014" and line.code == "G0283":
        return finding(
            g0283_rule(ctx.profile), f"{said} {g0283_why(ctx.profile)}", line_code=answer.code
        )
    if line.code in SPINAL_CMT_CODES and answer.code in CMT_CODES:
        regions = sorted({r for s in sources for r in s.service.regions})
        text = (
            f"{said} The note lists {plural(len(regions), 'spinal region')} "
            f"({region_names(regions)}): 1-2 regions is 98940, 3-4 is 98941, 5 is 98942."
        )
        return finding("cmt-spinal-regions", text, line_code=answer.code)
    if line.code == "98943" and answer.code in CMT_CODES:
        text = f"{said} Manipulation outside the spine is 98943, whatever the number of regions."
        return finding("cmt-extraspinal", text, line_code=answer.code)
    if answer_info and {expected_info.family, answer_info.family} == {"cmt", "manual-therapy"}:
        return _manipulation_or_mobilization(said, line, answer.code, techniques, ctx)
    if expected_info.family == "em":
        text = f"{said} Bill the E/M level the note documents."
        return finding("em-level", text, line_code=answer.code)
    reasons = " ".join(t.reason_for(ctx.profile.medicare) for t in techniques)
    if answer.code == "97112" and any(t.is_soft_tissue for t in techniques):
        return finding(
            "never-97112-for-soft-tissue",
            f"{said} {reasons} {NEVER_97112}",
            skill="code-choice-neuromuscular",
            line_code=answer.code,
        )
    rule = (
        "massage-vs-manual-therapy"
        if {answer.code, line.code} == {"97124", "97140"}
        else "clinic-code"
        if skill == "code-choice-clinic"
        else "code-follows-technique"
    )
    return finding(rule, f"{said} {reasons}", skill=skill, line_code=answer.code)


def _manipulation_or_mobilization(
    said: str, line: ClaimLine, written: str, techniques: list[Technique], ctx: _Context
) -> Finding:
    if line.code in CMT_CODES:
        text = (
            f"{said} Manipulation by a chiropractor is chiropractic manipulative treatment: "
            "spinal CMT 98940-98942 by the number of spinal regions, extraspinal 98943. 97140 is "
            "for mobilization, and for manipulation that is not chiropractic."
        )
        return finding("mobilization-not-cmt", text, skill="code-choice-cmt", line_code=written)
    if any(t.key == "joint_mobilization" for t in techniques):
        text = (
            f"{said} A mobilization is not a manipulation: it moves the joint passively within "
            "its range, in graded movements (grades I to IV) the patient could stop, with no "
            "high-velocity thrust (grade V). The CMT codes 98940-98943 are a chiropractor's "
            "manipulation only; mobilization is manual therapy, 97140."
        )
    else:
        reasons = " ".join(t.reason_for(ctx.profile.medicare) for t in techniques)
        text = f"{said} The CMT codes 98940-98943 are a chiropractor's manipulation only. {reasons}"
    return finding("mobilization-not-cmt", text, line_code=written)


def _missing_line(line: ClaimLine, ctx: _Context) -> tuple[LineMark, list[Finding]]:
    sources = ctx.sources(line)
    info = ctx.info(line.code)
    what = describe_all(sources) or "a service of the visit"
    modifiers = f" with {_show_mods(line.modifiers)}" if line.modifiers else ""
    text = f"Missing: {line.code} x{line.units}{modifiers} for {what}."
    minutes = ctx.expected.unit_result.minutes.get(line.code, 0)
    if ctx.cms and info.timed and minutes < 8 and not ctx.expected.instructor_key:
        text += " A code under 8 minutes can still win a leftover unit. "
        text += _cms_arithmetic(line.code, ctx)
        found = finding("cms-leftover-units", text, line_code=line.code)
    else:
        reasons = " ".join(
            dict.fromkeys(
                TECHNIQUES[s.service.technique].reason_for(ctx.profile.medicare) for s in sources
            )
        )
        skill = "em-with-cmt" if "25" in line.modifiers else skill_for_family(info.family)
        found = finding(
            "missing-line", f"{text} {reasons}".strip(), skill=skill, line_code=line.code
        )
    return LineMark(line.code, "missing", 0.0, ("left off the claim",)), [found]


# Extra lines ----------------------------------------------------------------------------------


def _extra_line(answer: _Line, ctx: _Context) -> list[Finding]:
    code = answer.code
    info = ctx.catalog.find(code)
    if info is None:
        text = f"{code or '(blank)'} is not a code in the catalog; the line counts as extra."
        return [finding("unknown-code", text, line_code=code or None)]
    if code in {a.code for a in ctx.match.matched.values()}:
        text = f"{code} is on more than one line: bill each code once, with all its units."
        return [finding("duplicate-line", text, line_code=code)]
    services = [s for s in ctx.expected.services if s.code == code]
    excluded = [s for s in services if not s.billable]
    if excluded:
        s = excluded[0]
        skill = ctx.units_skill if s.excluded_by == "timed-minutes-attended-only" else None
        text = f"{code} should not be billed: {s.excluded_because}"
        return [finding(s.excluded_by, text, skill=skill, line_code=code)]
    if services and info.timed and not ctx.expected.instructor_key:
        return [_no_unit(code, ctx)]
    if ctx.profile.unattended_estim_code == "G0283" and code == "97014":
        return []  # the claim-wide 97014 check explains it
    text = f"Nothing in the note is billed as {info.label}: the line is over-coding."
    return [finding("extra-line", text, skill=skill_for_family(info.family), line_code=code)]


def _extra_reason(answer: _Line, ctx: _Context) -> str:
    """The mark's reason for an extra line. A service the note documents but a rule leaves off
    the claim, or whose minutes earn no unit, is not over-coding a service that never happened:
    say which it is."""
    code = answer.code
    info = ctx.catalog.find(code)
    billable = [s for s in ctx.expected.services if s.code == code and s.billable]
    excluded = [s for s in ctx.expected.services if s.code == code and not s.billable]
    matched = code in {a.code for a in ctx.match.matched.values()}
    if info and excluded and not matched:
        rule = RULES[excluded[0].excluded_by].title
        return f"documented, but left off the claim ({rule}); a line billed for it is over-coding"
    if not (info and info.timed and billable and not matched and not ctx.expected.instructor_key):
        return "not on the key: over-coding"
    result = ctx.expected.unit_result
    minutes = result.minutes.get(code, 0)
    if ctx.cms:
        total = result.total_timed_minutes
        if total < 8:
            why = f"the visit has only {total} timed minutes, and under 8 nothing timed is billed"
        else:
            why = (
                f"{total} timed minutes give {plural(result.timed_units, 'unit')}, which go to "
                f"full 15 minutes first and then to the most minutes left over, and {code}'s "
                f"{minutes % 15} left over are too few"
            )
        rule = "the 8-minute rule"
    else:
        why = f"{minutes} minutes on its own, and {band(minutes)}"
        rule = "the per-code rule"
    return (
        f"documented, but its minutes earned no unit under {rule}: {why}; a unit billed for it "
        "is over-coding"
    )


def _no_unit(code: str, ctx: _Context) -> Finding:
    """Why a timed code of the visit earns no unit, for a student who billed it anyway."""
    result = ctx.expected.unit_result
    minutes = result.minutes[code]
    lone = len(ctx.timed_minutes()) == 1
    if ctx.cms and result.total_timed_minutes < 8:
        rule = "lone-timed-under-8" if lone else "cms-8-minute-rule"
        text = (
            f"{code} earns no unit: the visit has only {result.total_timed_minutes} timed "
            "minutes, and under 8 timed minutes nothing timed is billed."
        )
    elif ctx.cms:
        rule = "cms-leftover-units"
        text = f"{code} earns no unit. " + _cms_arithmetic(code, ctx)
    else:
        rule = "lone-timed-under-8" if lone else "per-code-units"
        text = f"{code} earns no unit: {minutes} minutes on its own, and {band(minutes)}."
    return finding(rule, text, skill=ctx.units_skill, line_code=code)


# Claim-wide checks: small functions, run in order (the shape of Django's password validators).


def check_59_with_x(ctx: _Context) -> list[Finding]:
    return [
        finding(
            "modifier-59-or-x-not-both",
            f"{a.code}: 59 and {_show_mods(a.modifiers & X_MODIFIERS)} on one line; use one "
            "of them (the X modifier that says why, or 59).",
            line_code=a.code or None,
        )
        for a in ctx.answer
        if "59" in a.modifiers and a.modifiers & X_MODIFIERS
    ]


def check_modifier_52(ctx: _Context) -> list[Finding]:
    return [
        finding(
            "modifier-52-not-for-short-time",
            f"{a.code}: modifier 52 does not shorten a timed code. Short time is handled by "
            "the units: 8-22 minutes is 1 unit, and under 8 minutes a code earns no unit on "
            "its own.",
            line_code=a.code or None,
        )
        for a in ctx.answer
        if "52" in a.modifiers
    ]


def check_at_with_ga(ctx: _Context) -> list[Finding]:
    return [
        finding(
            "medicare-at-not-with-ga",
            f"{a.code}: AT (active care, covered) and GA (expected denial, ABN on file) "
            "contradict each other; never both on one line.",
            line_code=a.code or None,
        )
        for a in ctx.answer
        if {"AT", "GA"} <= a.modifiers
    ]


def check_97014_to_medicare(ctx: _Context) -> list[Finding]:
    """97014 to a payer that wants G0283 (Medicare, or a commercial payer set that way)."""
    if ctx.profile.unattended_estim_code != "G0283":
        return []
    # A 97014 written where the key has G0283 is already explained by its code-choice finding.
    explained = {
        a.position for i, a in ctx.match.wrong.items() if ctx.match.lines[i].code == "G0283"
    }
    return [
        finding(
            g0283_rule(ctx.profile),
            "97014 billed to Medicare: Medicare does not accept 97014; unattended e-stim is G0283."
            if ctx.profile.medicare
            else f"97014 billed to {ctx.profile.name}: {g0283_why(ctx.profile)}",
            line_code="97014",
        )
        for a in ctx.answer
        if a.code == "97014" and a.position not in explained and a.bills
    ]


def check_units_usable(ctx: _Context) -> list[Finding]:
    return [
        finding(
            "units-whole-positive",
            f"{a.code or '(blank)'}: units must be a whole number of 1 or more, not "
            f"{_show(a.units)}.",
            line_code=a.code or None,
        )
        for a in ctx.answer
        if a.units is None or a.units < 0
    ]


def _student_timed_units(ctx: _Context) -> dict[str, int] | None:
    """Units the answer gives each timed code of the visit, or None if some are unusable.

    A line written with a wrong code for a key line counts for that key line's code: the unit
    arithmetic is judged apart from the code choice.
    """
    stands_for = {a.position: ctx.match.lines[i].code for i, a in ctx.match.wrong.items()}
    stands_for |= {a.position: ctx.match.lines[i].code for i, a in ctx.match.parts}
    units = dict.fromkeys(ctx.timed_minutes(), 0)
    for a in ctx.answer:
        code = stands_for.get(a.position, a.code)
        if code in units:
            if a.units is None or a.units < 0:
                return None
            units[code] += a.units
    return units


def check_rounded_each_code(ctx: _Context) -> list[Finding]:
    """CMS payer, but the answer used the per-code method."""
    timed = ctx.timed_minutes()
    student = _student_timed_units(ctx)
    if not ctx.cms or len(timed) < 2 or student is None:
        return []
    per_code = {c: units_for_minutes(m) for c, m in timed.items()}
    # A payer's cap cuts the CMS units: an answer of the CMS units before the cap missed the
    # cap (payer-unit-cap says so), not the CMS rule.
    result = ctx.expected.unit_result
    cms_allocations = (*result.alternatives, *(result.uncapped or ()))
    if student != per_code or any(per_code == {c: a[c] for c in timed} for a in cms_allocations):
        return []
    text = (
        "You rounded each code on its own minutes ("
        + ", ".join(f"{c} {m} min: {per_code[c]}" for c, m in timed.items())
        + "). Under the CMS 8-minute rule the timed minutes are added first: "
        + " + ".join(map(str, timed.values()))
        + f" = {result.total_timed_minutes} minutes give {plural(result.timed_units, 'unit')} "
        f"in all, shared out by full units and then leftover minutes: "
        + _show_allocation({c: result.units[c] for c in timed})
        + "."
    )
    return [finding("cms-no-per-code-rounding", text)]


def check_pooled_minutes(ctx: _Context) -> list[Finding]:
    """Per-code payer, but the answer pooled the minutes as CMS does."""
    timed = ctx.timed_minutes()
    student = _student_timed_units(ctx)
    if ctx.cms or len(timed) < 2 or student is None:
        return []
    per_code = {c: units_for_minutes(m) for c, m in timed.items()}
    pooled = cms_units(timed, ctx.catalog)
    # Pooling shows on a code the student billed: a code left off the claim is a missing
    # line, even when the pooled allocation happens to give it nothing too.
    pooled_shows = any(units and units != per_code[c] for c, units in student.items())
    if student not in [dict(a) for a in pooled.alternatives]:
        return []
    # A code dropped that pooling gives nothing in every allocation, while its own minutes earn
    # a unit: pooling explains why it is missing (under a tie it may simply be forgotten).
    dropped = [
        c
        for c, units in student.items()
        if units == 0 and per_code[c] and all(a[c] == 0 for a in pooled.alternatives)
    ]
    if dropped and not pooled_shows:
        text = (
            "Per code: each code's own minutes, don't pool. "
            + ", ".join(f"{c} {timed[c]} min: {per_code[c]}" for c in dropped)
            + " on its own minutes. Added together ("
            + " + ".join(map(str, timed.values()))
            + f" = {pooled.total_timed_minutes} minutes, {plural(pooled.timed_units, 'unit')}) "
            "as the CMS rule does, the units would go to the codes with more minutes and "
            + " and ".join(dropped)
            + " would earn none, which is what your claim shows."
        )
        return [finding("per-code-no-pooling", text)]
    if not pooled_shows:
        return []
    text = (
        "You added the minutes of different codes together ("
        + " + ".join(map(str, timed.values()))
        + f" = {pooled.total_timed_minutes} minutes, {plural(pooled.timed_units, 'unit')}), as "
        "the CMS rule does. This payer counts each code on its own minutes: "
        + ", ".join(f"{c} {m} min: {per_code[c]}" for c, m in timed.items())
        + "."
    )
    return [finding("per-code-no-pooling", text)]


def check_untimed_minutes_counted(ctx: _Context) -> list[Finding]:
    """The answer's timed units are what counting minutes that never count would give: those of
    a timed service left off the claim by an edit (bundled), or of untimed or unattended ones.

    The bundled services are tried first, one at a time and then together: a student who counted
    a bundled myofascial release into 97110 is told so, not blamed for the traction beside it.
    Named only when that fits the answer better than the other unit findings: an answer that is
    the per-code rounding (CMS payer) or the pooled minutes (per-code payer) is explained by
    those, even if the extra minutes happen to give the same total.
    """
    timed = ctx.timed_minutes()
    student = _student_timed_units(ctx)
    result = ctx.expected.unit_result
    if not timed or student is None:
        return []
    if student in [{c: a[c] for c in timed} for a in result.alternatives]:
        return []
    bundled = [
        s
        for s in ctx.expected.services
        if not s.billable
        and s.counted_minutes is not None
        and s.service.attended
        and s.service.minutes
        and s.excluded_by != "timed-minutes-attended-only"
    ]
    untimed = [
        s
        for s in ctx.expected.services
        if (s.counted_minutes is None or not s.service.attended) and s.service.minutes
    ]
    groups = [[s] for s in bundled] + ([bundled] if len(bundled) > 1 else [])
    for group in groups:
        found = _extra_minutes_finding(ctx, student, group, bundled=True)
        if found:
            return found
    return _extra_minutes_finding(ctx, student, untimed, bundled=False) if untimed else []


def _extra_minutes_finding(
    ctx: _Context, student: dict[str, int], services: list[CodedService], *, bundled: bool
) -> list[Finding]:
    timed = ctx.timed_minutes()
    result = ctx.expected.unit_result
    extra = sum(s.service.minutes or 0 for s in services)
    if bundled:
        what = f"{extra} minutes of {describe_all(services)}"
        rule = "bundled-minutes-not-counted"
        why = (
            ("it is" if len(services) == 1 else "they are")
            + " not billed ("
            + "; ".join(dict.fromkeys(RULES[s.excluded_by].title.lower() for s in services))
            + "), and the minutes of a service that is not billed count toward no code"
        )
    else:
        what = _minutes_of(services, extra)
        rule = "untimed-minutes-not-timed"
        why = "only attended minutes of timed codes count"
    per_code = {c: units_for_minutes(m) for c, m in timed.items()}
    if ctx.cms:
        total = result.total_timed_minutes
        wrong = units_for_minutes(total + extra)
        if student == per_code or wrong == result.timed_units or sum(student.values()) != wrong:
            return []
        counted_with = [
            {c: a[c] for c in timed}
            for code in timed
            for a in cms_units({**timed, code: timed[code] + extra}, ctx.catalog).alternatives
        ]
        if student not in counted_with:
            return []
        timed_lines = [a for c in timed for a in _lines_for(c, ctx)]
        if _written_minutes_explain(timed_lines, total + extra):
            return []
        text = (
            f"Your timed units add up to {wrong}: that is what {total} timed minutes + {what} "
            f"= {total + extra} minutes would give, so it looks as if those minutes were "
            f"counted. But {why}: {total} minutes give {plural(result.timed_units, 'unit')}."
        )
        # A warning: the unit error itself is already marked; this names its likely cause.
        return [finding(rule, text, severity="warning")]
    pooled = cms_units(timed, ctx.catalog)
    if student in [dict(a) for a in pooled.alternatives]:
        return []  # the pooling finding explains it
    off = [c for c in timed if student[c] != per_code[c]]
    if len(off) != 1 or student[off[0]] != units_for_minutes(timed[off[0]] + extra):
        return []
    code = off[0]
    minutes = timed[code]
    # Another timed code's minutes added to this one give the same units: the untimed minutes
    # are then only one guess among several, and a wrong guess misleads more than none.
    if any(units_for_minutes(minutes + m) == student[code] for c, m in timed.items() if c != code):
        return []
    lines = _lines_for(code, ctx)
    if _written_minutes_explain(lines, minutes + extra):
        return []
    written = sorted({a.code for a in lines} - {code})
    if written:
        what_line = f"Your {' and '.join(written)} line for the service the key codes {code}"
        line_code = written[0]
    else:
        what_line, line_code = code, code
    text = (
        f"{what_line}: you billed {plural(student[code], 'unit')}, what its own {minutes} "
        f"minutes + {what} = {minutes + extra} minutes would give, so it looks as if those "
        f"minutes were counted with it. But {why}: it has its own {minutes} minutes, and "
        f"{band(minutes)}."
    )
    return [finding(rule, text, severity="warning", line_code=line_code)]


def _lines_for(code: str, ctx: _Context) -> list[_Line]:
    """The student's lines counted for a key code: its own, and a wrong code standing in."""
    stands_for = {a.position: ctx.match.lines[i].code for i, a in ctx.match.wrong.items()}
    return [a for a in ctx.answer if stands_for.get(a.position, a.code) == code and a.bills]


def _written_minutes_explain(lines: list[_Line], counted: int) -> bool:
    """Whether the minutes the student wrote on these lines give their units by themselves,
    and are not the untimed minutes added in: the units then follow what the student wrote
    (a minutes slip the minutes warning names), not untimed minutes."""
    if not lines or any(a.minutes is None or a.units is None for a in lines):
        return False
    written = sum(a.minutes for a in lines)  # type: ignore[misc]
    units = sum(a.units for a in lines)  # type: ignore[misc]
    return written != counted and units_for_minutes(written) == units


def _minutes_of(services: list[CodedService], total: int) -> str:
    """'10 minutes of hot pack', or '25 minutes of hot pack (10) and infrared (15)'."""

    def name(s: CodedService) -> str:
        technique = TECHNIQUES[s.service.technique].name
        return f"unattended {technique}" if s.counted_minutes is not None else technique

    if len(services) == 1:
        return f"{total} minutes of {name(services[0])}"
    parts = [f"{name(s)} ({s.service.minutes})" for s in services]
    return f"{total} minutes of {', '.join(parts[:-1])} and {parts[-1]}"


def check_code_with_15_minutes(ctx: _Context) -> list[Finding]:
    """CMS payer: a code with 15+ minutes got nothing while another took its units."""
    timed = ctx.timed_minutes()
    student = _student_timed_units(ctx)
    if not ctx.cms or student is None:
        return []
    most = {c: max(a[c] for a in ctx.expected.unit_result.alternatives) for c in timed}
    found = []
    for code, minutes in timed.items():
        takers = [d for d in timed if d != code and student[d] > most[d]]
        if minutes >= 15 and student[code] == 0 and takers:
            found.append(
                finding(
                    "cms-15-minutes-one-unit",
                    f"{code} had {minutes} minutes, 15 or more, so it keeps "
                    f"{plural(minutes // 15, 'full unit')} of its own; you gave its units to "
                    f"{', '.join(takers)}.",
                    line_code=code,
                )
            )
    return found


def check_band_boundaries(ctx: _Context) -> list[Finding]:
    """Units one short exactly at a band's first minute (23, 38, 53...): the bands misread."""
    student = _student_timed_units(ctx)
    if student is None:
        return []
    result = ctx.expected.unit_result
    if any(student == {c: a.get(c, 0) for c in student} for a in result.alternatives):
        return []  # the key's units (a payer's cap may put them one short of a band)
    if ctx.cms:
        total = result.total_timed_minutes
        if total >= 23 and total % 15 == 8 and sum(student.values()) == result.timed_units - 1:
            text = (
                f"{total} timed minutes: {band(total)}, not {result.timed_units - 1}. Each band "
                "starts 8 minutes past a quarter hour (8-22, 23-37, 38-52...), not '8-23, "
                "24-38'."
            )
            return [finding("unit-boundaries", text)]
        return []
    found = []
    for code, minutes in ctx.timed_minutes().items():
        right = units_for_minutes(minutes)
        if minutes >= 23 and minutes % 15 == 8 and student[code] == right - 1:
            text = (
                f"{code}, {minutes} minutes: {band(minutes)}, not {right - 1}. Each band starts "
                "8 minutes past a quarter hour (8-22, 23-37, 38-52...)."
            )
            found.append(finding("unit-boundaries", text, skill="units-per-code", line_code=code))
    return found


CLAIM_CHECKS: tuple[Callable[[_Context], list[Finding]], ...] = (
    check_units_usable,
    check_59_with_x,
    check_modifier_52,
    check_at_with_ga,
    check_97014_to_medicare,
)
ANSWER_CHECKS: tuple[Callable[[_Context], list[Finding]], ...] = (
    *CLAIM_CHECKS,
    check_rounded_each_code,
    check_pooled_minutes,
    check_untimed_minutes_counted,
    check_code_with_15_minutes,
    check_band_boundaries,
)


# Showing values -------------------------------------------------------------------------------


def _show(value: object) -> str:
    return "nothing" if value is None else str(value)


def _show_mods(modifiers: Iterable[str]) -> str:
    ordered = sorted(modifiers)
    return ", ".join(ordered) if ordered else "none"


def _show_allocation(allocation: dict[str, int]) -> str:
    return ", ".join(f"{code} x{units}" for code, units in allocation.items())
