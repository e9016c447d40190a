"""Grade passback: every score change of an LMS learner on an LMS assignment reaches its one
line item, in a background task, retried on failure; the platform is mocked at HTTP."""

import datetime
import json
from decimal import Decimal

import pytest
import responses
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from clinic_coder.lti.models import LtiAssignment, LtiContext, LtiUser, Passback
from clinic_coder.lti.passback import MAX_TRIES, deliver, send_passback
from clinic_coder.lti.tests.platform import LINEITEMS_URL, TOKEN_URL, SimulatedPlatform
from clinic_coder.practice.workflows import give_manual_credit
from tests.factories import NOW, RIGHT, WRONG_UNITS, assigned, graded, make_user

LINEITEM = LINEITEMS_URL + "/41"
SCORES = LINEITEM + "/scores"
IMMEDIATE = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}


@pytest.fixture
def course(db, settings):
    """An LMS course with one learner who has launched, and an assignment linked to it."""
    settings.TASKS = IMMEDIATE
    lms = SimulatedPlatform()
    lms.launch(Client(), sub="learner-1")
    context = LtiContext.objects.get()
    assignment, cases = assigned(cohort=context.cohort)
    lti = LtiAssignment.objects.create(assignment=assignment, context=context)
    learner = LtiUser.objects.get(sub="learner-1").user
    context.cohort.instructors.add(make_user(username="ines", role="instructor"))
    return lti, learner, cases[0]


@pytest.fixture
def platform_http():
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        mock.post(TOKEN_URL, json={"access_token": "token-1", "token_type": "Bearer"})
        mock.get(LINEITEMS_URL, json=[])
        mock.post(LINEITEMS_URL, json={"id": LINEITEM, "tag": "x", "scoreMaximum": 100})
        mock.post(SCORES, json={})
        yield mock


def sent_scores(mock) -> list[dict]:
    return [json.loads(call.request.body) for call in mock.calls if call.request.url == SCORES]


def submit(student, case, lines, assignment, capture):
    with capture(execute=True):
        return graded(student=student, case=case, lines=lines, assignment=assignment)


def test_it_sends_the_score_of_a_submit_to_the_line_item(
    course, platform_http, django_capture_on_commit_callbacks
):
    lti, learner, case = course
    submit(learner, case, RIGHT, lti.assignment, django_capture_on_commit_callbacks)
    [score] = sent_scores(platform_http)
    assert score["userId"] == "learner-1"
    assert (score["scoreGiven"], score["scoreMaximum"]) == (100, 100)
    assert score["activityProgress"] == "Completed"
    passback = Passback.objects.get()
    assert (passback.status, passback.score_sent, passback.tries) == ("sent", 100, 1)
    lti.refresh_from_db()
    assert lti.lineitem_url == LINEITEM


def test_it_makes_one_line_item_per_assignment_and_sends_every_change(
    course, platform_http, django_capture_on_commit_callbacks
):
    lti, learner, case = course
    submit(learner, case, WRONG_UNITS, lti.assignment, django_capture_on_commit_callbacks)
    submit(learner, case, RIGHT, lti.assignment, django_capture_on_commit_callbacks)
    made = [c for c in platform_http.calls if c.request.url == LINEITEMS_URL]
    assert [c.request.method for c in made] == ["GET", "POST"]  # looked for, then made once
    assert [s["scoreGiven"] for s in sent_scores(platform_http)] == [70, 100]
    assert Passback.objects.filter(status="sent").count() == 2


def test_it_uses_the_line_item_the_platform_made_for_the_link(
    course, platform_http, django_capture_on_commit_callbacks
):
    lti, learner, case = course
    lti.lineitem_url = LINEITEM
    lti.save()
    submit(learner, case, RIGHT, lti.assignment, django_capture_on_commit_callbacks)
    assert not [c for c in platform_http.calls if c.request.url == LINEITEMS_URL]
    assert len(sent_scores(platform_http)) == 1


