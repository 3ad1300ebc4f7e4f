"""Turn a sentence's dates and names into candidate events: kind, title, actors, places."""

from __future__ import annotations

import re

from tracker.extract.types import ACTOR, AGREEMENT, PLACE, DateMention, Mention, Sentence

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

# Cue words by kind, most specific first. Verbs map to the form a headline uses ("signed" -> "sign").
_CUES: list[tuple[str, str]] = [
    (SUMMIT, r"summits?"),
    (CEASEFIRE, r"cease-?fires?|truces?|(?:a|the)\s+(?:five-day\s+)?pause|halt(?:ed)?\s+(?:the\s+)?fighting"),
    (DESIGNATION, r"designat(?:e|es|ed|ing)|blacklist(?:s|ed)?"),
    (SANCTIONS, r"sanction(?:s|ed|ing)?"),
    (
        AGREEMENT_SIGNED,
        r"sign(?:s|ed|ing)?|agreed|agrees?|endors(?:e|es|ed)|inked|reached\s+(?:an?\s+)?(?:agreement|deal|accord)"
        r"|struck\s+(?:an?\s+)?(?:agreement|deal)",
    ),
    (PATROL, r"patrols?|patroll(?:ed|ing)"),
    (WITHDRAWAL, r"withdraw(?:s|n|al)?|withdrew|pull(?:s|ed|ing)?\s+(?:out|back)|pull-?out|retreat(?:s|ed)?"),
    (
        MILITARY_OPERATION,
        r"offensive|operation|incursion|invasion|invad(?:e|ed|es)|launch(?:ed|es)?\s+(?:an?\s+)?(?:\w+\s+)?"
        r"(?:operation|offensive|incursion)",
    ),
    (
        CAPTURE,
        r"recaptur(?:e|es|ed)|captur(?:e|es|ed)|seiz(?:e|es|ed)|retook|retak(?:e|es)|overran|overrun|fall\s+of"
        r"|fell\s+to|took\s+(?:control\s+of\s+)?(?!place|part)",
    ),
    (
        ATTACK,
        r"attack(?:s|ed)?|struck|strikes?|air\s*strikes?|shell(?:ed|ing|s)?|bomb(?:ed|ing|ings|s)?|killed"
        r"|ambush(?:ed)?|raid(?:s|ed)?|shot\s+down",
    ),
    (
        MEETING,
        r"met|meet(?:s|ing|ings)?|talks|phone\s+call|spoke\s+(?:with|to|by\s+phone)|hosted|visit(?:ed|s)?"
        r"|discussed|consultations",
    ),
    (
        STATEMENT,
        r"said|says|announc(?:e|ed|es)|stated|told|declar(?:e|ed|es)|warn(?:s|ed)?|urg(?:e|es|ed)"
        r"|welcom(?:e|es|ed)|condemn(?:s|ed)?|called\s+for|calls\s+for|statement|insist(?:s|ed)|criticis(?:e|ed)"
        r"|criticiz(?:e|ed)|denied|accused|confirmed|rejected|vowed|expressed|pledged|threatened",
    ),
]
_CUE_RE = [(kind, re.compile(rf"(?<![\w-])(?:{pattern})(?![\w-])", re.IGNORECASE)) for kind, pattern in _CUES]
_DEADLINE_BEFORE = re.compile(r"(?:\bby|\bno\s+later\s+than|\bdeadline\s+of|\buntil)\s+(?:the\s+)?\Z", re.IGNORECASE)

_LEMMAS = {
    "met": "meet",
    "took": "take",
    "struck": "strike",
    "withdrew": "withdraw",
    "said": "say",
    "told": "tell",
    "retook": "retake",
    "overran": "overrun",
    "denied": "deny",
    "spoke": "speak",
    "shot": "shoot",
    "fell": "fall",
    "held": "hold",
    "began": "begin",
}
_E_STEMS = (
    "designat",
    "captur",
    "recaptur",
    "seiz",
    "endors",
    "welcom",
    "urg",
    "announc",
    "declar",
    "stat",
    "criticis",
    "criticiz",
    "accus",
    "confirm",
    "invad",
    "agre",
    "pledg",
    "vow",
    "reject",
    "express",
    "threaten",
)
_FUNCTION_WORDS = frozenset(
    "a an the and or but of in on at by for to from with as that which who than into onto its their his her "
    "after before during since while when where whose this these those".split()
)
_WORDS = re.compile(r"\S+")
_CLAUSE_END = re.compile(r"[;:]|,\s|\s+(?:while|whereas|although|but)\s")


def _lemma(word: str) -> str:
    low = word.lower()
    if low in _LEMMAS:
        return _LEMMAS[low]
    if low.endswith("ied"):
        return low[:-3] + "y"
    if low.endswith("ed") and len(low) > 4:
        stem = low[:-2]
        if stem.endswith(("ll", "tt")) and not stem.endswith("all"):
            stem = stem[:-1]
        if stem in _E_STEMS or stem.endswith(("at", "ur", "iz", "is", "us", "rg", "nc")) and not stem.endswith("ss"):
            return stem + "e"
        return stem
    return low


