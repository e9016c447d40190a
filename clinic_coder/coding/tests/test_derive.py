import pytest

from clinic_coder.coding.catalog import CodeInfo, default_catalog
from clinic_coder.coding.derive import derive_expected
from clinic_coder.coding.errors import BadCase, UnknownProfile
from clinic_coder.coding.profiles import duplicate_profile, get_profile
from clinic_coder.coding.rules import RULES
from clinic_coder.coding.types import DocumentedService, PayerProfile, VisitFacts

from .factory import (
    COMMERCIAL_CMS,
    COMMERCIAL_PER_CODE,
    MEDICARE,
    codes,
    derive,
    line_for,
    make_service,
    modifier_options,
)

# Choosing the code


@pytest.mark.parametrize(
    ("regions", "code"),
    [
        (("cervical",), "98940"),
        (("cervical", "thoracic"), "98940"),
        (("cervical", "thoracic", "lumbar"), "98941"),
        (("cervical", "thoracic", "lumbar", "sacral"), "98941"),
        (("cervical", "thoracic", "lumbar", "sacral", "pelvic"), "98942"),
    ],
)
def test_it_codes_spinal_cmt_by_the_number_of_spinal_regions(
    regions: tuple[str, ...], code: str
) -> None:
    expected = derive(make_service("spinal_cmt", *regions))
    assert codes(expected.claim) == [code]
    assert expected.claim[0].units == 1


def test_it_counts_a_region_once_and_merges_spinal_cmt_services() -> None:
    expected = derive(
        make_service("spinal_cmt", "cervical", "cervical"),
        make_service("spinal_cmt", "lumbar", "thoracic"),
    )
    # One spinal CMT code per visit: 3 distinct regions -> 98941, from both services.
    assert codes(expected.claim) == ["98941"]
    assert expected.claim[0].sources == (0, 1)


def test_it_codes_extraspinal_cmt_as_98943() -> None:
    expected = derive(make_service("extraspinal_cmt", "upper_extremity", "head"))
    assert codes(expected.claim) == ["98943"]


def test_it_codes_unattended_estim_as_97014_for_commercial_payers() -> None:
    expected = derive(make_service("unattended_estim", "lumbar", minutes=15, attended=False))
    assert codes(expected.claim) == ["97014"]
    assert expected.claim[0].units == 1


def test_it_codes_unattended_estim_as_g0283_for_medicare() -> None:
    expected = derive(
        make_service("unattended_estim", "lumbar", minutes=15, attended=False), profile=MEDICARE
    )
    assert codes(expected.claim) == ["G0283"]
    assert expected.claim[0].modifiers == {"GP", "GY"}


def test_it_takes_the_e_m_level_from_the_service() -> None:
    expected = derive(make_service("office_visit", code="99213"))
    assert codes(expected.claim) == ["99213"]


def test_it_uses_a_clinic_code_with_its_own_timed_flag() -> None:
    catalog = default_catalog().with_codes([CodeInfo("19-NC", "Clinic service", True, "clinic")])
    expected = derive_expected(
        [make_service("clinic_code", "lumbar", code="19-nc", minutes=23)],
        VisitFacts(),
        COMMERCIAL_CMS,
        catalog,
    )
    assert codes(expected.claim) == ["19-NC"]
    assert expected.claim[0].units == 2
    assert expected.claim[0].modifiers == frozenset()


def test_it_explains_each_code_with_the_technique_reason() -> None:
    expected = derive(make_service("graston", "thoracic", minutes=10))
    (step,) = [s for s in expected.steps if s.rule_id == "code-follows-technique"]
    assert "97140" in step.message and "97124" in step.message
    assert step.skill == "code-choice-manual-therapy"


# Minutes that do not count


def test_it_does_not_bill_a_timed_service_done_unattended() -> None:
    expected = derive(
        make_service("therapeutic_exercise", minutes=20, attended=False),
        make_service("ultrasound", "lumbar", minutes=10),
    )
    assert codes(expected.claim) == ["97035"]
    assert expected.unit_result.total_timed_minutes == 10
    assert any(s.rule_id == "timed-minutes-attended-only" for s in expected.steps)


def test_it_never_counts_untimed_minutes() -> None:
    expected = derive(
        make_service("hot_pack", "lumbar", minutes=15, attended=False),
        make_service("therapeutic_exercise", minutes=7),
    )
    # 7 timed minutes alone: no unit, although 7 + 15 would reach 22.
    assert codes(expected.claim) == ["97010"]


def test_it_bills_nothing_for_a_lone_timed_service_under_8_minutes() -> None:
    expected = derive(make_service("therapeutic_exercise", minutes=7))
    assert expected.alternatives == ((),)
    assert any(s.rule_id == "lone-timed-under-8" for s in expected.steps)


