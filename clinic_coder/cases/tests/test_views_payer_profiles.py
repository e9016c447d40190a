"""The payer profile pages: list, duplicate, edit and delete, for whom and not for whom."""

import pytest
from django.urls import reverse

from clinic_coder.cases.models import PayerProfile
from clinic_coder.coding.profiles import PROFILES
from tests.factories import make_assignment, make_case, make_case_set, make_payer_profile

pytestmark = pytest.mark.django_db


def profile_data(**overrides: object) -> dict:
    """A valid POST of the profile form: a commercial CMS payer taking only X modifiers."""
    data = {
        "name": "X-only commercial",
        "description": "Takes XS, never 59.",
        "unit_method": "cms",
        "ncci_edits": "on",
        "same_region_97124_97112_bundled_with_cmt": "on",
        "distinct_modifiers": "x-only",
        "unit_cap_per_visit": "",
        "unit_cap_per_code": "",
        "unattended_estim_code": "97014",
    }
    return {k: v for k, v in (data | overrides).items() if v is not None}


@pytest.fixture
def mine(people):
    return make_payer_profile(owner=people.ines, name="Ines's payer")


def url(name: str, profile: PayerProfile | str) -> str:
    key = profile if isinstance(profile, str) else profile.key
    return reverse(f"cases:{name}", args=[key])


# --- list ----------------------------------------------------------------------------------


def test_it_lists_the_built_ins_and_my_own_profiles(client, people, mine):
    theirs = make_payer_profile(owner=people.igor, name="Igor's payer")
    client.force_login(people.ines)
    response = client.get(reverse("cases:payer_profile_list"))
    assert response.status_code == 200
    for profile in PROFILES.values():
        assert profile.name in response.text
    assert "Ines&#x27;s payer" in response.text
    assert theirs.name.replace("'", "&#x27;") not in response.text
    assert url("edit_payer_profile", mine) in response.text
    assert url("edit_payer_profile", "medicare") not in response.text
    assert "Most timed units per visit" in response.text


def test_it_shows_an_admin_every_profile(client, people, mine):
    client.force_login(people.admin)
    response = client.get(reverse("cases:payer_profile_list"))
    assert url("edit_payer_profile", mine) in response.text


@pytest.mark.parametrize("persona", ["alice", "sofia"])
def test_students_and_supervisors_may_not_see_the_profiles(client, people, persona):
    client.force_login(getattr(people, persona))
    assert client.get(reverse("cases:payer_profile_list")).status_code == 403


def test_it_sends_anonymous_visitors_to_log_in(client, people):
    response = client.get(reverse("cases:payer_profile_list"))
    assert response.status_code == 302 and "/login/" in response.url


# --- duplicate -----------------------------------------------------------------------------


def test_it_offers_a_copy_of_a_built_in_with_every_setting(client, people):
    client.force_login(people.igor)
    response = client.get(url("duplicate_payer_profile", "medicare"))
    assert response.status_code == 200
    assert 'value="Copy of Medicare"' in response.text
    assert '<option value="G0283" selected>' in response.text
    assert "the 8-minute table gives the units" in response.text  # help text of a setting


def test_it_duplicates_a_built_in_into_my_own_profile(client, people):
    client.force_login(people.igor)
    response = client.post(
        url("duplicate_payer_profile", "commercial-cms"), profile_data(unit_cap_per_visit="4")
    )
    assert response.status_code == 302
    profile = PayerProfile.objects.get(owner=people.igor)
    assert (profile.key, profile.based_on, profile.builtin) == (
        "custom-x-only-commercial",
        "commercial-cms",
        False,
    )
    engine = profile.to_engine()
    assert (engine.distinct_modifiers, engine.unit_cap_per_visit) == ("x-only", 4)
    assert PayerProfile.objects.get(key="commercial-cms").to_engine() == PROFILES["commercial-cms"]


