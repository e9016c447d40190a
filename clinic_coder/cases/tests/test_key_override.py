import copy

import pytest
from django.urls import reverse

from clinic_coder.cases.exchange import ImportFailed, export_bank, import_bank
from clinic_coder.cases.models import Case
from clinic_coder.cases.tests.test_exchange import make_bank
from clinic_coder.cases.tests.test_views_support import form_data, load_codes
from clinic_coder.coding.grading import grade
from clinic_coder.coding.profiles import get_profile
from clinic_coder.coding.types import ClaimLine

OVERRIDE = {
    "reason": "This clinic's payer contract pays one unit for any Graston visit.",
    "lines": [{"code": "97140", "units": 1, "modifiers": ["GP"]}],
}


@pytest.fixture
def case(db):
    load_codes()
    import_bank(make_bank(key_override=OVERRIDE))
    return Case.objects.get()


def test_it_grades_against_the_instructors_key_and_shows_why(case):
    variant = case.variant(3)
    assert [(line.code, line.units, line.modifiers) for line in variant.expected.claim] == [
        ("97140", 1, frozenset({"GP"}))
    ]
    assert "payer contract pays one unit" in variant.expected.steps[-1].message
    answer = [ClaimLine("97140", None, 1, frozenset({"GP"}))]
    assert grade(variant.expected, answer, get_profile(case.payer_profile)).score == 100


def test_it_round_trips_the_override(case):
    bank = make_bank(key_override=OVERRIDE)
    bank["cases"][0]["status"] = "published"
    assert export_bank(Case.objects.all(), [])["cases"] == bank["cases"]


@pytest.mark.parametrize(
    ("override", "message"),
    [
        ({"reason": "", "lines": OVERRIDE["lines"]}, "a reason is required"),
        ({"reason": "x", "lines": [{"code": "ZZZ", "units": 1, "modifiers": []}]}, "'ZZZ'"),
        ({"reason": "x", "lines": [{"code": "97140", "units": 0, "modifiers": []}]}, "units"),
        ({"lines": []}, "an object with 'reason' and 'lines'"),
    ],
)
def test_it_refuses_a_bad_override_in_a_file(db, override, message):
    load_codes()
    with pytest.raises(ImportFailed) as failure:
        import_bank(make_bank(key_override=copy.deepcopy(override)))
    assert any(message in error for error in failure.value.errors), failure.value.errors


def test_it_saves_an_override_typed_in_the_editor(client, people):
    load_codes()
    client.force_login(people.ines)
    data = form_data(key_override_text="97140 1 gp\n", key_override_reason="Contract terms.")
    response = client.post(reverse("cases:create_case"), data)
    assert response.status_code == 302
    case = Case.objects.get()
    assert case.key_override == [{"code": "97140", "units": 1, "modifiers": ["GP"]}]
    assert case.key_override_reason == "Contract terms."


@pytest.mark.parametrize(
    ("text", "reason", "message"),
    [
        ("97140 1", "", "Say why the derived key is not right here"),
        ("97140 one", "x", "write the code, then the units"),
        ("99999 1", "x", "not in the code catalog"),
    ],
)
def test_it_explains_a_bad_override_in_the_editor(client, people, text, reason, message):
    load_codes()
    client.force_login(people.ines)
    data = form_data(key_override_text=text, key_override_reason=reason)
    response = client.post(reverse("cases:create_case"), data)
    assert message in response.text
    assert not Case.objects.exists()


def test_it_makes_a_new_version_when_a_case_with_attempts_is_edited(client, people):
    from django.utils import timezone

    from clinic_coder.coding.types import ClaimLine
    from clinic_coder.practice.workflows import open_draft, submit_answer

    load_codes()
    client.force_login(people.ines)
    client.post(reverse("cases:create_case"), form_data())
    case = Case.objects.get()
    draft = open_draft(student=people.alice, case=case)
    submit_answer(draft=draft, token=draft.token, lines=[ClaimLine("97140")], now=timezone.now())
    service = case.services.get()
    existing_row = {
        "services-INITIAL_FORMS": "1",
        "services-0-id": str(service.pk),
        "services-0-case": str(case.pk),
    }
    edit = form_data(title="Renamed", **existing_row)
    assert client.post(reverse("cases:edit_case", args=[case.slug]), edit).status_code == 302
    case.refresh_from_db()
    assert case.version == 2
    assert case.attempts.get().revision.version == 1


def test_it_grades_an_override_with_a_code_the_rules_did_not_derive(db):
    load_codes()
    override = {"reason": "Contract.", "lines": [{"code": "97110", "units": 2, "modifiers": []}]}
    import_bank(make_bank(key_override=override))
    variant = Case.objects.get().variant(1)
    profile = get_profile("commercial-cms")
    for answer in ([ClaimLine("97110", 20, 1)], [ClaimLine("97140", 24, 2)], []):
        result = grade(variant.expected, answer, profile)
        assert 0 <= result.score < 100
    wrong_units = grade(variant.expected, [ClaimLine("97110", 20, 1)], profile)
    assert any("your instructor's key has 2" in f.message for f in wrong_units.findings)
    assert not any(f.rule_id.startswith("cms-") for f in wrong_units.findings)


def test_it_explains_superscript_units_in_an_override(client, people):
    load_codes()
    client.force_login(people.ines)
    data = form_data(key_override_text="97140 ²", key_override_reason="x")
    response = client.post(reverse("cases:create_case"), data)
    assert response.status_code == 200
    assert "write the code, then the units" in response.text
