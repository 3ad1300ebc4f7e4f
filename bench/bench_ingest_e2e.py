"""Ingestion end to end: the same articles ingested twice at once, parsed by 2 worker processes.

Needs PostgreSQL and Redis. Uses its own database (created if missing, and
emptied) and the Redis database in REDIS_URL, whose queue it empties:

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_ingest \\
    REDIS_URL=redis://127.0.0.1:6379/13 .venv/bin/python bench/bench_ingest_e2e.py --articles 1000

Prints articles/second from the first ingest call to the last article
parsed, checks there are exactly N articles, all parsed, and no duplicate
events or sources; with --memory N, also the pool processes' RSS growth over
N more articles.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tracker.settings")


def ensure_database(url: str) -> None:
    import dj_database_url
    import psycopg

    config = dj_database_url.parse(url)
    admin = psycopg.connect(
        host=config["HOST"], port=config["PORT"] or 5432, user=config["USER"], dbname="postgres", autocommit=True
    )
    if not admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", [config["NAME"]]).fetchone():
        admin.execute(f'CREATE DATABASE "{config["NAME"]}"')
    admin.close()


def rss_kib(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=1000)
    parser.add_argument("--memory", type=int, default=0, help="Articles to parse afterwards for the RSS check.")
    args = parser.parse_args()
    database_url, redis_url = os.environ.get("DATABASE_URL", ""), os.environ.get("REDIS_URL", "")
    if "postgres" not in database_url or not redis_url:
        sys.exit("Set DATABASE_URL (PostgreSQL, a database for the benchmark alone) and REDIS_URL.")
    ensure_database(database_url)

    import django

    django.setup()
    import redis
    from django.core.management import call_command
    from django.db import connection

    from tests.test_worker import Worker, as_jsonl, assert_no_duplicates, make_article_records, make_world
    from tracker.ingest import ingest_bytes
    from tracker.models import Article, Event, EventSource

    call_command("migrate", verbosity=0)
    call_command("flush", interactive=False, verbosity=0)
    redis.Redis.from_url(redis_url).delete("celery", "unacked", "unacked_index", "unacked_mutex")
    make_world()

    env = {**os.environ, "CACHE_KEY_PREFIX": f"bench-{os.getpid()}"}
    env.pop("TRACKER_TEST_PARSE_DELAY", None)
    log_dir = Path(tempfile.mkdtemp(prefix="bench-ingest-"))
    worker = Worker(env, log_dir / "worker.log", concurrency=2)
    try:
        worker.wait_ready()
        time.sleep(3)  # pool processes warm up (gazetteer, date parser) before the clock starts
        data = as_jsonl(make_article_records(args.articles, seed=1))
        reports = []

        def ingest():
            reports.append(ingest_bytes("bench.jsonl", data))
            connection.close()

        started = time.monotonic()
        threads = [threading.Thread(target=ingest) for _ in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        stored = time.monotonic() - started
        deadline = started + 600
        while Article.objects.filter(status=Article.Status.PARSED).count() < args.articles:
            if time.monotonic() > deadline or worker.process.poll() is not None:
                sys.exit(f"not all parsed; see {log_dir / 'worker.log'}")
            time.sleep(0.1)
        elapsed = time.monotonic() - started

        assert Article.objects.count() == args.articles, "duplicate articles"
        assert sum(r.created for r in reports) == args.articles
        assert not Article.objects.exclude(status=Article.Status.PARSED).exists()
        assert_no_duplicates()
        print(f"articles: {args.articles} unique, ingested twice concurrently ({2 * args.articles} calls)")
        print(f"stored in {stored:.1f} s ({2 * args.articles / stored:.0f} ingest calls/s)")
        print(f"all parsed in {elapsed:.1f} s: {args.articles / elapsed:.1f} articles/s end to end")
        print(f"events: {Event.objects.count()}, sources: {EventSource.objects.count()}, duplicates: none")

        if args.memory:
            pids = worker.pool_pids()
            before = {pid: rss_kib(pid) for pid in pids}
            more = make_article_records(args.memory + args.articles, seed=2)[args.articles :]
            for record in more:
                record["url"] += "-memory"
            started = time.monotonic()
            ingest_bytes("memory.jsonl", as_jsonl(more))
            total = args.articles + args.memory
            while Article.objects.filter(status=Article.Status.PARSED).count() < total:
                if time.monotonic() - started > 1800:
                    sys.exit("memory run did not finish")
                time.sleep(0.5)
            after = {pid: rss_kib(pid) for pid in pids if Path(f"/proc/{pid}").exists()}
            for pid in after:
                growth = (after[pid] - before[pid]) / before[pid] * 100
                print(
                    f"pool pid {pid}: RSS {before[pid] / 1024:.0f} MiB -> {after[pid] / 1024:.0f} MiB ({growth:+.1f}%)"
                )
            print(f"memory run: {args.memory} articles in {time.monotonic() - started:.0f} s")
    finally:
        worker.stop()


if __name__ == "__main__":
    main()
