"""derive_expected(): from the documented services of a visit to every acceptable claim.

1. Code each service from its technique (spinal CMT by the number of spinal regions, unattended
   e-stim by payer, office visits and clinic codes as written on the service).
2. Run the bundling edits: some services leave the claim, some lines need 59/X or 25.
3. Count units over the billable services only, by the payer's method.
4. Add the payer's line modifiers and spell out every acceptable claim: one per tie in the
   units and per 59-or-X choice.
Every step is recorded as an info finding, so the key can explain itself with the arithmetic.
"""

from collections.abc import Mapping, Sequence
from dataclasses import replace
from itertools import product

from .catalog import SPINAL_CMT_CODES, Catalog, CodeInfo, default_catalog
from .edits import (
    Effect,
    apply_edits,
    describe,
    g0283_rule,
    g0283_why,
    modifier_choices,
    modifier_reason,
    payer_modifier_skill,
    payer_modifiers,
    region_names,
    therapy_line,
)
from .errors import MAX_MINUTES, BadCase, UnknownCode
from .rules import finding
from .skills import skill_for_family
from .techniques import TECHNIQUES, Technique
from .types import (
    EXTRASPINAL_REGIONS,
    REGIONS,
    SPINAL_REGIONS,
    ClaimLine,
    CodedService,
    DocumentedService,
    ExpectedClaim,
    Finding,
    ModifierReason,
    PayerProfile,
    UnitResult,
    VisitFacts,
)
from .units import units_by_method

# Evaluations: the code the note documents (by complexity), and who bills them.
EVALUATION_CODES = {
    "pt_evaluation": ("97161", "97162", "97163", "97164"),
    "ot_evaluation": ("97165", "97166", "97167", "97168"),
}
EVALUATION_PROVIDERS = {
    "pt_evaluation": "physical_therapist",
    "ot_evaluation": "occupational_therapist",
}

# Codes whose NCCI edit with spinal CMT depends on the region: their services must name one.
_REGION_EDITED = ("97140", "97124", "97112")


def derive_expected(
    services: Sequence[DocumentedService],
    facts: VisitFacts,
    profile: PayerProfile,
    catalog: Catalog | None = None,
) -> ExpectedClaim:
    """Every acceptable claim for a visit, with the steps that explain it.

    Raises BadCase when the services cannot be coded as written (an authoring mistake: unknown
    technique or region, a timed service without minutes, an office visit without its level...).
    """
    catalog = catalog or default_catalog()
    coded, steps = _code_services(services, facts, profile, catalog)
    coded, effects, minutes_by_code, unit_result, off_claim_steps = _edits_and_units(
        coded, facts, profile, catalog
    )
    unit_result = _capped(unit_result, profile, catalog)
    # Codes no correct allocation bills (under a tie a code may be billed in one key only).
    unbilled = [c for c in minutes_by_code if all(a[c] == 0 for a in unit_result.alternatives)]

    for e in effects:
        code = coded[e.index].code
        step = finding(e.rule_id, e.why, severity="info", line_code=code)
        # No modifier talk for a code that is not billed; and services of one code that an
        # edit lets through the same way share one reason, so one step.
        if not (e.kind == "distinct" and code in unbilled) and step not in steps:
            steps.append(step)
    steps.extend(off_claim_steps)
    steps.extend(unit_result.steps)

    reasons: list[ModifierReason] = []
    line_choices = {
        code: _modifier_choices(code, coded, effects, facts, profile, catalog, reasons, steps)
        for code in minutes_by_code
        if code not in unbilled
    }
    alternatives = [
        _claim(allocation, choice, minutes_by_code, coded, catalog)
        for allocation in unit_result.alternatives
        for choice in product(
            *(line_choices[code] for code in minutes_by_code if allocation[code] > 0)
        )
    ]
    if unbilled:
        cms = profile.unit_method == "cms"
        steps.append(
            finding(
                "cms-leftover-units" if cms else "per-code-units",
                f"{', '.join(unbilled)} "
                + ("earns no unit and is" if len(unbilled) == 1 else "earn no unit and are")
                + " left off the claim.",
                severity="info",
                skill="units-cms" if cms else "units-per-code",
            )
        )
    if not alternatives[0]:
        steps.append(
            finding(
                "extra-line",
                "Nothing in this visit is billable: the right claim is empty, and any line "
                "would be over-coding.",
                severity="info",
            )
        )

    # GP is not a rule outside Medicare, but many commercial payers ask for it: not wrong there.
    optional = {
        code: frozenset({facts.discipline_modifier})
        for code in minutes_by_code
        if not profile.gp_required and therapy_line(catalog.get(code), facts)
    }
    return ExpectedClaim(
        alternatives=tuple(alternatives),
        steps=tuple(steps),
        services=coded,
        facts=facts,
        profile_key=profile.key,
        unit_result=unit_result,
        modifier_reasons=tuple(reasons),
        optional_modifiers=optional,
    )


