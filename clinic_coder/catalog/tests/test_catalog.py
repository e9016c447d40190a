import json
from pathlib import Path

from clinic_coder.catalog.loading import load_catalog
from clinic_coder.catalog.models import ProcedureCode, current_catalog
from clinic_coder.coding.catalog import builtin_code_rows

FIXTURE = Path(__file__).resolve().parents[3] / "fixtures" / "codes.json"


def test_it_loads_the_fixture_the_engine_reads():
    assert json.loads(FIXTURE.read_text()) == builtin_code_rows()
    assert builtin_code_rows()[0]["code"] == "97124"


def test_it_loads_every_code_of_the_rules_reference(db):
    load_catalog()
    codes = set(ProcedureCode.objects.values_list("code", flat=True))
    expected = {
        "97124", "97140", "97112", "97110", "97530", "97116", "97035", "97032", "97033",
        "97010", "97012", "97014", "G0283", "97018", "97026", "98940", "98941", "98942",
        "98943", "99202", "99203", "99204", "99205", "99211", "99212", "99213", "99214", "99215",
        # issue 13: group therapy, evaluations, tests and training, dry needling
        "97150", "97161", "97162", "97163", "97164", "97165", "97166", "97167", "97168",
        "97750", "97760", "97542", "20560", "20561",
    }  # fmt: skip
    assert codes == expected
    assert ProcedureCode.objects.get(code="97033").timed  # some sites wrongly list it untimed
    assert not ProcedureCode.objects.get(code="97012").timed


def test_it_refreshes_without_touching_clinic_codes(db):
    ProcedureCode.objects.create(code="19-NC", descriptor="Ours", timed=False, family="clinic",
                                 clinic_internal=True)  # fmt: skip
    load_catalog()
    load_catalog()
    assert ProcedureCode.objects.filter(code="97140").count() == 1
    assert ProcedureCode.objects.get(code="19-NC").descriptor == "Ours"
    assert "19-NC" in current_catalog()


def test_it_adds_codes_new_to_the_fixture_to_an_existing_catalog(db):
    # A site loaded before 97150 existed gets it (and keeps its rows) from load_catalog.
    load_catalog()
    ProcedureCode.objects.filter(code="97150").delete()
    load_catalog()
    assert not ProcedureCode.objects.get(code="97150").timed
    assert "97150" in current_catalog()
