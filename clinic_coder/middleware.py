"""Small request/response rules that hold for every page."""

import time
from collections.abc import Callable

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.cache import patch_cache_control

# Writing the session on every request would cost a database write per page: note the time
# of activity at most once a minute, which is precise enough for an idle timeout of hours.
ACTIVITY_RESOLUTION = 60
LAST_SEEN = "last_seen"


def note_sign_in(sender: object, request: HttpRequest, **kwargs: object) -> None:
    request.session[LAST_SEEN] = int(time.time())


def signed_in(request: HttpRequest) -> bool:
    """Whether the request comes from a signed-in user. Without a session cookie nobody is,
    and the session is not even read: a cookieless request (a load balancer's /healthz probe)
    gets no `Vary: Cookie` and no session work."""
    if settings.SESSION_COOKIE_NAME not in request.COOKIES:
        return False
    return request.user.is_authenticated


class PrivatePagesMiddleware:
    """Signed-in pages and downloads (feedback, gradebook CSV) are never stored by a browser
    or a shared cache: another person on the same clinic computer must not see them."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if signed_in(request):
            patch_cache_control(response, private=True, no_store=True)
        return response


class IdleTimeoutMiddleware:
    """Sign out a session unused for SESSION_IDLE_TIMEOUT seconds."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if signed_in(request):
            now = int(time.time())
            last_seen = request.session.get(LAST_SEEN)
            if isinstance(last_seen, int) and now - last_seen > settings.SESSION_IDLE_TIMEOUT:
                logout(request)
                messages.info(request, "You were signed out after a while without activity.")
                return redirect(f"{reverse(settings.LOGIN_URL)}?next={request.path}")
            if not isinstance(last_seen, int) or now - last_seen >= ACTIVITY_RESOLUTION:
                request.session[LAST_SEEN] = now
        return self.get_response(request)
