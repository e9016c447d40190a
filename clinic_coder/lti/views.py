"""LTI 1.3 endpoints (login, launch, key set), deep linking, and the staff pages around them.

The platform reaches login, launch and the key set with no Clinic Coder session: they are
CSRF-exempt (the id_token's signature, state and nonce protect them instead) and may be framed
by the registered platforms. Every LTI error becomes a clear 400 or 403 page.
"""

import json
import logging
import uuid

import requests
from django.contrib import messages
from django.contrib.auth import login
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.csp import csp_override
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from pylti1p3.deep_link_resource import DeepLinkResource
from pylti1p3.exception import LtiException, OIDCException
from pylti1p3.lineitem import LineItem

from clinic_coder.accounts.decorators import role_required
from clinic_coder.accounts.models import Role
from clinic_coder.cohorts.access import teachable_cohort
from clinic_coder.cohorts.forms import AssignmentForm
from clinic_coder.cohorts.models import Assignment

from . import launch as arrival_rules
from . import passback as passbacks
from . import roster_sync
from .framing import framed_by_platforms, policy
from .models import LtiAssignment, LtiContext, Passback, Platform, ToolKey
from .tool import OUR_STATE, Launch, Login

log = logging.getLogger(__name__)

LOGIN_PARAMS = (
    "iss", "login_hint", "target_link_uri", "lti_message_hint", "lti_deployment_id", "client_id",
)  # fmt: skip
DEEP_LINKS = "lti-deep-links"  # session key: the deep-link launches this browser may finish


def lti_error(
    request: HttpRequest, error: Exception, *, status: int = 400, **extra
) -> HttpResponse:
    log.info("LTI request refused: %s", error)
    context = {"message": str(error)[:300], "status": status, **extra}
    return render(request, "lti/error.html", context, status=status)


# --- The platform's endpoints ------------------------------------------------------------------


@csrf_exempt
@require_http_methods(["GET", "POST"])
@framed_by_platforms
def login_initiation(request: HttpRequest) -> HttpResponse:
    """OIDC third-party login: check the platform is registered, send the browser back to it
    with a fresh state (cookie) and nonce (shared cache)."""
    target = request.build_absolute_uri(reverse("lti:launch"))
    try:
        oidc = Login(request)
        response = oidc.redirect(target)
    except (LtiException, OIDCException) as error:
        return lti_error(request, error)
    # Kept for the "open in a new window" fallback if the frame's cookies are blocked.
    state = _state_in(response)
    if state:
        params = {key: request.GET.get(key) or request.POST.get(key) for key in LOGIN_PARAMS}
        cache.set(f"lti-login-params:{state}", {k: v for k, v in params.items() if v}, 600)
    return response


def _state_in(response: HttpResponse) -> str:
    from urllib.parse import parse_qs, urlsplit

    query = parse_qs(urlsplit(response.get("Location", "")).query)
    return (query.get("state") or [""])[0]


@csrf_exempt
@require_POST
@framed_by_platforms
def launch(request: HttpRequest) -> HttpResponse:
    """The platform posts a signed id_token here: validate it, sign the person in, go on."""
    try:
        message = Launch(request)
        data = message.get_launch_data()
        arrival = arrival_rules.arrive(data)
        deep_linking = message.is_deep_link_launch()
    except arrival_rules.Refused as error:
        return lti_error(request, error, status=403)
    except (LtiException, OIDCException, requests.RequestException) as error:
        return lti_error(request, error, retry_params=_retry_params(request, error))
    login(request, arrival.user, backend="django.contrib.auth.backends.ModelBackend")
    if deep_linking:
        if arrival.role.role != Role.INSTRUCTOR:
            return lti_error(request, "Only instructors add Clinic Coder to a course.", status=403)
        launch_id = message.get_launch_id()
        request.session[DEEP_LINKS] = [*request.session.get(DEEP_LINKS, [])[-4:], launch_id]
        return redirect("lti:deep_link", launch_id=launch_id)
    target = arrival_rules.landing_url(arrival)
    if request.headers.get("Sec-Fetch-Dest") == "iframe":
        # Inside the LMS's frame the rest of the site refuses to be framed: offer a new window.
        context = {"arrival": arrival, "target": target}
        return render(request, "lti/launched.html", context)
    return redirect(target)


def _retry_params(request: HttpRequest, error: Exception) -> str:
    """For a missing state cookie (a browser blocking cookies in frames): the login link that
    starts again in a new window, where cookies work."""
    from urllib.parse import urlencode

    state = request.POST.get("state", "")
    if ("State" not in str(error) and "cookie" not in str(error)) or not OUR_STATE.match(state):
        return ""
    params = cache.get(f"lti-login-params:{state}")
    return urlencode(params) if params else ""


@require_GET
def jwks(request: HttpRequest) -> JsonResponse:
    """The tool's public key set: platforms verify our deep-link and token requests with it."""
    return JsonResponse({"keys": [ToolKey.current().public_jwk()]})


