"""The settings module: safe defaults, production safety from the environment."""

import os
import subprocess
import sys

from tests.conftest import ROOT


def run_manage(*args, **env):
    clean = {k: v for k, v in os.environ.items() if k not in {"DEBUG", "SECRET_KEY", "REDIS_URL", "ALLOWED_HOSTS"}}
    clean.update(env)
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=clean, capture_output=True, text=True, timeout=120
    )


def test_it_refuses_to_start_without_a_secret_key_in_production():
    result = run_manage("check", DEBUG="0")
    assert result.returncode != 0
    assert "SECRET_KEY must be set when DEBUG=0" in result.stderr


def test_it_passes_the_deploy_checks_with_production_variables():
    result = run_manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        DEBUG="0",
        SECRET_KEY="x" * 20 + "a-long-random-production-secret-value-1234567890",
        ALLOWED_HOSTS="tracker.example.org",
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_it_says_tasks_run_in_process_without_redis():
    result = run_manage("check")
    assert result.returncode == 0, result.stderr
    assert "tasks run in-process" in result.stderr


def test_it_uses_redis_for_the_broker_and_cache_when_configured():
    code = (
        "import django, os; os.environ['DJANGO_SETTINGS_MODULE']='tracker.settings'; django.setup();"
        "from django.conf import settings as s;"
        "print(s.CELERY_TASK_ALWAYS_EAGER, s.CELERY_BROKER_URL, s.CACHES['default']['BACKEND'],"
        " s.CELERY_BROKER_TRANSPORT_OPTIONS['visibility_timeout'] > 2 * s.CELERY_TASK_TIME_LIMIT)"
    )
    env = {k: v for k, v in os.environ.items() if k != "REDIS_URL"}
    env["REDIS_URL"] = "redis://127.0.0.1:6399/3"
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60)
    assert out.stdout.split() == [
        "False",
        "redis://127.0.0.1:6399/3",
        "django.core.cache.backends.redis.RedisCache",
        "True",
    ], out.stderr
