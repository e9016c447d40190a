"""Deep linking, roster sync (NRPS) and the whole LTI Advantage cycle against the simulated
platform: login -> deep link -> launch -> NRPS -> submit -> AGS, through the test client."""

import json
import re

import jwt
import pytest
import responses
from django.test import Client
from django.urls import reverse

from clinic_coder.cohorts.models import Assignment, Enrollment, Invitation
from clinic_coder.lti.models import LtiAssignment, LtiContext, LtiUser, Passback, ToolKey
from clinic_coder.lti.tests.platform import (
    CLIENT_ID,
    INSTRUCTOR,
    ISS,
    LEARNER,
    LINEITEMS_URL,
    MEMBERSHIPS_URL,
    RETURN_URL,
    TOKEN_URL,
    SimulatedPlatform,
)
from tests.factories import RIGHT, graded, make_case, make_case_set, make_user

DL = "https://purl.imsglobal.org/spec/lti-dl/claim/"
IMMEDIATE = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}


@pytest.fixture
def lms(db, settings) -> SimulatedPlatform:
    settings.TASKS = IMMEDIATE
    return SimulatedPlatform()


def assignment_data(case_set) -> dict:
    return {
        "case_set": case_set.pk,
        "opens_at": "2026-03-02T09:00",
        "due_at": "2099-03-09T17:00",
        "attempts_allowed": "3",
        "payer_profile": "",
        "feedback": "immediate",
        "time_limit_minutes": "",
        "late_policy": "closed",
        "score_policy": "best",
    }


def deep_link_launch(lms: SimulatedPlatform, client: Client, **claims: object):
    state, nonce = lms.login(client)
    token = lms.sign(lms.deep_link_claims(nonce, **claims))
    return client.post("/lti/launch/", {"id_token": token, "state": state})


def returned_jwt(response) -> dict:
    match = re.search(rb'name="JWT" value="([^"]+)"', response.content)
    key = ToolKey.objects.get()
    return jwt.decode(match.group(1), key.public_pem, algorithms=["RS256"], audience=ISS)


def test_it_lets_an_instructor_pick_a_case_set_and_returns_a_signed_link(lms):
    from clinic_coder.catalog.loading import load_catalog

    load_catalog()
    case_set = make_case_set(title="Neck work", cases=[make_case()])
    client = Client()
    response = deep_link_launch(lms, client)
    assert response.status_code == 302
    picker = client.get(response["Location"])
    assert picker.status_code == 200
    assert "frame-ancestors https://lms.example.edu" in picker["Content-Security-Policy"]
    assert "X-Frame-Options" not in picker
    done = client.post(response["Location"], assignment_data(case_set))
    assert done.status_code == 200
    assignment = Assignment.objects.get()
    assert assignment.cohort == LtiContext.objects.get().cohort
    assert LtiAssignment.objects.get().assignment == assignment
    message = returned_jwt(done)
    assert message["iss"] == CLIENT_ID
    assert message["https://purl.imsglobal.org/spec/lti/claim/message_type"] == (
        "LtiDeepLinkingResponse"
    )
    [item] = message[DL + "content_items"]
    assert item["type"] == "ltiResourceLink"
    assert item["custom"] == {"assignment_id": str(assignment.pk)}
    assert item["lineItem"]["scoreMaximum"] == 100
    assert item["lineItem"]["tag"] == f"clinic-coder-assignment-{assignment.pk}"
    assert message[DL + "data"].startswith("platform-data-")
    # The auto-submit script carries the page's nonce, and the form may post to the platform.
    policy = done["Content-Security-Policy"]
    nonce = re.search(r"'nonce-([^']+)'", policy).group(1)
    assert f'<script nonce="{nonce}">'.encode() in done.content
    assert f'action="{RETURN_URL}"'.encode() in done.content
    assert "form-action 'self' https://lms.example.edu" in policy
    # The deep link is used once.
    assert client.get(response["Location"]).status_code == 403


def test_it_keeps_the_picker_form_and_changes_nothing_on_bad_input(lms):
    client = Client()
    response = deep_link_launch(lms, client)
    page = client.post(response["Location"], {"case_set": "nope", "due_at": "tomorrow"})
    assert page.status_code == 200
    assert b"is-invalid" in page.content
    assert not Assignment.objects.exists()


