"""Instructors write cases here: list, edit with a live key preview, publish, import and export.

Every view is for instructors (admins pass); students and supervisors get 403, so no draft and
no key reaches a student through these pages.
"""

import json
import uuid

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Count, Q
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django.views.decorators.vary import vary_on_headers

from clinic_coder.accounts.decorators import role_required
from clinic_coder.accounts.models import Role
from clinic_coder.catalog.models import current_catalog
from clinic_coder.coding.catalog import Catalog
from clinic_coder.confirming import ask_first
from clinic_coder.parsing import whole_number

from .exchange import SLUG, ImportFailed, export_bank, import_bank, plan_import, validate_bank
from .forms import (
    SERVICES_PREFIX,
    BaseServiceFormSet,
    CaseFilterForm,
    CaseForm,
    CoEditorForm,
    ImportForm,
    SeedForm,
    case_forms,
    check_case,
    claim_rows,
    coding_problems,
    derive_at,
    new_service_form,
    note_problems,
    preview,
    with_another_service,
)
from .models import Case, CaseSet, CaseVariant, DocumentedService
from .set_forms import CaseSetForm

# More rows than any visit documents: a bigger number is a forged request.
MAX_SERVICE_ROWS = 100


@role_required(Role.INSTRUCTOR)
@vary_on_headers("HX-Request")
def case_list(request: HttpRequest) -> HttpResponse:
    form = CaseFilterForm(request.GET)
    context = {"form": form, "cases": _filtered_cases(form), "case_sets": CaseSet.objects.all()}
    template = "cases/case_list.html#results" if request.htmx else "cases/case_list.html"
    return render(request, template, context)


def _filtered_cases(form: CaseFilterForm) -> list[Case]:
    form.is_valid()  # A bad filter shows its error; the valid ones still apply.
    data = form.cleaned_data
    cases = Case.objects.prefetch_related("services")
    if data.get("q"):
        cases = cases.filter(Q(title__icontains=data["q"]) | Q(note__icontains=data["q"]))
    if data.get("skill"):
        cases = cases.exercising(data["skill"])
    if data.get("difficulty"):
        cases = cases.filter(difficulty=data["difficulty"])
    if data.get("status"):
        cases = cases.filter(status=data["status"])
    if data.get("code"):
        # The key is derived, not stored; the bank is small enough to derive it per request.
        catalog = current_catalog()
        return [case for case in cases if data["code"] in _codes_at_low_end(case, catalog)]
    return list(cases)


def _codes_at_low_end(case: Case, catalog: Catalog) -> set[str]:
    services = list(case.services.all())
    minutes = {s.key: s.minutes_low for s in services if s.minutes_low is not None}
    try:
        expected = derive_at(case, services, minutes, catalog)
    except ValueError:
        return set()
    return {line.code for claim in expected.alternatives for line in claim}


def _case_for(request: HttpRequest, slug: str, *, changing: bool = False) -> tuple[Case, bool]:
    """The case, and whether this user may change it (its owner, a co-editor, an admin).

    Every instructor may read any case, use it in sets and duplicate it; changing someone
    else's case is refused (403), so no cohort's cases change under its instructor's feet.
    """
    case = get_object_or_404(Case.objects.select_related("owner"), slug=slug)
    may_change = case.may_be_changed_by(request.user)
    if changing and not may_change:
        raise PermissionDenied(
            f"“{case.title}” belongs to {case.owner_label}; duplicate it to make your own."
        )
    return case, may_change


@role_required(Role.INSTRUCTOR)
def create_case(request: HttpRequest) -> HttpResponse:
    return _author_case(request, Case(created_by=request.user, owner=request.user))


@role_required(Role.INSTRUCTOR)
def edit_case(request: HttpRequest, slug: str) -> HttpResponse:
    case, _ = _case_for(request, slug, changing=True)
    return _author_case(request, case)


def _author_case(request: HttpRequest, case: Case) -> HttpResponse:
    """The case form: save, or (buttons for when JavaScript is off) add a row or preview."""
    context = {"case_slug": case.slug if case.pk else "", "case_title": case.title}
    data = request.POST if request.method == "POST" else None
    adding = data is not None and "add_service" in data
    if adding:
        data = with_another_service(data)
    case_form, formset = case_forms(data, case)
    if adding:  # The page reloads: put the keyboard in the new row.
        formset.forms[-1].fields["technique"].widget.attrs["autofocus"] = True
    context |= {"case_form": case_form, "formset": formset}
    if data is not None and not adding:
        catalog = current_catalog()
        if "preview" in data:
            seed = SeedForm.from_query(data).seed_or_default()
            context["preview"] = preview(case_form, formset, seed, catalog)
        elif check_case(case_form, formset, catalog):
            saved = _save_case(case_form, formset)
            messages.success(request, f"Saved “{saved.title}”.")
            return redirect(saved)
    return render(request, "cases/case_form.html", context)


