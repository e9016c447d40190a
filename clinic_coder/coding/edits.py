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

from .catalog import CMT_CODES, SPINAL_CMT_CODES, CodeInfo
from .rules import RULES
from .techniques import TECHNIQUES
from .types import REGIONS, CodedService, ModifierReason, PayerProfile, VisitFacts


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


def _manipulated(services: Sequence[CodedService]) -> tuple[str, frozenset[str], str]:
    """The spinal CMT code of the visit, the regions it manipulated, and their names."""
    cmt = _billable(services, *SPINAL_CMT_CODES)
    regions = frozenset(r for s in cmt for r in s.service.regions)
    return (cmt[0].code if cmt else "", regions, region_names(regions))


def cmt_with_manual_therapy(
    services: Sequence[CodedService], facts: VisitFacts, profile: PayerProfile
) -> list[Effect]:
    cmt_code, manipulated, names = _manipulated(services)
    if not profile.ncci_edits or not cmt_code:
        return []
    effects = []
    apart = []
    for s in _billable(services, "97140"):
        if manipulated & set(s.service.regions):
            effects.append(
                Effect(
                    s.index,
                    "exclude",
                    "ncci-cmt-97140",
                    f"97140 for {describe(s)} is on a region manipulated with {cmt_code} "
                    f"({names}): it is bundled into the CMT and not billed." + _left_out(s),
                )
            )
        else:
            apart.append(s)
    effects += _distinct(
        apart,
        "ncci-cmt-97140",
        "XS",
        cmt_code,
        f"97140 for {describe_all(apart)} is on {_a_region(apart)} not manipulated ({cmt_code} "
        f"was on {names}): billable with 59 or XS (separate structure) on 97140.",
    )
    return effects


def cmt_with_massage_or_reeducation(
    services: Sequence[CodedService], facts: VisitFacts, profile: PayerProfile
) -> list[Effect]:
    """97124 and 97112 with spinal CMT: 59 or an X modifier on 97124/97112.

    coding-rules.md states a disagreement between sources only about massage: whether it must
    be on a region not manipulated. That is the payer-profile setting, and it governs 97124
    alone; for 97112 the rules state the modifier and nothing about the region.
    """
    cmt_code, manipulated, names = _manipulated(services)
    if not profile.ncci_edits or not cmt_code:
        return []
    effects = []
    for code in ("97124", "97112"):
        apart, same = [], []
        for s in _billable(services, code):
            if not manipulated & set(s.service.regions):
                apart.append(s)
            elif code == "97124" and profile.massage_with_cmt_needs_different_region:
                effects.append(
                    Effect(
                        s.index,
                        "exclude",
                        "ncci-cmt-97124-97112",
                        f"97124 for {describe(s)} is on a region manipulated with {cmt_code} "
                        f"({names}), and this payer ({profile.name}) pays massage with CMT only "
                        "on a different region: not billed." + _left_out(s),
                    )
                )
            else:
                same.append(s)
        effects += _distinct(
            apart,
            "ncci-cmt-97124-97112",
            "XS",
            cmt_code,
            f"{code} for {describe_all(apart)} with {cmt_code}: NCCI edit. It is on "
            f"{_a_region(apart)} not manipulated ({cmt_code} was on {names}), so it takes 59 or "
            "XS (separate structure).",
        )
        allowed = (
            f"this payer ({profile.name}) allows massage there"
            if code == "97124"
            else "re-education may be done there"
        )
        effects += _distinct(
            same,
            "ncci-cmt-97124-97112",
            "XU",
            cmt_code,
            f"{code} for {describe_all(same)} with {cmt_code}: NCCI edit. It is on "
            f"{_a_region(same)} manipulated with {cmt_code} ({names}), and {allowed} as a "
            "distinct service: 59 or XU (a service that does not overlap the CMT); not XS, "
            "since the structure is the same.",
        )
    return effects


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
        f"{_blocks(traction_blocks)}): billable with 59 or XU on 97140.",
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
        "billable with 59 or XU on 97530, the column-2 code.",
    )
    return effects


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
)


def apply_edits(
    services: Sequence[CodedService], facts: VisitFacts, profile: PayerProfile
) -> tuple[tuple[CodedService, ...], tuple[Effect, ...]]:
    current = list(services)
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
    return tuple(current), tuple(effects)


def modifier_choices(distinct: Sequence[Effect]) -> list[frozenset[str]]:
    """The acceptable 59/X choices for one line, given the edits that call for a modifier.

    59 alone always works. Otherwise the X modifier that names the reason; when two edits give
    two different reasons (say XS for a region apart from the CMT and XU for a time apart from
    traction), the X modifiers that name each reason, together. Never 59 with an X.
    """
    if not distinct:
        return [frozenset()]
    return [frozenset({"59"}), frozenset(e.modifier for e in distinct)]


def payer_modifiers(
    info: CodeInfo, facts: VisitFacts, profile: PayerProfile
) -> list[tuple[str, str, str]]:
    """(modifier, rule id, why) for the modifiers this payer wants on a line of this code."""
    if not profile.medicare:
        return []
    wanted: list[tuple[str, str, str]] = []
    chiropractor = facts.provider == "chiropractor"
    if info.is_therapy:
        wanted.append(
            (
                "GP",
                "medicare-therapy-gp",
                f"{info.code} is a therapy code billed to Medicare: it carries GP.",
            )
        )
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
    if chiropractor and (info.is_therapy or info.family == "em" or info.code == "98943"):
        wanted.append(
            (
                "GY",
                "medicare-chiro-gy",
                f"{info.code} from a chiropractor is not a Medicare benefit (Medicare covers only "
                "spinal CMT): GY.",
            )
        )
    return wanted


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
