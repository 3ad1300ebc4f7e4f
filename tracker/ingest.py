"""Store articles first, then hand them to the parser.

Every way in (REST API, admin paste and upload, `manage.py ingest`) goes
through `article_ingest` or `ingest_bytes`. An article is stored before
anything else happens, idempotently on its text (content hash) and its
address, and its parse is enqueued only after the transaction commits. Bad
input raises `IngestError` with a message an editor can act on; in a batch
the bad records are reported and the good ones kept.
"""

from __future__ import annotations

import datetime as dt
import email.utils
import json
import logging
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import PurePath

import feedparser
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime

from tracker.htmltext import html_document
from tracker.models import Article, content_hash
from tracker.parse import Enqueued, enqueue_on_commit

log = logging.getLogger("tracker.ingest")

TEXT_SUFFIXES = {".txt", ".text", ".md"}
HTML_SUFFIXES = {".html", ".htm", ".xhtml"}
JSON_SUFFIXES = {".json"}
JSONL_SUFFIXES = {".jsonl", ".ndjson"}
FEED_SUFFIXES = {".rss", ".atom", ".xml"}
SUFFIXES = TEXT_SUFFIXES | HTML_SUFFIXES | JSON_SUFFIXES | JSONL_SUFFIXES | FEED_SUFFIXES
EARLIEST = dt.date(1900, 1, 1)
_validate_url = URLValidator(schemes=["http", "https"])


class IngestError(ValueError):
    """Input that cannot become an article; the message says why."""


@dataclass
class IngestResult:
    article: Article
    created: bool
    duplicate_of: str = ""  # "text" or "url" when the article was already stored
    queue: Enqueued | None = None  # filled in once the transaction commits

    @property
    def message(self) -> str:
        """Say what happened, in words an editor or an API client can act on."""
        if not self.created:
            return f"Already stored as article {self.article.pk} (same {self.duplicate_of}); nothing was added."
        if self.queue and self.queue.error:
            return (
                f"Stored article {self.article.pk}, but {self.queue.error}. It stays queued and is parsed once "
                "the queue is back; nothing is lost."
            )
        return f"Stored article {self.article.pk}; it is queued for parsing."


@dataclass
class IngestReport:
    created: int = 0
    duplicates: int = 0
    failed: list[tuple[str, str]] = field(default_factory=list)  # (where, reason)
    articles: list[Article] = field(default_factory=list)

    def add(self, result: IngestResult) -> None:
        self.articles.append(result.article)
        if result.created:
            self.created += 1
        else:
            self.duplicates += 1

    def merge(self, other: IngestReport) -> None:
        self.created += other.created
        self.duplicates += other.duplicates
        self.failed.extend(other.failed)
        self.articles.extend(other.articles)

    @property
    def summary(self) -> str:
        return f"created {self.created}, duplicates {self.duplicates}, failed {len(self.failed)}"


# --- One article ---------------------------------------------------------------


def clean_body(body) -> str:
    """Return `body` as stored text, or raise IngestError if it cannot be one."""
    if not isinstance(body, str):
        raise IngestError(f"The article text must be a string, not {type(body).__name__}.")
    # PostgreSQL text cannot hold NUL; other control characters are noise in news text.
    body = body.replace("\r\n", "\n").replace("\r", "\n")
    body = "".join(ch for ch in body if ch in "\n\t" or ch >= " " or ch == "\x7f").replace("\x7f", "")
    body = body.strip()
    if not body:
        raise IngestError("The article has no text.")
    size = len(body.encode("utf-8"))
    if size > settings.ARTICLE_MAX_BYTES:
        raise IngestError(
            f"The article text is {size:,} bytes, over the limit of {settings.ARTICLE_MAX_BYTES:,} bytes "
            "(ARTICLE_MAX_BYTES). Split it or raise the limit."
        )
    return body


def clean_published(value) -> dt.date | None:
    """Return the publication day of `value` (date, datetime, ISO or RFC 2822 text), or None if blank."""
    if value is None or value == "":
        return None
    day = None
    if isinstance(value, dt.datetime):
        day = value.date()
    elif isinstance(value, dt.date):
        day = value
    elif isinstance(value, str):
        text = value.strip()
        try:
            day = parse_date(text)
            if day is None:
                moment = parse_datetime(text.replace(" ", "T", 1) if len(text) > 10 else text)
                day = moment.date() if moment else None
            if day is None:
                day = email.utils.parsedate_to_datetime(text).date()
        except (ValueError, TypeError, IndexError):
            day = None
        if day is None:
            raise IngestError(f"Bad publication date {value!r}: use YYYY-MM-DD (or an ISO 8601 date and time).")
    else:
        raise IngestError(f"Bad publication date {value!r}: use YYYY-MM-DD.")
    latest = timezone.localdate() + dt.timedelta(days=1)
    if not EARLIEST <= day <= latest:
        raise IngestError(f"Bad publication date {day.isoformat()}: it must lie between 1900 and tomorrow.")
    return day


