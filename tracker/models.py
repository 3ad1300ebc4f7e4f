"""The curated data (actors, places, agreements), articles and events."""

from __future__ import annotations

import datetime as dt
import hashlib

from django.conf import settings
from django.contrib.postgres.search import SearchQuery, SearchVector
from django.core.exceptions import ValidationError
from django.db import connections, models
from django.db.models import Q
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from simple_history.models import HistoricalRecords

from tracker.extract.partial_date import PartialDate


class Precision(models.TextChoices):
    DAY = "day", "Day"
    MONTH = "month", "Month"
    YEAR = "year", "Year"


# Coarse before fine on the same first day: "2018" sorts before "2018-01",
# which sorts before "2018-01-01".
PRECISION_RANK = {Precision.YEAR: 0, Precision.MONTH: 1, Precision.DAY: 2}


def unique_slug(model, name, *, instance_pk=None, max_length=140):
    """Return a slug for `name` that no other row of `model` uses."""
    base = (slugify(name, allow_unicode=False) or "item")[: max_length - 6]
    slug, n = base, 2
    while model._default_manager.filter(slug=slug).exclude(pk=instance_pk).exists():
        slug = f"{base}-{n}"
        n += 1
    return slug


class SluggedModel(models.Model):
    name = models.CharField(max_length=200, unique=True, help_text="The canonical name, as the tracker shows it.")
    slug = models.SlugField(
        max_length=140,
        unique=True,
        blank=True,
        help_text="Used in page addresses. Left blank, it is made from the name.",
    )
    description = models.TextField(blank=True, help_text="A short note for readers: who or what this is.")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True
        ordering = ["name"]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        if not self.slug:
            self.slug = unique_slug(type(self), self.name, instance_pk=self.pk)
        super().save(*args, **kwargs)


class AliasModel(models.Model):
    """A surface form under which the parent is named in articles."""

    name = models.CharField(max_length=200, help_text="Another way articles write this name.")
    match_case = models.BooleanField(
        default=False,
        help_text="Only match when written exactly like this. Short acronyms that are also words "
        "(US, IS, UN) always match case exactly, ticked or not.",
    )

    class Meta:
        abstract = True
        ordering = ["name"]

    def __str__(self):
        return self.name


# --- Actors ------------------------------------------------------------------


class ActorQuerySet(models.QuerySet):
    def persons(self):
        return self.filter(kind=Actor.Kind.PERSON)

    def search(self, text):
        return self.filter(Q(name__icontains=text) | Q(aliases__name__icontains=text)).distinct()


class Actor(SluggedModel):
    class Kind(models.TextChoices):
        STATE = "state", "State"
        ARMED_GROUP = "armed_group", "Armed group"
        ORGANISATION = "organisation", "Organisation"
        PERSON = "person", "Person"
        OTHER = "other", "Other"

    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.OTHER, db_index=True)
    history = HistoricalRecords()

    objects = ActorQuerySet.as_manager()

    class Meta(SluggedModel.Meta):
        pass

    def get_absolute_url(self):
        return reverse("actor-detail", args=[self.slug])

    def acts_for_on(self, day: dt.date | None = None):
        """Return the actors this one acts for (a person's state), on `day` if given."""
        relations = self.relations.filter(kind=ActorRelation.Kind.ACTS_FOR)
        if day is not None:
            relations = relations.filter(Q(start__isnull=True) | Q(start__lte=day)).filter(
                Q(end__isnull=True) | Q(end__gte=day)
            )
        return Actor.objects.filter(pk__in=relations.values("other_id"))


class ActorAlias(AliasModel):
    class Kind(models.TextChoices):
        ALIAS = "alias", "Other name"
        ACRONYM = "acronym", "Acronym"
        TRANSLITERATION = "transliteration", "Transliteration"
        DEMONYM = "demonym", "Demonym (Turkish, Russian)"
        CAPITAL = "capital", "Capital used for the state (Ankara said…)"

    actor = models.ForeignKey(Actor, on_delete=models.CASCADE, related_name="aliases")
    kind = models.CharField(
        max_length=20,
        choices=Kind.choices,
        default=Kind.ALIAS,
        help_text='A capital names the state only when it acts ("Ankara said"); "in Ankara" stays the place.',
    )
    history = HistoricalRecords()

    class Meta(AliasModel.Meta):
        verbose_name_plural = "actor aliases"
        constraints = [models.UniqueConstraint(Lower("name"), name="actor_alias_unique_name")]


