import datetime as dt
from unittest import mock

import pytest
from django.core.management import call_command
from django.db import OperationalError
from django.utils import timezone

from tests.factories import make_actor, make_article
from tracker import tasks
from tracker.models import Article, Event

pytestmark = pytest.mark.django_db


def test_it_parses_an_article_through_the_task():
    make_actor("Turkey"), make_actor("Russia")
    article = make_article("Turkey and Russia met in Sochi on 17 September 2018.", status=Article.Status.QUEUED)
    outcome = tasks.parse_article.apply(args=[article.pk])
    assert outcome.successful() and outcome.result["events"] == 1
    article.refresh_from_db()
    assert article.status == Article.Status.PARSED
    assert Event.objects.candidates().count() == 1


def test_it_is_configured_to_survive_dead_workers(settings):
    task = tasks.parse_article
    assert task.acks_late and task.reject_on_worker_lost
    assert task.time_limit == settings.CELERY_TASK_TIME_LIMIT
    assert task.soft_time_limit < task.time_limit
    assert OperationalError in task.autoretry_for
    assert task.max_retries == settings.PARSE_MAX_ATTEMPTS - 1
    # A retry countdown past the visibility timeout would be redelivered to a second worker.
    assert task.retry_backoff_max < settings.CELERY_VISIBILITY_TIMEOUT
    assert settings.CELERY_VISIBILITY_TIMEOUT > 2 * settings.CELERY_TASK_TIME_LIMIT
    assert settings.ARTICLE_CLAIM_EXPIRES.total_seconds() > settings.CELERY_TASK_TIME_LIMIT
    assert settings.ARTICLE_CLAIM_EXPIRES.total_seconds() < settings.CELERY_VISIBILITY_TIMEOUT
    # A dead worker's task is back within a minute, not kombu's default hour.
    options = settings.CELERY_BROKER_TRANSPORT_OPTIONS
    assert (
        options["visibility_timeout"] + options["unacked_restore_interval"] * options["unacked_restore_throttle"] <= 60
    )
    assert settings.CELERY_RESULT_BACKEND_TRANSPORT_OPTIONS["visibility_timeout"] == options["visibility_timeout"]
    assert settings.CELERY_WORKER_PREFETCH_MULTIPLIER == 1


def test_it_retries_transient_errors_and_then_writes_the_failure_on_the_article():
    article = make_article("Turkey met Russia on 1 May 2019.", status=Article.Status.QUEUED)
    with mock.patch("tracker.parse.article_parse", side_effect=OperationalError("could not connect")) as parse:
        outcome = tasks.parse_article.apply(args=[article.pk])
    assert parse.call_count == tasks.parse_article.max_retries + 1
    assert outcome.failed()
    article.refresh_from_db()
    assert article.status == Article.Status.FAILED
    assert "Gave up after 5 attempts: OperationalError: could not connect" == article.error


def test_it_does_not_retry_a_permanent_error():
    article = make_article("Turkey met Russia on 1 May 2019.", status=Article.Status.QUEUED)
    with mock.patch("tracker.extract.pipeline.extract_events", side_effect=KeyError("bad")) as extract:
        outcome = tasks.parse_article.apply(args=[article.pk])
    assert outcome.successful() and extract.call_count == 1
    article.refresh_from_db()
    assert article.status == Article.Status.FAILED and article.error == "KeyError: 'bad'"


def test_it_writes_a_time_limit_on_the_article():
    from celery.exceptions import SoftTimeLimitExceeded

    article = make_article("Turkey met Russia on 1 May 2019.", status=Article.Status.QUEUED)
    with mock.patch("tracker.extract.pipeline.extract_events", side_effect=SoftTimeLimitExceeded()):
        tasks.parse_article.apply(args=[article.pk])
    article.refresh_from_db()
    assert article.status == Article.Status.FAILED and "took longer than" in article.error


def test_it_skips_a_missing_article():
    outcome = tasks.parse_article.apply(args=[424242])
    assert outcome.successful() and outcome.result is None


def test_the_requeue_task_and_command_send_stuck_articles(settings, capsys, django_capture_on_commit_callbacks):
    article = make_article("Stuck in the queue.", status=Article.Status.QUEUED)
    stale = timezone.now() - settings.ARTICLE_STUCK_AFTER - dt.timedelta(seconds=5)
    Article.objects.filter(pk=article.pk).update(status_changed_at=stale)
    with mock.patch("tracker.tasks.parse_article.delay") as delay:
        with django_capture_on_commit_callbacks(execute=True):
            assert tasks.requeue_stuck_articles.apply().result == {"requeued": 1, "given_up": 0}
        delay.assert_called_once_with(article.pk)
        Article.objects.filter(pk=article.pk).update(status_changed_at=stale)
        with django_capture_on_commit_callbacks(execute=True):
            call_command("requeue_stuck")
    assert "requeued 1, gave up on 0" in capsys.readouterr().out


def test_the_ping_task_answers():
    assert tasks.ping.apply().result["pong"] is True


def test_celery_ping_says_tasks_run_in_process_without_redis(settings, capsys):
    settings.CELERY_TASK_ALWAYS_EAGER = True
    call_command("celery_ping")
    assert "run in-process" in capsys.readouterr().out


def test_it_looks_again_once_another_workers_claim_expires(settings):
    article = make_article("Turkey met Russia on 1 May 2019.", status=Article.Status.QUEUED)
    Article.objects.claim(article.pk, stale_after=settings.ARTICLE_CLAIM_EXPIRES)
    task = tasks.parse_article
    with mock.patch.object(task, "retry", side_effect=RuntimeError("retried")) as retry:
        task.push_request(retries=0, is_eager=False)
        try:
            with pytest.raises(RuntimeError, match="retried"):
                task.run(article.pk)
        finally:
            task.pop_request()
    countdown = retry.call_args.kwargs["countdown"]
    assert (
        settings.ARTICLE_CLAIM_EXPIRES.total_seconds() - 5
        < countdown
        <= settings.ARTICLE_CLAIM_EXPIRES.total_seconds() + 1
    )
    Article.objects.filter(pk=article.pk).update(status=Article.Status.PARSED)
    task.push_request(retries=0, is_eager=False)
    try:
        assert task.run(article.pk) is None  # parsed meanwhile: nothing to do, no retry
    finally:
        task.pop_request()
