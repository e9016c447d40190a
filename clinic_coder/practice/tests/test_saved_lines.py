"""Draft rows are stored as typed; only rows that fit an answer line are graded from them."""

from clinic_coder.coding.types import ClaimLine
from clinic_coder.practice.workflows import MAX_ANSWER_LINES, line_from_dict, lines_from_draft


def test_it_reads_a_row_as_typed():
    row = {"code": " 97140 ", "minutes": "24", "units": "2", "modifiers": "gp, 59"}
    assert line_from_dict(row) == ClaimLine("97140", 24, 2, frozenset({"GP", "59"}))


def test_it_drops_a_code_too_long_for_an_answer_line():
    assert line_from_dict({"code": "9" * 13, "units": "1"}) is None
    assert line_from_dict({"code": "9" * 12, "units": "1"}) is not None


def test_it_drops_a_code_with_other_characters():
    assert line_from_dict({"code": "97<b>", "units": "1"}) is None
    assert line_from_dict({"code": "G0283", "units": "1"}).code == "G0283"


def test_it_keeps_only_modifiers_of_two_letters_or_digits():
    line = line_from_dict({"code": "97140", "units": "1", "modifiers": "GP " + "X" * 500})
    assert line.modifiers == frozenset({"GP"})


def test_it_grades_at_most_a_full_builder_of_rows():
    rows = [{"code": "97140", "units": "1"}] * 50 + ["not a row", {"code": ""}]
    assert len(lines_from_draft(rows)) == MAX_ANSWER_LINES


def test_it_reads_a_saved_lines_pointers_as_typed():
    from clinic_coder.practice.workflows import pointers_from_text

    row = {"code": "97140", "units": "1", "pointers": "c, a x A"}
    assert line_from_dict(row).pointers == ("C", "A")
    assert pointers_from_text("ABCDEFG") == ("A", "B", "C", "D")
    assert pointers_from_text(None) == ()


def test_it_reads_a_saved_box_21_as_typed():
    from clinic_coder.practice.workflows import diagnoses_from_draft

    assert diagnoses_from_draft(["m9903", "", 7, "S13.4XXA"]) == ["M99.03", "", "", "S13.4XXA"]
    assert diagnoses_from_draft("M99.03") == []
    assert len(diagnoses_from_draft(["M54.2"] * 20)) == 12
