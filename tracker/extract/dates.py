"""Find temporal expressions in a sentence and resolve them to partial dates.

The expressions are found with regexes over a fixed vocabulary (month and
weekday names, "yesterday", "two months later"...) and resolved here against
the publication date and the tense of the clause, so the pipeline never reads
"We" as Wednesday or "2,000 troops" as a year. Which patterns can match is
decided once per sentence by cheap substring tests, and most sentences of a
report have no date at all, so they cost one lower-casing and a few `in`s.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from collections.abc import Callable
from functools import lru_cache

from dateutil.relativedelta import relativedelta

from tracker.extract.partial_date import DAY, MONTH, YEAR, PartialDate
from tracker.extract.types import DateMention

PAST, FUTURE = "past", "future"
_PRECISION_RANK = {YEAR: 0, MONTH: 1, DAY: 2}

_MONTH_FULL = "January|February|March|April|May|June|July|August|September|October|November|December"
_MONTH_ABBR = r"(?:Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept|Sep|Oct|Nov|Dec)"
# A month: full name, or an abbreviation with or without its period ("Sept. 17", "Oct 9").
_MON = rf"(?:(?:{_MONTH_FULL})|{_MONTH_ABBR}\.?)(?![A-Za-z])"
_MON_FULL = rf"(?:{_MONTH_FULL})(?![A-Za-z])"
_DAY = r"(?:3[01]|[12]\d|0?[1-9])(?:st|nd|rd|th)?"
_YEAR = r"(?:19\d\d|20\d\d)"
_NO_MORE_DIGITS = r"(?![\d,.]?\d)"
_NUM = r"(?:a|an|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|\d{1,3})"
_WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
_NUMBERS = {
    "a": 1,
    "an": 1,
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
}
_MONTH_NUMBERS = {
    name: number
    for number, names in enumerate(
        [
            ("january", "jan"),
            ("february", "feb"),
            ("march", "mar"),
            ("april", "apr"),
            ("may",),
            ("june", "jun"),
            ("july", "jul"),
            ("august", "aug"),
            ("september", "sep", "sept"),
            ("october", "oct"),
            ("november", "nov"),
            ("december", "dec"),
        ],
        start=1,
    )
    for name in names
}

_SEP_RANGE = r"\s*(?:-|–|—|(?i:to|until|till|through|and))\s*"
_MODIFIER = (
    r"(?i:early|mid|late|(?:the\s+)?end\s+of|(?:the\s+)?beginning\s+of|(?:the\s+)?start\s+of"
    r"|(?:the\s+)?middle\s+of)"
)
_MONTH_PREP = (
    r"(?i:in|on|since|until|till|by|during|from|through|throughout|before|after|between|to|and|or|of|last|next|this)"
)
_YEAR_PREP = (
    r"(?i:in|into|during|throughout|through|by|since|until|of|from|between|before|after|as\s+of|"
    r"(?:the\s+)?(?:spring|summer|autumn|fall|winter)(?:\s+of)?)"
)

# Each pattern is (name, regex, prefix, prefix required). A pattern starts at its month, day,
# weekday or number, so the regex engine skips ahead fast; words before it ("in", "early", "last")
# are read by `prefix`, a regex anchored at the pattern's start, run only where a pattern matched.
_MODIFIER_BEFORE = re.compile(rf"(?P<mod>{_MODIFIER})[\s-]*\Z")
_MONTH_BEFORE = re.compile(
    rf"(?<![\w-])(?:{_MONTH_PREP}\s+(?:(?P<mod>{_MODIFIER})[\s-]*)?|(?P<mod2>{_MODIFIER})[\s-]*)\Z"
)
_YEAR_BEFORE = re.compile(
    rf"(?<![\w-])(?:{_YEAR_PREP}\s+(?:(?P<mod>{_MODIFIER})[\s-]*)?|(?P<mod2>{_MODIFIER})[\s-]*)\Z"
)
_REL_BEFORE = re.compile(r"(?<![\w-])(?P<rel>(?i:last|next|this))\s+\Z")
_PATTERNS: list[tuple[str, re.Pattern, re.Pattern | None, bool]] = [
    (
        "iso",
        re.compile(rf"(?<![\d-])(?P<y>{_YEAR})-(?P<m>0[1-9]|1[0-2])-(?P<d>0[1-9]|[12]\d|3[01])(?![\d-])"),
        None,
        False,
    ),
    (
        "numeric",
        re.compile(rf"(?<![\d/.])(?P<a>\d{{1,2}})[/.](?P<b>\d{{1,2}})[/.](?P<y>{_YEAR})(?![\d/])"),
        None,
        False,
    ),
    (
        "range_dmy",
        re.compile(
            rf"(?<![\d,.])(?P<d1>{_DAY}){_SEP_RANGE}(?P<d2>{_DAY})\s+(?:(?i:of)\s+)?"
            rf"(?P<m>{_MON})(?:,?\s+(?P<y>{_YEAR}))?{_NO_MORE_DIGITS}"
        ),
        None,
        False,
    ),
    (
        "range_mdy",
        re.compile(
            rf"(?P<m>{_MON})\s+(?P<d1>{_DAY}){_SEP_RANGE}(?P<d2>{_DAY})(?:,?\s+(?P<y>{_YEAR}))?{_NO_MORE_DIGITS}"
        ),
        None,
        False,
    ),
    (
        "dmy",
        re.compile(
            rf"(?<![\d,.])(?P<d>{_DAY})\s+(?:(?i:of)\s+)?(?P<m>{_MON})(?:,?\s+(?P<y>{_YEAR}))?{_NO_MORE_DIGITS}"
        ),
        None,
        False,
    ),
    (
        "mdy",
        re.compile(rf"(?P<m>{_MON})\s+(?P<d>{_DAY})(?:,?\s+(?P<y>{_YEAR}))?(?![\d:]|,\d|\.\d|\s*(?:%|km\b))"),
        None,
        False,
    ),
    (
        "month_year",
        re.compile(rf"(?P<m>{_MON_FULL}|{_MONTH_ABBR}\.)\s+(?P<y>{_YEAR}){_NO_MORE_DIGITS}"),
        _MODIFIER_BEFORE,
        False,
    ),
    (
        "month_rel_year",
        re.compile(rf"(?P<m>{_MON_FULL})\s+(?P<rel>(?i:last|this|next))\s+(?i:year)\b"),
        _MODIFIER_BEFORE,
        False,
    ),
    ("rel_month", re.compile(rf"(?P<rel>(?i:last|next|this))\s+(?P<m>{_MON_FULL})(?!\s*\d)"), None, False),
    ("month", re.compile(rf"(?P<m>{_MON_FULL})(?!\s*\d)"), _MONTH_BEFORE, True),
    (
        "year_range",
        re.compile(rf"(?<![\w,.-])(?P<y>{_YEAR})\s*[-–—]\s*(?P<y2>{_YEAR}|\d\d)(?![\d,.]?\d|\s*%)"),
        _YEAR_BEFORE,
        True,
    ),
    # "mid-2018", "late-2019": a modifier joined by a hyphen; other hyphens join numbers ("1-2018").
    (
        "year",
        re.compile(rf"(?:(?<=[Mm]id-)|(?<=[Ee]arly-)|(?<=[Ll]ate-)|(?<![\w,.-]))(?P<y>{_YEAR})(?![\d,.]?\d|\s*%)"),
        _YEAR_BEFORE,
        True,
    ),
    (
        "relative_day",
        re.compile(
            r"(?<![\w-])(?i:(?P<word>the\s+day\s+before\s+yesterday|the\s+day\s+after\s+tomorrow|yesterday|today"
            r"|tonight|tomorrow|this\s+(?:morning|afternoon|evening)))(?![\w-])"
        ),
        None,
        False,
    ),
    (
        "weekday",
        re.compile(rf"(?P<wd>{'|'.join(_WEEKDAYS)})(?:\s+(?i:morning|afternoon|evening|night))?(?![\w-])"),
        _REL_BEFORE,
        False,
    ),
    (
        "relative_period",
        re.compile(
            r"(?<![\w-])(?i:(?P<mod>early|late|mid|earlier|later)[\s-]+)?(?P<rel>(?i:last|this|next))\s+"
            r"(?P<unit>(?i:month|year))(?![\w-])"
        ),
        None,
        False,
    ),
    (
        "ago",
        re.compile(rf"(?<![\w-])(?P<n>(?i:{_NUM}))\s+(?P<unit>(?i:day|week|month|year))s?\s+(?i:ago)\b"),
        None,
        False,
    ),
    (
        "offset",
        re.compile(
            rf"(?<![\w-])(?P<n>(?i:{_NUM}))\s+(?P<unit>(?i:day|week|month|year))s?\s+"
            r"(?P<dir>(?i:later|earlier|after(?=\s*[,.;)]|\s*$)|before(?=\s*[,.;)]|\s*$)))"
        ),
        None,
        False,
    ),
    (
        "anchor_word",
        re.compile(
            r"(?<![\w-])(?i:the\s+(?P<dir>next|following|previous)\s+(?P<unit>day|morning|evening|month|year)"
            r"|the\s+day\s+(?P<dir2>after|before)(?=\s*[,.;)]|\s*$)"
            r"|(?:the|that)\s+same\s+(?P<same>day|month|year)|(?:later|earlier)\s+that\s+(?P<same2>day|month|year))"
            r"(?![\w-])"
        ),
        None,
        False,
    ),
    (
        "nth",
        re.compile(rf"(?<=[Oo]n\s)(?i:the)\s+(?P<d>3[01]|[12]\d|[1-9])(?i:st|nd|rd|th)(?!\s+(?:(?i:of)\s+)?{_MON})"),
        None,
        False,
    ),
]
# Cheap tests that rule a pattern out before its regex runs over the sentence.
_HAS_MONTH = re.compile(r"(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)")
_HAS_YEAR = re.compile(_YEAR)
_HAS_DIGIT = re.compile(r"\d")


def _applicable(sentence: str) -> tuple:
    """Return the patterns that can match in the sentence, as (order, name, regex, prefix, required)."""
    low = sentence.lower()
    digit = _HAS_DIGIT.search(sentence) is not None
    month = _HAS_MONTH.search(sentence) is not None
    flags = (
        digit,
        digit and _HAS_YEAR.search(sentence) is not None,
        month,
        "day" in low,
        "tonight" in low or "tomorrow" in low or "this " in low,
        "month" in low or "year" in low,
        "year" in low,
        "ago" in low,
        "week" in low,
        "later" in low or "earlier" in low or "after" in low or "before" in low,
        "the " in low,
    )
    return _patterns_for(flags) if any(flags[1:10]) or (digit and flags[10]) else ()


@lru_cache(maxsize=2048)  # 11 flags: every key fits
def _patterns_for(flags: tuple) -> tuple:
    digit, year, month, day, near, period, year_word, ago, week, offset, the = flags
    names = set()
    if year:
        names.update(("iso", "numeric", "year_range", "year"))
    if month:
        names.update(("rel_month", "month"))
        if digit:
            names.update(("range_dmy", "range_mdy", "dmy", "mdy"))
        if year:
            names.add("month_year")
        if year_word:
            names.add("month_rel_year")
    if day:
        names.update(("weekday", "anchor_word", "relative_day"))
    if near:
        names.add("relative_day")
    if period:
        names.update(("relative_period", "anchor_word"))
        if ago:
            names.add("ago")
    if ago and (week or day):
        names.add("ago")
    if offset:
        names.add("offset")
    if digit and the:
        names.add("nth")
    return tuple((order, *entry) for order, entry in enumerate(_PATTERNS) if entry[0] in names)


class _Hit:
    """A pattern's match with the words read before it: groups of both, the span of the date text."""

    __slots__ = ("match", "prefix", "start", "end")

    def __init__(self, match, prefix):
        self.match, self.prefix = match, prefix
        self.end = match.end()
        self.start = match.start()
        if prefix is not None:
            mod = _first_group(prefix, "mod", "mod2")
            if mod is not None or "rel" in prefix.re.groupindex:
                self.start = prefix.start(_first_name(prefix, "rel", "mod", "mod2"))

    def group(self, name):
        value = self.match.group(name) if name in self.match.re.groupindex else None
        if value is None and self.prefix is not None:
            if name in self.prefix.re.groupindex:
                value = self.prefix.group(name)
            elif name == "mod" and "mod2" in self.prefix.re.groupindex:
                value = self.prefix.group("mod2")
        return value


