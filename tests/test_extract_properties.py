"""Adversarial input never crashes the pipeline and stays fast."""

import datetime as dt
import json
import time
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tracker.extract.names import Gazetteer
from tracker.extract.names_json import gazetteer_data_from_names
from tracker.extract.pipeline import extract_events

DATA = Path(__file__).parent / "data" / "extract"
GAZETTEER = Gazetteer.from_data(gazetteer_data_from_names(json.loads((DATA / "names.json").read_text("utf-8"))))

WORDS = st.sampled_from(
    [
        "Turkey", "Russia", "Idlib", "Erdoğan", "ERDOGAN", "U.S.", "US", "IS", "said", "will", "on", "in", "the",
        "Monday", "May", "March", "Sept.", "17", "31", "0", "2018", "9999", "99999999999999999999", "yesterday",
        "today", "tomorrow", "two months later", "the next day", "between", "and", "to", "-", "/", "17/09/2018",
        "2018-02-30", "February 30", "30th", "last year", "ago", "\n", "\n\n", ".", '"', "’s", "’", "İ", "ı", "ß",
        "ﬁ", "\u0301", "\x00", "\x1b", "\u202e", "\ufeff", "🙂", "Ankara", "in Ankara", "Manbij road map",
    ]
)  # fmt: skip
ARTICLE = st.one_of(
    st.text(max_size=2000),
    st.lists(WORDS, max_size=400).map(" ".join),
    st.lists(st.one_of(WORDS, st.text(max_size=8)), max_size=300).map("".join),
)
PUBLISHED = st.one_of(st.none(), st.dates(min_value=dt.date(1, 1, 1), max_value=dt.date(9999, 12, 31)))


def check_events(text, events):
    for event in events:
        assert 0 <= event.char_start <= event.char_end <= len(text)
        assert text[event.char_start : event.char_end] == event.sentence
        assert text[event.date_char_start : event.date_char_end] == event.date_text
        assert 0 < len(event.title) <= 300
        assert event.actors or event.places or event.agreements


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=ARTICLE, published=PUBLISHED)
def test_it_never_crashes_on_adversarial_text(text, published):
    check_events(text, extract_events(text, published, GAZETTEER))


@settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(
    chunk=st.lists(WORDS, min_size=20, max_size=60).map(" ".join),
    published=PUBLISHED,
)
def test_it_handles_100_kb_articles_and_very_long_lines_in_well_under_a_second(chunk, published):
    text = (chunk * (100_000 // max(len(chunk), 1) + 1))[:100_000].replace("\n", " ")
    started = time.process_time()
    check_events(text, extract_events(text, published, GAZETTEER))
    # A generous bound (the pipeline takes a few tens of milliseconds): it catches runaway
    # backtracking, not a slow machine.
    assert time.process_time() - started < 1.0
