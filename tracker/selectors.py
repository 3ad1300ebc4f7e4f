"""Cross-model reads for the reader pages, their charts and the API's aggregates.

Every function here reads published events only (or is handed a queryset
that is already limited to them). Aggregates come out of the database as
counts, never as 100,000 rows; raw events are read only for small windows.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import time
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urlencode

from django.core.cache import cache
from django.db import transaction
from django.db.models import Count, Exists, Max, Min, OuterRef, Prefetch, Q, QuerySet
from django.db.models.functions import TruncMonth
from django.http import QueryDict
from django.urls import reverse

from tracker.charts import SERIES_PALETTE, Bar, DensityCell, MapPoint, TimelineEvent
from tracker.extract.partial_date import PartialDate
from tracker.models import (
    Actor,
    ActorRelation,
    Agreement,
    AgreementParty,
    Article,
    Event,
    EventActor,
    EventAgreement,
    EventSource,
    Place,
    Precision,
)

# A figure draws events one by one up to this many; above, it draws monthly counts.
RAW_LIMIT = 2000
LANE_LIMIT = 12
GROUP_LIMIT = 7
MATRIX_ACTORS = 20
NO_ACTOR, OTHER_ACTORS = "No actor named", "Other actors"
NO_AGREEMENT, OTHER_AGREEMENTS = "No agreement", "Other agreements"

PUBLISHED = Event.Status.PUBLISHED
KIND_LABELS = dict(Event.Kind.choices)
KIND_ORDER = [value for value, _ in Event.Kind.choices]


# --- Cache -----------------------------------------------------------------

CACHE_VERSION_KEY = "tracker:charts:version"


def cache_version() -> int:
    version = cache.get(CACHE_VERSION_KEY)
    if version is None:
        # Start from the clock, so a version key lost from the cache never revives old entries.
        cache.add(CACHE_VERSION_KEY, int(time.time() * 1000), timeout=None)
        version = cache.get(CACHE_VERSION_KEY, 0)
    return version


def _bump() -> None:
    try:
        cache.incr(CACHE_VERSION_KEY)
    except ValueError:
        cache.set(CACHE_VERSION_KEY, int(time.time() * 1000), timeout=None)


def _bump_and_warm() -> None:
    from tracker.warmup import schedule_warm_up

    _bump()
    schedule_warm_up()


def invalidate_charts() -> None:
    """Make every cached chart stale, now and again when the transaction commits.

    Bumping only now would let a reader cache the old data under the new
    version before the commit; bumping only on commit would leave tests (and
    anything else inside one long transaction) reading stale charts.
    """
    _bump()
    transaction.on_commit(_bump_and_warm)


def cached(name: str, params: dict, build: Callable[[], object], timeout: int | None = None):
    """Return `build()`, cached under `name` and `params` until published events change."""
    digest = hashlib.sha256(json.dumps(params, sort_keys=True, default=str).encode()).hexdigest()[:32]
    key = f"tracker:chart:{cache_version()}:{name}:{digest}"
    value = cache.get(key)
    if value is None:
        value = build()
        cache.set(key, value, timeout if timeout is not None else 600)
    return value


# --- Helpers -----------------------------------------------------------------


def public(prefix: str = "") -> Q:
    """Return the condition for a public event: published and not merged into another."""
    return Q(**{f"{prefix}status": PUBLISHED, f"{prefix}merged_into__isnull": True})


def published_events() -> QuerySet[Event]:
    return Event.objects.published().filter(merged_into__isnull=True)


def flat(qs: QuerySet[Event]) -> QuerySet[Event]:
    """Return `qs` without joins, so counts over it count each event once."""
    joined = sum(1 for count in qs.query.alias_refcount.values() if count) > 1
    if qs.query.distinct or joined:
        return Event.objects.filter(pk__in=qs.order_by().values("pk"))
    return qs.order_by()


def date_text(start: dt.date, precision: str, end: dt.date | None = None) -> str:
    text = PartialDate.from_date(start, precision).display()
    if end:
        text += f" – {PartialDate.from_date(end, precision).display()}"
    return text


def timeline_linker(base: QueryDict | None, keys: tuple[str, ...]) -> Callable[..., str]:
    """Return a function making timeline URLs: `base`'s filters, with `keys` set per call.

    Encodes the fixed part once: a chart may need thousands of these links.
    """
    query = base.copy() if base is not None else QueryDict(mutable=True)
    for drop in ("page", "lanes", "order", *keys):
        query.pop(drop, None)
    prefix = reverse("timeline") + "?" + (query.urlencode() + "&" if query else "")

    def link(**params) -> str:
        return prefix + urlencode(params, doseq=True)

    return link


def timeline_url(base: QueryDict | None = None, **params) -> str:
    """Return the timeline's URL for `base`'s filters with `params` replacing theirs."""
    return timeline_linker(base, tuple(params))(**params)


# --- Headline numbers --------------------------------------------------------


def _count_in_public_events(model, links, field: str) -> int:
    """Count rows of `model` linked to at least one public event (EXISTS stops at the first)."""
    return model.objects.filter(Exists(links.filter(public("event__"), **{field: OuterRef("pk")}))).count()


def headline_numbers() -> dict:
    """Return counts of what is public: events, actors, places, agreements, source articles, and the span."""
    span = published_events().aggregate(events=Count("pk"), first=Min("date_start"), last=Max("date_last"))
    return {
        **span,
        "actors": _count_in_public_events(Actor, EventActor.objects, "actor"),
        "places": _count_in_public_events(Place, Event.places.through.objects, "place"),
        "agreements": _count_in_public_events(Agreement, EventAgreement.objects, "agreement"),
        "sources": _count_in_public_events(Article, EventSource.objects, "article"),
    }


# --- Timelines ---------------------------------------------------------------


@dataclass
class TimelineData:
    """What a timeline chart draws: single events, or counts per lane and month."""

    mode: str  # "events" or "density"
    total: int
    events: list[TimelineEvent]
    cells: list[DensityCell]
    lanes: list[str]
    groups: list[str]


def timeline_data(
    qs: QuerySet[Event],
    *,
    lanes: str = "kind",
    base: QueryDict | None = None,
    kind_rows: list[dict] | None = None,
) -> TimelineData:
    """Read events one by one when they are few, else counts per lane and month.

    `kind_rows` (from `kind_month_rows`) saves a pass when the caller has it already.
    """
    qs = flat(qs)
    total = sum(row["n"] for row in kind_rows) if kind_rows is not None else qs.count()
    if total <= RAW_LIMIT:
        events, lane_names, groups = timeline_events(qs, lanes=lanes)
        return TimelineData("events", total, events, [], lane_names, groups)
    cells, lane_names = density_cells(qs, lanes=lanes, base=base, kind_rows=kind_rows)
    return TimelineData("density", total, [], cells, lane_names, [])


def _event_rows(qs: QuerySet[Event], limit: int) -> tuple[list[dict], dict, dict]:
    rows = list(
        qs.order_by("date_start", "precision_rank", "pk").values(
            "pk", "title", "date_start", "date_last", "date_end", "precision", "kind"
        )[:limit]
    )
    ids = [row["pk"] for row in rows]
    actors: dict[int, list[tuple[str, str]]] = defaultdict(list)
    for event_id, name, slug in (
        EventActor.objects.filter(event_id__in=ids)
        .order_by("actor__name")
        .values_list("event_id", "actor__name", "actor__slug")
    ):
        actors[event_id].append((name, slug))
    agreements: dict[int, list[tuple[str, str]]] = defaultdict(list)
    for event_id, name, relation in (
        EventAgreement.objects.filter(event_id__in=ids)
        .order_by("agreement__name")
        .values_list("event_id", "agreement__name", "relation")
    ):
        agreements[event_id].append((name, relation))
    return rows, actors, agreements


def _timeline_event(row, *, lane, group, actors) -> TimelineEvent:
    return TimelineEvent(
        url=reverse("event-detail", args=[row["pk"]]),
        title=row["title"],
        start=row["date_start"],
        last=row["date_last"],
        precision=row["precision"],
        date_text=date_text(row["date_start"], row["precision"], row["date_end"]),
        kind=KIND_LABELS.get(row["kind"], row["kind"]),
        lane=lane,
        group=group,
        actors=tuple(name for name, _ in actors),
        deadline=row["kind"] == Event.Kind.DEADLINE,
    )


def timeline_events(
    qs: QuerySet[Event], *, lanes: str = "kind", limit: int = RAW_LIMIT
) -> tuple[list[TimelineEvent], list[str], list[str]]:
    """Return events for the timeline, in lanes by kind or by actor, coloured by agreement.

    Lanes by actor put an event in the lane of each of the most involved
    actors it names, so it may appear more than once.
    """
    rows, actors, agreements = _event_rows(qs, limit)
    agreement_counts = Counter(name for links in agreements.values() for name, _ in links)
    top_agreements = [name for name, _ in agreement_counts.most_common(GROUP_LIMIT)]

    def group_of(pk):
        names = [name for name, _ in agreements.get(pk, [])]
        if not names:
            return NO_AGREEMENT
        return next((name for name in top_agreements if name in names), OTHER_AGREEMENTS)

    events = []
    if lanes == "actor":
        actor_counts = Counter(name for names in actors.values() for name, _ in names)
        top = [name for name, _ in actor_counts.most_common(LANE_LIMIT)]
        for row in rows:
            named = actors.get(row["pk"], [])
            in_lanes = [name for name, _ in named if name in top] or ([OTHER_ACTORS] if named else [NO_ACTOR])
            for lane in in_lanes:
                events.append(_timeline_event(row, lane=lane, group=group_of(row["pk"]), actors=named))
        lane_names = top + [name for name in (OTHER_ACTORS, NO_ACTOR) if any(e.lane == name for e in events)]
    else:
        for row in rows:
            events.append(
                _timeline_event(
                    row,
                    lane=KIND_LABELS.get(row["kind"], row["kind"]),
                    group=group_of(row["pk"]),
                    actors=actors.get(row["pk"], []),
                )
            )
        present = {row["kind"] for row in rows}
        lane_names = [KIND_LABELS[kind] for kind in KIND_ORDER if kind in present]
    groups = top_agreements + [
        name for name in (OTHER_AGREEMENTS, NO_AGREEMENT) if any(e.group == name for e in events)
    ]
    return events, lane_names, groups


def _period(month: dt.date, precision: str) -> tuple[dt.date, str, str]:
    """Return a density cell's first day, its precision, and the partial date that filters it."""
    if precision == Precision.YEAR:
        return dt.date(month.year, 1, 1), Precision.YEAR, f"{month.year:04d}"
    return month, Precision.MONTH, f"{month.year:04d}-{month.month:02d}"


