"""My cohorts and cases lists the instructor's own cases (drafts and published) with links."""

import pytest
from django.urls import reverse

from clinic_coder.cases.models import Case
from tests.factories import make_case

HOME = "cohorts:instructor_home"


@pytest.fixture
def cases(people):
    draft = make_case(slug="ines-draft", title="Ines draft", owner=people.ines,
                      status=Case.Status.DRAFT)  # fmt: skip
    published = make_case(slug="ines-live", title="Ines live", owner=people.ines)
    shared = make_case(slug="igor-shared", title="Igor shares", owner=people.igor)
    shared.co_editors.add(people.ines)
    make_case(slug="igor-own", title="Igor only", owner=people.igor)
    make_case(slug="bank", title="Shipped bank case")
    return draft, published, shared


def test_it_lists_my_drafts_and_published_cases_with_links(client, people, cases):
    draft, published, shared = cases
    client.force_login(people.ines)
    page = client.get(reverse(HOME)).text
    section = page[page.index('id="cases-heading"') :]
    for case in (draft, published, shared):
        assert reverse("cases:case_detail", args=[case.slug]) in section
    assert section.index("Ines draft") < section.index("Ines live")  # drafts first
    assert "Draft" in section and "Published" in section
    assert "shared with you" in section
    assert "Igor only" not in section and "Shipped bank case" not in section


def test_it_invites_an_instructor_with_no_case_to_write_one(client, people):
    client.force_login(people.igor)
    page = client.get(reverse(HOME)).text
    assert "You haven't written a case yet." in page


@pytest.mark.parametrize(("persona", "status"), [("alice", 403), ("sofia", 403)])
def test_it_shows_the_list_only_to_instructors(client, people, cases, persona, status):
    client.force_login(getattr(people, persona))
    assert client.get(reverse(HOME)).status_code == status
