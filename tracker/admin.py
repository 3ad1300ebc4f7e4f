"""The editors' admin: curated names, articles, events and the review queue.

Editors curate actors, places, agreements and candidate events; reviewers
(permission `tracker.publish_event`) also publish, reject and merge. Every
decision goes through `tracker.review`; every piece of article text is
escaped on the way into HTML.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlencode

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.views.main import ChangeList
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Exists, F, OuterRef, Prefetch, Q, Subquery
from django.http import HttpResponseNotAllowed, HttpResponseRedirect, JsonResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import escape, format_html, format_html_join
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import mark_safe
from django.utils.text import Truncator
from simple_history.admin import SimpleHistoryAdmin

from tracker.extract.partial_date import PartialDate
from tracker.models import (
    Actor,
    ActorAlias,
    ActorRelation,
    Agreement,
    AgreementAlias,
    AgreementParty,
    Article,
    CandidateEvent,
    Event,
    EventActor,
    EventAgreement,
    EventSource,
    Place,
    PlaceAlias,
)
from tracker.review import can_review, event_merge, event_publish, event_reject

# --- Highlighting ------------------------------------------------------------


@dataclass(frozen=True)
class Span:
    start: int
    end: int
    kind: str  # date, actor, place or agreement: the CSS class
    label: str  # shown on hover: the canonical name or the date expression


def highlight(text: str, spans) -> str:
    """Return `text` as safe HTML with each span wrapped in a <mark>.

    Overlapping spans keep the one that starts first (the longer on a tie).
    """
    parts, at = [], 0
    for span in sorted(spans, key=lambda s: (s.start, -(s.end - s.start))):
        if span.start < at or span.end <= span.start or span.end > len(text):
            continue
        parts.append(escape(text[at : span.start]))
        parts.append(
            format_html(
                '<mark class="hl hl-{}" title="{}">{}</mark>', span.kind, span.label, text[span.start : span.end]
            )
        )
        at = span.end
    parts.append(escape(text[at:]))
    return mark_safe("".join(parts))  # noqa: S308 - every part is escaped above


def name_spans(text: str) -> list[Span]:
    """Return a span for every curated name the extractor recognises in `text`."""
    from tracker.extract.pipeline import find_mentions
    from tracker.gazetteer import current_gazetteer

    return [Span(m.start, m.end, m.entry_kind, m.name) for m in find_mentions(text, current_gazetteer())]


def date_span(source: EventSource, *, offset: int) -> Span | None:
    """Return the span of the source's date expression in a text starting at `offset` of the article."""
    text, date_text = source.sentence, source.date_text
    if not date_text:
        return None
    if source.date_char_start is not None and source.date_char_end is not None:
        # Offsets count from the article's start; the sentence starts at char_start.
        for base in (source.char_start, 0):
            start, end = source.date_char_start - base, source.date_char_end - base
            if 0 <= start < end <= len(text) and text[start:end] == date_text:
                return Span(start + source.char_start - offset, end + source.char_start - offset, "date", date_text)
    found = text.find(date_text)
    if found < 0:
        return None
    start = source.char_start + found - offset
    return Span(start, start + len(date_text), "date", date_text)


def sentence_html(source: EventSource) -> str:
    """Return the source sentence with its date expression and every recognised name marked."""
    spans = name_spans(source.sentence)
    date = date_span(source, offset=source.char_start)
    if date is not None:
        spans.insert(0, date)
    return highlight(source.sentence, spans)


def when_display(event: Event) -> str:
    """Return the event's date with its precision: "September 2018 (month)"."""
    return f"{event.date_display} ({event.get_precision_display().lower()})"


# --- Home page -------------------------------------------------------------------


def dashboard_counts() -> dict:
    """Return the numbers an editor opens the admin for, in two queries."""
    today = timezone.localtime().replace(hour=0, minute=0, second=0, microsecond=0)
    articles = Article.objects.aggregate(
        failed=Count("pk", filter=Q(status=Article.Status.FAILED)),
        waiting=Count("pk", filter=Q(status__in=[Article.Status.RECEIVED, Article.Status.QUEUED])),
        parsing=Count("pk", filter=Q(status=Article.Status.PARSING)),
        parsed_today=Count("pk", filter=Q(status=Article.Status.PARSED, parsed_at__gte=today)),
    )
    return {"candidates": Event.objects.candidates().count(), **articles}


# --- List filters --------------------------------------------------------------