def _edits_and_units(
    coded: tuple[CodedService, ...],
    facts: VisitFacts,
    profile: PayerProfile,
    catalog: Catalog,
) -> tuple[tuple[CodedService, ...], tuple[Effect, ...], dict[str, int], UnitResult, list[Finding]]:
    """The edits and the units, each in the light of the other.

    An edit pair only matters when both codes reach the claim, and whether a timed code reaches
    it depends on its units. So: run the edits, count the units, and when a code that knocked
    another service out earns no unit, run the edits again without it (its minutes still count)
    and count again. A code taken off this way must stay off: an allocation that would bill it
    is dropped, and if none is left, the first reading stands (billed, it would knock the other
    service out and again earn nothing).
    """
    off_claim: frozenset[int] = frozenset()
    edited, effects = apply_edits(coded, facts, profile)
    minutes_by_code, result = _units(edited, profile, catalog)
    notes: list[Finding] = []
    for _ in range(len(coded)):
        knockers = {e.by for e in effects if e.kind == "exclude" and e.by}
        idle = {
            c for c in minutes_by_code if all(a[c] == 0 for a in result.alternatives)
        } & knockers
        more = frozenset(s.index for s in edited if s.billable and s.code in idle) - off_claim
        if not more:
            break
        trial_off = off_claim | more
        trial, trial_effects = apply_edits(coded, facts, profile, trial_off)
        trial_minutes, trial_result = _units(trial, profile, catalog)
        off_codes = {coded[i].code for i in trial_off}
        kept = tuple(
            a for a in trial_result.alternatives if all(a.get(c, 0) == 0 for c in off_codes)
        )
        if not kept:
            # No consistent reading: without the edit the code would earn a unit, and billed it
            # would knock the other service out and earn nothing. The edit stands; say so.
            notes.append(
                finding(
                    next(e.rule_id for e in effects if e.kind == "exclude" and e.by in idle),
                    f"{', '.join(sorted(idle))} earns no unit here, but only because the edit "
                    "keeps the other service of its time block off the claim: counted with that "
                    "service's minutes it would earn one, and then the edit would apply. The "
                    "edit stands.",
                    severity="info",
                )
            )
            break
        freed = [
            e for e in effects if e.kind == "exclude" and e.by in idle and trial[e.index].billable
        ]
        for code in sorted(idle):
            partners = sorted({edited[e.index].code for e in freed if e.by == code})
            if partners:
                notes.append(
                    finding(
                        next(e.rule_id for e in freed if e.by == code),
                        f"{code} earns no unit, so it is not on the claim and its edit with "
                        f"{', '.join(partners)} does not apply: {', '.join(partners)} "
                        f"{'is' if len(partners) == 1 else 'are'} billed on "
                        f"{'its' if len(partners) == 1 else 'their'} own minutes. A service "
                        "that bills nothing knocks nothing out.",
                        severity="info",
                        line_code=code,
                    )
                )
        if len(kept) < len(trial_result.alternatives):
            notes.append(
                finding(
                    "cms-leftover-units",
                    f"{', '.join(sorted(off_codes))} may not take a tied leftover unit here: "
                    "billed, it would knock the other service of its time block out, and then "
                    "its own minutes would earn nothing.",
                    severity="info",
                )
            )
            trial_result = replace(
                trial_result,
                alternatives=kept,
                units=kept[0],
                total_units=sum(kept[0].values()),
            )
        off_claim, edited, effects = trial_off, trial, trial_effects
        minutes_by_code, result = trial_minutes, trial_result
    return edited, effects, minutes_by_code, result, notes


