"""A student's progress (for the student and for their staff) and the supervisor's dashboard."""

from django.contrib import messages
from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from clinic_coder.accounts.decorators import role_required
from clinic_coder.accounts.models import Role, User
from clinic_coder.cohorts.models import Cohort, Enrollment
from clinic_coder.cohorts.templatetags.zones import site_time
from clinic_coder.practice.mastery import (
    Level,
    evidence_for,
    mastery_from,
    tallies_for,
    weakest,
    weekly_mastery,
    with_cases_to_practise,
)
from clinic_coder.practice.models import Attempt

from .charts import percent_line
from .gradebook import student_assignments
from .models import SignOff
from .sign_off_forms import RevokeSignOffForm, SignOffForm

DEFAULT_THRESHOLD = 70
SHOWN_PER_COHORT = 100  # students listed per cohort on the overview


def progress_context(student: User, *, own: bool, cohorts: list[Cohort] | None = None) -> dict:
    """Everything the progress page shows about one student.

    own: the student's own view, where results of assignments that defer feedback stay hidden
    until the student's due date.
    """
    now = timezone.now()
    released_by = now if own else None
    evidence = evidence_for([student.pk], released_by=released_by, cohorts=cohorts)[student.pk]
    mastery = mastery_from(evidence)
    attempts = Attempt.objects.of(student).select_related("case", "assignment__case_set")
    attempts = attempts.feedback_released(now) if own else attempts.seen_by_staff_of(cohorts)
    attempts = list(attempts[:20])
    trend = percent_line(
        [(site_time(a.submitted_at, "j M, H:i T"), a.score) for a in reversed(attempts[:20])]
    )
    return {
        "student": student,
        "mastery": sorted(mastery.values(), key=lambda m: (Level.ORDER.index(m.level), m.label)),
        "weak": with_cases_to_practise(weakest(mastery), student, now) if own else weakest(mastery),
        "trend": trend,
        "mastery_trend": percent_line(
            [(f"week of {week:%d %b}", percent) for week, percent in weekly_mastery(evidence)]
        ),
        "recent_attempts": attempts,
        "assignments": student_assignments(student, now=now, cohorts=None if own else cohorts),
        "own": own,
        "sign_offs": _sign_offs(student, None if own else cohorts),
    }


def _sign_offs(student: User, cohorts: list[Cohort] | None) -> list[SignOff]:
    """The student sees every sign-off; staff see only those of cohorts they may read."""
    sign_offs = SignOff.objects.filter(student=student).select_related(
        "signed_by", "cohort", "revoked_by"
    )
    if cohorts is not None:
        sign_offs = sign_offs.filter(cohort__in=cohorts)
    return list(sign_offs)


@role_required(Role.STUDENT)
def my_progress(request: HttpRequest) -> HttpResponse:
    context = progress_context(request.user, own=True)
    return render(request, "progress/student_progress.html", context)


def _student_in(request: HttpRequest, student_id: int) -> tuple[User, list[Cohort]]:
    """A student of one of the cohorts this user may read, and those cohorts; or 404."""
    cohorts = Cohort.objects.viewable_by(request.user)
    student = get_object_or_404(
        User.objects.filter(enrollments__cohort__in=cohorts).distinct(), pk=student_id
    )
    return student, list(cohorts.filter(enrollments__student=student))


def _supervised(user: User, cohorts: list[Cohort]) -> list[Cohort]:
    if user.is_admin:
        return cohorts
    return list(Cohort.objects.filter(pk__in=[c.pk for c in cohorts], supervisors=user))


def _signable_cohorts(user: User, student: User, cohorts: list[Cohort]) -> list[Cohort]:
    """The cohorts where this user may sign the student off: those they supervise where the
    student is still active (a deactivated student is no one's to sign off)."""
    active = set(student.enrollments.filter(active=True).values_list("cohort", flat=True))
    return [c for c in _supervised(user, cohorts) if c.pk in active]


@role_required(Role.INSTRUCTOR, Role.SUPERVISOR)
def student_record(request: HttpRequest, student_id: int) -> HttpResponse:
    student, cohorts = _student_in(request, student_id)
    signable = _signable_cohorts(request.user, student, cohorts)
    supervised = {c.pk for c in _supervised(request.user, cohorts)}
    context = progress_context(student, own=False, cohorts=cohorts)
    context |= {
        "cohorts": cohorts,
        "sign_off_form": SignOffForm() if signable else None,
        "revocable": {
            s.pk for s in context["sign_offs"] if s.standing and s.cohort_id in supervised
        },
    }
    for attempt in context["recent_attempts"]:
        # Each attempt's staff page: an assignment's under its cohort, practice under the
        # first of the student's cohorts this user may read.
        cohort_id = attempt.assignment.cohort_id if attempt.assignment else cohorts[0].pk
        attempt.staff_url = reverse("practice:staff_attempt", args=[cohort_id, attempt.pk])
    return render(request, "progress/student_progress.html", context)