def _first_group(match, *names):
    for name in names:
        if name in match.re.groupindex and match.group(name) is not None:
            return match.group(name)
    return None


def _first_name(match, *names):
    for name in names:
        if name in match.re.groupindex and match.group(name) is not None:
            return name
    return 0


_FUTURE_WORDS = frozenset("will shall 'll won't wont would must may might upcoming".split())
# Future only when "to" or "for" follows: "plans to meet on Monday", not "approved the plan on Monday".
_FUTURE_BEFORE_TO = frozenset(
    "going due scheduled slated expected planned plans plan intends intend aims aim set".split()
)
_PAST_AUX = frozenset("was were had did has have been ago".split())
IRREGULAR_PAST = frozenset(
    """said told met took began struck fought held left came made won lost fell sent hit shot broke withdrew
    led saw gave got went ran spoke wrote chose drove flew became sought brought built kept paid stood overran
    retook undertook took rode threw blew slew bore swore tore wore hid arose forgave forbade
    taken retaken overtaken undertaken given driven written spoken chosen shown thrown drawn withdrawn
    beaten broken stolen fallen risen seen begun fought""".split()
)
_NOT_PAST = frozenset("need needed red bed shed united armed based led-by".split())
_WORD = re.compile(r"[A-Za-z']+|[;:\"“”]")
_AUX_CHAIN = frozenset("be been being is are was were have has had not also already reportedly formally".split())
# A participle after these is an adjective ("a proposed ceasefire", "the armed groups"), not a verb.
_DETERMINERS = frozenset("a an the its their his her this these those our your any every each no".split())
_CLAUSE_BREAK = frozenset({";", ":", '"', "“", "”", "that", "which", "who", "whom", "whose", "while", "whereas"})


