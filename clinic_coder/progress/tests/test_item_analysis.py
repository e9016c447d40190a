import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from clinic_coder.cohorts.models import Enrollment
from clinic_coder.progress.analysis import Mistakes
from clinic_coder.progress.tests.test_gradebook import row_of
from tests.factories import (
    RIGHT,
    WRONG_CODE,
    WRONG_UNITS,
    assigned,
    graded,
    line,
    make_user,
)


def analysis_url(cohort, assignment) -> str:
    return reverse("teach:item_analysis", args=[cohort.pk, assignment.pk])


def heatmap_url(cohort) -> str:
    return reverse("teach:heatmap", args=[cohort.pk])


def mark(code: str, status: str, credit: float, *reasons: str) -> dict:
    return {"code": code, "status": status, "credit": credit, "reasons": list(reasons)}


def test_it_counts_mistakes_from_marks():
    wrong_code = mark("97124", "wrong", 0.0, "wrong code: the key has 97140")
    mistakes = Mistakes()
    mistakes.add(
        [
            wrong_code,
            mark(
                "97110",
                "partly_right",
                0.5,
                "right code",
                "units: 1, the key has 2",
                "modifiers: none, the key has GP",
            ),
            mark("98940", "missing", 0.0, "left off the claim"),
            mark("97010", "extra", -0.5, "not on the key: over-coding"),
            mark("97012", "extra", 0.0, "0 units: bills nothing, no penalty"),
        ]
    )
    mistakes.add([wrong_code])
    assert mistakes.wrong_codes == {("97124", "97140"): 2}
    assert mistakes.wrong_units == {("97110", "1", "2"): 1}
    assert mistakes.wrong_modifiers == {("97110", "none", "GP"): 1}
    assert mistakes.missing_lines == {"98940": 1}
    assert mistakes.extra_lines == {"97010": 1}


def test_it_shows_scores_common_mistakes_and_findings_by_skill(client, people):
    assignment, (neck, other) = assigned(
        cohort=people.cohort_a, slugs=("neck-release", "neck-again")
    )
    dora = make_user(username="dora")
    Enrollment.objects.create(cohort=people.cohort_a, student=dora)
    graded(student=people.alice, case=neck, assignment=assignment, lines=WRONG_CODE)
    graded(student=dora, case=neck, assignment=assignment, lines=WRONG_CODE)
    graded(student=dora, case=other, assignment=assignment, lines=WRONG_UNITS)
    graded(student=people.alice, case=other, assignment=assignment, lines=[line(modifiers=["59"])])
    graded(student=people.bob, case=neck, lines=RIGHT)  # another cohort's student
    client.force_login(people.sofia)
    page = client.get(analysis_url(people.cohort_a, assignment)).text
    whole, neck_part, other_part = page.split(' id="item-')[1:]
    assert "4 attempts; mean score 38." in whole  # 0, 0, 70, 80: 37.5 rounds up
    assert "<td>97124</td><td>97140</td><td>2</td>" in whole
    assert "<td>97140</td><td>1</td><td>2</td><td>1</td>" in whole
    assert "<td>97140</td><td>59</td><td>none</td><td>1</td>" in whole
    assert row_of(whole, "Choosing manual therapy (97140)").startswith("<td>2</td>")
    assert '<th scope="row">0-9</th><td>2</td>' in whole  # the histogram's table
    assert "2 attempts; mean score 0." in neck_part
    assert "97124" not in other_part
    assert "2 attempts; mean score 75." in other_part


def test_it_starts_with_a_summary_per_case_and_folds_the_details(client, people):
    assignment, (neck, other) = assigned(
        cohort=people.cohort_a, slugs=("neck-release", "neck-again")
    )
    graded(student=people.alice, case=neck, assignment=assignment, lines=WRONG_CODE)
    graded(student=people.alice, case=other, assignment=assignment, lines=WRONG_UNITS)
    client.force_login(people.sofia)
    page = client.get(analysis_url(people.cohort_a, assignment)).text
    summary = page[page.index('id="case-summary"') : page.index("</table>")]
    assert page.index('id="case-summary"') < page.index('id="item-all"')
    assert row_of(summary, '<a href="#item-neck-release">Neck Release</a>') == (
        "<td>1</td><td>0</td>"
    )
    assert row_of(summary, '<a href="#item-neck-again">Neck Again</a>') == ("<td>1</td><td>70</td>")
    assert page.count('<details class="mb-3 border rounded p-2 item-detail">') == 2