def test_it_uses_the_payers_unit_method() -> None:
    services = (
        make_service("therapeutic_exercise", minutes=8),
        make_service("gait_training", minutes=8),
    )
    assert [line.units for line in derive(*services, profile=COMMERCIAL_PER_CODE).claim] == [1, 1]
    cms = derive(*services, profile=COMMERCIAL_CMS)
    assert {tuple((line.code, line.units) for line in claim) for claim in cms.alternatives} == {
        (("97110", 1),),
        (("97116", 1),),
    }


def test_it_adds_the_minutes_of_services_billed_under_one_code() -> None:
    expected = derive(
        make_service("myofascial_release", "cervical", minutes=10),
        make_service("joint_mobilization", "lower_extremity", minutes=15),
    )
    assert line_for(expected, "97140").minutes == 25
    assert line_for(expected, "97140").units == 2
    assert line_for(expected, "97140").sources == (0, 1)


# CMT with 97140


def test_it_bundles_97140_on_the_manipulated_region_into_cmt() -> None:
    expected = derive(
        make_service("spinal_cmt", "cervical", "thoracic"),
        make_service("myofascial_release", "cervical", minutes=20),
        make_service("therapeutic_exercise", minutes=10),
    )
    assert codes(expected.claim) == ["98940", "97110"]
    # The 20 bundled minutes leave the unit count: 10 minutes -> 1 unit.
    assert expected.unit_result.total_timed_minutes == 10
    bundled = expected.services[1]
    assert not bundled.billable and bundled.excluded_by == "ncci-cmt-97140"
    assert "left out of the units" in bundled.excluded_because


def test_it_bundles_97140_that_overlaps_the_manipulated_regions_in_part() -> None:
    expected = derive(
        make_service("spinal_cmt", "lumbar"),
        make_service("myofascial_release", "lumbar", "lower_extremity", minutes=20),
    )
    assert codes(expected.claim) == ["98940"]


def test_it_bills_97140_on_another_region_with_59_or_xs() -> None:
    expected = derive(
        make_service("spinal_cmt", "lumbar"),
        make_service("myofascial_release", "upper_extremity", minutes=20),
    )
    assert codes(expected.claim) == ["98940", "97140"]
    assert modifier_options(expected, "97140") == {frozenset({"59"}), frozenset({"XS"})}
    assert modifier_options(expected, "98940") == {frozenset()}


def test_it_leaves_97140_alone_without_cmt() -> None:
    expected = derive(make_service("myofascial_release", "lumbar", minutes=20))
    assert modifier_options(expected, "97140") == {frozenset()}


def test_it_bundles_97140_on_the_extremity_manipulated_with_98943() -> None:
    expected = derive(
        make_service("extraspinal_cmt", "upper_extremity"),
        make_service("myofascial_release", "upper_extremity", minutes=20),
    )
    assert codes(expected.claim) == ["98943"]
    assert expected.services[1].excluded_by == "ncci-cmt-97140"
    assert "manipulated with 98943 (upper extremity)" in expected.services[1].excluded_because


def test_it_bills_97140_on_another_extremity_than_98943_with_59_or_xs() -> None:
    expected = derive(
        make_service("extraspinal_cmt", "upper_extremity"),
        make_service("myofascial_release", "lower_extremity", minutes=20),
    )
    assert codes(expected.claim) == ["98943", "97140"]
    assert modifier_options(expected, "97140") == {frozenset({"59"}), frozenset({"XS"})}


def test_it_applies_the_massage_edit_to_98943_as_to_spinal_cmt() -> None:
    bundled = derive(
        make_service("extraspinal_cmt", "lower_extremity"),
        make_service("effleurage", "lower_extremity", minutes=20),
    )
    assert codes(bundled.claim) == ["98943"]
    allowed = derive(
        make_service("extraspinal_cmt", "lower_extremity"),
        make_service("effleurage", "lower_extremity", minutes=20),
        profile=COMMERCIAL_PER_CODE,
    )
    assert modifier_options(allowed, "97124") == {frozenset({"59"}), frozenset({"XU"})}


def test_it_wants_one_xs_on_97140_apart_from_both_spinal_and_extraspinal_cmt() -> None:
    expected = derive(
        make_service("spinal_cmt", "lumbar"),
        make_service("extraspinal_cmt", "lower_extremity"),
        make_service("myofascial_release", "upper_extremity", minutes=20),
    )
    assert codes(expected.claim) == ["98940", "98943", "97140"]
    assert modifier_options(expected, "97140") == {frozenset({"59"}), frozenset({"XS"})}


