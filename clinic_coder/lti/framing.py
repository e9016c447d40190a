"""Only the LTI routes may be shown in a frame, and only by the registered platforms' pages.

The rest of the site keeps X-Frame-Options: DENY and frame-ancestors 'none' (settings).
"""

from collections.abc import Callable, Iterable
from functools import wraps

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils.csp import CSP
from django.views.decorators.clickjacking import xframe_options_exempt
from django.views.decorators.csp import csp_override

from .models import Platform, origin_of


def platform_origins() -> list[str]:
    origins: list[str] = []
    for platform in Platform.objects.only("auth_login_url", "frame_origins"):
        origins.extend(platform.origins())
    return sorted(set(origins))


def policy(*, form_targets: Iterable[str] = ()) -> dict:
    """The site's policy, with the platforms as frame ancestors (and, for a deep-link
    response, the platform's return URL as a form target)."""
    config = {key: list(value) for key, value in settings.SECURE_CSP.items()}
    config["frame-ancestors"] = platform_origins() or [CSP.NONE]
    extra = [origin_of(url) for url in form_targets if origin_of(url)]
    if extra:
        config["form-action"] = [*config.get("form-action", [CSP.SELF]), *extra]
    return config


def framed_by_platforms(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Let registered platforms frame this view's pages; nobody else."""

    @wraps(view)
    @xframe_options_exempt
    def wrapped(request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
        response = view(request, *args, **kwargs)
        if getattr(response, "_csp_config", None) is not None:
            return response  # the view set its own policy (a deep-link response)
        return csp_override(policy())(lambda _request: response)(request)

    return wrapped