def density_cells(
    qs: QuerySet[Event], *, lanes: str = "kind", base: QueryDict | None = None, kind_rows: list[dict] | None = None
) -> tuple[list[DensityCell], list[str]]:
    """Count events per lane and month (per year for events known only to the year)."""
    counts: Counter = Counter()
    labels: dict[str, str] = {}
    if lanes == "actor":
        rows = (
            EventActor.objects.filter(event__in=flat(qs).values("pk"))
            .values("actor__slug", "actor__name", "event__precision", month=TruncMonth("event__date_start"))
            .annotate(n=Count("pk"))
            .order_by()
        )
        totals: Counter = Counter()
        for row in rows:
            labels[row["actor__slug"]] = row["actor__name"]
            counts[(row["actor__slug"], *_period(row["month"], row["event__precision"]))] += row["n"]
            totals[row["actor__slug"]] += row["n"]
        keys = [slug for slug, _ in totals.most_common(LANE_LIMIT)]
        param = "actor"
    else:
        for row in kind_month_rows(qs) if kind_rows is None else kind_rows:
            labels[row["kind"]] = KIND_LABELS.get(row["kind"], row["kind"])
            counts[(row["kind"], *_period(row["month"], row["precision"]))] += row["n"]
        keys = [kind for kind in KIND_ORDER if kind in labels]
        param = "kind"
    wanted = set(keys)
    link = timeline_linker(base, (param, "date_from", "date_to"))
    cells = [
        DensityCell(
            lane=labels[key],
            start=start,
            precision=precision,
            count=n,
            url=link(**{param: key, "date_from": partial, "date_to": partial}),
        )
        for (key, start, precision, partial), n in sorted(counts.items(), key=lambda item: item[0][1])
        if key in wanted
    ]
    return cells, [labels[key] for key in keys]


