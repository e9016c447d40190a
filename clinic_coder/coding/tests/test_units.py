import pytest
from hypothesis import given
from hypothesis import strategies as st

from clinic_coder.coding.catalog import Catalog, CodeInfo, default_catalog
from clinic_coder.coding.errors import BadMinutes, UnknownCode
from clinic_coder.coding.units import band, cms_units, per_code_units, units_for_minutes

TIMED = ["97124", "97140", "97112", "97110", "97530", "97116", "97035", "97032", "97033"]
UNTIMED = ["97010", "97012", "97014", "G0283", "97018", "97026", "98940", "98943", "99213"]


def allocations(result) -> list[dict[str, int]]:
    return [dict(a) for a in result.alternatives]


# The four worked examples of coding-rules.md section 3 (CMS manual ch. 5, 20.2)


def test_it_gives_the_third_unit_to_the_most_leftover_minutes() -> None:
    result = cms_units({"97112": 24, "97110": 23})
    assert result.timed_units == 3
    assert allocations(result) == [{"97112": 2, "97110": 1}]


def test_it_accepts_either_code_when_leftovers_tie() -> None:
    result = cms_units({"97112": 20, "97110": 20})
    assert result.timed_units == 3
    assert allocations(result) == [{"97112": 2, "97110": 1}, {"97112": 1, "97110": 2}]


def test_it_lets_a_code_under_8_minutes_win_a_leftover_unit() -> None:
    result = cms_units({"97110": 33, "97140": 7})
    assert allocations(result) == [{"97110": 2, "97140": 1}]


def test_it_leaves_the_smallest_leftover_without_a_unit() -> None:
    result = cms_units({"97110": 18, "97140": 13, "97116": 10, "97035": 8})
    assert result.total_timed_minutes == 49
    assert allocations(result) == [{"97110": 1, "97140": 1, "97116": 1, "97035": 0}]


def test_it_explains_the_arithmetic() -> None:
    result = cms_units({"97112": 24, "97110": 23})
    text = " ".join(step.message for step in result.steps)
    assert "97112 24 + 97110 23 = 47" in text
    assert "47 timed minutes give 3 units" in text
    assert "97112 has 24 minutes: 1 full unit and 9 left over" in text
    assert "97110 has 23 minutes: 1 full unit and 8 left over" in text
    assert "The 3rd unit goes to the most leftover minutes: 97112 (9 left over)" in text


def test_it_says_every_tied_answer_is_right() -> None:
    result = cms_units({"97112": 20, "97110": 20})
    text = " ".join(step.message for step in result.steps)
    assert "97112 and 97110 tie with 5 minutes left over" in text
    assert "either may take it" in text


# The table and its boundaries


@pytest.mark.parametrize(
    ("minutes", "units"),
    [
        (0, 0),
        (7, 0),
        (8, 1),
        (22, 1),
        (23, 2),
        (37, 2),
        (38, 3),
        (52, 3),
        (53, 4),
        (67, 4),
        (68, 5),
        (82, 5),
        (83, 6),
        (97, 6),
        (98, 7),
        (112, 7),
        (113, 8),
        (127, 8),
        (128, 9),
        (142, 9),
        (143, 10),
    ],
)
def test_it_follows_the_unit_table_at_every_boundary(minutes: int, units: int) -> None:
    assert units_for_minutes(minutes) == units
    assert cms_units({"97110": minutes}).timed_units == units
    assert per_code_units({"97110": minutes}).units["97110"] == units


def test_it_names_the_band_in_words() -> None:
    assert band(23) == "23-37 minutes is 2 units"
    assert band(8) == "8-22 minutes is 1 unit"
    assert band(7) == "under 8 minutes is no unit"


def test_it_does_not_bill_a_lone_timed_service_under_8_minutes() -> None:
    result = cms_units({"97140": 7})
    assert result.units == {"97140": 0}
    assert any(step.rule_id == "lone-timed-under-8" for step in result.steps)


def test_it_bills_two_short_codes_together_under_cms() -> None:
    # 4 + 4 = 8 minutes: one unit, to either code (tie).
    result = cms_units({"97140": 4, "97110": 4})
    assert allocations(result) == [{"97140": 1, "97110": 0}, {"97140": 0, "97110": 1}]


def test_it_never_gives_a_code_two_leftover_units() -> None:
    # Remaining units equal the codes with leftovers: every code with 14 left over gets one.
    result = cms_units({"97140": 14, "97110": 14, "97112": 14})
    assert result.timed_units == 3  # (42 + 7) // 15
    assert allocations(result) == [{"97140": 1, "97110": 1, "97112": 1}]


def test_it_hands_out_no_leftover_units_when_full_units_use_them_all() -> None:
    result = cms_units({"97110": 30, "97140": 5})
    assert result.timed_units == 2  # 35 minutes
    assert allocations(result) == [{"97110": 2, "97140": 0}]


def test_it_lists_every_combination_when_more_codes_tie_than_units_remain() -> None:
    result = cms_units({"97140": 10, "97110": 10, "97112": 10})
    assert result.timed_units == 2  # 30 minutes
    assert len(result.alternatives) == 3
    assert all(sum(a.values()) == 2 and max(a.values()) == 1 for a in result.alternatives)


def test_it_gives_untimed_codes_one_unit_and_ignores_their_minutes() -> None:
    result = cms_units({"97110": 20, "97014": 15, "97010": 10})
    assert result.total_timed_minutes == 20
    assert result.units == {"97110": 1, "97014": 1, "97010": 1}
    assert result.timed_units == 1
    assert result.total_units == 3


