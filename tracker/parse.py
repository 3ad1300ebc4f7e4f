"""Parse stored articles into candidate events, and hand articles to the queue.

`article_parse` is the whole job of the Celery task: claim the article with a
conditional UPDATE, run the pure text pipeline outside any transaction, then
write every candidate in one short transaction. A candidate that matches an
event already in the database (same date and precision, shared actors or
agreement) becomes another source of that event rather than a duplicate.

Test hook: when the environment variable TRACKER_TEST_PARSE_DELAY holds a
number of seconds, the parse sleeps that long between extracting and writing,
so fault tests can kill a worker mid-parse. Never set it in production.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import os
import time
from collections import defaultdict
from dataclasses import dataclass, field

from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.db import IntegrityError, InterfaceError, OperationalError, connection, transaction
from django.db.models import Q
from django.utils import timezone
from kombu.exceptions import OperationalError as BrokerError
from simple_history.utils import bulk_create_with_history

from tracker.models import Article, Event, EventActor, EventAgreement, EventSource

log = logging.getLogger("tracker.parse")

# Errors that go away on their own: the database restarting, a lock timeout,
# a deadlock, a curated row deleted while the gazetteer still named it.
TRANSIENT_ERRORS = (OperationalError, InterfaceError, IntegrityError, ConnectionError, TimeoutError)
# After the queue refused one message, don't make every request wait on it:
# articles stored meanwhile stay queued and the requeue sweep sends them.
QUEUE_RETRY_AFTER = 15.0
STATUS_PREFERENCE = {Event.Status.PUBLISHED: 0, Event.Status.CANDIDATE: 1, Event.Status.REJECTED: 2}


@dataclass
class ParseResult:
    article_id: int
    attempt: int
    events: int = 0  # new candidate events
    merged: int = 0  # candidates that became a source of an existing event
    sources: int = 0
    replaced: int = 0  # own earlier candidates removed by this parse
    duration_ms: int = 0
    error: str = ""

    @property
    def ok(self) -> bool:
        return not self.error


class ClaimLost(Exception):
    """Another worker took the article over after our claim expired."""


# --- The queue -------------------------------------------------------------------


@dataclass
class Enqueued:
    """What happened when articles were handed to the queue (filled in after commit)."""

    pks: list[int]
    sent: int = 0
    error: str = ""
    done: bool = False


_queue_down_until = 0.0


def _send(outcome: Enqueued, *, force: bool = False) -> None:
    global _queue_down_until
    from tracker.tasks import parse_article

    outcome.done = True
    if not force and time.monotonic() < _queue_down_until:
        outcome.error = "the task queue was unreachable moments ago"
        return
    for pk in outcome.pks:
        try:
            parse_article.delay(pk)
        except (BrokerError, ConnectionError, OSError) as exc:
            _queue_down_until = time.monotonic() + QUEUE_RETRY_AFTER
            outcome.error = f"the task queue is unreachable ({exc})"
            log.warning("event=enqueue_failed article_ids=%s error=%r", outcome.pks[outcome.sent :], str(exc))
            return
        outcome.sent += 1


def enqueue_on_commit(pks, *, force: bool = False) -> Enqueued:
    """Send a parse task for each article in `pks` once the current transaction commits.

    A queue that is down never breaks the caller: the articles stay queued,
    `error` says so, and the requeue sweep sends them once the queue is back.
    """
    outcome = Enqueued(list(pks))
    if outcome.pks:
        transaction.on_commit(lambda: _send(outcome, force=force))
    return outcome


def article_enqueue(article: Article) -> bool:
    """Queue `article` to be parsed (again); return False if a worker is parsing it right now."""
    claim_expires = settings.ARTICLE_CLAIM_EXPIRES
    idle = ~Q(status=Article.Status.PARSING) | Q(status_changed_at__lt=timezone.now() - claim_expires)
    queued = (
        Article.objects.filter(idle, pk=article.pk).update(
            status=Article.Status.QUEUED, status_changed_at=timezone.now()
        )
        > 0
    )
    if queued:
        article.status = Article.Status.QUEUED
        enqueue_on_commit([article.pk])
    return queued


@dataclass
class RequeueReport:
    requeued: int = 0  # articles put back in the queue
    given_up: int = 0  # articles failed for running out of attempts
    queue: Enqueued | None = None  # what the queue said, once the transaction commits

    @property
    def error(self) -> str:
        return self.queue.error if self.queue else ""


def articles_requeue_stuck(*, limit: int = 1000) -> RequeueReport:
    """Send again the articles waiting longer than ARTICLE_STUCK_AFTER; fail those out of attempts."""
    now = timezone.now()
    stuck = Article.objects.stuck() | Article.objects.filter(
        status=Article.Status.RECEIVED, status_changed_at__lt=now - settings.ARTICLE_STUCK_AFTER
    )
    report = RequeueReport()
    report.given_up = stuck.filter(attempts__gte=settings.PARSE_MAX_ATTEMPTS).update(
        status=Article.Status.FAILED,
        status_changed_at=now,
        error=f"Gave up after {settings.PARSE_MAX_ATTEMPTS} attempts: the parse kept stopping before it finished "
        "(worker killed or time limit). Re-queue it to try again.",
    )
    pks = list(stuck.order_by("status_changed_at").values_list("pk", flat=True)[:limit])
    if pks:
        # Touching status_changed_at sends each stuck article at most once per ARTICLE_STUCK_AFTER.
        Article.objects.filter(pk__in=pks).update(status=Article.Status.QUEUED, status_changed_at=now)
        report.requeued, report.queue = len(pks), enqueue_on_commit(pks, force=True)
    log.info("event=requeue_stuck requeued=%d given_up=%d error=%r", report.requeued, report.given_up, report.error)
    return report


# --- Parsing ---------------------------------------------------------------------


def warm_up() -> None:
    """Build the gazetteer and load the date parser's data, so the first parse is not slow."""
    from tracker.extract.pipeline import extract_events
    from tracker.gazetteer import current_gazetteer

    extract_events("Turkey and Russia met in Sochi on 17 September 2018.", dt.date(2019, 1, 1), current_gazetteer())


