"""Reader pages. Only published events are ever shown here.

Charts are built from aggregates in `tracker.selectors`, drawn by the pure
functions in `tracker.charts`, cached until published events change, and
handed to the page as JSON (`json_script`) for `static/tracker/charts.js`.
"""

from urllib.parse import urlencode, urlsplit

from django.core.paginator import Paginator
from django.db import connection
from django.db.models import F
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.utils.html import json_script
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from tracker import charts, selectors
from tracker.filters import EventFilter
from tracker.models import Actor, Agreement, AgreementParty, Event, EventActor, EventAgreement, Place

PAGE_SIZE = 50
LANES = {"kind": "Kind", "actor": "Actor"}
# Query parameters that change what is shown but not which events.
VIEW_PARAMS = ("page", "lanes", "order")


def _lanes(request) -> str:
    lanes = request.GET.get("lanes", "kind")
    return lanes if lanes in LANES else "kind"


def _chart(fig, data_id: str) -> dict:
    """Return a chart for `_chart.html`: its element id and its JSON, escaped by `json_script` once, when built.

    Cached as the finished element, so a warm page does not serialise hundreds of kilobytes again.
    """
    return {"id": data_id, "script": json_script(charts.to_payload(fig), data_id)}


def _timeline_chart(
    data: selectors.TimelineData,
    *,
    data_id: str = "timeline-data",
    title: str = "",
    group_title: str = "Agreement",
    colours: dict | None = None,
) -> dict:
    if data.mode == "events":
        fig = charts.timeline_figure(
            data.events, lanes=data.lanes, groups=data.groups, group_title=group_title, title=title, colours=colours
        )
    else:
        fig = charts.density_figure(data.cells, lanes=data.lanes, total=data.total, title=title)
    return {"figure": _chart(fig, data_id), "mode": data.mode, "total": data.total}


FILTER_LABELS = {
    "q": "Search text",
    "actor": "Actors",
    "kind": "Kinds",
    "agreement": "Agreement",
    "place": "Place",
    "date_from": "From",
    "date_to": "To",
    "precision": "Date known to the",
}


def _filtered(request) -> EventFilter:
    """Bind the event filters to the query, with labels for readers."""
    filterset = EventFilter(request.GET or None, queryset=selectors.published_events())
    for name, label in FILTER_LABELS.items():
        if name in filterset.form.fields:
            filterset.form.fields[name].label = label
    filterset.form.fields["q"].widget.attrs.setdefault("placeholder", "Words in the title or summary")
    # Validate now: an invalid filter is reported on the form and left out.
    filterset.form.is_valid()
    return filterset


def _filter_fields(filterset: EventFilter, names: str) -> list:
    """Return the form's fields to show, in reading order, with labels for readers."""
    form = filterset.form
    return [form[name] for name in names.split() if name in form.fields]


def _filter_params(request) -> dict:
    """Return the filter part of the query, in a stable form for cache keys and links."""
    return {key: sorted(request.GET.getlist(key)) for key in sorted(request.GET) if key not in VIEW_PARAMS}


def _filter_query(request) -> str:
    query = request.GET.copy()
    for key in VIEW_PARAMS:
        query.pop(key, None)
    return query.urlencode()


def _page(request, qs, size=PAGE_SIZE, count: int | None = None):
    paginator = Paginator(qs, size)
    if count is not None:
        paginator.count = count  # a cached_property: set, it is not computed
    return paginator.get_page(request.GET.get("page"))


@require_safe
def overview(request):
    lanes = _lanes(request)

    def build():
        qs = selectors.published_events()
        rows = selectors.kind_month_rows(qs)
        counts, year_only = selectors.kind_month_counts(qs, rows=rows)
        colours = selectors.kind_colours()
        return {
            "numbers": selectors.headline_numbers(),
            "timeline": _timeline_chart(selectors.timeline_data(qs, lanes=lanes, kind_rows=rows)),
            "monthly": _chart(
                charts.monthly_figure(counts, series=list(colours), colours=colours, year_only=year_only),
                "monthly-data",
            ),
            "actors": _chart(charts.bar_figure(selectors.top_actors(qs)), "actors-data"),
        }

    context = selectors.cached("overview", {"lanes": lanes}, build)
    recent = selectors.event_list(selectors.published_events().recent_first())[:10]
    return render(
        request, "tracker/overview.html", {**context, "lanes": lanes, "lane_choices": LANES, "recent": recent}
    )


