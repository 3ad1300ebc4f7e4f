"""Stream events as CSV or JSON Lines, a chunk at a time.

The writers are generators: a response that wraps them holds one chunk of
events (with its prefetched actors, places, agreements and sources) in
memory at a time, however many rows the export has.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Callable, Iterable, Iterator

from django.core.serializers.json import DjangoJSONEncoder

from tracker.api.serializers import related

CHUNK_SIZE = 500

CSV_COLUMNS = [
    "id",
    "date",
    "date_end",
    "precision",
    "kind",
    "status",
    "title",
    "summary",
    "actors",
    "actor_slugs",
    "places",
    "place_slugs",
    "agreements",
    "agreement_slugs",
    "source_count",
    "source_urls",
    "page_url",
    "updated_at",
]

# A spreadsheet runs a cell that starts with one of these as a formula
# (OWASP "CSV injection"); tab and carriage return can hide one.
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value) -> str:
    """Return `value` as a CSV cell that no spreadsheet will run as a formula."""
    text = "" if value is None else str(value)
    if text.startswith(FORMULA_PREFIXES):
        return "'" + text
    return text


def iterate_in_chunks(queryset, prefetches: Iterable, *, chunk_size: int | None = None) -> Iterator:
    """Yield the rows of `queryset`, prefetching related rows one chunk at a time."""
    return queryset.prefetch_related(*prefetches).iterator(chunk_size=chunk_size or CHUNK_SIZE)


def event_csv_row(event, *, page_url: Callable[[object], str]) -> list[str]:
    """Return the CSV cells of one event; its related rows must be prefetched."""
    roles = related(event, "actor_roles")
    places = related(event, "places")
    links = related(event, "agreement_links")
    sources = related(event, "sources")
    end = event.partial_date_end
    urls = dict.fromkeys(source.article.url for source in sources if source.article.url)
    cells = [
        event.pk,
        event.partial_date.isoformat(),
        end.isoformat() if end else "",
        event.precision,
        event.kind,
        event.status,
        event.title,
        event.summary,
        "; ".join(f"{role.actor.name} ({role.role})" for role in roles),
        " ".join(role.actor.slug for role in roles),
        "; ".join(place.name for place in places),
        " ".join(place.slug for place in places),
        "; ".join(f"{link.agreement.name} ({link.relation})" for link in links),
        " ".join(link.agreement.slug for link in links),
        len(sources),
        " ".join(urls),
        page_url(event) if event.is_public else "",
        event.updated_at.isoformat(),
    ]
    return [neutralise(cell) for cell in cells]


class _Echo:
    """A file-like object whose write returns the line, for csv.writer in a generator."""

    def write(self, value):
        return value


def csv_lines(events: Iterable, *, page_url: Callable[[object], str]) -> Iterator[str]:
    """Yield an export of `events` as CSV text, a header then one line per event."""
    writer = csv.writer(_Echo())
    yield writer.writerow(CSV_COLUMNS)
    for event in events:
        yield writer.writerow(event_csv_row(event, page_url=page_url))


def jsonl_lines(records: Iterable[dict]) -> Iterator[str]:
    """Yield one JSON document per line for each record."""
    for record in records:
        yield json.dumps(record, cls=DjangoJSONEncoder, ensure_ascii=False) + "\n"