def _test_delay() -> None:
    delay = os.environ.get("TRACKER_TEST_PARSE_DELAY")
    if delay:
        time.sleep(float(delay))


def _lock_dates(dates) -> None:
    """Serialise writers per (day, precision), so two articles on one event never both create it."""
    if connection.vendor != "postgresql":
        return  # SQLite already lets one writer at a time
    keys = sorted(
        {
            int.from_bytes(hashlib.blake2b(f"event:{d}".encode(), digest_size=8).digest(), "big", signed=True)
            for d in dates
        }
    )
    with connection.cursor() as cursor:
        # Don't wait for the disk at commit: a crash can only lose this whole transaction (the
        # article's status with it), and the requeue sweep then parses the article again.
        cursor.execute("SET LOCAL synchronous_commit TO OFF")
        if not keys:
            return
        # Sorted, so two writers take shared keys in the same order and cannot deadlock.
        cursor.execute("SELECT pg_advisory_xact_lock(k) FROM unnest(%s::bigint[]) AS k ORDER BY k", [keys])


def _drop_own_candidates(article_id: int) -> int:
    """Remove this article's extracted sources from candidate events, and the candidates left with none."""
    own = EventSource.objects.filter(article_id=article_id, extracted=True, event__status=Event.Status.CANDIDATE)
    event_ids = set(own.order_by().values_list("event_id", flat=True))
    if not event_ids:
        return 0
    EventSource.objects.filter(pk__in=own.values("pk")).delete()
    orphans = Event.objects.filter(pk__in=event_ids, status=Event.Status.CANDIDATE, sources__isnull=True)
    return orphans.delete()[1].get(Event._meta.label, 0)


@dataclass
class _Target:
    """An event that candidates land on: an existing row, or one this parse creates."""

    actors: set
    agreements: set
    places: set
    pk: int | None = None
    status: str = Event.Status.CANDIDATE
    event: Event | None = None
    sources: list = field(default_factory=list)


def _same_event(actors, agreements, places, target: _Target) -> bool:
    """Return whether a candidate describes `target` (already on the same day and precision).

    A shared agreement decides it. Otherwise one shared actor is too weak
    (Syria is in many events a day): when both name two or more actors, two
    must be shared. Events at different named places are different events.
    """
    if places and target.places and not places & target.places:
        return False
    if agreements & target.agreements:
        return True
    shared = len(actors & target.actors)
    return shared >= 1 and shared >= min(2, len(actors), len(target.actors))


