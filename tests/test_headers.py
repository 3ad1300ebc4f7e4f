"""Security headers and cookies as production (DEBUG=0) sends them.

The production values are read from the settings module in a subprocess
with production variables, then applied to live responses here, so the test
follows whatever settings.py computes rather than a copy of it.
"""

import json
import os
import subprocess
import sys

import pytest
from django.test import Client, override_settings
from django.urls import reverse

from tests.conftest import ROOT
from tests.factories import make_user

PRODUCTION_ENV = {
    "DEBUG": "0",
    "SECRET_KEY": "a-long-random-production-secret-value-for-the-header-tests-1234567890",
    "ALLOWED_HOSTS": "tracker.example.org",
}
# What the settings module decides for production, read back as JSON.
SECURITY_SETTINGS = [
    "DEBUG",
    "SECURE_SSL_REDIRECT",
    "SECURE_PROXY_SSL_HEADER",
    "SECURE_HSTS_SECONDS",
    "SECURE_HSTS_INCLUDE_SUBDOMAINS",
    "SECURE_HSTS_PRELOAD",
    "SECURE_CONTENT_TYPE_NOSNIFF",
    "SECURE_REFERRER_POLICY",
    "SECURE_CROSS_ORIGIN_OPENER_POLICY",
    "SESSION_COOKIE_SECURE",
    "SESSION_COOKIE_HTTPONLY",
    "SESSION_COOKIE_SAMESITE",
    "CSRF_COOKIE_SECURE",
    "CSRF_COOKIE_SAMESITE",
    "X_FRAME_OPTIONS",
    "CONTENT_SECURITY_POLICY",
    "CONTENT_SECURITY_POLICY_REPORT_ONLY",
]
# Sources a policy may name: nothing outside the site itself.
ALLOWED_SOURCES = {"'self'", "'none'", "data:", "blob:"}


@pytest.fixture(scope="module")
def production_settings():
    """Return the security settings that settings.py computes with DEBUG=0."""
    code = (
        "import json, os, django; os.environ['DJANGO_SETTINGS_MODULE'] = 'tracker.settings'; django.setup()\n"
        "from django.conf import settings\n"
        f"names = {SECURITY_SETTINGS!r}\n"
        "print('SETTINGS=' + json.dumps({n: getattr(settings, n, None) for n in names}))\n"
    )
    env = {k: v for k, v in os.environ.items() if k not in {"REDIS_URL", "DATABASE_URL"}}
    env.update(PRODUCTION_ENV)
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60, check=False
    )
    assert result.returncode == 0, result.stderr
    line = next(line for line in result.stdout.splitlines() if line.startswith("SETTINGS="))
    values = json.loads(line.removeprefix("SETTINGS="))
    assert values.pop("DEBUG") is False
    if values["SECURE_PROXY_SSL_HEADER"]:
        values["SECURE_PROXY_SSL_HEADER"] = tuple(values["SECURE_PROXY_SSL_HEADER"])
    return values


@pytest.fixture
def production(production_settings):
    """Apply the production security settings to this test's requests."""
    with override_settings(**production_settings):
        yield production_settings


def parse_csp(header):
    policy = {}
    for part in header.split(";"):
        words = part.split()
        if words:
            policy[words[0]] = words[1:]
    return policy


def https_get(client, path, **extra):
    return client.get(path, secure=True, **extra)


PAGES = ["overview", "timeline", "admin:login", "api-event-list", "api-docs", "api-export-events-csv"]


@pytest.mark.django_db
@pytest.mark.parametrize("name", PAGES)
def test_it_sends_the_security_headers_over_https(production, name):
    response = https_get(Client(), reverse(name))
    assert response.status_code == 200
    hsts = response["Strict-Transport-Security"]
    max_age = int(hsts.split("max-age=")[1].split(";")[0])
    assert max_age >= 60 * 60 * 24 * 365
    assert "includeSubDomains" in hsts
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] in {"same-origin", "no-referrer", "strict-origin-when-cross-origin"}
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"


@pytest.mark.django_db
@pytest.mark.parametrize("name", PAGES)
def test_it_denies_powerful_browser_features(production, name):
    response = https_get(Client(), reverse(name))
    policy = dict(part.strip().split("=", 1) for part in response["Permissions-Policy"].split(","))
    for feature in ["camera", "microphone", "geolocation", "payment", "usb", "browsing-topics"]:
        assert policy[feature] == "()", feature


@pytest.mark.django_db
@pytest.mark.parametrize("name", PAGES)
def test_it_sends_a_content_security_policy_with_nothing_external(production, name):
    response = https_get(Client(), reverse(name))
    policy = parse_csp(response["Content-Security-Policy"])

    assert policy["default-src"] == ["'self'"]
    assert policy["frame-ancestors"] == ["'none'"]
    assert policy["object-src"] == ["'none'"]
    assert "base-uri" in policy and "form-action" in policy
    script_src = policy.get("script-src", policy["default-src"])
    assert "'unsafe-inline'" not in script_src
    assert "'unsafe-eval'" not in script_src
    assert not any(source.startswith(("'nonce-", "'sha")) for source in script_src)
    for directive, sources in policy.items():
        extra = set(sources) - ALLOWED_SOURCES
        # Inline style attributes are allowed for styles only (the admin and plotly set them).
        if directive == "style-src":
            extra -= {"'unsafe-inline'"}
        assert not extra, f"{directive} allows {extra}"


@pytest.mark.django_db
def test_it_sends_the_policy_on_error_pages_too(production):
    response = https_get(Client(), "/no-such-page-at-all/")
    assert response.status_code == 404
    assert parse_csp(response["Content-Security-Policy"])["script-src"] == ["'self'"]
    assert response["X-Frame-Options"] == "DENY"


@pytest.mark.django_db
def test_it_redirects_plain_http_to_https(production):
    response = Client().get(reverse("overview"))
    assert response.status_code == 301
    assert response["Location"].startswith("https://")


@pytest.mark.django_db
def test_it_trusts_the_proxy_header_for_https(production):
    response = Client().get(reverse("overview"), headers={"X-Forwarded-Proto": "https"})
    assert response.status_code == 200


@pytest.mark.django_db
def test_it_marks_the_csrf_cookie_secure(production):
    response = https_get(Client(), reverse("admin:login"))
    cookie = response.cookies["csrftoken"]
    assert cookie["secure"] is True
    assert cookie["samesite"] in {"Lax", "Strict"}


@pytest.mark.django_db
def test_it_marks_the_session_cookie_secure_and_http_only(production, settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    make_user("Editor", username="amal")
    response = Client().post(
        reverse("admin:login"),
        {"username": "amal", "password": "pw-for-tests-123", "next": reverse("admin:index")},
        secure=True,
    )
    assert response.status_code == 302
    cookie = response.cookies["sessionid"]
    assert cookie["secure"] is True
    assert cookie["httponly"] is True
    assert cookie["samesite"] in {"Lax", "Strict"}


def test_it_keeps_cookies_secure_only_in_production(production_settings):
    # The development settings (DEBUG on, plain http) leave them off, which
    # is why these tests read the production values.
    assert production_settings["SESSION_COOKIE_SECURE"] is True
    assert production_settings["CSRF_COOKIE_SECURE"] is True
    assert production_settings["SECURE_SSL_REDIRECT"] is True
