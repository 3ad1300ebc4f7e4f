"""Turn a sentence's dates and names into candidate events: kind, title, actors, places."""

from __future__ import annotations

import re

from tracker.extract.dates import FUTURE, PAST, clause_tense, word_tense
from tracker.extract.text import fold
from tracker.extract.types import ACTOR

# The values of tracker.models.Event.Kind, kept as plain strings so the pipeline needs no Django
# (a test checks that they match).
MEETING = "meeting"
SUMMIT = "summit"
AGREEMENT_SIGNED = "agreement_signed"
STATEMENT = "statement"
MILITARY_OPERATION = "military_operation"
ATTACK = "attack"
DESIGNATION = "designation"
WITHDRAWAL = "withdrawal"
PATROL = "patrol"
CEASEFIRE = "ceasefire"
SANCTIONS = "sanctions"
CAPTURE = "capture"
DEADLINE = "deadline"
OTHER = "other"
KINDS = (
    MEETING,
    SUMMIT,
    AGREEMENT_SIGNED,
    STATEMENT,
    MILITARY_OPERATION,
    ATTACK,
    DESIGNATION,
    WITHDRAWAL,
    PATROL,
    CEASEFIRE,
    SANCTIONS,
    CAPTURE,
    DEADLINE,
    OTHER,
)

TITLE_MAX = 300

# Cue words by kind, most specific first: (kind, verb forms, noun forms). Verbs make headline
# titles ("Turkey and Russia sign the Sochi agreement"); nouns make noun-phrase titles ("Fall of Aleppo").
_CUES: list[tuple[str, str, str]] = [
    (SUMMIT, "", r"summits?"),
    (CEASEFIRE, r"halt(?:s|ed)?(?=\s+(?:the\s+)?fighting)", r"cease-?fires?|truces?|pause"),
    (DESIGNATION, r"designat(?:e|es|ed)|blacklist(?:s|ed)?", r"designation"),
    (SANCTIONS, r"sanctioned|impos(?:e|es|ed)(?=\s+(?:new\s+)?sanctions)", r"sanctions"),
    (
        AGREEMENT_SIGNED,
        r"sign(?:s|ed)?|agreed|agrees?|endors(?:e|es|ed)|inked|reached(?=\s+(?:an?\s+)?(?:agreement|deal|accord))"
        r"|struck(?=\s+(?:an?\s+)?(?:agreement|deal))",
        "",
    ),
    (PATROL, r"patroll(?:ed|ing)", r"patrols?"),
    (WITHDRAWAL, r"withdr(?:aw|aws|ew|awn)|pull(?:s|ed)?\s+(?:out|back)|retreat(?:s|ed)?", r"withdrawal|pull-?out"),
    (
        MILITARY_OPERATION,
        r"launch(?:ed|es)?(?=\s+(?:an?\s+|the\s+|its\s+)?(?:[\w-]+\s+){0,3}(?:operation|offensive|incursion|campaign))"
        r"|invad(?:e|ed|es)",
        r"offensive|operation|incursion|invasion|campaign",
    ),
    (
        CAPTURE,
        r"recaptur(?:e|es|ed)|captur(?:e|es|ed)|seiz(?:e|es|ed)|retook|overran|took\s+control\s+of"
        r"|took(?!\s+(?:place|part|over\s+as|office))",
        r"fall\s+of|capture\s+of",
    ),
    (
        ATTACK,
        r"attack(?:s|ed)|struck|shell(?:s|ed)|bomb(?:s|ed)|killed|ambushed|raided|shot\s+down",
        r"attacks?|strikes?|air\s*strikes?|shelling|bombings?|ambush|raids?|explosion",
    ),
    (MEETING, r"met|meets?|hosted|visited|discussed|held\s+talks", r"meetings?|talks|phone\s+call|visit|consultations"),
    (
        STATEMENT,
        r"said|says|announc(?:e|ed|es)|stated|told|declar(?:e|ed|es)|warn(?:s|ed)?|urg(?:e|es|ed)"
        r"|welcom(?:e|es|ed)|condemn(?:s|ed)?|call(?:s|ed)\s+for|insist(?:s|ed)|criticis(?:e|ed)|criticiz(?:e|ed)"
        r"|denied|accused|confirmed|rejected|vowed|expressed|pledged|threatened|stressed|emphasi[sz]ed",
        r"statement",
    ),
]