class InputFilter(admin.ListFilter):
    """A sidebar filter with text inputs, for lists too long to show as links."""

    template = "admin/tracker/input_filter.html"
    parameters: tuple[tuple[str, str], ...] = ()  # (query parameter, input label)

    def __init__(self, request, params, model, model_admin):
        super().__init__(request, params, model, model_admin)
        for name, _label in self.parameters:
            if name in params:
                value = params.pop(name)[-1].strip()
                if value:
                    self.used_parameters[name] = value

    def has_output(self):
        return True

    def expected_parameters(self):
        return [name for name, _label in self.parameters]

    def choices(self, changelist):
        names = self.expected_parameters()
        keep = [(k, v) for k, values in changelist.filter_params.items() if k not in names for v in values]
        yield {
            "inputs": [(name, label, self.used_parameters.get(name, "")) for name, label in self.parameters],
            "hidden": keep,
            "clear": changelist.get_query_string(remove=names) if self.used_parameters else "",
        }


class ArticleFilter(InputFilter):
    title = "article"
    parameters = (("article", "Article id"),)

    def queryset(self, request, queryset):
        value = self.used_parameters.get("article")
        if value is None:
            return queryset
        if not value.isdigit():
            raise admin.options.IncorrectLookupParameters("The article filter takes an article id.")
        return queryset.filter(Exists(EventSource.objects.filter(event=OuterRef("pk"), article_id=int(value))))


class NamedFilter(InputFilter):
    """Filter events by a curated thing given as an id, or a name or alias."""

    model = None
    through = None  # (model, field to the curated thing)

    def queryset(self, request, queryset):
        value = self.used_parameters.get(self.parameters[0][0])
        if value is None:
            return queryset
        link_model, field = self.through
        if value.isdigit():
            ids = {int(value)}
        else:
            # Two small lookups first: an OR across the alias join makes a poor plan.
            alias_model = self.model.aliases.rel.related_model
            names = self.model.objects.filter(name__icontains=value).order_by()
            aliases = alias_model.objects.filter(name__icontains=value).order_by()
            ids = set(names.values_list("pk", flat=True)) | set(aliases.values_list(f"{field}_id", flat=True))
        links = link_model.objects.filter(event=OuterRef("pk"), **{f"{field}_id__in": ids})
        return queryset.filter(Exists(links))


class ActorFilter(NamedFilter):
    title = "actor"
    parameters = (("actor", "Name, alias or id"),)
    model = Actor
    through = (EventActor, "actor")


class AgreementFilter(NamedFilter):
    title = "agreement"
    parameters = (("agreement", "Name, alias or id"),)
    model = Agreement
    through = (EventAgreement, "agreement")


class DateRangeFilter(InputFilter):
    """Keep events whose span overlaps the range; bounds may be 2018, 2018-09 or 2018-09-17."""

    title = "date range"
    parameters = (("date_from", "From (YYYY[-MM[-DD]])"), ("date_to", "To (YYYY[-MM[-DD]])"))

    def queryset(self, request, queryset):
        try:
            start = (
                PartialDate.parse(self.used_parameters["date_from"]) if "date_from" in self.used_parameters else None
            )
            end = PartialDate.parse(self.used_parameters["date_to"]) if "date_to" in self.used_parameters else None
        except ValueError as error:
            raise admin.options.IncorrectLookupParameters(str(error)) from error
        return queryset.between(start.first if start else None, end.last if end else None)


# --- Inlines -----------------------------------------------------------------------


class ActorAliasInline(admin.TabularInline):
    model = ActorAlias
    fields = ["name", "kind", "match_case"]
    extra = 1


class ActorRelationInline(admin.TabularInline):
    model = ActorRelation
    fk_name = "actor"
    fields = ["kind", "other", "start", "end", "source"]
    autocomplete_fields = ["other"]
    extra = 0
    verbose_name = "relation"
    verbose_name_plural = "relations to other actors (a person acts for a state, a group is part of a coalition)"


class PlaceAliasInline(admin.TabularInline):
    model = PlaceAlias
    fields = ["name", "match_case"]
    extra = 1


class AgreementAliasInline(admin.TabularInline):
    model = AgreementAlias
    fields = ["name", "match_case"]
    extra = 1


class AgreementPartyInline(admin.TabularInline):
    model = AgreementParty
    fields = ["actor", "role"]
    autocomplete_fields = ["actor"]
    extra = 0
    verbose_name = "party"
    verbose_name_plural = "parties"


class EventActorInline(admin.TabularInline):
    model = EventActor
    fields = ["actor", "role"]
    autocomplete_fields = ["actor"]
    extra = 0
    verbose_name = "actor"
    verbose_name_plural = "actors (with their role in the event)"


class EventAgreementInline(admin.TabularInline):
    model = EventAgreement
    fields = ["agreement", "relation"]
    autocomplete_fields = ["agreement"]
    extra = 0
    verbose_name = "agreement"
    verbose_name_plural = "agreements (how the event relates to each)"