def word_tense(word: str) -> str | None:
    if word in _FUTURE_WORDS:
        return FUTURE
    if word in _PAST_AUX or word in IRREGULAR_PAST:
        return PAST
    if len(word) > 4 and word.endswith("ed") and word not in _NOT_PAST:
        return PAST
    return None


def clause_tense(sentence: str, start: int, end: int) -> str | None:
    """Return PAST, FUTURE or None for the clause around sentence[start:end].

    The nearest verb group to the left decides ("will be held on Monday" is
    future, "were killed on February 27" past); failing that, the first one
    to the right ("On Wednesday, Trump said" is past).
    """
    left = [w.lower() for w in _WORD.findall(sentence, max(0, start - 120), start)]
    cut = max((i for i, w in enumerate(left) if w in _CLAUSE_BREAK), default=-1)
    left = left[cut + 1 :][-10:]
    for i in range(len(left) - 1, -1, -1):
        if left[i] in _FUTURE_BEFORE_TO and i + 1 < len(left) and left[i + 1] in ("to", "for"):
            return FUTURE
        if len(left[i]) > 4 and left[i].endswith("ing") and i > 0 and left[i - 1] in ("is", "are"):
            return FUTURE  # "Russia is hosting talks on Friday": an arrangement, so the coming Friday
        tense = word_tense(left[i])
        if tense == PAST and left[i] not in _PAST_AUX and i > 0 and left[i - 1] in _DETERMINERS:
            continue  # "will discuss a proposed ceasefire on Thursday": still the future
        if tense == PAST and left[i] not in _PAST_AUX:
            # A participle: "will be held", "is to be signed", "was launched".
            for aux in reversed(left[max(0, i - 3) : i]):
                if aux in _FUTURE_WORDS or aux in _FUTURE_BEFORE_TO or aux == "to":
                    return FUTURE
                if aux in _PAST_AUX:
                    return PAST
                if aux not in _AUX_CHAIN:
                    break  # '"We will respond," Erdogan told': "will" is not this verb's
            return PAST
        if tense is not None:
            return tense
        if left[i] in ("to", "due") and i > 0 and left[i - 1] in {"is", "are", "was", "were"}:
            return FUTURE  # "is to be signed", "is due on Sunday"
    right = [w.lower() for w in _WORD.findall(sentence, end, min(len(sentence), end + 80))[:8]]
    for i, word in enumerate(right):
        if word in _CLAUSE_BREAK:
            break
        if word in _FUTURE_BEFORE_TO and i + 1 < len(right) and right[i + 1] in ("to", "for"):
            return FUTURE
        tense = word_tense(word)
        if tense is not None:
            return tense
    return None


