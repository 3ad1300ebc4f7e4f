"""Find curated names (actors, places, agreements) in text with one Aho-Corasick pass."""

from __future__ import annotations

import re
from dataclasses import dataclass

import ahocorasick

from tracker.extract.text import fold, fold_keep_case
from tracker.extract.types import ACTOR, AGREEMENT, PLACE, Entry, GazetteerData, Mention

NAME, ALIAS, ACRONYM, TRANSLITERATION, DEMONYM, CAPITAL = (
    "name",
    "alias",
    "acronym",
    "transliteration",
    "demonym",
    "capital",
)
# "in Ankara", "held in the Russian city of Sochi", "visited Moscow": the capital is the place there.
_LOCATIVE = re.compile(
    r"(?:^|[^\w])(?:in|at|near|outside|inside|around|into|across|throughout|towards?|via|visits?|visited|visiting|"
    r"(?:visit|trip|travell?ed|flew|flown|fled|returned|arrived|moved|headed|advanced|marched)\s+to|"
    # Verbs of taking ground: "rebels seized Damascus" is the city, not the state.
    r"(?:seized?|seizing|captured?|capturing|took|taken|entered|entering|stormed|besieged|shelled|bombed|"
    r"recaptured?|retook|retaken|encircled|surrounded|reached|(?:fall|control|siege|capture)\s+of)|"
    r"(?:city|capital|town|outskirts|streets)\s+of)"
    r"\s+(?:the\s+)?(?:(?:\w+\s+)?(?:capital|city|town)(?:\s+of)?,?\s+)?\Z"
)
_SUFFIX_PLACE = re.compile(r"-based\b")


@dataclass(frozen=True)
class _Candidate:
    """One entry a key can stand for, with the rules of the surface that produced it."""

    kind: str
    id: int | str
    name: str
    alias_kind: str
    exact: str | None  # the accent-folded surface when case must match exactly, else None
    capitalised: bool  # "Said" must not match "said"
    capital_like: bool  # names a state unless it follows a locative preposition

    @property
    def key(self):
        return (self.kind, self.id)


def _needs_exact_case(text: str, match_case: bool) -> bool:
    letters = [c for c in text if c.isalpha()]
    return match_case or len(letters) <= 3 or (bool(letters) and text == text.upper())


class Gazetteer:
    """A compiled matcher over the names and aliases of the curated data."""

    def __init__(self, data: GazetteerData):
        self.version = data.version
        self.entries: dict[tuple[str, int | str], Entry] = {(e.kind, e.id): e for e in data.entries}
        surfaces = [(s.text, s.entry_kind, s.entry_id, s.alias_kind, s.match_case) for s in data.surfaces]
        surfaces += [(e.name, e.kind, e.id, NAME, False) for e in data.entries]
        by_key: dict[str, list[tuple]] = {}
        # "four Americans", "Iranians": a demonym names its state in the plural too.
        surfaces += [(text + "s", *rest) for text, *rest in surfaces if rest[2] == DEMONYM and not text.endswith("s")]
        for text, kind, entry_id, alias_kind, match_case in surfaces:
            text = " ".join(text.split())
            key = fold(text)
            entry = self.entries.get((kind, entry_id))
            if entry is None or sum(c.isalnum() for c in key) < 2:
                continue  # a one-letter alias would match everywhere
            by_key.setdefault(key, []).append((text, entry, alias_kind, match_case))

        # Two automata: case-insensitive surfaces over lower-cased text, exact-case ones ("US", "IS")
        # over text with its case kept, so "us" and "is" in every sentence never reach Python.
        self.automaton = ahocorasick.Automaton()
        self.exact_automaton = ahocorasick.Automaton()
        self.acting_for = {e.id: e.acts_for for e in data.entries if e.kind == ACTOR and e.acts_for}
        for key, rows in by_key.items():
            has_place = any(entry.kind == PLACE for _, entry, _, _ in rows)
            candidates = {}
            for text, entry, alias_kind, match_case in rows:
                # An actor's alias that is also a place's name ("Ankara", "Washington") behaves like a
                # capital even when editors did not mark it so.
                capital_like = entry.kind == ACTOR and (
                    alias_kind == CAPITAL or (has_place and alias_kind in (ALIAS, TRANSLITERATION))
                )
                exact = fold_keep_case(text) if _needs_exact_case(text, match_case) else None
                candidate = _Candidate(
                    kind=entry.kind,
                    id=entry.id,
                    name=entry.name,
                    alias_kind=alias_kind,
                    exact=exact,
                    capitalised=text[:1].isupper(),
                    capital_like=capital_like,
                )
                # One candidate per entry and case rule: "US" and "Us" differ, "Idlib" twice does not.
                candidates.setdefault((candidate.key, exact), candidate)
            loose = tuple(c for c in candidates.values() if c.exact is None)
            if loose:
                self.automaton.add_word(key, (len(key), loose))
            exact_forms: dict[str, list] = {}
            for candidate in candidates.values():
                if candidate.exact is not None:
                    exact_forms.setdefault(candidate.exact, []).append(candidate)
            for form, group in exact_forms.items():
                existing = self.exact_automaton.get(form, (len(form), ()))
                self.exact_automaton.add_word(form, (len(form), existing[1] + tuple(group)))
        self.size = len(self.automaton) + len(self.exact_automaton)
        for automaton in (self.automaton, self.exact_automaton):
            if len(automaton):
                automaton.make_automaton()

    @classmethod
    def from_data(cls, data: GazetteerData) -> Gazetteer:
        return cls(data)

    def entry(self, kind: str, entry_id: int | str) -> Entry | None:
        return self.entries.get((kind, entry_id))

    def __len__(self):
        return self.size


