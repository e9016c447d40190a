"""Grading box 21 and the 24E pointers (coding/diagnoses.py): pure, no database."""

from dataclasses import replace

import pytest

from clinic_coder.coding.diagnoses import (
    BOX21_MARK,
    POINTERS_MARK,
    default_diagnoses,
    normalize_dx,
    with_diagnoses,
)
from clinic_coder.coding.grading import grade, score_of
from clinic_coder.coding.rules import RULES
from clinic_coder.coding.skills import SKILLS
from clinic_coder.coding.types import (
    ClaimLine,
    DiagnosisKey,
    ExpectedClaim,
    Finding,
    Grade,
    PayerProfile,
)

from .factory import COMMERCIAL_CMS, COMMERCIAL_PER_CODE, MEDICARE, derive, make_service


def graded(
    expected: ExpectedClaim, lines: list[ClaimLine], box21: list[str], profile: PayerProfile
) -> Grade:
    result = grade(expected, lines, profile, diagnoses=box21)
    for f in result.findings:
        assert f.rule_id in RULES and f.skill in SKILLS, f
    return result


def rule_ids(result: Grade) -> list[str]:
    return [f.rule_id for f in result.findings]


def the_finding(result: Grade, rule_id: str) -> Finding:
    (found,) = [f for f in result.findings if f.rule_id == rule_id]
    return found


def line(code: str, *modifiers: str, pointers: str = "", units: int = 1) -> ClaimLine:
    return ClaimLine(code, units=units, modifiers=frozenset(modifiers), pointers=tuple(pointers))


def dx_marks(result: Grade) -> dict[str, tuple[str, float]]:
    return {
        m.code: (m.status, m.credit) for m in result.marks if m.code in {BOX21_MARK, POINTERS_MARK}
    }


# Medicare: lumbar CMT, and myofascial release of the right shoulder (97140 59/XS)
SHOULDER_VISIT = with_diagnoses(
    derive(
        make_service("spinal_cmt", "lumbar"),
        make_service("myofascial_release", "upper_extremity", minutes=15),
        profile=MEDICARE,
    ),
    ["M99.03", "M54.50", "M25.511"],
    [["M99.03", "M54.50"], ["M25.511"]],
)
SHOULDER_BOX = ["M99.03", "M54.50", "M25.511"]


def shoulder_answer(cmt: str = "AB", therapy: str = "C") -> list[ClaimLine]:
    return [line("98940", "AT", pointers=cmt), line("97140", "GP", "GY", "XS", pointers=therapy)]


def test_it_gives_the_key_its_pointers_in_box_21_order() -> None:
    cmt, therapy = SHOULDER_VISIT.claim
    assert cmt.pointers == ("A", "B")
    assert therapy.pointers == ("C",)


def test_it_keeps_the_secondary_condition_among_a_cmt_lines_four_pointers() -> None:
    """Five regions manipulated: five M99 codes come before the secondary in box 21, and a
    line holds four pointers. The key keeps three subluxations and the secondary (Medicare
    wants both on the CMT line), so the derived key grades 100 under the engine's own rules."""
    regions = ["cervical", "thoracic", "lumbar", "sacral", "pelvic"]
    box = ["M99.01", "M99.02", "M99.03", "M99.04", "M99.05", "M54.50"]
    visit = with_diagnoses(
        derive(make_service("spinal_cmt", *regions), profile=MEDICARE), box, [box]
    )
    (cmt,) = visit.claim
    assert cmt.pointers == ("A", "B", "C", "F")
    result = graded(visit, [replace(cmt, units=1)], box, MEDICARE)
    assert result.score == 100, result.findings


def test_it_gives_100_for_the_right_diagnoses_and_pointers() -> None:
    result = graded(SHOULDER_VISIT, shoulder_answer(), SHOULDER_BOX, MEDICARE)
    assert result.score == 100
    assert dx_marks(result) == {BOX21_MARK: ("right", 1.0), POINTERS_MARK: ("right", 1.0)}
    assert result.findings == ()


