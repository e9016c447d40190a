"""The JSON shapes of claim lines and marks, as attempts store them and the command prints them."""

from .types import ClaimLine, LineMark


def line_to_json(line: ClaimLine) -> dict:
    data = {
        "code": line.code,
        "minutes": line.minutes,
        "units": line.units,
        "modifiers": sorted(line.modifiers),
    }
    if line.pointers:  # only lines of a case with diagnoses have them
        data["pointers"] = list(line.pointers)
    return data


def line_from_json(data: dict) -> ClaimLine:
    return ClaimLine(
        code=data["code"],
        minutes=data.get("minutes"),
        units=data["units"],
        modifiers=frozenset(data.get("modifiers", ())),
        pointers=tuple(data.get("pointers", ())),
    )


def mark_to_json(mark: LineMark) -> dict:
    return {
        "code": mark.code,
        "status": mark.status,
        "credit": mark.credit,
        "reasons": list(mark.reasons),
    }


def mark_from_json(data: dict) -> LineMark:
    return LineMark(
        code=data["code"],
        status=data["status"],
        credit=float(data["credit"]),
        reasons=tuple(data.get("reasons", ())),
    )
