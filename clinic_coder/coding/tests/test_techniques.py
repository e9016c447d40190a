import pytest

from clinic_coder.coding.catalog import default_catalog
from clinic_coder.coding.errors import BadCase
from clinic_coder.coding.techniques import TECHNIQUES, get_technique

EXPECTED_CODES = {
    "97124": "effleurage petrissage tapotement swedish_massage passive_trigger_point acupressure "
    "nimmo percussive_tool",
    "97140": "myofascial_release joint_mobilization manual_traction lymphatic_drainage "
    "strain_counterstrain active_release_technique muscle_energy graston",
    "97112": "balance_training coordination_training proprioceptive_training postural_reeducation "
    "wobble_board",
    "97110": "therapeutic_exercise",
    "97530": "therapeutic_activities",
    "97116": "gait_training",
    "97035": "ultrasound",
    "97032": "attended_estim",
    "97033": "iontophoresis",
    "97010": "hot_pack cold_pack",
    "97012": "mechanical_traction",
    "97014": "unattended_estim",
    "97018": "paraffin_bath",
    "97026": "infrared",
    "98943": "extraspinal_cmt",
    "97150": "group_therapy",
    "97750": "physical_performance_test",
    "97760": "orthotic_training",
    "97542": "wheelchair_training",
    "20560": "dry_needling_1_2_muscles",
    "20561": "dry_needling_3_plus_muscles",
}


@pytest.mark.parametrize(
    ("key", "code"),
    [(key, code) for code, keys in EXPECTED_CODES.items() for key in keys.split()],
)
def test_it_codes_each_technique_as_the_vocabulary_says(key: str, code: str) -> None:
    assert TECHNIQUES[key].code == code
    assert TECHNIQUES[key].family == default_catalog().get(code).family


def test_it_has_exactly_the_fixed_vocabulary() -> None:
    fixed = {key for keys in EXPECTED_CODES.values() for key in keys.split()}
    assert set(TECHNIQUES) == fixed | {
        "spinal_cmt",
        "office_visit",
        "clinic_code",
        "pt_evaluation",
        "ot_evaluation",
    }


def test_it_leaves_the_code_of_service_dependent_techniques_open() -> None:
    assert TECHNIQUES["spinal_cmt"].code is None
    assert TECHNIQUES["office_visit"].code is None
    assert TECHNIQUES["clinic_code"].code is None


def test_it_gives_every_technique_a_reason_of_one_to_three_sentences() -> None:
    for technique in TECHNIQUES.values():
        sentences = technique.reason.count(". ") + 1
        assert 1 <= sentences <= 3, technique.key
        assert technique.reason.isascii()


def test_it_names_the_telling_attributes_in_the_reasons() -> None:
    assert "a specific tissue" in TECHNIQUES["myofascial_release"].reason
    assert "97124" in TECHNIQUES["myofascial_release"].reason
    assert "broad area" in TECHNIQUES["effleurage"].reason
    assert "passive" in TECHNIQUES["effleurage"].reason
    assert "could do before" in TECHNIQUES["balance_training"].reason


def test_it_says_graston_is_occasionally_massage() -> None:
    reason = TECHNIQUES["graston"].reason
    assert "usually manual therapy, 97140" in reason
    assert "97124" in reason


def test_it_counts_massage_and_manual_therapy_as_soft_tissue() -> None:
    assert TECHNIQUES["effleurage"].is_soft_tissue
    assert TECHNIQUES["graston"].is_soft_tissue
    assert not TECHNIQUES["balance_training"].is_soft_tissue


def test_it_raises_bad_case_for_an_unknown_technique() -> None:
    with pytest.raises(BadCase, match="Unknown technique 'reiki'"):
        get_technique("reiki")


def test_it_says_a_specific_tissue_not_one_so_two_named_tissues_stay_true() -> None:
    for technique in TECHNIQUES.values():
        assert "one specific" not in technique.reason, technique.key
