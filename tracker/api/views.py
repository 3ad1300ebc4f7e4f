"""API views: thin wrappers that check access, filter, and hand rows to serializers."""

from django.core.exceptions import EmptyResultSet
from django.core.paginator import Paginator as DjangoPaginator
from django.db.models import Prefetch
from django.http import StreamingHttpResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.functional import cached_property
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiResponse, extend_schema, extend_schema_view, inline_serializer
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.generics import GenericAPIView
from rest_framework.pagination import CursorPagination, PageNumberPagination
from rest_framework.renderers import BaseRenderer, JSONRenderer
from rest_framework.response import Response

from tracker import exports, selectors
from tracker.api import aggregates
from tracker.api.filters import ApiEventFilter, PublicEventFilter
from tracker.api.permissions import CanIngestArticles, can_see_unpublished
from tracker.api.serializers import (
    ActorDetailSerializer,
    ActorSerializer,
    AgreementSerializer,
    ArticleReceiptSerializer,
    ArticleStatusSerializer,
    ArticleSubmitSerializer,
    EventSerializer,
    PlaceSerializer,
    event_prefetches,
)
from tracker.models import Actor, ActorRelation, Agreement, AgreementParty, Article, Event, Place

COUNT_SECONDS = 60


class StandardPagination(PageNumberPagination):
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200


class CachedCountPaginator(DjangoPaginator):
    """Count once per filter until published events change (or COUNT_SECONDS pass).

    Counting 100,000 rows costs more than fetching a page of 50; a client
    walking pages, or many readers on the same filter, pay for it once.
    """

    @cached_property
    def count(self):
        try:
            sql = str(self.object_list.query)
        except EmptyResultSet:
            return 0
        return selectors.cached("api-event-count", {"sql": sql}, self.object_list.count, timeout=COUNT_SECONDS)


class EventPagination(StandardPagination):
    def paginate_queryset(self, queryset, request, view=None):
        # Candidate counts change with every parse (bulk writes that send no signal): count those afresh.
        public = getattr(request, "events_public_only", False)
        self.django_paginator_class = CachedCountPaginator if public else DjangoPaginator
        return super().paginate_queryset(queryset, request, view)


class SyncPagination(CursorPagination):
    """Walk every change in order of update: stable while rows change, no count."""

    page_size = 200
    page_size_query_param = "page_size"
    max_page_size = 1000
    ordering = ("updated_at", "pk")


# --- Curated data --------------------------------------------------------------


@extend_schema(tags=["actors"])
class ActorViewSet(viewsets.ReadOnlyModelViewSet):
    """States, armed groups, organisations and persons, with their aliases and relations."""

    lookup_field = "slug"
    pagination_class = StandardPagination
    filter_backends = []

    def get_queryset(self):
        actors = Actor.objects.order_by("name")
        if self.action == "retrieve":
            actors = actors.prefetch_related(
                "aliases",
                Prefetch("relations", queryset=ActorRelation.objects.select_related("other")),
                Prefetch("related_from", queryset=ActorRelation.objects.select_related("actor")),
            )
        return actors

    def get_serializer_class(self):
        return ActorDetailSerializer if self.action == "retrieve" else ActorSerializer


@extend_schema(tags=["places"])
class PlaceViewSet(viewsets.ReadOnlyModelViewSet):
    """Places named in events, with coordinates where known."""

    lookup_field = "slug"
    serializer_class = PlaceSerializer
    pagination_class = StandardPagination
    filter_backends = []
    queryset = Place.objects.select_related("parent").prefetch_related("aliases").order_by("name")


@extend_schema(tags=["agreements"])
class AgreementViewSet(viewsets.ReadOnlyModelViewSet):
    """Agreements, processes and ceasefires, with their parties and roles."""

    lookup_field = "slug"
    serializer_class = AgreementSerializer
    pagination_class = StandardPagination
    filter_backends = []

    def get_queryset(self):
        return Agreement.objects.prefetch_related(
            Prefetch("party_roles", queryset=AgreementParty.objects.select_related("actor")),
            "places",
            "aliases",
        ).order_by("name")


# --- Events --------------------------------------------------------------------


def event_visibility(queryset, user):
    """Return the events of `queryset` that `user` may see one by one."""
    if can_see_unpublished(user):
        return queryset
    return queryset.published()


BAD_FILTER = OpenApiResponse(
    inline_serializer("FilterErrors", {"field": serializers.ListField(child=serializers.CharField())}),
    description="A filter value is invalid (an unknown slug, a malformed date…); the body names each field.",
)


