from django.contrib import admin
from django.urls import include, path

from clinic_coder.health import healthz

admin.site.site_header = "Clinic Coder administration"
admin.site.site_title = "Clinic Coder admin"

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("admin/", admin.site.urls),
    path("", include("clinic_coder.accounts.urls")),
    path("", include("clinic_coder.progress.urls")),
    path("", include("clinic_coder.cohorts.urls")),
    path("cases/", include("clinic_coder.cases.urls")),
    path("", include("clinic_coder.catalog.urls")),
    path("", include("clinic_coder.practice.urls")),
    path("teach/", include("clinic_coder.progress.urls_instructor")),
    path("lti/", include("clinic_coder.lti.urls")),
]
