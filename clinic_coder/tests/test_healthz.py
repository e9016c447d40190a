from unittest import mock

from django.db import OperationalError, connection


def test_it_answers_anonymous_users_ok(client, db):
    response = client.get("/healthz")

    assert response.status_code == 200
    assert response.content == b"ok"
    assert response["Content-Type"].startswith("text/plain")
    assert response["Cache-Control"] == "no-store"


def test_it_answers_head_requests(client, db):
    assert client.head("/healthz").status_code == 200


def test_it_sets_no_cookie_and_leaves_the_session_alone(client, db):
    response = client.get("/healthz?db=1")

    assert not response.cookies
    assert "Cookie" not in response.get("Vary", "")


def test_it_runs_no_query_without_db(client, db, django_assert_num_queries):
    with django_assert_num_queries(0):
        assert client.get("/healthz").status_code == 200


def test_it_runs_one_query_with_db(client, db, django_assert_num_queries):
    with django_assert_num_queries(1):
        response = client.get("/healthz?db=1")

    assert response.status_code == 200
    assert response.content == b"ok"


def test_it_answers_503_when_the_database_is_down(client, db):
    down = OperationalError("could not connect to server")
    with mock.patch.object(connection, "cursor", side_effect=down):
        response = client.get("/healthz?db=1")

    assert response.status_code == 503
    assert response.content == b"database unavailable"
    assert response["Cache-Control"] == "no-store"


def test_it_refuses_post(client, db):
    assert client.post("/healthz").status_code == 405


def test_it_answers_over_plain_http_when_the_site_redirects_to_https(client, db, settings):
    settings.SECURE_SSL_REDIRECT = True

    assert client.get("/healthz").status_code == 200
    assert client.get("/accounts/login/").status_code == 301
