"""Hostile and malformed input to ingestion: a clear IngestError or a stored article, never a crash.

Property tests (hypothesis) throw random Unicode, control characters, very
long lines, huge numbers, nonsense dates and bad bytes at `article_ingest`
and `ingest_bytes`; targeted tests cover what random data rarely reaches:
deep nesting, entity bombs, external entities and oversized records.
"""

import json
import time

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tracker.ingest import IngestError, IngestReport, article_ingest, clean_published, ingest_bytes
from tracker.models import Article

pytestmark = pytest.mark.django_db

# Hypothesis reuses the function-scoped database across examples: rows pile up, which is fine here.
PROPERTY = settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.data_too_large],
)

# A coarse bound that catches runaway parsing, not a slow machine: 2 s per 100 KB, and 2 s at least.
SECONDS_PER_100_KB = 2.0


def time_bound(size_in_bytes: int) -> float:
    return max(SECONDS_PER_100_KB, SECONDS_PER_100_KB * size_in_bytes / 100_000)


NONSENSE_DATES = st.sampled_from(
    [
        "32 Febtember 99999",
        "2019-02-30",
        "2019-13-01",
        "0000-00-00",
        "99999-01-01",
        "-1-01-01",
        "1e999",
        "NaN",
        "inf",
        "yesterday",
        "Mon, 32 Foo 2019 25:61:61 +9999",
        "2019-02-13T25:00:00",
        "9" * 5000,
        "\x00\x01",
        "",
        " ",
        "١٤٤٥-٠١-٠١",
    ]
)
DATES = st.one_of(
    NONSENSE_DATES,
    st.text(max_size=40),
    st.dates().map(str),
    st.integers(min_value=-(10**30), max_value=10**30),
    st.floats(allow_nan=True, allow_infinity=True),
    st.none(),
)
CONTROL = st.characters(min_codepoint=0, max_codepoint=31) | st.sampled_from("\x7f\u200b\u202e\ufeff\ud7ff\uffff")
HOSTILE_TEXT = st.one_of(
    st.text(max_size=3000),
    st.text(alphabet=CONTROL | st.characters(), max_size=500),
    st.text(alphabet="ab \n", min_size=1, max_size=20).map(lambda s: s * 2000),  # very long lines
    st.builds(
        lambda n: "Turkey met Russia on " + str(n) + " March " + str(n), st.integers(min_value=0, max_value=10**60)
    ),
)
ANY_VALUE = st.one_of(
    st.none(),
    st.text(max_size=300),
    st.integers(),
    st.floats(),
    st.booleans(),
    st.lists(st.integers(), max_size=3),
    st.dictionaries(st.text(max_size=5), st.integers(), max_size=2),
)
URLS = st.one_of(
    st.none(),
    st.just(""),
    st.text(max_size=80),
    st.sampled_from(
        [
            "javascript:alert(1)",
            "data:text/html,<script>alert(1)</script>",
            "file:///etc/passwd",
            "http://",
            "https://example.org/" + "a" * 3000,
            "https://exa mple.org/",
            "https://example.org/\x00",
            "//example.org/x",
        ]
    ),
    st.builds(lambda path: f"https://example.org/{path}", st.text(max_size=40)),
)


def assert_stored_sanely(article: Article):
    article.refresh_from_db()
    assert article.body and article.body == article.body.strip()
    assert "\x00" not in article.body and "\x00" not in article.title
    assert len(article.title) <= 500 and len(article.publisher) <= 200
    assert article.url is None or article.url.startswith(("http://", "https://"))


# --- One article -----------------------------------------------------------------------


@PROPERTY
@given(body=HOSTILE_TEXT, title=ANY_VALUE, published=DATES, url=URLS, publisher=ANY_VALUE, is_html=st.booleans())
def test_it_stores_an_article_or_says_why_not(body, title, published, url, publisher, is_html):
    started = time.perf_counter()
    try:
        result = article_ingest(
            body=body, title=title, published=published, url=url, publisher=publisher, is_html=is_html
        )
    except IngestError as error:
        assert str(error).strip(), "an IngestError must say what is wrong"
    else:
        assert_stored_sanely(result.article)
    assert time.perf_counter() - started < time_bound(len(str(body).encode("utf-8", "surrogatepass")))