@extend_schema(tags=["events"])
@extend_schema_view(list=extend_schema(responses={200: EventSerializer(many=True), 400: BAD_FILTER}))
class EventViewSet(viewsets.ReadOnlyModelViewSet):
    """Dated, sourced events. Everyone sees published events; staff may ask for others with `status`."""

    serializer_class = EventSerializer
    pagination_class = EventPagination
    # Ids are bigints: anything else is a 404 from the router, not a database error.
    lookup_value_regex = r"[0-9]{1,18}"
    filter_backends = [DjangoFilterBackend]
    filterset_class = ApiEventFilter

    def get_queryset(self):
        events = Event.objects.prefetch_related(*event_prefetches())
        if self.action == "retrieve":
            events = event_visibility(events, self.request.user)
        return events

    def filter_queryset(self, queryset):
        # One event by id: visibility alone decides, list filters do not apply.
        if self.action == "retrieve":
            return queryset
        return super().filter_queryset(queryset)

    def get_serializer_context(self):
        context = super().get_serializer_context()
        context["show_internal"] = can_see_unpublished(self.request.user)
        return context

    @extend_schema(
        operation_id="events_sync",
        filters=True,
        responses={
            200: inline_serializer(
                "EventSyncPage",
                {
                    "next": serializers.URLField(allow_null=True, help_text="The next page; null at the end."),
                    "previous": serializers.URLField(allow_null=True),
                    "results": EventSerializer(many=True),
                },
            ),
            400: BAD_FILTER,
        },
        summary="Sync events changed since a time",
        description="Cursor-paginated in order of last update, for incremental copies: pass "
        "`updated_since` once, then follow `next` until it is null, and keep the last `updated_at` "
        "for the next run. Takes the same filters as the list; `ordering` is ignored.",
    )
    @action(detail=False, pagination_class=SyncPagination, url_path="sync", url_name="sync")
    def sync(self, request, *args, **kwargs):
        return self.list(request)


# --- Aggregates ----------------------------------------------------------------


class FilteredEventsView(GenericAPIView):
    """A view over the events that the filter selects for this user."""

    filter_backends = [DjangoFilterBackend]
    filterset_class = ApiEventFilter
    pagination_class = None

    def get_queryset(self):
        return Event.objects.all()

    def filtered_events(self):
        return self.filter_queryset(self.get_queryset())


def cached_aggregate(name, events, options, build):
    """Return `build(events, **options)`, cached until published events change."""
    try:
        sql = str(events.values("pk").query)
    except EmptyResultSet:
        return build(events, **options)
    return selectors.cached(name, {"sql": sql, **options}, lambda: build(events, **options))


class PeriodQuery(serializers.Serializer):
    period = serializers.ChoiceField(choices=["month", "year"], default="month")
    by = serializers.ChoiceField(choices=["kind", "actor"], default="kind")
    top = serializers.IntegerField(default=10, min_value=1, max_value=50, help_text="How many actors, with by=actor.")


class PairsQuery(serializers.Serializer):
    limit = serializers.IntegerField(default=100, min_value=1, max_value=1000)


PairMember = inline_serializer(
    "PairMember", {"slug": serializers.CharField(), "name": serializers.CharField(), "kind": serializers.CharField()}
)


@extend_schema(
    tags=["stats"],
    parameters=[PeriodQuery],
    filters=True,
    responses={
        400: BAD_FILTER,
        200: inline_serializer(
            "EventsPerPeriod",
            {
                "period": serializers.ChoiceField(choices=["month", "year"]),
                "by": serializers.ChoiceField(choices=["kind", "actor"]),
                "coarser": serializers.IntegerField(
                    help_text="Events left out because their date is known less exactly than the period (a year, "
                    "for monthly counts)."
                ),
                "results": inline_serializer(
                    "PeriodCount",
                    {
                        "period": serializers.CharField(help_text="YYYY-MM or YYYY"),
                        "key": serializers.CharField(help_text="The kind, or the actor's slug."),
                        "label": serializers.CharField(),
                        "count": serializers.IntegerField(),
                    },
                    many=True,
                ),
            },
        ),
    },
)
class EventsPerPeriodView(FilteredEventsView):
    """Count published events per month or year, by kind or by actor."""

    filterset_class = PublicEventFilter

    def get(self, request):
        query = PeriodQuery(data=request.query_params)
        query.is_valid(raise_exception=True)
        events = self.filtered_events()
        return Response(
            cached_aggregate("api-events-per-period", events, query.validated_data, aggregates.events_per_period)
        )


@extend_schema(
    tags=["stats"],
    parameters=[PairsQuery],
    filters=True,
    responses={
        400: BAD_FILTER,
        200: inline_serializer(
            "ActorPairs",
            {
                "results": inline_serializer(
                    "ActorPair", {"a": PairMember, "b": PairMember, "count": serializers.IntegerField()}, many=True
                )
            },
        ),
    },
)
class ActorPairsView(FilteredEventsView):
    """Count the published events each pair of actors shares, most frequent pairs first."""

    filterset_class = PublicEventFilter

    def get(self, request):
        query = PairsQuery(data=request.query_params)
        query.is_valid(raise_exception=True)
        events = self.filtered_events()
        return Response(
            {"results": cached_aggregate("api-actor-pairs", events, query.validated_data, aggregates.actor_pairs)}
        )


# --- Exports -------------------------------------------------------------------


class PassthroughRenderer(BaseRenderer):
    """Let content negotiation accept the export's own type; the view streams the body itself."""

    def render(self, data, accepted_media_type=None, renderer_context=None):
        return data


