"""Bundling edits and modifiers (coding-rules.md section 4).

Each edit is a small function that looks at the coded services of a visit and returns effects:
a service is not billable, or its line needs 59 or an X modifier, or its line needs another
modifier (25). apply_edits() runs them in order; later edits see what earlier ones excluded,
because an edit pair only matters when both codes are on the claim (a 97140 bundled into the CMT
is not there to clash with 97530). payer_modifiers() adds the payer's own line modifiers
(Medicare's AT/GA/GZ/GY/GP).

Modifiers accepted for a distinct service: 59 or one X modifier, never both, on the column-2 code
of the pair, never on its column-1 code (Effect.column1). The X modifier must say why the service
is distinct:
- XS (separate structure) for 97140, 97124 or 97112 on a region the CMT did not manipulate: the
  reason is a different region.
- XU (unusual non-overlapping service) for 97124 or 97112 on the manipulated region where the
  payer allows it, 97140 at a separate time from mechanical traction, and 97530 in a time block
  of its own apart from 97140: the structure is the same, so XS would be untrue; the reason is a
  service that does not overlap the other, and CMS keeps XU for when XE, XS and XP do not fit.
- 59 is always accepted as well: it is the general distinct-service modifier the X modifiers
  refine, and many payers still ask for it.
- XE (separate encounter) and XP (separate practitioner) never fit: a case is one visit by one
  provider.
When two edits give one line two reasons (a region apart from the CMT and a time apart from
traction), the X modifiers naming each reason go together, or 59 alone.
"""

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from typing import Literal

from .catalog import (
    CMT_CODES,
    EXTRASPINAL_CMT_CODE,
    SOMETIMES_THERAPY_FAMILIES,
    SPINAL_CMT_CODES,
    CodeInfo,
)
from .rules import RULES
from .techniques import TECHNIQUES
from .types import (
    REGIONS,
    CodedService,
    DistinctModifiers,
    ModifierReason,
    PayerProfile,
    VisitFacts,
)


@dataclass(frozen=True)
class Effect:
    index: int  # the documented service it applies to
    kind: Literal["exclude", "distinct", "modifier"]
    rule_id: str
    why: str
    # "distinct": the X modifier that names the reason (59 is always the other choice);
    # "modifier": the modifier the line needs.
    modifier: str = ""
    # "distinct": the column-1 code of the edit pair; the modifier never goes on it.
    column1: str = ""
    # "exclude" by a pair edit: the code of the other service that knocks this one out.
    by: str = ""


Edit = Callable[[Sequence[CodedService], VisitFacts, PayerProfile], list[Effect]]


def describe(service: CodedService) -> str:
    """'myofascial release (cervical; 12 min)': how the key and findings name a service."""
    technique = TECHNIQUES[service.service.technique]
    details = [region_names(service.service.regions)] if service.service.regions else []
    if service.service.minutes is not None:
        details.append(f"{service.service.minutes} min")
    return f"{technique.name} ({'; '.join(details)})" if details else technique.name


def describe_all(services: Sequence[CodedService]) -> str:
    """'petrissage (lumbar; 5 min) and tapotement (lumbar; 4 min)'."""
    names = [describe(s) for s in services]
    return " and ".join(names) if len(names) < 3 else f"{', '.join(names[:-1])} and {names[-1]}"


def region_names(regions: Iterable[str]) -> str:
    """'cervical, upper extremity': regions in a fixed order (spine first), in words."""
    ordered = sorted(set(regions), key=lambda r: REGIONS.index(r) if r in REGIONS else len(REGIONS))
    return ", ".join(r.replace("_", " ") for r in ordered)


def _billable(services: Sequence[CodedService], *codes: str) -> list[CodedService]:
    return [s for s in services if s.billable and s.code in codes]


def _left_out(service: CodedService) -> str:
    minutes = service.counted_minutes
    return f" Its {minutes} minutes are left out of the units." if minutes else ""


