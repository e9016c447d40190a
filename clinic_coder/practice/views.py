import uuid

from django.contrib import messages
from django.db.models import Count, Max, Prefetch, Q
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import Resolver404, resolve, reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST
from django.views.decorators.vary import vary_on_headers

from clinic_coder.accounts.decorators import role_required
from clinic_coder.accounts.models import Role
from clinic_coder.cases.models import Case, CaseSet
from clinic_coder.catalog.models import current_catalog
from clinic_coder.coding.diagnoses import default_diagnoses
from clinic_coder.cohorts.models import Assignment, AssignmentOverride, Cohort, Terms
from clinic_coder.confirming import ask_first
from clinic_coder.parsing import whole_number

from . import trainer
from .code_lookup import clean_query, matching_codes
from .forms import AnswerFormSet, DiagnosesForm, TrainerForm, code_problem, formset_from_lines
from .mastery import weak_spots, with_cases_to_practise
from .models import Attempt, ScoreNotice
from .workflows import (
    MAX_ANSWER_LINES,
    SubmissionRefused,
    attempts_left,
    guarded_case_ids,
    new_variant,
    open_draft,
    profile_for,
    save_draft,
    submit_answer,
    time_is_up,
)

student_only = role_required(Role.STUDENT)


@student_only
def student_home(request: HttpRequest) -> HttpResponse:
    own_overrides = AssignmentOverride.objects.filter(student=request.user)
    assignments = (
        Assignment.objects.for_student(request.user)
        .select_related("case_set", "cohort")
        .prefetch_related(Prefetch("overrides", queryset=own_overrides))
        .annotate(
            case_count=Count(
                "case_set__items",
                filter=Q(case_set__items__case__status=Case.Status.PUBLISHED),
                distinct=True,
            )
        )
    )
    done = Attempt.objects.of(request.user).filter(assignment__in=assignments)
    done = done.values("assignment").annotate(cases=Count("case", distinct=True))
    done_by_assignment = {row["assignment"]: row["cases"] for row in done}
    for assignment in assignments:
        assignment.cases_done = done_by_assignment.get(assignment.pk, 0)
        assignment.terms = Terms.of(assignment, next(iter(assignment.overrides.all()), None))
    guarded = guarded_case_ids(request.user, timezone.now())
    practisable = Q(cases__status=Case.Status.PUBLISHED) & ~Q(cases__in=guarded)
    case_sets = CaseSet.objects.annotate(published=Count("cases", filter=practisable)).filter(
        published__gt=0
    )
    context = {
        "cohorts": Cohort.objects.with_student(request.user).prefetch_related("instructors"),
        "invitations": request.user.invitations.select_related("cohort", "invited_by"),
        "assignments": assignments,
        "case_sets": case_sets,
        "weak_skills": with_cases_to_practise(
            weak_spots(request.user, timezone.now()), request.user, timezone.now()
        ),
        "notices": ScoreNotice.objects.unread_for(request.user, timezone.now()).select_related(
            "attempt__case"
        ),
        "now": timezone.now(),
    }
    return render(request, "practice/student_home.html", context)


@require_POST
@student_only
def dismiss_notice(request: HttpRequest, pk: int) -> HttpResponse:
    """The student has read that a score of theirs changed; only their own notices."""
    notice = get_object_or_404(ScoreNotice.objects.filter(student=request.user), pk=pk)
    if notice.read_at is None:
        notice.read_at = timezone.now()
        notice.save(update_fields=["read_at"])
    return redirect("practice:student_home")


@require_POST
@student_only
def practise_weak_spots(request: HttpRequest) -> HttpResponse:
    skills = [mastery.skill for mastery in weak_spots(request.user, timezone.now())]
    cases = Case.objects.published().exclude(pk__in=guarded_case_ids(request.user, timezone.now()))
    if skills:
        cases = cases.exercising(*skills)
    case = cases.order_by("?").first()
    if case is None:
        messages.info(request, "There are no published cases to practise yet.")
        return redirect("practice:student_home")
    return redirect("practice:play_case", slug=case.slug)


