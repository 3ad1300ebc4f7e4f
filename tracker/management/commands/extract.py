"""Extract candidate events from JSON Lines articles without touching the database's events."""

import contextlib
import datetime as dt
import json
import sys

from django.core.management.base import BaseCommand, CommandError

from tracker.extract.pipeline import extract_events
from tracker.extract.types import ACTOR, AGREEMENT, PLACE
from tracker.gazetteer import current_gazetteer


def event_row(event, gazetteer) -> dict:
    """Return an event as the scorer reads it: dates by precision, canonical names."""

    def names(kind, ids):
        return sorted(gazetteer.entry(kind, i).name for i in ids if gazetteer.entry(kind, i) is not None)

    return {
        "date": event.date.isoformat(),
        "date_end": event.date_end.isoformat() if event.date_end else None,
        "precision": event.date.precision,
        "kind": event.kind,
        "title": event.title,
        "actors": names(ACTOR, event.actors),
        "places": names(PLACE, event.places),
        "agreements": names(AGREEMENT, event.agreements),
        "sentence": event.sentence,
        "char_start": event.char_start,
        "char_end": event.char_end,
        "date_text": event.date_text,
    }


def read_article(line: str) -> tuple[str, str, dt.date | None]:
    """Parse one line into (id, text, published); raise ValueError with a reason."""
    row = json.loads(line)
    if not isinstance(row, dict):
        raise ValueError("expected a JSON object")
    if "id" not in row or not isinstance(row.get("text"), str):
        raise ValueError('needs "id" and a string "text"')
    published = row.get("published")
    if published is not None:
        published = dt.date.fromisoformat(str(published)[:10])
    return row["id"], row["text"], published


class Command(BaseCommand):
    help = "Read articles as JSON Lines {id, text, published} from FILE or stdin; print their candidate events."

    def add_arguments(self, parser):
        parser.add_argument("file", nargs="?", help="JSON Lines file (default: stdin)")

    def handle(self, *args, file=None, **options):
        try:
            stream = open(file, encoding="utf-8") if file else contextlib.nullcontext(sys.stdin)  # noqa: SIM115
        except OSError as error:
            raise CommandError(f"cannot read {file}: {error}") from error
        gazetteer = current_gazetteer()
        with stream as lines:
            for number, line in enumerate(lines, 1):
                if not line.strip():
                    continue
                try:
                    article_id, text, published = read_article(line)
                except ValueError as error:
                    self.stderr.write(f"line {number}: skipped: {error}")
                    continue
                events = [event_row(e, gazetteer) for e in extract_events(text, published, gazetteer)]
                self.stdout.write(json.dumps({"id": article_id, "events": events}, ensure_ascii=False))
