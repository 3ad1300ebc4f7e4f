"""CSRF protection on every form and every session-authenticated write."""

import re

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from tests.factories import make_user
from tests.test_public_routes import concrete_paths, iter_routes, route_id, sample_values

pytestmark = pytest.mark.django_db

ALL_ROUTES = list(iter_routes())


@pytest.fixture(autouse=True)
def _fast_and_fresh(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    cache.clear()
    yield
    cache.clear()


def csrf_client(user=None):
    client = Client(enforce_csrf_checks=True, raise_request_exception=False)
    if user is not None:
        client.force_login(user)
    return client


def csrf_token(client, path):
    page = client.get(path)
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)


def test_it_refuses_a_login_without_a_token():
    make_user("Editor", username="amal")
    client = csrf_client()
    response = client.post(reverse("admin:login"), {"username": "amal", "password": "pw-for-tests-123"})
    assert response.status_code == 403
    assert "_auth_user_id" not in client.session


def test_it_accepts_the_same_login_with_the_token():
    # So the 403 above is the CSRF check, not a wrong password.
    make_user("Editor", username="amal")
    client = csrf_client()
    token = csrf_token(client, reverse("admin:login"))
    response = client.post(
        reverse("admin:login"), {"username": "amal", "password": "pw-for-tests-123", "csrfmiddlewaretoken": token}
    )
    assert response.status_code == 302


@pytest.mark.parametrize("route", ALL_ROUTES, ids=route_id)
def test_it_refuses_a_post_without_a_token_on_every_route(route):
    """POST without a token as a signed-in superuser: the request must never reach the view."""
    client = csrf_client(make_user(superuser=True))
    paths = concrete_paths(route, sample_values)
    assert paths, route
    for path in paths:
        response = client.post(path, {"name": "x", "title": "x", "body": "x", "_selected_action": ["1"]})
        assert response.status_code == 403, (path, response.status_code)


def test_it_refuses_an_admin_action_without_a_token():
    from tests.factories import make_event
    from tracker.models import Event

    event = make_event(status=Event.Status.CANDIDATE)
    client = csrf_client(make_user(superuser=True))
    response = client.post(
        reverse("admin:tracker_event_changelist"),
        {"action": "delete_selected", "_selected_action": [event.pk], "post": "yes"},
    )
    assert response.status_code == 403
    assert Event.objects.filter(pk=event.pk).exists()


def test_it_refuses_a_session_api_write_without_a_token_but_accepts_an_api_token():
    from rest_framework.authtoken.models import Token

    editor = make_user("Editor")
    article = {"title": "A story", "body": "Turkey and Russia met in Sochi on Monday.", "published": "2019-02-13"}
    client = csrf_client(editor)
    assert client.post(reverse("api-article-list"), article, content_type="application/json").status_code == 403

    # A token is not sent by browsers on their own, so it needs no CSRF token.
    token = Token.objects.create(user=editor)
    response = Client(enforce_csrf_checks=True).post(
        reverse("api-article-list"), article, content_type="application/json", HTTP_AUTHORIZATION=f"Token {token.key}"
    )
    assert response.status_code in {200, 201, 202}, response.content


def test_it_puts_a_token_in_every_admin_form():
    client = csrf_client(make_user(superuser=True))
    names = ["admin:tracker_event_add", "admin:tracker_actor_add", "admin:tracker_article_ingest", "admin:login"]
    for name in names:
        page = client.get(reverse(name), follow=True)
        forms = re.findall(r"<form[^>]*method=\"post\"[^>]*>(.*?)</form>", page.text, re.S | re.I)
        assert forms, name
        assert all("csrfmiddlewaretoken" in form for form in forms), name
