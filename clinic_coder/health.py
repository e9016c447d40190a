"""/healthz: a cheap "ok" for load balancers, and the baseline the benchmark measures against."""

import logging

from django.db import DatabaseError, connection
from django.http import HttpRequest, HttpResponse
from django.views.decorators.http import require_http_methods

logger = logging.getLogger(__name__)


def plain(text: str, *, status: int = 200) -> HttpResponse:
    response = HttpResponse(text, content_type="text/plain; charset=utf-8", status=status)
    # A cached "ok" would hide an instance that has since gone down.
    response["Cache-Control"] = "no-store"
    return response


@require_http_methods(["GET", "HEAD"])
def healthz(request: HttpRequest) -> HttpResponse:
    """Answer "ok" without the session or the database; `?db=1` also runs SELECT 1.

    Never touches request.user or request.session: a probe every few seconds must not create
    sessions, set cookies or cost a query.
    """
    if request.GET.get("db") == "1":
        try:
            with connection.cursor() as cursor:
                cursor.execute("SELECT 1")
                cursor.fetchone()
        except DatabaseError as error:
            logger.warning("Health check: the database did not answer: %s", error)
            return plain("database unavailable", status=503)
    return plain("ok")
