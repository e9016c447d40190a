"""Payer profiles as rows: the built-ins from the fixture, the engine's dataclass from a row,
who may use and change which, and keys for instructors' own."""

import dataclasses
import json

import pytest
from django.db import IntegrityError

from clinic_coder.cases.loading import load_payer_profiles
from clinic_coder.cases.models import PayerProfile
from clinic_coder.coding.errors import UnknownProfile
from clinic_coder.coding.profiles import PROFILES, PROFILES_FILE, profile_from_dict
from tests.factories import make_payer_profile

pytestmark = pytest.mark.django_db

FIXTURE = json.loads(PROFILES_FILE.read_text(encoding="utf-8"))


@pytest.mark.parametrize("row", FIXTURE, ids=[row["key"] for row in FIXTURE])
def test_it_round_trips_every_built_in_profile_to_the_engine(row):
    profile = PayerProfile.objects.get(key=row["key"])
    assert profile.builtin and profile.owner is None
    assert profile.to_engine() == profile_from_dict(row) == PROFILES[row["key"]]
    assert PayerProfile.objects.for_grading(row["key"]) == PROFILES[row["key"]]


def test_it_round_trips_an_instructors_own_profile(people):
    mine = make_payer_profile(
        owner=people.ines,
        distinct_modifiers="x-only",
        unit_cap_per_visit=3,
        unit_cap_per_code=2,
        gp_required=True,
    )
    engine = PayerProfile.objects.for_grading(mine.key)
    assert engine.key == mine.key and engine.name == "Strict payer"
    assert (engine.distinct_modifiers, engine.unit_cap_per_visit, engine.unit_cap_per_code) == (
        "x-only",
        3,
        2,
    )
    copy = PayerProfile(key="again", **PayerProfile.settings_of(engine))
    assert dataclasses.replace(copy.to_engine(), key=mine.key) == engine


def test_it_refuses_an_unknown_key():
    with pytest.raises(UnknownProfile, match="Unknown payer profile 'nope'"):
        PayerProfile.objects.for_grading("nope")


def test_it_refreshes_built_ins_from_the_file_and_leaves_own_profiles_alone(people):
    PayerProfile.objects.filter(key="medicare").update(name="Edited by hand")
    mine = make_payer_profile(owner=people.ines, name="Mine")
    assert load_payer_profiles() == len(FIXTURE)
    assert PayerProfile.objects.get(key="medicare").name == PROFILES["medicare"].name
    mine.refresh_from_db()
    assert (mine.name, mine.builtin, mine.owner) == ("Mine", False, people.ines)


def test_it_refuses_a_built_in_key_that_an_own_profile_holds(people, tmp_path):
    mine = make_payer_profile(owner=people.ines)
    path = tmp_path / "profiles.json"
    path.write_text(json.dumps([{**FIXTURE[0], "key": mine.key}]))
    with pytest.raises(ValueError, match="already name an instructor's own profile"):
        load_payer_profiles(path)
    mine.refresh_from_db()
    assert not mine.builtin


def test_it_gives_own_profiles_free_keys_from_their_names(people):
    first = make_payer_profile(owner=people.ines, name="Blue Shield PT")
    second = make_payer_profile(owner=people.igor, name="Blue Shield PT")
    assert (first.key, second.key) == ("custom-blue-shield-pt", "custom-blue-shield-pt-2")
    assert make_payer_profile(owner=people.ines, name="???").key == "custom-profile"


def test_it_lets_each_instructor_use_the_built_ins_and_their_own(people):
    mine = make_payer_profile(owner=people.ines)
    theirs = make_payer_profile(owner=people.igor)
    usable = set(PayerProfile.objects.usable_by(people.ines).values_list("key", flat=True))
    assert usable == {*PROFILES, mine.key}
    assert list(PayerProfile.objects.editable_by(people.ines)) == [mine]
    assert set(PayerProfile.objects.editable_by(people.admin)) == {mine, theirs}
    assert theirs.key in PayerProfile.objects.usable_by(people.admin).values_list("key", flat=True)


def test_the_database_refuses_a_medicare_profile_without_gp(people):
    with pytest.raises(IntegrityError):
        make_payer_profile(owner=people.ines, medicare=True, unattended_estim_code="G0283")


def test_the_database_refuses_a_built_in_with_an_owner(people):
    with pytest.raises(IntegrityError):
        PayerProfile.objects.filter(key="medicare").update(owner=people.ines)
