"""Shared fixtures, and the rule for tests that need a service.

A test that needs Redis, PostgreSQL or a browser is marked so. Without the
service it is skipped with the reason; with CI=true it fails instead, so CI
cannot go green by skipping.
"""

import os
import shutil
import socket
from importlib import import_module
from pathlib import Path
from urllib.parse import urlparse

import pytest

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
OUTPUT = Path(os.environ.get("TEST_OUTPUT_DIR", ROOT / "test-output"))
IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}


def service_missing(reason):
    """Skip with `reason`, or fail when CI=true."""
    if IN_CI:
        pytest.fail(f"CI=true and a required service is missing: {reason}", pytrace=False)
    pytest.skip(reason)


def shared_path(relative):
    """Return a file of ../shared/, or skip (fail when CI=true) where it is absent.

    shared/ sits beside the checkout on the project's machines; a clone
    elsewhere has no copy, and its tests that read it are skipped.
    """
    path = SHARED / relative
    if not path.exists():
        reason = f"{path} is absent: these tests read the project's shared corpus"
        if IN_CI:
            pytest.fail(f"CI=true and {reason}", pytrace=False)
        pytest.skip(reason, allow_module_level=True)
    return path


def redis_url():
    return os.environ.get("TEST_REDIS_URL", "")


def redis_reachable(url):
    parsed = urlparse(url)
    try:
        with socket.create_connection((parsed.hostname or "127.0.0.1", parsed.port or 6379), timeout=1) as sock:
            sock.sendall(b"PING\r\n")
            return sock.recv(16).startswith(b"+PONG")
    except OSError:
        return False


def pytest_runtest_setup(item):
    if item.get_closest_marker("redis"):
        url = redis_url()
        if not url:
            service_missing("Redis: set TEST_REDIS_URL (e.g. redis://127.0.0.1:6379/15) to run this test")
        elif not redis_reachable(url):
            service_missing(f"Redis is not answering at {url}")
    if item.get_closest_marker("postgres"):
        from django.db import connection

        if connection.vendor != "postgresql":
            service_missing("PostgreSQL: set DATABASE_URL=postgres://... to run this test")
    if item.get_closest_marker("browser"):
        if not (shutil.which("chromium") and shutil.which("chromedriver")):
            service_missing("browser: apt-get install chromium chromium-driver to run this test")


def pytest_sessionstart(session):
    if IN_CI and "postgres" not in os.environ.get("DATABASE_URL", ""):
        raise pytest.UsageError("CI=true: set DATABASE_URL to the PostgreSQL server; CI tests run on PostgreSQL.")


@pytest.fixture(autouse=True)
def _fresh_caches():
    """Start every test with an empty cache.

    The gazetteer's version and the chart data live in the cache, and a
    test's rolled-back rows must not survive in them into the next test.
    """
    from django.core.cache import cache

    from tracker import parse

    cache.clear()
    # A test that took the queue down must not leave later tests skipping it.
    parse._queue_down_until = 0.0
    yield


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    # Hashing with the production hasher costs ~0.3 s a user; tests make many.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _groups_after_flush(request):
    """Recreate the Editor and Reviewer groups for transactional tests.

    They come from a data migration, and a transactional test's flush
    removes them for the tests that follow.
    """
    marker = request.node.get_closest_marker("django_db")
    if marker and marker.kwargs.get("transaction"):
        request.getfixturevalue("transactional_db")
        from django.apps import apps

        groups_migration = import_module("tracker.migrations.0002_editor_reviewer_groups")
        groups_migration.create_groups(apps, None)
    yield


@pytest.fixture
def browser():
    """Return headless Debian Chromium under selenium, its console log kept; never a downloaded browser."""
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = "/usr/bin/chromium"
    for flag in ("--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"):
        options.add_argument(flag)
    options.add_argument("--window-size=1400,1000")
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(service=Service(executable_path="/usr/bin/chromedriver"), options=options)
    driver.set_page_load_timeout(30)
    yield driver
    driver.quit()


@pytest.fixture
def output_dir():
    """Return the folder where tests leave screenshots and reports."""
    OUTPUT.mkdir(parents=True, exist_ok=True)
    return OUTPUT