def medicare_packs_bundled(
    services: Sequence[CodedService], facts: VisitFacts, profile: PayerProfile
) -> list[Effect]:
    if not profile.medicare:
        return []
    return [
        Effect(
            s.index,
            "exclude",
            "medicare-97010-bundled",
            f"97010 for {describe(s)}: Medicare bundles hot and cold packs (status B), so 97010 "
            "is left off the claim.",
        )
        for s in _billable(services, "97010")
    ]


def em_with_cmt(
    services: Sequence[CodedService], facts: VisitFacts, profile: PayerProfile
) -> list[Effect]:
    cmt = _billable(services, *CMT_CODES)
    if not cmt:
        return []
    visits = [s for s in services if s.billable and TECHNIQUES[s.service.technique].family == "em"]
    if facts.em_separately_identifiable:
        return [
            Effect(
                s.index,
                "modifier",
                "em-with-cmt",
                f"{s.code} with CMT ({cmt[0].code}): the visit is significant and separately "
                f"identifiable, so {s.code} is billed with 25.",
                modifier="25",
            )
            for s in visits
        ]
    return [
        Effect(
            s.index,
            "exclude",
            "em-with-cmt",
            f"{s.code} with CMT ({cmt[0].code}): the note shows no significant, separately "
            "identifiable visit, so it is the CMT's own pre-manipulation assessment and is not "
            "billed.",
        )
        for s in visits
    ]


def _manipulations(services: Sequence[CodedService]) -> list[tuple[str, frozenset[str], str]]:
    """Each CMT code of the visit with the regions it manipulated and their names: the spinal
    CMT first, then 98943 (the manipulation edits apply to both, each on its own regions)."""
    found = []
    for codes in (SPINAL_CMT_CODES, (EXTRASPINAL_CMT_CODE,)):
        cmt = _billable(services, *codes)
        if cmt:
            regions = frozenset(r for s in cmt for r in s.service.regions)
            found.append((cmt[0].code, regions, region_names(regions)))
    return found


def _split_by_region(
    services: list[CodedService], manipulations: list[tuple[str, frozenset[str], str]]
) -> tuple[list[tuple[CodedService, tuple[str, frozenset[str], str]]], list[CodedService]]:
    """(service, the manipulation whose region it shares) for services on a manipulated region,
    and the services on no manipulated region."""
    same, apart = [], []
    for s in services:
        on = [m for m in manipulations if m[1] & set(s.service.regions)]
        if on:
            same.append((s, on[0]))
        else:
            apart.append(s)
    return same, apart


def _apart_effects(
    code: str,
    apart: list[CodedService],
    manipulations: list[tuple[str, frozenset[str], str]],
    rule_id: str,
    lead: str,
    profile: PayerProfile,
) -> list[Effect]:
    """59 or XS on services apart from every manipulated region, one reason per CMT code."""
    effects = []
    for cmt_code, _, names in manipulations:
        effects += _distinct(
            apart,
            rule_id,
            "XS",
            cmt_code,
            lead.format(code=code, what=describe_all(apart), cmt=cmt_code)
            + f"{_a_region(apart)} not manipulated ({cmt_code} was on {names}): billable with "
            f"{distinct_choice(profile, 'XS', 'separate structure')} on {code}.",
        )
    return effects


def cmt_with_manual_therapy(
    services: Sequence[CodedService], facts: VisitFacts, profile: PayerProfile
) -> list[Effect]:
    """97140 with CMT, spinal (98940-98942) or extraspinal (98943): on a manipulated region it
    is bundled; elsewhere 59 or XS on 97140."""
    manipulations = _manipulations(services)
    if not profile.ncci_edits or not manipulations:
        return []
    same, apart = _split_by_region(_billable(services, "97140"), manipulations)
    effects = [
        Effect(
            s.index,
            "exclude",
            "ncci-cmt-97140",
            f"97140 for {describe(s)} is on a region manipulated with {cmt_code} "
            f"({names}): it is bundled into the CMT and not billed." + _left_out(s),
            by=cmt_code,
        )
        for s, (cmt_code, _, names) in same
    ]
    return effects + _apart_effects(
        "97140", apart, manipulations, "ncci-cmt-97140", "{code} for {what} is on ", profile
    )


