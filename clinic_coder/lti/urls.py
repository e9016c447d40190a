from django.urls import path

from . import views

app_name = "lti"

urlpatterns = [
    path("login/", views.login_initiation, name="login_initiation"),
    path("launch/", views.launch, name="launch"),
    path("jwks/", views.jwks, name="jwks"),
    path("deep-link/<str:launch_id>/", views.deep_link, name="deep_link"),
    path("setup/", views.setup, name="setup"),
    path("cohorts/<int:pk>/", views.cohort_lms, name="cohort_lms"),
    path("cohorts/<int:pk>/roster/", views.sync_roster, name="sync_roster"),
    path(
        "cohorts/<int:pk>/passbacks/<int:passback_pk>/send-again/",
        views.send_again,
        name="send_again",
    ),
]
