"""Duplicate, publish and unpublish: POST-only actions for instructors."""

import pytest
from django.urls import reverse

from clinic_coder.cases.models import Case

from .test_views_support import HOT_PACK, load_codes, make_case

pytestmark = pytest.mark.django_db


@pytest.fixture
def case(people):
    load_codes()
    return make_case(owner=people.ines, status="published", services=[HOT_PACK, {"key": "mt",
                     "technique": "graston", "regions": ["cervical"], "minutes_low": 9,
                     "minutes_high": 14}], note="Heat {hp} min, Graston {mt} min.")  # fmt: skip


def test_it_duplicates_a_case_as_a_draft_with_its_services(client, people, case):
    client.force_login(people.ines)
    response = client.post(reverse("cases:duplicate_case", args=[case.slug]))
    copy = Case.objects.get(slug="tight-trapezius-copy")
    assert response.status_code == 302
    assert response.url == reverse("cases:edit_case", args=[copy.slug])
    assert copy.title == "Copy of Tight trapezius"
    assert copy.status == "draft"
    assert copy.created_by == people.ines
    assert copy.note == case.note
    assert [(s.key, s.technique, s.minutes_high) for s in copy.services.all()] == [
        ("hp", "hot_pack", 10),
        ("mt", "graston", 14),
    ]
    assert case.services.count() == 2


def test_it_numbers_further_copies(client, people, case):
    client.force_login(people.ines)
    url = reverse("cases:duplicate_case", args=[case.slug])
    client.post(url)
    client.post(url)
    client.post(url)
    assert sorted(Case.objects.values_list("slug", flat=True)) == [
        "tight-trapezius",
        "tight-trapezius-copy",
        "tight-trapezius-copy-2",
        "tight-trapezius-copy-3",
    ]


def test_it_unpublishes_and_publishes_a_case(client, people, case):
    client.force_login(people.ines)
    response = client.post(reverse("cases:unpublish_case", args=[case.slug]), follow=True)
    case.refresh_from_db()
    assert case.status == "draft"
    assert "is a draft again" in response.text
    response = client.post(reverse("cases:publish_case", args=[case.slug]), follow=True)
    case.refresh_from_db()
    assert case.status == "published"
    assert "Published" in response.text


def test_it_refuses_to_publish_a_case_the_engine_cannot_code(client, people, case):
    Case.objects.update(status="draft")
    case.services.filter(key="mt").update(technique="spinal_cmt", regions=["head"])
    client.force_login(people.ines)
    response = client.post(reverse("cases:publish_case", args=[case.slug]), follow=True)
    case.refresh_from_db()
    assert case.status == "draft"
    assert "cannot be published yet" in response.text
    assert "spinal CMT needs at least one spinal region" in response.text


def test_it_refuses_to_publish_a_case_without_services(client, people, case):
    Case.objects.update(status="draft")
    case.services.all().delete()
    client.force_login(people.ines)
    response = client.post(reverse("cases:publish_case", args=[case.slug]), follow=True)
    case.refresh_from_db()
    assert case.status == "draft"
    assert "It has no documented services." in response.text


@pytest.mark.parametrize("persona", ["alice", "sofia"])
@pytest.mark.parametrize(
    "name", ["cases:duplicate_case", "cases:publish_case", "cases:unpublish_case"]
)
def test_it_changes_nothing_for_students_and_supervisors(client, people, case, persona, name):
    Case.objects.update(status="draft")
    client.force_login(getattr(people, persona))
    assert client.post(reverse(name, args=[case.slug])).status_code == 403
    assert list(Case.objects.values_list("slug", "status")) == [("tight-trapezius", "draft")]
