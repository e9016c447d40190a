"""Staff pages of one attempt: read it, give manual credit, regrade a case after its key changed.

Instructors and supervisors of the attempt's cohort (and admins) may read; only its instructors
(and admins) may change a score. Staff of other cohorts get 404, students 403.
"""

from django.contrib import messages
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from clinic_coder.accounts.decorators import role_required
from clinic_coder.accounts.models import Role
from clinic_coder.cases.forms import SeedForm
from clinic_coder.cases.models import Case, PayerProfile
from clinic_coder.catalog.models import current_catalog
from clinic_coder.coding.rules import RULES
from clinic_coder.coding.skills import SKILLS
from clinic_coder.coding.units import plural
from clinic_coder.cohorts.access import cohort_for_staff, teachable_cohort
from clinic_coder.cohorts.models import Cohort
from clinic_coder.parsing import whole_number

from .forms import AnswerFormSet
from .models import MARK_LABELS, Attempt
from .staff_forms import ManualCreditForm
from .workflows import (
    CreditRefused,
    RegradeRefused,
    apply_regrade,
    give_manual_credit,
    plan_regrade,
)

staff_only = role_required(Role.INSTRUCTOR, Role.SUPERVISOR)
instructor_only = role_required(Role.INSTRUCTOR)


@require_GET
@staff_only
def staff_attempt(request: HttpRequest, cohort_id: int, attempt_id: int) -> HttpResponse:
    cohort, can_change = cohort_for_staff(request.user, cohort_id)
    attempt = _find_attempt(cohort, attempt_id, with_practice=True)
    # Practice is the student's own: staff read it, and credit only the cohort's assignments.
    can_change = can_change and attempt.assignment_id is not None
    return _render_attempt(request, cohort, attempt, can_change)


def _find_attempt(cohort: Cohort, attempt_id: int, *, with_practice: bool = False) -> Attempt:
    """One of the attempts staff of the cohort grade; with_practice: or the free practice of
    one of its students (staff read it, as on the student's record)."""
    attempts = Attempt.objects.for_cohort(cohort)
    if with_practice:
        attempts = Attempt.objects.filter(
            Q(assignment__cohort=cohort)
            | Q(assignment__isnull=True, student__enrollments__cohort=cohort)
        )
    attempts = attempts.select_related(
        "student", "case", "revision", "shown_revision", "assignment"
    )
    attempts = attempts.prefetch_related(
        "lines", "findings", "manual_credits__given_by", "regrades__done_by"
    )
    return get_object_or_404(attempts, pk=attempt_id)


def _render_attempt(
    request: HttpRequest,
    cohort: Cohort,
    attempt: Attempt,
    can_change: bool,
    bound: ManualCreditForm | None = None,
) -> HttpResponse:
    forms = []
    for index, mark in enumerate(attempt.labelled_marks):
        form = bound if bound and bound.prefix == f"mark-{index}" else None
        forms.append((index, mark, form or ManualCreditForm(marks=attempt.marks, index=index)))
    context = {
        "cohort": cohort,
        "attempt": attempt,
        "marks": forms,
        "can_change": can_change,
        "credits": attempt.manual_credits.all(),
        "regrades": attempt.regrades.all(),
        "stray_form": bound if bound is not None and bound.mark is None else None,
    }
    status = 422 if bound is not None else 200
    return render(request, "practice/staff/attempt.html", context, status=status)


@require_POST
@instructor_only
def give_credit(request: HttpRequest, cohort_id: int, attempt_id: int, index: int) -> HttpResponse:
    cohort = teachable_cohort(request.user, cohort_id)
    attempt = _find_attempt(cohort, attempt_id)
    form = ManualCreditForm(request.POST, marks=attempt.marks, index=index)
    if not form.is_valid():
        return _render_attempt(request, cohort, attempt, True, bound=form)
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
        return _render_attempt(request, cohort, attempt, True, bound=form)
    messages.success(request, f"Credit saved: the score is now {credit.new_score}.")
    return redirect("practice:staff_attempt", cohort.pk, attempt.pk)


@require_http_methods(["GET", "POST"])
@instructor_only
def regrade_case(request: HttpRequest, cohort_id: int, slug: str) -> HttpResponse:
    cohort = teachable_cohort(request.user, cohort_id)
    cases = Case.objects.filter(
        Q(case_sets__assignments__cohort=cohort)
        | Q(attempts__in=Attempt.objects.for_cohort(cohort))
    )
    case = get_object_or_404(cases.distinct(), slug=slug)
    if request.method == "POST":
        return _apply_and_report(request, cohort, case)
    revision, plans = plan_regrade(case=case, cohort=cohort)
    context = {"cohort": cohort, "case": case, "revision": revision, "plans": plans}
    return render(request, "practice/staff/regrade.html", context)


def _apply_and_report(request: HttpRequest, cohort: Cohort, case: Case) -> HttpResponse:
    version = whole_number(request.POST.get("version"))
    if version is None:
        messages.error(request, "The form was incomplete: check the preview and apply it again.")
        return redirect("practice:regrade_case", cohort.pk, case.slug)
    try:
        done = apply_regrade(
            case=case, cohort=cohort, version=version, by=request.user, now=timezone.now()
        )
    except RegradeRefused as refused:
        messages.error(request, str(refused))
    else:
        messages.success(
            request, f"Regraded {plural(len(done), 'attempt')} against version {version}."
        )
    return redirect("practice:regrade_case", cohort.pk, case.slug)


# An instructor answers a case as a student would and sees the real grade: nothing is stored.

PREVIEW_ROWS = 4  # blank answer rows on the preview (no JavaScript needed to add lines)


@require_http_methods(["GET", "POST"])
@instructor_only
def try_case(request: HttpRequest, slug: str) -> HttpResponse:
    """Any instructor may read any case (as on the student preview), so any may try it; the
    answer is graded by the real grader against the case as it stands, stored nowhere."""
    case = get_object_or_404(Case, slug=slug)
    query = request.POST if request.method == "POST" else request.GET
    seed = SeedForm.from_query(query).seed_or_default()
    catalog = current_catalog()
    initial = [{"units": 1}] * PREVIEW_ROWS
    formset = AnswerFormSet(request.POST or None, initial=initial, catalog=catalog)
    revision = case.upcoming_revision()  # saves nothing: looking must not freeze a version
    context = {"case": case, "seed": seed, "formset": formset, "another_seed": Case.new_seed()}
    unsaved = Attempt(case=case, seed=seed)
    try:
        unsaved.keep_profile(PayerProfile.objects.for_grading(case.payer_profile))
        context["note"] = revision.variant(seed, catalog, unsaved.profile).note
    except ValueError as error:  # an authoring mistake: show it, grade nothing
        context["problem"] = str(error)
    if request.method == "POST" and "problem" not in context and formset.is_valid():
        graded = unsaved.grading(revision, formset.claim(), catalog=catalog)
        context["graded"] = graded
        context["marks"] = [
            {**mark, "label": MARK_LABELS.get(mark["status"], mark["status"])}
            for mark in graded.marks
        ]
        context["findings"] = [
            {"finding": f, "skill": SKILLS.get(f.skill, f.skill), "rule": RULES.get(f.rule_id)}
            for f in graded.result.findings
        ]
    status = 422 if request.method == "POST" and not formset.is_valid() else 200
    return render(request, "practice/staff/try_case.html", context, status=status)
