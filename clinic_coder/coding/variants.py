"""Variants: each attempt draws concrete minutes from the case's ranges with a stored seed.

Same seed, same minutes, always: an attempt can be re-rendered and regraded exactly.
"""

import random
import re
from collections.abc import Mapping
from dataclasses import dataclass

from .errors import MAX_MINUTES, MissingPlaceholder

# What a placeholder is, for the editor, the importer and the renderer alike: a service key
# (a lower-case letter, then lower-case letters, digits and _) in braces. Anything else in
# braces, such as "{VAS}" or "{ note }", is the note's own text and is shown as written.
PLACEHOLDER = re.compile(r"\{([a-z][a-z0-9_]*)\}")


@dataclass(frozen=True)
class MinuteRange:
    low: int
    high: int

    def __post_init__(self) -> None:
        for value in (self.low, self.high):
            if isinstance(value, bool) or not isinstance(value, int):
                raise ValueError(f"Minute range bounds must be whole numbers, not {value!r}.")
        if not 0 <= self.low <= self.high <= MAX_MINUTES:
            raise ValueError(
                f"Minute range {self.low}-{self.high} must run low to high within 0-{MAX_MINUTES}."
            )


def draw_minutes(seed: int, ranges: Mapping[str, MinuteRange]) -> dict[str, int]:
    """One whole number of minutes per key, inclusive of both bounds."""
    rng = random.Random(seed)
    # Sorted keys: the draw must not depend on the order the ranges were stored in.
    return {key: rng.randint(ranges[key].low, ranges[key].high) for key in sorted(ranges)}


def placeholders(template: str) -> set[str]:
    """The service keys a note shows minutes for."""
    return set(PLACEHOLDER.findall(template))


def render_note(template: str, minutes: Mapping[str, int]) -> str:
    """Replace each {key} with its minutes. Text in other braces is left as it is."""
    missing = sorted(name for name in placeholders(template) if name not in minutes)
    if missing:
        raise MissingPlaceholder(missing)
    return PLACEHOLDER.sub(lambda m: str(minutes[m.group(1)]), template)


def note_problems(
    note: str, minutes: Mapping[str, tuple[int, int] | None], *, publishing: bool = False
) -> list[str]:
    """What does not match between a note and its services, in both directions: the one
    check for the editor, the importer and publishing.

    minutes maps each service's key to its (low, high) minutes, None for a service without
    minutes. Always: every placeholder names a service with minutes, and a service with a
    minute range shows them (each variant draws other minutes). To publish, every service with
    minutes must also show them through its placeholder, so the minutes the key bills are the
    minutes the student reads; a draft may still be missing some.
    """
    shown = placeholders(note)
    problems = [
        f"{{{name}}} is not the key of any service. (Braces around anything else, such "
        "as {VAS}, are shown as written.)"
        for name in sorted(shown - set(minutes))
    ]
    untimed = {key for key, span in minutes.items() if span is None}
    problems += [
        f"Service {name!r} has no minutes, so the note cannot show {{{name}}}."
        for name in sorted(shown & untimed)
    ]
    ranged = {key for key, span in minutes.items() if span is not None and span[0] != span[1]}
    problems += [
        f"Service {name!r} has a minute range, so the note must show its minutes as {{{name}}}."
        for name in sorted(ranged - shown)
    ]
    if publishing:
        fixed = {key for key, span in minutes.items() if span is not None} - ranged
        problems += [
            f"Service {name!r} is not in the note: write {{{name}}} where its minutes go, so "
            "students read the minutes the key bills."
            for name in sorted(fixed - shown)
        ]
    return problems
