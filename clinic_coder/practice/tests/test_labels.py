"""Labels in plain words: skills, the 8-minute arithmetic, and teaching points that agree with
their own arithmetic."""

import json
from pathlib import Path

from django.conf import settings
from django.urls import reverse

from clinic_coder.coding.skills import SKILLS
from clinic_coder.coding.units import cms_units
from clinic_coder.practice.trainer import Drill
from tests.factories import make_case


def test_it_shows_the_skills_of_a_case_in_words(client, people):
    case = make_case(skills=["code-choice-manual-therapy", "modifiers"])
    client.force_login(people.ines)
    page = client.get(reverse("cases:case_detail", args=[case.slug])).text
    assert "code-choice-manual-therapy" not in page
    assert SKILLS["code-choice-manual-therapy"] in page
    assert "Distinct-service modifiers (59, XE, XP, XS, XU)" in page


def test_it_keeps_the_case_page_from_students(client, people):
    case = make_case()
    client.force_login(people.alice)
    assert client.get(reverse("cases:case_detail", args=[case.slug])).status_code in (403, 404)


def test_the_trainer_writes_the_arithmetic_as_a_person_would(client, people):
    drill = Drill({"97110": 15, "97140": 7})
    client.force_login(people.alice)
    data = {"drill": drill.token, "cms_97110": 1, "cms_97140": 1}
    data |= {"per_code_97110": 1, "per_code_97140": 0}
    page = client.post(reverse("practice:unit_trainer"), data).text
    assert "//" not in page
    assert "22 timed minutes give 1 unit: 22 = 1 x 15 + 7: 1 unit for the full 15s, and 7 left " \
        "over is under 8 (8-22 minutes is 1 unit)." in page  # fmt: skip


def test_every_teaching_point_about_timed_minutes_matches_the_cases_minutes():
    """'About 49 timed minutes' in a case whose timed minutes are 49 or 50 misleads."""
    bank = json.loads((Path(settings.BASE_DIR) / "fixtures" / "case_bank.json").read_text())
    cases = bank["cases"] if isinstance(bank, dict) else bank
    (gardener,) = [c for c in cases if c["slug"] == "gardener-knee-four-treatments"]
    assert "About 49" not in gardener["teaching_point"]
    assert "49 or 50" in gardener["teaching_point"]
    # and the arithmetic agrees: both totals give three units
    for us in (8, 9):
        assert cms_units({"97110": 18, "97140": 13, "97116": 10, "97035": us}).timed_units == 3
