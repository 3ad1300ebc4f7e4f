"""Brute-force protection on the editors' login (django-axes)."""

import datetime as dt

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import timezone

from tests.factories import make_user

PASSWORD = "pw-for-tests-123"
LIMIT = settings.AXES_FAILURE_LIMIT

# A fast hasher: these tests log in dozens of times.
pytestmark = [
    pytest.mark.django_db,
    pytest.mark.usefixtures("fast_hasher"),
]


@pytest.fixture
def fast_hasher(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def login(client, username, password, ip="198.51.100.7"):
    return client.post(
        reverse("admin:login"),
        {"username": username, "password": password, "next": reverse("admin:index")},
        REMOTE_ADDR=ip,
    )


def logged_in(response):
    return response.status_code == 302 and response["Location"] == reverse("admin:index")


def lock_out(client, username, ip="198.51.100.7"):
    responses = [login(client, username, "wrong-password", ip) for _ in range(LIMIT)]
    return responses[-1]


def test_it_has_a_limit_and_a_cool_off_configured():
    assert 3 <= LIMIT <= 10
    assert dt.timedelta(minutes=1) <= settings.AXES_COOLOFF_TIME <= dt.timedelta(hours=24)
    assert settings.AXES_RESET_ON_SUCCESS
    assert settings.AXES_ENABLED


def test_it_lets_a_wrong_password_through_to_the_form_below_the_limit():
    make_user("Editor", username="amal")
    client = Client()
    for _ in range(LIMIT - 1):
        response = login(client, "amal", "wrong-password")
        assert response.status_code == 200
        assert "Please enter the correct username and password" in response.text
    assert logged_in(login(client, "amal", PASSWORD))


def test_it_locks_the_account_out_after_too_many_wrong_passwords():
    make_user("Editor", username="amal")
    client = Client()
    response = lock_out(client, "amal")
    assert response.status_code == 429
    assert "locked" in response.text.lower()

    refused = login(client, "amal", PASSWORD)
    assert refused.status_code == 429
    assert "_auth_user_id" not in client.session


def test_it_does_not_lock_out_another_editor_on_the_same_address():
    make_user("Editor", username="amal")
    make_user("Editor", username="bashir")
    client = Client()
    lock_out(client, "amal")
    assert logged_in(login(Client(), "bashir", PASSWORD))


def test_it_does_not_lock_the_same_editor_out_from_another_address():
    # Lockouts key on username and address together, so an attacker cannot
    # lock a known editor out of the site from somewhere else.
    make_user("Editor", username="amal")
    lock_out(Client(), "amal", ip="203.0.113.9")
    assert logged_in(login(Client(), "amal", PASSWORD, ip="198.51.100.7"))


def test_it_lets_the_editor_in_again_after_the_cool_off():
    make_user("Editor", username="amal")
    client = Client()
    lock_out(client, "amal")
    assert login(client, "amal", PASSWORD).status_code == 429

    # Move the failures back past the cool-off instead of waiting for it.
    AccessAttempt.objects.update(attempt_time=timezone.now() - settings.AXES_COOLOFF_TIME - dt.timedelta(seconds=1))
    assert logged_in(login(client, "amal", PASSWORD))


@override_settings(AXES_COOLOFF_TIME=dt.timedelta(hours=1))
def test_it_keeps_the_lockout_for_the_whole_configured_cool_off():
    make_user("Editor", username="amal")
    client = Client()
    lock_out(client, "amal")
    AccessAttempt.objects.update(attempt_time=timezone.now() - dt.timedelta(minutes=59))
    assert login(client, "amal", PASSWORD).status_code == 429
    AccessAttempt.objects.update(attempt_time=timezone.now() - dt.timedelta(minutes=61))
    assert logged_in(login(client, "amal", PASSWORD))


def test_it_forgets_the_failures_after_a_successful_login():
    make_user("Editor", username="amal")
    client = Client()
    for _ in range(LIMIT - 1):
        login(client, "amal", "wrong-password")
    assert logged_in(login(client, "amal", PASSWORD))
    client.logout()
    # The count started again: another LIMIT - 1 failures do not lock.
    for _ in range(LIMIT - 1):
        assert login(client, "amal", "wrong-password").status_code == 200
    assert logged_in(login(client, "amal", PASSWORD))


def test_it_locks_out_unknown_usernames_too():
    # Guessing usernames is throttled like guessing passwords.
    client = Client()
    assert lock_out(client, "nobody-here").status_code == 429


def test_it_cannot_be_dodged_with_a_forged_forwarded_for_header():
    make_user("Editor", username="amal")
    client = Client()
    for n in range(LIMIT):
        client.post(
            reverse("admin:login"),
            {"username": "amal", "password": "wrong-password"},
            REMOTE_ADDR="198.51.100.7",
            HTTP_X_FORWARDED_FOR=f"203.0.113.{n}",
        )
    response = client.post(
        reverse("admin:login"),
        {"username": "amal", "password": PASSWORD},
        REMOTE_ADDR="198.51.100.7",
        HTTP_X_FORWARDED_FOR="203.0.113.200",
    )
    assert response.status_code == 429


@override_settings(TRUSTED_PROXIES=1)
def test_it_locks_out_the_address_our_proxy_saw_not_the_proxy():
    make_user("Editor", username="amal")
    proxy = {"REMOTE_ADDR": "10.0.0.1"}
    for n in range(LIMIT):
        # The attacker forges the left part; our proxy appends the address it saw.
        Client().post(
            reverse("admin:login"),
            {"username": "amal", "password": "wrong-password"},
            HTTP_X_FORWARDED_FOR=f"1.2.3.{n}, 198.51.100.66",
            **proxy,
        )
    attacker = Client().post(
        reverse("admin:login"),
        {"username": "amal", "password": PASSWORD},
        HTTP_X_FORWARDED_FOR="1.2.3.99, 198.51.100.66",
        **proxy,
    )
    assert attacker.status_code == 429
    # The real editor, at another address behind the same proxy, is not locked out.
    editor = Client().post(
        reverse("admin:login"),
        {"username": "amal", "password": PASSWORD, "next": reverse("admin:index")},
        HTTP_X_FORWARDED_FOR="198.51.100.7",
        **proxy,
    )
    assert logged_in(editor)
