from django.urls import path

from . import views

app_name = "progress"

urlpatterns = [
    path("progress/", views.my_progress, name="my_progress"),
    path("overview/", views.supervisor_dashboard, name="supervisor_dashboard"),
    path("students/<int:student_id>/", views.student_record, name="student_record"),
    path("students/<int:student_id>/sign-off/", views.sign_off, name="sign_off"),
    path(
        "students/<int:student_id>/sign-offs/<int:sign_off_id>/revoke/",
        views.revoke_sign_off,
        name="revoke_sign_off",
    ),
]