def _capped(result: UnitResult, profile: PayerProfile, catalog: Catalog) -> UnitResult:
    """The payer's caps on timed units, after the units are counted by its method.

    A cap per code lowers each timed code to it. A cap per visit keeps every split of the capped
    total in which no code gets more than it earned: which line gives up units is the provider's
    choice, so every such claim is right.
    """
    per_code, per_visit = profile.unit_cap_per_code, profile.unit_cap_per_visit
    timed = [c for c in result.units if catalog.get(c).timed]
    if not timed or (per_code is None and per_visit is None):
        return result
    capped: list[dict[str, int]] = []
    for allocation in result.alternatives:
        limits = {c: min(allocation[c], per_code or allocation[c]) for c in timed}
        total = sum(limits.values())
        splits: list[dict[str, int]] = [limits]
        if per_visit is not None and total > per_visit:
            splits = [
                dict(zip(timed, units, strict=True))
                for units in product(*(range(limits[c] + 1) for c in timed))
                if sum(units) == per_visit
            ]
        for split in splits:
            full = {**allocation, **split}
            if full not in capped:
                capped.append(full)
    if capped == [dict(a) for a in result.alternatives]:
        return result
    caps = []
    if per_code is not None:
        caps.append(f"at most {per_code} units of one timed code")
    if per_visit is not None:
        caps.append(f"at most {per_visit} timed units in a visit")
    show = " or ".join(", ".join(f"{c} x{a[c]}" for c in timed) for a in capped[:4])
    more = f" (and {len(capped) - 4} more splits)" if len(capped) > 4 else ""
    step = finding(
        "payer-unit-cap",
        f"This payer ({profile.name}) pays {' and '.join(caps)}: the timed units are cut to "
        f"{show}{more}. Which line gives up units is the provider's choice.",
        severity="info",
    )
    return replace(
        result,
        alternatives=tuple(capped),
        units=capped[0],
        total_units=sum(capped[0].values()),
        steps=(*result.steps, step),
        uncapped=result.alternatives,
    )


def _units(
    coded: tuple[CodedService, ...], profile: PayerProfile, catalog: Catalog
) -> tuple[dict[str, int], UnitResult]:
    """Units over the billable services: codes in the order the note first mentions them."""
    minutes_by_code: dict[str, int] = {}
    for s in coded:
        if s.billable:
            minutes_by_code[s.code] = minutes_by_code.get(s.code, 0) + (s.counted_minutes or 0)
    return minutes_by_code, units_by_method(profile.unit_method, minutes_by_code, catalog)


def _modifier_choices(
    code: str,
    coded: tuple[CodedService, ...],
    effects: tuple[Effect, ...],
    facts: VisitFacts,
    profile: PayerProfile,
    catalog: Catalog,
    reasons: list[ModifierReason],
    steps: list[Finding],
) -> list[frozenset[str]]:
    """Every acceptable modifier set for the line of one code; records why in reasons/steps."""
    fixed: set[str] = set()
    for modifier, rule_id, why in payer_modifiers(catalog.get(code), facts, profile):
        fixed.add(modifier)
        skill = payer_modifier_skill(rule_id, facts)
        reasons.append(modifier_reason(code, frozenset({modifier}), rule_id, why, skill=skill))
        steps.append(finding(rule_id, why, severity="info", skill=skill, line_code=code))
    line_effects = [e for e in effects if coded[e.index].code == code and coded[e.index].billable]
    for e in line_effects:
        if e.kind == "modifier":
            fixed.add(e.modifier)
            reasons.append(modifier_reason(code, frozenset({e.modifier}), e.rule_id, e.why))
    distinct = _unique_distinct([e for e in line_effects if e.kind == "distinct"])
    accepted = {
        "59-or-x": lambda e: frozenset({"59", e.modifier}),
        "x-only": lambda e: frozenset({e.modifier}),
        "59-only": lambda e: frozenset({"59"}),
    }[profile.distinct_modifiers]
    reasons.extend(
        modifier_reason(code, accepted(e), e.rule_id, e.why, column1=e.column1) for e in distinct
    )
    choices = modifier_choices(distinct, profile.distinct_modifiers)
    return [frozenset(fixed) | choice for choice in choices]


def _claim(
    allocation: Mapping[str, int],
    modifiers: tuple[frozenset[str], ...],
    minutes_by_code: dict[str, int],
    coded: tuple[CodedService, ...],
    catalog: Catalog,
) -> tuple[ClaimLine, ...]:
    """One acceptable claim: the codes this allocation bills, each with its chosen modifiers."""
    billed = [code for code in minutes_by_code if allocation[code] > 0]
    return tuple(
        ClaimLine(
            code=code,
            minutes=minutes_by_code[code] if catalog.get(code).timed else None,
            units=allocation[code],
            modifiers=chosen,
            sources=tuple(s.index for s in coded if s.billable and s.code == code),
        )
        for code, chosen in zip(billed, modifiers, strict=True)
    )


