"""Instructors run their cohorts here: people, invite codes, roster imports and assignments.

Management pages are for instructors (admins pass); students and supervisors get 403. Every
lookup goes through `teachable_by`, so another instructor's cohort is a 404, whatever the URL.
"""

import uuid

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.db import transaction
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST
from django.views.decorators.vary import vary_on_headers

from clinic_coder.accounts.decorators import role_required
from clinic_coder.accounts.models import Role
from clinic_coder.accounts.passwords import days_valid, set_password_links
from clinic_coder.cases.models import Case
from clinic_coder.coding.units import plural
from clinic_coder.confirming import ask_first
from clinic_coder.paging import (
    NAME,
    chosen_sort,
    listing,
    name_matches,
    name_order,
    search_text,
    sort_header,
)

from . import roster
from .forms import (
    AssignmentForm,
    BulkExtensionForm,
    CohortForm,
    ExistingStudentForm,
    JoinForm,
    NewStudentForm,
    OverrideForm,
    RosterUploadForm,
    SignUpForm,
    SupervisorForm,
    students_of,
)
from .models import Assignment, AssignmentOverride, Cohort, Invitation, Terms


@role_required(Role.INSTRUCTOR)
def instructor_home(request: HttpRequest) -> HttpResponse:
    cohorts = Cohort.objects.with_student_counts()
    if not request.user.is_admin:
        cohorts = cohorts.taught_by(request.user)
    show_archived = request.GET.get("archived") == "1"
    if not show_archived:
        cohorts = cohorts.current()
    # The cases this instructor writes: their own and those shared with them, drafts first.
    cases = (
        Case.objects.current()
        .filter(Q(owner=request.user) | Q(co_editors=request.user))
        .distinct()
        .order_by("status", "title")
        .only("slug", "title", "status", "owner_id", "updated_at")
    )
    context = {
        "cohorts": cohorts,
        "cases": cases,
        "user_id": request.user.pk,
        "show_archived": show_archived,
    }
    return render(request, "cohorts/instructor_home.html", context)


def _cohort(request: HttpRequest, pk: int) -> Cohort:
    return get_object_or_404(Cohort.objects.teachable_by(request.user), pk=pk)


def _assignment(request: HttpRequest, pk: int) -> Assignment:
    assignments = Assignment.objects.teachable_by(request.user).select_related("cohort")
    return get_object_or_404(assignments, pk=pk)


# --- Cohorts ---------------------------------------------------------------------------------


@role_required(Role.INSTRUCTOR)
def create_cohort(request: HttpRequest) -> HttpResponse:
    form = CohortForm(request.POST or None)
    if form.is_valid():
        with transaction.atomic():
            cohort = form.save()
            cohort.instructors.add(request.user)
        messages.success(request, f"Created {cohort}. Add students, then assign case sets.")
        return redirect("cohorts:cohort_detail", cohort.pk)
    return render(request, "cohorts/cohort_form.html", {"form": form})


@role_required(Role.INSTRUCTOR)
def edit_cohort(request: HttpRequest, pk: int) -> HttpResponse:
    cohort = _cohort(request, pk)
    form = CohortForm(request.POST or None, instance=cohort)
    if form.is_valid():
        form.save()
        messages.success(request, f"Saved {cohort}.")
        return redirect("cohorts:cohort_detail", cohort.pk)
    return render(request, "cohorts/cohort_form.html", {"form": form, "cohort": cohort})


@role_required(Role.INSTRUCTOR)
def cohort_detail(request: HttpRequest, pk: int) -> HttpResponse:
    cohort = _cohort(request, pk)
    return render(request, "cohorts/cohort_detail.html", _cohort_context(request, cohort))


def _cohort_context(request: HttpRequest, cohort: Cohort) -> dict:
    """The cohort, and a page of its roster (active students first) as searched and sorted."""
    q, sort = search_text(request), chosen_sort(request, [NAME])
    enrollments = (
        cohort.enrollments.select_related("student")
        .filter(name_matches(q, prefix="student__"))
        .order_by("-active", *name_order(sort, prefix="student__"))
    )
    show_archived = request.GET.get("archived") == "1"
    assignments = cohort.assignments.select_related("case_set")
    return {
        "cohort": cohort,
        "listing": listing(request, enrollments, q=q, sort=sort),
        "name_header": sort_header(NAME, sort),
        "assignments": assignments if show_archived else assignments.filter(archived_at=None),
        "archived_assignments": assignments.exclude(archived_at=None).count(),
        "show_archived": show_archived,
        "supervisors": cohort.supervisors.all(),
        "instructors": cohort.instructors.all(),
        "invitations": cohort.invitations.select_related("student"),
    }