def cmt_with_massage_or_reeducation(
    services: Sequence[CodedService], facts: VisitFacts, profile: PayerProfile
) -> list[Effect]:
    """97124 and 97112 with CMT: 59 or an X modifier on 97124/97112.

    On a region the CMT did not manipulate: 59 or XS. On a manipulated region the NCCI policy
    manual says 97112, 97124 and 97140 are not separately reportable; some payers let 97124 and
    97112 through there with a modifier (coding-rules.md section 4). The payer profile's
    same_region_97124_97112_bundled_with_cmt says which reading; it governs both codes alike.
    """
    manipulations = _manipulations(services)
    if not profile.ncci_edits or not manipulations:
        return []
    effects = []
    for code in ("97124", "97112"):
        same, apart = _split_by_region(_billable(services, code), manipulations)
        allowed = []
        for s, (cmt_code, _, names) in same:
            if profile.same_region_97124_97112_bundled_with_cmt:
                effects.append(
                    Effect(
                        s.index,
                        "exclude",
                        "ncci-cmt-97124-97112",
                        f"{code} for {describe(s)} is on a region manipulated with {cmt_code} "
                        f"({names}). {_ncci_sentence(cmt_code)} {profile.name} follows that "
                        "reading: not billed."
                        + _medicare_chiro_aside(code, facts, profile)
                        + _left_out(s),
                        by=cmt_code,
                    )
                )
            else:
                allowed.append((s, cmt_code, names))
        effects += _apart_effects(
            code,
            apart,
            manipulations,
            "ncci-cmt-97124-97112",
            "{code} for {what} with {cmt}: NCCI edit. It is on ",
            profile,
        )
        for cmt_code in dict.fromkeys(c for _, c, _ in allowed):
            here = [s for s, c, _ in allowed if c == cmt_code]
            names = next(n for _, c, n in allowed if c == cmt_code)
            effects += _distinct(
                here,
                "ncci-cmt-97124-97112",
                "XU",
                cmt_code,
                f"{code} for {describe_all(here)} with {cmt_code}: NCCI edit. It is on "
                f"{_a_region(here)} manipulated with {cmt_code} ({names}). The NCCI policy "
                f"manual would not bill it there, but this payer ({profile.name}) accepts it as "
                "a distinct service: "
                + distinct_choice(profile, "XU", "a service that does not overlap the CMT")
                + (
                    "."
                    if profile.distinct_modifiers == "59-only"
                    else "; not XS, since the structure is the same."
                ),
            )
    return effects


# The NCCI policy manual's sentence on physical medicine services with CMT, in our own words
# (coding-rules.md section 4).
NCCI_CMT_SENTENCE = (
    "The NCCI policy manual names 97112, 97124 and 97140 as not separately reportable in a "
    "spinal region undergoing CMT; only on a different region are they billed, with 59 or XS."
)
# 98943: the same edits, read for the extraspinal region manipulated (coding-rules.md section 4
# speaks of CMT; the PTP edits pair 98943 with these codes as with 98940-98942).
EXTRASPINAL_NOTE = " The same reading applies to the extremity or other region 98943 manipulated."


def _ncci_sentence(cmt_code: str) -> str:
    return NCCI_CMT_SENTENCE + (EXTRASPINAL_NOTE if cmt_code == EXTRASPINAL_CMT_CODE else "")


