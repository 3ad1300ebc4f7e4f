"""The text pipeline in one call: article text in, candidate events out. No Django here."""

from __future__ import annotations

import bisect
import datetime as dt

from tracker.extract.dates import find_dates
from tracker.extract.events import event_kind, make_title, sentence_cues
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
    person_states = gazetteer.acting_for
    events: list[CandidateEvent] = []
    previous: dict = {"date": None, "pending": []}

    def previous_date():
        # Sentences that name nothing are read for dates only if a later one counts from them.
        for pending in previous["pending"]:
            found = find_dates(pending.text, published, anchor=previous["date"])
            if found:
                previous["date"] = found[-1].date
        previous["pending"] = []
        return previous["date"]

    previous_end = None
    for sentence in split_sentences(text):
        if previous_end is not None and "\n" in text[previous_end : sentence.start]:
            previous.update(date=None, pending=[])  # "the next day" does not reach across paragraphs
        previous_end = sentence.end
        low = bisect.bisect_left(starts, sentence.start)
        high = bisect.bisect_left(starts, sentence.end)
        named: list[Mention] = [m for m in mentions[low:high] if m.end <= sentence.end]
        if not named:
            previous["pending"].append(sentence)
            continue
        dates = find_dates(sentence.text, published, offset=sentence.start, anchor=previous_date)
        # "the December 2016 ceasefire" names an agreement; its date is no event of this sentence.
        dates = [d for d in dates if not any(m.start < d.end and d.start < m.end for m in named)]
        if not dates:
            continue
        previous.update(date=dates[-1].date, pending=[])
        actors = _ordered_unique(m.entry_id for m in named if m.entry_kind == ACTOR)
        for actor_id in list(actors):
            for state in person_states.get(actor_id, ()):
                if state not in actors and gazetteer.entry(ACTOR, state) is not None:
                    actors.append(state)
        places = _ordered_unique(m.entry_id for m in named if m.entry_kind == PLACE)
        agreements = _ordered_unique(m.entry_id for m in named if m.entry_kind == AGREEMENT)
        seen = set()
        cues = sentence_cues(sentence.text)
        for date in dates:
            key = (date.date, date.date_end)
            if key in seen:
                continue
            seen.add(key)
            local_start, local_end = date.start - sentence.start, date.end - sentence.start
            kind, cue, verb = event_kind(sentence.text, local_start, local_end, cues)
            events.append(
                CandidateEvent(
                    date=date.date,
                    date_end=date.date_end,
                    kind=kind,
                    title=make_title(sentence, date, cue, verb, named, person_states, dates, kind),
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
