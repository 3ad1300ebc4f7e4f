"""Background warm-up of the reader pages after published events change."""

from unittest import mock

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.factories import make_actor, make_event
from tracker import warmup
from tracker.models import Event

pytestmark = pytest.mark.django_db


def queries_for(client, path):
    with CaptureQueriesContext(connection) as captured:
        assert client.get(path).status_code == 200
    return len(captured)


def test_it_renders_the_busiest_pages_so_the_next_reader_hits_the_cache(client):
    turkey = make_actor("Turkey")
    for day in range(1, 6):
        make_event(f"2019-02-{day:02d}", actors=[turkey])
    cold = queries_for(client, "/")
    cache.clear()

    assert warmup.warm_public_pages() == {"/": 200, "/timeline/": 200, "/matrix/": 200, "/map/": 200}
    assert queries_for(client, "/") < cold


def test_it_schedules_one_warm_up_for_a_burst_of_changes(settings, django_capture_on_commit_callbacks):
    settings.CELERY_TASK_ALWAYS_EAGER = False
    with mock.patch("tracker.tasks.warm_public_pages.apply_async") as apply_async:
        with django_capture_on_commit_callbacks(execute=True):
            make_event("2019-02-01", title="first")
            make_event("2019-02-02", title="second")
        Event.objects.update(title="changed")  # no signal: nothing more
    apply_async.assert_called_once_with(countdown=warmup.DEBOUNCE_SECONDS)


def test_it_skips_the_warm_up_when_tasks_run_in_process(settings, django_capture_on_commit_callbacks):
    settings.CELERY_TASK_ALWAYS_EAGER = True
    with mock.patch("tracker.tasks.warm_public_pages.apply_async") as apply_async:
        with django_capture_on_commit_callbacks(execute=True):
            make_event("2019-02-01")
    apply_async.assert_not_called()


def test_it_keeps_the_change_when_the_broker_is_down(settings, django_capture_on_commit_callbacks):
    settings.CELERY_TASK_ALWAYS_EAGER = False
    with mock.patch("tracker.tasks.warm_public_pages.apply_async", side_effect=OSError("connection refused")):
        with django_capture_on_commit_callbacks(execute=True):
            event = make_event("2019-02-01")
    assert Event.objects.filter(pk=event.pk).exists()
