"""The admin's tabular inlines name each input after its column, for screen readers."""

import re

from django.urls import reverse


def tag_named(html: str, name: str) -> str:
    return re.search(rf'<(?:input|select)[^>]* name="{name}"[^>]*>', html)[0]


def test_it_labels_each_input_of_an_inline_row_and_its_delete_box(client, people):
    client.force_login(people.admin)
    response = client.get(reverse("admin:cohorts_cohort_change", args=[people.cohort_a.pk]))
    html = response.content.decode()
    assert 'aria-label="Active"' in tag_named(html, "enrollments-0-active")
    assert 'aria-label="Delete"' in tag_named(html, "enrollments-0-DELETE")


def test_it_labels_a_choice_and_a_number_of_an_inline_row(client, people):
    from tests.factories import make_case

    client.force_login(people.admin)
    response = client.get(reverse("admin:cases_case_change", args=[make_case().pk]))
    html = response.content.decode()
    assert 'aria-label="Technique"' in tag_named(html, "services-0-technique")
    assert 'aria-label="Position"' in tag_named(html, "services-0-position")
