import datetime as dt
from pathlib import Path
from unittest import mock

import pytest
from django.utils import timezone
from kombu.exceptions import OperationalError as BrokerError

from tests.factories import make_user
from tracker import parse
from tracker.ingest import IngestError, article_ingest, ingest_bytes
from tracker.models import Article

DATA = Path(__file__).parent / "data" / "ingest"
TEXT = "Turkey and Russia met in Sochi on 17 September 2018. They discussed Idlib."

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def queue_up():
    """Start each test with the queue's circuit closed."""
    parse._queue_down_until = 0.0
    yield
    parse._queue_down_until = 0.0


@pytest.fixture
def sent():
    """Record parse tasks sent instead of running them."""
    with mock.patch("tracker.tasks.parse_article.delay") as delay:
        yield delay


def read(name):
    return (DATA / name).read_bytes()


# --- One article -------------------------------------------------------------------


def test_it_stores_an_article_queued(sent, django_capture_on_commit_callbacks):
    user = make_user("Editor")
    with django_capture_on_commit_callbacks(execute=True):
        result = article_ingest(
            body=f"  {TEXT}  ",
            title="Sochi talks",
            published="2018-09-18",
            url="https://example.org/sochi",
            publisher="Example",
            external_id="x1",
            submitted_by=user,
        )
    article = Article.objects.get()
    assert result.created and result.article == article
    assert article.body == TEXT
    assert article.status == Article.Status.QUEUED
    assert article.published == dt.date(2018, 9, 18) and not article.published_estimated
    assert (article.url, article.publisher, article.external_id, article.submitted_by) == (
        "https://example.org/sochi",
        "Example",
        "x1",
        user,
    )
    sent.assert_called_once_with(article.pk)
    assert "queued for parsing" in result.message


def test_it_enqueues_only_after_commit(sent, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        article_ingest(body=TEXT)
        assert not sent.called
    assert len(callbacks) == 1


def test_it_returns_the_same_article_for_the_same_text(sent):
    first = article_ingest(body=TEXT)
    second = article_ingest(body=TEXT.replace(" ", "  ") + "\n", title="Other title")
    assert not second.created and second.article.pk == first.article.pk
    assert second.duplicate_of == "text"
    assert "Already stored" in second.message and str(first.article.pk) in second.message
    assert Article.objects.count() == 1


def test_it_returns_the_same_article_for_the_same_url(sent):
    first = article_ingest(body=TEXT, url="https://example.org/a")
    second = article_ingest(body="A corrected text about Idlib.", url="https://example.org/a")
    assert not second.created and second.article.pk == first.article.pk
    assert second.duplicate_of == "url"
    assert Article.objects.count() == 1


def test_it_keeps_one_article_when_a_concurrent_insert_wins(sent):
    first = article_ingest(body=TEXT)
    # The lookup misses (as if the other insert had not committed yet); the unique index catches it.
    with mock.patch("tracker.ingest._existing", side_effect=[None, parse_result_for(first.article)]):
        second = article_ingest(body=TEXT)
    assert not second.created and second.article.pk == first.article.pk
    assert Article.objects.count() == 1


def parse_result_for(article):
    from tracker.ingest import IngestResult

    return IngestResult(article=article, created=False, duplicate_of="text")


def test_it_uses_the_ingestion_day_when_there_is_no_date(sent):
    article = article_ingest(body=TEXT).article
    assert article.published == timezone.localdate()
    assert article.published_estimated


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2019-02-13", dt.date(2019, 2, 13)),
        ("2019-02-13T23:10:00+02:00", dt.date(2019, 2, 13)),
        ("2019-02-13 08:00:00", dt.date(2019, 2, 13)),
        ("Wed, 13 Feb 2019 09:30:00 GMT", dt.date(2019, 2, 13)),
        (dt.datetime(2019, 2, 13, 5, 0), dt.date(2019, 2, 13)),
        (dt.date(2019, 2, 13), dt.date(2019, 2, 13)),
    ],
)
def test_it_reads_publication_dates(sent, value, expected):
    assert article_ingest(body=TEXT, published=value).article.published == expected


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"body": ""}, "no text"),
        ({"body": " \n\t "}, "no text"),
        ({"body": None}, "must be a string"),
        ({"body": TEXT, "published": "13/02/2019"}, "Bad publication date '13/02/2019'"),
        ({"body": TEXT, "published": "2019-02-30"}, "Bad publication date"),
        ({"body": TEXT, "published": "1850-01-01"}, "between 1900 and tomorrow"),
        ({"body": TEXT, "published": "2999-01-01"}, "between 1900 and tomorrow"),
        ({"body": TEXT, "url": "not a url"}, "Bad URL 'not a url'"),
        ({"body": TEXT, "url": "javascript:alert(1)"}, "http:// or https://"),
        ({"body": TEXT, "url": "ftp://example.org/a"}, "http:// or https://"),
        ({"body": TEXT, "url": "https://example.org/" + "a" * 2000}, "over the limit of 2000"),
    ],
)
def test_it_rejects_bad_input_with_a_clear_message(sent, kwargs, message):
    with pytest.raises(IngestError, match=message.replace("(", r"\(").replace("/", "/")):
        article_ingest(**kwargs)
    assert not Article.objects.exists()
    assert not sent.called


