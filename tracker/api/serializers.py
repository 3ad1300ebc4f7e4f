"""Read shapes of the curated data and events, and the article submission shape."""

import datetime as dt

from django.db.models import Prefetch
from django.urls import reverse as django_reverse
from django.utils.functional import cached_property
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from rest_framework.reverse import reverse

from tracker.models import (
    Actor,
    ActorAlias,
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

# --- Curated data --------------------------------------------------------------


class ActorRefSerializer(serializers.ModelSerializer):
    class Meta:
        model = Actor
        fields = ["slug", "name", "kind"]


class PlaceRefSerializer(serializers.ModelSerializer):
    class Meta:
        model = Place
        fields = ["slug", "name", "kind", "latitude", "longitude"]


class AgreementRefSerializer(serializers.ModelSerializer):
    class Meta:
        model = Agreement
        fields = ["slug", "name", "kind"]


class ActorAliasSerializer(serializers.ModelSerializer):
    class Meta:
        model = ActorAlias
        fields = ["name", "kind"]


class ActorRelationSerializer(serializers.ModelSerializer):
    other = ActorRefSerializer(read_only=True)

    class Meta:
        model = ActorRelation
        fields = ["kind", "other", "start", "end", "source"]


class ActorIncomingRelationSerializer(serializers.ModelSerializer):
    actor = ActorRefSerializer(read_only=True)

    class Meta:
        model = ActorRelation
        fields = ["actor", "kind", "start", "end", "source"]


class ActorSerializer(serializers.HyperlinkedModelSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="api-actor-detail", lookup_field="slug")
    page_url = serializers.CharField(source="get_absolute_url", read_only=True)

    class Meta:
        model = Actor
        fields = ["url", "page_url", "slug", "name", "kind", "description", "updated_at"]


class ActorDetailSerializer(ActorSerializer):
    aliases = ActorAliasSerializer(many=True, read_only=True)
    relations = ActorRelationSerializer(
        many=True, read_only=True, help_text="This actor's links to others: acts for, is part of…"
    )
    related_from = ActorIncomingRelationSerializer(
        many=True, read_only=True, help_text="Other actors' links to this one."
    )

    class Meta(ActorSerializer.Meta):
        fields = [*ActorSerializer.Meta.fields, "aliases", "relations", "related_from"]


class PlaceSerializer(serializers.HyperlinkedModelSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="api-place-detail", lookup_field="slug")
    page_url = serializers.CharField(source="get_absolute_url", read_only=True)
    parent = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    aliases = serializers.SlugRelatedField(slug_field="name", many=True, read_only=True)

    class Meta:
        model = Place
        fields = [
            "url",
            "page_url",
            "slug",
            "name",
            "kind",
            "description",
            "latitude",
            "longitude",
            "parent",
            "aliases",
            "updated_at",
        ]


class AgreementPartySerializer(serializers.ModelSerializer):
    actor = ActorRefSerializer(read_only=True)

    class Meta:
        model = AgreementParty
        fields = ["actor", "role"]


class AgreementSerializer(serializers.HyperlinkedModelSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="api-agreement-detail", lookup_field="slug")
    page_url = serializers.CharField(source="get_absolute_url", read_only=True)
    date = serializers.SerializerMethodField(help_text="YYYY, YYYY-MM or YYYY-MM-DD, as exactly as it is known.")
    parties = AgreementPartySerializer(source="party_roles", many=True, read_only=True)
    places = serializers.SlugRelatedField(slug_field="slug", many=True, read_only=True)
    aliases = serializers.SlugRelatedField(slug_field="name", many=True, read_only=True)

    class Meta:
        model = Agreement
        fields = [
            "url",
            "page_url",
            "slug",
            "name",
            "kind",
            "status",
            "date",
            "date_precision",
            "summary",
            "description",
            "source_url",
            "parties",
            "places",
            "aliases",
            "updated_at",
        ]

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_date(self, agreement) -> str | None:
        partial = agreement.partial_date
        return partial.isoformat() if partial else None


# --- Events --------------------------------------------------------------------

LINK_PLACEHOLDER = 987654321987654321


class EventActorSerializer(serializers.ModelSerializer):
    slug = serializers.CharField(source="actor.slug")
    name = serializers.CharField(source="actor.name")
    kind = serializers.ChoiceField(source="actor.kind", choices=Actor.Kind.choices)

    class Meta:
        model = EventActor
        fields = ["slug", "name", "kind", "role"]


class EventAgreementSerializer(serializers.ModelSerializer):
    slug = serializers.CharField(source="agreement.slug")
    name = serializers.CharField(source="agreement.name")

    class Meta:
        model = EventAgreement
        fields = ["slug", "name", "relation"]


class SourceArticleSerializer(serializers.ModelSerializer):
    class Meta:
        model = Article
        fields = ["title", "publisher", "published", "url"]


class EventSourceSerializer(serializers.ModelSerializer):
    sentence = serializers.SerializerMethodField(
        help_text="The sentence the event was read from; null when the article is internal."
    )
    article = SourceArticleSerializer(read_only=True)

    class Meta:
        model = EventSource
        fields = ["sentence", "date_text", "article"]

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_sentence(self, source) -> str | None:
        if source.article.internal and not self.context.get("show_internal"):
            return None
        return source.sentence


class EventSerializer(serializers.ModelSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="api-event-detail")
    page_url = serializers.SerializerMethodField(help_text="The reader page; null while the event is unpublished.")
    date = serializers.SerializerMethodField(help_text="YYYY, YYYY-MM or YYYY-MM-DD, by precision.")
    date_end = serializers.SerializerMethodField(help_text="The last day, month or year, at the same precision.")
    precision = serializers.ChoiceField(choices=Precision.choices, read_only=True)
    actors = EventActorSerializer(source="actor_roles", many=True, read_only=True)
    places = PlaceRefSerializer(many=True, read_only=True)
    agreements = EventAgreementSerializer(source="agreement_links", many=True, read_only=True)
    sources = EventSourceSerializer(many=True, read_only=True)

    class Meta:
        model = Event
        fields = [
            "id",
            "url",
            "page_url",
            "date",
            "date_end",
            "precision",
            "kind",
            "status",
            "title",
            "summary",
            "actors",
            "places",
            "agreements",
            "sources",
            "created_at",
            "updated_at",
        ]

    def to_representation(self, event):
        """Return the event as the declared fields would, without DRF's per-field cost.

        A page is 50 events with a few hundred related rows; building the dicts
        directly takes a fraction of the generic path. The fields above still
        define the schema, and a test checks both paths give the same result.
        """
        show_internal = self.context.get("show_internal", False)
        end = event.partial_date_end
        timestamp = self._timestamp
        sources = []
        for source in related(event, "sources"):
            article = source.article
            sources.append(
                {
                    "sentence": None if article.internal and not show_internal else source.sentence,
                    "date_text": source.date_text,
                    "article": {
                        "title": article.title,
                        "publisher": article.publisher,
                        "published": article.published.isoformat() if article.published else None,
                        "url": article.url,
                    },
                }
            )
        return {
            "id": event.pk,
            "url": self._link("api", event.pk),
            "page_url": self._link("page", event.pk) if event.is_public else None,
            "date": event.partial_date.isoformat(),
            "date_end": end.isoformat() if end else None,
            "precision": event.precision,
            "kind": event.kind,
            "status": event.status,
            "title": event.title,
            "summary": event.summary,
            "actors": [
                {"slug": role.actor.slug, "name": role.actor.name, "kind": role.actor.kind, "role": role.role}
                for role in related(event, "actor_roles")
            ],
            "places": [
                {
                    "slug": place.slug,
                    "name": place.name,
                    "kind": place.kind,
                    "latitude": place.latitude,
                    "longitude": place.longitude,
                }
                for place in related(event, "places")
            ],
            "agreements": [
                {"slug": link.agreement.slug, "name": link.agreement.name, "relation": link.relation}
                for link in related(event, "agreement_links")
            ],
            "sources": sources,
            "created_at": timestamp(event.created_at),
            "updated_at": timestamp(event.updated_at),
        }

    @cached_property
    def _link_parts(self) -> dict[str, tuple[str, str]]:
        # reverse() costs far more than the rest of an event; resolve each link once per
        # serializer (a page, an export) around a placeholder id, then fill the id in.
        request = self.context.get("request")
        api = reverse("api-event-detail", kwargs={"pk": LINK_PLACEHOLDER}, request=request)
        page = django_reverse("event-detail", args=[LINK_PLACEHOLDER])
        page = request.build_absolute_uri(page) if request else page
        return {name: tuple(url.rsplit(str(LINK_PLACEHOLDER), 1)) for name, url in (("api", api), ("page", page))}

    @cached_property
    def _zone(self):
        return self.fields["updated_at"].default_timezone() or dt.UTC

    def _timestamp(self, value) -> str:
        # As DRF's DateTimeField, with the current time zone looked up once per serializer.
        text = value.astimezone(self._zone).isoformat()
        return text[:-6] + "Z" if text.endswith("+00:00") else text

    def _link(self, name: str, pk: int) -> str:
        before, after = self._link_parts[name]
        return f"{before}{pk}{after}"

    def generic_representation(self, event):
        """Return the event through DRF's declared fields (the reference for to_representation)."""
        return super().to_representation(event)

    def get_date(self, event) -> str:
        return event.partial_date.isoformat()

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_date_end(self, event) -> str | None:
        end = event.partial_date_end
        return end.isoformat() if end else None

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_page_url(self, event) -> str | None:
        if not event.is_public:
            return None
        request = self.context.get("request")
        path = event.get_absolute_url()
        return request.build_absolute_uri(path) if request else path


PREFETCH_PREFIX = "prefetched_"


def event_prefetches():
    """Return the prefetches that serialise a page of events in a fixed number of queries.

    They fill plain lists (`to_attr`): Django then builds no queryset per
    event and relation, which is a third of the time of a page.
    """
    return [
        Prefetch("actor_roles", EventActor.objects.select_related("actor"), to_attr=PREFETCH_PREFIX + "actor_roles"),
        Prefetch("places", Place.objects.order_by("name"), to_attr=PREFETCH_PREFIX + "places"),
        Prefetch(
            "agreement_links",
            EventAgreement.objects.select_related("agreement"),
            to_attr=PREFETCH_PREFIX + "agreement_links",
        ),
        # The article's body can be megabytes; a source needs only its citation.
        Prefetch(
            "sources",
            EventSource.objects.select_related("article").defer("article__body"),
            to_attr=PREFETCH_PREFIX + "sources",
        ),
    ]


def related(event, name: str) -> list:
    """Return the event's `name` rows, from event_prefetches() when it ran."""
    rows = getattr(event, PREFETCH_PREFIX + name, None)
    return rows if rows is not None else list(getattr(event, name).all())


# --- Articles ------------------------------------------------------------------


class ArticleSubmitSerializer(serializers.Serializer):
    body = serializers.CharField(
        trim_whitespace=False, help_text="The article's text (plain text, or HTML with is_html=true)."
    )
    title = serializers.CharField(required=False, allow_blank=True, max_length=500, default="")
    published = serializers.DateField(
        required=False, allow_null=True, default=None, help_text="Publication day; relative dates count from it."
    )
    url = serializers.URLField(required=False, allow_null=True, max_length=2000, default=None)
    publisher = serializers.CharField(required=False, allow_blank=True, max_length=200, default="")
    external_id = serializers.CharField(required=False, allow_blank=True, max_length=200, default="")
    is_html = serializers.BooleanField(required=False, default=False)


class ArticleReceiptSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    status = serializers.ChoiceField(choices=Article.Status.choices)
    status_url = serializers.URLField(help_text="GET it to follow the parse.")
    duplicate = serializers.BooleanField(help_text="True when this article was already stored; nothing new was made.")
    message = serializers.CharField(help_text="What happened, in words: stored and queued, or already stored.")


class ArticleEventSerializer(serializers.ModelSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="api-event-detail")
    date = serializers.SerializerMethodField()

    class Meta:
        model = Event
        fields = ["id", "url", "date", "precision", "kind", "status", "title"]

    def get_date(self, event) -> str:
        return event.partial_date.isoformat()


class ArticleStatusSerializer(serializers.ModelSerializer):
    status_url = serializers.HyperlinkedIdentityField(view_name="api-article-detail")
    events = serializers.SerializerMethodField(help_text="The events this article is a source of.")

    class Meta:
        model = Article
        fields = [
            "id",
            "status_url",
            "status",
            "error",
            "attempts",
            "status_changed_at",
            "parsed_at",
            "title",
            "publisher",
            "published",
            "published_estimated",
            "url",
            "external_id",
            "created_at",
            "events",
        ]

    @extend_schema_field(ArticleEventSerializer(many=True))
    def get_events(self, article):
        events = Event.objects.filter(pk__in=article.event_sources.values("event_id")).order_by(
            "date_start", "precision_rank", "pk"
        )
        return ArticleEventSerializer(events, many=True, context=self.context).data