class CsvRenderer(PassthroughRenderer):
    media_type = "text/csv"
    format = "csv"


class JsonLinesRenderer(PassthroughRenderer):
    media_type = "application/jsonl"
    format = "jsonl"


class ExportView(FilteredEventsView):
    filename = "events"

    def get_renderers(self):
        return [self.renderer_class(), JSONRenderer()]

    def handle_exception(self, exc):
        # Errors (a bad filter, a throttle) come back as JSON, whatever the export's type.
        response = super().handle_exception(exc)
        self.request.accepted_renderer = JSONRenderer()
        self.request.accepted_media_type = JSONRenderer.media_type
        return response

    def export_queryset(self):
        return exports.iterate_in_chunks(self.filtered_events(), event_prefetches())

    def stream(self, lines, content_type):
        response = StreamingHttpResponse(lines, content_type=content_type)
        response["Content-Disposition"] = f'attachment; filename="{self.filename}.{self.renderer_class.format}"'
        response["X-Content-Type-Options"] = "nosniff"
        return response


@extend_schema_view(
    get=extend_schema(
        tags=["exports"],
        operation_id="export_events_csv",
        filters=True,
        responses={
            (200, "text/csv"): OpenApiResponse(OpenApiTypes.STR, description="One row per event, UTF-8 CSV."),
            (400, "application/json"): BAD_FILTER,
        },
    )
)
class EventCsvExportView(ExportView):
    """Export the filtered events as CSV (newest first unless `ordering` says otherwise).

    Cells that a spreadsheet would run as a formula (=, +, -, @) are prefixed with a quote.
    """

    renderer_class = CsvRenderer

    def get(self, request):
        def page_url(event):
            return request.build_absolute_uri(event.get_absolute_url())

        lines = exports.csv_lines(self.export_queryset(), page_url=page_url)
        return self.stream(lines, "text/csv; charset=utf-8")


@extend_schema_view(
    get=extend_schema(
        tags=["exports"],
        operation_id="export_events_jsonl",
        filters=True,
        responses={
            (200, "application/jsonl"): OpenApiResponse(
                OpenApiTypes.STR, description="One JSON event per line, shaped as in /api/events/."
            ),
            (400, "application/json"): BAD_FILTER,
        },
    )
)
class EventJsonLinesExportView(ExportView):
    """Export the filtered events as JSON Lines, one event per line shaped as in /api/events/."""

    renderer_class = JsonLinesRenderer

    def get(self, request):
        context = {"request": request, "show_internal": can_see_unpublished(request.user)}
        serializer = EventSerializer(context=context)
        records = (serializer.to_representation(event) for event in self.export_queryset())
        return self.stream(exports.jsonl_lines(records), "application/jsonl; charset=utf-8")


# --- Articles ------------------------------------------------------------------


@extend_schema(tags=["articles"])
class ArticleViewSet(mixins.CreateModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Submit articles for parsing and follow their status (Editors and Reviewers)."""

    permission_classes = [CanIngestArticles]
    serializer_class = ArticleStatusSerializer
    queryset = Article.objects.defer("body")
    lookup_value_regex = r"[0-9]{1,18}"
    filter_backends = []

    @extend_schema(
        summary="Submit an article",
        request=ArticleSubmitSerializer,
        responses={
            202: OpenApiResponse(ArticleReceiptSerializer, description="Stored and queued for parsing."),
            200: OpenApiResponse(ArticleReceiptSerializer, description="Already stored: the existing article."),
            400: OpenApiResponse(description="The article is missing something or cannot be read."),
        },
        examples=[
            OpenApiExample(
                "A news article",
                request_only=True,
                value={
                    "title": "Turkey and Russia agree on Idlib",
                    "body": "Turkey and Russia agreed on Monday to set up a demilitarised zone in Idlib.",
                    "published": "2018-09-18",
                    "url": "https://example.org/news/idlib",
                    "publisher": "Example News",
                },
            )
        ],
    )
    def create(self, request, *args, **kwargs):
        from tracker.ingest import IngestError, article_ingest

        submission = ArticleSubmitSerializer(data=request.data)
        submission.is_valid(raise_exception=True)
        try:
            result = article_ingest(submitted_by=request.user, **submission.validated_data)
        except IngestError as error:
            return Response({"detail": str(error)}, status=status.HTTP_400_BAD_REQUEST)
        article = result.article
        # Without Redis the parse has already run in-process by now: report where it really is.
        article.refresh_from_db(fields=["status"])
        receipt = {
            "id": article.pk,
            "status": article.status,
            "status_url": request.build_absolute_uri(reverse("api-article-detail", args=[article.pk])),
            "duplicate": not result.created,
            "message": result.message,
        }
        return Response(receipt, status=status.HTTP_202_ACCEPTED if result.created else status.HTTP_200_OK)

    @extend_schema(summary="Show an article's parse status and the events it produced")
    def retrieve(self, request, pk=None, *args, **kwargs):
        article = get_object_or_404(self.get_queryset(), pk=pk)
        return Response(self.get_serializer(article).data)