class EventSourceInline(admin.TabularInline):
    """The event's sources, read-only: a sentence must match its article, so hand-made ones are added apart."""

    model = EventSource
    fields = ["highlighted", "date_text", "extracted"]
    readonly_fields = fields
    extra = 0
    verbose_name = "source"
    verbose_name_plural = "sources: the sentences this event was read from"

    def has_add_permission(self, request, obj=None):
        return False

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("article")

    @admin.display(description="As the article has it")
    def highlighted(self, source):
        if source.pk is None:
            return "—"
        return format_html(
            '<blockquote class="source-sentence">{}</blockquote><p class="source-meta"><a href="{}">{}</a>{}</p>',
            sentence_html(source),
            reverse("admin:tracker_article_change", args=[source.article_id]),
            source.article,
            f", published {source.article.published:%d %b %Y}" if source.article.published else "",
        )


# --- Curated data -------------------------------------------------------------------


@admin.register(Actor)
class ActorAdmin(SimpleHistoryAdmin):
    list_display = ["name", "kind", "alias_list", "slug"]
    list_filter = ["kind"]
    search_fields = ["name", "aliases__name"]
    prepopulated_fields = {"slug": ["name"]}
    fields = ["name", "kind", "slug", "description"]
    inlines = [ActorAliasInline, ActorRelationInline]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .prefetch_related(Prefetch("aliases", queryset=ActorAlias.objects.only("actor_id", "name")))
        )

    @admin.display(description="aliases")
    def alias_list(self, actor):
        return ", ".join(alias.name for alias in actor.aliases.all())


@admin.register(ActorAlias)
class ActorAliasAdmin(SimpleHistoryAdmin):
    list_display = ["name", "actor", "kind", "match_case"]
    list_filter = ["kind", "match_case"]
    list_select_related = ["actor"]
    search_fields = ["name", "actor__name"]
    autocomplete_fields = ["actor"]


@admin.register(ActorRelation)
class ActorRelationAdmin(SimpleHistoryAdmin):
    list_display = ["actor", "kind", "other", "start", "end"]
    list_filter = ["kind"]
    list_select_related = ["actor", "other"]
    search_fields = ["actor__name", "other__name"]
    autocomplete_fields = ["actor", "other"]


@admin.register(Place)
class PlaceAdmin(SimpleHistoryAdmin):
    list_display = ["name", "kind", "parent", "latitude", "longitude", "alias_list"]
    list_filter = ["kind"]
    list_select_related = ["parent"]
    search_fields = ["name", "aliases__name"]
    autocomplete_fields = ["parent"]
    prepopulated_fields = {"slug": ["name"]}
    fields = ["name", "kind", "parent", ("latitude", "longitude"), "slug", "description"]
    inlines = [PlaceAliasInline]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .prefetch_related(Prefetch("aliases", queryset=PlaceAlias.objects.only("place_id", "name")))
        )

    @admin.display(description="aliases")
    def alias_list(self, place):
        return ", ".join(alias.name for alias in place.aliases.all())


@admin.register(PlaceAlias)
class PlaceAliasAdmin(SimpleHistoryAdmin):
    list_display = ["name", "place", "match_case"]
    list_filter = ["match_case"]
    list_select_related = ["place"]
    search_fields = ["name", "place__name"]
    autocomplete_fields = ["place"]


@admin.register(Agreement)
class AgreementAdmin(SimpleHistoryAdmin):
    list_display = ["name", "kind", "status", "when", "party_list"]
    list_filter = ["kind", "status"]
    search_fields = ["name", "aliases__name"]
    autocomplete_fields = ["places"]
    prepopulated_fields = {"slug": ["name"]}
    fields = [
        "name",
        "kind",
        "status",
        ("date", "date_precision"),
        "summary",
        "places",
        "source_url",
        "slug",
        "description",
    ]
    inlines = [AgreementAliasInline, AgreementPartyInline]

    def get_queryset(self, request):
        parties = AgreementParty.objects.select_related("actor").only("agreement_id", "role", "actor__name")
        return super().get_queryset(request).prefetch_related(Prefetch("party_roles", queryset=parties))

    @admin.display(description="date", ordering="date")
    def when(self, agreement):
        date = agreement.partial_date
        return date.display() if date else "—"

    @admin.display(description="parties")
    def party_list(self, agreement):
        return ", ".join(f"{p.actor.name} ({p.get_role_display().lower()})" for p in agreement.party_roles.all())


@admin.register(AgreementAlias)
class AgreementAliasAdmin(SimpleHistoryAdmin):
    list_display = ["name", "agreement", "match_case"]
    list_filter = ["match_case"]
    list_select_related = ["agreement"]
    search_fields = ["name", "agreement__name"]
    autocomplete_fields = ["agreement"]


@admin.register(AgreementParty)
class AgreementPartyAdmin(admin.ModelAdmin):
    list_display = ["agreement", "actor", "role"]
    list_filter = ["role"]
    list_select_related = ["agreement", "actor"]
    search_fields = ["agreement__name", "actor__name"]
    autocomplete_fields = ["agreement", "actor"]