@require_safe
def timeline(request):
    filterset = _filtered(request)
    lanes = _lanes(request)
    qs = filterset.qs
    chart = selectors.cached(
        "timeline",
        {"filters": _filter_params(request), "lanes": lanes},
        lambda: _timeline_chart(selectors.timeline_data(qs, lanes=lanes, base=request.GET)),
    )
    oldest = request.GET.get("order") == "oldest"
    ordered = qs.chronological() if oldest else qs.recent_first()
    view_params = {key: value for key, value in (("lanes", lanes), ("order", "oldest")) if value != "kind"}
    if not oldest:
        view_params.pop("order")
    # The chart counted these events already: the paginator need not count them again.
    page = _page(request, selectors.event_list(ordered), count=chart["total"])
    return render(
        request,
        "tracker/timeline.html",
        {
            "filter": filterset,
            "fields": _filter_fields(filterset, "q date_from date_to actor kind agreement place precision"),
            "chart": chart,
            "page": page,
            "lanes": lanes,
            "lane_choices": LANES,
            "order": request.GET.get("order", "newest"),
            "query": _filter_query(request),
            "extra": urlencode(view_params),
            "keep": view_params,
        },
    )


@require_safe
def actor_index(request):
    counts = selectors.cached("actor-counts", {}, selectors.actor_event_counts)
    actors = list(Actor.objects.order_by("kind", "name").only("pk", "name", "slug", "kind"))
    for actor in actors:
        actor.event_count = counts.get(actor.pk, 0)
    return render(request, "tracker/actor_index.html", {"actors": actors, "kinds": dict(Actor.Kind.choices)})


@require_safe
def actor_detail(request, slug):
    actor = get_object_or_404(Actor.objects.prefetch_related("aliases"), slug=slug)

    def build():
        counts, year_only = selectors.actor_month_counts(actor)
        roles = [label for _, label in EventActor.Role.choices]
        return {
            "involvement": _chart(charts.monthly_figure(counts, series=roles, year_only=year_only), "involvement-data"),
            "partners": _chart(charts.bar_figure(selectors.co_actors(actor), x_title="shared events"), "partners-data"),
            "total": sum(n for _, _, n in counts) + year_only,
        }

    context = selectors.cached("actor", {"pk": actor.pk}, build)
    recent = selectors.event_list(selectors.published_events().involving(actor).recent_first())[:20]
    return render(
        request,
        "tracker/actor_detail.html",
        {
            **context,
            "actor": actor,
            "recent": recent,
            "relations": selectors.actor_relations(actor),
            "agreement_roles": selectors.actor_agreements(actor),
        },
    )


@require_safe
def place_index(request):
    counts = selectors.cached("place-counts", {}, selectors.place_event_counts)
    places = list(Place.objects.select_related("parent").order_by("name"))
    for place in places:
        place.event_count = counts.get(place.pk, 0)
    return render(request, "tracker/place_index.html", {"places": places})


@require_safe
def place_detail(request, slug):
    place = get_object_or_404(Place.objects.select_related("parent"), slug=slug)
    place_ids = selectors.place_and_descendants(place)
    events = selectors.published_events().filter(places__in=place_ids).distinct()

    def build():
        counts, year_only = selectors.kind_month_counts(events)
        colours = selectors.kind_colours()
        points, _ = selectors.map_points(events, place_ids=place_ids)
        if not points and place.latitude is not None and place.longitude is not None:
            points = [charts.MapPoint(place.name, place.latitude, place.longitude, 0, place.get_absolute_url())]
        return {
            "monthly": _chart(
                charts.monthly_figure(counts, series=list(colours), colours=colours, year_only=year_only),
                "monthly-data",
            ),
            "map": _chart(charts.map_figure(points, height=420), "map-data"),
        }

    context = selectors.cached("place", {"pk": place.pk}, build)
    page = _page(request, selectors.event_list(events.recent_first()))
    children = place.children.order_by("name")
    return render(request, "tracker/place_detail.html", {**context, "place": place, "page": page, "children": children})