def test_it_needs_regions_on_soft_tissue_services_with_spinal_cmt() -> None:
    with pytest.raises(BadCase, match="must name its region"):
        derive(make_service("spinal_cmt", "lumbar"), make_service("effleurage", minutes=10))


# CMT with 97124 and 97112


@pytest.mark.parametrize("technique", ["effleurage", "postural_reeducation"])
@pytest.mark.parametrize("profile", [MEDICARE, COMMERCIAL_CMS, COMMERCIAL_PER_CODE])
def test_it_bills_massage_or_reeducation_on_another_region_with_59_or_xs(
    technique: str, profile: PayerProfile
) -> None:
    expected = derive(
        make_service("spinal_cmt", "cervical"),
        make_service(technique, "lumbar", minutes=20),
        profile=profile,
    )
    code = "97124" if technique == "effleurage" else "97112"
    options = {mods & {"59", "XS", "XU"} for mods in modifier_options(expected, code)}
    assert options == {frozenset({"59"}), frozenset({"XS"})}


@pytest.mark.parametrize("profile", [MEDICARE, COMMERCIAL_CMS])
def test_it_drops_massage_on_the_manipulated_region_when_the_payer_wants_another_region(
    profile: PayerProfile,
) -> None:
    assert profile.same_region_97124_97112_bundled_with_cmt
    expected = derive(
        make_service("spinal_cmt", "cervical"),
        make_service("effleurage", "cervical", minutes=20),
        profile=profile,
    )
    assert codes(expected.claim) == ["98940"]
    assert expected.services[1].excluded_by == "ncci-cmt-97124-97112"
    assert expected.unit_result.total_timed_minutes == 0


def test_it_allows_massage_on_the_manipulated_region_when_the_payer_does() -> None:
    assert not COMMERCIAL_PER_CODE.same_region_97124_97112_bundled_with_cmt
    expected = derive(
        make_service("spinal_cmt", "cervical"),
        make_service("effleurage", "cervical", minutes=20),
        profile=COMMERCIAL_PER_CODE,
    )
    assert codes(expected.claim) == ["98940", "97124"]
    # Same structure, so not XS: 59 or XU.
    assert modifier_options(expected, "97124") == {frozenset({"59"}), frozenset({"XU"})}


def test_it_bills_reeducation_on_the_manipulated_region_when_the_payer_does() -> None:
    expected = derive(
        make_service("spinal_cmt", "cervical"),
        make_service("postural_reeducation", "cervical", minutes=20),
        profile=COMMERCIAL_PER_CODE,
    )
    assert codes(expected.claim) == ["98940", "97112"]
    assert modifier_options(expected, "97112") == {frozenset({"59"}), frozenset({"XU"})}


@pytest.mark.parametrize("profile", [MEDICARE, COMMERCIAL_CMS])
def test_it_drops_reeducation_on_the_manipulated_region_as_it_drops_massage(
    profile: PayerProfile,
) -> None:
    # The NCCI policy manual names 97112 with 97124 and 97140: one rule, one profile setting.
    expected = derive(
        make_service("spinal_cmt", "cervical"),
        make_service("postural_reeducation", "cervical", minutes=20),
        profile=profile,
    )
    assert codes(expected.claim) == ["98940"]
    assert expected.services[1].excluded_by == "ncci-cmt-97124-97112"
    assert "97112, 97124 and 97140" in expected.services[1].excluded_because


def test_it_says_medicare_never_pays_a_chiropractors_massage_not_another_region_rule() -> None:
    expected = derive(
        make_service("spinal_cmt", "cervical"),
        make_service("effleurage", "cervical", minutes=20),
        profile=MEDICARE,
    )
    why = expected.services[1].excluded_because
    assert "not separately reportable in a spinal region undergoing CMT" in why
    assert "Medicare never pays a chiropractor's massage" in why
    assert "pays massage with CMT only on a different region" not in why


# 97140 with 97530; 97012 with 97140


def test_it_names_the_manipulated_regions_as_those_of_the_cmt() -> None:
    expected = derive(
        make_service("spinal_cmt", "cervical", "thoracic"),
        make_service("effleurage", "lumbar", minutes=12),
        profile=COMMERCIAL_PER_CODE,
    )
    (step,) = [f for f in expected.steps if f.rule_id == "ncci-cmt-97124-97112"]
    assert "on a region not manipulated (98940 was on cervical, thoracic)" in step.message


def test_it_gives_one_step_for_two_services_of_a_code_under_one_edit() -> None:
    expected = derive(
        make_service("spinal_cmt", "lumbar"),
        make_service("petrissage", "lumbar", minutes=5),
        make_service("tapotement", "lumbar", minutes=4),
        profile=COMMERCIAL_PER_CODE,
    )
    (step,) = [f for f in expected.steps if f.rule_id == "ncci-cmt-97124-97112"]
    assert "petrissage (lumbar; 5 min) and tapotement (lumbar; 4 min)" in step.message
    assert "on a region manipulated with 98940 (lumbar)" in step.message
    assert modifier_options(expected, "97124") == {frozenset({"59"}), frozenset({"XU"})}