@transaction.atomic
def _save_case(case_form: CaseForm, formset: BaseServiceFormSet) -> Case:
    case = case_form.save()
    for form in formset.deleted_forms:
        if form.instance.pk:
            form.instance.delete()
    for position, form in enumerate(formset.kept_forms()):
        service = form.instance
        service.case = case
        service.position = position
        service.save()
    if case.attempts.exists():
        # Students have answered this case: freeze the edit as a new version now, so the
        # editor shows it and earlier attempts keep the version they were graded against.
        case.current_revision()
    return case


@role_required(Role.INSTRUCTOR)
@require_POST
def preview_case(request: HttpRequest) -> HttpResponse:
    """The live key preview (htmx) of the case form as posted; nothing is saved."""
    slug = request.GET.get("case")
    case = _case_or_404(slug) if slug else Case()
    case_form, formset = case_forms(request.POST, case)
    seed = SeedForm.from_query(request.POST).seed_or_default()
    result = preview(case_form, formset, seed, current_catalog())
    return render(request, "cases/case_form.html#preview", {"preview": result})


def _slug_or_404(value: str) -> str:
    # A slug from a query string is not checked by the URL resolver: a forged one (a NUL
    # byte, which PostgreSQL refuses, or a megabyte of text) is simply not found.
    if len(value) > 80 or not SLUG.match(value):
        raise Http404
    return value


def _case_or_404(slug: str) -> Case:
    return get_object_or_404(Case, slug=_slug_or_404(slug))


@role_required(Role.INSTRUCTOR)
@require_POST
def add_service_row(request: HttpRequest) -> HttpResponse:
    """One empty service row (htmx), and the formset's TOTAL_FORMS bumped out of band."""
    try:
        index = int(request.POST.get(f"{SERVICES_PREFIX}-TOTAL_FORMS", ""))
    except ValueError:
        return HttpResponseBadRequest("The form's row count is missing; reload the page.")
    if not 0 <= index < MAX_SERVICE_ROWS:
        return HttpResponseBadRequest(f"A case has at most {MAX_SERVICE_ROWS} services.")
    form = new_service_form(index)
    # htmx focuses [autofocus] in new content: keyboard users land in the row they added.
    form.fields["technique"].widget.attrs["autofocus"] = True
    context = {"form": form, "number": index + 1, "total_forms": index + 1}
    return render(request, "cases/case_form.html#added_service", context)


@role_required(Role.INSTRUCTOR)
@vary_on_headers("HX-Request")
def case_detail(request: HttpRequest, slug: str) -> HttpResponse:
    case, may_change = _case_for(request, slug)
    seed_form = SeedForm.from_query(request.GET)
    variant, problem = _variant(case, seed_form.seed_or_default())
    claims = claim_rows(variant.expected) if variant else []
    context = {"case": case, "seed_form": seed_form, "variant": variant, "problem": problem}
    context["may_change"] = may_change
    context["claims"] = claims
    template = "cases/case_detail.html#variant" if request.htmx else "cases/case_detail.html"
    return render(request, template, context)


@role_required(Role.INSTRUCTOR)
@vary_on_headers("HX-Request")
def student_preview(request: HttpRequest, slug: str) -> HttpResponse:
    """Exactly what a student reads: the note with concrete minutes. No key, no services."""
    case = get_object_or_404(Case, slug=slug)
    seed_form = SeedForm.from_query(request.GET)
    variant, problem = _variant(case, seed_form.seed_or_default())
    context = {
        "case": case,
        "seed_form": seed_form,
        "variant": variant,
        "problem": problem,
        "another_seed": Case.new_seed(),
    }
    partial = "#student_note" if request.htmx else ""
    return render(request, f"cases/student_preview.html{partial}", context)


def _variant(case: Case, seed: int) -> tuple[CaseVariant | None, str]:
    try:
        return case.variant(seed), ""
    except ValueError as error:  # BadCase, MissingPlaceholder...: an authoring mistake.
        return None, str(error)


