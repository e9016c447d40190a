"""A published key bills only what the note shows: every service with minutes must appear in
the note through its placeholder before the case is published (and the reverse, as always)."""

import io
import json

import pytest
from django.urls import reverse

from clinic_coder.cases.models import Case
from clinic_coder.coding.variants import note_problems

from .test_views_support import HOT_PACK, form_data, load_codes, make_case

pytestmark = pytest.mark.django_db

MISSING = "Service &#x27;hp&#x27; is not in the note: write {hp} where its minutes go"
HIDDEN_HOT_PACK = {
    "services-TOTAL_FORMS": "2",
    "services-1-technique": "hot_pack",
    "services-1-key": "hp",
    "services-1-regions": ["cervical"],
    "services-1-minutes_low": "10",
    "services-1-minutes_high": "10",
    "services-1-time_block": "1",
}


def test_it_checks_both_directions_in_one_place():
    minutes = {"mt": (9, 14), "hp": (10, 10), "es": None}
    assert note_problems("Graston {mt} min.", minutes) == []
    assert note_problems("Graston {mt} min.", minutes, publishing=True) == [
        "Service 'hp' is not in the note: write {hp} where its minutes go, so students read "
        "the minutes the key bills."
    ]
    assert note_problems("Graston {mt} min, heat {hp} min.", minutes, publishing=True) == []
    assert note_problems("Graston {mt} min, {pain}.", minutes)[0].startswith(
        "{pain} is not the key of any service."
    )


def test_it_saves_a_draft_whose_service_is_not_in_the_note(client, people):
    load_codes()
    client.force_login(people.ines)
    response = client.post(reverse("cases:create_case"), form_data(**HIDDEN_HOT_PACK))
    assert response.status_code == 302
    assert Case.objects.get().status == "draft"


def test_it_refuses_to_publish_a_case_whose_service_is_not_in_the_note(client, people):
    load_codes()
    case = make_case(owner=people.ines, services=[HOT_PACK, {"key": "mt", "technique": "graston",
                     "regions": ["cervical"], "minutes_low": 9, "minutes_high": 14}])  # fmt: skip
    client.force_login(people.ines)
    response = client.post(reverse("cases:publish_case", args=[case.slug]), follow=True)
    case.refresh_from_db()
    assert case.status == "draft"
    assert "cannot be published yet" in response.text
    assert MISSING in response.text
    case.note += " Heat {hp} min."
    case.save()
    client.post(reverse("cases:publish_case", args=[case.slug]))
    case.refresh_from_db()
    assert case.status == "published"


def test_it_refuses_to_save_a_published_case_with_a_service_left_out_of_the_note(client, people):
    load_codes()
    case = make_case(owner=people.ines, status="published")
    client.force_login(people.ines)
    response = client.post(
        reverse("cases:edit_case", args=[case.slug]),
        form_data(
            **HIDDEN_HOT_PACK
            | {"services-INITIAL_FORMS": "1", "services-0-id": str(case.services.get().pk)}
        ),
    )
    assert response.status_code == 200
    assert MISSING in response.text
    assert case.services.count() == 1


def test_it_refuses_to_import_a_published_case_with_a_service_left_out(client, people):
    load_codes()
    case = {
        "slug": "hidden-heat", "title": "Hidden heat", "difficulty": "intro",
        "payer_profile": "commercial-per-code", "skills": ["code-choice-manual-therapy"],
        "teaching_point": "Bill what the note shows.", "note": "Graston {mt} min.",
        "services": [
            {"key": "mt", "technique": "graston", "regions": ["cervical"], "minutes": [9, 14]},
            {"key": "hp", "technique": "hot_pack", "regions": ["cervical"], "minutes": 10,
             "attended": False},
        ],
    }  # fmt: skip
    client.force_login(people.ines)

    def upload(data: dict):
        bank = {"format": "clinic-coder/case-bank", "version": 1, "cases": [data]}
        file = io.BytesIO(json.dumps(bank).encode())
        file.name = "bank.json"
        return client.post(reverse("cases:import_cases"), {"file": file})

    response = upload(case)
    assert "service &#x27;hp&#x27; is not in the note" in response.text.lower()
    assert not Case.objects.exists()
    upload(case | {"status": "draft"})
    import_id = client.session["case-import"]["id"]  # a draft passes: confirm its preview
    client.post(reverse("cases:apply_case_import"), {"import_id": import_id})
    assert Case.objects.get().status == "draft"
