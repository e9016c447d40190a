"""Archiving a case: out of the case list and of new sets, restorable, never deleted."""

import pytest
from django.urls import reverse
from django.utils import timezone

from clinic_coder.cases.models import Case
from clinic_coder.cases.set_forms import CaseSetForm
from tests.factories import make_case, make_case_set


@pytest.fixture
def case(people):
    return make_case(owner=people.ines)


def test_it_archives_a_case_out_of_the_list_until_asked(client, people, case):
    client.force_login(people.ines)
    response = client.post(reverse("cases:archive_case", args=[case.slug]))
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.archived_at is not None
    assert case.get_absolute_url() not in client.get(reverse("cases:case_list")).text
    page = client.get(reverse("cases:case_list"), {"archived": "on"}).text
    assert case.get_absolute_url() in page and "Archived" in page
    assert case.get_absolute_url() not in client.get(reverse("cohorts:instructor_home")).text


def test_it_restores_a_case(client, people, case):
    client.force_login(people.ines)
    client.post(reverse("cases:archive_case", args=[case.slug]))
    client.post(reverse("cases:restore_case", args=[case.slug]))
    case.refresh_from_db()
    assert case.archived_at is None
    assert case.get_absolute_url() in client.get(reverse("cases:case_list")).text


def test_it_keeps_an_archived_case_out_of_new_sets_but_in_its_own(people, case):
    Case.objects.filter(pk=case.pk).update(archived_at=timezone.now())
    assert case not in CaseSetForm().cases
    data = {"title": "New", "slug": "new", "description": "", f"position_{case.pk}": "1"}
    form = CaseSetForm(data)
    assert not form.is_valid()  # its position box is not even on offer
    holding = make_case_set(slug="holding", cases=[case])
    assert case in CaseSetForm(instance=holding).cases
    assert list(holding.ordered_cases()) == [case]


def test_it_refuses_a_new_set_with_an_archived_case_through_the_page(client, people, case):
    Case.objects.filter(pk=case.pk).update(archived_at=timezone.now())
    client.force_login(people.ines)
    page = client.get(reverse("cases:create_case_set")).text
    assert f"position_{case.pk}" not in page


@pytest.mark.parametrize(
    ("persona", "status"), [("igor", 403), ("sofia", 403), ("alice", 403), ("admin", 302)]
)
def test_it_lets_only_who_may_change_the_case_archive_it(client, people, case, persona, status):
    client.force_login(getattr(people, persona))
    assert client.post(reverse("cases:archive_case", args=[case.slug])).status_code == status
    case.refresh_from_db()
    assert (case.archived_at is not None) == (status == 302)