def test_it_gives_untimed_codes_one_unit_per_code_too() -> None:
    result = per_code_units({"97012": 20, "97110": 8})
    assert result.units == {"97012": 1, "97110": 1}


def test_it_counts_each_code_on_its_own_minutes_per_code() -> None:
    result = per_code_units({"97110": 8, "97140": 8})
    assert result.units == {"97110": 1, "97140": 1}
    assert cms_units({"97110": 8, "97140": 8}).timed_units == 1


def test_it_does_not_rescue_a_7_minute_code_per_code() -> None:
    assert per_code_units({"97110": 33, "97140": 7}).units == {"97110": 2, "97140": 0}


def test_it_uses_the_catalog_for_clinic_codes() -> None:
    catalog = default_catalog().with_codes(
        [CodeInfo("19-NC", "Clinic soft-tissue service", True, "clinic")]
    )
    assert cms_units({"19-nc": 23}, catalog).units == {"19-NC": 2}


@pytest.mark.parametrize("minutes", [-1, 1441, 10_000, "20", 2.5, None, True])
def test_it_refuses_bad_minutes(minutes: object) -> None:
    with pytest.raises(BadMinutes, match="minutes must be a whole number"):
        cms_units({"97110": minutes})  # type: ignore[dict-item]
    with pytest.raises(BadMinutes):
        per_code_units({"97110": minutes})  # type: ignore[dict-item]


def test_it_refuses_unknown_codes() -> None:
    with pytest.raises(UnknownCode, match="'99999'"):
        cms_units({"99999": 10})


def test_it_refuses_one_code_given_twice() -> None:
    with pytest.raises(ValueError, match="given twice"):
        cms_units({"97110": 10, " 97110": 10})


def test_it_handles_no_codes() -> None:
    result = cms_units({})
    assert result.units == {} and result.alternatives == ({},) and result.timed_units == 0


# Properties

timed_minutes = st.dictionaries(
    st.sampled_from(TIMED), st.integers(min_value=0, max_value=200), max_size=6
)
mixed_minutes = st.dictionaries(
    st.sampled_from(TIMED + UNTIMED), st.integers(min_value=0, max_value=200), max_size=8
)


@given(mixed_minutes)
def test_it_gives_the_table_units_for_the_total_timed_minutes(minutes: dict[str, int]) -> None:
    catalog = default_catalog()
    result = cms_units(minutes)
    total = sum(m for code, m in minutes.items() if catalog.get(code).timed)
    assert result.total_timed_minutes == total
    assert result.timed_units == (total + 7) // 15
    for allocation in result.alternatives:
        timed_sum = sum(u for code, u in allocation.items() if catalog.get(code).timed)
        assert timed_sum == result.timed_units
        assert all(allocation[code] == 1 for code in minutes if not catalog.get(code).timed)


@given(timed_minutes)
def test_it_gives_every_code_with_15_minutes_a_unit(minutes: dict[str, int]) -> None:
    for allocation in cms_units(minutes).alternatives:
        for code, m in minutes.items():
            if m >= 15:
                assert allocation[code] >= 1


@given(timed_minutes)
def test_it_returns_only_valid_allocations(minutes: dict[str, int]) -> None:
    result = cms_units(minutes)
    assert result.units == result.alternatives[0]
    assert len({tuple(sorted(a.items())) for a in result.alternatives}) == len(result.alternatives)
    for allocation in result.alternatives:
        assert set(allocation) == set(minutes)
        extra = {c for c in minutes if allocation[c] > minutes[c] // 15}
        for code, m in minutes.items():
            # Full units first, then at most one leftover unit, only with leftover minutes.
            assert m // 15 <= allocation[code] <= m // 15 + 1
            if code in extra:
                assert m % 15 > 0
        # A leftover unit never goes to a smaller leftover while a larger one goes without.
        for winner in extra:
            for other in set(minutes) - extra:
                assert minutes[winner] % 15 >= minutes[other] % 15


@given(timed_minutes)
def test_it_lists_every_tied_allocation(minutes: dict[str, int]) -> None:
    result = cms_units(minutes)
    leftovers = sorted((m % 15 for m in minutes.values() if m % 15), reverse=True)
    remaining = result.timed_units - sum(m // 15 for m in minutes.values())
    tie = remaining and remaining < len(leftovers)
    if tie and leftovers[remaining - 1] == leftovers[remaining]:
        assert len(result.alternatives) > 1
    else:
        assert len(result.alternatives) == 1


@given(mixed_minutes)
def test_it_sums_the_table_per_code(minutes: dict[str, int]) -> None:
    catalog = default_catalog()
    result = per_code_units(minutes)
    expected = {
        code: (m + 7) // 15 if catalog.get(code).timed else 1 for code, m in minutes.items()
    }
    assert result.units == expected
    assert result.alternatives == (result.units,)


def test_it_builds_a_catalog_from_rows_for_units() -> None:
    row = {"code": "19-NC", "descriptor": "x", "timed": False, "family": "clinic"}
    catalog = Catalog.from_rows([row])
    assert cms_units({"19-NC": 40}, catalog).units == {"19-NC": 1}


def test_it_words_the_steps_for_one_code_plainly() -> None:
    one_full = " ".join(f.message for f in cms_units({"97110": 15}).steps)
    assert "Timed minutes: 97110 15 minutes." in one_full
    assert "The 1 full unit uses up the 1 unit." in one_full
    short = " ".join(f.message for f in cms_units({"97124": 12}).steps)
    assert "most leftover minutes" not in short
    assert "97124 has no full unit; its 12 minutes earn the 1 unit." in short
    two = " ".join(f.message for f in cms_units({"97110": 30, "97140": 15}).steps)
    assert "The 3 full units use up all 3 units." in two
