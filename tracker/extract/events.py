"""Turn a sentence's dates and names into candidate events: kind, title, actors, places."""

from __future__ import annotations

import bisect
import re
from functools import lru_cache

import simplemma

from tracker.extract.dates import FUTURE, IRREGULAR_PAST, PAST, clause_tense, word_tense
from tracker.extract.text import fold
from tracker.extract.types import ACTOR, AGREEMENT

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

# Labels of tracker.models.Event.Kind, for "<Kind>: <actors>" titles (a test checks that they match).
KIND_LABELS = {
    MEETING: "Meeting",
    SUMMIT: "Summit",
    AGREEMENT_SIGNED: "Agreement signed",
    STATEMENT: "Statement",
    MILITARY_OPERATION: "Military operation",
    ATTACK: "Attack",
    DESIGNATION: "Designation",
    WITHDRAWAL: "Withdrawal",
    PATROL: "Patrol",
    CEASEFIRE: "Ceasefire",
    SANCTIONS: "Sanctions",
    CAPTURE: "Capture of territory",
    DEADLINE: "Deadline",
    OTHER: "Other",
}

TITLE_MAX = 300

# Cue words by kind, most specific first: (kind, verb forms, noun forms). Verbs make headline
# titles ("Turkey and Russia sign the Sochi agreement"); nouns make noun-phrase titles ("Fall of Aleppo").
# Lookbehinds must be of fixed width, so one per noun: "troops entered", "rebels stormed".
_AFTER_ARMED_MEN = "|".join(
    f"(?<={noun} {{verb}})" for noun in "troops forces army fighters rebels soldiers units militants insurgents".split()
)
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
        r"|took(?!\s+(?:place|part|over\s+as|office|effect|hold|shape|refuge|power|steps|note|aim))"
        r"|lost(?=\s+(?:control|its|their|the)\b)"
        # Armed men entering a town take it; inspectors entering Douma do not.
        rf"|entered(?:{_AFTER_ARMED_MEN.format(verb='entered')})"
        rf"|stormed(?:{_AFTER_ARMED_MEN.format(verb='stormed')})",
        r"fall\s+of|capture\s+of",
    ),
    (
        ATTACK,
        r"attack(?:s|ed)|struck|shell(?:s|ed)|bomb(?:s|ed)|killed|ambushed|raided|shot\s+down"
        r"|pound(?:s|ed)|bombard(?:s|ed)|targeted"
        r"|fir(?:e|es|ed)(?=\s+(?:[\d,]+|more|dozens|scores|several|a|an|at|on|into|rockets?|missiles?|shells?|mortars?)\b)",
        r"attacks?|strikes?|air\s*strikes?|shelling|bombings?|ambush|raids?|explosion",
    ),
    (MEETING, r"met|meets?|hosted|visited|discussed|held\s+talks", r"meetings?|talks|phone\s+call|visit|consultations"),
    (
        STATEMENT,
        r"said|says|announc(?:e|ed|es)|stated|told|declar(?:e|ed|es)|warn(?:s|ed)?|urg(?:e|es|ed)"
        r"|welcom(?:e|es|ed)|condemn(?:s|ed)?|call(?:s|ed)\s+(?:for|on)|insist(?:s|ed)|criticis(?:e|ed)|criticiz(?:e|ed)"
        r"|denied|accused|confirmed|rejected|vowed|expressed|pledged|threatened|stressed|emphasi[sz]ed"
        r"|wrote|writes|tweeted",
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
_COMMA = 60  # a comma between a cue and the date usually ends the cue's clause
_AFTER_DATE_PENALTY = 45  # "took Afrin on January 20 and moved on": the date belongs to the verb before it
# Words after which "that" opens what is said or thought, not a relative clause.
_COMPLEMENT_TAKERS = frozenset(
    "and but or hope hopes believe believes think thinks say expect expects know knows warn warns insist insists "
    "claim claims add adds argue argues fear fears suggest suggests show shows mean means".split()
)
# "Putin said after four hours of talks": what follows the verb is when or how, not what was said.
_ADJUNCT_STARTS = frozenset("after before during following in at on at amid as while when".split())
_THAT_BEFORE = re.compile(r"(?<![\w-])that\s+\Z", re.IGNORECASE)
_SUBJECT_PRONOUNS = frozenset("it they he she its their his her".split())
_COORDINATED = re.compile(r"\s*(?:and|but|or)\s", re.IGNORECASE)
_APPOSITION = re.compile(r",\s*\Z")
_ARTICLE = re.compile(r"(?:a|an|the)\s", re.IGNORECASE)
_TIMELINE_ENTRY = re.compile(r"\s*[-–—:]\s+")
_MAY_NEGATE = re.compile(r"\bnot\b|n't\b|\bnever\b", re.IGNORECASE)
# Words that can be a past tense: "-ed" forms and the irregular ones (word_tense decides).
_PAST_FORM = re.compile(
    rf"(?<![\w'-])(?:[a-z]{{3,}}ed|{'|'.join(sorted(IRREGULAR_PAST, key=len, reverse=True))})(?![\w'-])"
)
_FINITE_AUX = frozenset("is are has have will would".split())
_SUBJECT_VERBS = IRREGULAR_PAST | _FINITE_AUX | {"was", "were", "had", "did", "been"}
# The words that can end a subject: "-ed" forms, irregular pasts and finite auxiliaries.
_SUBJECT_VERB = re.compile(
    rf"(?<![A-Za-z'-])(?:[a-z]{{2,}}ed|{'|'.join(sorted(_SUBJECT_VERBS, key=len, reverse=True))})(?![A-Za-z'])"
)
# Words before a participle that are no noun: "and agreed", "then agreed", "it agreed".
_NOT_NOUNS = frozenset(
    "and or but then also which that who it they he she we jointly finally later first eventually".split()
)
_PREPOSITIONS = frozenset("of in on at from with near for to into across under over between".split())
_QUANTITY_BEFORE = re.compile(
    r"(?<![\w-])(?:several|many|dozens|scores|hundreds|thousands|others|\d[\d,]*)\s+\Z", re.IGNORECASE
)
_PASSIVE = re.compile(
    r"\s+(?:(?:will|must|would|should|could|may|might|can|to)\s+)?(?:have\s+|has\s+|had\s+)?"
    r"(?:be|been|being|is|are|was|were)\s+(?:\w+ly\s+)?(?P<verb>[a-z]+)\b",
    re.IGNORECASE,
)
_NEITHER = re.compile(r"(?<![\w-])neither\b", re.IGNORECASE)
_OPENING_PREPOSITION = re.compile(
    r"\s*(?:according\s+to|under|in|after|before|following|despite|since|with|by|on|at|from|during)\s",
    re.IGNORECASE,
)
_PUNCTUATION = re.compile(r"[,;:()]")
_SAYING_WORD = re.compile(r"(?<![\w-])(?:said|says|told|stated|wrote|announced|declared|insisted)(?![\w-])")
_MODAL_BEFORE = re.compile(
    r"(?<![\w-])(?:will|would|could|may|might|must|shall|can|(?:plans?|planned|expected|set|going|scheduled"
    r"|wants?|intends?|agreed|decided|threatened|vowed)\s+to)\s+\Z"
)
_DETERMINER_BEFORE = re.compile(
    r"(?<![\w-])(?:the|a|an|its|their|his|her|several|many|more|fresh|new|further|\d[\d,]*)\s+\Z"
)
_AND_VERB = re.compile(r",?\s+and\s+(?P<verb>[a-z]+)\b")
_DEADLINE_BEFORE = re.compile(
    r"(?:\bby|\bno\s+later\s+than|\bdeadline\s+of|\buntil)\s+(?:the\s+)?"
    r"(?:(?:\d{1,2}(?:[:.]\d\d)?\s*(?:a\.m\.|p\.m\.|am|pm|gmt|local\s+time)?\s+)?on\s+)?\Z",
    re.IGNORECASE,
)
_FUNCTION_WORDS = frozenset(
    "a an the and or but of in on at by for to from with as that which who than into onto its their his her "
    "after before during since while when where whose this these those starting beginning from "
    "it was were is are has have had would will".split()
)
_PREPOSITION_BEFORE = re.compile(
    r"(?:(?:^|\s+)(?:(?:on|in|during|over)\s+the\s+(?:night|morning|evening|afternoon|early\s+hours|"
    r"(?:first|second|third|last)\s+(?:week|days|half))\s+of|(?:early|late)(?:\s+on)?|in|on|at|by|since|during|"
    r"from|until|of|for))?\s*\Z",
    re.IGNORECASE,
)
_WORDS = re.compile(r"\S+")
_APPOSITIVE_BY = re.compile(r"(?:,\s*|\s+)(?:\w+ly\s+)?[a-z]+(?:ed|en|wn)\s+by\s+[^,;]*?(?:,\s*|\s+)\Z")
# A comma ends a clause unless it separates names in a list ("Turkey, Russia and Iran").
_UPPER = "A-ZÀ-ÖØ-Þ\u0100-\u017f"  # Latin capitals ("Çavuşoğlu"); Latin Extended-A mixes cases
_LIST_COMMA = rf",\s(?!(?:[{_UPPER}][\w'-]*\s+){{0,3}}[{_UPPER}][\w'-]*(?:,|\s+and\s))"
_CLAUSE_END = re.compile(rf"[;:]|{_LIST_COMMA}|\s+(?:while|whereas|although|but|because|that|which|who)\s")
_CLAUSE_START = re.compile(rf";|{_LIST_COMMA}|\bthat\s")
_SAYING_END = re.compile(rf"[;:]|{_LIST_COMMA}")
_SAYING_THAT = re.compile(r"\bthat\s")
_QUOTES = re.compile(r"[\"“”]")
# Where the clause of a word starts: a semicolon, a list-ending comma, a quote mark, a relative
# pronoun, or a subordinating word whose own verb follows within a few words.
_CLAUSE_OPEN = re.compile(
    rf";|{_LIST_COMMA}|[\"”](?=\s)|(?<![\w-])but\s|(?<![\w-])(?P<rel>that|which|who)\s"
    r"|(?<![\w-])(?P<sub>since|after|before|when|while|because|although|though|until|whereas|once)\s",
    re.IGNORECASE,
)
_RELATIVE_BEFORE = re.compile(r"(?<![\w-])(?P<rel>that|which|who)\s+\Z", re.IGNORECASE)
_NEGATED = re.compile(
    r"(?<![\w-])(?:(?P<aux>did|does|do|will|would|could|has|have|had)\s+not|(?P<aux2>didn't|doesn't|won't|hasn't|never))"
    r"\s+(?P<verb>[a-z]+)",
    re.IGNORECASE,
)
_PRONOUNS = frozenset("We They It This There Our These Those The A An".split())
_NEGATION_BEFORE = re.compile(r"(?:\bnot|n't|\bnever)\s+\Z", re.IGNORECASE)
_QUOTED_BEFORE = re.compile(r"[\"“](?P<q>[^\"“”]{3,300}?)[,.!?]?[\"”][\s,]*\Z")
_PASSIVE_BY = re.compile(
    r"\s+(?:was|were|has\s+been|have\s+been|had\s+been|is|are)\s+(?:\w+ly\s+)?(?P<verb>[a-z]+(?:ed|en|wn|ck|ld|ok|ft))\b"
    r"(?:\s+(?!by\b)[\w-]+){0,3}?\s+by\s+",
    re.IGNORECASE,
)
_BY_AGENT = re.compile(r"\s+by\s+", re.IGNORECASE)
_LOWER_WORD = re.compile(r"(?<![\w'-])[a-z]+(?![\w'-])")
_LAST_WORD = re.compile(r"(?P<w>[A-Za-z']+)\W*\Z")
_PAST_AUX_WORDS = frozenset("was were had did has have been ago".split())
_SAYING = frozenset(
    "said says told announced stated declared warned insisted stressed emphasised emphasized "
    "wrote writes tweeted".split()
)
# Verbs of saying that read as "says" in a title: "an SDF spokesman wrote" -> "SDF says".
_PLAIN_SAYING = frozenset("said says told stated wrote writes tweeted".split())


# Past forms that simplemma, which knows no part of speech, reads as nouns or adjectives.
_PAST_FORMS = {"left": "leave", "shot": "shoot", "felt": "feel", "won": "win", "rose": "rise", "lay": "lay"}
_THIRD_PERSON = {"be": "is", "have": "has", "do": "does", "go": "goes"}


@lru_cache(maxsize=4096)
def _lemma(word: str) -> str:
    """Return the verb's dictionary form: "fired" -> "fire", "withdrew" -> "withdraw"."""
    low = word.lower()
    return _PAST_FORMS.get(low) or simplemma.lemmatize(low, lang="en")


@lru_cache(maxsize=4096)
def _third_person(lemma: str) -> str:
    if lemma in _THIRD_PERSON:
        return _THIRD_PERSON[lemma]
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
    return len(gap) + 1000 * gap.count(";") + _COMMA * (gap.count(",") + gap.count(" but ")) + penalty


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
        if is_verb and _DETERMINER_BEFORE.search(low, max(0, word.start() - 8), word.start()):
            is_verb = False  # "announced the capture": a noun here
        elif (
            not is_verb
            and not match.group().endswith("s")
            and _MODAL_BEFORE.search(low, max(0, word.start() - 24), word.start())
        ):
            is_verb = True  # "will visit Ankara", "plans to strike": a verb here
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
            verb = (score, match, kind)
    if verb is not None and (verb[0] >= 1000 or (best is not None and verb[0] > best[0] + 40)):
        verb = None  # too far from the date: a noun phrase near it says more
    if best is None:
        return OTHER, None, False, verb[1] if verb else None
    if (
        verb is not None
        and verb[2] == STATEMENT
        and verb[0] < _COMMA
        and not best[3]
        and verb[1].end() <= best[2].start()
        and verb[1].group().split()[0].lower() not in _PLAIN_SAYING
    ):
        # "Russia condemned the strike on Saturday": the reaction is the event, not the strike.
        return STATEMENT, verb[1], True, verb[1]
    if verb is not None and verb[2] is None and verb[0] < _COMMA < best[0] - _AFTER_DATE_PENALTY:
        # "Families left Baghouz on Monday, the SDF said": the verb of the date's clause has no
        # kind of its own; the statement beyond the comma is not what happened that day.
        return OTHER, None, False, verb[1]
    return best[1], best[2], best[3], verb[1] if verb else None


def _active(sentence: str, match) -> bool:
    before = _PASSIVE_OR_FUTURE.search(sentence, max(0, match.start() - 12), match.start())
    return not (before and before.group("passive") and word_tense(match.group().split()[0].lower()) == PAST)


def event_kind(sentence: str, date_start: int, date_end: int, cues=None):
    """Return (kind, cue match, verb cue match) for the date at sentence[date_start:date_end].

    `cues` is `sentence_cues(sentence)`, passed in when the sentence has several dates.
    """
    kind, cue, _is_verb, verb = _find_cues(sentence, date_start, date_end, cues)
    if (
        cue is not None
        and kind != STATEMENT
        and _NEGATION_BEFORE.search(sentence, max(0, cue.start() - 16), cue.start())
    ):
        kind = OTHER  # "did not attack": no attack happened
    if _NEITHER.search(sentence, 0, date_start):
        kind = OTHER  # "Neither Russia nor Iran attended the meeting on Monday"
    if cue is not None and kind not in (OTHER, DEADLINE):
        begin, opener = _clause_start(sentence, date_start)
        end = _clause_end(sentence, date_end)
        if (
            not opener
            and not begin <= cue.start() < end
            and any(begin <= v.start() < end for v in _past_verbs(sentence))
        ):
            # "Five years after it declared its caliphate, IS lost its last territory on Saturday".
            kind = OTHER
    late_cue = cue is not None and cue.start() >= date_end
    if (kind in (OTHER, STATEMENT) or late_cue) and _DEADLINE_BEFORE.search(
        sentence, max(0, date_start - 40), date_start
    ):
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
    every = _WORDS.findall(text)
    words = every[:max_words]
    if len(every) > max_words:
        # "killed during a raid by U.S. special | forces": never end inside a phrase; drop the
        # unfinished prepositional phrase instead.
        cut = max((i for i, w in enumerate(words) if i >= 3 and w.lower() in _PREPOSITIONS | {"by"}), default=None)
        if cut is not None:
            words = words[:cut]
    if len(every) > max_words and len(words) == max_words and every[max_words][:1].isupper():
        # "the Russian ambassador to Turkey, Andrei | Karlov": no half names.
        while words and words[-1][:1].isupper() and not words[-1].endswith(","):
            words.pop()
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
        that = _SAYING_THAT.search(text, start, start + 70)
        if that and "," not in text[start : that.start()]:
            start = that.end()  # "told the UN General Assembly last month that ..."
        stop = _SAYING_END.search(text, start)
        end = stop.start() if stop else len(text)
        said = _without_dates(text, start, end, dates)
        if stop and stop.group().startswith(",") and len(said.split()) <= 4:
            # "that Abu Bakr al-Baghdadi, the leader of the Islamic State, died": skip the apposition.
            after = _SAYING_END.search(text, stop.end())
            if after and after.group().startswith(","):
                again = _SAYING_END.search(text, after.end())
                said += " " + _without_dates(text, after.end(), again.start() if again else len(text), dates)
        return _trim(said, 14)
    stop = _CLAUSE_END.search(text, start)
    end = stop.start() if stop else len(text)
    for second in _AND_VERB.finditer(text, start, end):
        if word_tense(second.group("verb").lower()) == PAST:
            end = second.start()  # "met in Moscow and issued a joint declaration": one verb is enough
            break
    for d_start, d_end in sorted(dates):
        if start < d_start < end:
            cut = _PREPOSITION_BEFORE.search(text, start, d_start)
            if text[start : cut.start() if cut else d_start].strip():
                end = cut.start() if cut else d_start
                break
            if _starts_with_past_verb(text, d_end):
                end = d_start  # "that began on 12 September collapsed ...": the main clause resumes
                break
    return _trim(_without_dates(text, start, end, dates))


_GAPPED = re.compile(r"\s*,?\s+and\s+(?P<obj>[^,;]{1,60}?)\s+(?:on|in)\s+\Z", re.IGNORECASE)


def _gapped_object(text: str, verb_end: int, date_start: int, dates) -> str | None:
    """Return the object of a verb left out before a later date: "took Aleppo on May 1 and Hama on May 5"."""
    earlier = [e for s, e in dates if verb_end < s and e < date_start]
    if not earlier:
        return None
    gap = _GAPPED.fullmatch(text, earlier[-1], date_start)
    if gap is None or _past_verbs(text) and any(gap.start() <= v.start() < date_start for v in _past_verbs(text)):
        return None
    return _trim(gap.group("obj"), 8) or None


def _starts_with_past_verb(text: str, pos: int) -> bool:
    word = _LOWER_WORD.match(text, pos + len(text[pos:]) - len(text[pos:].lstrip()))
    return bool(word) and word.group() not in _PAST_AUX_WORDS and word_tense(word.group()) == PAST


def _capitalise(text: str) -> str:
    return text[:1].upper() + text[1:]


def make_title(sentence, date, cue, verb, mentions, entries_acting_for, all_dates, kind=OTHER) -> str:
    """Return a short headline for the event: who does what, from the clause that holds the date.

    Never the raw sentence: when no subject and verb can be read, "<Kind>: <actors>".
    """
    text, base = sentence.text, sentence.start
    dates = [(d.start - base, d.end - base) for d in all_dates]
    local = [(m.start - base, m.end - base, m) for m in mentions]
    everyone = _ordered_names(local, 0, len(text), entries_acting_for)
    d_start = date.start - base
    clause_start, _ = _clause_start(text, d_start)
    clause_end = _clause_end(text, date.end - base)
    entry = _TIMELINE_ENTRY.match(text, date.end - base)
    if entry and not text[:d_start].strip(" -–—•*"):
        # "March 2011 – Protests erupt in Daraa": a timeline entry is its own headline.
        headline = _trim(_without_dates(text, entry.end(), len(text), dates), 14)
        headline = headline[4:] if headline.lower().startswith("the ") else headline
        if len(headline.split()) >= 2:
            return _limit(headline)
    nearer = _past_verb(text, clause_start, clause_end, d_start)
    if verb is None or not (clause_start <= verb.start() < clause_end):
        verb = nearer or verb
    elif nearer is not None and verb.end() < nearer.start() < d_start:
        if any(verb.end() <= s and e <= nearer.start() for s, e in dates):
            verb = nearer  # "the ceasefire that began on 12 September collapsed on Monday"
    negated = _NEGATED.search(text, clause_start, clause_end) if _MAY_NEGATE.search(text) else None
    if negated and negated.start() < d_start:
        # "The Turkish army did not attack Manbij on Sunday": say so, in the subject's words.
        actors = _ordered_names(local, clause_start, negated.start(), entries_acting_for)
        rest = _phrase_after(text, negated.end(), dates)
        if actors:
            said_aux = (negated.group("aux") or negated.group("aux2")).lower()
            aux = "will not" if said_aux in ("will", "would", "won't") else "does not"
            plural_aux = aux if aux == "will not" or len(actors) == 1 else "do not"
            return _limit(f"{_join(actors[:3])} {plural_aux} {_lemma(negated.group('verb'))} {rest}")
    head = verb or cue
    if verb is None:
        passive = _PASSIVE_BY.search(text, clause_start, clause_end)
        if passive:
            # "Afrin was captured by Turkish-backed forces": the agent does it.
            agents = _ordered_names(local, passive.end(), _clause_end(text, passive.end()), entries_acting_for)
            thing = _trim(_without_dates(text, clause_start, passive.start(), dates), 8)
            if agents and thing:
                thing = "the" + thing[3:] if thing.startswith("The ") else thing
                return _headline(agents, _lemma(passive.group("verb")), [], thing, False)
        undone = _passive_title(text, clause_start, clause_end, dates)
        if undone:
            return undone
    if head is None:
        return _fallback(kind, everyone)
    if verb is None:
        return _noun_title(text, head, local, everyone, dates, entries_acting_for, kind)

    clause_start, opener = _clause_start(text, head.start())
    words = head.group().split()
    lemma = _lemma(words[0])
    tense = _PASSIVE_OR_FUTURE.search(text, max(0, head.start() - 12), head.start())
    future = bool(tense and tense.group("future"))

    passive = _BY_AGENT.match(text, head.end())
    if passive and words[0].lower().endswith(("ed", "en", "wn", "ck", "ld", "ft", "nt")):
        # "the deal announced by Russian officials on Tuesday": the agent does it to the noun before.
        agents = _ordered_names(local, passive.end(), _clause_end(text, passive.end()), entries_acting_for)
        thing = _noun_phrase_before(text, clause_start, head.start(), dates, subject=False)
        if agents and thing:
            thing = thing[:1].lower() + thing[1:] if thing.split()[0] in ("The", "A", "An") else thing
            return _headline(agents, lemma, words[1:], thing, future)
        if not thing and not agents and clause_start > 0 and not text[clause_start : head.start()].strip(" ,"):
            comma = text.rfind(",", 0, clause_start)
            if comma > 0:
                thing = _noun_phrase_before(text, _clause_start(text, comma)[0], comma, dates, subject=False)
        if thing and not agents:
            # "The deal, announced by the Kurdish administration late on Sunday": no curated agent to
            # make the subject, so the passive is kept as written.
            rest = _phrase_after(text, head.end(), dates)
            return _limit(f"{_capitalise(_ARTICLE.sub('', thing, count=1))} {' '.join(words)} {rest}")

    if words[0].lower().endswith("ed") and not text[clause_start : head.start()].strip() and clause_start > 1:
        comma = text.rfind(",", 0, clause_start)
        closed = re.compile(r",\s+(?P<w>[a-z]+)\b").search(text, head.end())
        appositive = closed is not None and word_tense(closed.group("w")) == PAST
        if (
            comma > 0
            and not text[comma + 1 : clause_start].strip()
            and (_OPENING_PREPOSITION.match(text) or appositive)
        ):
            # "According to the Sochi agreement, signed on September 17, ...": the sentence opens with
            # a preposition, or the participle's clause closes before the main verb ("The Sochi agreement,
            # signed in September 2018, created a zone"), so the participle belongs to its noun.
            thing = _noun_phrase_before(text, _clause_start(text, comma)[0], comma, dates)
            if thing and not _ARTICLE.fullmatch(thing + " "):
                rest = _phrase_after(text, head.end(), dates)
                return _limit(f"{_capitalise(thing)} {' '.join(words)} {rest}")
    reduced = _reduced_relative(text, clause_start, head, words, dates) if not future else None
    if reduced:
        return reduced
    reporting = _reporting_verb(text, local, clause_start, head.start())
    if reporting is not None and words[0].lower() not in _SAYING:
        # "Stoltenberg said alliance ambassadors would meet today": who said it is the subject here.
        head, words = reporting, reporting.group().split()
        lemma, future = _lemma(words[0]), False
    # "The evacuation, brokered by Russia and Turkey, began": the agents of the participle are not the subject.
    appositive = _APPOSITIVE_BY.search(text, 0, head.start()) if " by " in text[: head.start()] else None
    if appositive and clause_start > appositive.start() and not text[clause_start : head.start()].strip():
        clause_start, opener = _clause_start(text, appositive.start())
    elif appositive and appositive.start() < clause_start:
        appositive = None
    subject_stop = appositive.start() if appositive and appositive.start() > clause_start else head.start()
    actors = _ordered_names(local, clause_start, _subject_end(text, clause_start, subject_stop), entries_acting_for)
    others = [m.name for s, e, m in local if clause_start <= s < subject_stop and m.entry_kind != ACTOR]
    if opener and not actors and not others:
        relative = _relative_title(text, clause_start, head, words, lemma, local, dates, entries_acting_for, future)
        if relative:
            return relative

    saying = words[0].lower() in _SAYING
    rest = _phrase_after(text, head.end(), dates, saying=saying)
    gapped = None if saying else _gapped_object(text, head.end(), d_start, dates)
    if gapped:
        rest = gapped  # "captured Aleppo on Nov. 30 and Hama on Dec. 5": on Dec. 5 it captured Hama
    if saying and clause_start > 0 and (not rest or rest.split()[0].lower() in _ADJUNCT_STARTS):
        # "The zone must be in place by October 15, Putin said": what was said comes first.
        rest = _trim(_without_dates(text, 0, clause_start, dates), 14)
    quoted = _QUOTED_BEFORE.search(text, 0, clause_start) if saying and clause_start else None
    if quoted:
        # '"Baghouz has been liberated," an SDF spokesman wrote': what was said is the quote.
        rest = _trim(_without_dates(text, quoted.start("q"), quoted.end("q"), dates), 14)
        first, _, tail = rest.partition(" ")
        if first in _PRONOUNS:
            rest = f"{first.lower()} {tail}"
    first, _, tail = rest.partition(" ")
    if saying and first in _PRONOUNS:
        rest = f"{first.lower()} {tail}"  # "Putin says the zone ..."
    if saying and words[0].lower() in _PLAIN_SAYING:
        lemma, words = "say", ["says"]
    if actors and _NEITHER.search(text, clause_start, head.start()):
        # "Neither Russia nor Iran attended the meeting": they did not.
        return _limit(f"{_join(actors[:3])} {'will not' if future else 'do not'} {lemma} {' '.join(words[1:])} {rest}")
    if actors:
        return _headline(actors, lemma, words[1:], rest, future)
    # "The evacuation began on 15 December and ended on 22 December": the subject ends at its first verb.
    before = _trim(_without_dates(text, clause_start, _subject_end(text, clause_start, subject_stop), dates), 10)
    if before and not text[clause_start : head.start()].lstrip().startswith(before.split()[0]):
        before = _capitalise(before)  # "Late on Monday, warplanes struck": the subject opens the sentence now
    literal = _literal_subject(before)
    participle = words[0].lower().endswith("ed") and any(
        m.entry_kind == AGREEMENT for s, _, m in local if clause_start <= s < head.start()
    )
    if others and (not literal or participle):
        # Not an actor, so not the doer: "the Manbij road map agreed in June" reads as written.
        return _limit(f"{_join(others[:2])} {' '.join(words)} {rest}")
    if literal and words[0].endswith("ed") and _APPOSITION.search(text, 0, clause_start) and _ARTICLE.match(before):
        # ", a step first proposed at the Sochi congress in January 2018": a participle, kept as written.
        return _limit(f"{literal} {' '.join(words)} {rest}")
    if literal:
        return _headline([literal], lemma, words[1:], rest, future, plural=_plural(literal))
    if clause_start > 0 and ";" not in text[: head.start()] and not others:
        # "Iran, which guarantees the Astana process, welcomed the deal", "since it entered Syria",
        # "..., and has secured the M5": the subject is in an earlier clause.
        nearest = before.lower() in _SUBJECT_PRONOUNS or _COORDINATED.match(text, clause_start)
        actors = _earlier_subject(text, local, clause_start, entries_acting_for, nearest=bool(nearest))
        said = None
        if _THAT_BEFORE.search(text, max(0, clause_start - 6), clause_start):
            said = ([None] + list(_SAYING_WORD.finditer(text, 0, clause_start)))[-1]
        if actors and said and not saying:
            # "Çavuşoğlu said ... and that joint patrols would begin later this year": he says so.
            reported = _trim(_without_dates(text, clause_start, clause_end, dates), 14)
            said_clause, _ = _clause_start(text, said.start())
            speakers = _ordered_names(local, said_clause, said.start(), entries_acting_for) or actors
            return _headline(speakers, "say", [], reported, False)
        if actors:
            return _headline(actors, lemma, words[1:], rest, future)
        first = _CLAUSE_START.search(text)
        literal = _literal_subject(_trim(_without_dates(text, 0, first.start(), dates), 10)) if first else ""
        if literal:
            return _headline([literal], lemma, words[1:], rest, future, plural=_plural(literal))
    return _fallback(kind, everyone)


def _literal_subject(before: str) -> str:
    """Return the words before the verb as a headline subject ("Evacuation"), or "" if they make none."""
    if not before or len(before.split()) > 8 or _QUOTES.search(before):
        return ""
    lowered = before.lower()
    if lowered.startswith(("the ", "a ", "an ")):
        return _capitalise(before.split(" ", 1)[1])  # headlines drop the article
    first = before.split()[0]
    if not first[:1].isupper() or first in _PRONOUNS or first.lower() in ("he", "she", "i", "we", "they", "it"):
        return ""
    return before


def _plural(subject: str) -> bool:
    words = subject.split()
    cut = next((i for i, w in enumerate(words) if i and w.lower() in _PREPOSITIONS), len(words))
    head = words[cut - 1].lower()  # "Members of the committee", "Talks in Astana": the noun before
    return head.endswith("s") and not head.endswith("ss")


def _earlier_subject(text, local, clause_start: int, acting_for, *, nearest: bool) -> list[str]:
    """Return the actors of an earlier clause: the nearest one that names any for a pronoun or a
    coordinated verb ("since it entered", "..., and has secured"), else the sentence's first
    ("The United States, busy with Trump's inauguration, sent an observer")."""
    bounds = [0] + [b.end() for b in _CLAUSE_OPEN.finditer(text, 0, clause_start) if b.end() < clause_start]
    ends = bounds[1:] + [clause_start]
    spans = list(zip(bounds, ends, strict=True))
    for begin, end in reversed(spans) if nearest else spans:
        actors = _ordered_names(local, begin, end, acting_for)
        if actors:
            return actors
    return []


def _headline(subjects, lemma, particles, rest, future, plural=None) -> str:
    plural = len(subjects) > 1 if plural is None else plural
    if future:
        verb_text = " ".join(["to", lemma, *particles])
    else:
        verb_text = " ".join([lemma if plural else _third_person(lemma), *particles])
    return _limit(f"{_join(subjects[:3])} {verb_text} {rest}")


def _fallback(kind, everyone) -> str:
    label = KIND_LABELS.get(kind, KIND_LABELS[OTHER])
    return _limit(f"{label}: {_join(everyone[:3])}" if everyone else label)


def _noun_title(text, head, local, everyone, dates, acting_for, kind) -> str:
    """Return a noun-phrase title: "Fall of Aleppo", "Summit of Turkey, Russia and Iran"."""
    clause_start, _ = _clause_start(text, head.start())
    phrase = _trim(_without_dates(text, head.start(), _clause_end(text, head.end()), dates))
    if not phrase:
        return _fallback(kind, everyone)
    named = any(head.start() <= s < head.start() + len(phrase) for s, _, _ in local)
    prefix = "" if named else _join(_ordered_names(local, clause_start, head.start(), acting_for)[:3])
    prefix = prefix or ("" if named else _join(everyone[:3]))
    return _limit(f"{prefix}: {phrase}" if prefix else phrase)


def _relative_title(text, clause_start, head, words, lemma, local, dates, acting_for, future) -> str | None:
    """Title a verb in a relative clause ("..., which killed 80 people on April 4").

    A verb with a kind of its own happens to the antecedent: "Chemical attack on Khan Sheikhoun
    kills more than 80 people". A verb without one ("a ceasefire that took effect on January 12")
    says when the main clause's event came true: "Turkey and Russia broker a ceasefire in Idlib".
    """
    pronoun = _RELATIVE_BEFORE.search(text, 0, clause_start)
    if pronoun is None:
        return None
    antecedent_end = len(text[: pronoun.start()].rstrip(" ,"))
    kind_of_verb = next((k for _, k, m, _, _ in sentence_cues(text) if m.start() == head.start()), None)
    outer_start, _ = _clause_start(text, antecedent_end)
    if kind_of_verb is None and pronoun.group("rel").lower() == "that":
        main = _past_verb(text, outer_start, antecedent_end, antecedent_end) or _cue_verb_in(
            text, outer_start, antecedent_end
        )
        if main is not None:
            actors = _ordered_names(local, outer_start, main.start(), acting_for)
            thing = _trim(_without_dates(text, main.end(), antecedent_end, dates))
            if actors and thing:
                main_words = main.group().split()
                return _headline(actors, _lemma(main_words[0]), main_words[1:], thing, False)
    rest = _phrase_after(text, head.end(), dates)
    subject_names = _ordered_names(local, outer_start, antecedent_end, acting_for)
    thing = _noun_phrase_before(text, outer_start, antecedent_end, dates)
    if pronoun.group("rel").lower() == "who" and subject_names:
        return _headline(subject_names[-1:], lemma, words[1:], rest, future)
    if thing:
        thing = re.sub(r"^(?:a|an)\s+", "", thing, flags=re.IGNORECASE)  # headlines drop the article
        return _headline([_capitalise(thing)], lemma, words[1:], rest, future, plural=False)
    return None


def _passive_title(text: str, clause_start: int, clause_end: int, dates) -> str | None:
    """Title a passive with no agent as written: "Two Turkish soldiers killed in Idlib", "Heavy
    weapons to be withdrawn", taking the subject from the sentence's start when the clause has none
    ("Idlib, home to three million people, has been shelled daily since April")."""
    passive = _PASSIVE.search(text, clause_start, clause_end)
    if passive is None or word_tense(passive.group("verb").lower()) != PAST:
        return None
    before = _trim(_without_dates(text, clause_start, passive.start(), dates), 8)
    if not before and clause_start > 0:
        first = _CLAUSE_START.search(text)
        before = _trim(_without_dates(text, 0, first.start(), dates), 8) if first else ""
    if not before or len(before.split()) > 6 or before.split()[0].lower() in _SUBJECT_PRONOUNS | {"which", "that"}:
        return None
    subject = _capitalise(before.split(" ", 1)[1]) if _ARTICLE.match(before) and " " in before else before
    future = clause_tense(text, passive.start("verb"), passive.end("verb")) == FUTURE
    rest = _phrase_after(text, passive.end(), dates)
    if rest and _COORDINATED.match(text, passive.end()):
        rest = f"and {rest}"  # "killed and several wounded"
    return _limit(f"{_capitalise(subject)} {'to be ' if future else ''}{passive.group('verb')} {rest}")


def _reduced_relative(text, clause_start: int, head, words, dates) -> str | None:
    """Title a participle after a noun when the clause already has its verb, as written.

    "delegations met in Ankara to work out joint patrols agreed in Moscow on March 5": what
    happened on March 5 is that the patrols were agreed: "Joint patrols agreed in Moscow".
    """
    if not words[0].lower().endswith("ed"):
        return None
    previous = _LAST_WORD.search(text, max(0, head.start() - 30), head.start())
    word = previous.group("w") if previous else ""
    if not word.islower() or word in _NOT_NOUNS or word.endswith("ly") or word_tense(word) is not None:
        return None
    if text[previous.end("w") : head.start()] != " ":
        return None  # only "patrols agreed", not "patrols, agreed"
    earlier = [v for v in _past_verbs(text) if clause_start <= v.start() and v.end() < previous.start()]
    if not earlier or _APPOSITIVE_BY.search(text, earlier[-1].start() - 1, head.start()):
        # "forces backed by Russian jets captured": the earlier participle is the one that modifies.
        return None
    thing = _noun_phrase_before(text, earlier[-1].end(), head.start(), dates)
    if not thing:
        return None
    rest = _phrase_after(text, head.end(), dates)
    return _limit(f"{_capitalise(thing)} {' '.join(words)} {rest}")


def _reporting_verb(text, local, begin: int, end: int):
    """Return the verb of saying in text[begin:end] whose subject is named, if nothing is named after it."""
    found = None
    for match in _SAYING_WORD.finditer(text, begin, end):
        found = match
    if found is None:
        return None
    named_before = any(begin <= s < found.start() for s, _, _ in local)
    named_after = any(found.end() <= s < end for s, _, _ in local)
    return found if named_before and not named_after else None


def _cue_verb_in(text, begin, end):
    found = None
    for _order, _kind, match, is_verb, active in sentence_cues(text):
        if is_verb and active and begin <= match.start() and match.end() <= end:
            found = match
    return found


def _past_verb(text: str, begin: int, end: int, near: int):
    """Return the past-tense verb of text[begin:end] nearest `near` (before it if any), active voice only."""
    before = after = None
    for word in _past_verbs(text):
        if word.start() < begin or word.end() > end:
            continue
        if word.start() < near:
            before = word
        elif after is None:
            after = word
    return before or after


@lru_cache(maxsize=256)  # asked once per date; a sentence has several in dense reports
def _past_verbs(text: str) -> tuple:
    found = []
    for word in _PAST_FORM.finditer(text):
        if word_tense(word.group()) != PAST or _QUANTITY_BEFORE.search(text, max(0, word.start() - 16), word.start()):
            continue  # "killed and several wounded": "were" is understood
        if not _PASSIVE_OR_FUTURE.search(text, max(0, word.start() - 12), word.start()):
            found.append(word)
    return tuple(found)


def _noun_phrase_before(text: str, begin: int, end: int, dates, *, subject=True) -> str:
    """Return the noun phrase that ends at `end`: from its article ("the deal") or its last few words."""
    chunk = _without_dates(text, begin, end, dates).rstrip(" ,")
    words = chunk.split()
    start = None
    for i in range(len(words) - 1, max(0, len(words) - 8) - 1, -1):
        if words[i].lower() in ("the", "a", "an", "its", "their"):
            start = i
            break
    if start is None:
        # No article: the last two words at most, and no function word ("discuss joint patrols").
        start = len(words)
        while start > max(0, len(words) - 2) and words[start - 1].lower() not in _FUNCTION_WORDS:
            start -= 1
    phrase = " ".join(words[start:]).strip(" ,;:\"'“”")
    return phrase[4:] if subject and phrase.lower().startswith("the ") else phrase


def _subject_end(text: str, clause_start: int, verb_start: int) -> int:
    """Return where the subject ends: at the clause's first verb ("Turkey launched ... and took")."""
    for word in _SUBJECT_VERB.finditer(text, clause_start, verb_start):
        low = word.group()
        if low in _FINITE_AUX or word_tense(low) == PAST:
            return word.start()
    return verb_start


def _clause_start(text: str, pos: int) -> tuple[int, str]:
    """Return where the clause holding text[pos] starts, and its relative pronoun if it is a relative clause."""
    boundaries = _clause_boundaries(text)
    index = bisect.bisect_right(boundaries, (pos, "\uffff")) - 1
    return boundaries[index] if index >= 0 else (0, "")


@lru_cache(maxsize=256)  # one sentence's titles ask several times; the next sentence evicts nothing useful
def _clause_boundaries(text: str) -> list[tuple[int, str]]:
    """Return (start, relative pronoun or "") of every clause of the sentence after the first."""
    out = []
    for boundary in _CLAUSE_OPEN.finditer(text):
        if boundary.group("sub") and not _verb_follows(text, boundary.end(), len(text)):
            continue  # "since 2011", "after weeks of fighting": a preposition, not a clause
        opener = ""
        rel = boundary.group("rel")
        if rel:
            previous = _LAST_WORD.search(text, max(0, boundary.start() - 30), boundary.start())
            word = previous.group("w").lower() if previous else ""
            # "said that ...", "agreed that ...": a complement, whose subject is its own.
            complement = word in _SAYING or word in _COMPLEMENT_TAKERS or word.endswith("ing")
            if not (complement or word_tense(word) == PAST or word in _PAST_AUX_WORDS):
                opener = rel.lower()
        out.append((boundary.end(), opener))
    return out


def _verb_follows(text: str, start: int, limit: int) -> bool:
    """Tell whether a verb follows within a few words, before any comma: "since Russia agreed"."""
    stop = _PUNCTUATION.search(text, start, limit)
    for count, word in enumerate(_LOWER_WORD.finditer(text, start, stop.start() if stop else limit)):
        if count >= 8:
            break
        tense = word_tense(word.group())
        if tense is not None and word.group() not in ("ago",):
            return True
    return False


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
    title = " ".join(_QUOTES.sub("", title).split()).strip(" ,;:")
    title = _capitalise(title)
    if len(title) > TITLE_MAX:
        title = title[: TITLE_MAX - 1].rsplit(" ", 1)[0] + "…"
    return title


__all__ = ["KINDS", "event_kind", "make_title"]
