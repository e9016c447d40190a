import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from clinic_coder.cases.exchange import import_bank
from clinic_coder.cases.tests.test_exchange import make_bank
from clinic_coder.catalog.loading import load_catalog


@pytest.fixture
def case(db):
    load_catalog()
    import_bank(make_bank(services=[
        {"key": "mfr", "technique": "myofascial_release", "regions": ["cervical"], "minutes": 24}
    ]))  # fmt: skip


def run_grade(answer: object, monkeypatch) -> dict:
    monkeypatch.setattr("sys.stdin", StringIO(json.dumps(answer)))
    out = StringIO()
    call_command("grade", "-", stdout=out)
    return json.loads(out.getvalue())


def test_it_grades_a_right_answer_100(case, monkeypatch):
    result = run_grade(
        {"case": "tight-trapezius", "seed": 3, "lines": [{"code": "97140", "units": 2}]},
        monkeypatch,
    )
    assert result["score"] == 100
    assert result["expected"] == [[{"code": "97140", "minutes": 24, "units": 2, "modifiers": []}]]
    assert result["marks"][0]["status"] == "right"


def test_it_explains_a_wrong_code(case, monkeypatch):
    result = run_grade(
        {"case": "tight-trapezius", "lines": [{"code": "97124", "minutes": 24, "units": 2}]},
        monkeypatch,
    )
    assert result["score"] == 0
    assert any("97140" in f["message"] for f in result["findings"])
    assert all({"rule_id", "skill", "severity", "message"} <= set(f) for f in result["findings"])


def test_it_reads_the_answer_from_a_file(case, tmp_path):
    path = tmp_path / "answer.json"
    path.write_text(json.dumps({"case": "tight-trapezius", "lines": []}))
    out = StringIO()
    call_command("grade", str(path), stdout=out)
    assert json.loads(out.getvalue())["score"] == 0


@pytest.mark.parametrize(
    ("answer", "message"),
    [
        ("not json", "not valid JSON"),
        ({"lines": []}, "needs a case slug"),
        ({"case": "nowhere", "lines": []}, "No case with slug 'nowhere'"),
        ({"case": "tight-trapezius"}, "'lines' must be a list"),
        ({"case": "tight-trapezius", "lines": [{"units": 1}]}, "Line 1: each line needs"),
        ({"case": "tight-trapezius", "lines": [{"code": "97140", "units": "2"}]}, "'units'"),
        ({"case": "tight-trapezius", "seed": -1, "lines": []}, "'seed'"),
    ],
)
def test_it_refuses_bad_input_with_status_2(case, monkeypatch, answer, message):
    text = answer if isinstance(answer, str) else json.dumps(answer)
    monkeypatch.setattr("sys.stdin", StringIO(text))
    with pytest.raises(CommandError, match=message) as error:
        call_command("grade", "-", stdout=StringIO())
    assert error.value.returncode == 2


def test_it_grades_unknown_codes_without_failing(case, monkeypatch):
    result = run_grade(
        {"case": "tight-trapezius", "lines": [{"code": "ABCDE", "units": -3}]}, monkeypatch
    )
    assert 0 <= result["score"] <= 100


def test_it_grades_box_21_and_the_pointers_of_a_case_with_diagnoses(db, monkeypatch):
    load_catalog()
    bank = make_bank(
        services=[
            {"key": "mfr", "technique": "myofascial_release", "regions": ["cervical"],
             "minutes": 24, "diagnoses": ["M54.2"]}
        ],
        diagnoses=[{"code": "M54.2", "documented": "neck pain"}],
    )  # fmt: skip
    import_bank(bank)
    line = {"code": "97140", "units": 2, "pointers": ["a"]}
    right = run_grade(
        {"case": "tight-trapezius", "lines": [line], "diagnoses": ["M54.2"]}, monkeypatch
    )
    assert right["score"] == 100
    assert right["expected_diagnoses"] == ["M54.2"]
    assert right["expected"][0][0]["pointers"] == ["A"]
    wrong = run_grade(
        {"case": "tight-trapezius", "lines": [line], "diagnoses": ["M54.9"]}, monkeypatch
    )
    assert wrong["score"] < 100
    assert "dx-specificity" in [f["rule_id"] for f in wrong["findings"]]  # M54.9 is vaguer


def test_it_refuses_a_box_21_that_is_not_a_list_of_strings(case, monkeypatch):
    with pytest.raises(CommandError, match="'diagnoses' must be a list"):
        run_grade({"case": "tight-trapezius", "lines": [], "diagnoses": "M54.2"}, monkeypatch)