def test_it_duplicates_my_own_profile(client, people, mine):
    client.force_login(people.ines)
    response = client.post(url("duplicate_payer_profile", mine), profile_data(name="Second"))
    assert response.status_code == 302
    assert PayerProfile.objects.filter(owner=people.ines).count() == 2


def test_another_instructors_profile_is_not_found(client, people, mine):
    client.force_login(people.igor)
    assert client.get(url("duplicate_payer_profile", mine)).status_code == 404
    assert client.post(url("duplicate_payer_profile", mine), profile_data()).status_code == 404
    assert not PayerProfile.objects.filter(owner=people.igor).exists()


@pytest.mark.parametrize("persona", ["alice", "sofia"])
def test_students_and_supervisors_may_not_duplicate(client, people, persona):
    client.force_login(getattr(people, persona))
    response = client.post(url("duplicate_payer_profile", "medicare"), profile_data())
    assert response.status_code == 403
    assert PayerProfile.objects.filter(builtin=False).count() == 0


def test_anonymous_visitors_may_not_duplicate(client, people):
    response = client.post(url("duplicate_payer_profile", "medicare"), profile_data())
    assert response.status_code == 302 and "/login/" in response.url
    assert PayerProfile.objects.filter(builtin=False).count() == 0


@pytest.mark.parametrize(
    ("bad", "message"),
    [
        ({"medicare": "on"}, "A Medicare profile must require GP and use G0283"),
        ({"unit_cap_per_visit": "0"}, "greater than or equal to 1"),
        ({"unit_cap_per_code": "many"}, "Enter a whole number"),
        ({"unit_method": "weekly"}, "Select a valid choice"),
        ({"distinct_modifiers": None}, "This field is required"),
        ({"name": "   "}, "This field is required"),
        ({"description": "x" * 2001}, "at most 2000 characters"),
    ],
)
def test_it_refuses_bad_settings_and_saves_nothing(client, people, bad, message):
    client.force_login(people.ines)
    response = client.post(url("duplicate_payer_profile", "commercial-cms"), profile_data(**bad))
    assert response.status_code == 200
    assert message in response.text
    assert not PayerProfile.objects.filter(builtin=False).exists()


# --- edit ----------------------------------------------------------------------------------


def test_it_edits_my_own_profile(client, people, mine):
    client.force_login(people.ines)
    response = client.post(url("edit_payer_profile", mine), profile_data(unit_cap_per_code="2"))
    assert response.status_code == 302
    mine.refresh_from_db()
    assert (mine.name, mine.distinct_modifiers, mine.unit_cap_per_code) == (
        "X-only commercial",
        "x-only",
        2,
    )
    assert mine.key == "custom-iness-payer"  # the key stays: cases name the profile by it


def test_it_tells_the_owner_what_uses_the_profile(client, people, mine):
    make_case(payer_profile=mine.key)
    client.force_login(people.ines)
    response = client.get(url("edit_payer_profile", mine))
    assert "1 case and 0 assignments use this profile" in response.text
    assert "Attempts already made keep the settings they were graded with" in response.text


def test_an_admin_may_edit_an_instructors_profile(client, people, mine):
    client.force_login(people.admin)
    response = client.post(url("edit_payer_profile", mine), profile_data(name="Fixed"))
    assert response.status_code == 302
    mine.refresh_from_db()
    assert mine.name == "Fixed"


def test_another_instructor_may_not_edit_my_profile(client, people, mine):
    client.force_login(people.igor)
    response = client.post(url("edit_payer_profile", mine), profile_data(name="Taken"))
    assert response.status_code == 404
    mine.refresh_from_db()
    assert mine.name == "Ines's payer"


@pytest.mark.parametrize("persona", ["ines", "admin"])
def test_nobody_edits_a_built_in_profile(client, people, persona):
    client.force_login(getattr(people, persona))
    response = client.post(url("edit_payer_profile", "medicare"), profile_data(name="Mine now"))
    assert response.status_code == 403
    assert PayerProfile.objects.get(key="medicare").to_engine() == PROFILES["medicare"]