@student_only
def case_set_detail(request: HttpRequest, slug: str) -> HttpResponse:
    case_set = get_object_or_404(CaseSet, slug=slug)
    assignment = _assignment(request, whole_number(request.GET.get("assignment")))
    if assignment is not None and assignment.case_set_id != case_set.pk:
        raise Http404
    now = timezone.now()
    cases = case_set.published_cases()
    if assignment is None:
        cases = cases.exclude(pk__in=guarded_case_ids(request.user, now))
    attempts = Attempt.objects.of(request.user).filter(case__in=cases, assignment=assignment)
    submitted = set(attempts.values_list("case", flat=True))
    released = attempts.feedback_released(now)
    best = dict(released.values_list("case").annotate(best=Max("score")))
    for case in cases:
        case.best_score = best.get(case.pk)
        case.submitted = case.pk in submitted
    context = {
        "case_set": case_set,
        "cases": cases,
        "assignment": assignment,
        "terms": assignment.terms_for(request.user) if assignment else None,
        "opens_later": assignment is not None and now < assignment.opens_at,
    }
    return render(request, "practice/case_set_detail.html", context)


def _unavailable(
    request: HttpRequest, case: Case, assignment: Assignment | None
) -> HttpResponse | None:
    """A page saying why the case can't be worked on now, or None when it can.

    An assignment's cases wait for it to open, so a time limit never starts early. In practice,
    a case of an assignment that defers feedback or is timed waits for the student's due date:
    practice shows the key at once.
    """
    now = timezone.now()
    if assignment is not None:
        terms = assignment.terms_for(request.user)
        if now >= terms.opens_at:
            return None
        context = {"case": case, "assignment": assignment, "terms": terms, "reason": "not_open"}
    else:
        holding = (
            Assignment.objects.holding_back_practice(request.user, now)
            .filter(case_set__items__case=case)
            .select_related("case_set", "cohort")
            .order_by("own_due_at")
            .first()
        )
        if holding is None:
            return None
        context = {"case": case, "assignment": holding, "reason": "in_assignment"}
    return render(request, "practice/case_unavailable.html", context, status=403)


def _assignment(request: HttpRequest, assignment_id: int | None) -> Assignment | None:
    if assignment_id is None:
        return None
    assignments = Assignment.objects.for_student(request.user).select_related("case_set")
    return get_object_or_404(assignments, pk=assignment_id)


def _case(assignment: Assignment | None, slug: str) -> Case:
    cases = Case.objects.published()
    if assignment is not None:
        cases = cases.filter(set_items__case_set=assignment.case_set)
    return get_object_or_404(cases, slug=slug)


def _player(
    request, case, assignment, draft, formset, status: int = 200, dx_form=None
) -> HttpResponse:
    catalog = current_catalog()
    variant = case.variant(draft.seed, catalog, profile=profile_for(case, assignment))
    diagnoses = default_diagnoses()
    context = {
        "case": case,
        "assignment": assignment,
        "terms": assignment and assignment.terms_for(request.user),
        "draft": draft,
        "variant": variant,
        "formset": formset,
        # Box 21 and the pointers are shown only for a case graded on diagnoses.
        "diagnoses_graded": variant.expected.diagnoses is not None,
        "dx_form": dx_form or DiagnosesForm.from_draft(draft.diagnoses, diagnoses=diagnoses),
        "dx_codes": list(diagnoses),
        "codes": sorted(catalog, key=lambda info: info.code),
        "attempts_left": attempts_left(student=request.user, case=case, assignment=assignment),
        "time_is_up": time_is_up(draft, timezone.now()),
        "urls": _player_urls(case, assignment),
    }
    return render(request, "practice/play_case.html", context, status=status)


def _player_urls(case: Case, assignment: Assignment | None) -> dict[str, str]:
    args = [assignment.pk, case.slug] if assignment else [case.slug]
    prefix = "assignment_" if assignment else ""
    return {
        name: reverse(f"practice:{prefix}{name}", args=args)
        for name in ("play_case", "edit_answer", "submit_case")
    }


@student_only
def play_case(request: HttpRequest, slug: str, assignment_id: int | None = None) -> HttpResponse:
    assignment = _assignment(request, assignment_id)
    case = _case(assignment, slug)
    if refusal := _unavailable(request, case, assignment):
        return refusal
    draft = open_draft(student=request.user, case=case, assignment=assignment)
    formset = formset_from_lines(draft.lines, catalog=current_catalog())
    return _player(request, case, assignment, draft, formset)


