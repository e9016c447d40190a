"""The instructor's gradebook and analytics for one cohort: reading only.

Instructors and supervisors of the cohort (and admins) may read; staff of other cohorts get
404, students 403. Changing a score (manual credit, regrade) is practice's: views_staff there.
"""

from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_GET

from clinic_coder.accounts.decorators import role_required
from clinic_coder.accounts.models import Role
from clinic_coder.coding.skills import SKILLS
from clinic_coder.cohorts.access import cohort_for_staff
from clinic_coder.cohorts.models import Cohort
from clinic_coder.paging import (
    NAME,
    chosen_sort,
    listing,
    name_matches,
    name_order,
    search_text,
    sort_header,
)
from clinic_coder.practice.models import Attempt

from . import exports
from .analysis import (
    LEGEND,
    LEVEL_CLASSES,
    analyse_assignment,
    cohort_heatmap,
    item_statistics,
)
from .gradebook import (
    MEAN,
    Tried,
    active_students,
    assignment_cell,
    cohort_averages,
    cohort_cells,
    counted_attempt,
    gradebook_assignments,
    gradebook_for,
    gradebook_sorts,
    students_in_order,
)

staff_only = role_required(Role.INSTRUCTOR, Role.SUPERVISOR)


def readable_cohort(request: HttpRequest, cohort_id: int) -> Cohort:
    return cohort_for_staff(request.user, cohort_id)[0]


@require_GET
@staff_only
def gradebook(request: HttpRequest, cohort_id: int) -> HttpResponse:
    """A page of the active students, searched and sorted by name or by an assignment's score."""
    cohort = readable_cohort(request, cohort_id)
    assignments = gradebook_assignments(cohort)
    sorts = gradebook_sorts(assignments)
    q, sort = search_text(request), chosen_sort(request, sorts)
    students = active_students(cohort).filter(name_matches(q))
    by = sorts[sort.removeprefix("-")]
    cells = cohort_cells(cohort, assignments)  # one read for the averages and a score sort
    students = students_in_order(
        students, sort, by, cohort=cohort, assignments=assignments, cells=cells
    )
    shown = listing(request, students, q=q, sort=sort)
    averages = cohort_averages(cohort, assignments, cells)
    context = {
        "cohort": cohort,
        "gradebook": gradebook_for(cohort, students=shown.page, assignments=assignments),
        "listing": shown,
        "name_header": sort_header(NAME, sort),
        "mean_header": sort_header(MEAN, sort),
        "columns": [
            (a, sort_header(key, sort), averages.per_assignment[a.pk])
            for key, a in sorts.items()
            if a is not None
        ],
        "overall_mean": averages.overall,
    }
    return render(request, "progress/instructor/gradebook.html", context)


@require_GET
@staff_only
def student_assignment(
    request: HttpRequest, cohort_id: int, student_id: int, assignment_id: int
) -> HttpResponse:
    cohort = readable_cohort(request, cohort_id)
    assignment = get_object_or_404(cohort.assignments.select_related("case_set"), pk=assignment_id)
    student = get_object_or_404(active_students(cohort), pk=student_id)
    attempts = Attempt.objects.for_cohort(cohort).filter(student=student, assignment=assignment)
    attempts = list(attempts)
    rows = []
    for case in assignment.case_set.published_cases():
        tried = [a for a in attempts if a.case_id == case.pk]
        counted = tried and counted_attempt(tried, assignment.score_policy)
        rows.append({"case": case, "attempts": tried, "counted": counted})
    tried = [Tried(a.pk, a.case_id, a.score, a.late, a.submitted_at) for a in attempts]
    cell = assignment_cell([row["case"].pk for row in rows], tried, assignment.score_policy)
    context = {"cohort": cohort, "assignment": assignment, "student": student, "rows": rows}
    return render(request, "progress/instructor/student_assignment.html", context | {"cell": cell})


@require_GET
@staff_only
def export_gradebook(request: HttpRequest, cohort_id: int) -> StreamingHttpResponse:
    cohort = readable_cohort(request, cohort_id)
    rows = exports.gradebook_rows(cohort)
    return exports.csv_response(exports.file_name(cohort, "gradebook"), rows)


@require_GET
@staff_only
def export_attempts(request: HttpRequest, cohort_id: int) -> StreamingHttpResponse:
    cohort = readable_cohort(request, cohort_id)
    rows = exports.attempt_rows(cohort)
    return exports.csv_response(exports.file_name(cohort, "attempts"), rows)


@require_GET
@staff_only
def item_analysis(request: HttpRequest, cohort_id: int, assignment_id: int) -> HttpResponse:
    cohort = readable_cohort(request, cohort_id)
    assignment = get_object_or_404(
        cohort.assignments.select_related("case_set", "cohort"), pk=assignment_id
    )
    whole, per_case = analyse_assignment(assignment)
    context = {
        "cohort": cohort,
        "assignment": assignment,
        "whole": whole,
        "per_case": per_case,
        "item_statistics": item_statistics(assignment),
        "can_change": cohort_for_staff(request.user, cohort.pk)[1],
    }
    return render(request, "progress/instructor/item_analysis.html", context)


@require_GET
@staff_only
def heatmap(request: HttpRequest, cohort_id: int) -> HttpResponse:
    """The skills of a page of the active students, searched and sorted by name."""
    cohort = readable_cohort(request, cohort_id)
    q, sort = search_text(request), chosen_sort(request, [NAME])
    students = active_students(cohort).filter(name_matches(q)).order_by(*name_order(sort))
    shown = listing(request, students, q=q, sort=sort)
    context = {
        "cohort": cohort,
        "listing": shown,
        "name_header": sort_header(NAME, sort),
        "skills": list(SKILLS.values()),
        "rows": cohort_heatmap(list(shown.page), cohort),
        "legend": [(level, LEVEL_CLASSES[level], text) for level, text in LEGEND],
    }
    return render(request, "progress/instructor/heatmap.html", context)
