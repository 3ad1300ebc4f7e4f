"""Readers never see unpublished events, internal article text, or the admin.

The tests walk every URL pattern of `tracker.urls`, so a page or endpoint
added later is covered without being listed here.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass

import pytest
from django.contrib.auth.models import Permission
from django.core.cache import cache
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.urls.resolvers import RegexPattern, RoutePattern

from tests.factories import make_actor, make_agreement, make_article, make_event, make_place, make_user
from tracker.models import Event

# --- Walking the URL patterns ------------------------------------------------


@dataclass(frozen=True)
class Route:
    """One named URL pattern, with the parameters it needs."""

    name: str  # with its namespace, ready for reverse()
    params: tuple[str, ...]  # named parameters
    positional: int  # unnamed regex groups
    converters: dict

    @property
    def is_admin(self):
        return self.name.startswith("admin:")


def iter_routes(patterns=None, namespace=(), converters=None) -> Iterator[Route]:
    """Yield every named pattern under `patterns` (all of tracker.urls by default)."""
    patterns = get_resolver().url_patterns if patterns is None else patterns
    converters = converters or {}
    for entry in patterns:
        found = dict(converters)
        named: list[str] = []
        positional = 0
        if isinstance(entry.pattern, RoutePattern):
            found.update(entry.pattern.converters)
            named = list(entry.pattern.converters)
        elif isinstance(entry.pattern, RegexPattern):
            regex = entry.pattern.regex
            named = list(regex.groupindex)
            positional = regex.groups - len(named)
        if isinstance(entry, URLResolver):
            inner = namespace + ((entry.namespace,) if entry.namespace else ())
            for route in iter_routes(entry.url_patterns, inner, found):
                yield Route(route.name, (*named, *route.params), positional + route.positional, route.converters)
        elif isinstance(entry, URLPattern) and entry.name:
            yield Route(":".join((*namespace, entry.name)), tuple(named), positional, found)


def concrete_paths(route: Route, values: Callable[[Route, str], list[str]]) -> list[str]:
    """Return the paths of `route` for every combination of `values(route, param)`."""
    if route.positional:
        choices = [values(route, "object_id")] * route.positional
        paths = []
        for args in itertools.product(*choices):
            try:
                paths.append(reverse(route.name, args=args))
            except Exception:  # noqa: S112, BLE001 - a value the pattern refuses: try the next
                continue
        return paths
    names = sorted(set(route.params))
    paths = []
    for combo in itertools.product(*(values(route, name) for name in names)):
        try:
            paths.append(reverse(route.name, kwargs=dict(zip(names, combo, strict=True))))
        except Exception:  # noqa: S112, BLE001
            continue
    return sorted(set(paths))


def sample_values(route: Route, param: str) -> list[str]:
    """Return a value per parameter that most patterns accept (for admin and CSRF walks)."""
    if param == "format":
        return ["json"]
    if param == "app_label":
        return ["tracker"]
    if param in {"slug"}:
        return ["sample"]
    return ["1"]


def public_routes() -> list[Route]:
    return [route for route in iter_routes() if not route.is_admin]


def admin_routes() -> list[Route]:
    return [route for route in iter_routes() if route.is_admin]


# --- The data readers must not see ------------------------------------------

# Strings that appear only in what readers must not see.
CANDIDATE = "Zqxcandidatetitle"
CANDIDATE_SUMMARY = "Zqxcandidatesummary"
CANDIDATE_SENTENCE = "Zqxcandidatesentence"
REJECTED = "Zqxrejectedtitle"
REJECTED_SUMMARY = "Zqxrejectedsummary"
MERGED = "Zqxmergedawaytitle"
INTERNAL_BODY = "Zqxinternalbody"
INTERNAL_SENTENCE = "Zqxinternalsentence"
MARKERS = [
    CANDIDATE,
    CANDIDATE_SUMMARY,
    CANDIDATE_SENTENCE,
    REJECTED,
    REJECTED_SUMMARY,
    MERGED,
    INTERNAL_BODY,
    INTERNAL_SENTENCE,
]
PUBLIC = "Published meeting in Sochi"
# Only unpublished events fall in this year.
HIDDEN_YEAR = 1911


@dataclass
class World:
    published: Event
    internal_sourced: Event
    candidate: Event
    rejected: Event
    merged_away: Event
    hidden_pair: tuple

    @property
    def unpublished(self):
        return [self.candidate, self.rejected, self.merged_away]

    @property
    def events(self):
        return [self.published, self.internal_sourced, *self.unpublished]


def make_world() -> World:
    """Build published, candidate, rejected and merged events, and an internal article."""
    from tracker.review import event_merge

    turkey = make_actor("Turkey", aliases=["Ankara"])
    russia = make_actor("Russia")
    lonely_a = make_actor("Hiddenpair Alpha")
    lonely_b = make_actor("Hiddenpair Beta")
    sochi = make_place("Sochi")
    idlib = make_place("Idlib", kind="province")
    memo = make_agreement("Sochi memorandum")

    public_article = make_article(
        "Turkey and Russia met in Sochi on Monday. They signed the Sochi memorandum.",
        url="https://news.example.org/sochi",
        publisher="Example News",
    )
    published = make_event(
        "2018-09-17",
        title=PUBLIC,
        summary="Leaders met and agreed on Idlib.",
        actors=[turkey, russia],
        places=[sochi, idlib],
        agreements=[memo],
        article=public_article,
        sentence="Turkey and Russia met in Sochi on Monday.",
    )

    internal_article = make_article(
        f"{INTERNAL_BODY} opening lines. Turkey said on Tuesday that {INTERNAL_SENTENCE} patrols begin. "
        f"{INTERNAL_BODY} closing lines.",
        title="Licensed wire story",
        internal=True,
    )
    internal_sourced = make_event(
        "2018-09-18",
        title="Patrols announced",
        actors=[turkey],
        places=[idlib],
        article=internal_article,
        sentence=f"Turkey said on Tuesday that {INTERNAL_SENTENCE} patrols begin.",
    )

    candidate_article = make_article(f"Russia announced on Friday that {CANDIDATE_SENTENCE} talks will follow.")
    candidate = make_event(
        f"{HIDDEN_YEAR}-11-11",
        title=CANDIDATE,
        summary=CANDIDATE_SUMMARY,
        status=Event.Status.CANDIDATE,
        actors=[lonely_a, lonely_b, russia],
        places=[sochi],
        agreements=[memo],
        article=candidate_article,
        sentence=f"Russia announced on Friday that {CANDIDATE_SENTENCE} talks will follow.",
    )
    rejected = make_event(
        f"{HIDDEN_YEAR}-05",
        title=REJECTED,
        summary=REJECTED_SUMMARY,
        status=Event.Status.REJECTED,
        actors=[lonely_a, lonely_b, turkey],
        places=[idlib],
        agreements=[memo],
    )
    merged_away = make_event(
        "2018-09-17", title=MERGED, status=Event.Status.CANDIDATE, actors=[turkey, russia], places=[sochi]
    )
    reviewer = make_user("Reviewer")
    event_merge(source=merged_away, target=published, by=reviewer)
    merged_away.refresh_from_db()
    assert merged_away.merged_into_id == published.pk
    return World(published, internal_sourced, candidate, rejected, merged_away, (lonely_a, lonely_b))


def reader_values(world: World) -> Callable[[Route, str], list[str]]:
    """Return, per parameter, the values a reader might try: every row's id and slug, and junk."""
    from tracker.models import Actor, Agreement, Article, Place

    event_ids = [str(event.pk) for event in world.events]
    article_ids = [str(pk) for pk in Article.objects.values_list("pk", flat=True)]
    slugs = [
        *Actor.objects.values_list("slug", flat=True),
        *Place.objects.values_list("slug", flat=True),
        *Agreement.objects.values_list("slug", flat=True),
    ]

    def values(route: Route, param: str) -> list[str]:
        if param == "format":
            return ["json", "api", "csv", "jsonl"]
        converter = route.converters.get(param)
        kind = type(converter).__name__ if converter else ""
        if param == "slug" or kind == "SlugConverter":
            # Only the slugs of the kind this route is about, plus one that does not exist.
            for model_name, model in (("actor", Actor), ("place", Place), ("agreement", Agreement)):
                if model_name in route.name:
                    return [*model.objects.values_list("slug", flat=True), "no-such-slug"]
            return [*slugs, "no-such-slug"]
        if "article" in route.name:
            return [*article_ids, "999999"]
        return [*event_ids, *article_ids, "999999"]

    return values


