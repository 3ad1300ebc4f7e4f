"""Time the editors' admin pages on a large database (100,000 events, 20,000 articles).

Usage (PostgreSQL; the database name must contain "bench", it is filled with rows):

    createdb -h 127.0.0.1 -U postgres tracker_bench_admin
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/tracker_bench_admin \\
        .venv/bin/python bench/bench_admin.py --events 100000 --articles 20000

The data is made once (rerun with --rebuild to start again); each page is
then fetched --runs times through Django's test client, logged in as a
reviewer, and the median time and the query count are printed.
"""

import argparse
import datetime as dt
import os
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tracker.settings")
os.environ.setdefault("AXES_ENABLED", "0")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.contrib.auth.models import Group, User  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection, reset_queries  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.urls import reverse  # noqa: E402

from tracker.extract.partial_date import PartialDate  # noqa: E402
from tracker.models import (  # noqa: E402
    Actor,
    ActorAlias,
    Agreement,
    Article,
    Event,
    EventActor,
    EventAgreement,
    EventSource,
    Place,
    content_hash,
)

KINDS = [k for k, _ in Event.Kind.choices]
SENTENCE = "{a} and {b} met in {p} on {d} to discuss the {g}, officials said."


def build(n_events, n_articles, seed=1):
    rnd = random.Random(seed)
    actors = Actor.objects.bulk_create([Actor(name=f"Actor {i}", slug=f"actor-{i}", kind="state") for i in range(300)])
    ActorAlias.objects.bulk_create([ActorAlias(actor=a, name=f"Alias of actor {a.pk}") for a in actors[:150]])
    places = Place.objects.bulk_create([Place(name=f"Place {i}", slug=f"place-{i}", kind="city") for i in range(200)])
    agreements = Agreement.objects.bulk_create(
        [Agreement(name=f"Agreement {i}", slug=f"agreement-{i}") for i in range(50)]
    )
    start = dt.date(2011, 3, 1)
    articles = []
    for i in range(n_articles):
        published = start + dt.timedelta(days=rnd.randrange(4000))
        body = (
            " ".join(
                SENTENCE.format(
                    a=rnd.choice(actors).name,
                    b=rnd.choice(actors).name,
                    p=rnd.choice(places).name,
                    d=published.strftime("%d %B %Y"),
                    g=rnd.choice(agreements).name,
                )
                for _ in range(8)
            )
            + f" Article {i}."
        )
        status = rnd.choices(["parsed", "failed", "queued"], [95, 4, 1])[0]
        articles.append(
            Article(
                title=f"Article {i}",
                body=body,
                content_hash=content_hash(body),
                published=published,
                publisher=f"Publisher {i % 40}",
                status=status,
                error="TimeoutError: parse took too long" if status == "failed" else "",
            )
        )
    articles = Article.objects.bulk_create(articles, batch_size=2000)
    events = []
    for i in range(n_events):
        precision = rnd.choices(["day", "month", "year"], [80, 15, 5])[0]
        day = start + dt.timedelta(days=rnd.randrange(4000))
        date = PartialDate.from_date(day, precision)
        event = Event(
            title=f"Event {i}",
            kind=rnd.choice(KINDS),
            status=rnd.choices(["published", "candidate", "rejected"], [80, 15, 5])[0],
        )
        event.set_date(date)
        event.derive_dates()
        events.append(event)
    events = Event.objects.bulk_create(events, batch_size=5000)
    links, sources, pacts = [], [], []
    for event in events:
        a, b = rnd.sample(actors, 2)
        links += [EventActor(event=event, actor=a), EventActor(event=event, actor=b)]
        if rnd.random() < 0.2:
            pacts.append(EventAgreement(event=event, agreement=rnd.choice(agreements)))
        article = rnd.choice(articles)
        sentence = article.body[:90]
        sources.append(
            EventSource(
                event=event,
                article=article,
                sentence=sentence,
                char_start=0,
                char_end=len(sentence),
                date_text=sentence[sentence.find(" on ") + 4 : sentence.find(" to ")],
            )
        )
    EventActor.objects.bulk_create(links, batch_size=10000)
    EventAgreement.objects.bulk_create(pacts, batch_size=10000)
    EventSource.objects.bulk_create(sources, batch_size=10000)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=100_000)
    parser.add_argument("--articles", type=int, default=20_000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--rebuild", action="store_true")
    args = parser.parse_args()

    db = settings.DATABASES["default"]
    if connection.vendor != "postgresql" or "bench" not in db["NAME"]:
        sys.exit("Point DATABASE_URL at a PostgreSQL database whose name contains 'bench'.")
    call_command("migrate", verbosity=0)
    if args.rebuild:
        call_command("flush", interactive=False, verbosity=0)
        call_command("migrate", verbosity=0)
    if Event.objects.count() < args.events:
        began = time.perf_counter()
        build(args.events, args.articles)
        print(f"built {args.events} events, {args.articles} articles in {time.perf_counter() - began:.0f} s")

    user, _ = User.objects.get_or_create(username="bench-reviewer", defaults={"is_staff": True})
    user.groups.add(Group.objects.get(name="Reviewer"))
    client = Client()
    client.force_login(user)
    candidate = Event.objects.candidates().order_by("pk").first()
    article = Article.objects.order_by("pk").first()
    actor = Actor.objects.order_by("pk").first()
    pages = {
        "home": reverse("admin:index"),
        "queue": reverse("admin:tracker_candidateevent_changelist"),
        "queue ?actor=name": reverse("admin:tracker_candidateevent_changelist") + "?actor=Alias+of+actor",
        "queue ?date range": reverse("admin:tracker_candidateevent_changelist") + "?date_from=2015-03&date_to=2015-06",
        "queue ?article": reverse("admin:tracker_candidateevent_changelist") + f"?article={article.pk}",
        "events": reverse("admin:tracker_event_changelist"),
        "events ?status=published&kind": reverse("admin:tracker_event_changelist")
        + "?status__exact=published&kind__exact=meeting",
        "events search": reverse("admin:tracker_event_changelist") + "?q=Event+4242",
        "event change (duplicates)": reverse("admin:tracker_event_change", args=[candidate.pk]),
        "articles": reverse("admin:tracker_article_changelist"),
        "articles ?failed": reverse("admin:tracker_article_changelist") + "?status__exact=failed",
        "article change": reverse("admin:tracker_article_change", args=[article.pk]),
        "actors": reverse("admin:tracker_actor_changelist"),
        "actor change": reverse("admin:tracker_actor_change", args=[actor.pk]),
        "event sources": reverse("admin:tracker_eventsource_changelist"),
    }
    print(f"{'page':34} {'median ms':>10} {'max ms':>8} {'queries':>8}")
    for name, url in pages.items():
        client.get(url)  # warm caches (gazetteer, templates)
        times = []
        for _ in range(args.runs):
            reset_queries()
            with CaptureQueriesContext(connection) as queries:
                began = time.perf_counter()
                response = client.get(url)
                times.append((time.perf_counter() - began) * 1000)
            assert response.status_code == 200, (name, response.status_code)
        print(f"{name:34} {statistics.median(times):10.0f} {max(times):8.0f} {len(queries):8d}")


if __name__ == "__main__":
    main()