@role_required(Role.INSTRUCTOR)
@require_POST
@vary_on_headers("HX-Request")
def regenerate_invite_code(request: HttpRequest, pk: int) -> HttpResponse:
    cohort = _cohort(request, pk)
    if confirming := ask_first(
        request,
        question=f"Make a new invite code for {cohort}?",
        detail=f"The code {cohort.invite_code} stops working at once: students who have not "
        "joined yet need the new one.",
        button="Make a new code",
        cancel_url=reverse("cohorts:cohort_detail", args=[cohort.pk]),
    ):
        return confirming
    cohort.regenerate_invite_code()
    if request.htmx:
        return render(request, "cohorts/cohort_detail.html#invite", {"cohort": cohort, "fresh": 1})
    messages.success(request, f"New invite code {cohort.invite_code}; the old one no longer works.")
    return redirect("cohorts:cohort_detail", cohort.pk)


@role_required(Role.INSTRUCTOR)
def add_supervisor(request: HttpRequest, pk: int) -> HttpResponse:
    cohort = _cohort(request, pk)
    form = SupervisorForm(request.POST or None, cohort=cohort)
    if form.is_valid():
        supervisor = form.cleaned_data["username"]
        cohort.supervisors.add(supervisor)
        messages.success(request, f"{supervisor} now supervises {cohort}.")
        return redirect("cohorts:cohort_detail", cohort.pk)
    return render(request, "cohorts/add_supervisor.html", {"form": form, "cohort": cohort})


@role_required(Role.INSTRUCTOR)
@require_POST
def remove_supervisor(request: HttpRequest, pk: int, user_pk: int) -> HttpResponse:
    cohort = _cohort(request, pk)
    supervisor = get_object_or_404(cohort.supervisors, pk=user_pk)
    if confirming := ask_first(
        request,
        question=f"Remove {supervisor} as supervisor of {cohort}?",
        detail=f"{supervisor} stops seeing this cohort's scores and records.",
        button="Remove supervisor",
        cancel_url=reverse("cohorts:cohort_detail", args=[cohort.pk]),
    ):
        return confirming
    cohort.supervisors.remove(supervisor)
    messages.success(request, f"{supervisor} no longer supervises {cohort}.")
    return redirect("cohorts:cohort_detail", cohort.pk)


# --- Students --------------------------------------------------------------------------------


@role_required(Role.INSTRUCTOR)
def add_student(request: HttpRequest, pk: int) -> HttpResponse:
    """Invite an existing student (by username or email), or create the account and enrol it.

    An existing account may hold work from elsewhere, so it joins only when the student
    accepts; a student this cohort deactivated earlier is simply reactivated.
    """
    cohort = _cohort(request, pk)
    creating = "create" in request.POST
    existing_form = ExistingStudentForm(None if creating else request.POST or None, cohort=cohort)
    new_form = NewStudentForm(request.POST if creating else None, prefix="new")
    form = new_form if creating else existing_form
    if form.is_valid():
        student = None if creating else form.cleaned_data["who"]
        if student is not None and not cohort.enrollments.filter(student=student).exists():
            Invitation.objects.get_or_create(
                cohort=cohort, student=student, defaults={"invited_by": request.user}
            )
            messages.success(
                request,
                f"Invited {student} to {cohort}: they join when they accept the invitation "
                "on their home page.",
            )
            return redirect("cohorts:cohort_detail", cohort.pk)
        with transaction.atomic():
            student = new_form.save() if creating else student
            enrollment, _ = cohort.enrol(student)
            enrollment.active = True
            enrollment.save(update_fields=["active"])
        if creating:
            # The link is shown once, here, and emailed: the student chooses their password.
            [link] = set_password_links(request, [student], made_by=request.user, cohort=cohort)
            context = {"cohort": cohort, "link": link, "days": days_valid()}
            return render(request, "cohorts/student_created.html", context)
        messages.success(request, f"Enrolled {student} in {cohort}.")
        return redirect("cohorts:cohort_detail", cohort.pk)
    context = {"cohort": cohort, "existing_form": existing_form, "new_form": new_form}
    return render(request, "cohorts/add_student.html", context)


