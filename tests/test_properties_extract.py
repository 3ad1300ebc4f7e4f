"""Hostile input to the text pipeline: names, dates and text that try to break it.

tests/test_extract_properties.py covers random article text against the dev
gazetteer. These add what it does not: gazetteers built from hostile names
(regex syntax, combining marks, overlapping and enormous names), nonsense
and out-of-range date expressions, and inputs shaped to trigger slow paths.
"""

import datetime as dt
import signal
from contextlib import contextmanager

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tracker.extract.dates import find_dates
from tracker.extract.pipeline import Gazetteer, extract_events, find_mentions
from tracker.extract.sentences import split_sentences
from tracker.extract.types import ACTOR, AGREEMENT, PLACE, Entry, GazetteerData, Surface

PROPERTY = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
SECONDS_PER_100_KB = 2.0


def gazetteer_of(names: dict[str, list[str]]) -> Gazetteer:
    """Return a gazetteer of actors, places and agreements, in turn, named by `names`."""
    entries, surfaces = [], []
    kinds = [ACTOR, PLACE, AGREEMENT]
    for number, (name, aliases) in enumerate(names.items()):
        kind = kinds[number % 3]
        entries.append(Entry(kind=kind, id=number, name=name, actor_kind="state" if kind == ACTOR else ""))
        surfaces.append(Surface(text=name, entry_kind=kind, entry_id=number))
        for alias_number, alias in enumerate(aliases):
            surfaces.append(
                Surface(
                    text=alias,
                    entry_kind=kind,
                    entry_id=number,
                    alias_kind=["alias", "acronym", "transliteration", "demonym", "capital"][alias_number % 5],
                    match_case=bool(alias_number % 2),
                )
            )
    return Gazetteer.from_data(GazetteerData(entries=tuple(entries), surfaces=tuple(surfaces), version="hostile"))


BASE = gazetteer_of({"Turkey": ["Ankara", "Turkish"], "Idlib": ["Idleb"], "Sochi memorandum": []})

HOSTILE_NAMES = st.one_of(
    st.text(min_size=1, max_size=30),
    st.sampled_from(
        [
            ".*",
            "(a+)+$",
            "[",
            "\\",
            "a|b",
            "$1",
            "%s",
            "{0}",
            "<script>",
            "'",
            '"',
            "U.S.",
            "IS",
            "e\u0301",
            "\u202eevil",
            "\ufeff",
            "ﬁ",
            "İstanbul",
            "ß",
            " ",
            "\n",
            "a" * 199,
            "Turkey",
            "turkey",
            "TURKEY",
        ]
    ),
)
GAZETTEER_NAMES = st.dictionaries(HOSTILE_NAMES, st.lists(HOSTILE_NAMES, max_size=3), min_size=1, max_size=12)

DATE_NONSENSE = st.sampled_from(
    [
        "32 Febtember 99999",
        "on 31 February 2019",
        "on 0 March 2019",
        "in 99999",
        "in 0",
        "in the year 10000",
        "on 29 February 2019",
        "between 2019 and 2018",
        "from 30 March to 1 March 2019",
        "99999999999999999999 September",
        "September 99999999999999999999",
        "the 10^1000th of May",
        "-5 May 2019",
        "17/09/2018",
        "09/17/2018",
        "2018-02-30",
        "2018-13-45",
        "0001-01-01",
        "9999-12-31",
        "last year",
        "two million years ago",
        "9999999 days later",
        "the next day",
        "yesterday",
        "on Monday",
        "Sept. 31",
        "in Ramadan",
    ]
)
SENTENCE = st.builds(
    lambda who, date, where: f"{who} met in {where} {date}.",
    st.sampled_from(["Turkey", "Ankara", "TURKEY", "turkish officials", "Nobody"]),
    DATE_NONSENSE,
    st.sampled_from(["Idlib", "Idleb", "the Sochi memorandum", "nowhere"]),
)
TEXTS = st.one_of(
    st.lists(SENTENCE, min_size=1, max_size=20).map(" ".join),
    st.lists(st.one_of(SENTENCE, st.text(max_size=30)), max_size=20).map(" ".join),
)
PUBLISHED = st.one_of(st.none(), st.dates(min_value=dt.date(1, 1, 1), max_value=dt.date(9999, 12, 31)))


