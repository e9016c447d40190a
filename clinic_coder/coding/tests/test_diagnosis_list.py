"""The course's ICD-10-CM subset (fixtures/diagnoses.json), checked against simple-icd-10-cm."""

import simple_icd_10_cm as icd

from clinic_coder.coding.diagnoses import default_diagnoses, diagnosis_rows, normalize_dx
from clinic_coder.coding.types import REGIONS

SIDES = {"right", "left", "unspecified"}


def test_it_holds_only_valid_billable_codes_with_their_official_descriptions() -> None:
    for row in diagnosis_rows():
        code = row["code"]
        assert normalize_dx(code) == code, code
        assert icd.is_valid_item(code), code
        assert icd.is_leaf(code), f"{code} is a category, not a billable code"
        assert row["title"] == icd.get_description(code), code


def test_it_covers_the_conditions_the_bank_needs() -> None:
    codes = {info.code for info in default_diagnoses()}
    wanted = {
        *(f"M99.0{n}" for n in range(10)),
        "M54.2", "M54.50", "M54.6", "M54.16", "M25.511", "M79.604", "M79.12",
        "S13.4XXA", "S13.4XXD", "S13.4XXS", "S16.1XXA", "S33.5XXA", "S39.012A", "S39.012D",
        "R26.81", "R26.89", "R26.2", "G44.86", "M26.622",
    }  # fmt: skip
    assert wanted <= codes


def test_it_gives_each_code_a_known_region_and_side() -> None:
    families: dict[str, set[str]] = {}
    for info in default_diagnoses():
        assert info.region is None or info.region in REGIONS, info.code
        assert (info.side is None) == (info.family is None), info.code
        if info.family:
            assert info.side in SIDES, info.code
            families.setdefault(info.family, set()).add(info.side)
    # Every family has all three sides, so a wrong side is always a laterality mistake.
    assert all(sides == SIDES for sides in families.values())


def test_it_gives_the_subluxation_codes_their_spinal_regions() -> None:
    regions = {info.code: info.region for info in default_diagnoses()}
    assert [regions[f"M99.0{n}"] for n in range(6)] == [
        "cervical", "cervical", "thoracic", "lumbar", "sacral", "pelvic",
    ]  # fmt: skip