@require_POST
@role_required(Role.SUPERVISOR)
def sign_off(request: HttpRequest, student_id: int) -> HttpResponse:
    student, cohorts = _student_in(request, student_id)
    supervised = _signable_cohorts(request.user, student, cohorts)
    form = SignOffForm(request.POST)
    if not supervised:
        messages.error(
            request, "Only a supervisor of a cohort the student is active in can sign off."
        )
    elif not form.is_valid():
        messages.error(request, "Choose a skill area to sign off: " + form.errors.as_text())
    else:
        skill = form.cleaned_data["skill"]
        tally = tallies_for([student.pk], cohorts=cohorts)[student.pk][skill]
        if tally.level == Level.NEEDS_WORK and not form.cleaned_data["confirmed"]:
            confirm = SignOffForm(initial=form.cleaned_data | {"confirmed": True})
            context = {
                "student": student,
                "form": confirm,
                "tally": tally,
                "label": form.skill_label(),
            }
            return render(request, "progress/confirm_sign_off.html", context)
        record_sign_off(
            student=student,
            cohort=supervised[0],
            by=request.user,
            skill=skill,
            note=form.cleaned_data["note"],
        )
        messages.success(request, f"Signed off: {form.skill_label()}.")
    return redirect("progress:student_record", student_id=student.pk)


def record_sign_off(*, student: User, cohort: Cohort, by: User, skill: str, note: str) -> SignOff:
    """Sign the skill off for the cohort: a standing sign-off is renewed, a revoked one stays
    in the history beside the new one."""
    sign_off, _ = SignOff.objects.update_or_create(
        student=student,
        cohort=cohort,
        skill=skill,
        revoked_at=None,
        defaults={"signed_by": by, "signed_at": timezone.now(), "note": note},
    )
    return sign_off


@require_POST
@role_required(Role.SUPERVISOR)
def revoke_sign_off(request: HttpRequest, student_id: int, sign_off_id: int) -> HttpResponse:
    student, cohorts = _student_in(request, student_id)
    supervised = _supervised(request.user, cohorts)
    sign_off = get_object_or_404(
        SignOff.objects.filter(student=student, cohort__in=supervised, revoked_at=None),
        pk=sign_off_id,
    )
    form = RevokeSignOffForm(request.POST)
    if form.is_valid():
        sign_off.revoked_by = request.user
        sign_off.revoked_at = timezone.now()
        sign_off.revoke_reason = form.cleaned_data["reason"]
        sign_off.save(update_fields=["revoked_by", "revoked_at", "revoke_reason"])
        messages.success(request, f"Revoked: {sign_off.get_skill_display()}.")
    else:
        messages.error(request, "Nothing was revoked: " + form.errors.as_text())
    return redirect("progress:student_record", student_id=student.pk)


@role_required(Role.SUPERVISOR)
def supervisor_dashboard(request: HttpRequest) -> HttpResponse:
    threshold = _threshold(request.GET.get("threshold"))
    cohorts = (
        Cohort.objects.all()
        if request.user.is_admin
        else Cohort.objects.supervised_by(request.user)
    ).current()
    cohorts = list(cohorts.with_student_counts().order_by("name"))
    enrolled = (
        Enrollment.objects.filter(cohort__in=cohorts, active=True)
        .order_by("student__last_name", "student__first_name", "student__username")
        .values_list(
            "cohort_id", "student_id", "student__first_name", "student__last_name",
            "student__username",
        )
    )  # fmt: skip
    scores = {
        (row["student"], row["cohort"]): row
        for row in Attempt.objects.scores_per_student_in(cohorts)
    }
    by_cohort = {c.pk: {"cohort": c, "students": [], "below": [], "scored": []} for c in cohorts}
    for cohort_id, student_id, first_name, last_name, username in enrolled:
        score = scores.get((student_id, cohort_id), {})
        row = {
            "pk": student_id,
            "first_name": first_name,
            "last_name": last_name,
            "username": username,
            "mean": score.get("mean"),
            "attempts_count": score.get("attempts", 0),
        }
        column = by_cohort[cohort_id]
        column["students"].append(row)
        if row["mean"] is not None:
            column["scored"].append(row["mean"])
        # Nothing assigned attempted is no reassurance: flag it with the low means.
        if row["mean"] is None or row["mean"] < threshold:
            column["below"].append(row)
    # A cohort of hundreds shows its first students by name and its lowest means; the whole
    # list, searchable and sorted, is the cohort's gradebook.
    shown = []
    for column in by_cohort.values():
        scored = column.pop("scored")
        column["mean"] = round(sum(scored) / len(scored)) if scored else None
        column["count"] = len(column["students"])
        column["students"] = column["students"][:SHOWN_PER_COHORT]
        column["below"] = sorted(
            column["below"], key=lambda s: (s["mean"] is None, s["mean"] or 0)
        )[:SHOWN_PER_COHORT]
        shown += column["students"] + column["below"]
    ids = {row["pk"] for row in shown}
    mastery = tallies_for(ids, cohorts=cohorts)
    practice = dict(
        Attempt.objects.in_practice()
        .filter(student__in=ids)
        .order_by()
        .values_list("student")
        .annotate(n=Count("pk"))
    )
    for row in shown:
        row["needs_work"] = sum(m.level == Level.NEEDS_WORK for m in mastery[row["pk"]].values())
        row["practice_count"] = practice.get(row["pk"], 0)
    context = {"columns": list(by_cohort.values()), "threshold": threshold}
    return render(request, "progress/supervisor_dashboard.html", context)


def _threshold(value: str | None) -> int:
    try:
        return min(100, max(0, int(value)))
    except (TypeError, ValueError):
        return DEFAULT_THRESHOLD