# Query strings a curious reader might add to lists, aggregates and exports.
READER_QUERIES = [
    "",
    "?status=candidate",
    "?status=rejected",
    "?status=candidate&status=rejected",
    "?include_unpublished=1&all=1&show_internal=1",
    f"?q={CANDIDATE[:7]}&search={CANDIDATE[:7]}",
    f"?start={HIDDEN_YEAR}-01-01&end={HIDDEN_YEAR}-12-31",
    "?page_size=1000&limit=1000",
    "?period=year&by=actor",
    "?format=json",
]


def body_of(response) -> str:
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content).decode("utf-8", "replace")
    return response.content.decode("utf-8", "replace")


def crawl(client, paths) -> dict[str, tuple[int, str]]:
    """GET each path and return its status and text; follow no redirects."""
    seen = {}
    for path in paths:
        # The walk is one reader making hundreds of requests: keep the API's
        # throttle (its counts live in the cache) out of it.
        cache.clear()
        response = client.get(path)
        seen[path] = (response.status_code, body_of(response))
    return seen


def route_paths(route: Route, world: World) -> list[str]:
    queries = READER_QUERIES if not route.params or route.params == ("format",) else [""]
    return sorted({path + query for path in concrete_paths(route, reader_values(world)) for query in queries})


def reader_paths(world: World) -> list[str]:
    return sorted({path for route in public_routes() for path in route_paths(route, world)})


