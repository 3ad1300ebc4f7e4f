"""Split an article into sentences, keeping each sentence's offsets in the article."""

from __future__ import annotations

import re

from tracker.extract.types import Sentence

# Words whose trailing period never ends a sentence before a capital or a number.
_TITLES = frozenset(
    """mr mrs ms dr prof gen lt col maj capt cpt sgt cpl pvt adm brig cmdr cdr gov sen rep rev hon pres amb
    st mt ft jr sr fr no nos art vol fig inc co corp ltd bros approx dept gens messrs mme mlle
    vs v cf al e.g i.e""".split()
)
# Month abbreviations end a sentence only when no day number follows ("Sept. 17").
_MONTH_ABBR = frozenset("jan feb mar apr jun jul aug sep sept oct nov dec".split())
# After an initialism such as "U.S.", only these words clearly start a new sentence.
_STARTERS = frozenset(
    """the a an he she it they we i in on but and however this that these those his her its their there
    meanwhile earlier later after before since while when if as at by for according some many""".split()
)

# Starts only at the first of a run of stops and never gives back what it took
# (possessive), so a run of 100,000 periods is read once, not once per period.
_BOUNDARY = re.compile(r"(?<![.!?])[.!?]++[\"'”’)\]]*+(?=\s+[\"'“‘(\[]?(\w))")
_PARAGRAPH = re.compile(r"\n")
_LAST_WORD = re.compile(r"([A-Za-z.]+)\.*$")
_NEXT_WORD = re.compile(r"\s+[\"'“‘(\[]?([A-Za-z0-9]+)")
# "BEIRUT, Oct 9 (Reuters) -" or "ANKARA (AA) –": a dateline, not part of a sentence.
# Also "NEW YORK/GENEVA (UN News) -", "SOCHI, Russia, Oct 22 (Reuters) -", "Damascus, SANA -".
_DATELINE = re.compile(
    r"\A\s*(?:[A-Z][A-Z .'’-]{1,40}(?:/[A-Z][A-Z .'’-]{1,40})*"
    r"(?:,\s*[A-Z][A-Za-z.]*(?:/[A-Z][A-Z .'’-]{1,40})?(?:\s+\d{1,2})?){0,2}(?:,\s*\d{4})?"
    r"|[A-Z][a-z]+(?:\s[A-Z][a-z]+)?,\s*[A-Z]{2,6}(?=\s*[-–—]))"
    r"\s*(?:\([A-Za-z .&-]{1,30}\))?\s*[-–—]+\s+"
)


def _is_abbreviation(text: str, end: int, stop: int) -> bool:
    """Tell whether the period ending at `end` belongs to an abbreviation, not a sentence end."""
    if text[stop - 1] != ".":
        return False
    match = _LAST_WORD.search(text, max(0, stop - 20), stop)
    if not match:
        return False
    word = match.group(1).rstrip(".")
    lower = word.lower()
    nxt = _NEXT_WORD.match(text, end)
    next_word = nxt.group(1) if nxt else ""
    if lower in _TITLES:
        return True
    if lower in _MONTH_ABBR:
        return next_word[:1].isdigit()
    if len(word) == 1 and word.isupper():
        return True  # an initial: "George W. Bush"
    if "." in word and all(len(part) <= 2 for part in word.split(".")):
        # An initialism ("U.S.", "U.N."): it ends the sentence only before a clear sentence start.
        return next_word.lower() not in _STARTERS
    return False


def split_sentences(text: str) -> list[Sentence]:
    """Return the sentences of `text` with their offsets; paragraph breaks always end one."""
    sentences: list[Sentence] = []
    begin = 0
    dateline = _DATELINE.match(text)
    if dateline:
        begin = dateline.end()
    for para in _paragraphs(text, begin):
        start = para[0]
        for boundary in _BOUNDARY.finditer(text, para[0], para[1]):
            if boundary.group(1).islower():
                continue
            if _is_abbreviation(text, boundary.end(), boundary.start() + len(boundary.group().rstrip("\"'”’)]"))):
                continue
            _add(sentences, text, start, boundary.end())
            start = boundary.end()
        _add(sentences, text, start, para[1])
    return sentences


def _paragraphs(text: str, begin: int):
    start = begin
    for match in _PARAGRAPH.finditer(text, begin):
        yield start, match.start()
        start = match.end()
    yield start, len(text)


# Longer "sentences" (tables, run-on lists, markup debris) are cut at a space near this length,
# so that the work per sentence stays bounded and the pipeline stays linear in the article.
MAX_SENTENCE = 1000


def _add(sentences: list[Sentence], text: str, start: int, end: int) -> None:
    while start < end and text[start].isspace():
        start += 1
    while end - start > MAX_SENTENCE:
        space = text.rfind(" ", start + MAX_SENTENCE // 2, start + MAX_SENTENCE)
        cut = space if space > start else start + MAX_SENTENCE
        _add(sentences, text, start, cut)
        start = cut
        while start < end and text[start].isspace():
            start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    if end > start:
        sentences.append(Sentence(start=start, end=end, text=text[start:end]))
