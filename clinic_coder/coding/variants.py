"""Variants: each attempt draws concrete minutes from the case's ranges with a stored seed.

Same seed, same minutes, always: an attempt can be re-rendered and regraded exactly.
"""

import random
import re
from collections.abc import Mapping
from dataclasses import dataclass

from .errors import MAX_MINUTES, MissingPlaceholder

_PLACEHOLDER = re.compile(r"\{([A-Za-z0-9_-]+)\}")


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


def render_note(template: str, minutes: Mapping[str, int]) -> str:
    """Replace each {key} with its minutes. Text in other braces is left as it is."""
    missing = sorted({name for name in _PLACEHOLDER.findall(template) if name not in minutes})
    if missing:
        raise MissingPlaceholder(missing)
    return _PLACEHOLDER.sub(lambda m: str(minutes[m.group(1)]), template)
