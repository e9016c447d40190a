import random

import pytest
from django.urls import reverse

from clinic_coder.practice.models import Finding
from clinic_coder.practice.trainer import BOUNDARIES, Drill


def answer(drill: Drill, cms: dict[str, int], per_code: dict[str, int]) -> dict:
    data = {"drill": drill.token}
    for code in drill.minutes:
        data[f"cms_{code}"] = cms[code]
        data[f"per_code_{code}"] = per_code[code]
    return data


def test_it_biases_minutes_toward_the_boundaries():
    rng = random.Random(5)
    minutes = [m for _ in range(300) for m in Drill.new(rng).minutes.values()]
    near = sum(m in BOUNDARIES for m in minutes)
    assert near / len(minutes) > 0.5


def test_it_shows_a_drill_to_students_only(client, people):
    client.force_login(people.alice)
    assert "units, CMS 8-minute rule" in client.get(reverse("practice:unit_trainer")).text
    client.force_login(people.ines)
    assert client.get(reverse("practice:unit_trainer")).status_code == 403


def test_it_checks_both_methods_and_records_findings(client, people):
    drill = Drill({"97110": 8, "97140": 8})
    client.force_login(people.alice)
    page = client.post(
        reverse("practice:unit_trainer"),
        answer(drill, cms={"97110": 1, "97140": 1}, per_code={"97110": 1, "97140": 1}),
    ).text
    assert "CMS 8-minute rule: not right" in page
    assert "Per-code method: right" in page
    assert "16 timed minutes give 1 unit" in page
    findings = {f.skill: f.severity for f in Finding.objects.filter(student=people.alice)}
    assert findings == {"units-cms": "error", "units-per-code": "info"}


def test_it_accepts_either_tied_answer(client, people):
    drill = Drill({"97112": 20, "97110": 20})
    client.force_login(people.alice)
    for cms in ({"97112": 2, "97110": 1}, {"97112": 1, "97110": 2}):
        page = client.post(
            reverse("practice:unit_trainer"),
            answer(drill, cms=cms, per_code={"97112": 1, "97110": 1}),
        ).text
        assert "CMS 8-minute rule: right" in page


def test_it_refuses_a_tampered_drill(client, people):
    client.force_login(people.alice)
    response = client.post(reverse("practice:unit_trainer"), {"drill": "forged", "cms_97110": "1"})
    assert response.status_code == 302
    assert not Finding.objects.exists()


@pytest.mark.parametrize("value", ["", "-1", "two"])
def test_it_explains_bad_units_and_records_nothing(client, people, value):
    drill = Drill({"97110": 30})
    client.force_login(people.alice)
    response = client.post(
        reverse("practice:unit_trainer"),
        {"drill": drill.token, "cms_97110": value, "per_code_97110": "2"},
    )
    assert response.status_code == 200
    assert "invalid-feedback" in response.text
    assert not Finding.objects.exists()


def test_it_counts_a_replayed_drill_once(client, people):
    drill = Drill.new(random.Random(3))
    data = answer(
        drill, cms=dict.fromkeys(drill.minutes, 0), per_code=dict.fromkeys(drill.minutes, 0)
    )
    client.force_login(people.alice)
    client.post(reverse("practice:unit_trainer"), data)
    replay = client.post(reverse("practice:unit_trainer"), data)
    assert replay.status_code == 200
    assert "already counted" in replay.text
    assert Finding.objects.filter(student=people.alice).count() == 2


def test_it_counts_the_same_drill_for_each_student(client, people):
    drill = Drill.new(random.Random(3))
    data = answer(
        drill, cms=dict.fromkeys(drill.minutes, 1), per_code=dict.fromkeys(drill.minutes, 1)
    )
    for student in (people.alice, people.bob):
        client.force_login(student)
        client.post(reverse("practice:unit_trainer"), data)
    assert Finding.objects.count() == 4


def test_it_gives_each_new_drill_its_own_id():
    rng = random.Random(1)
    assert Drill.new(rng).drill_id != Drill.new(rng).drill_id


def test_it_refuses_a_token_without_a_drill_id(client, people):
    from django.core import signing

    from clinic_coder.practice.trainer import SALT

    client.force_login(people.alice)
    old = signing.dumps({"97110": 30}, salt=SALT)
    response = client.post(
        reverse("practice:unit_trainer"), {"drill": old, "cms_97110": "2", "per_code_97110": "2"}
    )
    assert response.status_code == 302
    assert not Finding.objects.exists()