def test_it_scores_diagnoses_as_two_more_key_lines() -> None:
    # Two procedure lines right (20 tenths) + box 21 right (10) + pointers 1 of 2 lines (5).
    result = graded(SHOULDER_VISIT, shoulder_answer(therapy="A"), SHOULDER_BOX, MEDICARE)
    assert dx_marks(result)[POINTERS_MARK] == ("partly_right", 0.5)
    assert result.score == round(100 * 35 / 40)
    assert score_of(result.marks) == result.score


def test_it_wants_the_59_line_to_point_to_the_region_not_manipulated() -> None:
    result = graded(SHOULDER_VISIT, shoulder_answer(therapy="AC"), SHOULDER_BOX, MEDICARE)
    found = the_finding(result, "dx-pointer-distinct-region")
    assert "97140" in found.message and "lumbar" in found.message
    assert "M25.511" in found.message
    assert found.line_code == "97140"


def test_it_wants_medicare_cmt_to_list_the_subluxation_first() -> None:
    result = graded(
        SHOULDER_VISIT, shoulder_answer(cmt="BA"), ["M54.50", "M99.03", "M25.511"], MEDICARE
    )
    found = the_finding(result, "medicare-cmt-m99-primary")
    assert "not a segmental dysfunction code" in found.message
    assert dx_marks(result)[BOX21_MARK] == ("partly_right", 0.5)
    assert "dx-first-listed" not in rule_ids(result)


def test_it_wants_the_subluxation_at_the_level_treated() -> None:
    result = graded(
        SHOULDER_VISIT,
        shoulder_answer(cmt="BC", therapy="D"),
        ["M99.02", "M99.03", "M54.50", "M25.511"],
        MEDICARE,
    )
    primary = [f for f in result.findings if f.rule_id == "medicare-cmt-m99-primary"]
    assert "thoracic region, which was not manipulated" in primary[0].message
    # M99.02 is not documented either: it costs the unsupported-code penalty.
    assert "M99.02" in the_finding(result, "dx-documented").message


def test_it_wants_a_secondary_condition_for_medicare_cmt() -> None:
    result = graded(
        SHOULDER_VISIT, shoulder_answer(cmt="A", therapy="B"), ["M99.03", "M25.511"], MEDICARE
    )
    messages = [f.message for f in result.findings if f.rule_id == "medicare-cmt-secondary"]
    assert len(messages) == 2  # box 21 and the CMT line's pointers
    assert all("M54.50" in m for m in messages)


def test_it_counts_the_regions_the_diagnoses_support_for_the_cmt_level() -> None:
    expected = with_diagnoses(
        derive(make_service("spinal_cmt", "cervical", "thoracic", "lumbar"), profile=MEDICARE),
        ["M99.01", "M99.02", "M99.03", "M54.2"],
        [["M99.01", "M99.02", "M99.03", "M54.2"]],
    )
    assert expected.claim[0].code == "98941"
    right = graded(
        expected,
        [line("98941", "AT", pointers="ABCD")],
        ["M99.01", "M99.02", "M99.03", "M54.2"],
        MEDICARE,
    )
    assert right.score == 100
    short = graded(
        expected, [line("98941", "AT", pointers="ABC")], ["M99.01", "M99.03", "M54.2"], MEDICARE
    )
    found = the_finding(short, "cmt-regions-supported")
    assert "98941" in found.message and "2 (cervical, lumbar)" in found.message


def test_it_explains_a_wrong_seventh_character() -> None:
    expected = with_diagnoses(
        derive(make_service("myofascial_release", "cervical", minutes=20)),
        ["S16.1XXA"],
        [["S16.1XXA"]],
    )
    result = graded(expected, [line("97140", pointers="A")], ["S16.1XXD"], COMMERCIAL_CMS)
    found = the_finding(result, "dx-seventh-character")
    assert "S16.1XXD ends in D, subsequent encounter" in found.message
    assert "A, initial encounter" in found.message
    # The pointer still names the strain: only box 21 loses its points.
    assert dx_marks(result) == {BOX21_MARK: ("wrong", 0.0), POINTERS_MARK: ("right", 1.0)}


