"""Errors the engine raises for bad input data (never for a student's answer: grading never raises).

All are ValueError subclasses so that a form's clean() or a management command can catch one
family and show the message as it is.
"""

from collections.abc import Iterable

# A visit is at most a day long; anything above is a typing error, not a treatment.
MAX_MINUTES = 1440


class UnknownCode(ValueError):
    def __init__(self, code: object) -> None:
        self.code = code
        super().__init__(
            f"Unknown code {code!r}: it is not in the code catalog. "
            "Check the spelling, or add it as a clinic code first."
        )


class BadMinutes(ValueError):
    def __init__(self, what: str, minutes: object) -> None:
        self.what = what
        self.minutes = minutes
        super().__init__(
            f"{what}: minutes must be a whole number from 0 to {MAX_MINUTES}, not {minutes!r}."
        )


class UnknownProfile(ValueError):
    def __init__(self, key: object, known: Iterable[str]) -> None:
        self.key = key
        super().__init__(
            f"Unknown payer profile {key!r}. Known profiles: {', '.join(sorted(known))}."
        )


class BadCase(ValueError):
    """The documented services of a case cannot be coded as written (an authoring mistake)."""

    def __init__(self, problems: Iterable[str]) -> None:
        self.problems = tuple(problems)
        super().__init__("This case cannot be coded as written: " + " ".join(self.problems))


class MissingPlaceholder(ValueError):
    def __init__(self, names: Iterable[str]) -> None:
        self.names = tuple(names)
        super().__init__(
            "The note mentions "
            + ", ".join("{" + name + "}" for name in self.names)
            + " but no minutes were drawn for "
            + ("it." if len(self.names) == 1 else "them.")
        )


def check_minutes(what: str, minutes: object) -> int:
    """Return minutes as an int, or raise BadMinutes; bools are refused although they are ints."""
    if isinstance(minutes, bool) or not isinstance(minutes, int):
        raise BadMinutes(what, minutes)
    if not 0 <= minutes <= MAX_MINUTES:
        raise BadMinutes(what, minutes)
    return minutes
