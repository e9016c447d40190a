import json

import pytest

from clinic_coder.coding.catalog import Catalog, CodeInfo, builtin_code_rows, default_catalog
from clinic_coder.coding.errors import UnknownCode

SECTION_1 = [
    "97124",
    "97140",
    "97112",
    "97110",
    "97530",
    "97116",
    "97035",
    "97032",
    "97033",
    "97010",
    "97012",
    "97014",
    "G0283",
    "97018",
    "97026",
    "98940",
    "98941",
    "98942",
    "98943",
    "99202",
    "99203",
    "99204",
    "99205",
    "99211",
    "99212",
    "99213",
    "99214",
    "99215",
]
TIMED = {"97124", "97140", "97112", "97110", "97530", "97116", "97035", "97032", "97033"}
# Issue 13: the therapy codes a clinic meets beyond section 1 (descriptors in our own words).
ADDED = {
    "97150": False,
    "97161": False,
    "97162": False,
    "97163": False,
    "97164": False,
    "97165": False,
    "97166": False,
    "97167": False,
    "97168": False,
    "97750": True,
    "97760": True,
    "97542": True,
    "20560": False,
    "20561": False,
}


def test_it_holds_every_code_of_section_1_and_the_added_therapy_codes() -> None:
    assert sorted(info.code for info in default_catalog()) == sorted([*SECTION_1, *ADDED])


@pytest.mark.parametrize(("code", "timed"), ADDED.items())
def test_it_marks_the_added_codes_timed_or_untimed(code: str, timed: bool) -> None:
    # 97150 group therapy, the evaluations and dry needling are untimed; 97750, 97760, 97542 timed.
    assert default_catalog().get(code).timed is timed


@pytest.mark.parametrize("code", SECTION_1)
def test_it_marks_timed_codes_as_coding_rules_md_does(code: str) -> None:
    assert default_catalog().get(code).timed is (code in TIMED)


def test_it_keeps_iontophoresis_timed() -> None:
    # Some sites list 97033 as untimed; coding-rules.md says that is wrong.
    assert default_catalog().get("97033").timed


def test_it_notes_the_medicare_exceptions() -> None:
    catalog = default_catalog()
    assert "G0283" in catalog.get("97014").medicare_note
    assert "bundled" in catalog.get("97010").medicare_note
    assert "Not a Medicare benefit" in catalog.get("98943").medicare_note


def test_it_raises_a_clear_error_for_an_unknown_code() -> None:
    with pytest.raises(UnknownCode, match="Unknown code '12345'") as raised:
        default_catalog().get("12345")
    assert isinstance(raised.value, ValueError)
    assert raised.value.code == "12345"


def test_it_finds_codes_whatever_their_case_and_spaces() -> None:
    assert default_catalog().get(" g0283 ").code == "G0283"
    assert "g0283" in default_catalog()
    assert default_catalog().find("nope") is None


def test_it_exports_the_builtin_codes_as_plain_json_rows() -> None:
    rows = builtin_code_rows()
    assert json.loads(json.dumps(rows)) == rows
    assert set(rows[0]) == {"code", "descriptor", "timed", "family", "medicare_note"}
    assert len(rows) == len(SECTION_1) + len(ADDED)


def test_it_builds_from_fixture_rows_with_clinic_codes() -> None:
    rows = [
        *builtin_code_rows(),
        {"code": "19-nc", "descriptor": "Clinic", "timed": True, "family": "clinic", "pk": 7},
    ]
    catalog = Catalog.from_rows(rows)
    assert catalog.get("19-NC") == CodeInfo("19-NC", "Clinic", True, "clinic", "")
    assert len(catalog) == len(SECTION_1) + len(ADDED) + 1


def test_it_refuses_a_code_given_twice() -> None:
    with pytest.raises(ValueError, match="appears twice"):
        default_catalog().with_codes([CodeInfo("97140", "again", True, "manual-therapy")])


def test_it_uses_its_own_words_for_descriptors() -> None:
    # Short, plain descriptors; never the CPT text (which starts "Therapeutic procedure, ...").
    for info in default_catalog():
        assert len(info.descriptor) <= 150  # the Django model allows 200
        assert not info.descriptor.startswith("Therapeutic procedure")
        assert info.descriptor.isascii()
