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
        "cohorts/<int:cohort_id>/attempts/<int:attempt_id>/", views.attempt_detail, name="attempt"
    ),
    path(
        "cohorts/<int:cohort_id>/attempts/<int:attempt_id>/marks/<int:index>/credit/",
        views.give_credit,
        name="give_credit",
    ),
    path(
        "cohorts/<int:cohort_id>/assignments/<int:assignment_id>/analysis/",
        views.item_analysis,
        name="item_analysis",
    ),
    path("cohorts/<int:cohort_id>/heatmap/", views.heatmap, name="heatmap"),
    path(
        "cohorts/<int:cohort_id>/cases/<slug:slug>/regrade/",
        views.regrade_case,
        name="regrade_case",
    ),
]
