"""Render the busiest reader pages once after events change, so readers get cached charts.

A change to published events makes every cached chart stale; the first reader
after it would wait for the group-by passes (about a second at 100,000
events). With workers running, a debounced task renders these pages in the
background instead. In-process mode (no Redis) skips it: there the data is
small and the request that changed events should not wait for it.
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.core.cache import cache
from django.test import RequestFactory
from django.urls import resolve

log = logging.getLogger("tracker.warmup")

PATHS = ("/", "/timeline/", "/matrix/", "/map/")
PENDING_KEY = "tracker:charts:warm-pending"
# Changes within this many seconds share one warm-up (a reviewer publishing a batch).
DEBOUNCE_SECONDS = 5


def _host() -> str:
    for host in settings.ALLOWED_HOSTS:
        host = host.lstrip(".")
        if host and host != "*":
            return host
    return "localhost"


def warm_public_pages(paths=PATHS) -> dict[str, int]:
    """Render `paths` as an anonymous reader would; return each one's status code."""
    factory = RequestFactory()
    results = {}
    for path in paths:
        request = factory.get(path, HTTP_HOST=_host(), secure=not settings.DEBUG)
        request.user = AnonymousUser()
        match = resolve(path)
        results[path] = match.func(request, *match.args, **match.kwargs).status_code
    return results


def schedule_warm_up() -> None:
    """Ask a worker to warm the pages soon, once per burst of changes."""
    if settings.CELERY_TASK_ALWAYS_EAGER or not cache.add(PENDING_KEY, 1, timeout=DEBOUNCE_SECONDS):
        return
    from tracker.tasks import warm_public_pages as task

    try:
        task.apply_async(countdown=DEBOUNCE_SECONDS)
    except Exception:  # noqa: BLE001 - a broker outage must not break the change that caused this
        log.warning("event=warm_up_not_scheduled reason=broker_unreachable")