def test_it_gives_no_modifier_steps_for_a_code_that_earns_no_unit() -> None:
    medicare = derive(
        make_service("therapeutic_exercise", minutes=18),
        make_service("joint_mobilization", "lower_extremity", minutes=13),
        make_service("gait_training", minutes=10),
        make_service("ultrasound", "lower_extremity", minutes=8),
        profile=MEDICARE,
        provider="physical_therapist",
    )
    assert "97035" not in codes(medicare.claim)
    gp = [f.line_code for f in medicare.steps if f.rule_id == "medicare-therapy-gp"]
    assert gp == ["97110", "97140", "97116"]
    per_code = derive(
        make_service("spinal_cmt", "lumbar"),
        make_service("coordination_training", "lower_extremity", minutes=7),
        profile=COMMERCIAL_PER_CODE,
    )
    assert "97112" not in codes(per_code.claim)
    assert "ncci-cmt-97124-97112" not in [f.rule_id for f in per_code.steps]
    assert not per_code.modifier_reasons


def test_it_drops_97530_in_the_same_time_block_as_97140() -> None:
    expected = derive(
        make_service("joint_mobilization", "lumbar", minutes=15),
        make_service("therapeutic_activities", minutes=15),
    )
    assert codes(expected.claim) == ["97140"]
    assert expected.unit_result.total_timed_minutes == 15
    assert expected.services[1].excluded_by == "ncci-97140-97530"


def test_it_bills_97530_in_another_time_block_with_59_or_xu_on_97530() -> None:
    expected = derive(
        make_service("joint_mobilization", "lumbar", minutes=15, time_block=1),
        make_service("therapeutic_activities", minutes=15, time_block=2),
    )
    assert codes(expected.claim) == ["97140", "97530"]
    assert modifier_options(expected, "97530") == {frozenset({"59"}), frozenset({"XU"})}
    assert modifier_options(expected, "97140") == {frozenset()}


def test_it_ignores_the_97530_edit_when_97140_is_bundled_into_cmt() -> None:
    expected = derive(
        make_service("spinal_cmt", "lumbar"),
        make_service("joint_mobilization", "lumbar", minutes=15),
        make_service("therapeutic_activities", minutes=15),
    )
    assert codes(expected.claim) == ["98940", "97530"]
    assert modifier_options(expected, "97530") == {frozenset()}


def test_it_drops_97140_done_at_the_same_time_as_mechanical_traction() -> None:
    expected = derive(
        make_service("mechanical_traction", "lumbar", minutes=15),
        make_service("myofascial_release", "cervical", minutes=15),
    )
    assert codes(expected.claim) == ["97012"]
    assert expected.services[1].excluded_by == "ncci-97012-97140"


def test_it_bills_97140_at_a_separate_time_from_traction_with_59_or_xu() -> None:
    expected = derive(
        make_service("mechanical_traction", "lumbar", minutes=15, time_block=1),
        make_service("myofascial_release", "cervical", minutes=15, time_block=2),
    )
    assert codes(expected.claim) == ["97012", "97140"]
    assert modifier_options(expected, "97140") == {frozenset({"59"}), frozenset({"XU"})}


def test_it_wants_59_or_both_reasons_when_two_edits_call_for_a_modifier() -> None:
    expected = derive(
        make_service("spinal_cmt", "lumbar"),
        make_service("mechanical_traction", "lumbar", minutes=15, time_block=1),
        make_service("myofascial_release", "upper_extremity", minutes=15, time_block=2),
    )
    assert modifier_options(expected, "97140") == {frozenset({"59"}), frozenset({"XS", "XU"})}


def test_it_does_not_invent_edits_for_unverified_pairs() -> None:
    # 97110 with 97140 and 97112 with 97530 are claims seen online, not rules.
    expected = derive(
        make_service("therapeutic_exercise", minutes=15),
        make_service("myofascial_release", "lumbar", minutes=15),
        make_service("balance_training", minutes=15),
        make_service("therapeutic_activities", minutes=15, time_block=2),
    )
    # 97530 is in block 2 and 97140 in block 1, so only 97530 carries a modifier.
    assert codes(expected.claim) == ["97110", "97140", "97112", "97530"]
    for code in ("97110", "97140", "97112"):
        assert modifier_options(expected, code) == {frozenset()}


