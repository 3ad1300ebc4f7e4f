"""API security: who may write, tokens, and throttles that forged headers cannot dodge.

tests/test_api.py and tests/test_api_articles.py test each endpoint's rules;
these walk every API route so that an endpoint added later is covered too.
"""

import pytest
from django.conf import settings
from django.core.cache import cache
from django.test import override_settings
from django.urls import resolve, reverse
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient
from rest_framework.throttling import AnonRateThrottle, UserRateThrottle

from tests.factories import make_actor, make_agreement, make_event, make_place, make_user
from tests.test_public_routes import Route, concrete_paths, iter_routes, route_id
from tracker.models import Article
from tracker.security import client_ip

pytestmark = pytest.mark.django_db

API_ROUTES = [route for route in iter_routes() if route.name.startswith("api-") and "format" not in route.params]
WRITES = ("post", "put", "patch", "delete")
# Every (route, method) that changes data. A new one fails the inventory test
# below on purpose: give it a permission test here, then add it.
KNOWN_WRITES = {("api-article-list", "post")}
ARTICLE = {"title": "A story", "body": "Turkey and Russia met in Sochi on Monday.", "published": "2019-02-13"}


@pytest.fixture(autouse=True)
def _fresh(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    cache.clear()
    yield
    cache.clear()


def values(route: Route, param: str) -> list[str]:
    if param == "slug":
        return ["sample"]
    return ["1"]


def writable_methods(route: Route) -> set[str]:
    """Return the write methods the view behind `route` implements."""
    path = concrete_paths(route, values)[0]
    callback = resolve(path).func
    actions = getattr(callback, "actions", None)
    if actions is not None:
        return {method for method in actions if method in WRITES}
    view_class = getattr(callback, "cls", getattr(callback, "view_class", None))
    return {method for method in WRITES if view_class is not None and hasattr(view_class, method)}


def token_client(user):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=user).key}")
    return client


def test_it_knows_every_endpoint_that_writes():
    found = {(route.name, method) for route in API_ROUTES for method in writable_methods(route)}
    assert found == KNOWN_WRITES, "a write endpoint was added or removed: review its permissions and tests"


@pytest.mark.parametrize("route", API_ROUTES, ids=route_id)
def test_it_refuses_every_write_from_anonymous_clients_and_plain_accounts(route):
    make_actor("Sample", slug="sample")
    make_place("Sample place", slug="sample-place")
    make_agreement("Sample agreement", slug="sample-agreement")
    make_event()
    plain = token_client(make_user())
    articles = Article.objects.count()
    for path in concrete_paths(route, values):
        for method in WRITES:
            anonymous = getattr(APIClient(), method)(path, ARTICLE, format="json")
            assert anonymous.status_code in {401, 403, 405}, (path, method, anonymous.status_code)
            signed_in = getattr(plain, method)(path, ARTICLE, format="json")
            assert signed_in.status_code in {403, 405}, (path, method, signed_in.status_code)
    assert Article.objects.count() == articles


@pytest.mark.parametrize("group, allowed", [("Editor", True), ("Reviewer", True), (None, False)])
def test_it_lets_only_editors_and_reviewers_submit_articles(group, allowed):
    user = make_user(group) if group else make_user()
    response = token_client(user).post(reverse("api-article-list"), ARTICLE, format="json")
    assert (response.status_code in {200, 201, 202}) is allowed, response.content
    assert Article.objects.exists() is allowed


def test_it_refuses_the_token_of_a_deactivated_account():
    editor = make_user("Editor")
    client = token_client(editor)
    editor.is_active = False
    editor.save()
    assert client.post(reverse("api-article-list"), ARTICLE, format="json").status_code == 401
    assert not Article.objects.exists()


def test_it_takes_tokens_only_from_the_authorization_header():
    # Tokens in URLs end up in logs and Referer headers.
    key = Token.objects.create(user=make_user("Editor")).key
    for params in ({"token": key}, {"auth_token": key}, {"access_token": key}):
        path = reverse("api-article-list") + "?" + "&".join(f"{k}={v}" for k, v in params.items())
        assert APIClient().post(path, ARTICLE, format="json").status_code == 401
    assert not Article.objects.exists()


def test_it_refuses_a_bearer_or_basic_header_in_place_of_a_token():
    editor = make_user("Editor", username="amal")
    key = Token.objects.create(user=editor).key
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {key}")
    assert client.post(reverse("api-article-list"), ARTICLE, format="json").status_code == 401
    client.credentials(HTTP_AUTHORIZATION="Basic YW1hbDpwdy1mb3ItdGVzdHMtMTIz")  # amal:pw-for-tests-123
    assert client.post(reverse("api-article-list"), ARTICLE, format="json").status_code == 401


