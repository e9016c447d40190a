"""Units of service: the CMS 8-minute rule and the per-code method (coding-rules.md section 3).

Both methods use one table, units = (minutes + 7) // 15: 0-7 minutes 0 units, 8-22 1, 23-37 2,
38-52 3, and on in steps of 15. CMS applies it to the total of all timed minutes and then shares
the units out; the per-code method applies it to each timed code's own minutes. Untimed codes
are 1 unit under both, and their minutes never count.
"""

from collections.abc import Mapping
from itertools import combinations

from .catalog import Catalog, CodeInfo, default_catalog
from .errors import check_minutes
from .rules import finding
from .types import Finding, UnitMethod, UnitResult


def units_for_minutes(minutes: int) -> int:
    """The 8-minute table. For 0-7 minutes (minutes + 7) // 15 is already 0, so no special case."""
    return (minutes + 7) // 15


def band(minutes: int) -> str:
    """The table row a number of minutes falls in, in words: '23-37 minutes is 2 units'."""
    units = units_for_minutes(minutes)
    if units == 0:
        return "under 8 minutes is no unit"
    return f"{15 * units - 7}-{15 * units + 7} minutes is {plural(units, 'unit')}"


def plural(count: int, word: str) -> str:
    return f"{count} {word}" if count == 1 else f"{count} {word}s"