def test_it_applies_no_pair_edits_for_a_payer_without_ncci() -> None:
    profile = PayerProfile(
        key="cash",
        name="No edits",
        unit_method="cms",
        medicare=False,
        ncci_edits=False,
        same_region_97124_97112_bundled_with_cmt=False,
    )
    expected = derive(
        make_service("spinal_cmt", "lumbar"),
        make_service("myofascial_release", "lumbar", minutes=15),
        profile=profile,
    )
    assert codes(expected.claim) == ["98940", "97140"]
    assert modifier_options(expected, "97140") == {frozenset()}


# 97010 and Medicare


def test_it_leaves_hot_packs_off_a_medicare_claim() -> None:
    expected = derive(
        make_service("hot_pack", "lumbar", minutes=10, attended=False),
        make_service("therapeutic_exercise", minutes=10),
        profile=MEDICARE,
        provider="physical_therapist",
    )
    assert codes(expected.claim) == ["97110"]
    assert expected.services[0].excluded_by == "medicare-97010-bundled"


def test_it_bills_one_hot_pack_unit_to_a_commercial_payer() -> None:
    expected = derive(
        make_service("hot_pack", "lumbar", minutes=10),
        make_service("cold_pack", "cervical", minutes=10),
    )
    assert [(line.code, line.units) for line in expected.claim] == [("97010", 1)]


# E/M with CMT


def test_it_bills_a_separately_identifiable_visit_with_25() -> None:
    expected = derive(
        make_service("office_visit", code="99213"),
        make_service("spinal_cmt", "lumbar"),
        em_separately_identifiable=True,
    )
    assert codes(expected.claim) == ["99213", "98940"]
    assert line_for(expected, "99213").modifiers == {"25"}


def test_it_drops_a_visit_that_is_only_the_pre_manipulation_assessment() -> None:
    expected = derive(
        make_service("office_visit", code="99213"), make_service("spinal_cmt", "lumbar")
    )
    assert codes(expected.claim) == ["98940"]
    assert expected.services[0].excluded_by == "em-with-cmt"


def test_it_bills_a_visit_without_cmt_without_25() -> None:
    expected = derive(make_service("office_visit", code="99203"))
    assert line_for(expected, "99203").modifiers == frozenset()


# Medicare and chiropractors


def test_it_puts_at_on_active_spinal_cmt_for_medicare() -> None:
    expected = derive(make_service("spinal_cmt", "lumbar"), profile=MEDICARE)
    assert line_for(expected, "98940").modifiers == {"AT"}


def test_it_puts_ga_on_maintenance_cmt_with_an_abn() -> None:
    expected = derive(
        make_service("spinal_cmt", "lumbar"), profile=MEDICARE, care="maintenance", abn_signed=True
    )
    assert line_for(expected, "98940").modifiers == {"GA"}


def test_it_puts_gz_on_maintenance_cmt_without_an_abn() -> None:
    expected = derive(make_service("spinal_cmt", "lumbar"), profile=MEDICARE, care="maintenance")
    assert line_for(expected, "98940").modifiers == {"GZ"}


def test_it_never_puts_at_with_ga() -> None:
    for care in ("active", "maintenance"):
        for abn in (True, False):
            expected = derive(
                make_service("spinal_cmt", "lumbar"), profile=MEDICARE, care=care, abn_signed=abn
            )
            for mods in modifier_options(expected, "98940"):
                assert not {"AT", "GA"} <= mods


def test_it_puts_gp_gy_and_xs_on_a_chiropractors_97140_to_medicare() -> None:
    expected = derive(
        make_service("spinal_cmt", "lumbar"),
        make_service("myofascial_release", "upper_extremity", minutes=20),
        profile=MEDICARE,
    )
    assert modifier_options(expected, "97140") == {
        frozenset({"GP", "GY", "XS"}),
        frozenset({"GP", "GY", "59"}),
    }


def test_it_puts_gy_on_extraspinal_cmt_and_visits_from_a_chiropractor() -> None:
    expected = derive(
        make_service("office_visit", code="99213"),
        make_service("spinal_cmt", "lumbar"),
        make_service("extraspinal_cmt", "lower_extremity"),
        profile=MEDICARE,
        em_separately_identifiable=True,
    )
    assert line_for(expected, "98943").modifiers == {"GY"}
    assert line_for(expected, "99213").modifiers == {"25", "GY"}
    assert line_for(expected, "98940").modifiers == {"AT"}


def test_it_puts_only_gp_on_a_physical_therapists_therapy_codes() -> None:
    expected = derive(
        make_service("therapeutic_exercise", minutes=25),
        make_service("office_visit", code="99203"),
        profile=MEDICARE,
        provider="physical_therapist",
    )
    assert line_for(expected, "97110").modifiers == {"GP"}
    assert line_for(expected, "99203").modifiers == frozenset()


