"""The text pipeline in one call: article text in, candidate events out. No Django here."""

from __future__ import annotations

import bisect
import datetime as dt

from tracker.extract.dates import find_dates
from tracker.extract.events import event_kind, make_title
from tracker.extract.names import Gazetteer, find_mentions
from tracker.extract.sentences import split_sentences
from tracker.extract.types import ACTOR, AGREEMENT, PLACE, CandidateEvent, Mention

__all__ = ["Gazetteer", "find_mentions", "extract_events", "split_sentences", "find_dates"]


def _ordered_unique(values):
    seen, out = set(), []
    for value in values:
        if value not in seen:
            seen.add(value)
            out.append(value)
    return out


def extract_events(text: str, published: dt.date | None, gazetteer: Gazetteer) -> list[CandidateEvent]:
    """Return one candidate event per (sentence, resolved date) in a sentence that names something curated."""
    if isinstance(published, dt.datetime):
        published = published.date()
    mentions = find_mentions(text, gazetteer)
    starts = [m.start for m in mentions]
    person_states = {
        entry.id: entry.acts_for for entry in gazetteer.entries.values() if entry.kind == ACTOR and entry.acts_for
    }
    events: list[CandidateEvent] = []
    previous_date = None
    previous_end = None
    for sentence in split_sentences(text):
        if previous_end is not None and "\n" in text[previous_end : sentence.start]:
            previous_date = None  # "the next day" does not reach across paragraphs
        previous_end = sentence.end
        dates = find_dates(sentence.text, published, offset=sentence.start, anchor=previous_date)
        if not dates:
            continue
        low = bisect.bisect_left(starts, sentence.start)
        high = bisect.bisect_left(starts, sentence.end)
        named: list[Mention] = [m for m in mentions[low:high] if m.end <= sentence.end]
        # "the December 2016 ceasefire" names an agreement; its date is no event of this sentence.
        dates = [d for d in dates if not any(m.start < d.end and d.start < m.end for m in named)]
        if dates:
            previous_date = dates[-1].date
        if not dates or not named:
            continue
        actors = _ordered_unique(m.entry_id for m in named if m.entry_kind == ACTOR)
        for actor_id in list(actors):
            for state in person_states.get(actor_id, ()):
                if state not in actors and gazetteer.entry(ACTOR, state) is not None:
                    actors.append(state)
        places = _ordered_unique(m.entry_id for m in named if m.entry_kind == PLACE)
        agreements = _ordered_unique(m.entry_id for m in named if m.entry_kind == AGREEMENT)
        seen = set()
        for date in dates:
            key = (date.date, date.date_end)
            if key in seen:
                continue
            seen.add(key)
            local_start, local_end = date.start - sentence.start, date.end - sentence.start
            kind, cue, verb = event_kind(sentence.text, local_start, local_end)
            events.append(
                CandidateEvent(
                    date=date.date,
                    date_end=date.date_end,
                    kind=kind,
                    title=make_title(sentence, date, cue, verb, named, person_states, dates),
                    actors=list(actors),
                    places=list(places),
                    agreements=list(agreements),
                    sentence=sentence.text,
                    char_start=sentence.start,
                    char_end=sentence.end,
                    date_text=date.text,
                    date_char_start=date.start,
                    date_char_end=date.end,
                )
            )
    return events
