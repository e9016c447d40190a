"""Feedback a novice reads literally: each finding names what the student wrote and the real
cause, and a documented service that only earned no unit is not called a service never done."""

from clinic_coder.coding.grading import grade
from clinic_coder.coding.skills import SKILLS

from .factory import COMMERCIAL_CMS, COMMERCIAL_PER_CODE, MEDICARE, answer, derive, make_service


def test_it_does_not_blame_the_hot_pack_for_minutes_another_timed_line_explains() -> None:
    expected = derive(
        make_service("hot_pack", "lumbar", minutes=10),
        make_service("swedish_massage", "thoracic", "lumbar", minutes=14),
        make_service("balance_training", minutes=10),
        profile=COMMERCIAL_PER_CODE,
    )
    # 97112 written for the massage with 2 units: 14 + the hot pack's 10 give 2, but so do
    # 14 + the 97112 line's own 10. The hot pack is no more likely than the other line.
    lines = [answer("97010"), answer("97112", minutes=10), answer("97112", 2, minutes=14)]
    result = grade(expected, lines, COMMERCIAL_PER_CODE)
    assert "untimed-minutes-not-timed" not in [f.rule_id for f in result.findings]


def test_it_names_the_code_the_student_wrote_when_blaming_untimed_minutes() -> None:
    expected = derive(
        make_service("hot_pack", "lumbar", minutes=10),
        make_service("swedish_massage", "thoracic", "lumbar", minutes=14),
        profile=COMMERCIAL_PER_CODE,
    )
    result = grade(expected, [answer("97010"), answer("97112", 2)], COMMERCIAL_PER_CODE)
    (found,) = [f for f in result.findings if f.rule_id == "untimed-minutes-not-timed"]
    assert found.line_code == "97112"
    assert found.message.startswith("Your 97112 line for the service the key codes 97124:")
    assert "14 minutes + 10 minutes of hot pack = 24 minutes" in found.message


def test_it_does_not_blame_untimed_minutes_when_the_written_minutes_give_the_units() -> None:
    expected = derive(
        make_service("hot_pack", "lumbar", minutes=10),
        make_service("therapeutic_exercise", minutes=20),
    )
    # 20 + 10 = 30 minutes give 2 units, but the student wrote 25 minutes on the line: the
    # units follow that slip (the minutes warning names it), not the hot pack.
    result = grade(expected, [answer("97010"), answer("97110", 2, minutes=25)], COMMERCIAL_CMS)
    ids = [f.rule_id for f in result.findings]
    assert "untimed-minutes-not-timed" not in ids
    assert "minutes-match-note" in ids


def test_it_says_a_documented_code_earned_no_unit_instead_of_over_coding() -> None:
    expected = derive(
        make_service("therapeutic_exercise", minutes=18),
        make_service("joint_mobilization", "lower_extremity", minutes=13),
        make_service("gait_training", minutes=10),
        make_service("ultrasound", "lower_extremity", minutes=8),
        profile=MEDICARE,
        provider="physical_therapist",
    )
    lines = [answer(code, 1, "GP") for code in ("97110", "97140", "97116", "97035")]
    result = grade(expected, lines, MEDICARE)
    (mark,) = [m for m in result.marks if m.code == "97035"]
    assert mark.status == "extra"
    (reason,) = mark.reasons
    assert "not on the key" not in reason
    assert reason.startswith("documented, but its minutes earned no unit under the 8-minute rule")
    assert "49 timed minutes give 3 units" in reason


def test_it_says_a_documented_code_under_8_minutes_earned_no_unit_per_code() -> None:
    expected = derive(
        make_service("therapeutic_exercise", minutes=20),
        make_service("ultrasound", "lumbar", minutes=7),
        profile=COMMERCIAL_PER_CODE,
    )
    result = grade(expected, [answer("97110"), answer("97035")], COMMERCIAL_PER_CODE)
    (mark,) = [m for m in result.marks if m.code == "97035"]
    assert mark.reasons == (
        "documented, but its minutes earned no unit under the per-code rule: 7 minutes on its "
        "own, and under 8 minutes is no unit; a unit billed for it is over-coding",
    )


def test_it_says_a_documented_code_a_rule_leaves_off_the_claim_was_documented() -> None:
    expected = derive(
        make_service("spinal_cmt", "cervical"),
        make_service("myofascial_release", "cervical", minutes=11),
    )
    result = grade(expected, [answer("98940"), answer("97140")], COMMERCIAL_CMS)
    (mark,) = [m for m in result.marks if m.code == "97140"]
    assert mark.status == "extra"
    assert mark.reasons == (
        "documented, but left off the claim (Manual therapy with CMT); a line billed for it is "
        "over-coding",
    )


def test_it_names_the_medicare_bundling_of_a_documented_hot_pack() -> None:
    expected = derive(
        make_service("hot_pack", "lumbar", minutes=10),
        make_service("therapeutic_exercise", minutes=10),
        profile=MEDICARE,
        provider="physical_therapist",
    )
    result = grade(expected, [answer("97110", 1, "GP"), answer("97010")], MEDICARE)
    (mark,) = [m for m in result.marks if m.code == "97010"]
    assert "not on the key" not in mark.reasons[0]
    assert "(Medicare: hot and cold packs are bundled)" in mark.reasons[0]


def test_it_still_calls_a_code_the_note_never_mentions_over_coding() -> None:
    expected = derive(make_service("therapeutic_exercise", minutes=20))
    result = grade(expected, [answer("97110"), answer("97124")], COMMERCIAL_CMS)
    assert result.marks[-1].reasons == ("not on the key: over-coding",)


def test_it_labels_skills_in_plain_words() -> None:
    assert SKILLS["modifiers"] == "Distinct-service modifiers (59, XE, XP, XS, XU)"
    assert all("{" not in label for label in SKILLS.values())