# Verbs that carry no kind of their own but make a title: "Turkey and Russia begin joint patrols".
_TITLE_VERBS = (
    r"beg[ia]n|begins|start(?:s|ed)?|launch(?:es|ed)?|resum(?:e|es|ed)|end(?:s|ed)|open(?:s|ed)|clos(?:e|es|ed)"
    r"|held|holds?|accelerat(?:e|es|ed)|deploy(?:s|ed)|sent|arrived|returned|expects?|expected|aims?|plans?"
    r"|planned|visits?|recaptur(?:e|es|ed)|tak(?:e|es)|leave|leaves|left|remove|removes|removed|join(?:s|ed)?"
)


def _cue_re(pattern: str):
    return re.compile(rf"(?<![\w-])(?:{pattern})(?![\w-])", re.IGNORECASE) if pattern else None


_CUE_RE = [(kind, _cue_re(verbs), _cue_re(nouns)) for kind, verbs, nouns in _CUES]
_TITLE_VERB_RE = _cue_re(_TITLE_VERBS)
_PASSIVE_OR_FUTURE = re.compile(
    r"(?:\b(?P<passive>be|been|being|is|are|was|were)|\b(?P<future>will|would|shall|to|'ll))\s+\Z", re.IGNORECASE
)
_AFTER_DATE_PENALTY = 45  # "took Afrin on January 20 and moved on": the date belongs to the verb before it
_DEADLINE_BEFORE = re.compile(r"(?:\bby|\bno\s+later\s+than|\bdeadline\s+of|\buntil)\s+(?:the\s+)?\Z", re.IGNORECASE)
_LEMMAS = {
    "met": "meet",
    "took": "take",
    "struck": "strike",
    "withdrew": "withdraw",
    "withdrawn": "withdraw",
    "said": "say",
    "told": "tell",
    "retook": "retake",
    "overran": "overrun",
    "denied": "deny",
    "shot": "shoot",
    "held": "hold",
    "agreed": "agree",
    "patrolled": "patrol",
    "controlled": "control",
    "began": "begin",
    "sent": "send",
    "left": "leave",
}
_E_STEMS = frozenset(
    "designat captur recaptur seiz endors welcom urg announc declar stat criticis criticiz accus invad pledg "
    "impos emphasis emphasiz resum clos accelerat remov tak leav".split()
)
_FUNCTION_WORDS = frozenset(
    "a an the and or but of in on at by for to from with as that which who than into onto its their his her "
    "after before during since while when where whose this these those".split()
)
_PREPOSITION_BEFORE = re.compile(r"(?:\s+(?:in|on|at|by|since|during|from|until|of|for))?\s*\Z", re.IGNORECASE)
_WORDS = re.compile(r"\S+")
# A comma ends a clause unless it separates names in a list ("Turkey, Russia and Iran").
_LIST_COMMA = r",\s(?!(?:[A-Z][\w'-]*\s+){0,3}[A-Z][\w'-]*(?:,|\s+and\s))"
_CLAUSE_END = re.compile(rf"[;:]|{_LIST_COMMA}|\s+(?:while|whereas|although|but|because|that|which|who)\s")
_CLAUSE_START = re.compile(rf";|{_LIST_COMMA}|\bthat\s")
_SAYING_END = re.compile(rf"[;:]|{_LIST_COMMA}")
_SAYING_THAT = re.compile(r"\bthat\s")
_SAYING = frozenset("said says told announced stated declared warned insisted stressed emphasised emphasized".split())


