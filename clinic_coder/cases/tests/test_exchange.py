import copy

import pytest

from clinic_coder.cases.exchange import ImportFailed, export_bank, import_bank
from clinic_coder.cases.models import Case, CaseSet
from clinic_coder.catalog.loading import load_catalog


def make_bank(**case_overrides: object) -> dict:
    case = {
        "slug": "tight-trapezius",
        "title": "One tight trapezius",
        "difficulty": "intro",
        "payer_profile": "commercial-per-code",
        "skills": ["code-choice-manual-therapy"],
        "teaching_point": "One specific muscle worked on adhesions is manual therapy.",
        "facts": {
            "provider": "chiropractor",
            "care": "active",
            "abn_signed": False,
            "em_separately_identifiable": False,
        },
        "note": "S: Neck ache.\nP: Myofascial release, R upper trapezius, {mfr} min.",
        "services": [
            {
                "key": "mfr",
                "technique": "myofascial_release",
                "regions": ["cervical"],
                "minutes": [10, 25],
                "attended": True,
                "patient_active": False,
                "time_block": 1,
                "code": None,
                "remarks": "",
            }
        ],
    } | case_overrides
    return {
        "format": "clinic-coder/case-bank",
        "version": 1,
        "cases": [case],
        "case_sets": [
            {"slug": "basics", "title": "Basics", "description": "", "cases": ["tight-trapezius"]}
        ],
    }


@pytest.fixture
def catalog(db):
    load_catalog()


def test_it_imports_cases_services_and_sets(catalog):
    result = import_bank(make_bank())
    assert result.created == ["tight-trapezius"]
    case = Case.objects.get(slug="tight-trapezius")
    service = case.services.get()
    assert (service.minutes_low, service.minutes_high) == (10, 25)
    assert case.status == "published"
    assert list(CaseSet.objects.get(slug="basics").ordered_cases()) == [case]


def test_it_round_trips_exactly(catalog):
    bank = make_bank(status="draft")
    bank["cases"][0]["services"].append(
        {
            "key": "pack", "technique": "hot_pack", "regions": ["cervical"], "minutes": None,
            "attended": False, "patient_active": False, "time_block": 2, "code": None,
            "remarks": "unattended",
        }
    )  # fmt: skip
    import_bank(copy.deepcopy(bank))
    exported = export_bank(Case.objects.all(), CaseSet.objects.all())
    assert exported == bank
    import_bank(copy.deepcopy(exported))
    assert export_bank(Case.objects.all(), CaseSet.objects.all()) == bank


def test_it_updates_a_case_by_slug_instead_of_duplicating(catalog):
    import_bank(make_bank())
    import_bank(make_bank(title="Renamed"))
    assert Case.objects.get().title == "Renamed"
    assert Case.objects.get().services.count() == 1


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"difficulty": "easy"}, "Case 1 (tight-trapezius), field 'difficulty'"),
        ({"payer_profile": "aetna"}, "field 'payer_profile'"),
        ({"skills": ["juggling"]}, "field 'skills': unknown skill 'juggling'"),
        ({"slug": "Bad Slug"}, "field 'slug'"),
        ({"note": "No minutes here, but {other}."}, "{other} is not the key of any service"),
        ({"title": ""}, "field 'title': required text"),
        ({"facts": {"care": "sometimes"}}, "field 'facts.care'"),
    ],
)
def test_it_points_to_the_case_and_field_of_each_error(catalog, overrides, message):
    with pytest.raises(ImportFailed) as failure:
        import_bank(make_bank(**overrides))
    assert any(message in error for error in failure.value.errors), failure.value.errors
    assert not Case.objects.exists()


@pytest.mark.parametrize(
    ("service_overrides", "message"),
    [
        ({"technique": "reiki"}, "service 1, field 'technique': unknown technique 'reiki'"),
        ({"minutes": [30, 10]}, "service 1, field 'minutes'"),
        ({"minutes": -4}, "service 1, field 'minutes'"),
        ({"regions": ["elbow"]}, "service 1, field 'regions'"),
        ({"time_block": 0}, "service 1, field 'time_block'"),
        ({"attended": "yes"}, "service 1, field 'attended'"),
    ],
)
def test_it_points_to_the_service_line_of_each_error(catalog, service_overrides, message):
    bank = make_bank()
    bank["cases"][0]["services"][0].update(service_overrides)
    with pytest.raises(ImportFailed) as failure:
        import_bank(bank)
    assert any(message in error for error in failure.value.errors), failure.value.errors


def test_it_saves_nothing_when_one_case_of_many_is_bad(catalog):
    bank = make_bank()
    bad = copy.deepcopy(bank["cases"][0]) | {"slug": "second", "difficulty": "?"}
    bank["cases"].append(bad)
    with pytest.raises(ImportFailed, match="nothing was imported"):
        import_bank(bank)
    assert not Case.objects.exists()
    assert not CaseSet.objects.exists()


@pytest.mark.parametrize(
    "data", [[], "text", {"format": "other", "version": 1, "cases": []}, {"cases": "no"}]
)
def test_it_refuses_files_of_the_wrong_shape(catalog, data):
    with pytest.raises(ImportFailed):
        import_bank(data)


def test_it_refuses_a_set_naming_an_unknown_case(catalog):
    bank = make_bank()
    bank["case_sets"][0]["cases"].append("nowhere")
    with pytest.raises(ImportFailed) as failure:
        import_bank(bank)
    assert "Case set 1, field 'cases': no case 'nowhere'" in failure.value.errors[0]


def test_it_refuses_a_case_the_engine_cannot_code(catalog):
    bank = make_bank()
    bank["cases"][0]["services"][0] |= {"technique": "clinic_code", "code": "77-XX"}
    with pytest.raises(ImportFailed) as failure:
        import_bank(bank)
    assert "77-XX" in " ".join(failure.value.errors)


@pytest.mark.parametrize("field", ["payer_profile", "difficulty", "status", "skills"])
def test_it_explains_a_value_of_the_wrong_type(catalog, field):
    bank = make_bank(**{field: [["nested"]] if field == "skills" else {"a": 1}})
    with pytest.raises(ImportFailed) as failure:
        import_bank(bank)
    assert any(f"field '{field}'" in error for error in failure.value.errors)


def test_it_explains_a_technique_of_the_wrong_type(catalog):
    bank = make_bank()
    bank["cases"][0]["services"][0]["technique"] = ["graston"]
    with pytest.raises(ImportFailed) as failure:
        import_bank(bank)
    assert any("field 'technique'" in error for error in failure.value.errors)


def test_it_round_trips_the_medicare_therapy_facts_and_keys_kx_and_cq(catalog):
    facts = {
        "provider": "physical_therapist", "care": "active", "abn_signed": False,
        "em_separately_identifiable": False, "over_therapy_threshold": True,
        "assistant_performed": True,
    }  # fmt: skip
    bank = make_bank(payer_profile="medicare", facts=facts, status="draft")
    import_bank(copy.deepcopy(bank))
    assert export_bank(Case.objects.all(), CaseSet.objects.all()) == bank
    case = Case.objects.get()
    (line,) = case.variant(seed=1).expected.claim
    assert line.modifiers == {"GP", "KX", "CQ"}