@PROPERTY
@given(value=DATES)
def test_it_reads_a_publication_date_or_names_the_bad_value(value):
    try:
        day = clean_published(value)
    except IngestError as error:
        assert "date" in str(error).lower()
    else:
        assert day is None or 1900 <= day.year <= 9999


@pytest.mark.parametrize("value", ["32 Febtember 99999", "2019-02-30", "99999-01-01", "9" * 5000, "1e999"])
def test_it_refuses_nonsense_dates_with_the_value_in_the_message(value):
    with pytest.raises(IngestError, match="date"):
        article_ingest(body="Turkey and Russia met in Sochi.", published=value)
    assert not Article.objects.exists()


@pytest.mark.parametrize("url", ["javascript:alert(1)", "data:text/html,x", "file:///etc/passwd", "ftp://x.org/a"])
def test_it_refuses_links_that_are_not_web_addresses(url):
    with pytest.raises(IngestError, match="URL"):
        article_ingest(body="Turkey and Russia met in Sochi.", url=url)


def test_it_refuses_an_oversized_article_naming_the_limit(settings):
    settings.ARTICLE_MAX_BYTES = 10_000
    with pytest.raises(IngestError, match="ARTICLE_MAX_BYTES"):
        article_ingest(body="x" * 10_001)
    assert not Article.objects.exists()


def test_it_stores_100_kb_of_one_line_in_bounded_time():
    body = ("Turkey and Russia met in Sochi on 17 September 2018 " * 2000)[:100_000]
    started = time.perf_counter()
    article_ingest(body=body)
    assert time.perf_counter() - started < time_bound(100_000)


# --- Deep nesting, entity bombs, external entities ---------------------------------------

NESTED_HTML = "<div>" * 5000 + "<p>Turkey and Russia met in Sochi on Monday.</p>" + "</div>" * 5000


def test_it_reads_or_refuses_deeply_nested_html():
    started = time.perf_counter()
    try:
        result = article_ingest(body=NESTED_HTML, is_html=True)
    except IngestError as error:
        assert "nest" in str(error).lower()
    else:
        assert "Turkey and Russia met in Sochi" in result.article.body
    assert time.perf_counter() - started < time_bound(len(NESTED_HTML))


def test_it_keeps_the_other_files_records_when_one_html_record_is_nested_too_deeply():
    data = "\n".join(
        [
            json.dumps({"text": "Turkey and Russia met in Sochi on Monday."}),
            json.dumps({"html": NESTED_HTML}),
            json.dumps({"text": "Iran joined the talks in Astana on Tuesday."}),
        ]
    ).encode()
    report = ingest_bytes("mixed.jsonl", data)
    assert report.created >= 2


@pytest.mark.parametrize(
    "bad_line",
    [
        b"[" * 100_000 + b"]" * 100_000,
        b'{"text": "Number soup", "id": ' + b"9" * 5000 + b"}",
        b'{"text": "Number soup", "published": ' + b"9" * 5000 + b"}",
    ],
    ids=["nested", "huge-id", "huge-date"],
)
def test_it_reports_a_pathological_json_line_and_keeps_the_others(bad_line):
    data = b"\n".join(
        [
            json.dumps({"text": "Turkey and Russia met in Sochi on Monday."}).encode(),
            bad_line,
            json.dumps({"text": "Iran joined the talks in Astana on Tuesday."}).encode(),
        ]
    )
    report = ingest_bytes("batch.jsonl", data)
    assert report.created == 2
    assert [where for where, _ in report.failed] == ["batch.jsonl:2"]


def test_it_refuses_a_deeply_nested_json_file_with_a_reason():
    report = ingest_bytes("deep.json", b"[" * 100_000 + b"]" * 100_000)
    assert report.created == 0
    assert report.failed and "JSON" in report.failed[0][1]


BILLION_LAUGHS = (
    b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
    + b"".join(
        b'<!ENTITY lol%d "%s">' % (level, (b"&lol%d;" % (level - 1) if level > 2 else b"&lol;") * 10)
        for level in range(2, 10)
    )
    + b']><rss version="2.0"><channel><title>Feed</title><item><title>Bomb</title>'
    b"<description>&lol9; and a sentence about Turkey.</description></item></channel></rss>"
)