def test_it_refuses_deep_linking_to_a_learner(lms):
    client = Client()
    response = deep_link_launch(lms, client, roles=[LEARNER], sub="learner-1")
    assert response.status_code == 403


def test_it_refuses_someone_elses_deep_link(lms):
    response = deep_link_launch(lms, Client())
    stranger = Client()
    stranger.force_login(make_user(username="other-teacher", role="instructor"))
    assert stranger.get(response["Location"]).status_code == 403


# --- Names and Role Provisioning -------------------------------------------------------------


MEMBERS = {
    "id": MEMBERSHIPS_URL,
    "context": {"id": "course-7"},
    "members": [
        {"user_id": "learner-1", "roles": [LEARNER], "status": "Active", "given_name": "Lee",
         "family_name": "Learner", "email": "learner-1@example.edu"},
        {"user_id": "learner-2", "roles": [LEARNER], "status": "Active", "name": "Kim Park",
         "email": "kim@example.edu"},
        {"user_id": "learner-3", "roles": [LEARNER], "status": "Inactive", "name": "Gone"},
        {"user_id": "teacher-1", "roles": [INSTRUCTOR], "status": "Active", "name": "T"},
        {"user_id": "learner-4", "roles": [LEARNER], "status": "Active", "name": "Dup",
         "email": "taken@example.edu"},
    ],
}  # fmt: skip


def test_it_syncs_the_lms_roster_through_the_roster_import_preview(lms):
    lms.launch(Client(), sub="teacher-1", roles=(INSTRUCTOR,))
    make_user(username="someone", email="taken@example.edu")
    cohort = LtiContext.objects.get().cohort
    teacher = LtiUser.objects.get(sub="teacher-1").user
    client = Client()
    client.force_login(teacher)
    with responses.RequestsMock() as mock:
        mock.post(TOKEN_URL, json={"access_token": "token-1"})
        mock.get(MEMBERSHIPS_URL, json=MEMBERS)
        response = client.post(reverse("lti:sync_roster", args=[cohort.pk]))
    assert response["Location"] == reverse("cohorts:preview_roster_import", args=[cohort.pk])
    assert not Enrollment.objects.exists()  # nothing before the preview is confirmed
    preview = client.get(response["Location"])
    assert b"2 new accounts to create and enrol" in preview.content
    assert b"the email is used by another account (someone)" in preview.content
    import_id = preview.context["pending"]["id"]
    client.post(reverse("cohorts:apply_roster_import", args=[cohort.pk]), {"import_id": import_id})
    enrolled = Enrollment.objects.filter(cohort=cohort).select_related("student")
    assert sorted(e.student.first_name for e in enrolled) == ["Kim", "Lee"]
    # The learner's first launch finds the account the sync made.
    lms.launch(Client(), sub="learner-2")
    assert LtiUser.objects.get(sub="learner-2").user.first_name == "Kim"
    assert Enrollment.objects.filter(cohort=cohort).count() == 2


def test_it_invites_an_existing_account_as_the_csv_import_does(lms, people):
    lms.launch(Client(), sub="learner-1")  # an account, enrolled in the LMS course's cohort
    lms.launch(Client(), sub="teacher-1", roles=(INSTRUCTOR,), context_id="course-8")
    other = LtiContext.objects.get(context_id="course-8")
    other.memberships_url = MEMBERSHIPS_URL
    other.save()
    client = Client()
    client.force_login(LtiUser.objects.get(sub="teacher-1").user)
    with responses.RequestsMock() as mock:
        mock.post(TOKEN_URL, json={"access_token": "token-1"})
        mock.get(MEMBERSHIPS_URL, json={"members": MEMBERS["members"][:1]})
        client.post(reverse("lti:sync_roster", args=[other.cohort.pk]))
    pending = client.get(reverse("cohorts:preview_roster_import", args=[other.cohort.pk]))
    import_id = pending.context["pending"]["id"]
    client.post(
        reverse("cohorts:apply_roster_import", args=[other.cohort.pk]), {"import_id": import_id}
    )
    learner = LtiUser.objects.get(sub="learner-1").user
    assert Invitation.objects.filter(cohort=other.cohort, student=learner).exists()