_WEEK_AFTER = re.compile(r"\s+(?:of\s+)?(?P<rel>(?i:last|next))\s+(?i:week)\b")
_OF_REL_YEAR = re.compile(r"\s*,?\s*(?i:of\s+)?")
_BY_DEADLINE = re.compile(r"(?<![\w-])(?i:by|until|till)\s+\Z")
_PERFECT = frozenset({"has", "have"})


def _deadline_tense(sentence: str, start: int) -> str:
    """Return the tense of "by Friday", "until Friday": the future unless a simple past says otherwise.

    "Turkey has given the SDF until Friday to withdraw" and "if the SDF does not leave by Friday"
    look ahead; "fighting continued until Friday" and "had until Friday" look back.
    """
    left = [w.lower() for w in _WORD.findall(sentence, max(0, start - 120), start)]
    cut = max((i for i, w in enumerate(left) if w in _CLAUSE_BREAK), default=-1)
    left = left[cut + 1 :][-12:]
    for i in range(len(left) - 1, -1, -1):
        word = left[i]
        if word in _PERFECT:
            continue
        tense = word_tense(word)
        if tense == FUTURE:
            return FUTURE
        if tense == PAST:
            if word not in _PAST_AUX and i > 0 and left[i - 1] in _PERFECT:
                return FUTURE  # "has given ... until Friday": a present perfect, the deadline ahead
            return PAST
    return FUTURE


# --- parsing what was found -----------------------------------------------------------------------------------


_PARSER = None
# A leap year's first day: month and day are all the parser is asked for, and February 29
# must pass; the caller supplies the real year from the publication date and the tense.
_PARSER_BASE = dt.datetime(2000, 1, 1)


