from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from clinic_coder.accounts.decorators import role_required
from clinic_coder.accounts.models import Role
from clinic_coder.coding.rules import RULES
from clinic_coder.coding.skills import SKILLS

from .forms import ClinicCodeForm
from .models import ProcedureCode


@require_http_methods(["GET", "POST"])
@role_required(Role.INSTRUCTOR)
def code_catalog(request: HttpRequest) -> HttpResponse:
    """The codes the grader knows, and a form to add the clinic's own."""
    form = ClinicCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        code = form.save()
        messages.success(request, f"{code.code} added: cases may now use it as a clinic code.")
        return redirect("catalog:code_catalog")
    codes = ProcedureCode.objects.order_by("-clinic_internal", "code")
    return render(request, "catalog/code_catalog.html", {"codes": codes, "form": form})


@require_GET
@login_required
def coding_rules(request: HttpRequest) -> HttpResponse:
    """Every rule the grader applies or cites, with its explanation and public source, by skill.

    Each finding on a feedback page links to its rule here.
    """
    by_skill: dict[str, list] = {skill: [] for skill in SKILLS}
    for rule in RULES.values():
        by_skill.setdefault(rule.skill, []).append(rule)
    sections = [
        (skill, SKILLS.get(skill, skill), rules) for skill, rules in by_skill.items() if rules
    ]
    return render(request, "catalog/coding_rules.html", {"sections": sections})
