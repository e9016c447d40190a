"""Login initiation and launch against a simulated platform: who gets in, as whom, and where;
and every forged, expired, replayed or misdirected launch refused with a clear page."""

import time

import pytest
from django.test import Client
from django.urls import reverse

from clinic_coder.cohorts.models import Cohort, Enrollment
from clinic_coder.lti.launch import CUSTOM
from clinic_coder.lti.models import LtiAssignment, LtiContext, LtiUser, ToolKey
from clinic_coder.lti.tests.platform import (
    CLIENT_ID,
    INSTRUCTOR,
    MEMBERSHIPS_URL,
    MENTOR,
    TA,
    SimulatedPlatform,
    new_key,
)
from tests.factories import assigned


@pytest.fixture
def lms(db) -> SimulatedPlatform:
    return SimulatedPlatform(frame_origins="https://school.example.edu")


def whoami(client: Client):
    from django.contrib.auth import get_user

    return get_user(client)


def test_it_signs_a_learner_in_and_makes_the_account_and_cohort_on_first_launch(lms):
    client = Client()
    response = lms.launch(client, sub="learner-1")
    assert response.status_code == 302
    assert response["Location"] == "/practice/"
    user = whoami(client)
    assert user.is_authenticated and user.is_student
    assert not user.has_usable_password()
    assert (user.first_name, user.email) == ("Lee", "learner-1@example.edu")
    assert LtiUser.objects.get(user=user).sub == "learner-1"
    context = LtiContext.objects.get()
    assert context.cohort.name == "Coding 101"
    assert context.memberships_url == MEMBERSHIPS_URL
    assert Enrollment.objects.filter(cohort=context.cohort, student=user, active=True).exists()


def test_it_finds_the_same_account_and_cohort_on_the_next_launch(lms):
    lms.launch(Client(), sub="learner-1")
    lms.launch(Client(), sub="learner-1")
    assert LtiUser.objects.count() == 1
    assert Cohort.objects.count() == 1


def test_it_maps_course_roles_to_cohort_roles(lms):
    lms.launch(Client(), sub="teacher-1", roles=(INSTRUCTOR,))
    lms.launch(Client(), sub="ta-1", roles=(TA,))
    cohort = LtiContext.objects.get().cohort
    teacher = LtiUser.objects.get(sub="teacher-1").user
    ta = LtiUser.objects.get(sub="ta-1").user
    assert teacher.is_instructor and cohort.instructors.filter(pk=teacher.pk).exists()
    assert ta.is_supervisor and cohort.supervisors.filter(pk=ta.pk).exists()
    assert not teacher.is_staff  # an LMS role never makes a Django admin
    assert not cohort.enrollments.exists()


def test_it_sends_an_instructor_to_the_cohort(lms):
    client = Client()
    response = lms.launch(client, sub="teacher-1", roles=(INSTRUCTOR,))
    cohort = LtiContext.objects.get().cohort
    assert response["Location"] == reverse("lti:cohort_lms", args=[cohort.pk])
    assert client.get(response["Location"]).status_code == 200


def test_it_refuses_a_role_it_does_not_serve_with_a_403_page(lms):
    client = Client()
    response = lms.launch(client, sub="mentor-1", roles=(MENTOR,))
    assert response.status_code == 403
    assert b"can't let you in" in response.content
    assert not whoami(client).is_authenticated


def test_it_lands_a_learner_on_the_linked_assignment(lms):
    lms.launch(Client(), sub="teacher-1", roles=(INSTRUCTOR,))
    context = LtiContext.objects.get()
    assignment, _ = assigned(cohort=context.cohort)
    LtiAssignment.objects.create(assignment=assignment, context=context)
    custom = {CUSTOM: {"assignment_id": str(assignment.pk)}}
    ags = {
        "https://purl.imsglobal.org/spec/lti-ags/claim/endpoint": {
            "scope": [],
            "lineitems": "https://lms.example.edu/courses/7/lineitems",
            "lineitem": "https://lms.example.edu/courses/7/lineitems/9",
        }
    }
    response = lms.launch(Client(), sub="learner-1", **custom, **ags)
    url = reverse("practice:practice_case_set", args=[assignment.case_set.slug])
    assert response["Location"] == f"{url}?assignment={assignment.pk}"
    assert LtiAssignment.objects.get().lineitem_url.endswith("/lineitems/9")


def test_it_never_links_an_assignment_of_another_course(lms, people):
    assignment, _ = assigned(cohort=people.cohort_a)  # not in the LMS course
    custom = {CUSTOM: {"assignment_id": str(assignment.pk)}}
    response = lms.launch(Client(), sub="learner-1", **custom)
    assert response["Location"] == "/practice/"


def test_it_offers_a_new_window_when_launched_inside_a_frame(lms):
    state, nonce = lms.login(client := Client())
    token = lms.sign(lms.claims(nonce))
    response = client.post(
        "/lti/launch/", {"id_token": token, "state": state}, headers={"Sec-Fetch-Dest": "iframe"}
    )
    assert response.status_code == 200
    assert b'target="_blank"' in response.content


# --- Refused launches -------------------------------------------------------------------------


def refused(response, status: int = 400) -> bool:
    return response.status_code == status and b"could not be completed" in response.content


def test_it_refuses_a_tampered_signature(lms):
    client = Client()
    state, nonce = lms.login(client)
    header, _, signature = lms.sign(lms.claims(nonce)).split(".")
    other = lms.sign(lms.claims(nonce, sub="someone-else")).split(".")[1]
    forged = f"{header}.{other}.{signature}"
    response = client.post("/lti/launch/", {"id_token": forged, "state": state})
    assert refused(response)
    assert not LtiUser.objects.exists()


