from django.urls import include, path

from . import views, views_staff

app_name = "practice"

student_urlpatterns = [
    path("", views.student_home, name="student_home"),
    path("weak-spots/", views.practise_weak_spots, name="practise_weak_spots"),
    path("sets/<slug:slug>/", views.case_set_detail, name="practice_case_set"),
    path("cases/<slug:slug>/", views.play_case, name="play_case"),
    path("cases/<slug:slug>/answer/", views.edit_answer, name="edit_answer"),
    path("cases/<slug:slug>/submit/", views.submit_case, name="submit_case"),
    path("cases/<slug:slug>/new-variant/", views.try_new_variant, name="try_new_variant"),
    path("cases/<slug:slug>/history/", views.case_history, name="case_history"),
    path(
        "assignments/<int:assignment_id>/cases/<slug:slug>/",
        views.play_case,
        name="assignment_play_case",
    ),
    path(
        "assignments/<int:assignment_id>/cases/<slug:slug>/answer/",
        views.edit_answer,
        name="assignment_edit_answer",
    ),
    path(
        "assignments/<int:assignment_id>/cases/<slug:slug>/submit/",
        views.submit_case,
        name="assignment_submit_case",
    ),
    path("attempts/<int:pk>/", views.attempt_feedback, name="attempt_feedback"),
    path("notices/<int:pk>/dismiss/", views.dismiss_notice, name="dismiss_notice"),
    path("codes/", views.code_search, name="code_search"),
    path("trainer/", views.unit_trainer, name="unit_trainer"),
]

# Staff pages that read or change an attempt's score, under the instructors' /teach/ paths.
staff_urlpatterns = [
    path(
        "cohorts/<int:cohort_id>/attempts/<int:attempt_id>/",
        views_staff.staff_attempt,
        name="staff_attempt",
    ),
    path(
        "cohorts/<int:cohort_id>/attempts/<int:attempt_id>/marks/<int:index>/credit/",
        views_staff.give_credit,
        name="give_credit",
    ),
    path("cases/<slug:slug>/try/", views_staff.try_case, name="try_case"),
    path(
        "cohorts/<int:cohort_id>/cases/<slug:slug>/regrade/",
        views_staff.regrade_case,
        name="regrade_case",
    ),
]

urlpatterns = [
    path("practice/", include(student_urlpatterns)),
    path("teach/", include(staff_urlpatterns)),
]
