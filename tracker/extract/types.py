"""Plain data that flows through the text pipeline. No Django here."""

from __future__ import annotations

from dataclasses import dataclass, field

from tracker.extract.partial_date import PartialDate

ACTOR, PLACE, AGREEMENT = "actor", "place", "agreement"


@dataclass(frozen=True)
class Entry:
    """One curated thing the matcher can find: an actor, a place or an agreement."""

    kind: str  # ACTOR, PLACE or AGREEMENT
    id: int | str  # primary key in the database (or any stable key in tests)
    name: str  # the canonical name
    actor_kind: str = ""  # for actors: state, armed_group, organisation, person, other
    acts_for: tuple[int | str, ...] = ()  # for persons: ids of the actors they act for


@dataclass(frozen=True)
class Surface:
    """One way an entry is written in text."""

    text: str
    entry_kind: str
    entry_id: int | str
    alias_kind: str = "name"  # name, alias, acronym, transliteration, demonym, capital
    match_case: bool = False


@dataclass(frozen=True)
class GazetteerData:
    """Everything the pipeline needs to know of the curated data, as plain values."""

    entries: tuple[Entry, ...]
    surfaces: tuple[Surface, ...]
    version: str = ""  # changes whenever editors change names or aliases


@dataclass(frozen=True)
class Mention:
    """A name found in the text, with its character span in the whole article."""

    start: int
    end: int
    text: str
    entry_kind: str
    entry_id: int | str
    name: str


@dataclass(frozen=True)
class Sentence:
    start: int
    end: int
    text: str


@dataclass(frozen=True)
class DateMention:
    """A temporal expression found in a sentence, resolved to a partial date."""

    start: int  # offsets into the whole article
    end: int
    text: str
    date: PartialDate
    date_end: PartialDate | None = None


@dataclass
class CandidateEvent:
    """One (sentence, resolved date) pair that names at least one curated thing."""

    date: PartialDate
    date_end: PartialDate | None
    kind: str  # a value of tracker.models.Event.Kind
    title: str
    actors: list[int | str] = field(default_factory=list)  # entry ids, persons' states included
    places: list[int | str] = field(default_factory=list)
    agreements: list[int | str] = field(default_factory=list)
    sentence: str = ""
    char_start: int = 0
    char_end: int = 0
    date_text: str = ""
    date_char_start: int = 0
    date_char_end: int = 0