def kind_month_rows(qs: QuerySet[Event]) -> list[dict]:
    """Count events by kind, precision and month: one pass that several charts share."""
    return list(flat(qs).values("kind", "precision", month=TruncMonth("date_start")).annotate(n=Count("pk")).order_by())


def kind_month_counts(
    qs: QuerySet[Event], *, rows: list[dict] | None = None
) -> tuple[list[tuple[dt.date, str, int]], int]:
    """Return (month, kind label, count) for events known to the month or day, and how many know only the year."""
    rows = kind_month_rows(qs) if rows is None else rows
    counts, year_only = [], 0
    for row in rows:
        if row["precision"] == Precision.YEAR:
            year_only += row["n"]
        else:
            counts.append((row["month"], KIND_LABELS.get(row["kind"], row["kind"]), row["n"]))
    return counts, year_only


def kind_colours() -> dict[str, str]:
    return {KIND_LABELS[kind]: SERIES_PALETTE[i % len(SERIES_PALETTE)] for i, kind in enumerate(KIND_ORDER)}


def top_actors(qs: QuerySet[Event], n: int = 15) -> list[Bar]:
    """Return the actors named in most of these events."""
    rows = (
        EventActor.objects.filter(event__in=flat(qs).values("pk"))
        .values("actor__name", "actor__slug")
        .annotate(n=Count("pk"))
        .order_by("-n", "actor__name")[:n]
    )
    return [Bar(row["actor__name"], row["n"], reverse("actor-detail", args=[row["actor__slug"]])) for row in rows]


