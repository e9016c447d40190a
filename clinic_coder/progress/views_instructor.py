"""The instructor's gradebook and analytics for one cohort.

Instructors and supervisors of the cohort (and admins) may read; only its instructors (and
admins) may change a score. Staff of other cohorts get 404, students 403.
"""

from django.contrib import messages
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from clinic_coder.accounts.decorators import role_required
from clinic_coder.accounts.models import Role
from clinic_coder.cases.models import Case
from clinic_coder.coding.profiles import get_profile
from clinic_coder.coding.skills import SKILLS
from clinic_coder.cohorts.models import Cohort
from clinic_coder.parsing import whole_number

from . import exports
from .analysis import LEGEND, LEVEL_CLASSES, analyse_assignment, cohort_heatmap
from .forms import ManualCreditForm
from .gradebook import (
    CreditRefused,
    RegradeRefused,
    Tried,
    active_students,
    apply_regrade,
    assignment_cell,
    cohort_attempts,
    counted_attempt,
    give_manual_credit,
    gradebook_for,
    plan_regrade,
)

staff_only = role_required(Role.INSTRUCTOR, Role.SUPERVISOR)
instructor_only = role_required(Role.INSTRUCTOR)


def readable_cohort(request: HttpRequest, cohort_id: int) -> Cohort:
    return get_object_or_404(Cohort.objects.viewable_by(request.user), pk=cohort_id)


def teachable_cohort(request: HttpRequest, cohort_id: int) -> Cohort:
    return get_object_or_404(Cohort.objects.teachable_by(request.user), pk=cohort_id)


def may_change(request: HttpRequest, cohort: Cohort) -> bool:
    return Cohort.objects.teachable_by(request.user).filter(pk=cohort.pk).exists()


@staff_only
def gradebook(request: HttpRequest, cohort_id: int) -> HttpResponse:
    cohort = readable_cohort(request, cohort_id)
    context = {"cohort": cohort, "gradebook": gradebook_for(cohort)}
    return render(request, "progress/instructor/gradebook.html", context)


@staff_only
def student_assignment(
    request: HttpRequest, cohort_id: int, student_id: int, assignment_id: int
) -> HttpResponse:
    cohort = readable_cohort(request, cohort_id)
    assignment = get_object_or_404(cohort.assignments.select_related("case_set"), pk=assignment_id)
    student = get_object_or_404(active_students(cohort), pk=student_id)
    attempts = list(cohort_attempts(cohort).filter(student=student, assignment=assignment))
    rows = []
    for case in assignment.case_set.published_cases():
        tried = [a for a in attempts if a.case_id == case.pk]
        counted = tried and counted_attempt(tried, assignment.score_policy)
        rows.append({"case": case, "attempts": tried, "counted": counted})
    tried = [Tried(a.pk, a.case_id, a.score, a.late, a.submitted_at) for a in attempts]
    cell = assignment_cell([row["case"].pk for row in rows], tried, assignment.score_policy)
    context = {"cohort": cohort, "assignment": assignment, "student": student, "rows": rows}
    return render(request, "progress/instructor/student_assignment.html", context | {"cell": cell})


@staff_only
def attempt_detail(request: HttpRequest, cohort_id: int, attempt_id: int) -> HttpResponse:
    cohort = readable_cohort(request, cohort_id)
    return render_attempt(request, cohort, find_attempt(cohort, attempt_id))


def find_attempt(cohort: Cohort, attempt_id: int):
    attempts = cohort_attempts(cohort).select_related("student", "case", "revision", "assignment")
    attempts = attempts.prefetch_related(
        "lines", "findings", "manual_credits__given_by", "regrades__done_by"
    )
    return get_object_or_404(attempts, pk=attempt_id)


