"""End to end through real Celery workers, real Redis and the test's PostgreSQL database.

Each test starts `celery -A tracker worker --pool=prefork -c 2` as a
subprocess with REDIS_URL=TEST_REDIS_URL and DATABASE_URL pointing at the
test database, and kills every process it started. The workers run with a
short visibility timeout and restore sweep (the same code paths as in
production, on a faster clock) and, for the fault tests, with
TRACKER_TEST_PARSE_DELAY so a parse can be killed halfway.
"""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import threading
import time
import uuid
from collections import Counter
from pathlib import Path

import kombu.pools
import pytest
import redis
from django.db import connection

from tests.conftest import redis_url
from tests.factories import make_actor, make_agreement, make_place
from tracker import parse
from tracker.celery import app
from tracker.ingest import article_ingest, ingest_bytes
from tracker.models import Article, Event, EventSource
from tracker.parse import articles_requeue_stuck

ROOT = Path(__file__).resolve().parent.parent
FAST_CLOCK = {
    "CELERY_VISIBILITY_TIMEOUT": "10",
    "CELERY_UNACKED_RESTORE_INTERVAL": "1",
    "PARSE_TIME_LIMIT": "8",
    "ARTICLE_CLAIM_EXPIRES": "5",
}

pytestmark = [
    pytest.mark.redis,
    pytest.mark.postgres,
    pytest.mark.slow,
    pytest.mark.django_db(transaction=True),
]

# --- Articles with names the test gazetteer knows ------------------------------------------------

ACTORS = ["Turkey", "Russia", "Iran", "United States", "Hayat Tahrir al-Sham", "Syrian Democratic Forces"]
PLACES = ["Idlib", "Aleppo", "Sochi", "Manbij", "Afrin"]
AGREEMENTS = ["Sochi agreement", "Astana process"]
VERBS = ["met in", "held talks in", "discussed the situation in", "agreed on patrols near", "sent officials to"]
MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October"]


def make_world():
    """Create the curated names the generated articles use."""
    for name in ACTORS:
        make_actor(name)
    for name in PLACES:
        make_place(name)
    for name in AGREEMENTS:
        make_agreement(name)


def make_article_records(count: int, *, seed: int = 7) -> list[dict]:
    """Return `count` varied articles (JSON Lines records) naming actors, places and agreements."""
    rng = random.Random(seed)
    records = []
    for number in range(count):
        sentences = []
        for _ in range(rng.randint(3, 8)):
            a, b = rng.sample(ACTORS, 2)
            day, month, year = rng.randint(1, 28), rng.choice(MONTHS), rng.choice([2017, 2018, 2019])
            sentence = f"{a} and {b} {rng.choice(VERBS)} {rng.choice(PLACES)} on {day} {month} {year}."
            if rng.random() < 0.3:
                sentence += f" The talks concerned the {rng.choice(AGREEMENTS)}."
            sentences.append(sentence)
        sentences.append(f"Reporting for item {number} by staff.")
        records.append(
            {
                "id": f"gen-{number}",
                "title": f"Generated article {number}",
                "text": " ".join(sentences),
                "published": "2019-12-31",
                "url": f"https://example.org/generated/{number}",
                "publisher": "Generator",
            }
        )
    return records


def as_jsonl(records) -> bytes:
    return "\n".join(json.dumps(r) for r in records).encode()


# --- Processes -----------------------------------------------------------------------------------


def _children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == pid:
                found.append(int(entry.name))
    return found