# --- Articles ------------------------------------------------------------------------


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(item, initial) for item in data]
        return [single(data, initial)] if data else []


class AddArticlesForm(forms.Form):
    """Paste one article, or upload files holding any number of them."""

    title = forms.CharField(max_length=500, required=False, widget=forms.TextInput(attrs={"class": "vTextField"}))
    url = forms.URLField(
        max_length=2000,
        required=False,
        assume_scheme="https",
        label="URL",
        widget=forms.URLInput(attrs={"class": "vURLField"}),
    )
    publisher = forms.CharField(max_length=200, required=False, widget=forms.TextInput(attrs={"class": "vTextField"}))
    published = forms.DateField(
        required=False,
        widget=forms.DateInput(attrs={"placeholder": "YYYY-MM-DD"}, format="%Y-%m-%d"),
        help_text="YYYY-MM-DD. Relative dates in the text (yesterday, on Monday) count from this day; "
        "left blank, today is used and marked as estimated.",
    )
    body = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 16, "class": "vLargeTextField"}), required=False, label="Text"
    )
    is_html = forms.BooleanField(required=False, label="The text is HTML", help_text="Strip the markup first.")
    files = MultipleFileField(
        required=False,
        help_text="Several at once: .txt or .html (one article each), .json or .jsonl (one or many), RSS or Atom.",
    )

    def clean(self):
        data = super().clean()
        pasted = data.get("body", "").strip()
        if not pasted and any(data.get(k) for k in ("title", "url", "publisher", "published")):
            raise ValidationError("Title, URL, publisher and date describe pasted text: paste the text too.")
        if not pasted and not data.get("files"):
            raise ValidationError("Paste an article's text or choose at least one file.")
        return data


@admin.register(Article)
class ArticleAdmin(admin.ModelAdmin):
    list_display = ["__str__", "publisher", "published", "status", "attempts", "error_summary", "created_at"]
    list_filter = ["status", "published_estimated", "internal", "created_at"]
    search_fields = ["title", "=url", "=external_id", "publisher"]
    readonly_fields = [
        "highlighted_body",
        "status",
        "status_changed_at",
        "attempts",
        "error",
        "parsed_at",
        "content_hash",
        "submitted_by",
        "created_at",
    ]
    fieldsets = [
        (
            None,
            {"fields": ["title", "url", "publisher", "external_id", ("published", "published_estimated"), "internal"]},
        ),
        ("Text", {"fields": ["highlighted_body"]}),
        ("Parsing", {"fields": ["status", "status_changed_at", "attempts", "error", "parsed_at"]}),
        ("Record", {"classes": ["collapse"], "fields": ["content_hash", "submitted_by", "created_at"]}),
    ]
    list_select_related = ["submitted_by"]
    actions = ["reparse"]
    show_full_result_count = False
    show_facets = admin.ShowFacets.NEVER
    change_form_template = "admin/tracker/article/change_form.html"
    change_list_template = "admin/tracker/article/change_list.html"

    def get_urls(self):
        wrap = self.admin_site.admin_view
        return [
            path("add-articles/", wrap(self.add_articles_view), name="tracker_article_ingest"),
            path("<int:object_id>/reparse/", wrap(self.reparse_view), name="tracker_article_reparse"),
            *super().get_urls(),
        ]

    @admin.display(description="error")
    def error_summary(self, article):
        return Truncator(article.error).chars(120) if article.error else ""

    @admin.display(description="text, with every recognised name and source date marked")
    def highlighted_body(self, article):
        if article.pk is None:
            return "—"
        spans = name_spans(article.body)
        for source in article.event_sources.all():
            date = date_span(source, offset=0)
            if date is not None:
                spans.append(date)
        return format_html('<div class="article-body">{}</div>', highlight(article.body, spans))

    def add_view(self, request, form_url="", extra_context=None):
        # Articles come in through ingestion, which hashes, dedupes and enqueues them.
        return redirect("admin:tracker_article_ingest")

    def change_view(self, request, object_id, form_url="", extra_context=None):
        events = (
            Event.objects.filter(sources__article_id=object_id)
            .exclude(status=Event.Status.REJECTED)
            .distinct()
            .prefetch_related(Prefetch("actor_roles", queryset=EventActor.objects.select_related("actor")))
            .order_by("status", "date_start", "pk")
        )
        context = {
            "article_events": events,
            "queue_url": reverse("admin:tracker_candidateevent_changelist") + f"?article={object_id}",
            "can_reparse": self.has_change_permission(request),
        }
        return super().change_view(request, object_id, form_url, {**context, **(extra_context or {})})

    def enqueue(self, request, articles):
        from tracker.parse import article_enqueue

        queued, busy = 0, []
        for article in articles:
            if article_enqueue(article):
                queued += 1
            else:
                busy.append(str(article))
        if queued:
            self.message_user(request, f"{queued} article(s) queued for parsing.", messages.SUCCESS)
        if busy:
            self.message_user(request, f"Being parsed right now, left alone: {', '.join(busy)}.", messages.WARNING)

    @admin.action(description="Parse the selected articles again (retry failed ones)", permissions=["change"])
    def reparse(self, request, queryset):
        self.enqueue(request, queryset.select_related(None).only("pk", "title"))

    def reparse_view(self, request, object_id):
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        article = get_object_or_404(Article, pk=object_id)
        if not self.has_change_permission(request, article):
            raise PermissionDenied
        self.enqueue(request, [article])
        return redirect("admin:tracker_article_change", article.pk)

    def add_articles_view(self, request):
        from tracker.ingest import IngestError, article_ingest, ingest_bytes

        if not self.has_add_permission(request):
            raise PermissionDenied
        form = AddArticlesForm(request.POST or None, request.FILES or None)
        if request.method == "POST" and form.is_valid():
            data = form.cleaned_data
            created = duplicates = 0
            if data["body"].strip():
                try:
                    result = article_ingest(
                        body=data["body"],
                        title=data["title"],
                        published=data["published"],
                        url=data["url"] or None,
                        publisher=data["publisher"],
                        submitted_by=request.user,
                        is_html=data["is_html"],
                    )
                except IngestError as error:
                    form.add_error("body", str(error))
                else:
                    created, duplicates = int(result.created), int(not result.created)
            if not form.errors:
                failed = []  # (where, why): `where` names the file, and the line or item in it
                for upload in data["files"]:
                    if upload.size > MAX_UPLOAD_BYTES:
                        failed.append((upload.name, f"larger than {MAX_UPLOAD_BYTES // 2**20} MB; split it"))
                        continue
                    report = ingest_bytes(upload.name, upload.read(), submitted_by=request.user)
                    created += report.created
                    duplicates += report.duplicates
                    failed += report.failed
                self.message_user(
                    request,
                    f"{created} article(s) added and queued for parsing; {duplicates} already known; "
                    f"{len(failed)} not stored.",
                    messages.SUCCESS if created and not failed else messages.WARNING,
                )
                for where, reason in failed:
                    self.message_user(request, f"Not stored: {where}: {reason}", messages.ERROR)
                return redirect("admin:tracker_article_changelist")
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": "Add articles",
            "form": form,
            "max_upload_mb": MAX_UPLOAD_BYTES // 2**20,
        }
        return TemplateResponse(request, "admin/tracker/article/add_articles.html", context)