def test_it_explains_a_missing_seventh_character() -> None:
    expected = with_diagnoses(
        derive(make_service("myofascial_release", "cervical", minutes=20)),
        ["S13.4XXA"],
        [["S13.4XXA"]],
    )
    result = graded(expected, [line("97140", pointers="A")], ["S13.4"], COMMERCIAL_CMS)
    assert "7th character" in the_finding(result, "dx-seventh-character").message


def test_it_wants_a_complete_code() -> None:
    expected = with_diagnoses(
        derive(make_service("myofascial_release", "lumbar", minutes=20)), ["M54.16"], [["M54.16"]]
    )
    result = graded(expected, [line("97140", pointers="A")], ["M54.1"], COMMERCIAL_CMS)
    assert "M54.1 is a category" in the_finding(result, "dx-specificity").message


@pytest.mark.parametrize(
    ("written", "words"),
    [("M25.512", "not the left"), ("M25.519", "unspecified-side code is wrong")],
)
def test_it_explains_the_wrong_side(written: str, words: str) -> None:
    expected = with_diagnoses(
        derive(make_service("myofascial_release", "upper_extremity", minutes=20)),
        ["M25.511"],
        [["M25.511"]],
    )
    result = graded(expected, [line("97140", pointers="A")], [written], COMMERCIAL_CMS)
    assert words in the_finding(result, "dx-laterality").message


def test_it_costs_points_for_a_diagnosis_the_note_does_not_document() -> None:
    expected = with_diagnoses(
        derive(make_service("myofascial_release", "lumbar", minutes=20)),
        ["M54.50"],
        [["M54.50"]],
    )
    result = graded(
        expected, [line("97140", pointers="A")], ["M54.50", "M79.7", "Z99.99"], COMMERCIAL_CMS
    )
    assert "M79.7" in the_finding(result, "dx-documented").message
    assert "Z99.99" in the_finding(result, "dx-unknown-code").message
    assert dx_marks(result)[BOX21_MARK] == ("partly_right", 0.6)


def test_it_wants_the_visits_reason_first() -> None:
    expected = with_diagnoses(
        derive(make_service("myofascial_release", "lumbar", minutes=20)),
        ["M54.16", "R26.81"],
        [["M54.16", "R26.81"]],
    )
    result = graded(expected, [line("97140", pointers="BA")], ["R26.81", "M54.16"], COMMERCIAL_CMS)
    assert "list it first" in the_finding(result, "dx-first-listed").message
    assert dx_marks(result)[BOX21_MARK] == ("partly_right", 0.5)


def test_it_finds_a_pointer_to_an_empty_letter_or_none_at_all() -> None:
    result = graded(SHOULDER_VISIT, shoulder_answer(therapy="E"), SHOULDER_BOX, MEDICARE)
    assert "points to E: box 21 has nothing there" in the_finding(result, "dx-pointer").message
    result = graded(SHOULDER_VISIT, shoulder_answer(therapy=""), SHOULDER_BOX, MEDICARE)
    assert "no diagnosis pointer" in the_finding(result, "dx-pointer").message


def test_it_gives_no_diagnosis_credit_without_diagnoses() -> None:
    result = graded(SHOULDER_VISIT, shoulder_answer(cmt="", therapy=""), [], MEDICARE)
    assert dx_marks(result) == {BOX21_MARK: ("wrong", 0.0), POINTERS_MARK: ("wrong", 0.0)}
    assert result.score == 50


def test_it_grades_a_case_without_diagnoses_on_its_lines_alone() -> None:
    expected = derive(make_service("myofascial_release", "lumbar", minutes=20))
    plain = grade(expected, [line("97140")], COMMERCIAL_CMS)
    with_box = grade(
        expected, [line("97140", pointers="A")], COMMERCIAL_CMS, diagnoses=["M54.50", "junk"]
    )
    assert plain == with_box
    assert plain.score == 100 and len(plain.marks) == 1