def route_id(route: Route) -> str:
    return route.name + "".join(f"<{param}>" for param in route.params)


PUBLIC_ROUTES = public_routes()

# Bugs found in other modules, with the fix; strict, so a fix turns them green loudly.
# Routes with a known server error, as strict xfails: {route id: "file: bug and fix"}.
KNOWN_ERRORS: dict[str, str] = {}


def with_known_errors(routes):
    return [
        pytest.param(route, marks=pytest.mark.xfail(strict=True, reason=KNOWN_ERRORS[route_id(route)]))
        if route_id(route) in KNOWN_ERRORS
        else route
        for route in routes
    ]


# --- Tests -------------------------------------------------------------------


@pytest.fixture(autouse=True)
def _fresh_throttle_counts():
    """Start and leave the cache empty, so throttle counts do not leak between tests."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def world(db, settings):
    # A fast hasher: every test builds users.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    return make_world()


def assert_no_markers(pages):
    leaks = [(path, marker) for path, (_, text) in pages.items() for marker in MARKERS if marker in text]
    assert not leaks, f"readers can see unpublished or internal text: {leaks[:10]}"


def test_it_walks_the_reader_pages_and_the_api(world):
    names = {route.name for route in public_routes()}
    # The walk covers what exists; these must exist for it to mean anything.
    for name in ["overview", "event-detail", "actor-detail", "place-detail", "agreement-detail"]:
        assert name in names
    assert any(name.startswith("api-") for name in names)
    assert len(reader_paths(world)) > 50


@pytest.fixture(scope="module")
def anonymous_walk(django_db_setup, django_db_blocker):
    """Build the world once, walk every public route as an anonymous reader, and roll back.

    Return {route id: {path: (status, text)}}; the per-route tests only read it.
    """
    from django.conf import settings
    from django.db import transaction

    hashers = settings.PASSWORD_HASHERS
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    try:
        with django_db_blocker.unblock(), transaction.atomic():
            world = make_world()
            client = Client(raise_request_exception=False)
            walk = {route_id(route): crawl(client, route_paths(route, world)) for route in PUBLIC_ROUTES}
            transaction.set_rollback(True)
    finally:
        settings.PASSWORD_HASHERS = hashers
        cache.clear()
    return walk


@pytest.mark.django_db
@pytest.mark.parametrize("route", PUBLIC_ROUTES, ids=route_id)
def test_it_never_shows_unpublished_events_or_internal_text_to_anonymous_readers(anonymous_walk, route):
    pages = anonymous_walk[route_id(route)]
    assert pages
    assert_no_markers(pages)


@pytest.mark.django_db
@pytest.mark.parametrize("route", with_known_errors(PUBLIC_ROUTES), ids=route_id)
def test_it_serves_every_public_route_to_anonymous_readers_without_error(anonymous_walk, route):
    pages = anonymous_walk[route_id(route)]
    errors = {path: status for path, (status, _) in pages.items() if status >= 500}
    assert not errors, f"server errors: {errors}"
    unexpected = {path: status for path, (status, _) in pages.items() if status not in {200, 400, 404, 406}}
    # Article endpoints are for editors; everything else is open to readers.
    if "article" in route.name:
        unexpected = {path: status for path, status in unexpected.items() if status not in {401, 403, 405}}
    assert not unexpected, unexpected


@pytest.mark.django_db
def test_it_shows_readers_the_published_data_the_walk_looks_for(anonymous_walk):
    # Guard the guard: the published events and a public quote are really shown.
    texts = [text for pages in anonymous_walk.values() for _, text in pages.values()]
    assert sum(PUBLIC in text for text in texts) > 10
    assert any("Patrols announced" in text for text in texts)
    assert any("Turkey and Russia met in Sochi on Monday." in text for text in texts)


def test_it_never_shows_them_to_a_signed_in_reader_without_staff_rights(world):
    client = Client(raise_request_exception=False)
    client.force_login(make_user(username="reader"))
    paths = [path for path in reader_paths(world) if "/api/" in path or "/events/" in path]
    assert_no_markers(crawl(client, paths))


def test_it_answers_404_for_unpublished_event_pages_and_api_details(world):
    client = Client()
    assert client.get(world.published.get_absolute_url()).status_code == 200
    assert client.get(reverse("api-event-detail", args=[world.published.pk])).status_code == 200
    for event in world.unpublished:
        assert client.get(reverse("event-detail", args=[event.pk])).status_code == 404, event
        assert client.get(reverse("api-event-detail", args=[event.pk])).status_code == 404, event


def test_it_leaves_unpublished_events_out_of_the_aggregates(world):
    client = Client()
    periods = client.get(reverse("api-stats-events-per-period"), {"period": "year"}).json()
    assert periods["results"], periods
    assert not [row for row in periods["results"] if row["period"].startswith(str(HIDDEN_YEAR))]
    by_actor = client.get(reverse("api-stats-events-per-period"), {"period": "year", "by": "actor"}).json()
    hidden = {actor.slug for actor in world.hidden_pair}
    assert not [row for row in by_actor["results"] if row["key"] in hidden]
    pairs = client.get(reverse("api-stats-actor-pairs")).json()["results"]
    assert pairs
    assert not [pair for pair in pairs if {pair["a"]["slug"], pair["b"]["slug"]} & hidden]


def test_it_keeps_internal_quotes_from_readers_but_not_from_staff(world):
    path = reverse("api-event-detail", args=[world.internal_sourced.pk])
    assert INTERNAL_SENTENCE not in Client().get(path).content.decode()
    staff = make_user("Reviewer")
    client = Client()
    client.force_login(staff)
    # Staff do see it, so the reader's blank is a decision, not a missing field.
    assert INTERNAL_SENTENCE in client.get(path).content.decode()


@pytest.mark.django_db
def test_it_sends_anonymous_visitors_of_the_admin_to_the_login():
    login = reverse("admin:login")
    open_to_all = {"admin:login", "admin:logout"}
    client = Client()
    checked = 0
    for route in admin_routes():
        if route.name in open_to_all:
            continue
        for path in concrete_paths(route, sample_values):
            response = client.get(path)
            assert response.status_code == 302, (path, response.status_code)
            assert response["Location"].startswith(login), (path, response["Location"])
            checked += 1
    assert checked > 50


@pytest.mark.django_db
def test_it_refuses_the_admin_to_signed_in_users_without_staff_status():
    client = Client()
    client.force_login(make_user(username="reader"))
    for route in admin_routes():
        if route.name in {"admin:login", "admin:logout"}:
            continue
        for path in concrete_paths(route, sample_values):
            response = client.get(path)
            assert response.status_code in {302, 403, 404}, (path, response.status_code)
            if response.status_code == 302:
                assert response["Location"].startswith(reverse("admin:login")), path


@pytest.mark.django_db
def test_it_shows_staff_without_permissions_no_model_screens():
    # A staff flag alone opens the admin's door, not its rooms.
    staff = make_user(username="doorman")
    staff.is_staff = True
    staff.save()
    client = Client()
    client.force_login(staff)
    allowed = {"admin:index", "admin:password_change", "admin:password_change_done", "admin:jsi18n"}
    allowed |= {"admin:login", "admin:logout", "admin:autocomplete", "admin:view_on_site"}
    for route in admin_routes():
        if route.name in allowed:
            continue
        for path in concrete_paths(route, sample_values):
            response = client.get(path)
            assert response.status_code in {302, 403, 404, 405}, (path, response.status_code)


@pytest.mark.django_db
def test_it_lets_reviewers_into_the_queue_but_not_into_user_accounts():
    reviewer = make_user("Reviewer")
    assert not reviewer.has_perm("auth.change_user")
    assert Permission.objects.filter(codename="publish_event").exists()
    client = Client()
    client.force_login(reviewer)
    assert client.get(reverse("admin:tracker_candidateevent_changelist")).status_code == 200
    assert client.get(reverse("admin:auth_user_changelist")).status_code == 403


def test_it_finds_no_inline_marker_pattern_in_templates():
    # Guard the guard: markers must not be words a template could print on its own.
    from pathlib import Path

    templates = Path(__file__).resolve().parent.parent / "templates"
    text = " ".join(path.read_text() for path in templates.rglob("*.html"))
    assert not [marker for marker in MARKERS if re.search(marker, text, re.IGNORECASE)]