def test_it_rejects_text_over_the_size_limit(sent, settings):
    settings.ARTICLE_MAX_BYTES = 100
    with pytest.raises(IngestError, match=r"101 bytes, over the limit of 100 bytes"):
        article_ingest(body="é" * 50 + "x")
    assert article_ingest(body="é" * 50).created


def test_it_drops_control_characters_postgres_cannot_store(sent):
    article = article_ingest(body="Idlib\x00 talks\r\non 1 March 2019.\x07").article
    assert article.body == "Idlib talks\non 1 March 2019."


def test_it_cleans_html_and_reads_its_head(sent):
    result = article_ingest(body=read("page.html").decode(), is_html=True)
    article = result.article
    assert article.title == "Turkey and Russia hold talks on Idlib"
    assert article.url == "https://news.example.org/2019/02/13/idlib-talks"
    assert article.published == dt.date(2019, 2, 13) and not article.published_estimated
    assert article.publisher == "Levant Wire"
    assert "Hayat Tahrir al-Sham" in article.body
    for noise in ("tracking", "Subscribe", "Copyright", "Home", "Read more", "Breadcrumbs", "color: red"):
        assert noise not in article.body


def test_it_lets_explicit_fields_win_over_the_html_head(sent):
    article = article_ingest(
        body=read("page.html").decode(), is_html=True, title="Mine", published="2019-02-14", url=None
    ).article
    assert article.title == "Mine" and article.published == dt.date(2019, 2, 14)


# --- The queue being down --------------------------------------------------------------


def test_it_keeps_the_article_queued_and_says_so_when_the_queue_is_down(django_capture_on_commit_callbacks):
    with mock.patch("tracker.tasks.parse_article.delay", side_effect=BrokerError("Error 111 connecting")) as delay:
        with django_capture_on_commit_callbacks(execute=True):
            result = article_ingest(body=TEXT)
    delay.assert_called_once()
    assert result.created
    assert Article.objects.get().status == Article.Status.QUEUED
    assert "queue is unreachable" in result.message and "parsed once" in result.message


def test_it_stops_trying_the_queue_for_a_while_after_it_failed(django_capture_on_commit_callbacks):
    with mock.patch("tracker.tasks.parse_article.delay", side_effect=BrokerError("down")) as delay:
        with django_capture_on_commit_callbacks(execute=True):
            report = ingest_bytes("articles.jsonl", read("articles.jsonl"))
    assert report.created == 2
    assert delay.call_count == 1  # the second article did not wait on a dead queue
    assert set(Article.objects.values_list("status", flat=True)) == {Article.Status.QUEUED}


# --- Files ---------------------------------------------------------------------------


def test_it_keeps_the_good_lines_of_a_jsonl_file_and_reports_the_bad(sent):
    report = ingest_bytes("articles.jsonl", read("articles.jsonl"))
    assert (report.created, report.duplicates) == (2, 1)
    failed = dict(report.failed)
    assert set(failed) == {"articles.jsonl:2", "articles.jsonl:5", "articles.jsonl:6", "articles.jsonl:8"}
    assert failed["articles.jsonl:2"].startswith("not valid JSON")
    assert "Bad publication date '13/02/2019'" in failed["articles.jsonl:5"]
    assert "Bad URL" in failed["articles.jsonl:6"]
    assert "expected a JSON object" in failed["articles.jsonl:8"]
    first = Article.objects.get(external_id="a1")
    assert (first.title, first.url, first.publisher, first.published) == (
        "First",
        "https://example.org/a1",
        "Example",
        dt.date(2018, 9, 18),
    )
    assert "created 2, duplicates 1, failed 4" == report.summary