def check_events(text, events):
    for event in events:
        assert 0 <= event.char_start <= event.char_end <= len(text)
        assert text[event.char_start : event.char_end] == event.sentence
        assert text[event.date_char_start : event.date_char_end] == event.date_text
        assert event.date.first <= event.date.last
        if event.date_end is not None:
            assert event.date.first <= event.date_end.last
        assert dt.date(1, 1, 1) <= event.date.first and event.date.last <= dt.date(9999, 12, 31)
        assert 0 < len(event.title) <= 300


def check_mentions(text, mentions):
    for mention in mentions:
        assert 0 <= mention.start < mention.end <= len(text)
        assert text[mention.start : mention.end] == mention.text


@PROPERTY
@given(names=GAZETTEER_NAMES, text=st.one_of(st.text(max_size=500), TEXTS), published=PUBLISHED)
def test_it_builds_a_gazetteer_from_any_names_and_matches_only_real_spans(names, text, published):
    gazetteer = gazetteer_of(names)
    # Put the names themselves in the text so that matches really happen.
    text = text + " " + " and ".join(names) + " met on 17 September 2018."
    check_mentions(text, find_mentions(text, gazetteer))
    check_events(text, extract_events(text, published, gazetteer))


@PROPERTY
@given(text=TEXTS, published=PUBLISHED)
def test_it_resolves_nonsense_dates_to_real_days_or_to_nothing(text, published):
    for mention in find_dates(text, published):
        assert text[mention.start : mention.end] == mention.text
        assert mention.date.first <= mention.date.last
    check_events(text, extract_events(text, published, BASE))


@PROPERTY
@given(text=st.text(max_size=2000))
def test_it_splits_any_text_into_sentences_that_are_real_spans(text):
    sentences = split_sentences(text)
    for sentence in sentences:
        assert 0 <= sentence.start <= sentence.end <= len(text)
        assert text[sentence.start : sentence.end] == sentence.text
    starts = [sentence.start for sentence in sentences]
    assert starts == sorted(starts)


def test_it_refuses_impossible_calendar_days_rather_than_inventing_them():
    text = "Turkey met in Idlib on 31 February 2019. Turkey met in Idlib on 30 February 2019."
    events = extract_events(text, dt.date(2019, 3, 5), BASE)
    assert not [event for event in events if event.date.isoformat() in {"2019-02-31", "2019-02-30", "2019-03-03"}]
    check_events(text, events)


# Inputs shaped after slow paths of regex engines and tokenisers.
PATHOLOGICAL = {
    "dots": "." * 100_000,
    "bangs": "!?" * 50_000,
    "ellipses": "Turkey met in Idlib on Monday... " * 3000,
    "digits": "1 " * 50_000,
    "numbers": ("99999999999999999999 " * 5000)[:100_000],
    "months": ("May March June " * 7000)[:100_000],
    "capitals": ("Al-Qaeda U.S. I.S. " * 6000)[:100_000],
    "names": ("Turkey Ankara Idlib Idleb " * 4000)[:100_000],
    "one-word": "a" * 100_000,
    "whitespace": " \t\n" * 33_000,
    "tags": ("<div>" * 20_000)[:100_000],
    "quotes": ("\"'" + "«»" * 3) * 12_000,
    "combining": ("e\u0301" * 50_000),
    "dates": ("17 September 2018 to 18 September 2018, " * 2500)[:100_000],
    "slashes": ("17/09/2018/" * 9000)[:100_000],
}


class TookTooLong(AssertionError):
    pass


@contextmanager
def time_limit(seconds: float):
    """Fail with TookTooLong once `seconds` of wall time pass (the regex engine checks signals)."""

    def expire(signum, frame):
        raise TookTooLong(f"still running after {seconds:.1f} s")

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


# Inputs known to be too slow, as strict xfails: {name: "file: cause and fix"}.
KNOWN_SLOW: dict[str, str] = {}


@pytest.mark.parametrize(
    "name",
    [
        pytest.param(name, marks=pytest.mark.xfail(strict=True, raises=TookTooLong, reason=KNOWN_SLOW[name]))
        if name in KNOWN_SLOW
        else name
        for name in PATHOLOGICAL
    ],
)
def test_it_gets_through_pathological_text_in_bounded_time(name):
    text = PATHOLOGICAL[name]
    bound = SECONDS_PER_100_KB * max(len(text.encode()) / 100_000, 1)
    with time_limit(bound):
        events = extract_events(text, dt.date(2019, 2, 13), BASE)
    check_events(text, events)
