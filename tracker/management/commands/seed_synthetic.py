"""Fill the database with many synthetic published events, to measure the reader pages at scale."""

import datetime as dt
import random
import time

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from tracker.extract.partial_date import PartialDate
from tracker.models import PRECISION_RANK, Actor, Agreement, Event, EventActor, EventAgreement, Place, Precision
from tracker.selectors import invalidate_charts

MARK = "Synthetic event made by seed_synthetic for load testing."

KIND_WEIGHTS = {
    Event.Kind.ATTACK: 22,
    Event.Kind.MILITARY_OPERATION: 14,
    Event.Kind.STATEMENT: 16,
    Event.Kind.MEETING: 10,
    Event.Kind.CAPTURE: 7,
    Event.Kind.PATROL: 6,
    Event.Kind.CEASEFIRE: 4,
    Event.Kind.WITHDRAWAL: 4,
    Event.Kind.SANCTIONS: 3,
    Event.Kind.SUMMIT: 3,
    Event.Kind.DESIGNATION: 2,
    Event.Kind.AGREEMENT_SIGNED: 2,
    Event.Kind.DEADLINE: 2,
    Event.Kind.OTHER: 5,
}
VERBS = {
    Event.Kind.ATTACK: "strikes positions near",
    Event.Kind.MILITARY_OPERATION: "launches an operation around",
    Event.Kind.STATEMENT: "issues a statement on",
    Event.Kind.MEETING: "meets officials over",
    Event.Kind.CAPTURE: "takes control of",
    Event.Kind.PATROL: "patrols",
    Event.Kind.CEASEFIRE: "agrees a ceasefire in",
    Event.Kind.WITHDRAWAL: "withdraws from",
    Event.Kind.SANCTIONS: "announces sanctions over",
    Event.Kind.SUMMIT: "holds a summit on",
    Event.Kind.DESIGNATION: "designates a group in",
    Event.Kind.AGREEMENT_SIGNED: "signs an agreement on",
    Event.Kind.DEADLINE: "sets a deadline for",
    Event.Kind.OTHER: "is reported in",
}
# Used only when no curated data exists: (name, kind) and (name, latitude, longitude).
FALLBACK_ACTORS = [
    ("Turkey", Actor.Kind.STATE),
    ("Russia", Actor.Kind.STATE),
    ("Iran", Actor.Kind.STATE),
    ("United States", Actor.Kind.STATE),
    ("Syrian government", Actor.Kind.STATE),
    ("Hayat Tahrir al-Sham", Actor.Kind.ARMED_GROUP),
    ("Syrian Democratic Forces", Actor.Kind.ARMED_GROUP),
    ("YPG", Actor.Kind.ARMED_GROUP),
    ("Islamic State", Actor.Kind.ARMED_GROUP),
    ("Syrian National Army", Actor.Kind.ARMED_GROUP),
    ("National Front for Liberation", Actor.Kind.ARMED_GROUP),
    ("United Nations", Actor.Kind.ORGANISATION),
    ("European Union", Actor.Kind.ORGANISATION),
    ("NATO", Actor.Kind.ORGANISATION),
    ("Hezbollah", Actor.Kind.ARMED_GROUP),
    ("Israel", Actor.Kind.STATE),
]
FALLBACK_PLACES = [
    ("Syria", 35.0, 38.5),
    ("Idlib", 35.93, 36.63),
    ("Aleppo", 36.20, 37.16),
    ("Damascus", 33.51, 36.29),
    ("Raqqa", 35.95, 39.01),
    ("Deir ez-Zor", 35.34, 40.14),
    ("Manbij", 36.53, 37.95),
    ("Afrin", 36.51, 36.87),
    ("Kobani", 36.89, 38.35),
    ("Homs", 34.73, 36.72),
    ("Hama", 35.13, 36.75),
    ("Daraa", 32.62, 36.10),
    ("Latakia", 35.52, 35.79),
    ("Qamishli", 37.05, 41.23),
    ("Tal Abyad", 36.70, 38.95),
    ("Ras al-Ain", 36.85, 40.07),
    ("Saraqib", 35.86, 36.80),
    ("Jisr al-Shughur", 35.81, 36.32),
    ("Palmyra", 34.56, 38.27),
    ("Al-Bab", 36.37, 37.52),
]
FALLBACK_AGREEMENTS = [
    "Sochi agreement",
    "Astana process",
    "Moscow ceasefire protocol",
    "Manbij road map",
    "Adana agreement",
    "UN Security Council Resolution 2254",
]