@role_required(Role.INSTRUCTOR)
@require_POST
def duplicate_case(request: HttpRequest, slug: str) -> HttpResponse:
    case = get_object_or_404(Case, slug=slug)
    copy = _duplicate(case, user=request.user)
    messages.success(request, f"Made a draft copy, “{copy.title}”. Rename it and edit away.")
    return redirect("cases:edit_case", copy.slug)


@transaction.atomic
def _duplicate(case: Case, *, user: object) -> Case:
    services = list(case.services.all())
    base = f"{case.slug[:70]}-copy"
    slug, number = base, 1
    while Case.objects.filter(slug=slug).exists():
        number += 1
        slug = f"{base}-{number}"
    copy = Case.objects.get(pk=case.pk)
    copy.pk = None
    copy._state.adding = True
    copy.slug, copy.title = slug, f"Copy of {case.title}"[:160]
    copy.status, copy.version, copy.created_by = Case.Status.DRAFT, 1, user
    copy.owner = user
    copy.save()
    for service in services:
        service.pk, service.case = None, copy
    DocumentedService.objects.bulk_create(services)
    return copy


@role_required(Role.INSTRUCTOR)
@require_POST
def publish_case(request: HttpRequest, slug: str) -> HttpResponse:
    case, _ = _case_for(request, slug, changing=True)
    services = list(case.services.all())
    problems = note_problems(case.note, services) + coding_problems(
        case, services, current_catalog()
    )
    if not services:
        problems.insert(0, "It has no documented services.")
    if problems:
        messages.error(request, "This case cannot be published yet. " + " ".join(problems))
    else:
        case.status = Case.Status.PUBLISHED
        case.save(update_fields=["status", "updated_at"])
        messages.success(request, f"Published “{case.title}”: students can now be given it.")
    return redirect(case)


@role_required(Role.INSTRUCTOR)
@require_POST
def unpublish_case(request: HttpRequest, slug: str) -> HttpResponse:
    case, _ = _case_for(request, slug, changing=True)
    holding = case.held_open_in(timezone.now())
    if holding:
        where = "; ".join(f"{case_set} for {cohort}" for case_set, cohort in holding)
        messages.error(
            request,
            f"“{case.title}” stays published: students still work on it in {where}. "
            "It can be unpublished once those assignments are past due.",
        )
        return redirect(case)
    case.status = Case.Status.DRAFT
    case.save(update_fields=["status", "updated_at"])
    messages.success(request, f"“{case.title}” is a draft again: students no longer see it.")
    return redirect(case)


@role_required(Role.INSTRUCTOR)
def case_co_editors(request: HttpRequest, slug: str) -> HttpResponse:
    """The owner (or an admin) lets other instructors change the case, or stops them."""
    case, _ = _case_for(request, slug)
    if not (request.user.is_admin or case.owner_id == request.user.pk):
        raise PermissionDenied(f"Only {case.owner_label} may share “{case.title}”.")
    form = CoEditorForm(request.POST or None, case=case)
    if request.method == "POST":
        leaving = case.co_editors.filter(pk=whole_number(request.POST.get("remove"))).first()
        if leaving is not None:
            if confirming := ask_first(
                request,
                question=f"Stop {leaving} changing “{case.title}”?",
                detail=f"{leaving} can still read the case and use it in case sets.",
                button="Remove co-editor",
                cancel_url=reverse("cases:case_co_editors", args=[case.slug]),
            ):
                return confirming
            case.co_editors.remove(leaving)
            messages.success(request, f"{leaving} can no longer change “{case.title}”.")
            return redirect("cases:case_co_editors", case.slug)
        if form.is_valid():
            case.co_editors.add(form.cleaned_data["username"])
            messages.success(request, f"{form.cleaned_data['username']} may now change it.")
            return redirect("cases:case_co_editors", case.slug)
    context = {"case": case, "form": form, "co_editors": case.co_editors.all()}
    return render(request, "cases/co_editors.html", context)


