from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from clinic_coder.accounts.decorators import role_required
from clinic_coder.accounts.models import Role

from .forms import ClinicCodeForm
from .models import ProcedureCode


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
