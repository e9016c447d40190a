"""The shipped case bank: it loads, covers what it must, and every key is right."""

import json
import re
from collections import Counter
from pathlib import Path

import pytest

from clinic_coder.cases.exchange import validate_bank
from clinic_coder.cases.loading import CASE_BANK_FILE
from clinic_coder.coding.catalog import CodeInfo, default_catalog
from clinic_coder.coding.derive import derive_expected
from clinic_coder.coding.diagnoses import MEDICARE_SUBLUXATION, default_diagnoses, with_diagnoses
from clinic_coder.coding.grading import grade
from clinic_coder.coding.profiles import get_profile
from clinic_coder.coding.types import ClaimLine, DocumentedService, VisitFacts
from clinic_coder.coding.variants import MinuteRange, draw_minutes

BANK = json.loads(Path(CASE_BANK_FILE).read_text())
CASES = {case["slug"]: case for case in BANK["cases"]}
# The demo clinic's own code; load_demo adds it to the site's catalog.
CATALOG = default_catalog().with_codes(
    [CodeInfo("19-NC", "Teaching clinic: no-charge service", False, "clinic")]
)

# Floors, so the bank's coverage cannot silently shrink.
MINIMUM_CASES_PER_SKILL = {
    "code-choice-massage": 14,
    "code-choice-manual-therapy": 20,
    "code-choice-neuromuscular": 19,
    "code-choice-exercise": 8,
    "code-choice-modalities": 14,
    "code-choice-cmt": 27,
    "code-choice-em": 5,
    "code-choice-evaluation": 9,
    "code-choice-therapy-other": 15,
    "units-cms": 56,
    "units-per-code": 30,
    "untimed-codes": 51,
    "bundling-cmt": 28,
    "bundling-therapy": 8,
    "modifiers": 33,
    "medicare-chiro": 19,
    "medicare-therapy": 12,
    "em-with-cmt": 6,
    "diagnosis-coding": 125,
    "diagnosis-pointers": 125,
}
# Cases whose key has diagnoses (box 21 and pointers).
DIAGNOSIS_CASES = sorted(slug for slug, case in CASES.items() if case.get("diagnoses"))


def engine_services(case: dict, minutes: dict[str, int]) -> list[DocumentedService]:
    return [
        DocumentedService(
            technique=s["technique"],
            regions=tuple(s.get("regions", ())),
            minutes=minutes.get(s["key"]),
            attended=s.get("attended", True),
            patient_active=s.get("patient_active", False),
            time_block=s.get("time_block", 1),
            code=s.get("code"),
        )
        for s in case["services"]
    ]


def ranges(case: dict) -> dict[str, MinuteRange]:
    result = {}
    for s in case["services"]:
        minutes = s.get("minutes")
        if minutes is not None:
            low, high = minutes if isinstance(minutes, list) else (minutes, minutes)
            result[s["key"]] = MinuteRange(low, high)
    return result


def expected_for(case: dict, minutes: dict[str, int]):
    return derive_expected(
        engine_services(case, minutes),
        VisitFacts(**case.get("facts", {})),
        get_profile(case["payer_profile"]),
        CATALOG,
    )


def test_it_holds_at_least_120_cases_in_at_least_6_sets():
    assert len(BANK["cases"]) >= 120
    assert len(BANK["case_sets"]) >= 6


def test_it_lets_students_code_box_21_on_every_case():
    """Every case documents its diagnoses, and no note prints a diagnosis code (the words are
    the student's to code)."""
    assert sorted(CASES) == DIAGNOSIS_CASES
    codes = [info.code for info in default_diagnoses()]
    for slug, case in CASES.items():
        printed = [code for code in codes if re.search(rf"\b{re.escape(code)}\b", case["note"])]
        assert not printed, (slug, printed)


def test_it_puts_every_case_in_a_set():
    in_sets = {slug for case_set in BANK["case_sets"] for slug in case_set["cases"]}
    assert set(CASES) <= in_sets


@pytest.mark.parametrize(("skill", "floor"), MINIMUM_CASES_PER_SKILL.items())
def test_it_keeps_enough_cases_per_skill(skill, floor):
    counts = Counter(skill for case in BANK["cases"] for skill in case["skills"])
    assert counts[skill] >= floor


def test_it_covers_every_technique_family_of_the_article():
    techniques = {s["technique"] for case in BANK["cases"] for s in case["services"]}
    for technique in (
        "effleurage", "petrissage", "swedish_massage", "tapotement", "passive_trigger_point",
        "acupressure", "nimmo", "percussive_tool", "myofascial_release", "joint_mobilization",
        "manual_traction", "lymphatic_drainage", "strain_counterstrain",
        "active_release_technique", "muscle_energy", "graston", "balance_training",
        "coordination_training", "proprioceptive_training", "postural_reeducation",
        "wobble_board", "hot_pack", "unattended_estim", "mechanical_traction", "spinal_cmt",
        "office_visit", "clinic_code",
    ):  # fmt: skip
        assert technique in techniques, technique