# A whole feed export fits; beyond this an upload would sit in memory.
MAX_UPLOAD_BYTES = 50 * 2**20


# --- Events ---------------------------------------------------------------------------


def actor_roles_prefetch():
    return Prefetch(
        "actor_roles", queryset=EventActor.objects.select_related("actor").only("event_id", "role", "actor__name")
    )


class EventSearch:
    """Search events by id or by words of the title and summary (full text on PostgreSQL)."""

    search_fields = ["title"]  # shows the search box; get_search_results does the work
    search_help_text = "An event id, or words of the title or summary."

    def get_search_results(self, request, queryset, search_term):
        term = search_term.strip()
        if not term:
            return queryset, False
        matches = Q(pk__in=Event.objects.search(term).values("pk"))
        if term.isdigit():
            matches |= Q(pk=int(term))
        return queryset.filter(matches), False


class EventDecisions:
    """Publish, reject and merge, as one-click POST views and bulk actions."""

    def has_publish_permission(self, request):
        return can_review(request.user)

    def decision_urls(self, prefix):
        wrap = self.admin_site.admin_view
        return [
            path("<int:object_id>/publish/", wrap(self.publish_view), name=f"{prefix}_publish"),
            path("<int:object_id>/reject/", wrap(self.reject_view), name=f"{prefix}_reject"),
            path("<int:object_id>/merge/", wrap(self.merge_view), name=f"{prefix}_merge"),
        ]

    def publish_view(self, request, object_id):
        return self._decide(request, object_id, event_publish, "published")

    def reject_view(self, request, object_id):
        return self._decide(request, object_id, event_reject, "rejected")

    def _decide(self, request, object_id, decide, verb):
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        if not can_review(request.user):
            raise PermissionDenied
        event = get_object_or_404(Event, pk=object_id)
        try:
            event = decide(event, by=request.user)
        except ValidationError as error:
            return self._reply(request, ok=False, message=" ".join(error.messages), event=event)
        return self._reply(request, ok=True, message=f"“{event.title}” was {verb}.", event=event)

    def merge_view(self, request, object_id):
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        if not can_review(request.user):
            raise PermissionDenied
        source = get_object_or_404(Event, pk=object_id)
        target = get_object_or_404(Event, pk=request.POST.get("target") or 0)
        try:
            survivor = event_merge(source=source, target=target, by=request.user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return redirect("admin:tracker_event_change", source.pk)
        messages.success(request, f"Merged: event {survivor.pk} keeps the sources of both.")
        return redirect("admin:tracker_event_change", survivor.pk)

    def _reply(self, request, *, ok, message, event):
        if "application/json" in request.headers.get("Accept", ""):
            data = {"ok": ok, "message": message, "status": event.status, "id": event.pk}
            if event.is_public:
                data["url"] = event.get_absolute_url()
            return JsonResponse(data, status=200 if ok else 409)
        if ok and event.is_public:
            message = format_html('{} <a href="{}">See it as readers do</a>.', message, event.get_absolute_url())
        messages.add_message(request, messages.SUCCESS if ok else messages.ERROR, message)
        target = request.POST.get("next") or request.GET.get("next")
        if not target or not url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
            target = reverse("admin:tracker_candidateevent_changelist")
        return HttpResponseRedirect(target)

    @admin.action(description="Publish the selected events", permissions=["publish"])
    def publish_selected(self, request, queryset):
        self._bulk(request, queryset, event_publish, "published")

    @admin.action(description="Reject the selected events", permissions=["publish"])
    def reject_selected(self, request, queryset):
        self._bulk(request, queryset, event_reject, "rejected")

    def _bulk(self, request, queryset, decide, verb):
        done, refused = 0, []
        for event in Event.objects.filter(pk__in=queryset.values("pk")):
            try:
                decide(event, by=request.user)
                done += 1
            except ValidationError as error:
                refused.append(f"{event.pk}: {' '.join(error.messages)}")
        self.message_user(request, f"{done} event(s) {verb}.", messages.SUCCESS)
        for reason in refused:
            self.message_user(request, reason, messages.WARNING)

    @admin.action(description="Merge the selected events into one (keeps every source)", permissions=["publish"])
    def merge_selected(self, request, queryset):
        events = list(Event.objects.filter(pk__in=queryset.values("pk")).order_by("pk"))
        if len(events) < 2:
            self.message_user(request, "Select at least two events to merge.", messages.WARNING)
            return
        published = [e for e in events if e.status == Event.Status.PUBLISHED]
        target = published[0] if published else events[0]
        try:
            for source in events:
                if source.pk != target.pk:
                    target = event_merge(source=source, target=target, by=request.user)
        except ValidationError as error:
            self.message_user(request, " ".join(error.messages), messages.ERROR)
            return
        url = reverse("admin:tracker_event_change", args=[target.pk])
        self.message_user(
            request,
            format_html('{} events merged into <a href="{}">event {}</a>.', len(events), url, target.pk),
            messages.SUCCESS,
        )


@admin.register(Event)
class EventAdmin(EventSearch, EventDecisions, SimpleHistoryAdmin):
    list_display = ["when", "title", "kind", "status", "actor_list", "reviewed_by", "updated_at"]
    list_display_links = ["when", "title"]
    list_filter = ["status", "kind", "precision", DateRangeFilter, ActorFilter, AgreementFilter, ArticleFilter]
    list_select_related = ["reviewed_by"]
    autocomplete_fields = ["places"]
    readonly_fields = ["status", "reviewed_by", "reviewed_at", "merged_into", "created_at", "updated_at"]
    fieldsets = [
        (None, {"fields": ["title", "kind", "summary"]}),
        (
            "When",
            {
                "fields": [("date_start", "precision"), "date_end"],
                "description": "For a month or a year, enter its first day and choose the precision: "
                "readers then see “September 2018”, never a made-up day.",
            },
        ),
        ("Where", {"fields": ["places"]}),
        ("Review", {"fields": [("status", "reviewed_by", "reviewed_at"), "merged_into", ("created_at", "updated_at")]}),
    ]
    inlines = [EventActorInline, EventAgreementInline, EventSourceInline]
    actions = ["publish_selected", "reject_selected", "merge_selected"]
    show_full_result_count = False
    show_facets = admin.ShowFacets.NEVER
    list_per_page = 50
    change_form_template = "admin/tracker/event/change_form.html"

    def get_urls(self):
        return [*self.decision_urls("tracker_event"), *super().get_urls()]

    def view_on_site(self, event):
        # Readers only ever see published events: no link to a 404.
        return event.get_absolute_url() if event.is_public else None

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related(actor_roles_prefetch())

    @admin.display(description="date", ordering="date_start")
    def when(self, event):
        return when_display(event)

    @admin.display(description="actors")
    def actor_list(self, event):
        return ", ".join(role.actor.name for role in event.actor_roles.all())

    def save_model(self, request, obj, form, change):
        if change:
            # Review fields change only through tracker.review: not by a form,
            # and not by reverting to an older version in the history.
            fields = ["status", "reviewed_by_id", "reviewed_at", "merged_into_id"]
            current = Event.objects.filter(pk=obj.pk).values(*fields).first() or {}
            for name, value in current.items():
                setattr(obj, name, value)
        super().save_model(request, obj, form, change)

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        deciding = request.method == "POST" and ("_publish" in request.POST or "_reject" in request.POST)
        if deciding and not can_review(request.user):
            raise PermissionDenied
        return super().changeform_view(request, object_id, form_url, extra_context)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        context = {"can_review": can_review(request.user)}
        event = Event.objects.filter(pk=object_id).first() if str(object_id).isdigit() else None
        if event is not None and event.status != Event.Status.REJECTED:
            sources = EventSource.objects.select_related("article").only(
                "event_id", "sentence", "char_start", "article__title", "article__published"
            )
            duplicates = list(
                Event.objects.duplicates_of(event).prefetch_related(
                    actor_roles_prefetch(), Prefetch("sources", queryset=sources)
                )[:10]
            )
            context["duplicates"] = duplicates
        return super().change_view(request, object_id, form_url, {**context, **(extra_context or {})})

    def response_post_save_change(self, request, obj):
        # A candidate saved as is goes back to the queue it came from.
        if obj.status == Event.Status.CANDIDATE:
            return redirect("admin:tracker_candidateevent_changelist")
        return super().response_post_save_change(request, obj)

    def response_change(self, request, obj):
        for flag, decide, verb in (("_publish", event_publish, "published"), ("_reject", event_reject, "rejected")):
            if flag in request.POST:
                try:
                    obj = decide(obj, by=request.user)
                except ValidationError as error:
                    self.message_user(request, " ".join(error.messages), messages.ERROR)
                    return redirect("admin:tracker_event_change", obj.pk)
                self.message_user(request, f"“{obj.title}” was saved and {verb}.", messages.SUCCESS)
                return redirect("admin:tracker_candidateevent_changelist")
        return super().response_change(request, obj)


# Newest article first: an annotation, so it cannot be `ordering`.
QUEUE_ORDER = [F("article_published").desc(nulls_last=True), "-pk"]


class QueueChangeList(ChangeList):
    def _get_default_ordering(self):
        # Also marks the default sort on the right column header.
        return QUEUE_ORDER


@admin.register(CandidateEvent)
class CandidateEventAdmin(EventSearch, EventDecisions, admin.ModelAdmin):
    """The review queue: candidates, newest article first, with their source sentences marked."""

    list_display = ["when", "title_link", "kind", "actor_list", "source"]
    list_display_links = None
    list_filter = [ArticleFilter, ActorFilter, AgreementFilter, "kind", DateRangeFilter, "precision"]
    actions = ["publish_selected", "reject_selected", "merge_selected"]
    show_full_result_count = False
    show_facets = admin.ShowFacets.NEVER
    list_per_page = 50
    change_list_template = "admin/tracker/candidateevent/change_list.html"

    def get_urls(self):
        return [*self.decision_urls("tracker_candidateevent"), *super().get_urls()]

    # The queue is a view of events: it follows the event permissions, so the
    # Editor and Reviewer groups need nothing more.
    def has_view_permission(self, request, obj=None):
        return request.user.has_perm("tracker.view_event") or request.user.has_perm("tracker.change_event")

    def has_change_permission(self, request, obj=None):
        return request.user.has_perm("tracker.change_event")

    def has_delete_permission(self, request, obj=None):
        return False

    def has_add_permission(self, request):
        return False

    def has_module_permission(self, request):
        return self.has_view_permission(request)

    def get_queryset(self, request):
        # A subquery rather than Max(): the page count can then leave it out.
        newest = (
            EventSource.objects.filter(event=OuterRef("pk"))
            .order_by(F("article__published").desc(nulls_last=True))
            .values("article__published")[:1]
        )
        sources = EventSource.objects.select_related("article").only(
            "event_id",
            "article_id",
            "article__title",
            "article__published",
            "sentence",
            "char_start",
            "char_end",
            "date_text",
            "date_char_start",
            "date_char_end",
        )
        # Annotate before ordering: the order is by the annotation.
        return (
            self.model._default_manager.annotate(article_published=Subquery(newest))
            .prefetch_related(actor_roles_prefetch(), Prefetch("sources", queryset=sources))
            .order_by(*self.get_ordering(request))
        )

    def get_ordering(self, request):
        return QUEUE_ORDER

    def get_changelist(self, request, **kwargs):
        return QueueChangeList

    def get_list_display(self, request):
        if can_review(request.user):
            return [*self.list_display, "decision"]
        return self.list_display

    def changelist_view(self, request, extra_context=None):
        return super().changelist_view(request, {"title": "Review queue", **(extra_context or {})})

    def change_view(self, request, object_id, form_url="", extra_context=None):
        # Candidates are edited on the event page, which keeps their history.
        return redirect("admin:tracker_event_change", object_id)

    @admin.display(description="date", ordering="date_start")
    def when(self, event):
        return when_display(event)

    @admin.display(description="title", ordering="title")
    def title_link(self, event):
        return format_html('<a href="{}">{}</a>', reverse("admin:tracker_event_change", args=[event.pk]), event.title)

    @admin.display(description="actors")
    def actor_list(self, event):
        return format_html_join(
            ", ",
            '<a href="?{}" title="{}">{}</a>',
            ((urlencode({"actor": r.actor_id}), r.get_role_display(), r.actor.name) for r in event.actor_roles.all()),
        )

    @admin.display(description="source sentence", ordering="article_published")
    def source(self, event):
        sources = list(event.sources.all())
        if not sources:
            return "—"
        first = sources[0]
        article = first.article
        more = f" and {len(sources) - 1} more" if len(sources) > 1 else ""
        return format_html(
            '<div class="source-sentence">{}</div><div class="source-meta"><a href="?{}">{}</a>{}{}</div>',
            sentence_html(first),
            urlencode({"article": article.pk}),
            article,
            f", {article.published:%d %b %Y}" if article.published else "",
            more,
        )

    @admin.display(description="decision")
    def decision(self, event):
        # The buttons submit the changelist form (which carries the CSRF
        # token) to their own URL; admin.js does the same with fetch and
        # updates the row in place.
        return format_html(
            '<div class="review-decision">'
            '<button type="submit" class="button review-publish" data-review-decision="publish" formaction="{}">'
            "Publish</button> "
            '<button type="submit" class="button review-reject" data-review-decision="reject" formaction="{}">'
            "Reject</button></div>",
            reverse("admin:tracker_candidateevent_publish", args=[event.pk]),
            reverse("admin:tracker_candidateevent_reject", args=[event.pk]),
        )


# --- Event links, registered for search and bulk fixes ---------------------------------


@admin.register(EventActor)
class EventActorAdmin(admin.ModelAdmin):
    list_display = ["event", "actor", "role"]
    list_filter = ["role"]
    list_select_related = ["event", "actor"]
    search_fields = ["actor__name", "event__title"]
    autocomplete_fields = ["event", "actor"]
    show_full_result_count = False


@admin.register(EventAgreement)
class EventAgreementAdmin(admin.ModelAdmin):
    list_display = ["event", "agreement", "relation"]
    list_filter = ["relation"]
    list_select_related = ["event", "agreement"]
    search_fields = ["agreement__name", "event__title"]
    autocomplete_fields = ["event", "agreement"]
    show_full_result_count = False


class EventSourceForm(forms.ModelForm):
    """A source added by hand: paste the sentence, the offsets are found in the article."""

    class Meta:
        model = EventSource
        fields = ["event", "article", "sentence", "char_start", "char_end", "date_text"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("char_start", "char_end"):
            self.fields[name].required = False
            self.fields[name].help_text += " Left blank, found from the sentence."

    def clean(self):
        data = super().clean()
        article, sentence = data.get("article"), (data.get("sentence") or "").strip()
        if article is None or not sentence:
            return data
        data["sentence"] = sentence
        start, end = data.get("char_start"), data.get("char_end")
        if start is None or end is None:
            start = article.body.find(sentence)
            if start < 0:
                raise ValidationError({"sentence": "This sentence is not in the article: paste it exactly."})
            end = start + len(sentence)
        elif article.body[start:end] != sentence:
            raise ValidationError({"char_start": "The article's text between these offsets is not the sentence."})
        date_text = data.get("date_text") or ""
        if date_text and date_text not in sentence:
            raise ValidationError({"date_text": "The date expression must be written as in the sentence."})
        data["char_start"], data["char_end"] = start, end
        return data

    def save(self, commit=True):
        self.instance.extracted = False
        return super().save(commit)


@admin.register(EventSource)
class EventSourceAdmin(admin.ModelAdmin):
    form = EventSourceForm
    list_display = ["event", "article", "sentence_preview", "date_text", "extracted"]
    list_filter = ["extracted"]
    list_select_related = ["event", "article"]
    search_fields = ["event__title", "date_text", "=article__id"]
    autocomplete_fields = ["event", "article"]
    show_full_result_count = False
    show_facets = admin.ShowFacets.NEVER

    @admin.display(description="sentence")
    def sentence_preview(self, source):
        return Truncator(source.sentence).chars(160)