class ActorRelation(models.Model):
    """A dated link from one actor to another: who acts for, or belongs to, whom."""

    class Kind(models.TextChoices):
        ACTS_FOR = "acts_for", "acts for"
        PART_OF = "part_of", "is part of"
        AFFILIATED_WITH = "affiliated_with", "is affiliated with"
        ALLIED_WITH = "allied_with", "is allied with"
        OPPOSES = "opposes", "opposes"

    actor = models.ForeignKey(Actor, on_delete=models.CASCADE, related_name="relations")
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.ACTS_FOR)
    other = models.ForeignKey(Actor, on_delete=models.CASCADE, related_name="related_from")
    start = models.DateField(null=True, blank=True, help_text="When the relation began, if known.")
    end = models.DateField(null=True, blank=True, help_text="When it ended; blank while it lasts.")
    source = models.TextField(blank=True, help_text="Where this comes from: a link or a short citation.")
    history = HistoricalRecords()

    class Meta:
        ordering = ["actor__name", "kind", "start"]
        constraints = [
            models.CheckConstraint(condition=~Q(actor=models.F("other")), name="actor_relation_not_self"),
            models.CheckConstraint(
                condition=Q(end__isnull=True) | Q(start__isnull=True) | Q(end__gte=models.F("start")),
                name="actor_relation_end_after_start",
            ),
        ]

    def __str__(self):
        return f"{self.actor} {self.get_kind_display()} {self.other}"


# --- Places ------------------------------------------------------------------


class Place(SluggedModel):
    class Kind(models.TextChoices):
        COUNTRY = "country", "Country"
        PROVINCE = "province", "Province / governorate"
        DISTRICT = "district", "District"
        CITY = "city", "City"
        TOWN = "town", "Town or village"
        ROAD = "road", "Road"
        RIVER = "river", "River"
        CROSSING = "crossing", "Border crossing"
        REGION = "region", "Region"
        OTHER = "other", "Other"

    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.OTHER, db_index=True)
    latitude = models.FloatField(null=True, blank=True, help_text="Decimal degrees, north positive.")
    longitude = models.FloatField(null=True, blank=True, help_text="Decimal degrees, east positive.")
    parent = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="children",
        help_text="The place this one lies in: a city's governorate, a governorate's country.",
    )
    history = HistoricalRecords()

    class Meta(SluggedModel.Meta):
        constraints = [
            models.CheckConstraint(
                condition=Q(latitude__isnull=True) | Q(latitude__gte=-90, latitude__lte=90), name="place_latitude_range"
            ),
            models.CheckConstraint(
                condition=Q(longitude__isnull=True) | Q(longitude__gte=-180, longitude__lte=180),
                name="place_longitude_range",
            ),
        ]

    def get_absolute_url(self):
        return reverse("place-detail", args=[self.slug])

    def clean(self):
        node, seen = self.parent, {self.pk}
        while node is not None:
            if node.pk in seen:
                raise ValidationError({"parent": "A place cannot lie inside itself."})
            seen.add(node.pk)
            node = node.parent


class PlaceAlias(AliasModel):
    place = models.ForeignKey(Place, on_delete=models.CASCADE, related_name="aliases")
    history = HistoricalRecords()

    class Meta(AliasModel.Meta):
        verbose_name_plural = "place aliases"
        constraints = [models.UniqueConstraint(Lower("name"), name="place_alias_unique_name")]


# --- Agreements --------------------------------------------------------------