def render_attempt(
    request: HttpRequest, cohort: Cohort, attempt, bound: ManualCreditForm | None = None
) -> HttpResponse:
    forms = []
    for index, mark in enumerate(attempt.labelled_marks):
        form = bound if bound and bound.prefix == f"mark-{index}" else None
        forms.append((index, mark, form or ManualCreditForm(marks=attempt.marks, index=index)))
    regrades = list(attempt.regrades.all())
    last_regrade = regrades[-1].done_at if regrades else None
    credits = [
        (credit, last_regrade is None or credit.given_at > last_regrade)
        for credit in attempt.manual_credits.all()
    ]
    context = {
        "cohort": cohort,
        "attempt": attempt,
        "marks": forms,
        "can_change": may_change(request, cohort),
        "credits": credits,
        "regrades": regrades,
        "stray_form": bound if bound is not None and bound.mark is None else None,
        "note": attempt.revision.variant(attempt.seed, profile=get_profile(attempt.payer_profile)),
    }
    status = 422 if bound is not None else 200
    return render(request, "progress/instructor/attempt.html", context, status=status)


@require_POST
@instructor_only
def give_credit(request: HttpRequest, cohort_id: int, attempt_id: int, index: int) -> HttpResponse:
    cohort = teachable_cohort(request, cohort_id)
    attempt = find_attempt(cohort, attempt_id)
    form = ManualCreditForm(request.POST, marks=attempt.marks, index=index)
    if not form.is_valid():
        return render_attempt(request, cohort, attempt, bound=form)
    try:
        credit = give_manual_credit(
            attempt=attempt,
            mark_index=index,
            by=request.user,
            now=timezone.now(),
            **form.cleaned_data,
        )
    except CreditRefused as refused:
        form.add_error("credit", str(refused))
        return render_attempt(request, cohort, attempt, bound=form)
    messages.success(request, f"Credit saved: the score is now {credit.new_score}.")
    return redirect("teach:attempt", cohort.pk, attempt.pk)


@staff_only
def export_gradebook(request: HttpRequest, cohort_id: int) -> HttpResponse:
    cohort = readable_cohort(request, cohort_id)
    rows = exports.gradebook_rows(gradebook_for(cohort))
    return exports.csv_response(exports.file_name(cohort, "gradebook"), rows)


@staff_only
def export_attempts(request: HttpRequest, cohort_id: int) -> HttpResponse:
    cohort = readable_cohort(request, cohort_id)
    rows = exports.attempt_rows(cohort)
    return exports.csv_response(exports.file_name(cohort, "attempts"), rows)


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
        "can_change": may_change(request, cohort),
    }
    return render(request, "progress/instructor/item_analysis.html", context)


@staff_only
def heatmap(request: HttpRequest, cohort_id: int) -> HttpResponse:
    cohort = readable_cohort(request, cohort_id)
    context = {
        "cohort": cohort,
        "skills": list(SKILLS.values()),
        "rows": cohort_heatmap(list(active_students(cohort)), cohort),
        "legend": [(level, LEVEL_CLASSES[level], text) for level, text in LEGEND],
    }
    return render(request, "progress/instructor/heatmap.html", context)


@require_http_methods(["GET", "POST"])
@instructor_only
def regrade_case(request: HttpRequest, cohort_id: int, slug: str) -> HttpResponse:
    cohort = teachable_cohort(request, cohort_id)
    cases = Case.objects.filter(
        Q(case_sets__assignments__cohort=cohort) | Q(attempts__in=cohort_attempts(cohort))
    )
    case = get_object_or_404(cases.distinct(), slug=slug)
    if request.method == "POST":
        return apply_and_report(request, cohort, case)
    revision, plans = plan_regrade(case=case, cohort=cohort)
    context = {"cohort": cohort, "case": case, "revision": revision, "plans": plans}
    return render(request, "progress/instructor/regrade.html", context)


def apply_and_report(request: HttpRequest, cohort: Cohort, case: Case) -> HttpResponse:
    version = whole_number(request.POST.get("version"))
    if version is None:
        messages.error(request, "The form was incomplete: check the preview and apply it again.")
        return redirect("teach:regrade_case", cohort.pk, case.slug)
    try:
        done = apply_regrade(
            case=case, cohort=cohort, version=version, by=request.user, now=timezone.now()
        )
    except RegradeRefused as refused:
        messages.error(request, str(refused))
    else:
        messages.success(request, f"Regraded {len(done)} attempt(s) against version {version}.")
    return redirect("teach:regrade_case", cohort.pk, case.slug)
