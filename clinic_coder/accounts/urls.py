from django.contrib.auth import views as auth_views
from django.urls import path, reverse_lazy

from . import views
from .passwords import ResetPasswordForm

app_name = "accounts"

urlpatterns = [
    path("", views.start, name="start"),
    path(
        "accounts/login/",
        views.LoginView.as_view(),
        name="login",
    ),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path(
        "accounts/password/",
        auth_views.PasswordChangeView.as_view(
            success_url=reverse_lazy("accounts:password_change_done")
        ),
        name="password_change",
    ),
    path(
        "accounts/password/done/",
        auth_views.PasswordChangeDoneView.as_view(),
        name="password_change_done",
    ),
    # Forgot your password: Django's views, with our templates and namespaced URLs. The page
    # after the form reads the same whether or not the address has an account.
    path(
        "accounts/password/reset/",
        auth_views.PasswordResetView.as_view(
            form_class=ResetPasswordForm,
            email_template_name="registration/password_reset_email.txt",
            success_url=reverse_lazy("accounts:password_reset_done"),
        ),
        name="password_reset",
    ),
    path(
        "accounts/password/reset/sent/",
        auth_views.PasswordResetDoneView.as_view(),
        name="password_reset_done",
    ),
    path(
        "accounts/password/reset/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(
            success_url=reverse_lazy("accounts:password_reset_complete")
        ),
        name="password_reset_confirm",
    ),
    # The same link for an account staff made: worded as choosing a first password.
    path(
        "accounts/welcome/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(
            template_name="registration/set_password.html",
            success_url=reverse_lazy("accounts:password_reset_complete"),
        ),
        name="set_password",
    ),
    path(
        "accounts/password/reset/done/",
        auth_views.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
]