def test_it_is_a_valid_import_file(db):
    from clinic_coder.catalog.loading import load_catalog
    from clinic_coder.catalog.models import ProcedureCode

    load_catalog()
    ProcedureCode.objects.create(code="19-NC", descriptor="x", timed=False, family="clinic")
    assert validate_bank(BANK) == []


@pytest.mark.parametrize("slug", sorted(CASES))
def test_it_agrees_with_the_authors_own_key(slug):
    """Each case's author worked the key out by hand; the engine must accept that answer."""
    case = CASES[slug]
    check = case["author_check"]
    minutes = {key: r.low for key, r in ranges(case).items()} | check["minutes"]
    expected = expected_for(case, minutes)
    answer = [
        ClaimLine(code=line["code"], units=line["units"], modifiers=frozenset(line["modifiers"]))
        for line in check["claim"]
    ]
    result = grade(expected, answer, get_profile(case["payer_profile"]), CATALOG)
    assert result.score == 100, [f.message for f in result.findings if f.severity != "info"]


@pytest.mark.parametrize("slug", sorted(CASES))
def test_it_grades_its_own_key_100_in_every_sampled_variant(slug):
    case = CASES[slug]
    profile = get_profile(case["payer_profile"])
    for seed in range(1, 16):
        expected = expected_for(case, draw_minutes(seed, ranges(case)))
        for alternative in expected.alternatives:
            assert grade(expected, list(alternative), profile, CATALOG).score == 100


def with_case_diagnoses(case: dict, expected):
    return with_diagnoses(
        expected,
        [d["code"] for d in case["diagnoses"]],
        [s.get("diagnoses", []) for s in case["services"]],
    )


def test_it_holds_at_least_6_cases_graded_on_diagnoses():
    assert len(DIAGNOSIS_CASES) >= 6
    # ... and they teach the Medicare subluxation rule, the 7th character and laterality.
    codes = {d["code"] for slug in DIAGNOSIS_CASES for d in CASES[slug]["diagnoses"]}
    assert codes & set(MEDICARE_SUBLUXATION)
    assert {code[-1] for code in codes if code.startswith("S")} == {"A", "D", "S"}
    assert {"M25.511", "M77.12", "S93.401D"} <= codes


@pytest.mark.parametrize("slug", DIAGNOSIS_CASES)
def test_it_agrees_with_the_authors_own_diagnoses_and_pointers(slug):
    """The author's hand-worked box 21 and pointers grade 100 with the rest of their key."""
    case = CASES[slug]
    check = case["author_check"]
    minutes = {key: r.low for key, r in ranges(case).items()} | check["minutes"]
    expected = with_case_diagnoses(case, expected_for(case, minutes))
    answer = [
        ClaimLine(
            code=line["code"],
            units=line["units"],
            modifiers=frozenset(line["modifiers"]),
            pointers=tuple(line["pointers"]),
        )
        for line in check["claim"]
    ]
    profile = get_profile(case["payer_profile"])
    result = grade(expected, answer, profile, CATALOG, diagnoses=check["diagnoses"])
    assert result.score == 100, [f.message for f in result.findings if f.severity != "info"]
    assert {m.code for m in result.marks} >= {"Box 21", "24E"}


@pytest.mark.parametrize("slug", DIAGNOSIS_CASES)
def test_it_grades_its_own_key_with_diagnoses_100_in_every_sampled_variant(slug):
    case = CASES[slug]
    profile = get_profile(case["payer_profile"])
    for seed in range(1, 8):
        expected = with_case_diagnoses(case, expected_for(case, draw_minutes(seed, ranges(case))))
        for alternative in expected.alternatives:
            result = grade(
                expected, list(alternative), profile, CATALOG, diagnoses=expected.diagnoses.codes
            )
            assert result.score == 100


@pytest.mark.parametrize("slug", DIAGNOSIS_CASES)
def test_it_lists_medicares_subluxation_first_with_a_secondary_condition(slug):
    case = CASES[slug]
    cmt = [s for s in case["services"] if s["technique"] == "spinal_cmt"]
    if case["payer_profile"] != "medicare" or not cmt:
        pytest.skip("not Medicare CMT")
    assert case["diagnoses"][0]["code"] in MEDICARE_SUBLUXATION
    assert any(code not in MEDICARE_SUBLUXATION for code in cmt[0]["diagnoses"])
