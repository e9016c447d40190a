from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from clinic_coder.progress.gradebook import gradebook_for
from tests.factories import RIGHT, assigned, graded, make_assignment, make_case, make_case_set


def test_it_does_not_count_a_draft_case_against_students(people):
    assignment, (case, draft) = assigned(cohort=people.cohort_a, slugs=("one", "two"))
    draft.status = "draft"
    draft.save()
    graded(student=people.alice, case=case, lines=RIGHT, assignment=assignment)
    (row,) = gradebook_for(people.cohort_a).rows
    (_, cell) = row.cells[0]
    assert (cell.score, cell.cases) == (100, 1)


def test_it_shows_my_progress_in_the_same_queries_for_more_assignments(client, people):
    def queries() -> int:
        with CaptureQueriesContext(connection) as context:
            client.get(reverse("progress:my_progress"))
        return len(context.captured_queries)

    assigned(cohort=people.cohort_a)
    client.force_login(people.alice)
    with_one = queries()
    for n in range(4):
        case_set = make_case_set(slug=f"more-{n}", cases=[make_case(slug=f"more-{n}")])
        make_assignment(cohort=people.cohort_a, case_set=case_set)
    assert queries() == with_one