def _new_event(candidate) -> Event:
    kind = candidate.kind if candidate.kind in Event.Kind.values else Event.Kind.OTHER
    date_end = candidate.date_end if candidate.date_end and candidate.date_end.first >= candidate.date.first else None
    event = Event(title=(candidate.title or candidate.sentence)[:300] or "Untitled event", kind=kind)
    event.set_date(candidate.date, date_end)
    event.derive_dates()
    return event


def _write(article_id: int, attempt: int, candidates) -> ParseResult:
    result = ParseResult(article_id=article_id, attempt=attempt)
    with transaction.atomic():
        if not Article.objects.claimed(article_id, attempt).select_for_update().exists():
            raise ClaimLost
        dates = {c.date for c in candidates}
        _lock_dates({d.isoformat() for d in dates})
        result.replaced = _drop_own_candidates(article_id)

        # Existing events these candidates may belong to: one query, then two for their links.
        all_actors = {a for c in candidates for a in c.actors}
        all_agreements = {a for c in candidates for a in c.agreements}
        pool = list(
            Event.objects.matching(*dates, actors=all_actors, agreements=all_agreements).values_list(
                "pk", "date_start", "precision", "status"
            )
        )
        links = defaultdict(lambda: (set(), set(), set()))
        seen_sources = set()
        if pool:
            pool_ids = [row[0] for row in pool]
            for event_id, actor_id in (
                EventActor.objects.filter(event_id__in=pool_ids).order_by().values_list("event_id", "actor_id")
            ):
                links[event_id][0].add(actor_id)
            for event_id, agreement_id in (
                EventAgreement.objects.filter(event_id__in=pool_ids).order_by().values_list("event_id", "agreement_id")
            ):
                links[event_id][1].add(agreement_id)
            for event_id, place_id in (
                Event.places.through.objects.filter(event_id__in=pool_ids)
                .order_by()
                .values_list("event_id", "place_id")
            ):
                links[event_id][2].add(place_id)
            seen_sources = set(
                EventSource.objects.filter(article_id=article_id, event_id__in=pool_ids)
                .order_by()
                .values_list("event_id", "char_start", "date_text")
            )
        targets = defaultdict(list)  # (first day, precision) -> [_Target]
        for pk, date_start, precision, status in sorted(pool, key=lambda row: (STATUS_PREFERENCE[row[3]], row[0])):
            actors, agreements, places = links[pk]
            targets[(date_start, precision)].append(_Target(actors, agreements, places, pk=pk, status=status))

        new_targets = []
        for candidate in candidates:
            actors, agreements, places = set(candidate.actors), set(candidate.agreements), set(candidate.places)
            key = (candidate.date.first, candidate.date.precision)
            target = next((t for t in targets[key] if _same_event(actors, agreements, places, t)), None)
            if target is None:
                target = _Target(actors, agreements, places, event=_new_event(candidate))
                targets[key].append(target)
                new_targets.append(target)
            elif target.pk is None:
                target.actors |= actors
                target.agreements |= agreements
                target.places |= places
            source_key = (target.pk or id(target), candidate.char_start, candidate.date_text[:200])
            if source_key in seen_sources:
                continue  # the same sentence and date already support this event
            seen_sources.add(source_key)
            target.sources.append(candidate)
            if target.pk is not None:
                result.merged += 1

        created = bulk_create_with_history(
            [t.event for t in new_targets],
            Event,
            default_change_reason=f"extracted from article {article_id}",
        )
        for target, event in zip(new_targets, created, strict=True):
            target.pk = event.pk
        EventActor.objects.bulk_create(
            [EventActor(event_id=t.pk, actor_id=a) for t in new_targets for a in sorted(t.actors, key=str)]
        )
        EventAgreement.objects.bulk_create(
            [
                EventAgreement(
                    event_id=t.pk,
                    agreement_id=a,
                    relation=EventAgreement.Relation.SIGNS
                    if t.event.kind == Event.Kind.AGREEMENT_SIGNED
                    else EventAgreement.Relation.REFERENCES,
                )
                for t in new_targets
                for a in sorted(t.agreements, key=str)
            ]
        )
        Event.places.through.objects.bulk_create(
            [Event.places.through(event_id=t.pk, place_id=p) for t in new_targets for p in sorted(t.places, key=str)]
        )
        sources = [
            EventSource(
                event_id=t.pk,
                article_id=article_id,
                sentence=c.sentence,
                char_start=c.char_start,
                char_end=max(c.char_end, c.char_start),
                date_text=c.date_text[:200],
                date_char_start=c.date_char_start if c.date_text else None,
                date_char_end=c.date_char_end if c.date_text else None,
            )
            for key_targets in targets.values()
            for t in key_targets
            for c in t.sources
        ]
        EventSource.objects.bulk_create(sources)
        now = timezone.now()
        Article.objects.filter(pk=article_id).update(
            status=Article.Status.PARSED, status_changed_at=now, parsed_at=now, error=""
        )
    result.events, result.sources = len(new_targets), len(sources)
    return result