class Command(BaseCommand):
    help = "Create many synthetic published events (bulk, deterministic with --seed) to measure the reader pages."

    def add_arguments(self, parser):
        parser.add_argument("--events", type=int, default=10_000, help="How many events to create.")
        parser.add_argument("--seed", type=int, default=1, help="Random seed; the same seed makes the same data.")
        parser.add_argument("--start", default="2011-03-01", help="First possible date (YYYY-MM-DD).")
        parser.add_argument("--end", default="2024-12-31", help="Last possible date (YYYY-MM-DD).")
        parser.add_argument("--batch", type=int, default=5_000, help="Rows per INSERT.")
        parser.add_argument("--clear", action="store_true", help="Delete earlier synthetic events first.")

    def handle(self, *args, events, seed, start, end, batch, clear, **options):
        if events < 0:
            raise CommandError("--events must be zero or more.")
        try:
            first, last = dt.date.fromisoformat(start), dt.date.fromisoformat(end)
        except ValueError as error:
            raise CommandError(f"--start and --end take YYYY-MM-DD: {error}") from None
        if last < first:
            raise CommandError("--end is before --start.")
        began = time.monotonic()
        with transaction.atomic():
            if clear:
                deleted, _ = Event.objects.filter(summary=MARK).delete()
                self.stdout.write(f"Deleted {deleted} synthetic rows.")
            created = seed_events(events, rng=random.Random(seed), first=first, last=last, batch=batch)
        invalidate_charts()
        self.stdout.write(
            self.style.SUCCESS(f"Created {created} published synthetic events in {time.monotonic() - began:.1f} s.")
        )


def curated_or_fallback():
    """Return the actors, mapped places and agreements to draw from, creating a few if there are none."""
    actors = list(Actor.objects.order_by("pk"))
    if not actors:
        for name, kind in FALLBACK_ACTORS:
            Actor.objects.get_or_create(name=name, defaults={"kind": kind})
        actors = list(Actor.objects.order_by("pk"))
    places = list(Place.objects.exclude(latitude=None).exclude(longitude=None).order_by("pk"))
    if not places:
        for name, lat, lon in FALLBACK_PLACES:
            Place.objects.get_or_create(name=name, defaults={"kind": "city", "latitude": lat, "longitude": lon})
        places = list(Place.objects.exclude(latitude=None).order_by("pk"))
    agreements = list(Agreement.objects.order_by("pk"))
    if not agreements:
        for name in FALLBACK_AGREEMENTS:
            Agreement.objects.get_or_create(name=name)
        agreements = list(Agreement.objects.order_by("pk"))
    return actors, places, agreements


def zipf_weights(n: int) -> list[float]:
    """A few actors and places dominate, as in the news."""
    return [1 / (rank + 1) ** 0.9 for rank in range(n)]


def seed_events(count: int, *, rng: random.Random, first: dt.date, last: dt.date, batch: int = 5_000) -> int:
    """Create `count` published events with actors, places and agreements; return how many."""
    actors, places, agreements = curated_or_fallback()
    actor_weights, place_weights = zipf_weights(len(actors)), zipf_weights(len(places))
    kinds, kind_weights = list(KIND_WEIGHTS), list(KIND_WEIGHTS.values())
    span = (last - first).days
    relations = [value for value, _ in EventAgreement.Relation.choices]
    roles = [value for value, _ in EventActor.Role.choices]
    created = 0
    while created < count:
        size = min(batch, count - created)
        plans = []
        for _ in range(size):
            # Waves of activity: more events in some years than others.
            offset = int(span * (rng.betavariate(2.2, 1.6) if rng.random() < 0.6 else rng.random()))
            day = first + dt.timedelta(days=offset)
            roll = rng.random()
            precision = Precision.DAY if roll < 0.8 else Precision.MONTH if roll < 0.95 else Precision.YEAR
            start = PartialDate.from_date(day, precision)
            end = None
            if precision == Precision.DAY and rng.random() < 0.05:
                end = PartialDate.from_date(day + dt.timedelta(days=rng.randint(1, 20)), Precision.DAY)
            kind = rng.choices(kinds, kind_weights)[0]
            event_actors = {a.pk: a for a in rng.choices(actors, actor_weights, k=rng.choice((1, 1, 2, 2, 2, 3)))}
            event_places = {p.pk: p for p in rng.choices(places, place_weights, k=rng.choice((0, 1, 1, 1, 2)))}
            agreement = rng.choice(agreements) if rng.random() < 0.2 else None
            lead = next(iter(event_actors.values()))
            where = next(iter(event_places.values())).name if event_places else "northern Syria"
            event = Event(
                title=f"{lead.name} {VERBS[kind]} {where}",
                summary=MARK,
                kind=kind,
                status=Event.Status.PUBLISHED,
                date_start=start.first,
                precision=precision,
                date_end=end.first if end else None,
                date_last=max(start.last, end.last) if end else start.last,
                precision_rank=PRECISION_RANK[precision],
            )
            plans.append((event, list(event_actors), list(event_places), agreement))
        Event.objects.bulk_create([plan[0] for plan in plans], batch_size=batch)
        EventActor.objects.bulk_create(
            [
                EventActor(event_id=event.pk, actor_id=actor_id, role=rng.choice(roles))
                for event, actor_ids, _, _ in plans
                for actor_id in actor_ids
            ],
            batch_size=batch,
        )
        Event.places.through.objects.bulk_create(
            [
                Event.places.through(event_id=event.pk, place_id=place_id)
                for event, _, place_ids, _ in plans
                for place_id in place_ids
            ],
            batch_size=batch,
        )
        EventAgreement.objects.bulk_create(
            [
                EventAgreement(event_id=event.pk, agreement_id=agreement.pk, relation=rng.choice(relations))
                for event, _, _, agreement in plans
                if agreement is not None
            ],
            batch_size=batch,
        )
        created += size
    return created