def _lemma(word: str) -> str:
    low = word.lower()
    if low in _LEMMAS:
        return _LEMMAS[low]
    if low.endswith("ied"):
        return low[:-3] + "y"
    if low.endswith("ed") and len(low) > 4:
        stem = low[:-2]
        return stem + "e" if stem in _E_STEMS else stem
    if low.endswith("es") and low[:-2] in _E_STEMS:
        return low[:-1]
    if low.endswith("s") and not low.endswith("ss") and len(low) > 3:
        return low[:-1]
    return low


def _third_person(lemma: str) -> str:
    if lemma.endswith(("s", "sh", "ch", "x", "z", "o")):
        return lemma + "es"
    if lemma.endswith("y") and len(lemma) > 1 and lemma[-2] not in "aeiou":
        return lemma[:-1] + "ies"
    return lemma + "s"


def _gap_score(sentence: str, match, date_start: int, date_end: int) -> int:
    if match.start() >= date_end:
        gap = sentence[date_end : match.start()]
        penalty = _AFTER_DATE_PENALTY
    elif match.end() <= date_start:
        gap, penalty = sentence[match.end() : date_start], 0
    else:
        gap, penalty = "", 0
    return len(gap) + 1000 * gap.count(";") + 60 * gap.count(",") + penalty


def _all_cues_re():
    parts, meta = [], {}
    for order, (kind, verbs, nouns) in enumerate(_CUES):
        for suffix, pattern, is_verb in (("v", verbs, True), ("n", nouns, False)):
            if pattern:
                name = f"c{order}{suffix}"
                parts.append(f"(?P<{name}>{pattern})")
                meta[name] = (order, kind, is_verb)
    parts.append(f"(?P<t>{_TITLE_VERBS})")
    meta["t"] = (len(_CUES), None, True)
    return re.compile(rf"(?:{'|'.join(parts)})(?![\w-])"), meta


def _top_level_alternatives(pattern: str) -> list[str]:
    depth, start, out = 0, 0, []
    for i, char in enumerate(pattern):
        if char == "(" and pattern[i - 1 : i] != "\\":
            depth += 1
        elif char == ")" and pattern[i - 1 : i] != "\\":
            depth -= 1
        elif char == "|" and depth == 0:
            out.append(pattern[start:i])
            start = i + 1
    out.append(pattern[start:])
    return out


def _cue_prefixes() -> frozenset[str]:
    """Return the two-letter starts of every cue, so only words starting so are tried."""
    prefixes = set()
    for pattern in [p for _, verbs, nouns in _CUES for p in (verbs, nouns) if p] + [_TITLE_VERBS]:
        for alternative in _top_level_alternatives(pattern):
            literal = re.match(r"[a-z]{2}", alternative)
            if literal is None:
                raise ValueError(f"a cue must start with two letters: {alternative!r}")
            prefixes.add(literal.group())
    return frozenset(prefixes)


# All cues in one alternation, most specific kind first, matched on lower-cased text (much faster
# than IGNORECASE) and only at words whose first two letters can start a cue.
_ALL_CUES, _CUE_META = _all_cues_re()
_CUE_PREFIXES = _cue_prefixes()
_WORD_START = re.compile(r"(?<![\w-])[a-z]{2}")


def sentence_cues(sentence: str) -> list[tuple]:
    """Return every cue in the sentence once: (order, kind, match, is_verb, is_active_verb)."""
    cues = []
    low = fold(sentence)  # lower-cased, exactly as long as the sentence
    end = 0
    for word in _WORD_START.finditer(low):
        if word.start() < end or word.group() not in _CUE_PREFIXES:
            continue
        match = _ALL_CUES.match(low, word.start())
        if match is None:
            continue
        end = match.end()
        order, kind, is_verb = _CUE_META[match.lastgroup]
        cues.append((order, kind, match, is_verb, is_verb and _active(sentence, match)))
    return cues