def clean_url(value) -> str | None:
    """Return `value` as a checked http(s) address, or None if blank."""
    if value is None:
        return None
    if not isinstance(value, str):
        raise IngestError(f"Bad URL {value!r}: it must be text.")
    url = value.strip()
    if not url:
        return None
    if len(url) > Article._meta.get_field("url").max_length:
        raise IngestError(f"Bad URL: it is {len(url)} characters long, over the limit of 2000.")
    try:
        _validate_url(url)
    except ValidationError:
        raise IngestError(f"Bad URL {url[:200]!r}: it must be a full http:// or https:// address.") from None
    return url


def _field_text(value, name: str, limit: int) -> str:
    if value is None:
        return ""
    if not isinstance(value, str):
        raise IngestError(f"Bad {name} {value!r}: it must be text.")
    return " ".join(value.split())[:limit]


def _or_none(clean, value):
    try:
        return clean(value)
    except IngestError:
        return None


def _existing(digest: str, url: str | None) -> IngestResult | None:
    match = Q(content_hash=digest) | Q(url=url) if url else Q(content_hash=digest)
    for article in Article.objects.filter(match).order_by("pk")[:2]:
        return IngestResult(
            article=article, created=False, duplicate_of="text" if article.content_hash == digest else "url"
        )
    return None


def article_ingest(
    *,
    body,
    title="",
    published=None,
    url=None,
    publisher="",
    external_id="",
    submitted_by=None,
    is_html=False,
) -> IngestResult:
    """Store one article (or find it already stored) and enqueue its parse after commit.

    Raise IngestError with a clear message for bad input; nothing is stored then.
    """
    if is_html:
        if not isinstance(body, str):
            raise IngestError("The HTML must be a string.")
        page = html_document(body)
        body = page.text
        title = title or page.title
        publisher = publisher or page.publisher
        # What the caller gives must be right; what a page's head claims is only a hint.
        published = published or _or_none(clean_published, page.published)
        url = url or _or_none(clean_url, page.url)
    body = clean_body(body)
    day = clean_published(published)
    url = clean_url(url)
    fields = {
        "title": _field_text(title, "title", 500),
        "publisher": _field_text(publisher, "publisher", 200),
        "external_id": _field_text(str(external_id) if isinstance(external_id, int) else external_id, "id", 200),
    }
    digest = content_hash(body)
    found = _existing(digest, url)
    if found:
        return found
    article = Article(
        body=body,
        url=url,
        published=day or timezone.localdate(),
        published_estimated=day is None,
        submitted_by=submitted_by,
        status=Article.Status.QUEUED,
        status_changed_at=timezone.now(),
        **fields,
    )
    try:
        with transaction.atomic():
            article.save()
    except IntegrityError:
        # Someone stored the same text or address between our check and our insert.
        found = _existing(digest, url)
        if found:
            return found
        raise
    queue = enqueue_on_commit([article.pk])
    log.info(
        "event=article_stored article_id=%s bytes=%d published_estimated=%s",
        article.pk,
        len(body.encode()),
        day is None,
    )
    return IngestResult(article=article, created=True, queue=queue)


# --- Files and batches -----------------------------------------------------------