class Agreement(SluggedModel):
    class Kind(models.TextChoices):
        AGREEMENT = "agreement", "Agreement"
        MEMORANDUM = "memorandum", "Memorandum"
        ROAD_MAP = "road_map", "Road map"
        CEASEFIRE = "ceasefire", "Ceasefire"
        PROCESS = "process", "Process"
        RESOLUTION = "resolution", "Resolution"
        OTHER = "other", "Other"

    class Status(models.TextChoices):
        PROPOSED = "proposed", "Proposed"
        IN_FORCE = "in_force", "In force"
        STALLED = "stalled", "Stalled"
        COLLAPSED = "collapsed", "Collapsed"
        SUPERSEDED = "superseded", "Superseded"

    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.AGREEMENT, db_index=True)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.IN_FORCE, db_index=True)
    date = models.DateField(
        null=True,
        blank=True,
        help_text="The day it was signed, or a process began. For a month or a year, enter its first day "
        "and set the precision.",
    )
    date_precision = models.CharField(
        max_length=5, choices=Precision.choices, default=Precision.DAY, help_text="How exactly the date is known."
    )
    summary = models.TextField(blank=True, help_text="What it provides, in a few sentences.")
    source_url = models.URLField(max_length=2000, blank=True, help_text="The text of the agreement, if public.")
    places = models.ManyToManyField(Place, blank=True, related_name="agreements", help_text="The places it covers.")
    parties = models.ManyToManyField(Actor, through="AgreementParty", related_name="agreements", blank=True)
    history = HistoricalRecords(m2m_fields=[places])

    class Meta(SluggedModel.Meta):
        pass

    def get_absolute_url(self):
        return reverse("agreement-detail", args=[self.slug])

    @property
    def partial_date(self) -> PartialDate | None:
        return PartialDate.from_date(self.date, self.date_precision) if self.date else None


class AgreementAlias(AliasModel):
    agreement = models.ForeignKey(Agreement, on_delete=models.CASCADE, related_name="aliases")
    history = HistoricalRecords()

    class Meta(AliasModel.Meta):
        verbose_name_plural = "agreement aliases"
        constraints = [models.UniqueConstraint(Lower("name"), name="agreement_alias_unique_name")]


class AgreementParty(models.Model):
    class Role(models.TextChoices):
        SIGNATORY = "signatory", "Signatory"
        GUARANTOR = "guarantor", "Guarantor"
        MEDIATOR = "mediator", "Mediator"
        OBSERVER = "observer", "Observer"

    agreement = models.ForeignKey(Agreement, on_delete=models.CASCADE, related_name="party_roles")
    actor = models.ForeignKey(Actor, on_delete=models.CASCADE, related_name="agreement_roles")
    role = models.CharField(max_length=20, choices=Role.choices, default=Role.SIGNATORY)

    class Meta:
        verbose_name_plural = "agreement parties"
        ordering = ["agreement__name", "role", "actor__name"]
        constraints = [models.UniqueConstraint(fields=["agreement", "actor", "role"], name="agreement_party_unique")]

    def __str__(self):
        return f"{self.actor} ({self.get_role_display()}) in {self.agreement}"


# --- Articles ----------------------------------------------------------------


def content_hash(text: str) -> str:
    """Return the hash that identifies an article's text, blind to spacing."""
    return hashlib.sha256(" ".join(text.split()).encode("utf-8")).hexdigest()


class ArticleQuerySet(models.QuerySet):
    def failed(self):
        return self.filter(status=Article.Status.FAILED)

    def stuck(self, *, older_than: dt.timedelta | None = None):
        """Return articles waiting in queued or parsing for longer than `older_than`."""
        older_than = older_than or settings.ARTICLE_STUCK_AFTER
        cutoff = timezone.now() - older_than
        return self.filter(status__in=[Article.Status.QUEUED, Article.Status.PARSING], status_changed_at__lt=cutoff)

    def public(self):
        return self.filter(internal=False)

    def claim(self, pk, *, stale_after: dt.timedelta) -> int | None:
        """Mark article `pk` as parsing unless another worker holds it; return the attempt number or None.

        One conditional UPDATE, so two workers never both win. A `parsing`
        claim older than `stale_after` belongs to a dead worker and may be
        taken. The returned attempt number fences later writes: they only
        land while the article is still parsing under this attempt.
        """
        now = timezone.now()
        claimable = Q(status__in=[Article.Status.RECEIVED, Article.Status.QUEUED]) | Q(
            status=Article.Status.PARSING, status_changed_at__lt=now - stale_after
        )
        won = self.filter(claimable, pk=pk).update(
            status=Article.Status.PARSING, status_changed_at=now, attempts=models.F("attempts") + 1
        )
        if not won:
            return None
        return self.filter(pk=pk).values_list("attempts", flat=True).first()

    def claimed(self, pk, attempt: int):
        """Return article `pk` while it is still parsing under `attempt` (see claim())."""
        return self.filter(pk=pk, status=Article.Status.PARSING, attempts=attempt)