def test_it_says_so_when_the_lms_roster_cannot_be_read(lms):
    lms.launch(Client(), sub="teacher-1", roles=(INSTRUCTOR,))
    cohort = LtiContext.objects.get().cohort
    client = Client()
    client.force_login(LtiUser.objects.get(sub="teacher-1").user)
    with responses.RequestsMock() as mock:
        mock.post(TOKEN_URL, status=401, json={"error": "invalid_client"})
        response = client.post(reverse("lti:sync_roster", args=[cohort.pk]), follow=True)
    assert b"The LMS roster could not be read" in response.content


def test_it_keeps_other_instructors_out_of_the_lms_pages(lms, people):
    lms.launch(Client(), sub="teacher-1", roles=(INSTRUCTOR,))
    cohort = LtiContext.objects.get().cohort
    client = Client()
    client.force_login(people.ines)
    assert client.get(reverse("lti:cohort_lms", args=[cohort.pk])).status_code == 404
    assert client.post(reverse("lti:sync_roster", args=[cohort.pk])).status_code == 404
    client.force_login(people.alice)
    assert client.get(reverse("lti:cohort_lms", args=[cohort.pk])).status_code == 403


# --- The whole cycle -------------------------------------------------------------------------


def test_it_runs_the_whole_advantage_cycle(lms, django_capture_on_commit_callbacks):
    from clinic_coder.catalog.loading import load_catalog

    load_catalog()
    case = make_case()
    case_set = make_case_set(title="Neck work", cases=[case])
    # 1. The instructor adds the case set to the course by deep linking.
    teacher = Client()
    response = deep_link_launch(lms, teacher)
    done = teacher.post(response["Location"], assignment_data(case_set))
    [item] = returned_jwt(done)[DL + "content_items"]
    # 2. The platform made the link and its line item; a learner launches it.
    lineitem = LINEITEMS_URL + "/77"
    learner = Client()
    landing = lms.launch(
        learner,
        sub="learner-1",
        **{
            "https://purl.imsglobal.org/spec/lti/claim/custom": item["custom"],
            "https://purl.imsglobal.org/spec/lti-ags/claim/endpoint": {
                "scope": ["https://purl.imsglobal.org/spec/lti-ags/scope/score"],
                "lineitems": LINEITEMS_URL,
                "lineitem": lineitem,
            },
        },
    )
    assignment = Assignment.objects.get()
    assert landing["Location"] == f"/practice/sets/{case_set.slug}/?assignment={assignment.pk}"
    page = learner.get(landing["Location"])
    assert page.status_code == 200 and case.title.encode() in page.content
    # 3. The instructor syncs the roster: the learner is there already.
    teacher_user = LtiUser.objects.get(sub="teacher-1").user
    with responses.RequestsMock() as mock:
        mock.post(TOKEN_URL, json={"access_token": "token-1"})
        mock.get(MEMBERSHIPS_URL, json={"members": MEMBERS["members"][:1]})
        teacher.post(reverse("lti:sync_roster", args=[assignment.cohort.pk]))
    preview = teacher.get(reverse("cohorts:preview_roster_import", args=[assignment.cohort.pk]))
    assert b"1 already enrolled" in preview.content
    # 4. The learner submits; the score reaches the line item the link came with.
    student = LtiUser.objects.get(sub="learner-1").user
    with responses.RequestsMock() as mock:
        mock.post(TOKEN_URL, json={"access_token": "token-2"})
        scores = mock.post(lineitem + "/scores", json={})
        with django_capture_on_commit_callbacks(execute=True):
            graded(student=student, case=case, lines=RIGHT, assignment=assignment)
        assert scores.call_count == 1
        sent = json.loads(mock.calls[-1].request.body)
    assert (sent["userId"], sent["scoreGiven"]) == ("learner-1", 100)
    assert Passback.objects.get().status == "sent"
    status = teacher.get(reverse("lti:cohort_lms", args=[assignment.cohort.pk]))
    assert teacher_user.is_instructor and b"Sent" in status.content
