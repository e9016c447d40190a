import pytest
from django.urls import reverse
from django.utils.html import escape

from clinic_coder.coding.rules import RULES
from tests.factories import WRONG_CODE, assigned, graded

URL = reverse("catalog:coding_rules")


@pytest.mark.parametrize("who", ["alice", "ines", "sofia", "admin"])
def test_it_shows_every_rule_to_every_signed_in_role(client, people, who):
    client.force_login(getattr(people, who))
    page = client.get(URL).text
    for rule in RULES.values():
        assert f'id="rule-{rule.id}"' in page
        assert escape(rule.title) in page and escape(rule.source) in page


def test_it_sends_anonymous_visitors_to_log_in(client, db):
    response = client.get(URL)
    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:login"))


def test_it_refuses_a_post(client, people):
    client.force_login(people.alice)
    assert client.post(URL).status_code == 405


def test_it_names_each_findings_rule_and_links_to_it(client, people):
    assignment, (case,) = assigned(cohort=people.cohort_a)
    attempt = graded(student=people.alice, case=case, assignment=assignment, lines=WRONG_CODE)
    finding = attempt.findings.exclude(rule_id="").first()
    client.force_login(people.alice)
    page = client.get(reverse("practice:attempt_feedback", args=[attempt.pk])).text
    assert RULES[finding.rule_id].title in page
    assert f"{URL}#rule-{finding.rule_id}" in page