def test_it_finds_an_existing_line_item_by_its_tag_instead_of_making_another(
    course, django_capture_on_commit_callbacks
):
    lti, learner, case = course
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        mock.post(TOKEN_URL, json={"access_token": "token-1"})
        mock.get(LINEITEMS_URL, json=[{"id": LINEITEM, "tag": lti.tag, "scoreMaximum": 100}])
        making = mock.post(LINEITEMS_URL, json={"id": LINEITEMS_URL + "/99"})
        mock.post(SCORES, json={})
        submit(learner, case, RIGHT, lti.assignment, django_capture_on_commit_callbacks)
        assert making.call_count == 0
        assert len(sent_scores(mock)) == 1


def test_it_sends_manual_credit_too(course, platform_http, django_capture_on_commit_callbacks):
    lti, learner, case = course
    attempt = submit(learner, case, WRONG_UNITS, lti.assignment, django_capture_on_commit_callbacks)
    ines = lti.context.cohort.instructors.first()
    with django_capture_on_commit_callbacks(execute=True):
        give_manual_credit(
            attempt=attempt, mark_index=0, credit=Decimal(1), reason="fair", by=ines, now=NOW
        )
    assert [s["scoreGiven"] for s in sent_scores(platform_http)] == [70, 100]
    assert list(Passback.objects.values_list("cause", flat=True).order_by("pk")) == [
        "submit",
        "manual credit",
    ]


def test_it_sends_nothing_for_a_student_who_did_not_come_from_the_lms(
    course, platform_http, django_capture_on_commit_callbacks
):
    lti, _, case = course
    local = make_user(username="local")
    lti.context.cohort.enrol(local)
    submit(local, case, RIGHT, lti.assignment, django_capture_on_commit_callbacks)
    assert not Passback.objects.exists()
    assert not platform_http.calls


def test_it_sends_nothing_for_an_assignment_outside_the_lms(
    course, platform_http, django_capture_on_commit_callbacks
):
    lti, learner, _ = course
    other, [other_case] = assigned(
        cohort=lti.context.cohort, slugs=("other-case",), set_slug="other"
    )
    submit(learner, other_case, RIGHT, other, django_capture_on_commit_callbacks)
    assert not Passback.objects.exists()


def test_it_records_a_failure_and_sends_again_when_asked(
    course, django_capture_on_commit_callbacks
):
    lti, learner, case = course
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        mock.post(TOKEN_URL, json={"access_token": "token-1"})
        mock.get(LINEITEMS_URL, json=[])
        mock.post(LINEITEMS_URL, json={"id": LINEITEM})
        mock.post(SCORES, status=503, body="down for maintenance")
        submit(learner, case, RIGHT, lti.assignment, django_capture_on_commit_callbacks)
    passback = Passback.objects.get()
    assert passback.status == "retrying" and passback.tries == 1
    assert "503" in passback.error
    # The instructor sees it and sends it again once the LMS is back.
    client = Client()
    client.force_login(lti.context.cohort.instructors.first())
    page = client.get(reverse("lti:cohort_lms", args=[lti.context.cohort.pk]))
    assert b"Failed, will retry" in page.content
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        mock.post(TOKEN_URL, json={"access_token": "token-1"})
        mock.post(SCORES, json={})
        url = reverse("lti:send_again", args=[lti.context.cohort.pk, passback.pk])
        assert client.post(url).status_code == 302
    passback.refresh_from_db()
    assert (passback.status, passback.score_sent) == ("sent", 100)
    page = client.get(reverse("lti:cohort_lms", args=[lti.context.cohort.pk]))
    assert b"Sent" in page.content and b">100<" in page.content


def test_it_gives_up_after_the_last_try(course, django_capture_on_commit_callbacks):
    lti, learner, case = course
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        mock.post(TOKEN_URL, status=500)
        submit(learner, case, RIGHT, lti.assignment, django_capture_on_commit_callbacks)
        Passback.objects.update(tries=MAX_TRIES - 1, status="retrying")
        deliver(Passback.objects.get().pk)
    assert Passback.objects.get().status == "failed"