def _third_person(lemma: str) -> str:
    if lemma == "say":
        return "says"
    if lemma.endswith(("s", "sh", "ch", "x", "z", "o")):
        return lemma + "es"
    if lemma.endswith("y") and len(lemma) > 1 and lemma[-2] not in "aeiou":
        return lemma[:-1] + "ies"
    return lemma + "s"


def _find_cue(sentence: str, date_start: int, date_end: int):
    """Return (kind, match) of the cue nearest the date, preferring its own clause."""
    best = None
    for order, (kind, regex) in enumerate(_CUE_RE):
        for match in regex.finditer(sentence):
            if match.start() >= date_end:
                gap = sentence[date_end : match.start()]
            elif match.end() <= date_start:
                gap = sentence[match.end() : date_start]
            else:
                gap = ""
            score = len(gap) + 1000 * gap.count(";") + 60 * gap.count(",") + order
            if best is None or score < best[0]:
                best = (score, kind, match)
    if best is None:
        return OTHER, None
    return best[1], best[2]


def _join(names: list[str]) -> str:
    if len(names) <= 1:
        return "".join(names)
    return ", ".join(names[:-1]) + " and " + names[-1]


def _phrase(sentence: str, start: int, dates: list[tuple[int, int]], max_words: int = 12) -> str:
    """Return the words from `start` to the end of the clause, without dates, trimmed for a title."""
    stop = _CLAUSE_END.search(sentence, start)
    end = stop.start() if stop else len(sentence)
    text = sentence[start:end]
    for d_start, d_end in sorted(dates, reverse=True):
        if start <= d_start and d_end <= end:
            text = text[: d_start - start] + text[d_end - start :]
    words = _WORDS.findall(text)[:max_words]
    while words and words[-1].lower().strip(".,;:\"'") in _FUNCTION_WORDS | {"on", "in", "at"}:
        words.pop()
    return " ".join(words).strip(" .,;:\"'“”")


def make_title(
    sentence: Sentence,
    date: DateMention,
    kind_match,
    actor_mentions: list[Mention],
    person_states: dict,
    all_dates: list[DateMention],
) -> str:
    """Return a short headline for the event: who does what (never the raw sentence)."""
    text = sentence.text
    base = sentence.start
    local_dates = [(d.start - base, d.end - base) for d in all_dates]
    if kind_match is not None:
        cue_start, cue_end = kind_match.start(), kind_match.end()
    else:
        cue_start = cue_end = 0
    clause_start = 0
    for boundary in re.finditer(r"[;]|,\s", text[:cue_start]):
        clause_start = boundary.end()
    subject_ids, subject = [], []
    for mention in actor_mentions:
        local = mention.start - base
        if mention.entry_kind != ACTOR or not (clause_start <= local < cue_start):
            continue
        if mention.entry_id not in subject_ids:
            subject_ids.append(mention.entry_id)
            subject.append(mention)
    states_of_persons = {s for m in subject for s in person_states.get(m.entry_id, ())}
    names = [m.name for m in subject if m.entry_id not in states_of_persons][:3]

    if kind_match is None:
        words = _phrase(text, 0, local_dates, max_words=14)
        head = _join(names) if names else ""
        return _limit(f"{head}: {words}" if head and words else (words or head))

    cue = kind_match.group()
    cue_words = cue.split()
    plural = len(names) != 1
    subject_text = _join(names)
    if not subject_text:
        before = text[clause_start:cue_start].strip(" ,\"'“”")
        if before and len(before.split()) <= 5:
            subject_text = before[0].upper() + before[1:]
            plural = not before.lower().endswith(("s", "said")) or before.lower().endswith("sources")
            plural = before.split()[-1].lower().endswith("s")
    rest = _phrase(text, cue_end, local_dates)
    if rest.lower().startswith("that "):
        rest = rest[5:]
    first = cue_words[0]
    verb_like = first.lower() not in {"talks", "summit", "summits", "statement", "operation", "offensive"} and not (
        kind_match.re.pattern.startswith("(?<![\\w-])(?:summits?")
    )
    if subject_text and verb_like and len(cue_words) <= 3:
        lemma = _lemma(first)
        verb = lemma if plural else _third_person(lemma)
        phrase = " ".join([verb, *cue_words[1:]])
        title = f"{subject_text} {phrase} {rest}".strip()
    elif subject_text:
        title = f"{subject_text}: {cue} {rest}".strip()
    else:
        title = f"{cue[0].upper()}{cue[1:]} {rest}".strip()
    return _limit(title)


def _limit(title: str) -> str:
    title = " ".join(title.split())
    if len(title) > TITLE_MAX:
        title = title[: TITLE_MAX - 1].rsplit(" ", 1)[0] + "…"
    return title


def event_kind(sentence: str, date_start: int, date_end: int):
    """Return (kind, cue match) for the date at sentence[date_start:date_end]."""
    kind, match = _find_cue(sentence, date_start, date_end)
    if _DEADLINE_BEFORE.search(sentence, max(0, date_start - 25), date_start) and kind in (OTHER, STATEMENT):
        from tracker.extract.dates import FUTURE, clause_tense

        if clause_tense(sentence, date_start, date_end) == FUTURE:
            return DEADLINE, match
    return kind, match


__all__ = ["KINDS", "event_kind", "make_title", "ACTOR", "PLACE", "AGREEMENT"]