def date_parser():
    """Return the process's one dateparser `DateDataParser`, made (and its data loaded) on first use."""
    global _PARSER
    if _PARSER is None:
        from dateparser.date import DateDataParser

        _PARSER = DateDataParser(
            languages=["en"], settings={"RELATIVE_BASE": _PARSER_BASE, "PREFER_DATES_FROM": "current_period"}
        )
    return _PARSER


def parse_month_day(expression: str) -> tuple[int, int | None] | None:
    """Return (month, day or None) for a month expression without its year, such as "Sept. 17".

    The patterns found the expression; dateparser parses it and says by its period whether
    it names a day or a whole month. Results are cached per (month, day): at most 378 keys,
    so a worker pays dateparser's ~1 ms once per key, not once per article.
    """
    parts = expression.split()
    if not parts or len(parts) > 2:
        return None
    month = _month_number(parts[0])
    if month is None:
        return None
    if len(parts) == 1:
        return _parsed_month_day(month, None)
    if not parts[1].isdigit() or not 1 <= int(parts[1]) <= 31:
        return None
    return _parsed_month_day(month, int(parts[1]))


@lru_cache(maxsize=512)
def _parsed_month_day(month: int, day: int | None) -> tuple[int, int | None] | None:
    text = f"{calendar.month_name[month]} {day}" if day else calendar.month_name[month]
    data = date_parser().get_date_data(text)
    if data.date_obj is None:
        return None  # "February 30"
    if day is None:
        return (data.date_obj.month, None) if data.period == MONTH else None
    if data.period != DAY:
        return None
    return data.date_obj.month, data.date_obj.day


def _month_number(token: str) -> int | None:
    return _MONTH_NUMBERS.get(token.rstrip(".").lower())


def _day_number(token: str) -> int:
    return int(re.match(r"\d+", token).group())


def _number(token: str) -> int:
    token = token.lower()
    return _NUMBERS[token] if token in _NUMBERS else int(token)


# --- resolution -------------------------------------------------------------------------------------------------


def _month_in_year(month: int, published: dt.date, tense: str | None) -> PartialDate:
    """Return the month without a year, in the year the tense points to."""
    if tense == FUTURE or (tense is None and 0 < month - published.month <= _NEAR_MONTHS):
        # No tense ("agree Idlib ceasefire, effective March 6"): the nearest one, if it is close.
        year = published.year if month >= published.month else published.year + 1
    else:
        year = published.year if month <= published.month else published.year - 1
    return PartialDate(year, month)


# An untensed date this close after publication is the coming one, not last year's.
_NEAR_DAYS, _NEAR_MONTHS = 31, 1


def _days_ahead(month: int, day: int, published: dt.date) -> int | None:
    try:
        coming = dt.date(published.year, month, day)
    except ValueError:
        return None
    return (coming - published).days


def _day_in_year(month: int, day: int, published: dt.date, tense: str | None) -> PartialDate:
    """Return the day without a year: the next one for the future, else the most recent on or before publication."""
    ahead = _days_ahead(month, day, published)
    if tense == FUTURE or (tense is None and ahead is not None and 0 < ahead <= _NEAR_DAYS):
        year = published.year if (month, day) >= (published.month, published.day) else published.year + 1
    else:
        year = published.year if (month, day) <= (published.month, published.day) else published.year - 1
    if month == 2 and day == 29:
        step = 1 if tense == FUTURE else -1
        while not (year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)):
            year += step
    return PartialDate(year, month, day)


def _weekday(name: str, rel: str, published: dt.date, tense: str | None) -> PartialDate:
    target = _WEEKDAYS.index(name)
    back = (published.weekday() - target) % 7
    ahead = (target - published.weekday()) % 7
    if rel == "last":
        day = published - dt.timedelta(days=back or 7)
    elif rel == "next":
        day = published + dt.timedelta(days=ahead or 7)
    elif tense == FUTURE:
        day = published + dt.timedelta(days=ahead)
    else:
        day = published - dt.timedelta(days=back)
    return PartialDate.from_date(day)


def _shift(anchor: PartialDate, amount: int, unit: str) -> PartialDate:
    """Return `anchor` moved by `amount` units, no more precise than both of them."""
    unit_precision = {"day": DAY, "week": DAY, "month": MONTH, "year": YEAR}[unit]
    precision = min(anchor.precision, unit_precision, key=_PRECISION_RANK.__getitem__)
    delta = {
        "day": relativedelta(days=amount),
        "week": relativedelta(weeks=amount),
        "month": relativedelta(months=amount),
        "year": relativedelta(years=amount),
    }[unit]
    return PartialDate.from_date(anchor.first + delta, precision)


def _year_value(match, group="y") -> int | None:
    value = match.group(group)
    return int(value) if value else None