def test_it_never_sends_a_change_twice(course, platform_http, django_capture_on_commit_callbacks):
    lti, learner, case = course
    submit(learner, case, RIGHT, lti.assignment, django_capture_on_commit_callbacks)
    assert deliver(Passback.objects.get().pk) == "not pending"
    assert len(sent_scores(platform_http)) == 1


def test_it_queues_in_the_database_and_never_calls_the_lms_during_a_submit(
    course, settings, django_capture_on_commit_callbacks, monkeypatch
):
    from django_tasks_db.models import DBTaskResult

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    lti, learner, case = course
    with responses.RequestsMock() as mock:  # any HTTP call would fail the test
        submit(learner, case, RIGHT, lti.assignment, django_capture_on_commit_callbacks)
        assert not mock.calls
    task = DBTaskResult.objects.get()
    passback = Passback.objects.get()
    assert task.task_path == send_passback.module_path
    assert task.args_kwargs == {"args": [passback.pk], "kwargs": {}}
    assert passback.status == "pending"
    # The worker that scripts/run starts beside the web server sends it.
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        mock.post(TOKEN_URL, json={"access_token": "token-1"})
        mock.get(LINEITEMS_URL, json=[])
        mock.post(LINEITEMS_URL, json={"id": LINEITEM})
        mock.post(SCORES, json={})
        # (The worker drops aged connections between tasks; here that is the test's own.)
        monkeypatch.setattr(
            "django_tasks_db.management.commands.db_worker.close_old_connections", lambda: None
        )
        call_command("db_worker", batch=True, startup_delay=False, verbosity=0)
        assert len(sent_scores(mock)) == 1
    passback.refresh_from_db()
    assert passback.status == "sent"


def test_it_holds_deferred_feedback_scores_until_the_due_date(
    db, settings, django_capture_on_commit_callbacks
):
    from django_tasks_db.models import DBTaskResult

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    lms = SimulatedPlatform()
    lms.launch(Client(), sub="learner-1")
    context = LtiContext.objects.get()
    due = NOW + datetime.timedelta(days=3)
    assignment, [case] = assigned(
        cohort=context.cohort, feedback="after_due", opens_at=NOW - datetime.timedelta(days=1),
        due_at=due,
    )  # fmt: skip
    LtiAssignment.objects.create(assignment=assignment, context=context)
    learner = LtiUser.objects.get().user
    import time_machine

    with time_machine.travel(NOW, tick=False):
        submit(learner, case, RIGHT, assignment, django_capture_on_commit_callbacks)
    assert DBTaskResult.objects.get().run_after == due


def test_it_sends_again_a_change_whose_worker_died_mid_send(
    course, platform_http, django_capture_on_commit_callbacks
):
    from django.utils import timezone

    lti, learner, case = course
    submit(learner, case, RIGHT, lti.assignment, django_capture_on_commit_callbacks)
    passback = Passback.objects.get()
    # A send claimed a moment ago may still be under way: nobody else sends it.
    Passback.objects.update(status="sending", claimed_at=timezone.now())
    assert deliver(passback.pk) == "not pending"
    # Claimed long ago: its worker is gone; the instructor's send again goes through.
    Passback.objects.update(claimed_at=timezone.now() - datetime.timedelta(hours=1))
    client = Client()
    client.force_login(lti.context.cohort.instructors.first())
    page = client.get(reverse("lti:cohort_lms", args=[lti.context.cohort.pk]))
    assert b"Send again" in page.content
    client.post(reverse("lti:send_again", args=[lti.context.cohort.pk, passback.pk]))
    passback.refresh_from_db()
    assert passback.status == "sent"
    assert len(sent_scores(platform_http)) == 2