@role_required(Role.INSTRUCTOR)
@require_POST
def new_password_link(request: HttpRequest, pk: int, student_pk: int) -> HttpResponse:
    """Another set-your-password link for a student who has not chosen a password yet (the
    first was lost, or has expired). A student with a password uses "Forgot your password?"."""
    cohort = _cohort(request, pk)
    enrollment = get_object_or_404(cohort.enrollments.select_related("student"), student=student_pk)
    student = enrollment.student
    if student.has_usable_password():
        messages.info(
            request,
            f"{student} has chosen a password already; if it is forgotten, they use “Forgot "
            "your password?” on the log-in page.",
        )
        return redirect("cohorts:cohort_detail", cohort.pk)
    [link] = set_password_links(request, [student], made_by=request.user, cohort=cohort)
    context = {"cohort": cohort, "link": link, "days": days_valid(), "again": True}
    return render(request, "cohorts/student_created.html", context)


@role_required(Role.INSTRUCTOR)
@require_POST
@vary_on_headers("HX-Request")
def set_student_active(
    request: HttpRequest, pk: int, student_pk: int, active: bool
) -> HttpResponse:
    """Deactivate or reactivate a student; their attempts and grades stay."""
    cohort = _cohort(request, pk)
    enrollment = get_object_or_404(cohort.enrollments.select_related("student"), student=student_pk)
    if not active and (
        confirming := ask_first(
            request,
            question=f"Deactivate {enrollment.student} in {cohort}?",
            detail="They can no longer work on this cohort's assignments. Their attempts and "
            "grades are kept, and you can reactivate them.",
            button="Deactivate",
            cancel_url=reverse("cohorts:cohort_detail", args=[cohort.pk]),
        )
    ):
        return confirming
    enrollment.active = active
    enrollment.save(update_fields=["active"])
    done = "Reactivated" if active else "Deactivated"
    # The roster's search, sort and page ride along in the query string: the same page comes back.
    if request.htmx:
        context = _cohort_context(request, cohort) | {"announce": f"{done} {enrollment.student}."}
        return render(request, "cohorts/cohort_detail.html#roster", context)
    messages.success(request, f"{done} {enrollment.student}. Their work so far is kept.")
    roster = reverse("cohorts:cohort_detail", args=[cohort.pk])
    return redirect(f"{roster}?{request.GET.urlencode()}" if request.GET else roster)


@require_POST
@role_required(Role.STUDENT)
def answer_invitation(request: HttpRequest, pk: int, accept: bool) -> HttpResponse:
    invitation = get_object_or_404(request.user.invitations.select_related("cohort"), pk=pk)
    if accept:
        invitation.accept()
        messages.success(request, f"You joined {invitation.cohort}.")
    else:
        invitation.delete()
        messages.info(request, f"You declined the invitation to {invitation.cohort}.")
    return redirect("practice:student_home")


@require_http_methods(["GET", "POST"])
def sign_up(request: HttpRequest) -> HttpResponse:
    """Self-registration: a new student account, enrolled at once in the invite code's cohort
    (the same rule as joining with a code on My practice). Only when SELF_REGISTRATION is on."""
    if not settings.SELF_REGISTRATION:
        raise Http404("Sign-up is closed on this site.")
    if request.user.is_authenticated:
        return redirect("accounts:start")
    form = SignUpForm(request.POST or None)
    if form.is_valid():
        cohort = form.cleaned_data["code"]
        with transaction.atomic():
            student = form.save()
            cohort.enrol(student)
        login(request, student, backend="django.contrib.auth.backends.ModelBackend")
        messages.success(request, f"Welcome, {student}. You joined {cohort}.")
        return redirect("practice:student_home")
    return render(request, "cohorts/sign_up.html", {"form": form})


@role_required(Role.STUDENT)
def join_cohort(request: HttpRequest) -> HttpResponse:
    form = JoinForm(request.POST or None)
    if form.is_valid():
        cohort = form.cleaned_data["code"]
        enrollment, created = cohort.enrol(request.user)
        if created:
            messages.success(request, f"You joined {cohort}.")
        elif enrollment.active:
            messages.info(request, f"You are already in {cohort}.")
        else:
            messages.warning(request, f"Your place in {cohort} is inactive; ask your instructor.")
        return redirect("practice:student_home")
    return render(request, "cohorts/join.html", {"form": form})


# --- Roster import ---------------------------------------------------------------------------


def _pending_key(cohort: Cohort) -> str:
    return f"roster-import-{cohort.pk}"


