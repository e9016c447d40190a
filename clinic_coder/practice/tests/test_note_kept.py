"""An attempt is graded against the note it showed, always: a regrade applies key corrections
to that note and never another version's facts."""

import importlib
import re

import pytest
from django.urls import reverse

from clinic_coder.catalog.loading import load_catalog
from clinic_coder.coding.variants import MinuteRange, draw_minutes
from clinic_coder.practice.models import Attempt, ScoreNotice
from clinic_coder.practice.workflows import apply_regrade, plan_regrade
from tests.factories import NOW, RIGHT, answer_data, assigned, correct_key, graded, make_case


@pytest.fixture
def answered(people):
    """Alice answered the 24-minute note right: 97140 x2, 100."""
    assignment, (case,) = assigned(cohort=people.cohort_a)
    attempt = graded(student=people.alice, case=case, assignment=assignment, lines=RIGHT)
    return case, attempt


def regrade_url(cohort, case) -> str:
    return reverse("practice:regrade_case", args=[cohort.pk, case.slug])


def test_it_stores_the_note_the_student_read_with_the_attempt(people, answered):
    _, attempt = answered
    assert attempt.shown_revision == attempt.revision
    assert attempt.note_text == "S: Stiff neck.\nP: Myofascial release, R upper trapezius, 24 min."
    (service,) = attempt.documented["services"]
    assert (service["key"], service["technique"], service["minutes"]) == (
        "mfr",
        "myofascial_release",
        24,
    )
    assert attempt.documented["facts"]["provider"] == "chiropractor"


def test_it_keeps_the_note_and_the_score_when_the_minutes_change(client, people, answered):
    """The issue's walk: 10 -> 25 minutes, save, regrade: the student keeps the note they read."""
    case, attempt = answered
    case.services.update(minutes_low=10, minutes_high=10)
    client.force_login(people.ines)
    preview = client.get(regrade_url(people.cohort_a, case)).text
    assert "note kept" in preview
    assert "the same visit note each student read" in preview
    client.post(regrade_url(people.cohort_a, case), {"version": "2"})
    attempt.refresh_from_db()
    assert attempt.revision.version == 2 and attempt.shown_revision.version == 1
    assert attempt.score == 100
    assert attempt.key["alternatives"][0][0]["units"] == 2
    assert not ScoreNotice.objects.exists()
    client.force_login(people.alice)
    page = client.get(reverse("practice:attempt_feedback", args=[attempt.pk])).text
    note = page.split("The visit note you answered")[1]
    assert "24 min" in note and "10 min" not in note
    assert "Score 100 / 100" in page


def test_it_applies_a_corrected_technique_to_the_minutes_the_student_read(people, answered):
    """Minutes changed to 40 and the technique corrected to massage: the regrade keys the
    24 minutes the note showed (97124 x2), never the new 40 (97124 x3)."""
    case, attempt = answered
    case.services.update(minutes_low=40, minutes_high=40, technique="swedish_massage")
    _, (plan,) = plan_regrade(case=case, cohort=people.cohort_a)
    assert plan.note_changed
    assert plan.key_change == "97140 x2 → 97124 x2"
    apply_regrade(case=case, cohort=people.cohort_a, version=2, by=people.ines, now=NOW)
    attempt.refresh_from_db()
    assert [(line["code"], line["units"]) for line in attempt.key["alternatives"][0]] == [
        ("97124", 2)
    ]
    assert attempt.key["minutes"] == {"mfr": 24}
    assert attempt.score == 0
    assert "24 min" in attempt.visit_note
    # A new attempt reads the new note.
    case.refresh_from_db()
    fresh = graded(student=people.bob, case=case, lines=RIGHT)
    assert "40 min" in fresh.visit_note
    assert fresh.key["alternatives"][0][0]["units"] == 3


def test_it_keeps_the_same_note_when_only_the_technique_is_corrected(client, people, answered):
    """A technique is how the note is coded: the preview must not call it another note."""
    case, _ = answered
    case.services.update(technique="swedish_massage")
    _, (plan,) = plan_regrade(case=case, cohort=people.cohort_a)
    assert not plan.note_changed
    assert plan.key_change == "97140 x2 → 97124 x2"
    client.force_login(people.ines)
    preview = client.get(regrade_url(people.cohort_a, case)).text
    assert "note kept" not in preview.split("<tbody>")[1]
    assert "the same note" in preview


def test_it_tells_the_student_when_a_regrade_changes_their_score(people, answered):
    case, attempt = answered
    correct_key(case)
    apply_regrade(case=case, cohort=people.cohort_a, version=2, by=people.ines, now=NOW)
    notice = ScoreNotice.objects.get()
    assert (notice.student, notice.attempt, notice.cause) == (people.alice, attempt, "regrade")
    assert (notice.old_score, notice.new_score) == (100, 70)
    assert "97140 x1" in notice.reason and "97140 x2" in notice.reason
    assert "same visit note you read" in notice.reason