class Article(models.Model):
    class Status(models.TextChoices):
        RECEIVED = "received", "Received"
        QUEUED = "queued", "Queued"
        PARSING = "parsing", "Parsing"
        PARSED = "parsed", "Parsed"
        FAILED = "failed", "Failed"

    title = models.CharField(max_length=500, blank=True)
    url = models.URLField(max_length=2000, null=True, blank=True, unique=True, help_text="Where it was published.")
    publisher = models.CharField(max_length=200, blank=True, db_index=True)
    external_id = models.CharField(
        max_length=200, blank=True, db_index=True, help_text="The id the source or feed gave it, if any."
    )
    published = models.DateField(
        null=True, blank=True, db_index=True, help_text="Relative dates (yesterday, on Monday) count from this day."
    )
    published_estimated = models.BooleanField(
        default=False,
        help_text="The source gave no publication date; the day of ingestion was used, so relative dates are "
        "uncertain.",
    )
    body = models.TextField(help_text="The article's text as plain text.")
    content_hash = models.CharField(max_length=64, unique=True, editable=False)
    internal = models.BooleanField(
        default=False, help_text="Keep the text from readers (licensed or sensitive); quotes stay internal too."
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.RECEIVED, db_index=True)
    status_changed_at = models.DateTimeField(default=timezone.now, db_index=True)
    error = models.TextField(blank=True, help_text="Why the last parse failed.")
    attempts = models.PositiveIntegerField(default=0, help_text="How many times parsing was started.")
    parsed_at = models.DateTimeField(null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="articles"
    )
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ArticleQuerySet.as_manager()

    class Meta:
        ordering = ["-published", "-created_at"]
        indexes = [models.Index(fields=["status", "status_changed_at"])]

    def __str__(self):
        return self.title or f"Article {self.pk}"

    def save(self, *args, **kwargs):
        self.content_hash = content_hash(self.body)
        if self.url == "":
            self.url = None
        super().save(*args, **kwargs)


# --- Events ------------------------------------------------------------------


class EventQuerySet(models.QuerySet):
    def published(self):
        return self.filter(status=Event.Status.PUBLISHED)

    def candidates(self):
        return self.filter(status=Event.Status.CANDIDATE)

    def involving(self, *actors):
        """Return events that involve any of `actors` (objects or ids)."""
        return self.filter(actors__in=actors).distinct()

    def at(self, *places):
        return self.filter(places__in=places).distinct()

    def under(self, *agreements):
        return self.filter(agreements__in=agreements).distinct()

    def between(self, start: dt.date | None = None, end: dt.date | None = None):
        """Return events whose span overlaps [start, end], at their true precision.

        A month-precision event of September 2018 overlaps 15-30 September 2018.
        """
        qs = self
        if start is not None:
            qs = qs.filter(date_last__gte=start)
        if end is not None:
            qs = qs.filter(date_start__lte=end)
        return qs

    def search(self, text: str):
        """Return events whose title or summary match `text` (full-text on PostgreSQL)."""
        if connections[self.db].vendor == "postgresql":
            query = SearchQuery(text, config="english", search_type="websearch")
            # alias(), not annotate(): the vector stays out of SELECT (and DISTINCT), and this exact
            # expression is what the GIN index of migration 0003 is built on.
            return self.alias(search_vector=SearchVector("title", "summary", config="english")).filter(
                search_vector=query
            )
        return self.filter(Q(title__icontains=text) | Q(summary__icontains=text))

    def chronological(self):
        return self.order_by("date_start", "precision_rank", "date_last", "pk")

    def matching(self, *dates: PartialDate, actors=(), agreements=()):
        """Return unmerged events on any of `dates` (same day and precision) that share an actor or agreement."""
        if not dates or not (actors or agreements):
            return self.none()
        on_date = Q()
        for date in set(dates):
            on_date |= Q(date_start=date.first, precision=date.precision)
        shares = Q(actor_roles__actor__in=list(actors)) | Q(agreement_links__agreement__in=list(agreements))
        return self.filter(on_date, shares, merged_into__isnull=True).distinct()

    def recent_first(self):
        return self.order_by("-date_start", "-precision_rank", "-pk")

    def duplicates_of(self, event):
        """Return kept events that may report the same thing as `event`, likeliest first.

        They overlap its dates and share an actor or an agreement with it;
        published events and those sharing more come first.
        """
        actor_ids = list(event.actor_roles.values_list("actor_id", flat=True))
        agreement_ids = list(event.agreement_links.values_list("agreement_id", flat=True))
        if not actor_ids and not agreement_ids:
            return self.none()
        sharing = Q(actor_roles__actor_id__in=actor_ids) | Q(agreement_links__agreement_id__in=agreement_ids)
        return (
            self.exclude(pk=event.pk)
            .exclude(status=Event.Status.REJECTED)
            .filter(merged_into__isnull=True)
            .between(event.date_start, event.date_last)
            .filter(pk__in=Event.objects.filter(sharing).values("pk"))
            .annotate(
                shared_actors=models.Count("actor_roles", filter=Q(actor_roles__actor_id__in=actor_ids), distinct=True),
                shared_agreements=models.Count(
                    "agreement_links", filter=Q(agreement_links__agreement_id__in=agreement_ids), distinct=True
                ),
                is_published=models.Case(
                    models.When(status=Event.Status.PUBLISHED, then=1), default=0, output_field=models.IntegerField()
                ),
            )
            .order_by("-is_published", "-shared_agreements", "-shared_actors", "-precision_rank", "pk")
        )