def decode_utf8(data: bytes) -> str:
    """Return `data` as text, or raise IngestError naming the first bad byte's offset."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise IngestError(
            f"not UTF-8 text: byte 0x{data[exc.start]:02x} at offset {exc.start} cannot be decoded; "
            "save it as UTF-8 and try again"
        ) from None


def _kind(name: str, data: bytes) -> str:
    suffix = PurePath(name).suffix.lower()
    if suffix in TEXT_SUFFIXES:
        return "text"
    if suffix in HTML_SUFFIXES:
        return "html"
    if suffix in JSONL_SUFFIXES:
        return "jsonl"
    if suffix in JSON_SUFFIXES:
        return "json"
    if suffix in FEED_SUFFIXES:
        return "feed"
    head = data[:2048].lstrip().lower()
    if head.startswith(b"<?xml") or b"<rss" in head or b"<feed" in head:
        return "feed" if (b"<rss" in head or b"<feed" in head or b"<rdf" in head) else "html"
    if head.startswith((b"<!doctype html", b"<html")) or b"<body" in head:
        return "html"
    if head.startswith(b"{") and b"\n{" in data:
        return "jsonl"
    if head.startswith((b"{", b"[")):
        return "json"
    return "text"


def _title_from_text(text: str, name: str) -> str:
    first, _, rest = text.partition("\n\n")
    if rest.strip() and "\n" not in first and len(first) <= 200:
        return first.strip()
    return PurePath(name).stem.replace("_", " ").replace("-", " ")


def _record(item, where: str, *, submitted_by) -> IngestResult:
    if not isinstance(item, dict):
        raise IngestError(f"expected a JSON object with a 'text' field, got {type(item).__name__}")
    text, is_html = item.get("text"), False
    if text is None and item.get("html") is not None:
        text, is_html = item["html"], True
    if text is None:
        raise IngestError("the record has no 'text' field")
    return article_ingest(
        body=text,
        title=item.get("title") or "",
        published=item.get("published"),
        url=item.get("url"),
        publisher=item.get("publisher") or "",
        external_id=item.get("id") or "",
        submitted_by=submitted_by,
        is_html=is_html,
    )


def _jsonl_records(name: str, data: bytes) -> Iterator[tuple[str, object]]:
    """Yield (where, record or IngestError) for each non-blank line."""
    offset = 0
    for number, raw in enumerate(data.split(b"\n"), start=1):
        where = f"{name}:{number}"
        line_start, offset = offset, offset + len(raw) + 1
        if not raw.strip():
            continue
        try:
            line = raw.decode("utf-8-sig" if number == 1 else "utf-8")
        except UnicodeDecodeError as exc:
            yield (
                where,
                IngestError(f"not UTF-8: byte 0x{raw[exc.start]:02x} at offset {line_start + exc.start} of the file"),
            )
            continue
        try:
            yield where, json.loads(line)
        except json.JSONDecodeError as exc:
            yield where, IngestError(f"not valid JSON: {exc.msg} (column {exc.colno})")
        except (ValueError, RecursionError) as exc:
            # Nesting too deep for the parser, or an integer too long to convert.
            yield where, IngestError(f"not valid JSON: {exc.__class__.__name__}: {str(exc)[:200]}")


def _feed_records(name: str, data: bytes) -> Iterator[tuple[str, object]]:
    feed = feedparser.parse(data, sanitize_html=False, resolve_relative_uris=False)
    if not feed.entries:
        reason = f"not a valid RSS or Atom feed: {feed.bozo_exception}" if feed.bozo else "the feed has no entries"
        yield name, IngestError(reason)
        return
    publisher = feed.feed.get("title", "")
    for number, entry in enumerate(feed.entries, start=1):
        where = f"{name}#{number}"
        content = entry.get("content") or []
        if content:
            value, mime = content[0].get("value", ""), content[0].get("type", "")
        else:
            value = entry.get("summary", "")
            mime = (entry.get("summary_detail") or {}).get("type", "text/plain")
        stamp = entry.get("published_parsed") or entry.get("updated_parsed")
        published = dt.date(*stamp[:3]).isoformat() if stamp else (entry.get("published") or entry.get("updated"))
        record = {
            "id": entry.get("id", ""),
            "title": entry.get("title", ""),
            "url": entry.get("link"),
            "published": published,
            "publisher": publisher,
        }
        record["html" if "html" in mime else "text"] = value
        yield where, record


def _records(name: str, data: bytes) -> Iterator[tuple[str, object]]:
    kind = _kind(name, data)
    if kind == "jsonl":
        yield from _jsonl_records(name, data)
        return
    if kind == "feed":
        yield from _feed_records(name, data)
        return
    try:
        text = decode_utf8(data)
    except IngestError as exc:
        yield name, exc
        return
    if kind == "json":
        try:
            parsed = json.loads(text)
        except json.JSONDecodeError as exc:
            yield name, IngestError(f"not valid JSON: {exc.msg} (line {exc.lineno}, column {exc.colno})")
            return
        except (ValueError, RecursionError) as exc:
            yield name, IngestError(f"not valid JSON: {exc.__class__.__name__}: {str(exc)[:200]}")
            return
        items = parsed if isinstance(parsed, list) else [parsed]
        for number, item in enumerate(items, start=1):
            yield (f"{name}[{number}]" if isinstance(parsed, list) else name), item
    elif kind == "html":
        yield name, {"html": text}
    else:
        yield name, {"text": text, "title": _title_from_text(text, name)}


def ingest_bytes(
    name: str, data: bytes, *, submitted_by=None, progress: Callable[[], None] | None = None
) -> IngestReport:
    """Store the articles in one file's bytes and report what happened to each.

    `name` picks the format by its suffix (txt, html, json, jsonl, rss, atom,
    xml), else the content decides. Bad records are listed in `.failed` with
    where and why; the good ones are kept. `progress` is called once per record.
    """
    report = IngestReport()
    for where, item in _records(name, data):
        try:
            if isinstance(item, IngestError):
                raise item
            report.add(_record(item, where, submitted_by=submitted_by))
        except IngestError as exc:
            report.failed.append((where, str(exc)))
        if progress:
            progress()
    log.info(
        "event=ingest_file name=%s created=%d duplicates=%d failed=%d",
        json.dumps(name),
        report.created,
        report.duplicates,
        len(report.failed),
    )
    return report
