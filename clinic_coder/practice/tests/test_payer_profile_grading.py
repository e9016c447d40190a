"""Cases and assignments graded by an instructor's own payer profile, and what an edit of that
profile does to attempts already made: nothing. Each attempt keeps the settings it was graded
with (Attempt.payer_settings); only attempts made after the edit use the new ones."""

import dataclasses

import pytest
from django.utils import timezone

from clinic_coder.cases.models import PayerProfile
from clinic_coder.catalog.loading import load_catalog
from clinic_coder.practice.workflows import apply_regrade
from tests.factories import (
    NOW,
    graded,
    line,
    make_assignment,
    make_case,
    make_case_set,
    make_payer_profile,
)

# CMT of the neck and manual therapy on the low back: 97140 is billed beside 98940 as a
# distinct service, with 59 or XS unless the payer takes only one of them.
CMT_AND_MFR = {
    "note": "P: CMT, cervical. Myofascial release, lumbar paraspinals, {mfr} min.",
    "services": [
        {"key": "cmt", "technique": "spinal_cmt", "regions": ["cervical"]},
        {"key": "mfr", "technique": "myofascial_release", "regions": ["lumbar"],
         "minutes_low": 20, "minutes_high": 20},
    ],
}  # fmt: skip
WITH_59 = [line("98940", 1, None), line("97140", 1, 20, ["59"])]
WITH_XS = [line("98940", 1, None), line("97140", 1, 20, ["XS"])]


@pytest.fixture
def x_only(people):
    load_catalog()
    return make_payer_profile(owner=people.ines, name="X only", distinct_modifiers="x-only")


def test_a_case_is_graded_by_its_own_profile(people, x_only):
    case = make_case(payer_profile=x_only.key, **CMT_AND_MFR)
    refused = graded(student=people.alice, case=case, lines=WITH_59)
    assert refused.score == 90
    assert "payer-distinct-modifiers" in set(refused.findings.values_list("rule_id", flat=True))
    assert graded(student=people.alice, case=case, lines=WITH_XS).score == 100


def test_the_same_case_takes_59_under_a_built_in_profile(people, x_only):
    case = make_case(payer_profile="commercial-cms", **CMT_AND_MFR)
    assert graded(student=people.alice, case=case, lines=WITH_59).score == 100


def test_an_assignment_grades_every_case_by_the_profile_it_sets(people):
    load_catalog()
    capped = make_payer_profile(owner=people.ines, name="Capped", unit_cap_per_code=2)
    case = make_case(
        payer_profile="commercial-cms",
        note="P: Therapeutic exercise, {ex} min.",
        services=[{"key": "ex", "technique": "therapeutic_exercise",
                   "minutes_low": 53, "minutes_high": 53}],
    )  # fmt: skip
    case_set = make_case_set(cases=[case])
    assignment = make_assignment(
        cohort=people.cohort_a, case_set=case_set, payer_profile=capped.key
    )
    attempt = graded(
        student=people.alice, case=case, assignment=assignment, lines=[line("97110", 2, 53)]
    )
    assert attempt.score == 100
    assert attempt.payer_profile == capped.key
    assert [(row["code"], row["units"]) for row in attempt.key["alternatives"][0]] == [("97110", 2)]


def test_an_attempt_keeps_a_copy_of_the_settings_it_was_graded_with(people, x_only):
    case = make_case(payer_profile=x_only.key, **CMT_AND_MFR)
    attempt = graded(student=people.alice, case=case, lines=WITH_59)
    assert attempt.payer_settings == dataclasses.asdict(x_only.to_engine())
    assert attempt.profile == x_only.to_engine()


def test_editing_a_profile_in_use_leaves_attempts_already_made_as_they_were(people, x_only):
    case = make_case(payer_profile=x_only.key, **CMT_AND_MFR)
    before = graded(student=people.alice, case=case, lines=WITH_59)
    x_only.distinct_modifiers = PayerProfile.DistinctModifiers.FIFTY_NINE_OR_X
    x_only.save()
    before.refresh_from_db()
    assert before.score == 90
    assert before.profile.distinct_modifiers == "x-only"
    assert before.grading(before.revision).result.score == 90  # what a re-render reads
    # An attempt made after the edit is graded by the new settings.
    after = graded(student=people.alice, case=case, lines=WITH_59, now=NOW)
    assert (after.score, after.profile.distinct_modifiers) == (100, "59-or-x")


def test_a_regrade_after_the_edit_keeps_the_payer_the_student_coded_for(people, x_only):
    case = make_case(payer_profile=x_only.key, **CMT_AND_MFR)
    case_set = make_case_set(cases=[case])
    assignment = make_assignment(cohort=people.cohort_a, case_set=case_set)
    attempt = graded(student=people.alice, case=case, assignment=assignment, lines=WITH_59)
    x_only.distinct_modifiers = PayerProfile.DistinctModifiers.FIFTY_NINE_OR_X
    x_only.save()
    case.teaching_point = "Manual therapy on another region than the one manipulated."
    case.save()  # a new version of the case, which the regrade keys the attempt with
    version = case.upcoming_revision().version
    (regrade,) = apply_regrade(
        case=case, cohort=people.cohort_a, version=version, by=people.ines, now=timezone.now()
    )
    attempt.refresh_from_db()
    assert (regrade.old_version, regrade.new_version) == (1, 2)
    assert (attempt.score, attempt.profile.distinct_modifiers) == (90, "x-only")


def test_an_attempt_from_before_profiles_were_rows_uses_the_built_in(people):
    load_catalog()
    case = make_case()
    attempt = graded(student=people.alice, case=case, lines=[line()])
    attempt.payer_settings = {}
    attempt.save(update_fields=["payer_settings"])
    attempt.refresh_from_db()
    assert attempt.profile == PayerProfile.objects.for_grading("commercial-per-code")