def test_it_adds_no_medicare_modifiers_for_a_commercial_payer() -> None:
    expected = derive(
        make_service("spinal_cmt", "lumbar"),
        make_service("therapeutic_exercise", minutes=25),
        profile=COMMERCIAL_CMS,
    )
    assert all(line.modifiers == frozenset() for line in expected.claim)
    assert expected.optional_modifiers == {"97110": {"GP"}}


# Bad cases


@pytest.mark.parametrize(
    ("service", "message"),
    [
        (DocumentedService("reiki"), "unknown technique 'reiki'"),
        (DocumentedService("effleurage", ("back",), minutes=10), "unknown region"),
        (DocumentedService("effleurage", ("lumbar",)), "needs its minutes"),
        (DocumentedService("effleurage", ("lumbar",), minutes=-5), "whole number from 0"),
        (DocumentedService("spinal_cmt", ()), "at least one spinal region"),
        (DocumentedService("spinal_cmt", ("cervical", "head")), "extraspinal region"),
        (DocumentedService("extraspinal_cmt", ("lumbar",)), "at least one extraspinal"),
        (DocumentedService("office_visit"), "needs its code"),
        (DocumentedService("office_visit", code="97110"), "not an office visit"),
        (DocumentedService("clinic_code", code="19-NC"), "Unknown code '19-NC'"),
        (DocumentedService("effleurage", ("lumbar",), 10, code="97140"), "follows the technique"),
    ],
)
def test_it_refuses_a_service_it_cannot_code(service: DocumentedService, message: str) -> None:
    with pytest.raises(BadCase, match=message):
        derive(service)


def test_it_refuses_cmt_by_a_physical_therapist() -> None:
    with pytest.raises(BadCase, match="joint_mobilization"):
        derive(make_service("spinal_cmt", "lumbar"), provider="physical_therapist")


def test_it_refuses_two_office_visits() -> None:
    with pytest.raises(BadCase, match="one office visit"):
        derive(
            make_service("office_visit", code="99213"), make_service("office_visit", code="99213")
        )


def test_it_reports_every_problem_at_once() -> None:
    with pytest.raises(BadCase) as raised:
        derive(DocumentedService("reiki"), DocumentedService("effleurage", ("back",), 10))
    assert len(raised.value.problems) == 2
    assert raised.value.problems[0].startswith("Service 1:")


# The key explains itself


def test_it_bills_nothing_for_no_services() -> None:
    assert derive().alternatives == ((),)


def test_it_explains_every_step_with_a_registered_rule() -> None:
    expected = derive(
        make_service("office_visit", code="99213"),
        make_service("spinal_cmt", "lumbar", "cervical", "thoracic"),
        make_service("myofascial_release", "lumbar", minutes=12),
        make_service("graston", "upper_extremity", minutes=14),
        make_service("unattended_estim", "lumbar", minutes=15, attended=False),
        make_service("hot_pack", "lumbar", minutes=10, attended=False),
        profile=MEDICARE,
    )
    assert all(step.severity == "info" and step.rule_id in RULES for step in expected.steps)
    text = "\n".join(step.message for step in expected.steps)
    assert "cervical, thoracic, lumbar (3); 3-4 regions is 98941" in text
    assert "left out of the units" in text
    assert "G0283" in text


def test_it_finds_the_built_in_profiles_by_key() -> None:
    assert get_profile("medicare").unit_method == "cms"
    assert get_profile("commercial-per-code").unit_method == "per-code"
    assert get_profile("commercial-cms").unit_method == "cms"
    with pytest.raises(UnknownProfile, match="Unknown payer profile 'aetna'"):
        get_profile("aetna")


# Units before edits (issue 13, item 6): a service that earns no unit knocks nothing out.


def test_it_bills_97530_when_the_97140_of_its_block_earns_no_unit() -> None:
    expected = derive(
        make_service("joint_mobilization", "lumbar", minutes=5),
        make_service("therapeutic_activities", minutes=30),
    )
    assert [(line.code, line.units) for line in expected.claim] == [("97530", 2)]
    # 97530 is the only line: no pair edit applies, so no modifier.
    assert modifier_options(expected, "97530") == {frozenset()}
    assert expected.services[1].billable
    (step,) = [f for f in expected.steps if f.rule_id == "ncci-97140-97530"]
    assert "97140 earns no unit" in step.message