def _find_cues(sentence: str, date_start: int, date_end: int, cues=None):
    """Return (kind, nearest cue, whether it is a verb, nearest active verb) for a date."""
    best = verb = None
    for order, kind, match, is_verb, active in sentence_cues(sentence) if cues is None else cues:
        score = _gap_score(sentence, match, date_start, date_end) + order
        if kind is not None and (best is None or score < best[0]):
            best = (score, kind, match, is_verb)
        if active and (verb is None or score < verb[0]):
            verb = (score, match)
    if verb is not None and (verb[0] >= 1000 or (best is not None and verb[0] > best[0] + 40)):
        verb = None  # too far from the date: a noun phrase near it says more
    if best is None:
        return OTHER, None, False, verb[1] if verb else None
    return best[1], best[2], best[3], verb[1] if verb else None


def _active(sentence: str, match) -> bool:
    before = _PASSIVE_OR_FUTURE.search(sentence, max(0, match.start() - 12), match.start())
    return not (before and before.group("passive") and match.group().lower().endswith(("ed", "held", "sent", "left")))


def event_kind(sentence: str, date_start: int, date_end: int, cues=None):
    """Return (kind, cue match, verb cue match) for the date at sentence[date_start:date_end].

    `cues` is `sentence_cues(sentence)`, passed in when the sentence has several dates.
    """
    kind, cue, _is_verb, verb = _find_cues(sentence, date_start, date_end, cues)
    if kind in (OTHER, STATEMENT) and _DEADLINE_BEFORE.search(sentence, max(0, date_start - 25), date_start):
        if clause_tense(sentence, date_start, date_end) == FUTURE:
            return DEADLINE, cue, verb
    return kind, cue, verb


def _join(names: list[str]) -> str:
    if len(names) <= 1:
        return "".join(names)
    return ", ".join(names[:-1]) + " and " + names[-1]


def _without_dates(text: str, begin: int, end: int, dates: list[tuple[int, int]]) -> str:
    """Return text[begin:end] with the date expressions (and the preposition before each) cut out."""
    pieces, cursor = [], begin
    for d_start, d_end in sorted(dates):
        if d_end <= begin or d_start >= end:
            continue
        cut = _PREPOSITION_BEFORE.search(text, cursor, max(cursor, d_start))
        pieces.append(text[cursor : cut.start() if cut else d_start])
        cursor = max(cursor, d_end)
    pieces.append(text[cursor:end])
    return "".join(pieces)


def _trim(text: str, max_words: int = 12) -> str:
    words = _WORDS.findall(text)[:max_words]
    while words and words[-1].lower().strip(".,;:\"'”“") in _FUNCTION_WORDS:
        words.pop()
    while words and words[0].lower() in {"that", ",", "and"}:
        words.pop(0)
    return " ".join(words).strip(" .,;:\"'“”")


def _phrase_after(text: str, start: int, dates: list[tuple[int, int]], *, saying=False) -> str:
    """Return the rest of the clause after a cue, stopping at a date that follows some words.

    After a verb of saying, return what was said: "said yesterday that X" gives X.
    """
    if saying:
        that = _SAYING_THAT.search(text, start, start + 40)
        start = that.end() if that else start
        stop = _SAYING_END.search(text, start)
        return _trim(_without_dates(text, start, stop.start() if stop else len(text), dates), 14)
    stop = _CLAUSE_END.search(text, start)
    end = stop.start() if stop else len(text)
    for d_start, _ in sorted(dates):
        if start < d_start < end:
            cut = _PREPOSITION_BEFORE.search(text, start, d_start)
            if text[start : cut.start() if cut else d_start].strip():
                end = d_start
                break
    return _trim(_without_dates(text, start, end, dates))


def _capitalise(text: str) -> str:
    return text[:1].upper() + text[1:]