class Worker:
    def __init__(self, env: dict, log_path: Path, concurrency: int = 2):
        self.log_path = log_path
        self.log = open(log_path, "ab")  # noqa: SIM115 - closed in stop()
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "tracker",
                "worker",
                "--pool=prefork",
                f"--concurrency={concurrency}",
                f"--hostname=test-{uuid.uuid4().hex[:8]}@%h",
                "--without-gossip",
                "--without-mingle",
                "--without-heartbeat",
                "--loglevel=INFO",
            ],
            cwd=ROOT,
            env=env,
            stdout=self.log,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group, so the whole worker can be killed at once
        )

    def output(self) -> str:
        return self.log_path.read_text(errors="replace")

    def wait_ready(self, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if " ready." in self.output():
                # Pool processes warm up (gazetteer, date parser) before taking work; give them a moment.
                return
            if self.process.poll() is not None:
                break
            time.sleep(0.2)
        raise AssertionError(f"the worker did not start:\n{self.output()[-3000:]}")

    def pool_pids(self) -> list[int]:
        return _children(self.process.pid)

    def kill_all(self) -> None:
        """Kill the worker and its pool at once, as a crash or an OOM kill of the container would."""
        try:
            os.killpg(self.process.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        self.process.wait(timeout=10)

    def stop(self) -> None:
        if self.process.poll() is None:
            self.kill_all()
        self.log.close()


@pytest.fixture
def broker():
    """Point this process's Celery app at TEST_REDIS_URL (tests run eagerly otherwise); empty our queue."""
    url = redis_url()
    client = redis.Redis.from_url(url)
    keys = ("celery", "unacked", "unacked_index", "unacked_mutex")
    client.delete(*keys)
    saved = {key: app.conf[key] for key in ("broker_url", "task_always_eager")}

    def use(target_url, *, eager=False):
        # Drop every pooled connection, so nothing still talks to the previous address.
        kombu.pools.reset()
        app._pool = None
        app.amqp._producer_pool = None
        parse._queue_down_until = 0.0
        app.conf.update(broker_url=target_url, task_always_eager=eager)

    use(url)
    yield use
    client.delete(*keys)
    use(saved["broker_url"], eager=saved["task_always_eager"])


@pytest.fixture
def start_worker(broker, tmp_path):
    """Return a function that starts a worker on the test database; every worker is killed at the end."""
    started: list[Worker] = []
    db = connection.settings_dict
    auth = db["USER"] + (f":{db['PASSWORD']}" if db["PASSWORD"] else "")
    database_url = f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
    prefix = f"test-{uuid.uuid4().hex[:8]}"

    def start(concurrency: int = 2, **extra) -> Worker:
        env = {
            **{k: v for k, v in os.environ.items() if k not in {"CI", "TRACKER_TEST_PARSE_DELAY"}},
            "DJANGO_SETTINGS_MODULE": "tracker.settings",
            "DATABASE_URL": database_url,
            "REDIS_URL": redis_url(),
            "CACHE_KEY_PREFIX": prefix,
            "DB_CONN_MAX_AGE": "0",
            **FAST_CLOCK,
            **{k: str(v) for k, v in extra.items()},
        }
        worker = Worker(env, tmp_path / f"worker-{len(started)}.log", concurrency)
        started.append(worker)
        worker.wait_ready()
        return worker

    yield start
    for worker in started:
        worker.stop()


def wait_until(predicate, *, timeout: float, what: str, workers=()):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.25)
    logs = "\n".join(w.output()[-2500:] for w in workers)
    statuses = Counter(Article.objects.values_list("status", flat=True))
    raise AssertionError(f"timed out after {timeout:g} s waiting for {what}; articles {dict(statuses)}\n{logs}")


def parsed_count():
    return Article.objects.filter(status=Article.Status.PARSED).count()


def assert_no_duplicates():
    """Each sentence supports an event once, and no two events are the same (day, precision, names)."""
    sources = Counter(EventSource.objects.values_list("article_id", "char_start", "date_text"))
    assert max(sources.values(), default=1) == 1, "a sentence was written twice"
    keys = Counter()
    for event in Event.objects.prefetch_related("actors", "places", "agreements"):
        keys[
            (
                event.date_start,
                event.precision,
                frozenset(a.pk for a in event.actors.all()),
                frozenset(p.pk for p in event.places.all()),
                frozenset(a.pk for a in event.agreements.all()),
            )
        ] += 1
    assert max(keys.values(), default=1) == 1, "two identical events"


# --- Tests ---------------------------------------------------------------------------------------


def test_it_parses_ingested_articles_through_a_worker(start_worker):
    make_world()
    worker = start_worker()
    report = ingest_bytes("batch.jsonl", as_jsonl(make_article_records(20)))
    assert report.created == 20 and not report.failed
    wait_until(lambda: parsed_count() == 20, timeout=60, what="20 parsed articles", workers=[worker])
    assert Event.objects.candidates().exists()
    assert not Article.objects.exclude(error="").exists()
    assert_no_duplicates()


def test_a_pool_process_killed_mid_parse_loses_nothing(start_worker):
    make_world()
    worker = start_worker(TRACKER_TEST_PARSE_DELAY=3)
    article = article_ingest(body=make_article_records(1)[0]["text"], published="2019-12-31").article
    wait_until(
        lambda: Article.objects.filter(pk=article.pk, status=Article.Status.PARSING).exists(),
        timeout=20,
        what="the parse to start",
        workers=[worker],
    )
    for pid in worker.pool_pids():  # the busy one among them
        os.kill(pid, signal.SIGKILL)
    wait_until(lambda: parsed_count() == 1, timeout=60, what="the article parsed again", workers=[worker])
    article.refresh_from_db()
    assert article.attempts == 2  # killed once, parsed once
    assert "WorkerLostError" in worker.output() or "exited with 'signal 9" in worker.output()
    assert EventSource.objects.filter(article=article).exists()
    assert_no_duplicates()


def test_a_whole_worker_killed_mid_parse_hands_the_article_to_the_next(start_worker):
    make_world()
    first = start_worker(TRACKER_TEST_PARSE_DELAY=3)
    article = article_ingest(body=make_article_records(1)[0]["text"], published="2019-12-31").article
    wait_until(
        lambda: Article.objects.filter(pk=article.pk, status=Article.Status.PARSING).exists(),
        timeout=20,
        what="the parse to start",
        workers=[first],
    )
    first.kill_all()
    killed_at = time.monotonic()
    second = start_worker()
    # Back through kombu's unacked restore, not the requeue sweep (ARTICLE_STUCK_AFTER is minutes).
    wait_until(lambda: parsed_count() == 1, timeout=60, what="the next worker to parse it", workers=[first, second])
    assert time.monotonic() - killed_at < 60
    article.refresh_from_db()
    assert article.attempts == 2
    assert_no_duplicates()


def test_an_article_that_arrives_while_redis_is_down_is_kept_and_parsed_later(broker, start_worker, settings):
    make_world()
    with socket_closed_port() as port:
        broker(f"redis://127.0.0.1:{port}/0")
        started = time.monotonic()
        result = article_ingest(body=make_article_records(1)[0]["text"], published="2019-12-31")
        assert time.monotonic() - started < 10  # the caller is not held up for long
    assert result.created
    assert "queue is unreachable" in result.message and "nothing is lost" in result.message
    article = Article.objects.get()
    assert article.status == Article.Status.QUEUED

    broker(redis_url())  # Redis is back
    settings.ARTICLE_STUCK_AFTER = settings.ARTICLE_STUCK_AFTER * 0  # the sweep's minutes have passed
    assert articles_requeue_stuck().requeued == 1
    worker = start_worker()
    wait_until(lambda: parsed_count() == 1, timeout=60, what="the requeued article parsed", workers=[worker])


def test_two_workers_racing_for_the_same_articles_parse_each_once(start_worker):
    make_world()
    records = make_article_records(30, seed=11)
    workers = [start_worker(), start_worker()]
    report = ingest_bytes("batch.jsonl", as_jsonl(records))
    # Every article sent a second (and third) time, as duplicate deliveries or a sweep would.
    for article in report.articles:
        app.send_task("tracker.tasks.parse_article", args=[article.pk])
        app.send_task("tracker.tasks.parse_article", args=[article.pk])
    wait_until(lambda: parsed_count() == 30, timeout=90, what="30 parsed articles", workers=workers)
    time.sleep(2)  # let the extra deliveries drain
    assert set(Article.objects.values_list("attempts", flat=True)) == {1}
    assert_no_duplicates()


def test_the_same_articles_ingested_twice_concurrently_give_one_copy_each(start_worker):
    make_world()
    data = as_jsonl(make_article_records(100, seed=3))
    worker = start_worker()
    reports, errors = [], []

    def ingest():
        try:
            reports.append(ingest_bytes("batch.jsonl", data))
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=ingest) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not errors
    assert sum(r.created for r in reports) == 100 and sum(r.duplicates for r in reports) == 100
    assert Article.objects.count() == 100
    wait_until(lambda: parsed_count() == 100, timeout=120, what="100 parsed articles", workers=[worker])
    assert_no_duplicates()


class socket_closed_port:
    """Reserve a local port nobody listens on."""

    def __enter__(self):
        import socket

        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        return self.sock.getsockname()[1]

    def __exit__(self, *exc):
        self.sock.close()