def _medicare_chiro_aside(code: str, facts: VisitFacts, profile: PayerProfile) -> str:
    if not (profile.medicare and facts.provider == "chiropractor"):
        return ""
    what = "massage" if code == "97124" else "re-education"
    return (
        f" (Medicare never pays a chiropractor's {what} anyway: it covers only spinal CMT from a "
        "chiropractor. On a region not manipulated it would still go on the claim, with GP "
        "and GY.)"
    )


def traction_with_manual_therapy(
    services: Sequence[CodedService], facts: VisitFacts, profile: PayerProfile
) -> list[Effect]:
    traction = _billable(services, "97012")
    if not profile.ncci_edits or not traction:
        return []
    traction_blocks = {s.service.time_block for s in traction}
    effects = []
    apart = []
    for s in _billable(services, "97140"):
        if s.service.time_block in traction_blocks:
            effects.append(
                Effect(
                    s.index,
                    "exclude",
                    "ncci-97012-97140",
                    f"97140 for {describe(s)} was done at the same time as mechanical traction "
                    f"(time block {s.service.time_block}): not separately billable." + _left_out(s),
                    by="97012",
                )
            )
        else:
            apart.append(s)
    effects += _distinct(
        apart,
        "ncci-97012-97140",
        "XU",
        "97012",
        f"97140 for {describe_all(apart)} was done at a separate time from mechanical traction "
        f"(time {_blocks({s.service.time_block for s in apart})}, traction in "
        f"{_blocks(traction_blocks)}): billable with {distinct_choice(profile, 'XU')} on 97140.",
    )
    return effects


def manual_therapy_with_activities(
    services: Sequence[CodedService], facts: VisitFacts, profile: PayerProfile
) -> list[Effect]:
    manual = _billable(services, "97140")
    if not profile.ncci_edits or not manual:
        return []
    manual_blocks = {s.service.time_block for s in manual}
    effects = []
    apart = []
    for s in _billable(services, "97530"):
        if s.service.time_block in manual_blocks:
            effects.append(
                Effect(
                    s.index,
                    "exclude",
                    "ncci-97140-97530",
                    f"97530 for {describe(s)} shares time block {s.service.time_block} with "
                    "97140; the two are mutually exclusive in one block and 97140 (column 1) is "
                    "the one billed." + _left_out(s),
                    by="97140",
                )
            )
        else:
            apart.append(s)
    blocks = {s.service.time_block for s in apart}
    effects += _distinct(
        apart,
        "ncci-97140-97530",
        "XU",
        "97140",
        f"97530 for {describe_all(apart)} is in "
        + ("its own time block" if len(blocks) == 1 else "time blocks of its own")
        + f" ({', '.join(map(str, sorted(blocks)))}; 97140 in {_blocks(manual_blocks)}): "
        f"billable with {distinct_choice(profile, 'XU')} on 97530, the column-2 code.",
    )
    return effects


def group_with_one_on_one(
    services: Sequence[CodedService], facts: VisitFacts, profile: PayerProfile
) -> list[Effect]:
    """97150 and a one-on-one timed code for the same time: the time was group time, billed
    once, as 97150.

    A patient is either in the group or one-on-one with the provider; minutes the note puts in
    the group's time block are group minutes whatever else it calls them (CPT: 97150 is for
    two or more patients; the timed codes are one-on-one). In another time block the timed
    code is billed as usual.
    """
    group = _billable(services, "97150")
    if not group:
        return []
    blocks = {s.service.time_block for s in group}
    return [
        Effect(
            s.index,
            "exclude",
            "group-therapy-not-one-on-one",
            f"{s.code} for {describe(s)} is in time block {s.service.time_block}, the time of "
            "the group therapy (97150): the same time is never billed both as group and as "
            f"one-on-one {s.code}, so it is the group's, and {s.code} is not billed."
            + _left_out(s),
            by="97150",
        )
        for s in services
        if s.billable
        and s.code != "97150"
        and s.counted_minutes is not None
        and s.service.time_block in blocks
    ]