@require_POST
@vary_on_headers("HX-Request")
@student_only
def edit_answer(request: HttpRequest, slug: str, assignment_id: int | None = None) -> HttpResponse:
    """Add, remove or keep lines of the answer in progress; saves the draft each time."""
    assignment = _assignment(request, assignment_id)
    case = _case(assignment, slug)
    if refusal := _unavailable(request, case, assignment):
        return refusal
    draft = open_draft(student=request.user, case=case, assignment=assignment)
    catalog = current_catalog()
    bound = AnswerFormSet(request.POST, catalog=catalog)
    # "Add to claim" on a code search result: a new line with that code.
    picked = clean_query(request.POST.get("add_code")).upper()[:12]
    picked = picked if picked in catalog else ""
    if not bound.management_form.is_valid():
        # The search page's own "Add to claim" sends no builder: add to the saved lines.
        if picked and len(draft.lines) < MAX_ANSWER_LINES:
            line = {"code": picked, "minutes": "", "units": "1", "modifiers": ""}
            save_draft(draft=draft, lines=[*draft.lines, line], now=timezone.now())
        return redirect(_player_urls(case, assignment)["play_case"])
    lines = bound.raw_lines(without=whole_number(request.POST.get("remove")))
    typed_dx = DiagnosesForm(request.POST, diagnoses=default_diagnoses()).raw()
    if picked and len(lines) < MAX_ANSWER_LINES:
        lines.append({"code": picked, "minutes": "", "units": "1", "modifiers": ""})
    saved = save_draft(draft=draft, lines=lines, now=timezone.now(), diagnoses=typed_dx)
    if request.GET.get("autosave"):
        return HttpResponse(status=204 if saved else 409)
    if request.POST.get("action") == "save" and saved:
        messages.success(request, "Answer saved. It is graded only when you submit it.")
        # Words typed in a code field (Enter, or no JavaScript): the codes they match, now.
        for line in lines:
            if problem := code_problem(catalog, str(line.get("code") or "")):
                messages.warning(request, problem)
    adding = request.POST.get("action") == "add"
    formset = formset_from_lines(lines, catalog=catalog, extra_row=adding)
    # Keyboard users continue where they were: in the new line, or back at "Add a line".
    if adding:
        formset.forms[-1].fields["code"].widget.attrs["autofocus"] = True
    if request.htmx:
        context = {
            "formset": formset,
            "urls": _player_urls(case, assignment),
            "diagnoses_graded": bool(case.diagnoses),
        }
        return render(request, "practice/play_case.html#builder", context)
    return _player(request, case, assignment, draft, formset)


@require_POST
@student_only
def submit_case(request: HttpRequest, slug: str, assignment_id: int | None = None) -> HttpResponse:
    assignment = _assignment(request, assignment_id)
    case = _case(assignment, slug)
    if refusal := _unavailable(request, case, assignment):
        return refusal
    draft = open_draft(student=request.user, case=case, assignment=assignment)
    catalog = current_catalog()
    formset = AnswerFormSet(request.POST, catalog=catalog)
    # Box 21 is read only for a case graded on diagnoses (the page shows it for no other).
    dx_form = DiagnosesForm(request.POST if case.diagnoses else {}, diagnoses=default_diagnoses())
    try:
        token = uuid.UUID(request.POST.get("token", ""))
    except ValueError:
        token = None
    if token is None or not (formset.is_valid() & dx_form.is_valid()):
        if formset.management_form.is_valid():
            save_draft(
                draft=draft, lines=formset.raw_lines(), now=timezone.now(), diagnoses=dx_form.raw()
            )
        messages.error(request, "Some lines need fixing before the answer can be graded.")
        return _player(request, case, assignment, draft, formset, status=422, dx_form=dx_form)
    # Counted only for a form that still asks: a confirmed submit costs no extra query.
    asking = request.POST.get("confirm") == "ask"
    left = asking and attempts_left(student=request.user, case=case, assignment=assignment)
    if left:
        save_draft(
            draft=draft, lines=formset.raw_lines(), now=timezone.now(), diagnoses=dx_form.raw()
        )
        return ask_first(
            request,
            question="Submit your answer for grading?",
            detail=(
                "This is your last attempt on this case."
                if left == 1
                else f"This uses one of the {left} attempts you have left on this case."
            )
            + " It is graded as it is now; your answer is saved if you go back to it.",
            button="Submit for grading",
            cancel_url=_player_urls(case, assignment)["play_case"],
        )
    try:
        submission = submit_answer(
            draft=draft,
            token=token,
            lines=formset.claim(),
            now=timezone.now(),
            catalog=catalog,
            diagnoses=dx_form.codes(),
            shown=request.POST.get("shown"),
        )
    except SubmissionRefused as refusal:
        messages.error(request, str(refusal))
        return _player(request, case, assignment, draft, formset, status=409, dx_form=dx_form)
    return redirect(submission.attempt)


@require_POST
@student_only
def try_new_variant(request: HttpRequest, slug: str) -> HttpResponse:
    case = _case(None, slug)
    if refusal := _unavailable(request, case, None):
        return refusal
    if confirming := ask_first(
        request,
        question="Start over with new numbers?",
        detail="Your answer in progress is cleared and the note gets new minutes.",
        button="Start over",
        cancel_url=reverse("practice:play_case", args=[case.slug]),
    ):
        return confirming
    new_variant(draft=open_draft(student=request.user, case=case))
    messages.info(request, "A new variant: the minutes have changed, so work the units again.")
    return redirect("practice:play_case", slug=case.slug)