def test_it_reports_bytes_that_are_not_utf8_with_the_offset(sent):
    report = ingest_bytes("latin1.txt", read("latin1.txt"))
    assert report.created == 0
    [(where, reason)] = report.failed
    assert where == "latin1.txt"
    assert "not UTF-8" in reason and "0xe9 at offset 3" in reason


def test_it_reports_a_bad_utf8_line_of_jsonl_and_keeps_the_others(sent):
    data = b'{"text": "Idlib talks one."}\n{"text": "Caf\xe9 in Idlib."}\n{"text": "Idlib talks three."}\n'
    report = ingest_bytes("batch.jsonl", data)
    assert report.created == 2
    [(where, reason)] = report.failed
    assert data[42] == 0xE9
    assert where == "batch.jsonl:2" and "0xe9 at offset 42 of the file" in reason


def test_it_reads_a_text_file_with_its_title_line(sent):
    report = ingest_bytes("note.txt", read("note.txt"))
    article = report.articles[0]
    assert report.created == 1 and article.title == "Idlib talks"
    assert article.body.startswith("Idlib talks\n\nTurkey and Russia met")
    assert article.published_estimated


def test_it_reads_an_html_file(sent):
    report = ingest_bytes("page.html", read("page.html"))
    assert report.created == 1
    assert report.articles[0].title == "Turkey and Russia hold talks on Idlib"


def test_it_reads_a_json_list(sent):
    data = b'[{"text": "Idlib talks one.", "title": "One"}, {"title": "No text"}, {"text": "Idlib talks two."}]'
    report = ingest_bytes("batch.json", data)
    assert report.created == 2
    assert report.failed == [("batch.json[2]", "the record has no 'text' field")]


def test_it_reads_an_rss_feed(sent):
    report = ingest_bytes("feed.rss", read("feed.rss"))
    assert (report.created, report.duplicates) == (2, 0)
    assert report.failed == [("feed.rss#3", "The article has no text.")]
    dated = Article.objects.get(external_id="levant-1")
    assert dated.title == "Turkey and Russia agree on Idlib patrols"
    assert dated.url == "https://news.example.org/2019/02/patrols"
    assert dated.publisher == "Levant Wire"
    assert dated.published == dt.date(2019, 2, 13) and not dated.published_estimated
    assert dated.body == "Turkey and Russia met in Sochi on 12 February 2019.\n\nThey agreed on joint patrols."
    undated = Article.objects.get(external_id="levant-2")
    assert undated.published_estimated and undated.published == timezone.localdate()


def test_it_reads_an_atom_feed(sent):
    report = ingest_bytes("feed.atom", read("feed.atom"))
    assert report.created == 2 and not report.failed
    html_entry = Article.objects.get(external_id="urn:example:monitor:1")
    assert html_entry.body == "Turkey and Russia signed the Sochi agreement on 17 September 2018."
    assert html_entry.published == dt.date(2018, 9, 18)
    assert html_entry.publisher == "Syria Monitor"
    text_entry = Article.objects.get(external_id="urn:example:monitor:2")
    assert text_entry.published == dt.date(2018, 10, 15)  # no <published>: <updated> it is
    assert text_entry.body == "The Nasib crossing reopened on 15 October 2018."


def test_it_is_idempotent_over_a_whole_file(sent):
    ingest_bytes("feed.atom", read("feed.atom"))
    again = ingest_bytes("feed.atom", read("feed.atom"))
    assert (again.created, again.duplicates) == (0, 2)
    assert Article.objects.count() == 2


def test_it_reports_a_file_that_is_not_a_feed(sent):
    report = ingest_bytes("broken.rss", b"<rss><channel><title>x</title>")
    assert report.created == 0
    [(where, reason)] = report.failed
    assert where == "broken.rss" and ("not a valid RSS" in reason or "no entries" in reason)


def test_it_sniffs_the_format_when_the_name_has_no_suffix(sent):
    assert ingest_bytes("upload", read("feed.atom")).created == 2
    assert ingest_bytes("upload", read("page.html")).created == 1
    assert ingest_bytes("upload", b'{"text": "Idlib sniffed one."}\n{"text": "Idlib sniffed two."}\n').created == 2


def test_it_ignores_a_bad_date_or_address_in_an_html_head(sent):
    html = (
        '<html><head><meta property="article:published_time" content="yesterday">'
        '<link rel="canonical" href="/relative/story"></head><body><p>Talks in Idlib.</p></body></html>'
    )
    article = article_ingest(body=html, is_html=True).article
    assert article.url is None and article.published_estimated