def _core(hit) -> tuple[int, int]:
    return hit.start, hit.end


def _resolve(name, match, sentence, published, anchor) -> tuple[PartialDate, PartialDate | None] | None:
    """Resolve one match to (date, date_end), or None when it cannot be pinned down honestly."""
    start, end = _core(match)
    g = match.group
    if name == "iso":
        return PartialDate(int(g("y")), int(g("m")), int(g("d"))), None
    if name == "numeric":
        a, b = int(g("a")), int(g("b"))
        if a > 12 >= b:
            day, month = a, b
        elif b > 12 >= a:
            month, day = a, b
        elif a == b:
            day = month = a
        else:
            return None  # 05/06/2018: day-month or month-day? Not guessed.
        return PartialDate(int(g("y")), month, day), None
    if name in ("range_dmy", "range_mdy"):
        month = _month_number(g("m"))
        d1, d2 = _day_number(g("d1")), _day_number(g("d2"))
        if month is None or d2 <= d1:
            return None
        year = _year_value(match)
        tense = clause_tense(sentence, start, end)
        if year is None:
            if published is None:
                return None
            first = _day_in_year(month, d1, published, tense)
            year = first.year
        return PartialDate(year, month, d1), PartialDate(year, month, d2)
    if name in ("dmy", "mdy"):
        parsed = parse_month_day(f"{g('m')} {_day_number(g('d'))}")
        if parsed is None or parsed[1] is None:
            return None
        month, day = parsed
        year = _year_value(match)
        if year is not None:
            return PartialDate(year, month, day), None
        if published is None:
            return None
        return _day_in_year(month, day, published, clause_tense(sentence, start, end)), None
    if name == "month_year":
        parsed = parse_month_day(g("m"))
        month = parsed[0] if parsed else _month_number(g("m"))
        return PartialDate(int(g("y")), month), None
    if name == "month_rel_year":
        if published is None:
            return None
        offset = {"last": -1, "this": 0, "next": 1}[g("rel").lower()]
        return PartialDate(published.year + offset, _month_number(g("m"))), None
    if name == "rel_month":
        if published is None:
            return None
        month, rel = _month_number(g("m")), g("rel").lower()
        if rel == "last":
            year = published.year if month < published.month else published.year - 1
        elif rel == "next":
            year = published.year if month > published.month else published.year + 1
        else:
            return _month_in_year(month, published, clause_tense(sentence, start, end)), None
        return PartialDate(year, month), None
    if name == "month":
        if published is None:
            return None
        month = _month_number(g("m") or g("m2"))
        return _month_in_year(month, published, clause_tense(sentence, start, end)), None
    if name == "year":
        return PartialDate(int(g("y") or g("y2"))), None
    if name == "year_range":
        first, last = g("y"), g("y2")
        last = int(first[:2] + last if len(last) == 2 else last)  # "2011-12"
        if last <= int(first):
            return PartialDate(int(first)), None  # "2017-14" is no range; its first year is still a year
        return PartialDate(int(first)), PartialDate(last)
    if published is None and name not in ("offset", "anchor_word"):
        return None
    if name == "relative_day":
        word = " ".join(g("word").lower().split())
        days = {
            "the day before yesterday": -2,
            "yesterday": -1,
            "tomorrow": 1,
            "the day after tomorrow": 2,
        }.get(word, 0)
        return PartialDate.from_date(published + dt.timedelta(days=days)), None
    if name == "weekday":
        rel = (g("rel") or "").lower()
        week = _WEEK_AFTER.match(sentence, end)
        if week and not rel:
            # "on Tuesday last week": that weekday of the calendar week before (or after) this one.
            monday = published - dt.timedelta(days=published.weekday())
            shift = -7 if week.group("rel").lower() == "last" else 7
            return PartialDate.from_date(monday + dt.timedelta(days=shift + _WEEKDAYS.index(g("wd")))), None
        tense = clause_tense(sentence, start, end)
        if not rel and _BY_DEADLINE.search(sentence, max(0, start - 8), start):
            tense = _deadline_tense(sentence, start)
        return _weekday(g("wd"), rel, published, tense), None
    if name == "relative_period":
        unit, rel, mod = g("unit").lower(), g("rel").lower(), (g("mod") or "").lower()
        offset = {"last": -1, "this": 0, "next": 1}[rel]
        if mod in ("earlier", "later") and rel != "this":
            return None
        if unit == "year":
            return PartialDate(published.year + offset), None
        return PartialDate.from_date(published + relativedelta(months=offset), MONTH), None
    if name == "ago":
        unit = g("unit").lower()
        if unit == "week":
            return None  # "two weeks ago" is some day of a week, like "last week": no honest day or month
        return _shift(PartialDate.from_date(published), -_number(g("n")), unit), None
    if name == "offset":
        if anchor is None:
            return None
        sign = 1 if g("dir").lower() in ("later", "after") else -1
        return _shift(anchor, sign * _number(g("n")), g("unit").lower()), None
    if name == "anchor_word":
        if anchor is None:
            return None
        same = (g("same") or g("same2") or "").lower()
        if same:
            # "The same month": the anchor's month, never more precise than the anchor.
            precision = {"day": DAY, "month": MONTH, "year": YEAR}[same]
            if _PRECISION_RANK[anchor.precision] < _PRECISION_RANK[precision]:
                return None
            return PartialDate.from_date(anchor.first, precision), None
        direction = (g("dir") or g("dir2") or "").lower()
        sign = -1 if direction in ("previous", "before") else 1
        unit = (g("unit") or "day").lower()
        unit = "day" if unit in ("morning", "evening") else unit
        return _shift(anchor, sign, unit), None
    if name == "nth":
        day = int(g("d"))
        tense = clause_tense(sentence, start, end)
        base = published.replace(day=1)
        if tense == FUTURE and day < published.day:
            base = base + relativedelta(months=1)
        elif tense != FUTURE and day > published.day:
            base = base - relativedelta(months=1)
        try:
            return PartialDate(base.year, base.month, day), None
        except ValueError:
            return None
    return None


