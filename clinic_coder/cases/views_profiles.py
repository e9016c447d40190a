"""Payer profiles: the built-ins and an instructor's own, listed, duplicated, edited, deleted.

Every instructor sees the built-in profiles and their own (admins see all); another
instructor's profile is not found (404). Built-ins are read-only (403): duplicate one to
change it. Attempts keep a copy of the settings they were graded with, so an edit reaches
only attempts made after it.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from clinic_coder.accounts.decorators import role_required
from clinic_coder.accounts.models import Role
from clinic_coder.coding.profiles import SETTINGS
from clinic_coder.confirming import ask_first

from .models import Case, PayerProfile
from .profile_forms import PayerProfileForm


def _profile_for(request: HttpRequest, key: str, *, changing: bool = False) -> PayerProfile:
    """The profile if this user may see it (404 otherwise); 403 if changing and not theirs."""
    profiles = PayerProfile.objects.usable_by(request.user).select_related("owner")
    profile = get_object_or_404(profiles, key=key)
    editable = PayerProfile.objects.editable_by(request.user).filter(pk=profile.pk).exists()
    if changing and not editable:
        raise PermissionDenied(
            f"“{profile.name}” is a built-in profile and cannot be changed: duplicate it to "
            "make your own."
        )
    return profile


@role_required(Role.INSTRUCTOR)
@require_GET
def payer_profile_list(request: HttpRequest) -> HttpResponse:
    profiles = list(PayerProfile.objects.usable_by(request.user).select_related("owner"))
    editable = set(PayerProfile.objects.editable_by(request.user).values_list("pk", flat=True))
    in_use = dict(
        Case.objects.filter(payer_profile__in=[p.key for p in profiles])
        .values_list("payer_profile")
        .annotate(count=Count("pk"))
        .order_by()
    )
    rows = [
        {"profile": p, "may_change": p.pk in editable, "cases": in_use.get(p.key, 0)}
        for p in profiles
    ]
    return render(request, "cases/payer_profile_list.html", {"rows": rows})


@role_required(Role.INSTRUCTOR)
@require_http_methods(["GET", "POST"])
def duplicate_payer_profile(request: HttpRequest, key: str) -> HttpResponse:
    """A new profile of this instructor's, starting from a copy of the given one's settings."""
    source = _profile_for(request, key)
    copy = PayerProfile(
        name=f"Copy of {source.name}"[:120],
        description=source.description,
        owner=request.user,
        based_on=source.key,
        **{name: getattr(source, name) for name in SETTINGS},
    )
    form = PayerProfileForm(request.POST or None, instance=copy)
    if request.method == "POST" and form.is_valid():
        profile = form.save(commit=False)
        profile.save_new()
        messages.success(
            request, f"Made your own profile “{profile.name}”: pick it in a case or assignment."
        )
        return redirect("cases:payer_profile_list")
    context = {"form": form, "source": source, "profile": None}
    return render(request, "cases/payer_profile_form.html", context)


@role_required(Role.INSTRUCTOR)
@require_http_methods(["GET", "POST"])
def edit_payer_profile(request: HttpRequest, key: str) -> HttpResponse:
    profile = _profile_for(request, key, changing=True)
    form = PayerProfileForm(request.POST or None, instance=profile)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(
            request,
            f"Saved “{profile.name}”. Attempts already made keep the settings they were "
            "graded with; attempts from now on use these.",
        )
        return redirect("cases:payer_profile_list")
    context = {
        "form": form,
        "profile": profile,
        "cases": profile.cases_using().count(),
        "assignments": profile.assignments_using().count(),
    }
    return render(request, "cases/payer_profile_form.html", context)


@role_required(Role.INSTRUCTOR)
@require_POST
def delete_payer_profile(request: HttpRequest, key: str) -> HttpResponse:
    """Deleted only while no case or assignment names it; attempts keep their own copy."""
    profile = _profile_for(request, key, changing=True)
    cases = list(profile.cases_using().order_by("title").values_list("title", flat=True))
    assignments = profile.assignments_using().count()
    if cases or assignments:
        where = []
        if cases:
            shown = ", ".join(f"“{title}”" for title in cases[:3])
            more = f" and {len(cases) - 3} more" if len(cases) > 3 else ""
            where.append(f"{len(cases)} case(s) ({shown}{more})")
        if assignments:
            where.append(f"{assignments} assignment(s)")
        messages.error(
            request,
            f"“{profile.name}” was not deleted: {' and '.join(where)} use it. Give them "
            "another payer profile first.",
        )
        return redirect("cases:payer_profile_list")
    if confirming := ask_first(
        request,
        question=f"Delete the payer profile “{profile.name}”?",
        detail="No case or assignment uses it. Attempts graded under it keep their own copy.",
        button="Delete profile",
        cancel_url=reverse("cases:payer_profile_list"),
    ):
        return confirming
    profile.delete()
    messages.success(request, f"Deleted the payer profile “{profile.name}”.")
    return redirect("cases:payer_profile_list")