def _release(article_id: int, attempt: int, error: str) -> None:
    """Put a claimed article back in the queue state after a transient error (best effort)."""
    try:
        Article.objects.claimed(article_id, attempt).update(
            status=Article.Status.QUEUED, status_changed_at=timezone.now(), error=f"Retrying after: {error}"[:2000]
        )
    except TRANSIENT_ERRORS:
        pass  # the claim expires and the requeue sweep takes over


def busy_for(article_id: int) -> float | None:
    """Return the seconds until another worker's parse claim on the article expires, or None if it holds none."""
    claimed_at = (
        Article.objects.filter(pk=article_id, status=Article.Status.PARSING)
        .values_list("status_changed_at", flat=True)
        .first()
    )
    if claimed_at is None:
        return None
    return max((claimed_at + settings.ARTICLE_CLAIM_EXPIRES - timezone.now()).total_seconds(), 0.0)


def article_fail(article_id: int, error: str, *, attempt: int | None = None) -> None:
    """Record a permanent failure on the article, where editors see it."""
    articles = Article.objects.claimed(article_id, attempt) if attempt else Article.objects.filter(pk=article_id)
    articles.exclude(status=Article.Status.PARSED).update(
        status=Article.Status.FAILED, status_changed_at=timezone.now(), error=error[:5000]
    )


def article_parse(article_id: int) -> ParseResult | None:
    """Parse one stored article into candidate events; return None if there was nothing to do.

    Raise one of TRANSIENT_ERRORS when a retry may succeed; any other error
    is written on the article (status failed) and returned in the result.
    """
    from tracker.extract.pipeline import extract_events
    from tracker.gazetteer import current_gazetteer

    started = time.monotonic()
    attempt = Article.objects.claim(article_id, stale_after=settings.ARTICLE_CLAIM_EXPIRES)
    if attempt is None:
        log.info("event=parse_skipped article_id=%s reason=not_claimable", article_id)
        return None
    result = ParseResult(article_id=article_id, attempt=attempt)
    try:
        body, published = Article.objects.filter(pk=article_id).values_list("body", "published").get()
        candidates = extract_events(body, published, current_gazetteer())
        _test_delay()
        result = _write(article_id, attempt, candidates)
    except ClaimLost:
        log.warning("event=parse_claim_lost article_id=%s attempt=%s", article_id, attempt)
        return None
    except TRANSIENT_ERRORS as exc:
        error = f"{type(exc).__name__}: {exc}".strip()
        log.warning("event=parse_retry article_id=%s attempt=%s error=%r", article_id, attempt, error)
        _release(article_id, attempt, error)
        raise
    except SoftTimeLimitExceeded:
        result.error = (
            f"Parsing took longer than the {settings.CELERY_TASK_SOFT_TIME_LIMIT} s limit (PARSE_TIME_LIMIT); "
            "the article may be too long."
        )
    except Exception as exc:
        result.error = f"{type(exc).__name__}: {exc}".strip()
        log.exception("event=parse_error article_id=%s", article_id)
    if result.error:
        article_fail(article_id, result.error, attempt=attempt)
    result.duration_ms = round((time.monotonic() - started) * 1000)
    log.log(
        logging.WARNING if result.error else logging.INFO,
        "event=article_parsed article_id=%s attempt=%s duration_ms=%d events=%d merged=%d sources=%d replaced=%d "
        "error=%r",
        article_id,
        attempt,
        result.duration_ms,
        result.events,
        result.merged,
        result.sources,
        result.replaced,
        result.error,
    )
    return result