# --- Actors ------------------------------------------------------------------


def actor_month_counts(actor: Actor) -> tuple[list[tuple[dt.date, str, int]], int]:
    """Return (month, role label, count) of an actor's published events, and how many know only the year."""
    roles = dict(EventActor.Role.choices)
    rows = (
        EventActor.objects.filter(public("event__"), actor=actor)
        .values("role", "event__precision", month=TruncMonth("event__date_start"))
        .annotate(n=Count("pk"))
        .order_by()
    )
    counts, year_only = [], 0
    for row in rows:
        if row["event__precision"] == Precision.YEAR:
            year_only += row["n"]
        else:
            counts.append((row["month"], roles.get(row["role"], row["role"]), row["n"]))
    return counts, year_only


def co_actors(actor: Actor, n: int = 15) -> list[Bar]:
    """Return the actors that appear in most published events with `actor`."""
    rows = (
        EventActor.objects.filter(public("event__"), event__actor_roles__actor=actor)
        .exclude(actor=actor)
        .values("actor__name", "actor__slug")
        .annotate(n=Count("pk"))
        .order_by("-n", "actor__name")[:n]
    )
    return [Bar(row["actor__name"], row["n"], reverse("actor-detail", args=[row["actor__slug"]])) for row in rows]


def actor_relations(actor: Actor) -> list[ActorRelation]:
    return list(
        ActorRelation.objects.filter(Q(actor=actor) | Q(other=actor))
        .select_related("actor", "other")
        .order_by("kind", "start", "pk")
    )