class Event(models.Model):
    class Kind(models.TextChoices):
        MEETING = "meeting", "Meeting"
        SUMMIT = "summit", "Summit"
        AGREEMENT_SIGNED = "agreement_signed", "Agreement signed"
        STATEMENT = "statement", "Statement"
        MILITARY_OPERATION = "military_operation", "Military operation"
        ATTACK = "attack", "Attack"
        DESIGNATION = "designation", "Designation"
        WITHDRAWAL = "withdrawal", "Withdrawal"
        PATROL = "patrol", "Patrol"
        CEASEFIRE = "ceasefire", "Ceasefire"
        SANCTIONS = "sanctions", "Sanctions"
        CAPTURE = "capture", "Capture of territory"
        DEADLINE = "deadline", "Deadline"
        OTHER = "other", "Other"

    class Status(models.TextChoices):
        CANDIDATE = "candidate", "Candidate"
        PUBLISHED = "published", "Published"
        REJECTED = "rejected", "Rejected"

    date_start = models.DateField(
        db_index=True, help_text="The day it happened; for a month or a year, its first day with that precision."
    )
    precision = models.CharField(
        max_length=5,
        choices=Precision.choices,
        default=Precision.DAY,
        help_text="How exactly the date is known. A month-precision event covers the whole month.",
    )
    date_end = models.DateField(
        null=True,
        blank=True,
        help_text="For an event over several days: its last day (or the first day of its "
        "last month or year, at the same precision).",
    )
    # Derived on save, so partial dates order and filter by the span they cover.
    date_last = models.DateField(db_index=True, editable=False)
    precision_rank = models.PositiveSmallIntegerField(editable=False, default=2)

    title = models.CharField(max_length=300)
    summary = models.TextField(blank=True)
    kind = models.CharField(max_length=30, choices=Kind.choices, default=Kind.OTHER, db_index=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.CANDIDATE, db_index=True)

    actors = models.ManyToManyField(Actor, through="EventActor", related_name="events", blank=True)
    places = models.ManyToManyField(Place, related_name="events", blank=True)
    agreements = models.ManyToManyField(Agreement, through="EventAgreement", related_name="events", blank=True)

    merged_into = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="merged_from",
        help_text="Set when this event was merged into another; its sources moved there.",
    )
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="reviewed_events"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True, db_index=True)
    history = HistoricalRecords(m2m_fields=[places])

    objects = EventQuerySet.as_manager()

    class Meta:
        ordering = ["date_start", "precision_rank", "pk"]
        indexes = [
            models.Index(fields=["status", "date_start"]),
            models.Index(fields=["status", "date_last"]),
            models.Index(fields=["status", "kind", "date_start"]),
        ]
        permissions = [("publish_event", "Can publish or reject events")]
        constraints = [
            models.CheckConstraint(
                condition=Q(date_end__isnull=True) | Q(date_end__gte=models.F("date_start")),
                name="event_end_after_start",
            )
        ]

    def __str__(self):
        return f"{self.partial_date}: {self.title}"

    def save(self, *args, **kwargs):
        self.derive_dates()
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("event-detail", args=[self.pk])

    def derive_dates(self):
        """Set the derived date fields; save() calls this, bulk_create callers must."""
        # Normalise to the first day of the period, then derive the last day.
        start = self.partial_date
        self.date_start = start.first
        last = start.last
        if self.date_end:
            end = PartialDate.from_date(self.date_end, self.precision)
            self.date_end = end.first
            last = max(last, end.last)
        self.date_last = last
        self.precision_rank = PRECISION_RANK[self.precision]

    @property
    def partial_date(self) -> PartialDate:
        return PartialDate.from_date(self.date_start, self.precision)

    @property
    def partial_date_end(self) -> PartialDate | None:
        return PartialDate.from_date(self.date_end, self.precision) if self.date_end else None

    @property
    def date_display(self) -> str:
        text = self.partial_date.display()
        if self.date_end:
            text += f" – {self.partial_date_end.display()}"
        return text

    @property
    def is_public(self) -> bool:
        return self.status == self.Status.PUBLISHED

    def set_date(self, start: PartialDate, end: PartialDate | None = None):
        self.date_start = start.first
        self.precision = start.precision
        self.date_end = end.first if end else None


