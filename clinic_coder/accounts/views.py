from django.conf import settings
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render


@login_required
def start(request: HttpRequest) -> HttpResponse:
    """Send each role to its own start page."""
    return redirect(request.user.start_url_name)


def locked_out(
    request: HttpRequest,
    original_response: HttpResponse | None = None,
    credentials: dict | None = None,
) -> HttpResponse:
    """django-axes' answer to a sign-in it refuses. The same for every username, existing or
    not, so it never tells whether an account exists."""
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    return render(request, "registration/locked_out.html", {"minutes": minutes}, status=429)


class LoginView(auth_views.LoginView):
    """Django's login, with the ways in for someone who has no password to type."""

    redirect_authenticated_user = True

    def get_context_data(self, **kwargs: object) -> dict:
        return super().get_context_data(**kwargs) | {
            "self_registration": settings.SELF_REGISTRATION
        }
