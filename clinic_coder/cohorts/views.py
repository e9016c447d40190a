from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from clinic_coder.accounts.decorators import role_required
from clinic_coder.accounts.models import Role

from .models import Cohort


@role_required(Role.INSTRUCTOR)
def instructor_home(request: HttpRequest) -> HttpResponse:
    cohorts = Cohort.objects.with_student_counts()
    if not request.user.is_admin:
        cohorts = cohorts.taught_by(request.user)
    return render(request, "cohorts/instructor_home.html", {"cohorts": cohorts})


@role_required(Role.SUPERVISOR)
def supervisor_home(request: HttpRequest) -> HttpResponse:
    cohorts = Cohort.objects.with_student_counts().prefetch_related("instructors")
    if not request.user.is_admin:
        cohorts = cohorts.supervised_by(request.user)
    return render(request, "cohorts/supervisor_home.html", {"cohorts": cohorts})