def distinct_choice(profile: PayerProfile, x_modifier: str, meaning: str = "") -> str:
    """The distinct-service modifiers this payer takes for a reason, as an explanation names
    them: "59 or XS (separate structure)", only the X modifier, or only 59."""
    x_named = f"{x_modifier} ({meaning})" if meaning else x_modifier
    return {"59-or-x": f"59 or {x_named}", "x-only": x_named, "59-only": "59"}[
        profile.distinct_modifiers
    ]


def _distinct(
    services: list[CodedService], rule_id: str, modifier: str, column1: str, why: str
) -> list[Effect]:
    """One reason for every service of a code that one edit lets through the same way, so two
    services of one code give one step, not two."""
    return [
        Effect(s.index, "distinct", rule_id, why, modifier=modifier, column1=column1)
        for s in services
    ]


def _a_region(services: list[CodedService]) -> str:
    regions = {r for s in services for r in s.service.regions}
    return "regions" if len(regions) > 1 else "a region"


def _blocks(blocks: set[int]) -> str:
    return ("block " if len(blocks) == 1 else "blocks ") + ", ".join(map(str, sorted(blocks)))


# Order matters: bundled codes leave the claim before the pair edits that involve them run.
EDITS: tuple[Edit, ...] = (
    medicare_packs_bundled,
    em_with_cmt,
    cmt_with_manual_therapy,
    cmt_with_massage_or_reeducation,
    traction_with_manual_therapy,
    manual_therapy_with_activities,
    group_with_one_on_one,
)


def apply_edits(
    services: Sequence[CodedService],
    facts: VisitFacts,
    profile: PayerProfile,
    off_claim: frozenset[int] = frozenset(),
) -> tuple[tuple[CodedService, ...], tuple[Effect, ...]]:
    """Run the edits in order. off_claim: indexes of billable services whose code earns no unit
    (derive finds them by counting units): a line that is not on the claim clashes with nothing,
    so the edits do not see them, and they come back unchanged."""
    current = [replace(s, billable=False) if s.index in off_claim else s for s in services]
    effects: list[Effect] = []
    for edit in EDITS:
        for effect in edit(current, facts, profile):
            effects.append(effect)
            if effect.kind == "exclude":
                current[effect.index] = replace(
                    current[effect.index],
                    billable=False,
                    counted_minutes=0
                    if current[effect.index].counted_minutes is not None
                    else None,
                    excluded_by=effect.rule_id,
                    excluded_because=effect.why,
                )
    for index in off_claim:
        current[index] = services[index]
    return tuple(current), tuple(effects)


def modifier_choices(
    distinct: Sequence[Effect], policy: DistinctModifiers = "59-or-x"
) -> list[frozenset[str]]:
    """The acceptable 59/X choices for one line, given the edits that call for a modifier.

    59 alone works unless the payer takes only X modifiers. Otherwise the X modifier that names
    the reason; when two edits give two different reasons (say XS for a region apart from the
    CMT and XU for a time apart from traction), the X modifiers that name each reason, together
    (not for a payer that takes only 59). Never 59 with an X.
    """
    if not distinct:
        return [frozenset()]
    fifty_nine = frozenset({"59"})
    x = frozenset(e.modifier for e in distinct)
    return {"59-or-x": [fifty_nine, x], "x-only": [x], "59-only": [fifty_nine]}[policy]


def therapy_line(info: CodeInfo, facts: VisitFacts) -> bool:
    """Whether a line of this code is therapy in this visit (and so takes GP or GO): a therapy
    code, or a "sometimes therapy" code such as dry needling when a therapist furnishes it."""
    return info.is_therapy or (info.family in SOMETIMES_THERAPY_FAMILIES and facts.therapist)