def test_it_keeps_97530_when_97140_earns_no_unit_in_a_medicare_visit() -> None:
    expected = derive(
        make_service("joint_mobilization", "lumbar", minutes=7),
        make_service("therapeutic_activities", minutes=30),
        make_service("therapeutic_exercise", minutes=8),
        profile=MEDICARE,
        provider="physical_therapist",
    )
    # 7 + 30 + 8 = 45 minutes, 3 units: 97530 2 full units, the 3rd to 97110 (8 left over).
    assert [(line.code, line.units) for line in expected.claim] == [("97530", 2), ("97110", 1)]
    assert expected.unit_result.total_timed_minutes == 45


def test_it_bills_97530_under_per_code_when_97140_is_under_8_minutes() -> None:
    expected = derive(
        make_service("joint_mobilization", "lumbar", minutes=5),
        make_service("therapeutic_activities", minutes=30),
        profile=COMMERCIAL_PER_CODE,
    )
    assert [(line.code, line.units) for line in expected.claim] == [("97530", 2)]


def test_it_still_drops_97530_when_the_97140_of_its_block_bills() -> None:
    expected = derive(
        make_service("joint_mobilization", "lumbar", minutes=10),
        make_service("therapeutic_activities", minutes=30),
    )
    assert [(line.code, line.units) for line in expected.claim] == [("97140", 1)]
    assert expected.services[1].excluded_by == "ncci-97140-97530"


# Payer unit caps (issue 13, item 5)


def test_it_caps_the_units_of_one_code_when_the_payer_does() -> None:
    capped = duplicate_profile(COMMERCIAL_PER_CODE, "cap", "Capped payer", unit_cap_per_code=2)
    expected = derive(
        make_service("therapeutic_exercise", minutes=53),
        make_service("myofascial_release", "lumbar", minutes=10),
        profile=capped,
    )
    assert [(line.code, line.units) for line in expected.claim] == [("97110", 2), ("97140", 1)]
    assert any(f.rule_id == "payer-unit-cap" for f in expected.steps)


def test_it_accepts_every_split_under_a_visit_cap() -> None:
    capped = duplicate_profile(COMMERCIAL_CMS, "cap", "Capped payer", unit_cap_per_visit=3)
    expected = derive(
        make_service("therapeutic_exercise", minutes=30),
        make_service("myofascial_release", "lumbar", minutes=30),
        profile=capped,
    )
    splits = {tuple((line.code, line.units) for line in claim) for claim in expected.alternatives}
    assert splits == {(("97110", 2), ("97140", 1)), (("97110", 1), ("97140", 2))}


def test_it_refuses_a_bad_profile_setting() -> None:
    with pytest.raises(ValueError, match="unit_cap_per_visit"):
        duplicate_profile(COMMERCIAL_CMS, "x", "X", unit_cap_per_visit=0)
    with pytest.raises(ValueError, match="Medicare profile"):
        duplicate_profile(MEDICARE, "x", "X", unattended_estim_code="97014")
    with pytest.raises(ValueError, match="Unknown payer profile setting"):
        duplicate_profile(COMMERCIAL_CMS, "x", "X", colour="red")


# Medicare therapy facts: KX and CQ/CO (issue 13, item 2)


def test_it_puts_kx_on_every_therapy_line_over_the_threshold() -> None:
    expected = derive(
        make_service("pt_evaluation", code="97164"),
        make_service("therapeutic_exercise", minutes=25),
        profile=MEDICARE,
        provider="physical_therapist",
        over_therapy_threshold=True,
    )
    assert [(line.code, line.modifiers) for line in expected.claim] == [
        ("97164", {"GP", "KX"}),
        ("97110", {"GP", "KX"}),
    ]


def test_it_puts_cq_on_an_assistants_lines_but_never_on_an_evaluation() -> None:
    expected = derive(
        make_service("pt_evaluation", code="97164"),
        make_service("therapeutic_exercise", minutes=25),
        profile=MEDICARE,
        provider="physical_therapist",
        assistant_performed=True,
    )
    assert line_for(expected, "97164").modifiers == {"GP"}
    assert line_for(expected, "97110").modifiers == {"GP", "CQ"}


def test_it_puts_go_and_co_on_an_occupational_therapists_lines() -> None:
    expected = derive(
        make_service("ot_evaluation", code="97166"),
        make_service("therapeutic_activities", minutes=20),
        profile=MEDICARE,
        provider="occupational_therapist",
        assistant_performed=True,
    )
    assert line_for(expected, "97166").modifiers == {"GO"}
    assert line_for(expected, "97530").modifiers == {"GO", "CO"}


def test_it_puts_no_kx_or_cq_on_a_commercial_claim() -> None:
    expected = derive(
        make_service("therapeutic_exercise", minutes=25),
        profile=COMMERCIAL_CMS,
        provider="physical_therapist",
        over_therapy_threshold=True,
        assistant_performed=True,
    )
    assert line_for(expected, "97110").modifiers == frozenset()