# --- Throttling --------------------------------------------------------------------


@pytest.fixture
def tiny_rates(monkeypatch):
    """Throttle anonymous clients at 3 and users at 5 requests a minute."""
    # DRF copies the rates onto the classes at import, so patch the classes.
    monkeypatch.setattr(AnonRateThrottle, "THROTTLE_RATES", {**AnonRateThrottle.THROTTLE_RATES, "anon": "3/minute"})
    monkeypatch.setattr(UserRateThrottle, "THROTTLE_RATES", {**UserRateThrottle.THROTTLE_RATES, "user": "5/minute"})


READ_ROUTES = [
    route
    for route in API_ROUTES
    if not route.params and route.name not in {"api-article-list"} and not route.name.startswith("api-docs")
]


@pytest.mark.parametrize("route", READ_ROUTES, ids=route_id)
def test_it_throttles_anonymous_clients_on_every_endpoint(tiny_rates, route):
    path = reverse(route.name)
    codes = [APIClient().get(path).status_code for _ in range(4)]
    assert codes[:3] != [429] * 3 and codes[3] == 429, (path, codes)


def test_it_throttles_signed_in_clients_too(tiny_rates):
    client = token_client(make_user())
    codes = [client.get(reverse("api-actor-list")).status_code for _ in range(6)]
    assert codes == [200] * 5 + [429]


def test_it_says_when_to_come_back(tiny_rates):
    for _ in range(3):
        APIClient().get(reverse("api-actor-list"))
    response = APIClient().get(reverse("api-actor-list"))
    assert response.status_code == 429
    assert 0 < int(response["Retry-After"]) <= 60


def test_it_cannot_be_dodged_with_a_forged_forwarded_for_header(tiny_rates):
    codes = [
        APIClient().get(reverse("api-actor-list"), HTTP_X_FORWARDED_FOR=f"203.0.113.{n}").status_code for n in range(5)
    ]
    assert codes[3:] == [429, 429], codes


def behind_one_proxy():
    return override_settings(TRUSTED_PROXIES=1, REST_FRAMEWORK={**settings.REST_FRAMEWORK, "NUM_PROXIES": 1})


def test_it_counts_clients_behind_our_proxy_by_the_address_the_proxy_saw(tiny_rates):
    with behind_one_proxy():
        # The proxy (REMOTE_ADDR 10.0.0.1) appends the real client; the client forges the rest.
        forged = [
            APIClient()
            .get(reverse("api-actor-list"), REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR=f"1.2.3.{n}, 198.51.100.7")
            .status_code
            for n in range(4)
        ]
        other = (
            APIClient()
            .get(reverse("api-actor-list"), REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="198.51.100.8")
            .status_code
        )
    assert forged[3] == 429, forged
    assert other == 200


class FakeRequest:
    def __init__(self, remote, forwarded=None):
        self.META = {"REMOTE_ADDR": remote}
        if forwarded is not None:
            self.META["HTTP_X_FORWARDED_FOR"] = forwarded


@pytest.mark.parametrize(
    "proxies, remote, forwarded, expected",
    [
        (0, "198.51.100.7", None, "198.51.100.7"),
        (0, "198.51.100.7", "1.2.3.4", "198.51.100.7"),
        (1, "10.0.0.1", "1.2.3.4, 198.51.100.7", "198.51.100.7"),
        (1, "10.0.0.1", "198.51.100.7", "198.51.100.7"),
        (2, "10.0.0.1", "1.2.3.4, 198.51.100.7, 10.0.0.2", "198.51.100.7"),
        (2, "10.0.0.1", "198.51.100.7", "198.51.100.7"),
        (1, "10.0.0.1", " , ", "10.0.0.1"),
        (1, "10.0.0.1", None, "10.0.0.1"),
    ],
)
def test_it_takes_the_client_address_the_way_the_api_throttle_does(proxies, remote, forwarded, expected):
    from rest_framework.throttling import BaseThrottle
    from rest_framework.views import APIView

    with override_settings(TRUSTED_PROXIES=proxies, REST_FRAMEWORK={**settings.REST_FRAMEWORK, "NUM_PROXIES": proxies}):
        request = FakeRequest(remote, forwarded)
        assert client_ip(request) == expected
        if forwarded is None or forwarded.strip(" ,"):
            assert BaseThrottle().get_ident(APIView().initialize_request(rf_request(remote, forwarded))) == expected


def rf_request(remote, forwarded):
    from django.test import RequestFactory

    extra = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    return RequestFactory().get("/api/actors/", **extra)
