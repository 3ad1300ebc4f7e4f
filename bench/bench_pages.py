"""Time the reader pages with many published events on PostgreSQL.

    .venv/bin/python bench/bench_pages.py --events 100000 --requests 30

Uses its own database (`bench` on 127.0.0.1 by default, created if missing,
never the development or test one), fills it with `seed_synthetic`, then
requests each page in-process with Django's test client: the server time of
a request (routing, queries, charts, templates), without the network. Cold
means the chart cache was cleared before the request; warm means it was
not. Prints a Markdown table for docs/benchmarks.md.
"""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def ensure_database(url: str) -> None:
    """Create the bench database if it does not exist."""
    import psycopg

    name = url.rsplit("/", 1)[1].split("?")[0]
    admin_url = url.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin_url, autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if not exists:
            conn.execute(f'CREATE DATABASE "{name}"')


def percentile(values, q):
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(q / 100 * (len(ordered) - 1))))
    return ordered[index]


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database", default="postgres://postgres@127.0.0.1:5432/bench")
    parser.add_argument("--events", type=int, default=100_000)
    parser.add_argument("--requests", type=int, default=30, help="Warm requests per page.")
    parser.add_argument("--cold", type=int, default=5, help="Cold requests per page (cache cleared before each).")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()

    if not args.database.startswith("postgres"):
        parser.error("--database must be a PostgreSQL URL: the numbers are for PostgreSQL.")
    ensure_database(args.database)
    os.environ["DATABASE_URL"] = args.database
    os.environ.pop("REDIS_URL", None)  # the chart cache is in-process (LocMemCache) here
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tracker.settings")

    import django

    django.setup()
    from django.conf import settings
    from django.core.cache import cache
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client

    from tracker.models import Actor, Agreement, Event

    # No query log: measure what production does.
    settings.DEBUG = False
    call_command("migrate", verbosity=0)
    published = Event.objects.published().count()
    if published != args.events:
        print(f"Seeding {args.events} events (found {published})…", flush=True)
        call_command("seed_synthetic", events=args.events, seed=args.seed, clear=True, verbosity=0)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")

    actor = Actor.objects.order_by("pk").first()
    agreement = Agreement.objects.order_by("pk").first()
    pages = [
        ("overview", "/"),
        ("overview, lanes by actor", "/?lanes=actor"),
        ("timeline, unfiltered", "/timeline/"),
        ("timeline, page 200", "/timeline/?page=200"),
        ("timeline, one actor, one year", f"/timeline/?actor={actor.slug}&date_from=2019&date_to=2019"),
        ("timeline, text search", "/timeline/?q=patrols"),
        ("map", "/map/"),
        ("matrix", "/matrix/"),
        ("actor page", actor.get_absolute_url()),
        ("agreement page", agreement.get_absolute_url()),
    ]
    client = Client()
    rows = []
    for label, url in pages:
        cold = []
        for _ in range(args.cold):
            cache.clear()
            began = time.perf_counter()
            response = client.get(url)
            cold.append((time.perf_counter() - began) * 1000)
            assert response.status_code == 200, (url, response.status_code)
        warm = []
        for _ in range(args.requests):
            began = time.perf_counter()
            response = client.get(url)
            warm.append((time.perf_counter() - began) * 1000)
        size = len(response.content)
        rows.append((label, url, statistics.median(cold), percentile(cold, 95), statistics.median(warm),
                     percentile(warm, 95), size))  # fmt: skip
        print(f"{label:32} cold p50 {rows[-1][2]:7.1f} ms  warm p50 {rows[-1][4]:6.1f} ms  {size / 1024:7.1f} KiB",
              flush=True)  # fmt: skip

    print()
    print(f"{Event.objects.published().count():,} published events; {args.cold} cold and {args.requests} warm requests")
    print("per page; times are server time in ms (Django test client, in-process), sizes are the HTML with its")
    print("chart JSON (plotly.js itself is a static file, cached by the browser).")
    print()
    print("| page | cold p50 | cold p95 | warm p50 | warm p95 | bytes |")
    print("| --- | ---: | ---: | ---: | ---: | ---: |")
    for label, url, cold50, cold95, warm50, warm95, size in rows:
        print(f"| {label} (`{url}`) | {cold50:.0f} | {cold95:.0f} | {warm50:.0f} | {warm95:.0f} | {size:,} |")


if __name__ == "__main__":
    main()
