from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect


@login_required
def start(request: HttpRequest) -> HttpResponse:
    """Send each role to its own start page."""
    return redirect(request.user.start_url_name)