@role_required(Role.INSTRUCTOR)
def import_roster(request: HttpRequest, pk: int) -> HttpResponse:
    """Upload a roster CSV; nothing is saved until the preview is confirmed."""
    cohort = _cohort(request, pk)
    form = RosterUploadForm(request.POST or None, request.FILES or None)
    if form.is_valid():
        request.session[_pending_key(cohort)] = {
            "id": uuid.uuid4().hex,
            "filename": request.FILES["file"].name,
            "rows": roster.rows_to_session(form.cleaned_data["file"]),
        }
        return redirect("cohorts:preview_roster_import", cohort.pk)
    return render(request, "cohorts/import_roster.html", {"form": form, "cohort": cohort})


@role_required(Role.INSTRUCTOR)
def preview_roster_import(request: HttpRequest, pk: int) -> HttpResponse:
    cohort = _cohort(request, pk)
    pending = request.session.get(_pending_key(cohort))
    if pending is None:
        messages.info(request, "There is no roster waiting to be imported; upload one.")
        return redirect("cohorts:import_roster", cohort.pk)
    planned = roster.plan_import(cohort, roster.rows_from_session(pending["rows"]))
    counts = {o: sum(1 for p in planned if p.outcome == o) for o in roster.Outcome}
    context = {"cohort": cohort, "pending": pending, "planned": planned, "counts": counts}
    return render(request, "cohorts/preview_roster_import.html", context)


@role_required(Role.INSTRUCTOR)
@require_POST
def apply_roster_import(request: HttpRequest, pk: int) -> HttpResponse:
    cohort = _cohort(request, pk)
    pending = request.session.get(_pending_key(cohort))
    if pending is None or request.POST.get("import_id") != pending["id"]:
        messages.error(request, "This preview is out of date or already imported; nothing changed.")
        return redirect("cohorts:import_roster", cohort.pk)
    rows = roster.rows_from_session(pending["rows"])
    result = roster.apply_import(cohort=cohort, rows=rows, by=request.user)
    del request.session[_pending_key(cohort)]
    links = set_password_links(
        request, list(result.new_accounts), made_by=request.user, cohort=cohort
    )
    context = {
        "cohort": cohort,
        "result": result,
        "filename": pending["filename"],
        "links": links,
        "emailed": sum(link.emailed for link in links),
        "days": days_valid(),
    }
    return render(request, "cohorts/roster_imported.html", context)


@role_required(Role.INSTRUCTOR)
@require_POST
def cancel_roster_import(request: HttpRequest, pk: int) -> HttpResponse:
    cohort = _cohort(request, pk)
    request.session.pop(_pending_key(cohort), None)
    messages.info(request, "Import cancelled; nothing changed.")
    return redirect("cohorts:cohort_detail", cohort.pk)


# --- Assignments -----------------------------------------------------------------------------


@role_required(Role.INSTRUCTOR)
def create_assignment(request: HttpRequest, pk: int) -> HttpResponse:
    cohort = _cohort(request, pk)
    assignment = Assignment(cohort=cohort, created_by=request.user)
    form = AssignmentForm(
        request.POST or None, instance=assignment, cohort=cohort, user=request.user
    )
    if form.is_valid():
        form.save()
        messages.success(request, f"Assigned {assignment.case_set} to {cohort}.")
        return redirect("cohorts:assignment_detail", assignment.pk)
    return render(request, "cohorts/assignment_form.html", {"form": form, "cohort": cohort})


@role_required(Role.INSTRUCTOR)
def edit_assignment(request: HttpRequest, pk: int) -> HttpResponse:
    assignment = _assignment(request, pk)
    cohort = assignment.cohort
    form = AssignmentForm(
        request.POST or None, instance=assignment, cohort=cohort, user=request.user
    )
    if form.is_valid():
        form.save()
        messages.success(request, f"Saved {assignment.case_set} for {cohort}.")
        return redirect("cohorts:assignment_detail", assignment.pk)
    context = {"form": form, "cohort": cohort, "assignment": assignment}
    return render(request, "cohorts/assignment_form.html", context)


@role_required(Role.INSTRUCTOR)
def assignment_detail(request: HttpRequest, pk: int) -> HttpResponse:
    assignment = _assignment(request, pk)
    form = BulkExtensionForm(assignment=assignment)
    return render(request, "cohorts/assignment_detail.html", _assignment_context(assignment, form))