def test_it_does_not_expand_an_entity_bomb_in_a_feed():
    started = time.perf_counter()
    report = ingest_bytes("bomb.rss", BILLION_LAUGHS)
    elapsed = time.perf_counter() - started
    assert isinstance(report, IngestReport)
    # A billion "lol"s would take gigabytes; whatever was stored is small.
    assert all(len(article.body) < 10_000 for article in report.articles)
    assert elapsed < 10, elapsed


def test_it_does_not_read_local_files_through_external_entities(tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET-CONTENT")
    feed = (
        f'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY xxe SYSTEM "file://{secret}">]>'
        '<rss version="2.0"><channel><title>Feed</title><item><title>Leak</title>'
        "<description>Turkey said &xxe; on Monday in Ankara.</description></item></channel></rss>"
    ).encode()
    report = ingest_bytes("xxe.rss", feed)
    assert not [article for article in report.articles if "TOP-SECRET" in article.body + article.title]


# --- Whole files ---------------------------------------------------------------------------

GOOD_RECORD = st.builds(
    lambda n, words: {"text": f"Record {n}: Turkey and Russia met in Sochi. {words}", "title": f"Story {n}"},
    st.integers(min_value=0, max_value=10**9),
    st.text(alphabet=st.characters(codec="utf-8", exclude_categories=["Cs", "Cc"]), max_size=60),
)
BAD_LINE = st.one_of(
    st.binary(min_size=1, max_size=200).filter(lambda b: b.strip() and b"\n" not in b),
    st.sampled_from(
        [
            b"{",
            b"[1, 2]",
            b'"just a string"',
            b"null",
            b'{"title": "no text"}',
            b'{"text": 42}',
            b'{"text": ""}',
            b'{"text": "x", "published": "32 Febtember 99999"}',
            b'{"text": "y", "url": "javascript:alert(1)"}',
            b"\xff\xfe\xfd",
            b"\xc3\x28",
        ]
    ),
)


@PROPERTY
@given(lines=st.lists(st.one_of(GOOD_RECORD, BAD_LINE), min_size=1, max_size=15))
def test_it_keeps_the_good_lines_of_a_jsonl_batch_and_names_each_bad_one(lines):
    encoded = [json.dumps(line).encode() if isinstance(line, dict) else line for line in lines]
    good = {line["text"].strip() for line in lines if isinstance(line, dict)}
    report = ingest_bytes("batch.jsonl", b"\n".join(encoded))
    assert good <= {article.body for article in report.articles}
    for where, reason in report.failed:
        assert where.startswith("batch.jsonl:") and reason.strip()
    assert report.created + report.duplicates + len(report.failed) >= len(good)


@PROPERTY
@given(
    name=st.sampled_from(["a.txt", "a.html", "a.json", "a.jsonl", "a.rss", "a.atom", "a.xml", "noext", "a.exe"]),
    data=st.one_of(
        st.binary(max_size=3000),
        st.text(max_size=3000).map(lambda s: s.encode("utf-8", "surrogatepass")),
        st.sampled_from(
            [
                b"",
                b"\x00" * 1000,
                b"<rss><channel><item>",
                b'<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom"><entry>',
                b"<html><body>" + b"<b>" * 300 + b"text",
                b'{"text": "x"' * 200,
                b"\xef\xbb\xbf" + b'{"text": "With a byte order mark, Turkey met Russia."}',
            ]
        ),
    ),
)
def test_it_reports_on_any_file_instead_of_crashing(name, data):
    started = time.perf_counter()
    report = ingest_bytes(name, data)
    assert isinstance(report, IngestReport)
    assert report.created + report.duplicates + len(report.failed) >= 1 or not data.strip()
    for where, reason in report.failed:
        assert where and reason.strip()
    for article in report.articles:
        assert_stored_sanely(article)
    assert time.perf_counter() - started < time_bound(len(data))


def test_it_names_the_oversized_line_of_a_batch_and_keeps_the_rest(settings):
    settings.ARTICLE_MAX_BYTES = 5_000
    data = b"\n".join(
        [
            json.dumps({"text": "Turkey and Russia met in Sochi on Monday."}).encode(),
            json.dumps({"text": "word " * 2_000}).encode(),
            json.dumps({"text": "Iran joined the talks in Astana on Tuesday."}).encode(),
        ]
    )
    report = ingest_bytes("big.jsonl", data)
    assert report.created == 2
    [(where, reason)] = report.failed
    assert where == "big.jsonl:2" and "ARTICLE_MAX_BYTES" in reason