def test_it_refuses_therapy_threshold_facts_for_a_chiropractor() -> None:
    with pytest.raises(BadCase, match="KX"):
        derive(make_service("therapeutic_exercise", minutes=25), over_therapy_threshold=True)


# The codes a therapy clinic meets (issue 13, item 3)


def test_it_bills_group_therapy_untimed_outside_the_timed_minutes() -> None:
    expected = derive(
        make_service("group_therapy", minutes=30, time_block=2),
        make_service("therapeutic_exercise", minutes=10, time_block=1),
    )
    assert [(line.code, line.units) for line in expected.claim] == [("97150", 1), ("97110", 1)]
    assert expected.unit_result.total_timed_minutes == 10


def test_it_never_bills_97110_for_the_time_of_the_group() -> None:
    expected = derive(
        make_service("group_therapy", minutes=30, time_block=1),
        make_service("therapeutic_exercise", minutes=20, time_block=1),
    )
    assert codes(expected.claim) == ["97150"]
    assert expected.services[1].excluded_by == "group-therapy-not-one-on-one"


@pytest.mark.parametrize(
    ("technique", "code"),
    [("balance_training", "97112"), ("gait_training", "97116"), ("joint_mobilization", "97140")],
)
def test_it_never_bills_any_one_on_one_timed_code_for_the_time_of_the_group(
    technique: str, code: str
) -> None:
    same = derive(
        make_service("group_therapy", minutes=30, time_block=1),
        make_service(technique, "lower_extremity", minutes=20, time_block=1),
    )
    assert codes(same.claim) == ["97150"]
    assert same.services[1].excluded_by == "group-therapy-not-one-on-one"
    assert f"one-on-one {code}" in same.services[1].excluded_because
    apart = derive(
        make_service("group_therapy", minutes=30, time_block=1),
        make_service(technique, "lower_extremity", minutes=20, time_block=2),
    )
    assert sorted(codes(apart.claim)) == sorted(["97150", code])


@pytest.mark.parametrize(
    ("technique", "code", "provider"),
    [
        ("pt_evaluation", "97162", "physical_therapist"),
        ("ot_evaluation", "97167", "occupational_therapist"),
    ],
)
def test_it_takes_the_evaluation_code_from_the_service(
    technique: str, code: str, provider: str
) -> None:
    expected = derive(make_service(technique, code=code), provider=provider)
    assert [(line.code, line.units) for line in expected.claim] == [(code, 1)]


def test_it_refuses_an_ot_code_on_a_pt_evaluation_and_a_chiropractors_evaluation() -> None:
    with pytest.raises(BadCase, match="97161, 97162, 97163, 97164"):
        derive(make_service("pt_evaluation", code="97166"), provider="physical_therapist")
    with pytest.raises(BadCase, match="billed by a physical therapist"):
        derive(make_service("pt_evaluation", code="97161"))


@pytest.mark.parametrize(
    ("technique", "code"),
    [
        ("physical_performance_test", "97750"),
        ("orthotic_training", "97760"),
        ("wheelchair_training", "97542"),
    ],
)
def test_it_counts_the_added_timed_codes_in_the_8_minute_rule(technique: str, code: str) -> None:
    expected = derive(make_service(technique, minutes=23), provider="physical_therapist")
    assert [(line.code, line.units) for line in expected.claim] == [(code, 2)]


def test_it_codes_dry_needling_by_muscles_with_gp_from_a_therapist_under_medicare() -> None:
    therapist = derive(
        make_service("dry_needling_3_plus_muscles", "lumbar", minutes=12),
        profile=MEDICARE,
        provider="physical_therapist",
    )
    assert [(line.code, line.units, line.modifiers) for line in therapist.claim] == [
        ("20561", 1, {"GP"})
    ]
    chiropractor = derive(
        make_service("dry_needling_1_2_muscles", "lumbar", minutes=8), profile=MEDICARE
    )
    assert line_for(chiropractor, "20560").modifiers == {"GY"}


def test_it_keeps_the_edit_when_no_reading_is_consistent() -> None:
    # Without 97530's 5 minutes, 97140 (10) loses the 2 units to 97110 and 97116 (12 each);
    # with them, 39 minutes give 3 units and 97140 takes one, which would knock 97530 out.
    expected = derive(
        make_service("joint_mobilization", "lumbar", minutes=10),
        make_service("therapeutic_activities", minutes=5),
        make_service("therapeutic_exercise", minutes=12, time_block=2),
        make_service("gait_training", minutes=12, time_block=2),
    )
    assert [(line.code, line.units) for line in expected.claim] == [("97110", 1), ("97116", 1)]
    assert expected.services[1].excluded_by == "ncci-97140-97530"
    assert any("The edit stands" in f.message for f in expected.steps)