def ordinal(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def cms_units(minutes_by_code: Mapping[str, int], catalog: Catalog | None = None) -> UnitResult:
    """Units by the CMS 8-minute rule, with every correct allocation when leftovers tie."""
    codes = _checked(minutes_by_code, catalog)
    timed = [(info.code, minutes) for info, minutes in codes if info.timed]
    total_minutes = sum(minutes for _, minutes in timed)
    total = units_for_minutes(total_minutes)
    full = {code: minutes // 15 for code, minutes in timed}
    leftover = {code: minutes % 15 for code, minutes in timed}

    # Full units never exceed the total: with F = sum(full) and S = sum(leftover),
    # T = 15F + S, so total = (15F + S + 7) // 15 = F + (S + 7) // 15 >= F.
    # The remaining units, R = (S + 7) // 15, never exceed the number L of codes with a
    # leftover above 0: S <= 14L, and (14L + 7) // 15 <= L because 14L + 7 < 15(L + 1).
    # So each remaining unit goes to a different code, only codes with leftover minutes win
    # one, and no code gets more than one extra unit.
    remaining = total - sum(full.values())
    assert 0 <= remaining <= sum(1 for left in leftover.values() if left > 0)

    ranked = sorted((code for code in full if leftover[code] > 0), key=lambda c: -leftover[c])
    if remaining == 0:
        winners_sets: list[tuple[str, ...]] = [()]
        cutoff = None
    else:
        cutoff = leftover[ranked[remaining - 1]]
        sure = tuple(code for code in ranked if leftover[code] > cutoff)
        tied = [code for code in ranked if leftover[code] == cutoff]
        winners_sets = [sure + combo for combo in combinations(tied, remaining - len(sure))]

    alternatives = tuple(
        _allocation(codes, {code: full[code] + (code in winners) for code in full})
        for winners in winners_sets
    )

    steps: list[Finding] = []
    _untimed_steps(codes, steps)
    if timed:
        sums = " + ".join(f"{code} {minutes}" for code, minutes in timed)
        steps.append(
            finding(
                "cms-8-minute-rule",
                f"Timed minutes: {sums} = {total_minutes} minutes."
                if len(timed) > 1
                else f"Timed minutes: {sums} minutes.",
                severity="info",
            )
        )
        if total == 0:
            rule = "lone-timed-under-8" if len(timed) == 1 else "cms-8-minute-rule"
            steps.append(
                finding(
                    rule,
                    f"{total_minutes} timed minutes are under 8: no timed unit, so no timed "
                    "code is billed.",
                    severity="info",
                )
            )
        else:
            steps.append(
                finding(
                    "cms-8-minute-rule",
                    f"{total_minutes} timed minutes give {plural(total, 'unit')}: "
                    f"{_in_quarter_hours(total_minutes)} ({band(total_minutes)}).",
                    severity="info",
                )
            )
            for code, minutes in timed:
                steps.append(
                    finding(
                        "cms-leftover-units",
                        f"{code} has {minutes} minutes: {plural(full[code], 'full unit')} and "
                        f"{leftover[code]} left over.",
                        severity="info",
                        line_code=code,
                    )
                )
            steps.append(_remaining_step(total, remaining, ranked, leftover, cutoff))
    steps.append(_result_step("cms", alternatives, codes))
    return UnitResult(
        method="cms",
        minutes={info.code: minutes for info, minutes in codes},
        total_timed_minutes=total_minutes,
        timed_units=total,
        total_units=sum(alternatives[0].values()),
        units=alternatives[0],
        alternatives=alternatives,
        steps=tuple(steps),
    )


def per_code_units(
    minutes_by_code: Mapping[str, int], catalog: Catalog | None = None
) -> UnitResult:
    """Units with each timed code counted on its own minutes (AMA/CPT reading); no pooling."""
    codes = _checked(minutes_by_code, catalog)
    units = {info.code: units_for_minutes(minutes) for info, minutes in codes if info.timed}
    allocation = _allocation(codes, units)
    steps: list[Finding] = []
    _untimed_steps(codes, steps)
    timed = [(info.code, minutes) for info, minutes in codes if info.timed]
    for code, minutes in timed:
        steps.append(
            finding(
                "lone-timed-under-8" if len(timed) == 1 and minutes < 8 else "per-code-units",
                f"{code} on its own {minutes} minutes: {band(minutes)}.",
                severity="info",
                skill="units-per-code",
                line_code=code,
            )
        )
    if len(timed) > 1:
        steps.append(
            finding(
                "per-code-units",
                "Minutes of different codes are not added together: "
                + " + ".join(str(units[code]) for code, _ in timed)
                + f" = {plural(sum(units.values()), 'timed unit')}.",
                severity="info",
            )
        )
    steps.append(_result_step("per-code", (allocation,), codes))
    return UnitResult(
        method="per-code",
        minutes={info.code: minutes for info, minutes in codes},
        total_timed_minutes=sum(minutes for _, minutes in timed),
        timed_units=sum(units.values()),
        total_units=sum(allocation.values()),
        units=allocation,
        alternatives=(allocation,),
        steps=tuple(steps),
    )


def units_by_method(
    method: UnitMethod, minutes_by_code: Mapping[str, int], catalog: Catalog | None = None
) -> UnitResult:
    if method == "cms":
        return cms_units(minutes_by_code, catalog)
    if method == "per-code":
        return per_code_units(minutes_by_code, catalog)
    raise ValueError(f"Unknown unit method {method!r}: use 'cms' or 'per-code'.")


def _checked(
    minutes_by_code: Mapping[str, int], catalog: Catalog | None
) -> list[tuple[CodeInfo, int]]:
    catalog = catalog or default_catalog()
    checked: list[tuple[CodeInfo, int]] = []
    seen: set[str] = set()
    for code, minutes in minutes_by_code.items():
        info = catalog.get(code)
        if info.code in seen:
            # ' 97110' and '97110' are one code: refuse rather than guess how to combine them.
            raise ValueError(f"Code {info.code} is given twice.")
        seen.add(info.code)
        checked.append((info, check_minutes(info.code, minutes)))
    return checked


def _allocation(codes: list[tuple[CodeInfo, int]], timed_units: dict[str, int]) -> dict[str, int]:
    """Every code given, in the order given: untimed codes 1, timed codes their units."""
    return {info.code: timed_units[info.code] if info.timed else 1 for info, _ in codes}


def _untimed_steps(codes: list[tuple[CodeInfo, int]], steps: list[Finding]) -> None:
    for info, minutes in codes:
        if not info.timed:
            steps.append(
                finding(
                    "untimed-one-unit",
                    f"{info.code} is untimed: 1 unit"
                    + (f"; its {minutes} minutes are not timed minutes." if minutes else "."),
                    severity="info",
                    line_code=info.code,
                )
            )


def _remaining_step(
    total: int,
    remaining: int,
    ranked: list[str],
    leftover: dict[str, int],
    cutoff: int | None,
) -> Finding:
    full_units = total - remaining
    if remaining == 0:
        text = (
            "The 1 full unit uses up the 1 unit."
            if total == 1
            else f"The {total} full units use up all {total} units."
        )
        return finding("cms-leftover-units", text, severity="info")
    if len(leftover) == 1:
        # One timed code: nothing to share out, so no talk of 'the most leftover minutes'.
        (code,) = leftover
        text = (
            f"{code} has no full unit; its {leftover[code]} minutes earn the 1 unit."
            if full_units == 0
            else f"After {plural(full_units, 'full unit')}, {code}'s {leftover[code]} minutes "
            "left over earn 1 more unit."
        )
        return finding("cms-leftover-units", text, severity="info")
    first = full_units + 1
    joiner = " and " if remaining == 2 else " to "
    which = (
        f"The {ordinal(first)} unit goes"
        if remaining == 1
        else f"The {ordinal(first)}{joiner}{ordinal(total)} units go, one per code,"
    )
    assert cutoff is not None
    winners = [code for code in ranked if leftover[code] > cutoff]
    tied = [code for code in ranked if leftover[code] == cutoff]
    losers = [code for code in leftover if leftover[code] < cutoff]
    verb = "remains" if remaining == 1 else "remain"
    sentences = [f"After {plural(full_units, 'full unit')}, {plural(remaining, 'unit')} {verb}."]
    if len(winners) + len(tied) == remaining:
        named = ", ".join(f"{c} ({leftover[c]} left over)" for c in ranked[:remaining])
        sentences.append(f"{which} to the most leftover minutes: {named}.")
    else:
        if winners:
            named = ", ".join(f"{c} ({leftover[c]})" for c in winners)
            goes = "goes" if len(winners) == 1 else "go"
            sentences.append(
                f"{plural(len(winners), 'unit')} {goes} to the most leftover minutes: {named}."
            )
        still = remaining - len(winners)
        names = f"{', '.join(tied[:-1])} and {tied[-1]}"
        who = (
            "either may take it"
            if still == 1 and len(tied) == 2
            else "any one of them may take it"
            if still == 1
            else f"any {still} of them may take one each"
        )
        sentences.append(
            f"{names} tie with {cutoff} minutes left over for the last "
            f"{'unit' if still == 1 else f'{still} units'}: {who}, so every such answer is right."
        )
    if losers:
        sentences.append(
            "No leftover unit for " + ", ".join(f"{c} ({leftover[c]})" for c in losers) + "."
        )
    return finding("cms-leftover-units", " ".join(sentences), severity="info")


def _result_step(
    method: UnitMethod, alternatives: tuple[dict[str, int], ...], codes: list[tuple[CodeInfo, int]]
) -> Finding:
    def show(allocation: dict[str, int]) -> str:
        return ", ".join(f"{code} x{units}" for code, units in allocation.items()) or "nothing"

    text = "Units: " + " or ".join(show(a) for a in alternatives) + "."
    rule = "cms-leftover-units" if method == "cms" else "per-code-units"
    if not any(info.timed for info, _ in codes):
        rule = "untimed-one-unit"
    return finding(rule, text, severity="info")


def _in_quarter_hours(minutes: int) -> str:
    """The 8-minute table as a person works it: '38 = 2 x 15 + 8: 2 units for the full 15s,
    plus 1 for the 8 or more left over'."""
    full, left = divmod(minutes, 15)
    rest = "plus 1 for the 8 or more left over" if left >= 8 else f"and {left} left over is under 8"
    return f"{minutes} = {full} x 15 + {left}: {plural(full, 'unit')} for the full 15s, {rest}"
