"""Asking before a graded or destructive action, with and without JavaScript.

A form that needs a confirmation carries `confirm=ask` (`{% include "_confirm_field.html" %}`)
and a `data-confirm` question. With JavaScript, static/js/confirm.js asks in a <dialog> and
sends `confirm=yes`. Without it, the form arrives with `confirm=ask`, and the view answers with
a page that asks the same question and posts the same fields again, confirmed. A request that
carries no `confirm` field (a script, an older page) is done at once, as before.
"""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

NOT_REPOSTED = {"csrfmiddlewaretoken", "confirm"}


def ask_first(
    request: HttpRequest, *, question: str, detail: str, button: str, cancel_url: str
) -> HttpResponse | None:
    """The confirmation page while the form still asks for one; None once confirmed."""
    if request.POST.get("confirm") != "ask":
        return None
    fields = [
        (name, value)
        for name in request.POST
        if name not in NOT_REPOSTED
        for value in request.POST.getlist(name)
    ]
    context = {
        "question": question,
        "detail": detail,
        "button": button,
        "cancel_url": cancel_url,
        "fields": fields,
        "action": request.get_full_path(),
    }
    return render(request, "confirm.html", context)
