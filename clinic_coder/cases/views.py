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
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBadRequest, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django.views.decorators.vary import vary_on_headers

from clinic_coder.accounts.decorators import role_required
from clinic_coder.accounts.models import Role
from clinic_coder.catalog.models import current_catalog
from clinic_coder.coding.catalog import Catalog
from clinic_coder.coding.units import plural
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
from .models import Case, CaseSet, CaseSetItem, CaseVariant, DocumentedService
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
    cases = Case.objects.with_profile_names().prefetch_related("services")
    if not data.get("archived"):
        cases = cases.current()
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
    """The case form: save, or (buttons for when JavaScript is off) add a row or preview.

    A case that students can still work on in an assignment shows a warning, and a save that
    changes the note's facts asks first (a confirm button, no JavaScript needed).
    """
    holding = case.held_open_in(timezone.now()) if case.pk else []
    facts_before = case.note_facts() if holding else None
    context = {"case_slug": case.slug if case.pk else "", "case_title": case.title}
    context["holding"] = [f"{case_set} for {cohort}" for case_set, cohort in holding]
    data = request.POST if request.method == "POST" else None
    adding = data is not None and "add_service" in data
    if adding:
        data = with_another_service(data)
    case_form, formset = case_forms(data, case, user=request.user)
    if adding:  # The page reloads: put the keyboard in the new row.
        formset.forms[-1].fields["technique"].widget.attrs["autofocus"] = True
    context |= {"case_form": case_form, "formset": formset}
    if data is not None and not adding:
        catalog = current_catalog()
        if "preview" in data:
            seed = SeedForm.from_query(data).seed_or_default()
            context["preview"] = preview(case_form, formset, seed, catalog)
        elif check_case(case_form, formset, catalog):
            services = [form.instance for form in formset.kept_forms()]
            changes_facts = holding and case_form.instance.note_facts(services) != facts_before
            if changes_facts and data.get("confirm_live_change") != "yes":
                context["confirm_live_change"] = True
                return render(request, "cases/case_form.html", context, status=409)
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
    case_form, formset = case_forms(request.POST, case, user=request.user)
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
    problems = note_problems(case.note, services, publishing=True) + coding_problems(
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
def archive_case(request: HttpRequest, slug: str) -> HttpResponse:
    """Out of the case list and of new sets; never deleted: the sets it is in, their
    assignments and every attempt stay as they are."""
    case, _ = _case_for(request, slug, changing=True)
    case.archived_at = timezone.now()
    case.save(update_fields=["archived_at", "updated_at"])
    messages.success(request, f"Archived “{case.title}”. Restore it any time.")
    return redirect(case)


@role_required(Role.INSTRUCTOR)
@require_POST
def restore_case(request: HttpRequest, slug: str) -> HttpResponse:
    case, _ = _case_for(request, slug, changing=True)
    case.archived_at = None
    case.save(update_fields=["archived_at", "updated_at"])
    messages.success(request, f"Restored “{case.title}”.")
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
        errors = validate_bank(form.cleaned_data["file"], user=request.user)
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
        f"Imported {pending['filename']}: {plural(len(result.created), 'new case')}, "
        f"{len(result.updated)} updated, {plural(len(result.case_sets), 'case set')}.",
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


@role_required(Role.INSTRUCTOR)
@require_http_methods(["GET", "POST"])
def reorder_case_set(request: HttpRequest, slug: str) -> HttpResponse:
    """The set's cases in order: move one up or down (plain forms, no JavaScript needed), or
    post the whole new order (what dragging and dropping sends)."""
    case_set = get_object_or_404(CaseSet, slug=slug)
    if not CaseSet.objects.editable_by(request.user).filter(pk=case_set.pk).exists():
        raise PermissionDenied("Only the instructor who made this case set can change it.")
    items = list(case_set.items.select_related("case").order_by("position", "pk"))
    if request.method == "GET":
        context = {"case_set": case_set, "items": items, "focus": _focus_after_move(request, items)}
        return render(request, "cases/case_set_order.html", context)
    try:
        order, moved = new_order(items, request.POST)
    except ValueError as refused:
        messages.error(request, f"Nothing was moved: {refused}")
        return redirect("cases:reorder_case_set", case_set.slug)
    with transaction.atomic():
        for position, item in enumerate(order):
            if item.position != position:
                item.position = position
                item.save(update_fields=["position"])
    if request.htmx or request.headers.get("X-Requested-With") == "fetch":
        return HttpResponse(status=204)
    messages.success(request, f"Saved the new order of {case_set.title}.")
    where = reverse("cases:reorder_case_set", args=[case_set.slug])
    if moved is None:
        return redirect(where)
    direction = request.POST["direction"]
    # No #fragment: a page opened at a fragment ignores autofocus.
    return redirect(f"{where}?moved={moved.case_id}&direction={direction}")


def _focus_after_move(request: HttpRequest, items: list[CaseSetItem]) -> tuple[int, str] | None:
    """After a move by button, the keyboard stays on the moved case: its button of the same
    direction, or the other one once it reaches an end of the list (a disabled button cannot
    hold focus). (case id, direction), or None."""
    case_ids = [item.case_id for item in items]
    moved, direction = whole_number(request.GET.get("moved")), request.GET.get("direction")
    if moved not in case_ids or direction not in ("up", "down"):
        return None
    index = case_ids.index(moved)
    if direction == "up" and index == 0:
        direction = "down"
    elif direction == "down" and index == len(case_ids) - 1:
        direction = "up"
    return moved, direction


def new_order(
    items: list[CaseSetItem], data: QueryDict
) -> tuple[list[CaseSetItem], CaseSetItem | None]:
    """The items in their new order, and the one moved by a button (None for a whole order):
    "move" (a case id) with "direction" (up or down), or "order" (every case id, once each)."""
    by_case = {item.case_id: item for item in items}
    if "order" in data:
        ids = [whole_number(value) for value in data.getlist("order")]
        if sorted(i for i in ids if i is not None) != sorted(by_case) or None in ids:
            raise ValueError("the order must name every case of the set once.")
        return [by_case[i] for i in ids], None
    case_id, direction = whole_number(data.get("move")), data.get("direction")
    if case_id not in by_case or direction not in ("up", "down"):
        raise ValueError("choose a case of the set and a direction.")
    order = list(items)
    index = order.index(by_case[case_id])
    other = index - 1 if direction == "up" else index + 1
    if 0 <= other < len(order):
        order[index], order[other] = order[other], order[index]
    return order, by_case[case_id]


def _edit_case_set(request: HttpRequest, case_set: CaseSet) -> HttpResponse:
    form = CaseSetForm(request.POST or None, instance=case_set)
    if request.method == "POST" and form.is_valid():
        case_set = form.save()
        messages.success(request, f"Saved {case_set.title}: {case_set.items.count()} cases.")
        return redirect("cases:case_set_list")
    return render(request, "cases/case_set_form.html", {"form": form, "case_set": case_set})