def make_title(sentence, date, cue, verb, mentions, entries_acting_for, all_dates) -> str:
    """Return a short headline for the event: who does what, never the raw sentence."""
    text, base = sentence.text, sentence.start
    dates = [(d.start - base, d.end - base) for d in all_dates]
    local = [(m.start - base, m.end - base, m) for m in mentions]
    everyone = _ordered_names(local, 0, len(text), entries_acting_for)
    head = verb or cue
    if head is None:
        clause = _trim(_without_dates(text, 0, len(text), dates), 12)
        return _limit(f"{_join(everyone[:3])}: {clause}" if everyone else clause)

    clause_start = 0
    for boundary in _CLAUSE_START.finditer(text, 0, head.start()):
        clause_start = boundary.end()
    if verb is None:
        # A noun: "Fall of Aleppo", "Summit between Turkey, Russia and Iran".
        phrase = _trim(_without_dates(text, head.start(), _clause_end(text, head.end()), dates))
        named = any(head.start() <= s < head.start() + len(phrase) for s, _, _ in local)
        prefix = "" if named else _join(_ordered_names(local, clause_start, head.start(), entries_acting_for)[:3])
        prefix = prefix or ("" if named else _join(everyone[:3]))
        return _limit(f"{prefix}: {phrase}" if prefix else phrase)

    words = head.group().split()
    saying = words[0].lower() in _SAYING
    rest = _phrase_after(text, head.end(), dates, saying=saying)
    if saying and not rest and clause_start > 0:
        # "The zone must be in place by October 15, Putin said": what was said comes first.
        rest = _trim(_without_dates(text, 0, clause_start, dates), 14)
    actors = _ordered_names(local, clause_start, _subject_end(text, clause_start, head.start()), entries_acting_for)
    others = [m.name for s, e, m in local if clause_start <= s < head.start() and m.entry_kind != ACTOR]
    if not actors and not others and clause_start > 0 and ";" not in text[: head.start()]:
        # "Iran, which guarantees the Astana process, welcomed the deal": the subject opens the sentence.
        first_clause = _CLAUSE_START.search(text)
        actors = _ordered_names(local, 0, first_clause.start() if first_clause else 0, entries_acting_for)
    tense = _PASSIVE_OR_FUTURE.search(text, max(0, head.start() - 12), head.start())
    future = bool(tense and tense.group("future"))
    lemma = _lemma(words[0])
    if actors:
        subject, plural = _join(actors[:3]), len(actors) > 1
    elif others:
        # Not an actor, so not the doer: "the Manbij road map agreed in June" reads as written.
        return _limit(f"{_join(others[:2])} {' '.join(words)} {rest}")
    else:
        before = _trim(_without_dates(text, 0, head.start(), dates), 10)
        if before[:1].isupper() and len(before.split()) <= 8 and clause_start == 0:
            subject, plural = before, before.split()[-1].lower().endswith("s")
        else:
            clause = _trim(_without_dates(text, clause_start, head.end(), dates) + " " + rest, 14)
            return _limit(f"{_join(everyone[:3])}: {clause}" if everyone else clause)
    if future:
        verb_text = " ".join(["to", lemma, *words[1:]])
    else:
        verb_text = " ".join([lemma if plural else _third_person(lemma), *words[1:]])
    return _limit(f"{subject} {verb_text} {rest}")


def _subject_end(text: str, clause_start: int, verb_start: int) -> int:
    """Return where the subject ends: at the clause's first verb ("Turkey launched ... and took")."""
    for word in re.finditer(r"[A-Za-z']+", text[clause_start:verb_start]):
        low = word.group()
        if low.islower() and (word_tense(low) == PAST or low in {"is", "are", "has", "have", "will", "would"}):
            return clause_start + word.start()
    return verb_start


def _clause_end(text: str, start: int) -> int:
    stop = _CLAUSE_END.search(text, start)
    return stop.start() if stop else len(text)


def _ordered_names(local, begin: int, end: int, acting_for) -> list[str]:
    """Return the actors named in [begin, end), persons before the states they act for."""
    found = [m for s, _, m in local if begin <= s < end and m.entry_kind == ACTOR]
    represented = {state for m in found for state in acting_for.get(m.entry_id, ())}
    names = []
    for m in found:
        if m.entry_id not in represented and m.name not in names:
            names.append(m.name)
    return names


def _limit(title: str) -> str:
    title = " ".join(title.split()).strip(" ,;:")
    title = _capitalise(title)
    if len(title) > TITLE_MAX:
        title = title[: TITLE_MAX - 1].rsplit(" ", 1)[0] + "…"
    return title


__all__ = ["KINDS", "event_kind", "make_title"]