@pytest.mark.parametrize("persona", ["alice", "sofia"])
def test_students_and_supervisors_may_not_edit(client, people, mine, persona):
    client.force_login(getattr(people, persona))
    response = client.post(url("edit_payer_profile", mine), profile_data(name="Taken"))
    assert response.status_code == 403
    mine.refresh_from_db()
    assert mine.name == "Ines's payer"


def test_a_bad_edit_changes_nothing(client, people, mine):
    client.force_login(people.ines)
    response = client.post(url("edit_payer_profile", mine), profile_data(medicare="on"))
    assert response.status_code == 200
    assert "A Medicare profile must require GP" in response.text
    mine.refresh_from_db()
    assert (mine.medicare, mine.distinct_modifiers) == (False, "59-or-x")


def test_an_unknown_or_forged_key_is_not_found(client, people):
    client.force_login(people.ines)
    assert client.get(url("edit_payer_profile", "no-such-profile")).status_code == 404
    assert client.get(url("duplicate_payer_profile", "x" * 300)).status_code == 404


# --- delete --------------------------------------------------------------------------------


def test_it_asks_before_deleting(client, people, mine):
    client.force_login(people.ines)
    response = client.post(url("delete_payer_profile", mine), {"confirm": "ask"})
    assert response.status_code == 200
    assert "Delete the payer profile “Ines&#x27;s payer”?" in response.text
    assert PayerProfile.objects.filter(pk=mine.pk).exists()


def test_it_deletes_my_unused_profile(client, people, mine):
    client.force_login(people.ines)
    response = client.post(url("delete_payer_profile", mine), {"confirm": "yes"})
    assert response.status_code == 302
    assert not PayerProfile.objects.filter(pk=mine.pk).exists()


def test_it_keeps_a_profile_a_case_uses(client, people, mine):
    make_case(payer_profile=mine.key, title="Neck release")
    client.force_login(people.ines)
    response = client.post(url("delete_payer_profile", mine), {"confirm": "yes"}, follow=True)
    assert "was not deleted: 1 case(s) (“Neck release”) use it" in response.text
    assert PayerProfile.objects.filter(pk=mine.pk).exists()


def test_it_keeps_a_profile_an_assignment_uses(client, people, mine):
    case_set = make_case_set(cases=[make_case()])
    make_assignment(cohort=people.cohort_a, case_set=case_set, payer_profile=mine.key)
    client.force_login(people.ines)
    response = client.post(url("delete_payer_profile", mine), {"confirm": "yes"}, follow=True)
    assert "1 assignment(s) use it" in response.text
    assert PayerProfile.objects.filter(pk=mine.pk).exists()


def test_another_instructor_may_not_delete_my_profile(client, people, mine):
    client.force_login(people.igor)
    assert client.post(url("delete_payer_profile", mine), {"confirm": "yes"}).status_code == 404
    assert PayerProfile.objects.filter(pk=mine.pk).exists()


@pytest.mark.parametrize("persona", ["alice", "sofia"])
def test_students_and_supervisors_may_not_delete(client, people, mine, persona):
    client.force_login(getattr(people, persona))
    assert client.post(url("delete_payer_profile", mine), {"confirm": "yes"}).status_code == 403
    assert PayerProfile.objects.filter(pk=mine.pk).exists()


def test_nobody_deletes_a_built_in_profile(client, people):
    client.force_login(people.admin)
    response = client.post(url("delete_payer_profile", "medicare"), {"confirm": "yes"})
    assert response.status_code == 403
    assert PayerProfile.objects.filter(key="medicare").exists()


def test_deleting_takes_a_post(client, people, mine):
    client.force_login(people.ines)
    assert client.get(url("delete_payer_profile", mine)).status_code == 405