def actor_agreements(actor: Actor) -> list[AgreementParty]:
    return list(AgreementParty.objects.filter(actor=actor).select_related("agreement").order_by("agreement__name"))


def actor_event_counts() -> dict[int, int]:
    """Return each actor's number of published events."""
    rows = EventActor.objects.filter(public("event__")).values("actor_id").annotate(n=Count("pk")).order_by()
    return {row["actor_id"]: row["n"] for row in rows}


def place_event_counts() -> dict[int, int]:
    rows = Event.places.through.objects.filter(public("event__")).values("place_id").annotate(n=Count("pk")).order_by()
    return {row["place_id"]: row["n"] for row in rows}


def agreement_event_counts() -> dict[int, int]:
    rows = EventAgreement.objects.filter(public("event__")).values("agreement_id").annotate(n=Count("pk")).order_by()
    return {row["agreement_id"]: row["n"] for row in rows}


# --- Agreements --------------------------------------------------------------


def agreement_timeline(agreement: Agreement, *, base: QueryDict | None = None) -> TimelineData:
    """Return an agreement's events in lanes by relation (signs, implements…), coloured by kind."""
    relations = dict(EventAgreement.Relation.choices)
    links = EventAgreement.objects.filter(public("event__"), agreement=agreement)
    total = links.count()
    lane_order = [relations[value] for value, _ in EventAgreement.Relation.choices]
    if total > RAW_LIMIT:
        rows = (
            links.values("relation", "event__precision", month=TruncMonth("event__date_start"))
            .annotate(n=Count("pk"))
            .order_by()
        )
        counts: Counter = Counter()
        for row in rows:
            counts[(row["relation"], *_period(row["month"], row["event__precision"]))] += row["n"]
        link = timeline_linker(base, ("agreement", "date_from", "date_to"))
        cells = [
            DensityCell(
                lane=relations[relation],
                start=start,
                precision=precision,
                count=n,
                url=link(agreement=agreement.slug, date_from=partial, date_to=partial),
            )
            for (relation, start, precision, partial), n in sorted(counts.items(), key=lambda item: item[0][1])
        ]
        present = {cell.lane for cell in cells}
        return TimelineData("density", total, [], cells, [lane for lane in lane_order if lane in present], [])
    relation_of = dict(links.values_list("event_id", "relation"))
    rows, actors, _ = _event_rows(Event.objects.filter(pk__in=list(relation_of)), RAW_LIMIT)
    events = [
        _timeline_event(
            row,
            lane=relations[relation_of[row["pk"]]],
            group=KIND_LABELS.get(row["kind"], row["kind"]),
            actors=actors.get(row["pk"], []),
        )
        for row in rows
    ]
    present_lanes = {e.lane for e in events}
    present_kinds = {row["kind"] for row in rows}
    return TimelineData(
        "events",
        total,
        events,
        [],
        [lane for lane in lane_order if lane in present_lanes],
        [KIND_LABELS[kind] for kind in KIND_ORDER if kind in present_kinds],
    )


# --- Places and the map ------------------------------------------------------


def place_and_descendants(place: Place, depth: int = 3) -> list[int]:
    """Return the ids of `place` and the places inside it, a few levels down."""
    ids, frontier = [place.pk], [place.pk]
    for _ in range(depth):
        frontier = list(Place.objects.filter(parent_id__in=frontier).exclude(pk__in=ids).values_list("pk", flat=True))
        if not frontier:
            break
        ids.extend(frontier)
    return ids


