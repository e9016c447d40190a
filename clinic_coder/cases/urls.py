from django.urls import path

from . import views, views_profiles

# Fixed paths come before "<slug>/", and forms.RESERVED_SLUGS keeps cases off them.
app_name = "cases"

urlpatterns = [
    path("", views.case_list, name="case_list"),
    path("new/", views.create_case, name="create_case"),
    path("preview/", views.preview_case, name="preview_case"),
    path("service-row/", views.add_service_row, name="add_service_row"),
    path("export/", views.export_cases, name="export_cases"),
    path("import/", views.import_cases, name="import_cases"),
    path("import/preview/", views.preview_case_import, name="preview_case_import"),
    path("import/apply/", views.apply_case_import, name="apply_case_import"),
    path("import/cancel/", views.cancel_case_import, name="cancel_case_import"),
    path("payer-profiles/", views_profiles.payer_profile_list, name="payer_profile_list"),
    path(
        "payer-profiles/<slug:key>/duplicate/",
        views_profiles.duplicate_payer_profile,
        name="duplicate_payer_profile",
    ),
    path(
        "payer-profiles/<slug:key>/edit/",
        views_profiles.edit_payer_profile,
        name="edit_payer_profile",
    ),
    path(
        "payer-profiles/<slug:key>/delete/",
        views_profiles.delete_payer_profile,
        name="delete_payer_profile",
    ),
    path("sets/", views.case_set_list, name="case_set_list"),
    path("sets/new/", views.create_case_set, name="create_case_set"),
    path("sets/<slug:slug>/edit/", views.edit_case_set, name="edit_case_set"),
    path("sets/<slug:slug>/order/", views.reorder_case_set, name="reorder_case_set"),
    path("<slug:slug>/", views.case_detail, name="case_detail"),
    path("<slug:slug>/edit/", views.edit_case, name="edit_case"),
    path("<slug:slug>/student-preview/", views.student_preview, name="student_preview"),
    path("<slug:slug>/duplicate/", views.duplicate_case, name="duplicate_case"),
    path("<slug:slug>/publish/", views.publish_case, name="publish_case"),
    path("<slug:slug>/unpublish/", views.unpublish_case, name="unpublish_case"),
    path("<slug:slug>/archive/", views.archive_case, name="archive_case"),
    path("<slug:slug>/restore/", views.restore_case, name="restore_case"),
    path("<slug:slug>/co-editors/", views.case_co_editors, name="case_co_editors"),
]
