from django.urls import path

from . import views

app_name = "cohorts"

urlpatterns = [
    path("teach/", views.instructor_home, name="instructor_home"),
    path("join/", views.join_cohort, name="join_cohort"),
    path("signup/", views.sign_up, name="sign_up"),
    path(
        "invitations/<int:pk>/accept/",
        views.answer_invitation,
        {"accept": True},
        name="accept_invitation",
    ),
    path(
        "invitations/<int:pk>/decline/",
        views.answer_invitation,
        {"accept": False},
        name="decline_invitation",
    ),
    path("teach/cohorts/new/", views.create_cohort, name="create_cohort"),
    path("teach/cohorts/<int:pk>/", views.cohort_detail, name="cohort_detail"),
    path("teach/cohorts/<int:pk>/edit/", views.edit_cohort, name="edit_cohort"),
    path("teach/cohorts/<int:pk>/archive/", views.archive_cohort, name="archive_cohort"),
    path("teach/cohorts/<int:pk>/restore/", views.restore_cohort, name="restore_cohort"),
    path(
        "teach/cohorts/<int:pk>/invite-code/",
        views.regenerate_invite_code,
        name="regenerate_invite_code",
    ),
    path("teach/cohorts/<int:pk>/supervisors/add/", views.add_supervisor, name="add_supervisor"),
    path(
        "teach/cohorts/<int:pk>/supervisors/<int:user_pk>/remove/",
        views.remove_supervisor,
        name="remove_supervisor",
    ),
    path("teach/cohorts/<int:pk>/students/add/", views.add_student, name="add_student"),
    path(
        "teach/cohorts/<int:pk>/students/<int:student_pk>/deactivate/",
        views.set_student_active,
        {"active": False},
        name="deactivate_student",
    ),
    path(
        "teach/cohorts/<int:pk>/students/<int:student_pk>/reactivate/",
        views.set_student_active,
        {"active": True},
        name="reactivate_student",
    ),
    path(
        "teach/cohorts/<int:pk>/students/<int:student_pk>/password-link/",
        views.new_password_link,
        name="new_password_link",
    ),
    path("teach/cohorts/<int:pk>/roster/import/", views.import_roster, name="import_roster"),
    path(
        "teach/cohorts/<int:pk>/roster/import/preview/",
        views.preview_roster_import,
        name="preview_roster_import",
    ),
    path(
        "teach/cohorts/<int:pk>/roster/import/apply/",
        views.apply_roster_import,
        name="apply_roster_import",
    ),
    path(
        "teach/cohorts/<int:pk>/roster/import/cancel/",
        views.cancel_roster_import,
        name="cancel_roster_import",
    ),
    path(
        "teach/cohorts/<int:pk>/assignments/new/",
        views.create_assignment,
        name="create_assignment",
    ),
    path("teach/assignments/<int:pk>/", views.assignment_detail, name="assignment_detail"),
    path("teach/assignments/<int:pk>/edit/", views.edit_assignment, name="edit_assignment"),
    path(
        "teach/assignments/<int:pk>/archive/", views.archive_assignment, name="archive_assignment"
    ),
    path(
        "teach/assignments/<int:pk>/restore/", views.restore_assignment, name="restore_assignment"
    ),
    path("teach/assignments/<int:pk>/extend/", views.extend_due_date, name="extend_due_date"),
    path(
        "teach/assignments/<int:pk>/students/<int:student_pk>/",
        views.edit_override,
        name="edit_override",
    ),
]
