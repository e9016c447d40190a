from clinic_coder.coding.grading import score_of
from clinic_coder.coding.serial import line_from_json, line_to_json, mark_from_json, mark_to_json
from clinic_coder.coding.types import ClaimLine, LineMark


def test_it_round_trips_a_claim_line_with_sorted_modifiers() -> None:
    line = ClaimLine("97140", 23, 2, frozenset({"XS", "GP"}))
    data = line_to_json(line)
    assert data == {"code": "97140", "minutes": 23, "units": 2, "modifiers": ["GP", "XS"]}
    assert line_from_json(data) == line


def test_it_round_trips_a_mark() -> None:
    mark = LineMark("97124", "partly_right", 0.7, ("units: 1, the key has 2",))
    assert mark_from_json(mark_to_json(mark)) == mark


def test_it_scores_marks_by_the_documented_formula() -> None:
    right = LineMark("97140", "right", 1.0)
    partly = LineMark("97110", "partly_right", 0.7)
    extra = LineMark("97010", "extra", -0.5)
    assert score_of([right, partly]) == 85
    assert score_of([right, partly, extra]) == 60
    # Nothing billable: recognising it is worth one line, so one extra line halves the score.
    assert score_of([]) == 100
    assert score_of([extra]) == 50
    # A 0-unit line is an "extra" mark with no credit: it changes nothing.
    assert score_of([right, LineMark("97035", "extra", 0.0)]) == 100