def _unique_distinct(effects: list[Effect]) -> list[Effect]:
    """One distinct-service reason per X modifier: two 97140 services apart from the CMT need
    one XS, not two."""
    seen: dict[str, Effect] = {}
    for e in effects:
        seen.setdefault(e.modifier, e)
    return list(seen.values())


def _code_services(
    services: Sequence[DocumentedService],
    facts: VisitFacts,
    profile: PayerProfile,
    catalog: Catalog,
) -> tuple[tuple[CodedService, ...], list[Finding]]:
    problems: list[str] = []
    for number, service in enumerate(services, start=1):
        problems.extend(
            f"Service {number}: {p}" for p in _service_problems(service, facts, catalog)
        )
    if problems:
        raise BadCase(problems)

    spinal = [s for s in services if s.technique == "spinal_cmt"]
    spinal_regions = sorted({r for s in spinal for r in s.regions}, key=SPINAL_REGIONS.index)
    if (facts.over_therapy_threshold or facts.assistant_performed) and not facts.therapist:
        problems.append(
            "The therapy threshold (KX) and assistant (CQ/CO) facts are about a physical or "
            "occupational therapist's Medicare claim; this visit's provider is a "
            f"{facts.provider.replace('_', ' ')}."
        )
    if sum(s.technique == "office_visit" for s in services) > 1:
        problems.append("A visit has one office visit (E/M) code; this case has several.")
    manipulated = any(s.technique in ("spinal_cmt", "extraspinal_cmt") for s in services)
    if manipulated and any(_default_code(s) in _REGION_EDITED for s in services if not s.regions):
        problems.append(
            "With CMT in the visit, every 97140, 97124 and 97112 service must name its "
            "region(s): the NCCI edit depends on whether it is the region manipulated."
        )
    if problems:
        raise BadCase(problems)

    coded: list[CodedService] = []
    steps: list[Finding] = []
    for index, service in enumerate(services):
        technique = TECHNIQUES[service.technique]
        code = _code_for(service, technique, spinal_regions, profile, catalog)
        info = catalog.get(code)
        counted = (service.minutes if service.attended else 0) if info.timed else None
        coded_service = CodedService(
            index=index, service=service, code=info.code, counted_minutes=counted
        )
        steps.append(_coding_step(coded_service, technique, info, spinal_regions, profile))
        if info.timed and not service.attended:
            # Unattended minutes never count; a timed code with none bills nothing.
            coded_service = replace(
                coded_service,
                billable=False,
                excluded_by="timed-minutes-attended-only",
                excluded_because=(
                    f"{info.code} for {describe(coded_service)} was not attended: only minutes "
                    "with the provider in constant attendance count, so it bills nothing "
                    "(a documentation problem)."
                ),
            )
            steps.append(
                finding(
                    "timed-minutes-attended-only",
                    coded_service.excluded_because,
                    severity="info",
                    skill="units-cms" if profile.unit_method == "cms" else "units-per-code",
                    line_code=info.code,
                )
            )
        coded.append(coded_service)
    return tuple(coded), steps


def _default_code(service: DocumentedService) -> str | None:
    technique = TECHNIQUES.get(service.technique)
    return technique.code if technique else None