@require_safe
def agreement_index(request):
    counts = selectors.cached("agreement-counts", {}, selectors.agreement_event_counts)
    agreements = list(Agreement.objects.order_by(F("date").desc(nulls_last=True), "name"))
    for agreement in agreements:
        agreement.event_count = counts.get(agreement.pk, 0)
    return render(request, "tracker/agreement_index.html", {"agreements": agreements})


@require_safe
def agreement_detail(request, slug):
    agreement = get_object_or_404(Agreement, slug=slug)
    chart = selectors.cached(
        "agreement",
        {"pk": agreement.pk},
        lambda: _timeline_chart(
            selectors.agreement_timeline(agreement),
            data_id="agreement-timeline-data",
            group_title="Kind",
            colours=selectors.kind_colours(),
        ),
    )
    parties = AgreementParty.objects.filter(agreement=agreement).select_related("actor").order_by("role", "actor__name")
    events = (
        selectors.published_events()
        .filter(agreement_links__agreement=agreement)
        .annotate(relation=F("agreement_links__relation"))
        .chronological()
    )
    return render(
        request,
        "tracker/agreement_detail.html",
        {
            "agreement": agreement,
            "chart": chart,
            "parties": parties,
            "places": agreement.places.order_by("name"),
            "page": _page(request, selectors.event_list(events)),
            "relations": dict(EventAgreement.Relation.choices),
        },
    )


@require_safe
def event_detail(request, pk):
    try:
        event = selectors.event_detail(pk)
    except Event.DoesNotExist:
        raise Http404("No published event has this number.") from None
    for source in event.sources.all():
        # Ingestion does not validate URLs: link only to web pages, never javascript: and the like.
        url = source.article.url or ""
        source.safe_url = url if urlsplit(url).scheme in {"http", "https"} else ""
    return render(request, "tracker/event_detail.html", {"event": event})


@require_safe
def event_map(request):
    filterset = _filtered(request)
    qs = filterset.qs

    def build():
        points, unmapped = selectors.map_points(qs)
        return {
            "map": _chart(charts.map_figure(points), "map-data"),
            "unmapped": [(place.name, place.get_absolute_url(), n) for place, n in unmapped],
            "mapped": len(points),
        }

    context = selectors.cached("map", {"filters": _filter_params(request)}, build)
    fields = _filter_fields(filterset, "q date_from date_to actor kind agreement")
    return render(
        request, "tracker/map.html", {**context, "filter": filterset, "fields": fields, "query": _filter_query(request)}
    )


@require_safe
def matrix(request):
    filterset = _filtered(request)
    qs = filterset.qs

    def build():
        actors, pairs = selectors.cooccurrence(qs)
        months, per_month = selectors.actor_months(qs, actors)
        names = [actor.name for actor in actors]
        pair_urls = [[actor.get_absolute_url() for _ in actors] for actor in actors]
        link = selectors.timeline_linker(request.GET, ("actor", "date_from", "date_to"))
        month_urls = [
            [link(actor=actor.slug, date_from=f"{m:%Y-%m}", date_to=f"{m:%Y-%m}") for m in months] for actor in actors
        ]
        return {
            "pairs": _chart(
                charts.heatmap_figure(
                    pairs, x=names, y=names, urls=pair_urls, hover="%{y} with %{x}: %{z} shared events"
                ),
                "pairs-data",
            ),
            "months": _chart(
                charts.heatmap_figure(
                    per_month,
                    x=[m.isoformat() for m in months],
                    y=names,
                    urls=month_urls,
                    x_dates=True,
                    hover="%{y}, %{x|%B %Y}: %{z} events",
                ),
                "months-data",
            ),
        }

    context = selectors.cached("matrix", {"filters": _filter_params(request)}, build)
    fields = _filter_fields(filterset, "date_from date_to agreement")
    return render(
        request,
        "tracker/matrix.html",
        {**context, "filter": filterset, "fields": fields, "query": _filter_query(request)},
    )


@never_cache
@require_safe
def health(request):
    """Report whether the web process can reach its database."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        return JsonResponse({"status": "ok", "database": "ok"})
    except Exception as error:  # noqa: BLE001 - a health check reports any failure
        return JsonResponse({"status": "error", "database": str(error.__class__.__name__)}, status=503)