def test_it_refuses_a_token_signed_by_another_key(lms):
    client = Client()
    state, nonce = lms.login(client)
    stranger_pem, _ = new_key()
    token = lms.sign(lms.claims(nonce), key=stranger_pem)
    assert refused(client.post("/lti/launch/", {"id_token": token, "state": state}))


def test_it_refuses_a_wrong_audience(lms):
    client = Client()
    state, nonce = lms.login(client)
    token = lms.sign(lms.claims(nonce, aud="another-tool"))
    assert refused(client.post("/lti/launch/", {"id_token": token, "state": state}))


def test_it_refuses_a_second_audience_without_us_as_authorized_party(lms):
    client = Client()
    state, nonce = lms.login(client)
    token = lms.sign(lms.claims(nonce, aud=[CLIENT_ID, "another-tool"], azp="another-tool"))
    assert refused(client.post("/lti/launch/", {"id_token": token, "state": state}))
    state, nonce = lms.login(client)
    token = lms.sign(lms.claims(nonce, aud=[CLIENT_ID, "another-tool"], azp=CLIENT_ID))
    assert client.post("/lti/launch/", {"id_token": token, "state": state}).status_code == 302


def test_it_refuses_an_unknown_deployment(lms):
    client = Client()
    state, nonce = lms.login(client)
    deployment = {"https://purl.imsglobal.org/spec/lti/claim/deployment_id": "elsewhere"}
    token = lms.sign(lms.claims(nonce, **deployment))
    assert refused(client.post("/lti/launch/", {"id_token": token, "state": state}))


def test_it_refuses_an_expired_token(lms):
    client = Client()
    state, nonce = lms.login(client)
    past = int(time.time()) - 3600
    token = lms.sign(lms.claims(nonce, iat=past - 300, exp=past))
    response = client.post("/lti/launch/", {"id_token": token, "state": state})
    assert refused(response)
    assert b"expired" in response.content


def test_it_refuses_a_replayed_launch(lms):
    client = Client()
    state, nonce = lms.login(client)
    token = lms.sign(lms.claims(nonce))
    assert client.post("/lti/launch/", {"id_token": token, "state": state}).status_code == 302
    replay = client.post("/lti/launch/", {"id_token": token, "state": state})
    assert refused(replay)
    assert b"already used" in replay.content


def test_it_refuses_a_nonce_it_never_issued(lms):
    client = Client()
    state, _ = lms.login(client)
    token = lms.sign(lms.claims("a-nonce-of-my-own"))
    assert refused(client.post("/lti/launch/", {"id_token": token, "state": state}))


def test_it_refuses_a_launch_without_the_state_cookie(lms):
    state, nonce = lms.login(Client())
    token = lms.sign(lms.claims(nonce))
    other_browser = Client()
    response = other_browser.post("/lti/launch/", {"id_token": token, "state": state})
    assert refused(response)
    assert b"Open Clinic Coder in a new window" in response.content


@pytest.mark.parametrize(
    "data",
    [{}, {"id_token": "not-a-jwt", "state": "x"}, {"id_token": "a.b.c", "state": "x"}],
)
def test_it_answers_garbage_with_a_400_page(lms, data):
    client = Client()
    lms.login(client)
    assert refused(client.post("/lti/launch/", data))


def test_it_refuses_a_login_from_an_unknown_platform(lms):
    response = Client().get("/lti/login/", {"iss": "https://evil.example", "login_hint": "x"})
    assert refused(response)


def test_it_accepts_a_login_initiation_by_post(lms):
    response = Client().post(
        "/lti/login/", {"iss": lms.platform.issuer, "login_hint": "x", "client_id": CLIENT_ID}
    )
    assert response.status_code == 302


# --- The key set and the setup page ----------------------------------------------------------


def test_it_publishes_the_tool_key_set(db):
    keys = Client().get("/lti/jwks/").json()["keys"]
    key = ToolKey.objects.get()
    assert keys == [key.public_jwk()]
    assert keys[0]["kty"] == "RSA" and "d" not in keys[0]  # never the private part


def test_it_shows_the_setup_page_to_admins_only(lms, people):
    client = Client()
    client.force_login(people.admin)
    page = client.get("/lti/setup/")
    assert page.status_code == 200
    assert b"http://testserver/lti/jwks/" in page.content
    assert b"BEGIN PUBLIC KEY" in page.content and b"PRIVATE" not in page.content
    client.force_login(people.ines)
    assert client.get("/lti/setup/").status_code == 403


def test_it_fetches_the_platform_key_set_from_its_url_once(lms):
    import responses

    keys = lms.platform.key_set
    lms.platform.key_set = None
    lms.platform.key_set_url = "https://lms.example.edu/jwks"
    lms.platform.save()
    with responses.RequestsMock() as mock:
        fetch = mock.get("https://lms.example.edu/jwks", json=keys)
        assert lms.launch(Client(), sub="learner-1").status_code == 302
        assert lms.launch(Client(), sub="learner-2").status_code == 302
        assert fetch.call_count == 1  # kept in the shared cache


def test_it_refuses_a_launch_when_the_platform_key_set_is_unreachable(lms):
    import responses

    lms.platform.key_set = None
    lms.platform.key_set_url = "https://lms.example.edu/jwks"
    lms.platform.save()
    with responses.RequestsMock() as mock:
        mock.get("https://lms.example.edu/jwks", status=502, body="bad gateway")
        response = lms.launch(Client())
    assert response.status_code == 400
