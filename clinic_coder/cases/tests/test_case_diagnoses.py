"""Cases document diagnoses: box 21 in the key's order and what each service treats."""

import copy

import pytest

from clinic_coder.cases.exchange import ImportFailed, export_bank, import_bank
from clinic_coder.cases.models import Case, CaseSet

from .test_exchange import catalog, make_bank  # noqa: F401

DIAGNOSES = [
    {"code": "M79.12", "documented": "myalgia of the neck muscles"},
    {"code": "M54.2", "documented": "neck pain"},
]


def bank_with_diagnoses(**service_overrides: object) -> dict:
    bank = make_bank(diagnoses=copy.deepcopy(DIAGNOSES), status="published")
    bank["cases"][0]["services"][0]["diagnoses"] = ["M79.12", "M54.2"]
    bank["cases"][0]["services"][0].update(service_overrides)
    return bank


def test_it_round_trips_a_cases_diagnoses(catalog):  # noqa: F811
    bank = bank_with_diagnoses()
    import_bank(copy.deepcopy(bank))
    case = Case.objects.get()
    assert case.diagnosis_codes == ["M79.12", "M54.2"]
    assert export_bank(Case.objects.all(), CaseSet.objects.all()) == bank


def test_it_leaves_a_case_without_diagnoses_as_it_was(catalog):  # noqa: F811
    import_bank(make_bank())
    data = Case.objects.get().to_json()
    assert "diagnoses" not in data and "diagnoses" not in data["services"][0]
    variant = Case.objects.get().variant(seed=3)
    assert variant.expected.diagnoses is None
    assert all(not line.pointers for line in variant.expected.claim)


def test_it_keys_the_diagnoses_and_each_lines_pointers(catalog):  # noqa: F811
    import_bank(bank_with_diagnoses())
    revision = Case.objects.get().current_revision()
    expected = revision.variant(seed=5).expected
    assert expected.diagnoses.codes == ("M79.12", "M54.2")
    assert [line.pointers for line in expected.claim] == [("A", "B")]


@pytest.mark.parametrize(
    ("diagnoses", "message"),
    [
        ([{"code": "M54.1", "documented": "x"}], "'M54.1' is not a code of the diagnosis list"),
        ([{"code": "m542", "documented": "x"}], "write it with its dot"),
        ([{"code": "M54.2", "documented": ""}], "'documented': the note's words"),
        ([{"code": "M54.2"}], "an object with 'code' and 'documented'"),
        ([DIAGNOSES[1], DIAGNOSES[1]], "M54.2 is listed twice"),
        ([DIAGNOSES[1]] * 13, "at most 12 diagnoses"),
        ("M54.2", "a list of at most 12"),
    ],
)
def test_it_explains_a_bad_diagnosis(catalog, diagnoses, message):  # noqa: F811
    with pytest.raises(ImportFailed) as failure:
        import_bank(make_bank(diagnoses=diagnoses))
    assert any(message in error for error in failure.value.errors), failure.value.errors
    assert not Case.objects.exists()


@pytest.mark.parametrize(
    ("treated", "message"),
    [
        (["M25.511"], "'M25.511' is not one of the case's diagnoses"),
        ("M54.2", "a list of the case's diagnosis codes"),
        (["M54.2", "M54.2"], "listed twice"),
    ],
)
def test_it_explains_a_service_treating_an_undocumented_diagnosis(catalog, treated, message):  # noqa: F811
    with pytest.raises(ImportFailed) as failure:
        import_bank(bank_with_diagnoses(diagnoses=treated))
    assert any("service 1, field 'diagnoses'" in e and message in e for e in failure.value.errors)
