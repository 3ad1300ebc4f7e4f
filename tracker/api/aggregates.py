"""Counts of events for charts and tools, computed in the database.

Each function takes an already filtered queryset of events (the caller
decides visibility) and returns plain rows.
"""

from __future__ import annotations

from django.db.models import Count, F
from django.db.models.functions import TruncMonth, TruncYear

from tracker.models import Actor, Event, EventActor, Precision

PERIODS = {"month": TruncMonth, "year": TruncYear}


def _label(day, period: str) -> str:
    return f"{day.year:04d}-{day.month:02d}" if period == "month" else f"{day.year:04d}"


def events_per_period(events, *, period: str = "month", by: str = "kind", top: int = 10) -> dict:
    """Count `events` per month or year, split by kind or by the `top` most frequent actors.

    A year-precision event says nothing about its month, so monthly counts
    leave it out and report how many were left out as `coarser`.
    """
    trunc = PERIODS[period]
    coarser = 0
    if period == "month":
        coarser = events.filter(precision=Precision.YEAR).count()
        events = events.exclude(precision=Precision.YEAR)
    ids = events.values("pk")
    if by == "kind":
        labels = dict(Event.Kind.choices)
        rows = (
            Event.objects.filter(pk__in=ids)
            .annotate(bucket=trunc("date_start"))
            .values("bucket", "kind")
            .annotate(count=Count("pk"))
            .order_by("bucket", "kind")
        )
        results = [
            {
                "period": _label(row["bucket"], period),
                "key": row["kind"],
                "label": labels.get(row["kind"], row["kind"]),
                "count": row["count"],
            }
            for row in rows
        ]
    else:
        roles = EventActor.objects.filter(event_id__in=ids)
        leaders = list(roles.values("actor_id").annotate(count=Count("event_id")).order_by("-count", "actor_id")[:top])
        actors = {a.pk: a for a in Actor.objects.filter(pk__in=[row["actor_id"] for row in leaders])}
        rows = (
            roles.filter(actor_id__in=actors)
            .annotate(bucket=trunc("event__date_start"))
            .values("bucket", "actor_id")
            .annotate(count=Count("event_id"))
            .order_by("bucket", "actor_id")
        )
        results = [
            {
                "period": _label(row["bucket"], period),
                "key": actors[row["actor_id"]].slug,
                "label": actors[row["actor_id"]].name,
                "count": row["count"],
            }
            for row in rows
        ]
    return {"period": period, "by": by, "coarser": coarser, "results": results}


def actor_pairs(events, *, limit: int = 100) -> list[dict]:
    """Return the pairs of actors that share the most `events`, with how many they share."""
    ids = events.values("pk")
    # EventActor joined with itself through the event: each unordered pair once.
    rows = list(
        EventActor.objects.filter(event_id__in=ids, event__actor_roles__actor_id__gt=F("actor_id"))
        .values("actor_id", other_id=F("event__actor_roles__actor_id"))
        .annotate(count=Count("event_id"))
        .order_by("-count", "actor_id", "other_id")[:limit]
    )
    wanted = {row["actor_id"] for row in rows} | {row["other_id"] for row in rows}
    actors = {a.pk: a for a in Actor.objects.filter(pk__in=wanted).only("slug", "name", "kind")}

    def ref(pk):
        actor = actors[pk]
        return {"slug": actor.slug, "name": actor.name, "kind": actor.kind}

    return [{"a": ref(row["actor_id"]), "b": ref(row["other_id"]), "count": row["count"]} for row in rows]
