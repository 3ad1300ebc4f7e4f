"""Character folding that keeps offsets: one character in, one character out.

Names are matched on folded text (accents stripped, dotless i made plain,
typographic apostrophes and dashes made ASCII) so "Erdogan" finds "Erdoğan";
because every character folds to exactly one character, an offset in the
folded text is the same offset in the article.
"""

from __future__ import annotations

import re
import unicodedata

_SPECIAL = {
    "ı": "i",
    "İ": "I",
    "’": "'",
    "‘": "'",
    "ʼ": "'",
    "`": "'",
    "´": "'",
    "‐": "-",
    "‑": "-",
    "‒": "-",
    "–": "-",
    "—": "-",
    "\u00a0": " ",
    "\t": " ",
    "\n": " ",
    "\r": " ",
}
# Distinct characters are bounded by Unicode, but adversarial text could still
# fill a table with a million entries: stop memoising past this size.
_TABLE_LIMIT = 50_000


def _fold_char(char: str, lower: bool) -> str:
    out = _SPECIAL.get(char)
    if out is None:
        decomposed = unicodedata.normalize("NFKD", char)
        base = "".join(c for c in decomposed if not unicodedata.combining(c))
        out = base if len(base) == 1 else char
        if out.isspace():
            out = " "
    if lower:
        low = out.lower()
        if len(low) == 1:
            out = low
        elif len(char.lower()) == 1:
            out = char.lower()
    return out


class _FoldTable(dict):
    """A str.translate table that computes and memoises entries on first use."""

    def __init__(self, lower: bool):
        super().__init__()
        self.lower = lower

    def __missing__(self, code: int) -> str:
        out = _fold_char(chr(code), self.lower)
        if len(self) < _TABLE_LIMIT:
            self[code] = out
        return out


_LOWER = _FoldTable(lower=True)
_KEEP_CASE = _FoldTable(lower=False)
_NON_ASCII = re.compile(r"[^\x00-\x7f]")


def _spaces(text: str) -> str:
    return text.replace("\n", " ").replace("\t", " ").replace("\r", " ")


def fold(text: str) -> str:
    """Return `text` lower-cased and accent-free, exactly as long as `text`."""
    if not text.isascii():
        # Fold the few non-ASCII characters one by one, then let str.lower() do the rest in C.
        folded = _NON_ASCII.sub(lambda m: _LOWER[ord(m.group())], text).lower()
        if len(folded) != len(text):
            return text.translate(_LOWER)
        return _spaces(folded)
    return _spaces(text.lower())


def fold_keep_case(text: str) -> str:
    """Return `text` accent-free with its case kept, exactly as long as `text`."""
    if not text.isascii():
        text = _NON_ASCII.sub(lambda m: _KEEP_CASE[ord(m.group())], text)
    return _spaces(text)