@student_only
def attempt_feedback(request: HttpRequest, pk: int) -> HttpResponse:
    attempts = Attempt.objects.of(request.user).select_related("case", "assignment", "revision")
    attempt = get_object_or_404(attempts.prefetch_related("lines", "findings"), pk=pk)
    now = timezone.now()
    terms = attempt.assignment and attempt.assignment.terms_for(request.user)
    shows = terms is None or terms.shows_feedback(now)
    notices = list(attempt.score_notices.all()) if shows else []
    if any(notice.read_at is None for notice in notices):
        # Shown here in full: read, so My practice no longer lists them.
        attempt.score_notices.filter(read_at__isnull=True).update(read_at=now)
    context = {
        "attempt": attempt,
        "terms": terms,
        "shows_feedback": shows,
        "notices": notices,
        "comparison": method_comparison(attempt) if shows else None,
    }
    return render(request, "practice/attempt_feedback.html", context)


def method_comparison(attempt: Attempt) -> list[dict]:
    """The both-methods view as stored with the attempt (worked out for one stored before)."""
    if attempt.comparison:
        return attempt.comparison
    lines = attempt.claim()
    return attempt.method_comparison(attempt.revision, lines, catalog=current_catalog())


@student_only
def case_history(request: HttpRequest, slug: str) -> HttpResponse:
    visible = Q(status=Case.Status.PUBLISHED) | Q(attempts__student=request.user)
    case = get_object_or_404(Case.objects.filter(visible).distinct(), slug=slug)
    attempts = Attempt.objects.of(request.user).filter(case=case).select_related("assignment")
    released = set(attempts.feedback_released(timezone.now()).values_list("pk", flat=True))
    for attempt in attempts:
        attempt.released = attempt.pk in released
    context = {"case": case, "attempts": attempts}
    return render(request, "practice/case_history.html", context)


@vary_on_headers("HX-Request")
@student_only
def code_search(request: HttpRequest) -> HttpResponse:
    query = clean_query(request.GET.get("q"))
    codes = matching_codes(current_catalog(), query)
    if request.GET.get("format") == "json":
        # The code field's combobox: the codes to offer as the student types.
        found = [{"code": c.code, "descriptor": c.descriptor, "timed": c.timed} for c in codes]
        return JsonResponse({"query": query, "codes": found})
    claim = _claim_url(request.GET.get("claim"))
    context = {
        "query": query,
        "codes": codes,
        "diagnoses": default_diagnoses().search(query, limit=15) if query else [],
        "claim": claim,
        "back": _case_of_claim(claim),
        "standalone": not request.htmx,
    }
    template = "practice/code_search.html#results" if request.htmx else "practice/code_search.html"
    return render(request, template, context)


def _case_of_claim(claim: str) -> str:
    """The case page whose answer builder the claim URL is, for the link back to it."""
    try:
        match = resolve(claim)
    except Resolver404:
        return ""
    page = {"edit_answer": "play_case", "assignment_edit_answer": "assignment_play_case"}
    name = page.get(match.url_name)
    return reverse(f"practice:{name}", kwargs=match.kwargs) if name else ""


def _claim_url(url: object) -> str:
    """The answer builder a search result may add its code to: a path of this site's practice
    pages, or nothing."""
    url = str(url or "")
    if url.startswith("/practice/") and url_has_allowed_host_and_scheme(url, allowed_hosts=None):
        return url
    return ""


@student_only
def unit_trainer(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        drill = trainer.Drill.from_token(request.POST.get("drill", ""))
        if drill is None:
            messages.error(request, "That drill could not be read; here is a new one.")
            return redirect("practice:unit_trainer")
        form = TrainerForm(request.POST, codes=list(drill.minutes))
        if form.is_valid():
            outcome = trainer.check(drill, form.cleaned_data)
            if not trainer.record(student=request.user, outcome=outcome, now=timezone.now()):
                messages.info(
                    request,
                    "This drill was already counted towards your progress, so this answer "
                    "was not counted again. Here is the check once more.",
                )
            context = {"drill": drill, "outcome": outcome, "form": None}
            return render(request, "practice/unit_trainer.html", context)
    else:
        drill = trainer.Drill.new()
        form = TrainerForm(codes=list(drill.minutes))
    return render(request, "practice/unit_trainer.html", {"drill": drill, "form": form})