_YEAR_LIST = re.compile(r"\s*(?:,\s*(?:(?i:and|or)\s+)?|(?:-|–|—|(?i:to|until|till|through|and|or))\s*)")
_LIST_GOES_ON = re.compile(r"\s*(?:,|(?i:and|or)\b)")


_ENTRY_OPEN = re.compile(r"[\s•*\-–—]*\Z")
_ENTRY_CLOSE = re.compile(r"\s*(?:[-–—:]|,\s)")


def _timeline_entry(sentence, match) -> bool:
    """Tell whether a year opens the sentence as a timeline entry: "2017–2019 – The SDF drives ..."."""
    return bool(_ENTRY_OPEN.match(sentence[: match.start()]) and _ENTRY_CLOSE.match(sentence, match.end()))


def _listed_year(sentence, previous_end, match) -> bool:
    """Tell whether a year continues a list or range of years: "2014 to 2017", "2014, 2015 and 2016"."""
    joined = _YEAR_LIST.fullmatch(sentence, previous_end, match.start())
    if joined is None:
        return False
    # After a bare comma the list must go on, or "In 2015, 2016 people died" would be two years.
    return (
        "," not in joined.group()
        or bool(re.search(r"\w", joined.group()))
        or bool(_LIST_GOES_ON.match(sentence, match.end()))
    )


_RANGE_JOIN = re.compile(r"\s*(?:-|–|—|(?i:to|until|till|through|and))\s*\Z")
_RANGE_OPEN = re.compile(r"(?i:from|between)\s*\Z")
_ANCHORED = frozenset({"offset", "anchor_word"})