def test_it_never_raises_on_hostile_diagnoses() -> None:
    result = graded(
        SHOULDER_VISIT,
        [replace(line("98940", "AT"), pointers=("", "zz", 7)), line("97140", pointers="🙂")],  # type: ignore[arg-type]
        [None, 12, "", "M99.03" * 10],  # type: ignore[list-item]
        MEDICARE,
    )
    assert 0 <= result.score <= 100


def test_it_reads_codes_however_they_are_typed() -> None:
    assert normalize_dx(" m9903 ") == "M99.03"
    assert normalize_dx("s13.4xxa") == "S13.4XXA"
    assert normalize_dx("R26") == "R26"


def test_it_finds_codes_by_number_or_words() -> None:
    codes = default_diagnoses()
    assert [i.code for i in codes.search("m99.0")][:3] == ["M99.00", "M99.01", "M99.02"]
    assert "M25.511" in [i.code for i in codes.search("right shoulder pain")]
    assert codes.search("   ") == []


def test_it_lets_massage_on_the_manipulated_region_point_to_that_region() -> None:
    # A commercial payer that allows massage on the manipulated region with 59 or XU.
    expected = with_diagnoses(
        derive(
            make_service("spinal_cmt", "lumbar"),
            make_service("swedish_massage", "lumbar", minutes=20),
            profile=COMMERCIAL_PER_CODE,
        ),
        ["M99.03", "M54.50"],
        [["M99.03", "M54.50"], ["M54.50"]],
    )
    massage = next(key for key in expected.claim if key.code == "97124")
    assert "XS" not in massage.modifiers
    answer = [line("98940", pointers="AB"), line("97124", "59", pointers="B")]
    assert graded(expected, answer, ["M99.03", "M54.50"], COMMERCIAL_PER_CODE).score == 100
    # Pointing it to the subluxation is wrong, but not for being on the manipulated region.
    answer = [line("98940", pointers="AB"), line("97124", "59", pointers="A")]
    result = graded(expected, answer, ["M99.03", "M54.50"], COMMERCIAL_PER_CODE)
    assert rule_ids(result) == ["dx-pointer"]


def test_it_knows_an_incomplete_code_from_an_unknown_one() -> None:
    codes = default_diagnoses()
    assert codes.is_incomplete("M54.1") and codes.is_incomplete("s13.4xx")
    assert not codes.is_incomplete("M54.16")  # complete
    assert not codes.is_incomplete("M5") and not codes.is_incomplete("Z99.9")


def test_it_explains_an_incomplete_code_of_an_undocumented_condition() -> None:
    expected = with_diagnoses(
        derive(make_service("myofascial_release", "cervical", minutes=20)), ["M54.2"], [["M54.2"]]
    )
    result = graded(expected, [line("97140", pointers="A")], ["M54.2", "M54.1"], COMMERCIAL_CMS)
    assert "M54.1 is not complete" in the_finding(result, "dx-specificity").message
    assert "dx-unknown-code" not in rule_ids(result)


def test_it_grades_no_diagnoses_for_a_key_with_an_empty_box_21() -> None:
    expected = replace(
        derive(make_service("myofascial_release", "cervical", minutes=20)),
        diagnoses=DiagnosisKey(codes=()),
    )
    result = graded(expected, [line("97140")], ["M54.2"], COMMERCIAL_CMS)
    assert result.score == 100 and len(result.marks) == 1


def test_it_lets_a_sacral_subluxation_code_support_a_sacroiliac_manipulation() -> None:
    # ICD puts the sacroiliac joint in the sacral region (M99.04); CPT counts it as pelvic.
    expected = with_diagnoses(
        derive(make_service("spinal_cmt", "lumbar", "pelvic"), profile=MEDICARE),
        ["M99.03", "M99.04", "M54.50"],
        [["M99.03", "M99.04", "M54.50"]],
    )
    result = graded(
        expected, [line("98940", "AT", pointers="ABC")], ["M99.04", "M99.03", "M54.50"], MEDICARE
    )
    assert result.score == 100
    assert rule_ids(result) == []