def test_it_links_each_case_to_its_regrade_for_instructors_only(client, people):
    assignment, (case,) = assigned(cohort=people.cohort_a)
    regrade = reverse("practice:regrade_case", args=[people.cohort_a.pk, case.slug])
    client.force_login(people.ines)
    assert regrade in client.get(analysis_url(people.cohort_a, assignment)).text
    client.force_login(people.sofia)
    assert regrade not in client.get(analysis_url(people.cohort_a, assignment)).text


def test_it_refuses_an_assignment_of_another_cohort(client, people):
    theirs, _ = assigned(cohort=people.cohort_b)
    client.force_login(people.ines)
    assert client.get(analysis_url(people.cohort_a, theirs)).status_code == 404


@pytest.mark.parametrize(
    ("persona", "status"),
    [("alice", 403), ("igor", 404), ("sofia", 200), ("ines", 200), ("admin", 200)],
)
def test_it_lets_only_the_cohorts_staff_read_the_analysis(client, people, persona, status):
    assignment, _ = assigned(cohort=people.cohort_a)
    client.force_login(getattr(people, persona))
    assert client.get(analysis_url(people.cohort_a, assignment)).status_code == status
    assert client.get(heatmap_url(people.cohort_a)).status_code == status


def test_it_sends_anonymous_visitors_to_login(client, people):
    assignment, _ = assigned(cohort=people.cohort_a)
    for url in (analysis_url(people.cohort_a, assignment), heatmap_url(people.cohort_a)):
        response = client.get(url)
        assert response.status_code == 302
        assert "/accounts/login/" in response.url


# --- the heatmap ---------------------------------------------------------------------------


def test_it_shows_each_students_level_and_percent_per_skill(client, people):
    assignment, (case,) = assigned(cohort=people.cohort_a)
    for _ in range(3):
        graded(student=people.alice, case=case, assignment=assignment, lines=RIGHT)
    dora = make_user(username="dora", first_name="Dora", last_name="Dunn")
    Enrollment.objects.create(cohort=people.cohort_a, student=dora)
    graded(student=dora, case=case, assignment=assignment, lines=WRONG_CODE)
    client.force_login(people.ines)
    page = client.get(heatmap_url(people.cohort_a)).text
    assert "Choosing manual therapy (97140)</th>" in page
    alice = row_of(page, "Alice Archer")
    assert '<td class="small level-mastered">Mastered<br>100% of 3</td>' in alice
    dora_row = row_of(page, "Dora Dunn")
    assert '<td class="small level-too-early">Too early<br>0% of 1</td>' in dora_row
    assert "Bob Baker" not in page
    for css_class in ("level-mastered", "level-developing", "level-needs-work", "level-too-early"):
        assert css_class in page.split('id="heatmap"')[0]  # the legend, before the table


# --- query budgets -------------------------------------------------------------------------


def test_analysis_and_heatmap_run_the_same_queries_for_5_and_50_students(client, people):
    assignment, (first, second) = assigned(
        cohort=people.cohort_a, slugs=("neck-release", "neck-again")
    )

    def enroll(count: int, start: int) -> None:
        for number in range(start, start + count):
            student = make_user(username=f"s{number}")
            Enrollment.objects.create(cohort=people.cohort_a, student=student)
            graded(student=student, case=first, assignment=assignment, lines=WRONG_CODE)
            graded(student=student, case=second, assignment=assignment, lines=WRONG_UNITS)

    def count_queries() -> tuple[int, int]:
        counts = []
        for url in (analysis_url(people.cohort_a, assignment), heatmap_url(people.cohort_a)):
            with CaptureQueriesContext(connection) as queries:
                assert client.get(url).status_code == 200
            counts.append(len(queries))
        return tuple(counts)

    client.force_login(people.ines)
    enroll(5, 0)
    five = count_queries()
    enroll(45, 5)
    assert count_queries() == five