@role_required(Role.INSTRUCTOR)
def export_cases(request: HttpRequest) -> HttpResponse:
    """One case set (?set=<slug>) with its cases, or every case, as a JSON download."""
    set_slug = request.GET.get("set")
    if set_slug:
        case_set = get_object_or_404(CaseSet, slug=_slug_or_404(set_slug))
        bank, filename = export_bank([], [case_set]), f"{case_set.slug}.json"
    else:
        bank = export_bank(Case.objects.prefetch_related("services"))
        filename = "clinic-coder-cases.json"
    text = json.dumps(bank, indent=2, ensure_ascii=False) + "\n"
    response = HttpResponse(text, content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


PENDING_IMPORT = "case-import"


@role_required(Role.INSTRUCTOR)
@require_http_methods(["GET", "POST"])
def import_cases(request: HttpRequest) -> HttpResponse:
    """Upload a case bank. A file with any problem lists every error; a valid one is kept
    for the preview, and nothing is saved until the preview is confirmed."""
    posted = request.method == "POST"
    form = ImportForm(request.POST, request.FILES) if posted else ImportForm()
    errors = []
    if posted and form.is_valid():
        errors = validate_bank(form.cleaned_data["file"])
        if not errors:
            request.session[PENDING_IMPORT] = {
                "id": uuid.uuid4().hex,
                "filename": request.FILES["file"].name[:200],
                "data": form.cleaned_data["file"],
            }
            return redirect("cases:preview_case_import")
    return render(request, "cases/import.html", {"form": form, "errors": errors})


@role_required(Role.INSTRUCTOR)
@require_GET
def preview_case_import(request: HttpRequest) -> HttpResponse:
    """Which cases and sets the file creates and which it replaces, flagging cases students
    still work on in an assignment and those this instructor may not replace."""
    pending = request.session.get(PENDING_IMPORT)
    if pending is None:
        messages.info(request, "There is no case file waiting to be imported; upload one.")
        return redirect("cases:import_cases")
    plan = plan_import(pending["data"], user=request.user, now=timezone.now())
    return render(request, "cases/preview_import.html", {"pending": pending, "plan": plan})


@role_required(Role.INSTRUCTOR)
@require_POST
def apply_case_import(request: HttpRequest) -> HttpResponse:
    pending = request.session.get(PENDING_IMPORT)
    if pending is None or request.POST.get("import_id") != pending["id"]:
        messages.error(request, "This preview is out of date or already imported; nothing changed.")
        return redirect("cases:import_cases")
    try:
        # Checked again as it is saved: whatever changed since the preview is taken into account.
        result = import_bank(pending["data"], user=request.user)
    except ImportFailed as failure:
        context = {"form": ImportForm(), "errors": failure.errors}
        return render(request, "cases/import.html", context, status=409)
    del request.session[PENDING_IMPORT]
    messages.success(
        request,
        f"Imported {pending['filename']}: {len(result.created)} new case(s), "
        f"{len(result.updated)} updated, {len(result.case_sets)} case set(s).",
    )
    return redirect("cases:case_list")


@role_required(Role.INSTRUCTOR)
@require_POST
def cancel_case_import(request: HttpRequest) -> HttpResponse:
    request.session.pop(PENDING_IMPORT, None)
    messages.info(request, "Import cancelled; nothing changed.")
    return redirect("cases:case_list")


@role_required(Role.INSTRUCTOR)
def case_set_list(request: HttpRequest) -> HttpResponse:
    case_sets = CaseSet.objects.annotate(case_count=Count("items")).order_by("title")
    editable = set(CaseSet.objects.editable_by(request.user).values_list("pk", flat=True))
    context = {"case_sets": case_sets, "editable": editable}
    return render(request, "cases/case_set_list.html", context)


@role_required(Role.INSTRUCTOR)
def create_case_set(request: HttpRequest) -> HttpResponse:
    return _edit_case_set(request, CaseSet(created_by=request.user))


@role_required(Role.INSTRUCTOR)
def edit_case_set(request: HttpRequest, slug: str) -> HttpResponse:
    case_set = get_object_or_404(CaseSet, slug=slug)
    if not CaseSet.objects.editable_by(request.user).filter(pk=case_set.pk).exists():
        # Another instructor's set may be in their cohorts' assignments: it is theirs to change.
        raise PermissionDenied("Only the instructor who made this case set can change it.")
    return _edit_case_set(request, case_set)


def _edit_case_set(request: HttpRequest, case_set: CaseSet) -> HttpResponse:
    form = CaseSetForm(request.POST or None, instance=case_set)
    if request.method == "POST" and form.is_valid():
        case_set = form.save()
        messages.success(request, f"Saved {case_set.title}: {case_set.items.count()} cases.")
        return redirect("cases:case_set_list")
    return render(request, "cases/case_set_form.html", {"form": form, "case_set": case_set})