def payer_modifiers(
    info: CodeInfo, facts: VisitFacts, profile: PayerProfile
) -> list[tuple[str, str, str]]:
    """(modifier, rule id, why) for the modifiers this payer wants on a line of this code."""
    wanted: list[tuple[str, str, str]] = []
    therapy = therapy_line(info, facts)
    discipline = facts.discipline_modifier
    plan = "an occupational therapy" if discipline == "GO" else "a physical therapy"
    if therapy and profile.gp_required:
        wanted.append(
            (
                discipline,
                "medicare-therapy-gp",
                f"{info.code} is a therapy code billed to Medicare under {plan} plan of care: "
                f"it carries {discipline}.",
            )
            if profile.medicare
            else (
                discipline,
                "payer-gp-required",
                f"{info.code} is a therapy code and this payer ({profile.name}) requires "
                f"{discipline} on therapy codes.",
            )
        )
    if not profile.medicare:
        return wanted
    if therapy and facts.therapist and facts.over_therapy_threshold:
        wanted.append(
            (
                "KX",
                "medicare-therapy-kx",
                f"{info.code}: the patient is over Medicare's annual therapy threshold and the "
                "note documents medical necessity, so every therapy line carries KX.",
            )
        )
    if therapy and facts.assistant_performed and info.family != "evaluation":
        assistant = "CO" if discipline == "GO" else "CQ"
        who = (
            "an occupational therapy assistant (OTA)"
            if assistant == "CO"
            else ("a physical therapist assistant (PTA)")
        )
        wanted.append(
            (
                assistant,
                "medicare-therapy-assistant",
                f"{info.code} was furnished in whole or in part by {who}: {assistant}, "
                f"beside {discipline}.",
            )
        )
    chiropractor = facts.provider == "chiropractor"
    if chiropractor and info.code in SPINAL_CMT_CODES:
        if facts.care == "active":
            wanted.append(
                (
                    "AT",
                    "medicare-chiro-at",
                    f"{info.code} is active/corrective care: Medicare needs AT on it.",
                )
            )
        elif facts.abn_signed:
            wanted.append(
                (
                    "GA",
                    "medicare-chiro-maintenance",
                    f"{info.code} is maintenance care and the patient signed an ABN: GA, not AT.",
                )
            )
        else:
            wanted.append(
                (
                    "GZ",
                    "medicare-chiro-maintenance",
                    f"{info.code} is maintenance care with no signed ABN: an expected denial, "
                    "GZ, not AT.",
                )
            )
    if chiropractor and (
        info.is_therapy
        or info.family in ("em", *SOMETIMES_THERAPY_FAMILIES)
        or info.code == "98943"
    ):
        wanted.append(
            (
                "GY",
                "medicare-chiro-gy",
                f"{info.code} from a chiropractor is not a Medicare benefit (Medicare covers only "
                "spinal CMT): GY.",
            )
        )
    return wanted


def g0283_rule(profile: PayerProfile) -> str:
    return "medicare-g0283" if profile.medicare else "payer-g0283"


def g0283_why(profile: PayerProfile) -> str:
    """Why unattended e-stim is G0283 for this payer."""
    if profile.medicare:
        return "Unattended e-stim to Medicare is G0283; Medicare does not accept 97014."
    return (
        f"This payer ({profile.name}) wants G0283 for unattended e-stim, as Medicare does, "
        "not 97014."
    )


def payer_modifier_skill(rule_id: str, facts: VisitFacts) -> str:
    """The skill a payer-modifier finding counts under: the rule's own. GP is a Medicare rule
    for every provider, so a missing GP counts under the Medicare rules, never under the
    distinct-service modifiers (59 and the X modifiers)."""
    return RULES[rule_id].skill


def modifier_reason(
    code: str,
    modifiers: frozenset[str],
    rule_id: str,
    why: str,
    *,
    skill: str | None = None,
    column1: str = "",
) -> ModifierReason:
    return ModifierReason(
        code=code,
        options=modifiers,
        rule_id=rule_id,
        skill=skill or RULES[rule_id].skill,
        why=why,
        column1=column1,
    )
