from django.urls import path

from . import views_instructor as views

app_name = "teach"

urlpatterns = [
    path("cohorts/<int:cohort_id>/gradebook/", views.gradebook, name="gradebook"),
    path("cohorts/<int:cohort_id>/gradebook.csv", views.export_gradebook, name="export_gradebook"),
    path("cohorts/<int:cohort_id>/attempts.csv", views.export_attempts, name="export_attempts"),
    path(
        "cohorts/<int:cohort_id>/students/<int:student_id>/assignments/<int:assignment_id>/",
        views.student_assignment,
        name="student_assignment",
    ),
    path(
        "cohorts/<int:cohort_id>/assignments/<int:assignment_id>/analysis/",
        views.item_analysis,
        name="item_analysis",
    ),
    path("cohorts/<int:cohort_id>/heatmap/", views.heatmap, name="heatmap"),
]