# A name right after "Operation" is inside a longer name (Operation Euphrates Shield).
_OPERATION = re.compile(r"\bOperation\s+$")


def find_mentions(text: str, gazetteer: Gazetteer) -> list[Mention]:
    """Return the curated names in `text`, longest match first, with their offsets in `text`."""
    if not text or not len(gazetteer):
        return []
    folded = fold(text)
    size = len(text)
    spans = []
    passes = [(gazetteer.automaton, folded)]
    if len(gazetteer.exact_automaton):
        passes.append((gazetteer.exact_automaton, fold_keep_case(text)))
    for automaton, haystack in passes:
        if not len(automaton):
            continue
        for last, (length, candidates) in automaton.iter(haystack):
            start, end = last - length + 1, last + 1
            if start > 0 and folded[start - 1].isalnum() and folded[start].isalnum():
                continue
            if end < size and folded[end].isalnum() and folded[last].isalnum():
                continue
            if haystack is folded and candidates[0].capitalised:
                candidates = [c for c in candidates if not (c.capitalised and text[start].islower())]
                if not candidates:
                    continue
            spans.append((start, end, candidates))

    # The same words may match in both passes ("Ankara" the place, "Ankara" the capital, exact case).
    merged: dict[tuple[int, int], list] = {}
    for start, end, candidates in spans:
        merged.setdefault((start, end), []).extend(candidates)
    spans = [(start, end, candidates) for (start, end), candidates in merged.items()]
    spans.sort(key=lambda s: (s[0] - s[1], s[0]))
    taken = bytearray(size + 1)
    mentions = []
    for start, end, candidates in spans:
        if any(taken[start:end]):
            continue
        if _OPERATION.search(text, max(0, start - 12), start):
            continue  # "Operation Euphrates Shield" names an operation, not the river
        taken[start:end] = b"\x01" * (end - start)
        for candidate in _resolve(text, folded, start, end, candidates):
            mentions.append(
                Mention(
                    start=start,
                    end=end,
                    text=text[start:end],
                    entry_kind=candidate.kind,
                    entry_id=candidate.id,
                    name=candidate.name,
                )
            )
    mentions.sort(key=lambda m: (m.start, m.entry_kind))
    return mentions


def _resolve(text, folded, start, end, candidates) -> list[_Candidate]:
    """Decide what a matched surface names: a capital is its state unless it is where something happens."""
    capitals = [c for c in candidates if c.capital_like]
    if capitals:
        where = _LOCATIVE.search(folded, max(0, start - 40), start) or _SUFFIX_PLACE.match(folded, end)
        if where:
            chosen = [c for c in candidates if c.kind == PLACE]
        else:
            chosen = [c for c in candidates if c.kind != PLACE]
    else:
        chosen = list(candidates)
    seen, out = set(), []
    for candidate in chosen:
        if candidate.key not in seen:
            seen.add(candidate.key)
            out.append(candidate)
    return out


__all__ = ["Gazetteer", "find_mentions", "AGREEMENT"]