def _assignment_context(assignment: Assignment, form: BulkExtensionForm) -> dict:
    overrides = {o.student_id: o for o in assignment.overrides.all()}
    selected = {str(pk) for pk in (form["students"].value() or [])}
    rows = [
        {
            "enrollment": enrollment,
            "terms": Terms.of(assignment, overrides.get(enrollment.student_id)),
            "override": overrides.get(enrollment.student_id),
            "selected": str(enrollment.student_id) in selected,
        }
        for enrollment in assignment.cohort.enrollments.select_related("student").order_by(
            "-active", "student__last_name", "student__first_name", "student__username"
        )
    ]
    return {"assignment": assignment, "cohort": assignment.cohort, "rows": rows, "form": form}


@role_required(Role.INSTRUCTOR)
@require_POST
def extend_due_date(request: HttpRequest, pk: int) -> HttpResponse:
    """Give every selected student the same new due date (their extra attempts stay)."""
    assignment = _assignment(request, pk)
    form = BulkExtensionForm(request.POST, assignment=assignment)
    if not form.is_valid():
        context = _assignment_context(assignment, form)
        return render(request, "cohorts/assignment_detail.html", context, status=400)
    students = list(form.cleaned_data["students"])
    with transaction.atomic():
        for student in students:
            AssignmentOverride.objects.update_or_create(
                assignment=assignment,
                student=student,
                defaults={"due_at": form.cleaned_data["due_at"], "created_by": request.user}
                | ({"reason": form.cleaned_data["reason"]} if form.cleaned_data["reason"] else {}),
            )
    messages.success(request, f"Extended the due date for {plural(len(students), 'student')}.")
    return redirect("cohorts:assignment_detail", assignment.pk)


@role_required(Role.INSTRUCTOR)
def edit_override(request: HttpRequest, pk: int, student_pk: int) -> HttpResponse:
    """One student's extension and extra attempts; clearing both removes the override."""
    assignment = _assignment(request, pk)
    student = get_object_or_404(students_of(assignment.cohort), pk=student_pk)
    override = assignment.overrides.filter(student=student).first() or AssignmentOverride(
        assignment=assignment, student=student, created_by=request.user
    )
    form = OverrideForm(request.POST or None, instance=override, assignment=assignment)
    if form.is_valid():
        if form.changes_nothing:
            if override.pk:
                override.delete()
            messages.success(request, f"{student} has the assignment's usual terms.")
        else:
            form.save()
            messages.success(request, f"Saved the override for {student}.")
        return redirect(reverse("cohorts:assignment_detail", args=[assignment.pk]) + "#students")
    context = {"assignment": assignment, "student": student, "form": form, "override": override}
    return render(request, "cohorts/override_form.html", context)


# --- Archiving: never a hard delete ------------------------------------------------------


def _set_archived(request: HttpRequest, thing: Cohort | Assignment, archive: bool) -> None:
    """Archive (now) or restore; the history (enrolments, attempts, scores) stays either way."""
    thing.archived_at = timezone.now() if archive else None
    thing.save(update_fields=["archived_at"])
    name = thing.case_set if isinstance(thing, Assignment) else thing
    if archive:
        messages.success(
            request, f"Archived {name}: students no longer see it. Restore it any time."
        )
    else:
        messages.success(request, f"Restored {name}.")


@role_required(Role.INSTRUCTOR)
@require_POST
def archive_cohort(request: HttpRequest, pk: int) -> HttpResponse:
    _set_archived(request, _cohort(request, pk), archive=True)
    return redirect("cohorts:instructor_home")


@role_required(Role.INSTRUCTOR)
@require_POST
def restore_cohort(request: HttpRequest, pk: int) -> HttpResponse:
    cohort = _cohort(request, pk)
    _set_archived(request, cohort, archive=False)
    return redirect("cohorts:cohort_detail", cohort.pk)


@role_required(Role.INSTRUCTOR)
@require_POST
def archive_assignment(request: HttpRequest, pk: int) -> HttpResponse:
    assignment = _assignment(request, pk)
    _set_archived(request, assignment, archive=True)
    return redirect("cohorts:cohort_detail", assignment.cohort_id)


@role_required(Role.INSTRUCTOR)
@require_POST
def restore_assignment(request: HttpRequest, pk: int) -> HttpResponse:
    assignment = _assignment(request, pk)
    _set_archived(request, assignment, archive=False)
    return redirect("cohorts:cohort_detail", assignment.cohort_id)
