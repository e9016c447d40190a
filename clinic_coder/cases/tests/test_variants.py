import pytest

from clinic_coder.cases.exchange import import_bank
from clinic_coder.cases.tests.test_exchange import make_bank
from clinic_coder.catalog.loading import load_catalog


@pytest.fixture
def case(db):
    load_catalog()
    bank = make_bank(
        note="Myofascial release {mfr} min; exercise {ex} min.",
        services=[
            {"key": "mfr", "technique": "myofascial_release", "regions": ["cervical"],
             "minutes": [5, 12]},
            {"key": "ex", "technique": "therapeutic_exercise", "minutes": [20, 25]},
        ],
    )  # fmt: skip
    import_bank(bank)
    from clinic_coder.cases.models import Case

    return Case.objects.get()


def test_it_gives_the_same_note_and_key_for_the_same_seed(case):
    first, again = case.variant(42), case.variant(42)
    assert first.note == again.note
    assert first.minutes == again.minutes
    assert first.expected.alternatives == again.expected.alternatives


def test_it_draws_minutes_inside_the_ranges_and_writes_them_in_the_note(case):
    for seed in range(30):
        variant = case.variant(seed)
        assert 5 <= variant.minutes["mfr"] <= 12
        assert 20 <= variant.minutes["ex"] <= 25
        assert variant.note == (
            f"Myofascial release {variant.minutes['mfr']} min; "
            f"exercise {variant.minutes['ex']} min."
        )


def test_it_gives_different_numbers_for_different_seeds(case):
    notes = {case.variant(seed).note for seed in range(20)}
    assert len(notes) > 5


def test_it_changes_the_key_across_a_rule_boundary(case):
    # Per-code: 7 minutes of manual therapy bill nothing, 8 bill a unit.
    units = {}
    for seed in range(200):
        variant = case.variant(seed)
        codes = {line.code: line.units for line in variant.expected.claim}
        units[variant.minutes["mfr"]] = codes.get("97140", 0)
    assert units[7] == 0 and units[8] == 1