def test_it_fills_the_note_of_attempts_made_before_it_was_stored():
    migration = importlib.import_module(
        "clinic_coder.practice.migrations.0008_attempt_shown_note_and_score_notices"
    )
    content = {
        "note": "Massage {m} min, {VAS} 4/10. Hot pack.",
        "facts": {"provider": "physical_therapist"},
        "services": [
            {"key": "m", "technique": "swedish_massage", "minutes": [10, 30]},
            {"key": "hp", "technique": "hot_pack", "minutes": None},
        ],
    }
    note, documented = migration.shown(content, {"m": 17})
    assert note == "Massage 17 min, {VAS} 4/10. Hot pack."
    assert [s["minutes"] for s in documented["services"]] == [17, None]
    assert documented["facts"]["provider"] == "physical_therapist"
    assert documented["facts"]["care"] == "active"


def test_it_leaves_a_regraded_attempt_on_the_note_it_showed(people, answered):
    """The feedback page reads the stored note, not the revision the key now comes from."""
    case, attempt = answered
    case.services.update(minutes_low=25, minutes_high=25)
    case.note = case.note.replace("Stiff neck", "Very stiff neck")
    case.save()
    apply_regrade(case=case, cohort=people.cohort_a, version=2, by=people.ines, now=NOW)
    attempt = Attempt.objects.get(pk=attempt.pk)
    assert "Very stiff" not in attempt.visit_note and "24 min" in attempt.visit_note


def open_page(client, case) -> dict:
    page = client.get(reverse("practice:play_case", args=[case.slug])).text
    token = re.search(r'name="token" value="([^"]+)"', page).group(1)
    shown = re.search(r'name="shown" value="([^"]+)"', page).group(1)
    return answer_data([{"code": "97140", "minutes": "24", "units": "2"}], token=token) | {
        "shown": shown
    }


def test_it_grades_a_submit_on_the_note_the_page_showed(client, people):
    load_catalog()
    case = make_case()
    client.force_login(people.alice)
    data = open_page(client, case)
    response = client.post(reverse("practice:submit_case", args=[case.slug]), data)
    assert response.status_code == 302
    assert Attempt.objects.get().score == 100


def test_it_refuses_a_submit_when_the_case_changed_since_the_page_showed_it(client, people):
    load_catalog()
    case = make_case()
    client.force_login(people.alice)
    data = open_page(client, case)
    case.services.update(minutes_low=10, minutes_high=10)  # edited while Alice was reading
    response = client.post(reverse("practice:submit_case", args=[case.slug]), data)
    assert response.status_code == 409
    assert "This case was changed since you opened it" in response.text
    assert not Attempt.objects.exists()
    assert "10 min" in response.text  # the page now shows the note that will be graded
    again = open_page(client, case)
    response = client.post(reverse("practice:submit_case", args=[case.slug]), again)
    assert response.status_code == 302
    assert "10 min" in Attempt.objects.get().visit_note


@pytest.mark.parametrize("shown", ["", "x" * 5000, "\x00"])
def test_it_refuses_a_forged_fingerprint_without_storing_anything(client, people, shown):
    load_catalog()
    case = make_case()
    client.force_login(people.alice)
    data = open_page(client, case) | {"shown": shown}
    response = client.post(reverse("practice:submit_case", args=[case.slug]), data)
    assert response.status_code == 409
    assert not Attempt.objects.exists()


def test_it_draws_again_the_minutes_a_regraded_attempt_was_shown():
    """An attempt regraded before the note was stored holds the later version's minutes in
    its key: the migration draws the shown version's minutes from the seed, as variants do."""
    migration = importlib.import_module(
        "clinic_coder.practice.migrations.0008_attempt_shown_note_and_score_notices"
    )
    content = {
        "services": [
            {"key": "b", "minutes": [10, 40]},
            {"key": "a", "minutes": 12},
            {"key": "c", "minutes": None},
        ]
    }
    ranges = {"a": MinuteRange(12, 12), "b": MinuteRange(10, 40)}
    for seed in (1, 77, 2**31 - 5):
        assert migration.drawn_minutes(seed, content) == draw_minutes(seed, ranges)


def test_it_shows_staff_which_version_the_student_read(client, people, answered):
    case, attempt = answered
    correct_key(case)
    apply_regrade(case=case, cohort=people.cohort_a, version=2, by=people.ines, now=NOW)
    client.force_login(people.ines)
    url = reverse("practice:staff_attempt", args=[people.cohort_a.pk, attempt.pk])
    page = client.get(url).text
    assert "the student read version 1 of the case, keyed with version 2 since a regrade" in page
    assert "24 min" in page.split("visit note")[-1]


def test_it_takes_a_submit_after_a_corrected_technique_on_the_same_note(client, people):
    load_catalog()
    case = make_case()
    client.force_login(people.alice)
    data = open_page(client, case)
    case.services.update(technique="graston")  # how it is coded, not what the note says
    response = client.post(reverse("practice:submit_case", args=[case.slug]), data)
    assert response.status_code == 302
