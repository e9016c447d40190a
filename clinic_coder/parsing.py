"""Reading numbers that people (or forged requests) type."""


def whole_number(value: str | None, max_digits: int = 9) -> int | None:
    """A non-negative whole number typed in ASCII digits, or None.

    str.isdigit() alone is not enough: it is True for "²", which int() refuses.
    """
    if value and value.isascii() and value.isdecimal() and len(value) <= max_digits:
        return int(value)
    return None