# --- Deep linking: the instructor picks a case set and its terms in the LMS ----------------------


def _deep_link_launch(request: HttpRequest, launch_id: str) -> Launch:
    if launch_id not in request.session.get(DEEP_LINKS, []):
        raise PermissionDenied
    try:
        return Launch.restored(request, launch_id)
    except LtiException as error:
        raise PermissionDenied from error


@role_required(Role.INSTRUCTOR)
@require_http_methods(["GET", "POST"])
@framed_by_platforms
def deep_link(request: HttpRequest, launch_id: str) -> HttpResponse:
    message = _deep_link_launch(request, launch_id)
    data = message.get_launch_data()
    context = get_object_or_404(
        LtiContext.objects.select_related("cohort", "platform"),
        platform=arrival_rules.platform_of(data),
        context_id=data[arrival_rules.CONTEXT]["id"],
    )
    cohort = teachable_cohort(request.user, context.cohort_id)
    assignment = Assignment(cohort=cohort, created_by=request.user)
    form = AssignmentForm(
        request.POST or None, instance=assignment, cohort=cohort, user=request.user
    )
    if not form.is_valid():
        return render(request, "lti/deep_link.html", {"form": form, "cohort": cohort})
    form.save()
    LtiAssignment.objects.create(assignment=assignment, context=context)
    request.session[DEEP_LINKS] = [i for i in request.session[DEEP_LINKS] if i != launch_id]
    return deep_link_response(request, message, assignment)


def deep_link_response(request: HttpRequest, message: Launch, assignment: Assignment):
    """The signed answer that makes the LMS link (and its line item) for the new assignment."""
    title = str(assignment.case_set)[:255]
    resource = (
        DeepLinkResource()
        .set_url(request.build_absolute_uri(reverse("lti:launch")))
        .set_title(title)
        .set_custom_params({"assignment_id": str(assignment.pk)})
        .set_lineitem(
            LineItem()
            .set_tag(f"clinic-coder-assignment-{assignment.pk}")
            .set_label(title)
            .set_score_maximum(100)
            .set_resource_id(str(assignment.pk))
        )
    )
    link = message.get_deep_link()
    return_url = link._deep_link_settings["deep_link_return_url"]
    context = {"return_url": return_url, "jwt": link.get_response_jwt([resource]), "title": title}
    response = render(request, "lti/deep_link_return.html", context)
    return csp_override(policy(form_targets=[return_url]))(lambda _request: response)(request)


# --- For LMS administrators ---------------------------------------------------------------------


@role_required()  # admins only: role_required lets admins pass every role check
@require_GET
def setup(request: HttpRequest) -> HttpResponse:
    key = ToolKey.current()
    urls = {
        name: request.build_absolute_uri(reverse(f"lti:{name}"))
        for name in ("login_initiation", "launch", "jwks")
    }
    context = {"key": key, "jwk": json.dumps(key.public_jwk(), indent=2), "urls": urls}
    context["platforms"] = Platform.objects.prefetch_related("deployments")
    return render(request, "lti/setup.html", context)


# --- For instructors: the course's LMS link, roster sync and grade passback --------------------


@role_required(Role.INSTRUCTOR)
@require_GET
def cohort_lms(request: HttpRequest, pk: int) -> HttpResponse:
    cohort = teachable_cohort(request.user, pk)
    context = get_object_or_404(LtiContext.objects.select_related("platform"), cohort=cohort)
    latest = Passback.objects.latest_per_student(context)
    return render(
        request,
        "lti/cohort_lms.html",
        {"cohort": cohort, "context": context, "passbacks": latest},
    )


@role_required(Role.INSTRUCTOR)
@require_POST
def send_again(request: HttpRequest, pk: int, passback_pk: int) -> HttpResponse:
    cohort = teachable_cohort(request.user, pk)
    passback = get_object_or_404(Passback, pk=passback_pk, lti_assignment__context__cohort=cohort)
    passbacks.send_again(passback)
    messages.info(request, f"The score of {passback.student} is queued to be sent again.")
    return redirect("lti:cohort_lms", cohort.pk)


@role_required(Role.INSTRUCTOR)
@require_POST
def sync_roster(request: HttpRequest, pk: int) -> HttpResponse:
    """Fetch the LMS roster and hand it to the roster import's preview: same rules, same page."""
    cohort = teachable_cohort(request.user, pk)
    context = get_object_or_404(LtiContext.objects.select_related("platform"), cohort=cohort)
    try:
        rows = roster_sync.fetch_rows(context)
    except (LtiException, requests.RequestException, roster_sync.BadRoster) as error:
        messages.error(request, f"The LMS roster could not be read: {str(error)[:200]}")
        return redirect("lti:cohort_lms", cohort.pk)
    roster_sync.stage_import(request.session, cohort, rows, uuid.uuid4().hex)
    return redirect("cohorts:preview_roster_import", cohort.pk)