class CandidateEventManager(models.Manager.from_queryset(EventQuerySet)):
    def get_queryset(self):
        return super().get_queryset().candidates()


class CandidateEvent(Event):
    """The review queue: events the extractor proposed that no reviewer has decided on yet."""

    objects = CandidateEventManager()

    class Meta:
        proxy = True
        verbose_name = "candidate event"
        verbose_name_plural = "review queue"


class EventActor(models.Model):
    class Role(models.TextChoices):
        INITIATOR = "initiator", "Initiator"
        TARGET = "target", "Target"
        PARTICIPANT = "participant", "Participant"
        MEDIATOR = "mediator", "Mediator"
        MENTIONED = "mentioned", "Mentioned"

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="actor_roles")
    actor = models.ForeignKey(Actor, on_delete=models.CASCADE, related_name="event_roles")
    role = models.CharField(max_length=20, choices=Role.choices, default=Role.PARTICIPANT)

    class Meta:
        ordering = ["actor__name"]
        constraints = [models.UniqueConstraint(fields=["event", "actor"], name="event_actor_unique")]

    def __str__(self):
        return f"{self.actor} ({self.get_role_display()})"


class EventAgreement(models.Model):
    class Relation(models.TextChoices):
        SIGNS = "signs", "Signs"
        IMPLEMENTS = "implements", "Implements"
        VIOLATES = "violates", "Violates"
        REFERENCES = "references", "References"

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="agreement_links")
    agreement = models.ForeignKey(Agreement, on_delete=models.CASCADE, related_name="event_links")
    relation = models.CharField(max_length=20, choices=Relation.choices, default=Relation.REFERENCES)

    class Meta:
        ordering = ["agreement__name"]
        constraints = [models.UniqueConstraint(fields=["event", "agreement"], name="event_agreement_unique")]

    def __str__(self):
        return f"{self.get_relation_display()} {self.agreement}"


class EventSource(models.Model):
    """The sentence of an article that an event was read from."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="sources")
    article = models.ForeignKey(Article, on_delete=models.PROTECT, related_name="event_sources")
    sentence = models.TextField(help_text="The sentence exactly as the article has it.")
    char_start = models.PositiveIntegerField(help_text="Where the sentence starts in the article's text.")
    char_end = models.PositiveIntegerField(help_text="Where the sentence ends in the article's text.")
    date_text = models.CharField(max_length=200, blank=True, help_text="The date expression as written.")
    date_char_start = models.PositiveIntegerField(null=True, blank=True)
    date_char_end = models.PositiveIntegerField(null=True, blank=True)
    extracted = models.BooleanField(default=True, help_text="Found by the extractor (not added by hand).")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["article__published", "char_start"]
        constraints = [
            models.UniqueConstraint(fields=["event", "article", "char_start", "date_text"], name="event_source_unique"),
            models.CheckConstraint(condition=Q(char_end__gte=models.F("char_start")), name="event_source_span"),
        ]

    def __str__(self):
        return f"{self.article} [{self.char_start}:{self.char_end}]"
