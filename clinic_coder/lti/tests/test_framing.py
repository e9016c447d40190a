"""Only the LTI routes may be framed, and only by the registered platforms' pages."""

import pytest
from django.test import Client

from clinic_coder.lti.tests.platform import SimulatedPlatform


@pytest.fixture
def lms(db) -> SimulatedPlatform:
    return SimulatedPlatform(frame_origins="https://school.example.edu")


def test_it_lets_the_registered_platforms_frame_the_lti_routes(lms):
    response = Client().get("/lti/login/", {"iss": "https://nobody.example", "login_hint": "x"})
    assert "X-Frame-Options" not in response
    policy = response["Content-Security-Policy"]
    assert "frame-ancestors https://lms.example.edu https://school.example.edu" in policy
    assert "script-src 'self' 'nonce-" in policy  # the rest of the policy is the site's


def test_it_keeps_every_other_page_out_of_frames(lms):
    response = Client().get("/login/")
    assert response["X-Frame-Options"] == "DENY"
    assert "frame-ancestors 'none'" in response["Content-Security-Policy"]


def test_it_lets_nobody_frame_the_lti_routes_before_a_platform_is_registered(db):
    response = Client().get("/lti/login/")
    assert "frame-ancestors 'none'" in response["Content-Security-Policy"]


def test_it_refuses_a_frame_origin_that_is_not_an_origin(lms):
    from django.core.exceptions import ValidationError

    lms.platform.frame_origins = "https://school.example.edu/path javascript:alert(1)"
    with pytest.raises(ValidationError):
        lms.platform.full_clean()


def test_it_uses_samesite_none_cookies_behind_tls():
    from clinic_coder.tests.test_settings import PRODUCTION, run_manage

    show = (
        "from django.conf import settings as s; print(s.SESSION_COOKIE_SAMESITE, "
        "s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SAMESITE, s.CSRF_COOKIE_SECURE)"
    )
    result = run_manage("shell", "-c", show, **PRODUCTION)
    assert result.stdout.splitlines()[-1].split() == ["None", "True", "None", "True"], result.stderr


def test_it_registers_the_demo_platform_once(db):
    from io import StringIO

    from django.core.management import call_command

    from clinic_coder.lti.models import Platform

    for _ in range(2):
        call_command("lti_demo_platform", "--register-only", "--port", "8765", stdout=StringIO())
    platform = Platform.objects.get()
    assert platform.issuer == "http://127.0.0.1:8765"
    assert platform.deployments.get().deployment_id == "demo-deployment"
    assert platform.origins() == ["http://127.0.0.1:8765"]
