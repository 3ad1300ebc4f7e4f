"""Celery tasks: thin entry points that take primary keys and call one function."""

from __future__ import annotations

import logging
import os
import socket

from celery import shared_task
from celery.contrib.django.task import DjangoTask
from celery.signals import worker_process_init
from django.conf import settings
from django.db import connections

from tracker import parse

log = logging.getLogger("tracker.tasks")


class ParseTask(DjangoTask):
    def on_failure(self, exc, task_id, args, kwargs, einfo):
        """Write the failure on the article once retries are spent, so editors see it."""
        if not args:
            return
        try:
            parse.article_fail(
                args[0], f"Gave up after {self.request.retries + 1} attempts: {type(exc).__name__}: {exc}"
            )
        except parse.TRANSIENT_ERRORS:
            log.warning("event=record_failure_failed article_id=%s", args[0])  # the requeue sweep gives up later


@shared_task(
    bind=True,
    base=ParseTask,
    acks_late=True,
    reject_on_worker_lost=True,
    autoretry_for=parse.TRANSIENT_ERRORS,
    retry_backoff=2,
    retry_backoff_max=settings.PARSE_RETRY_BACKOFF_MAX,
    retry_jitter=True,
    max_retries=max(settings.PARSE_MAX_ATTEMPTS - 1, 0),
    soft_time_limit=settings.CELERY_TASK_SOFT_TIME_LIMIT,
    time_limit=settings.CELERY_TASK_TIME_LIMIT,
)
def parse_article(self, article_id):
    """Parse one stored article into candidate events."""
    result = parse.article_parse(article_id)
    if result is None:
        wait = None if self.request.is_eager else parse.busy_for(article_id)
        if wait is not None:
            # Another delivery holds the claim: this one may be a duplicate, or the
            # redelivery of a task whose worker died. Look again once the claim expires;
            # this is no failure, so it does not count against the retries.
            raise self.retry(countdown=wait + 1, max_retries=self.request.retries + 1)
    return None if result is None else {"events": result.events, "merged": result.merged, "error": result.error}


@shared_task
def requeue_stuck_articles():
    """Send again the articles stuck in received, queued or parsing (run by beat every minute)."""
    report = parse.articles_requeue_stuck()
    return {"requeued": report.requeued, "given_up": report.given_up}


@shared_task(ignore_result=False)
def ping():
    """Answer from a worker, so a health check can see the whole path work."""
    return {"pong": True, "hostname": socket.gethostname(), "pid": os.getpid()}


@worker_process_init.connect
def warm_up_worker_process(**kwargs):
    """Build the gazetteer and warm the date parser once per pool process, not on the first article."""
    try:
        parse.warm_up()
    except Exception:
        log.exception("event=warm_up_failed pid=%s", os.getpid())
    finally:
        # Celery's Django fixup treats connections open at this point as inherited.
        connections.close_all()


@shared_task(ignore_result=True, acks_late=False, soft_time_limit=60, time_limit=90)
def warm_public_pages():
    """Render the busiest reader pages so their charts are cached before readers ask."""
    from tracker import warmup

    return warmup.warm_public_pages()