def find_dates(
    sentence: str,
    published: dt.date | None,
    *,
    offset: int = 0,
    anchor: PartialDate | Callable[[], PartialDate | None] | None = None,
) -> list[DateMention]:
    """Return the dates written in `sentence`, in order, with offsets shifted by `offset`.

    `anchor` is the last date of the previous sentence (or a function that
    returns it, called only when needed): "the next day" with no date before
    it in this sentence counts from there.
    """
    found = []
    for order, name, pattern, before, required in _applicable(sentence):
        listed = -1  # end of the last year taken: "from 2014 to 2017", "in 2015 and 2016" list more years
        for match in pattern.finditer(sentence):
            prefix = before.search(sentence, max(0, match.start() - 40), match.start()) if before else None
            if required and prefix is None:
                entry = name in ("year", "year_range") and _timeline_entry(sentence, match)
                listed_year = name == "year" and listed >= 0 and _listed_year(sentence, listed, match)
                if not (entry or listed_year):
                    continue
            if name == "year":
                listed = match.end()
            hit = _Hit(match, prefix)
            if hit.end > hit.start:
                found.append((hit.start, hit.end, order, name, hit))
    if not found:
        return []
    found.sort(key=lambda f: (f[0] - f[1], f[2], f[0]))
    taken = bytearray(len(sentence) + 1)
    chosen = []
    for item in found:
        start, end = item[0], item[1]
        if any(taken[start:end]):
            continue
        taken[start:end] = b"\x01" * (end - start)
        chosen.append(item)
    chosen.sort(key=lambda f: f[0])

    resolved: list[tuple[int, int, PartialDate, PartialDate | None]] = []
    context = None  # the last day or month written with its year: "signed on 17 September 2018"
    resolved_names: list[str] = []
    for start, end, _order, name, match in chosen:
        if name in _ANCHORED and not resolved and callable(anchor):
            anchor = anchor()
        last = resolved[-1][2] if resolved else anchor
        try:
            result = _resolve(name, match, sentence, published, last if name in _ANCHORED else None)
        except (ValueError, OverflowError):
            result = None  # 31 February, year 10000: not a date
        if result is None:
            continue
        date, date_end = result
        if name in _YEARLESS and published is not None and not _HAS_YEAR.search(sentence, start, end):
            date, date_end = _in_year_of(context, date, date_end, published)
        elif date.precision != YEAR and _HAS_YEAR.search(sentence, start, end):
            context = date
        if (
            name == "relative_period"
            and date.precision == YEAR
            and resolved
            and resolved_names[-1] in _YEARLESS
            and _OF_REL_YEAR.fullmatch(sentence, resolved[-1][1], start)
        ):
            # "on March 15 of last year", "in March of this year": one date, in that year.
            prev_start, _, prev_date, prev_end_date = resolved.pop()
            resolved_names.pop()
            moved = PartialDate(date.first.year, *_parts(prev_date))
            moved_end = PartialDate(date.first.year, *_parts(prev_end_date)) if prev_end_date else None
            resolved.append((prev_start, end, moved, moved_end))
            resolved_names.append(name)
            continue
        resolved_names.append(name)
        if name in ("range_dmy", "range_mdy") and _two_days(sentence, match, date, date_end):
            # "June 27 and 29" names two days, not the days between them.
            m = match.match
            resolved.append((start, m.end("d1"), date, None))
            resolved.append((m.start("d2"), end, date_end, None))
            resolved_names.append(name)
            continue
        if resolved and _joins_range(sentence, resolved[-1], start, date):
            prev_start, _, prev_date, _ = resolved.pop()
            resolved_names.pop(-2)
            start, date_end, date = prev_start, date, prev_date
        resolved.append((start, end, date, date_end))
    return [
        DateMention(start=offset + s, end=offset + e, text=sentence[s:e], date=d, date_end=de)
        for s, e, d, de in resolved
    ]


_YEARLESS = frozenset({"dmy", "mdy", "range_dmy", "range_mdy", "month"})
# How far after a dated day a yearless one may fall and still be read in its year.
_SAME_STORY_DAYS, _NEWS_DAYS = 92, 62


def _in_year_of(context, date, date_end, published):
    """Read a yearless date in the year of an earlier one in the sentence when it follows it closely.

    "The deal, signed on 17 September 2018, was to create a zone by 15 October" means October 2018,
    not the October before publication. A date within two months of publication stays as it is: "Turkey,
    which took Afrin in January 2018, launched its offensive on Oct. 9" is this October.
    """
    if context is None or abs((date.first - published).days) <= _NEWS_DAYS:
        return date, date_end
    for year in (context.first.year, context.first.year + 1):
        try:
            moved = PartialDate(year, *_parts(date))
        except ValueError:
            return date, date_end
        if 0 <= (moved.first - context.first).days <= _SAME_STORY_DAYS and moved.first <= published:
            if moved == date:
                return date, date_end
            if date_end is not None:
                date_end = PartialDate(date_end.first.year + (year - date.first.year), *_parts(date_end))
            return moved, date_end
    return date, date_end


def _parts(date):
    return (date.first.month, date.first.day) if date.precision == DAY else (date.first.month,)


def _two_days(sentence, hit, date, date_end) -> bool:
    """Tell whether "27 and 29 June" lists two days rather than a range ("between 3 and 5 June", "5 and 6 June")."""
    m = hit.match
    if sentence[m.end("d1") : m.start("d2")].strip().lower() != "and":
        return False
    if (date_end.first - date.first).days == 1:
        return False
    return not _RANGE_OPEN.search(sentence, max(0, hit.start - 10), hit.start)


def _joins_range(sentence, previous, start, date) -> bool:
    """Tell whether this date closes a range opened by the previous one: "from 28 February to 2 March"."""
    prev_start, prev_end, prev_date, prev_end_date = previous
    if prev_end_date is not None or prev_date.precision != date.precision or date.first <= prev_date.first:
        return False
    between = sentence[prev_end:start]
    if not _RANGE_JOIN.match(between) or len(between) > 12:
        return False
    if between.strip().lower() == "and":
        # "between 3 March and 5 April", or consecutive days: "today and tomorrow".
        opened = _RANGE_OPEN.search(sentence, max(0, prev_start - 10), prev_start)
        consecutive = date.precision == DAY and (date.first - prev_date.first).days == 1
        return bool(opened) or consecutive
    return True