def map_points(qs: QuerySet[Event], *, place_ids: list[int] | None = None) -> tuple[list[MapPoint], list[tuple]]:
    """Return mapped places with their number of events, and the unmapped ones as (place, count)."""
    links = Event.places.through.objects.filter(event__in=flat(qs).values("pk"))
    if place_ids is not None:
        links = links.filter(place_id__in=place_ids)
    counts = dict(links.values("place_id").annotate(n=Count("pk")).order_by().values_list("place_id", "n"))
    points, unmapped = [], []
    for place in Place.objects.filter(pk__in=list(counts)).order_by("name"):
        n = counts[place.pk]
        if place.latitude is None or place.longitude is None:
            unmapped.append((place, n))
        else:
            points.append(MapPoint(place.name, place.latitude, place.longitude, n, place.get_absolute_url()))
    points.sort(key=lambda p: -p.count)
    unmapped.sort(key=lambda item: -item[1])
    return points, unmapped


# --- The involvement matrix --------------------------------------------------


def cooccurrence(qs: QuerySet[Event], n: int = MATRIX_ACTORS) -> tuple[list[Actor], list[list[int | None]]]:
    """Return the `n` most involved actors and how many events each pair shares."""
    event_ids = flat(qs).values("pk")
    top = list(
        EventActor.objects.filter(event__in=event_ids)
        .values("actor_id")
        .annotate(n=Count("pk"))
        .order_by("-n", "actor_id")
        .values_list("actor_id", flat=True)[:n]
    )
    actors = Actor.objects.in_bulk(top)
    ordered = [actors[pk] for pk in top]
    index = {pk: i for i, pk in enumerate(top)}
    matrix: list[list[int | None]] = [[0] * len(top) for _ in top]
    pairs = (
        EventActor.objects.filter(event__in=event_ids, actor_id__in=top, event__actor_roles__actor_id__in=top)
        .values("actor_id", "event__actor_roles__actor_id")
        .annotate(n=Count("pk"))
        .order_by()
    )
    for row in pairs:
        matrix[index[row["actor_id"]]][index[row["event__actor_roles__actor_id"]]] = row["n"]
    for i in range(len(top)):
        matrix[i][i] = None
    return ordered, matrix


def actor_months(qs: QuerySet[Event], actors: list[Actor]) -> tuple[list[dt.date], list[list[int]]]:
    """Return the months and, per actor, its number of events in each (events known to the year left out)."""
    rows = (
        EventActor.objects.filter(event__in=flat(qs).values("pk"), actor__in=actors)
        .exclude(event__precision=Precision.YEAR)
        .values("actor_id", month=TruncMonth("event__date_start"))
        .annotate(n=Count("pk"))
        .order_by()
    )
    counts = {(row["actor_id"], row["month"]): row["n"] for row in rows}
    if not counts:
        return [], [[] for _ in actors]
    first, last = min(m for _, m in counts), max(m for _, m in counts)
    months, month = [], first
    while month <= last:
        months.append(month)
        month = dt.date(month.year + month.month // 12, month.month % 12 + 1, 1)
    return months, [[counts.get((actor.pk, m), 0) for m in months] for actor in actors]


# --- Lists -------------------------------------------------------------------


def event_list(qs: QuerySet[Event]) -> QuerySet[Event]:
    """Return `qs` with what an event list shows: actors and places, in a fixed number of queries."""
    return qs.prefetch_related(
        Prefetch("actor_roles", queryset=EventActor.objects.select_related("actor").order_by("actor__name")),
        Prefetch("places", queryset=Place.objects.only("pk", "name", "slug")),
    )


def event_detail(pk: int) -> Event:
    """Return a published event with everything its page shows, or raise Event.DoesNotExist."""
    return (
        published_events()
        .prefetch_related(
            Prefetch("actor_roles", queryset=EventActor.objects.select_related("actor").order_by("actor__name")),
            Prefetch("agreement_links", queryset=EventAgreement.objects.select_related("agreement")),
            Prefetch("places", queryset=Place.objects.select_related("parent")),
            Prefetch(
                "sources",
                queryset=EventSource.objects.select_related("article").order_by("article__published", "char_start"),
            ),
        )
        .get(pk=pk)
    )
