"""The OpenAPI schema: valid, warning-free, honoured by the API, and its docs page works under our CSP."""

import datetime as dt
import re

import pytest
import schemathesis
from django.core import signals
from django.core.cache import cache
from django.core.management import call_command
from django.db import close_old_connections
from django.urls import reverse
from hypothesis import HealthCheck, settings
from rest_framework.authtoken.models import Token
from rest_framework.views import APIView
from schemathesis.checks import not_a_server_error

from tests.factories import make_actor, make_agreement, make_article, make_event, make_place, make_user
from tracker.models import AgreementParty, Event
from tracker.wsgi import application

# Bounded so the whole fuzzing run (19 operations) stays under a minute on two busy cores.
FUZZ = settings(
    max_examples=40,
    deadline=dt.timedelta(seconds=3),
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture, HealthCheck.filter_too_much],
    database=None,
)


def test_it_generates_a_valid_schema_without_warnings(tmp_path):
    out = tmp_path / "schema.yml"
    # Fails with SchemaGenerationError on any warning.
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(out))
    text = out.read_text()
    for path in [
        "/api/events/",
        "/api/events/sync/",
        "/api/exports/events.csv",
        "/api/articles/",
        "/api/stats/actor-pairs/",
    ]:
        assert f"  {path}:" in text


@pytest.mark.django_db
def test_it_serves_the_schema_and_a_docs_page_that_needs_no_inline_script(client):
    schema = client.get(reverse("api-schema"), HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert schema.status_code == 200
    assert schema.json()["info"]["title"] == "Syria Conflict Tracker API"

    page = client.get(reverse("api-docs"))
    assert page.status_code == 200
    csp = page["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp.split("script-src")[1].split(";")[0]
    html = page.content.decode()
    scripts = re.findall(r"<script([^>]*)>(.*?)</script>", html, flags=re.S)
    assert scripts, "the page loads Swagger UI"
    assert all(body.strip() == "" for _, body in scripts), "no inline script: the CSP would block it"
    sources = [re.search(r'src="([^"]+)"', attrs).group(1) for attrs, _ in scripts]
    assert all(src.startswith("/") for src in sources), "everything is served from here, nothing from a CDN"
    init = next(src for src in sources if "script=" in src)
    script = client.get(init.replace("&amp;", "&"))
    assert script.status_code == 200
    assert "SwaggerUIBundle" in script.content.decode()
    assert "/api/schema/" in script.content.decode()


# --- Fuzzing with schemathesis ---------------------------------------------------------


def seed():
    turkey, russia = make_actor("Turkey", aliases=["Ankara"]), make_actor("Russia")
    idlib = make_place("Idlib", latitude=35.9, longitude=36.6)
    sochi = make_agreement("Sochi memorandum", date=dt.date(2018, 9, 17))
    AgreementParty.objects.create(agreement=sochi, actor=turkey, role="signatory")
    article = make_article(url="https://example.org/seed")
    make_event("2018-09", actors=[turkey, russia], places=[idlib], agreements=[sochi], article=article)
    make_event("2018", title="=formula", kind="attack")
    make_event("2019-02-13", status=Event.Status.CANDIDATE, actors=[russia], article=article)
    return article


@pytest.fixture
def test_connection_kept():
    """Keep the test's database connection across requests, as Django's test client does.

    The WSGI application closes connections that are not in autocommit when a
    request starts or ends, and the test transaction is one (PostgreSQL).
    """
    for signal in (signals.request_started, signals.request_finished):
        signal.disconnect(close_old_connections)
    yield
    for signal in (signals.request_started, signals.request_finished):
        signal.connect(close_old_connections)


@pytest.fixture
def fuzz_data(db, monkeypatch, test_connection_kept):
    # Fuzzing sends hundreds of requests a minute; throttling would only answer 429.
    monkeypatch.setattr(APIView, "get_throttles", lambda self: [])
    cache.clear()
    seed()


@pytest.fixture
def editor_headers(fuzz_data):
    token = Token.objects.create(user=make_user("Editor", password=None))
    return {"Authorization": f"Token {token.key}"}


# Loaded once, in-process, through the WSGI application: no server, no network.
# (schemathesis' lazy `from_fixture` loader does not run under pytest 9.)
schema = schemathesis.openapi.from_wsgi("/api/schema/", application)


@pytest.mark.slow
@schema.include(method="GET").parametrize()
@FUZZ
def test_it_never_answers_a_server_error_to_a_reader(case, fuzz_data):
    case.call_and_validate(checks=[not_a_server_error])


@pytest.mark.slow
@schema.include(path_regex=r"^/api/(articles|events)/").parametrize()
@settings(FUZZ, max_examples=25)
def test_it_never_answers_a_server_error_to_an_editor(case, editor_headers):
    case.call_and_validate(headers=editor_headers, checks=[not_a_server_error])