def _service_problems(service: DocumentedService, facts: VisitFacts, catalog: Catalog) -> list[str]:
    technique = TECHNIQUES.get(service.technique)
    if technique is None:
        return [
            f"unknown technique {service.technique!r}; known techniques: "
            f"{', '.join(sorted(TECHNIQUES))}."
        ]
    problems = []
    unknown = [r for r in service.regions if r not in REGIONS]
    if unknown:
        problems.append(
            f"unknown region(s) {', '.join(map(repr, unknown))}; use {', '.join(REGIONS)}."
        )
    minutes = service.minutes
    if minutes is not None and (
        isinstance(minutes, bool) or not isinstance(minutes, int) or not 0 <= minutes <= MAX_MINUTES
    ):
        problems.append(f"minutes must be a whole number from 0 to {MAX_MINUTES}, not {minutes!r}.")
    if service.technique == "spinal_cmt":
        if not any(r in SPINAL_REGIONS for r in service.regions):
            problems.append("spinal CMT needs at least one spinal region.")
        if any(r in EXTRASPINAL_REGIONS for r in service.regions):
            problems.append(
                "spinal CMT lists an extraspinal region; put it on an extraspinal_cmt service."
            )
    if service.technique == "extraspinal_cmt":
        if not any(r in EXTRASPINAL_REGIONS for r in service.regions):
            problems.append("extraspinal CMT needs at least one extraspinal region.")
        if any(r in SPINAL_REGIONS for r in service.regions):
            problems.append(
                "extraspinal CMT lists a spinal region; put it on a spinal_cmt service."
            )
    if technique.family == "cmt" and facts.provider != "chiropractor":
        problems.append(
            "CMT codes are chiropractic manipulation; a physical therapist's mobilization or "
            "manipulation is manual therapy (joint_mobilization, 97140)."
        )
    if (
        service.technique in EVALUATION_PROVIDERS
        and facts.provider != (EVALUATION_PROVIDERS[service.technique])
    ):
        problems.append(
            f"a {technique.name} is billed by a "
            f"{EVALUATION_PROVIDERS[service.technique].replace('_', ' ')}, not a "
            f"{facts.provider.replace('_', ' ')}."
        )
    if technique.code is None and service.technique != "spinal_cmt":
        if not service.code:
            problems.append(f"a {technique.name} needs its code written on the service.")
        else:
            info = catalog.find(service.code)
            if info is None:
                problems.append(str(UnknownCode(service.code)))
            elif service.technique == "office_visit" and info.family != "em":
                problems.append(f"{info.code} is not an office visit (E/M) code.")
            elif (
                service.technique in EVALUATION_CODES
                and info.code not in EVALUATION_CODES[service.technique]
            ):
                problems.append(
                    f"{info.code} is not a {technique.name} code: use "
                    f"{', '.join(EVALUATION_CODES[service.technique])}."
                )
    elif (
        service.code
        and technique.code
        and service.technique != "unattended_estim"  # 97014 or G0283, by payer
        and service.code.strip().upper() != technique.code
    ):
        problems.append(
            f"{technique.name} is coded {technique.code}, not {service.code}: the code "
            "follows the technique."
        )
    if technique.code and catalog.find(technique.code) is None:
        problems.append(str(UnknownCode(technique.code)))
    if technique.code and (info := catalog.find(technique.code)) and info.timed and minutes is None:
        problems.append(f"{technique.name} is a timed code ({info.code}) and needs its minutes.")
    if (
        service.technique == "clinic_code"
        and (info := catalog.find(service.code or ""))
        and info.timed
        and minutes is None
    ):
        problems.append(f"clinic code {info.code} is timed and needs its minutes.")
    return problems


def _code_for(
    service: DocumentedService,
    technique: Technique,
    spinal_regions: list[str],
    profile: PayerProfile,
    catalog: Catalog,
) -> str:
    if service.technique == "spinal_cmt":
        # One spinal CMT code per visit, from every spinal region manipulated in it.
        count = len(spinal_regions)
        return (
            SPINAL_CMT_CODES[0]
            if count <= 2
            else SPINAL_CMT_CODES[1]
            if count <= 4
            else SPINAL_CMT_CODES[2]
        )
    if service.technique == "unattended_estim":
        return profile.unattended_estim_code
    if technique.code is None:
        return catalog.get(service.code).code
    return technique.code


def _coding_step(
    service: CodedService,
    technique: Technique,
    info: CodeInfo,
    spinal_regions: list[str],
    profile: PayerProfile,
) -> Finding:
    lead = f"Service {service.index + 1}, {describe(service)}: {info.code}."
    skill = skill_for_family(info.family)
    if service.service.technique == "spinal_cmt":
        count = len(spinal_regions)
        return finding(
            "cmt-spinal-regions",
            f"{lead} Spinal regions manipulated in the visit: {region_names(spinal_regions)} "
            f"({count}); {'1-2' if count <= 2 else '3-4' if count <= 4 else '5'} regions is "
            f"{info.code}.",
            severity="info",
            line_code=info.code,
        )
    if service.service.technique == "unattended_estim" and info.code == "G0283":
        return finding(
            g0283_rule(profile),
            f"{lead} {g0283_why(profile)}",
            severity="info",
            line_code=info.code,
        )
    rule = {
        "extraspinal_cmt": "cmt-extraspinal",
        "office_visit": "em-level",
        "pt_evaluation": "evaluation-level",
        "ot_evaluation": "evaluation-level",
        "clinic_code": "clinic-code",
    }.get(service.service.technique, "code-follows-technique")
    said = technique.reason_for(profile.medicare)
    reason = said if technique.code else f"{said} {info.descriptor}."
    return finding(rule, f"{lead} {reason}", severity="info", skill=skill, line_code=info.code)
