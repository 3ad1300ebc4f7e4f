import datetime as dt
import threading
from unittest import mock

import pytest
from django.db import OperationalError, connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tests.factories import make_actor, make_agreement, make_article, make_event, make_place
from tracker.extract.partial_date import PartialDate
from tracker.extract.types import CandidateEvent
from tracker.models import Article, Event, EventAgreement, EventSource
from tracker.parse import article_enqueue, article_parse, articles_requeue_stuck

pytestmark = pytest.mark.django_db

BODY = (
    "Turkey and Russia met in Sochi on 17 September 2018. "
    "They signed the Sochi agreement on 17 September 2018. "
    "Iran was not there."
)


def make_candidate(body, sentence, date_text, date, *, actors=(), places=(), agreements=(), kind="meeting"):
    """Build the candidate the pipeline would return for `sentence` of `body`."""
    start = body.index(sentence)
    date_start = start + sentence.index(date_text)
    return CandidateEvent(
        date=PartialDate.parse(date),
        date_end=None,
        kind=kind,
        title=sentence[:60],
        actors=[a.pk for a in actors],
        places=[p.pk for p in places],
        agreements=[a.pk for a in agreements],
        sentence=sentence,
        char_start=start,
        char_end=start + len(sentence),
        date_text=date_text,
        date_char_start=date_start,
        date_char_end=date_start + len(date_text),
    )


@pytest.fixture
def extractor(monkeypatch):
    """Replace the text pipeline: the test sets `extractor.candidates[body]`."""

    class Fake:
        candidates: dict = {}
        calls = 0

        def __call__(self, text, published, gazetteer):
            self.calls += 1
            return list(self.candidates.get(text, []))

    fake = Fake()
    fake.candidates = {}
    monkeypatch.setattr("tracker.extract.pipeline.extract_events", fake)
    monkeypatch.setattr("tracker.gazetteer.current_gazetteer", lambda: None)
    return fake


@pytest.fixture
def world():
    turkey, russia, iran = make_actor("Turkey"), make_actor("Russia"), make_actor("Iran")
    sochi = make_place("Sochi")
    agreement = make_agreement("Sochi agreement")
    return turkey, russia, iran, sochi, agreement


def sochi_candidates(body, world):
    turkey, russia, _iran, sochi, agreement = world
    return [
        make_candidate(
            body,
            "Turkey and Russia met in Sochi on 17 September 2018.",
            "17 September 2018",
            "2018-09-17",
            actors=[turkey, russia],
            places=[sochi],
        ),
        make_candidate(
            body,
            "They signed the Sochi agreement on 17 September 2018.",
            "17 September 2018",
            "2018-09-17",
            agreements=[agreement],
            kind="agreement_signed",
        ),
    ]


def test_it_writes_candidate_events_with_sources_and_offsets(extractor, world):
    turkey, russia, iran, sochi, agreement = world
    article = make_article(BODY)
    extractor.candidates[BODY] = [
        make_candidate(
            BODY,
            "Turkey and Russia met in Sochi on 17 September 2018.",
            "17 September 2018",
            "2018-09-17",
            actors=[turkey, russia],
            places=[sochi],
        ),
        make_candidate(
            BODY,
            "They signed the Sochi agreement on 17 September 2018.",
            "September 2018",
            "2018-09",
            agreements=[agreement],
            kind="agreement_signed",
        ),
    ]
    result = article_parse(article.pk)

    assert (result.events, result.merged, result.sources, result.error) == (2, 0, 2, "")
    meeting = Event.objects.get(precision="day")
    assert meeting.status == Event.Status.CANDIDATE and meeting.kind == Event.Kind.MEETING
    assert meeting.date_start == dt.date(2018, 9, 17) and meeting.date_last == dt.date(2018, 9, 17)
    assert set(meeting.actors.all()) == {turkey, russia} and list(meeting.places.all()) == [sochi]
    source = meeting.sources.get()
    assert source.article == article and source.extracted
    assert BODY[source.char_start : source.char_end] == source.sentence
    assert BODY[source.date_char_start : source.date_char_end] == source.date_text == "17 September 2018"
    signing = Event.objects.get(precision="month")
    assert signing.date_last == dt.date(2018, 9, 30)  # derived fields are set despite bulk_create
    assert signing.agreement_links.get().relation == EventAgreement.Relation.SIGNS
    assert signing.history.count() == 1  # the history row exists for bulk-created events
    article.refresh_from_db()
    assert article.status == Article.Status.PARSED and article.parsed_at and article.attempts == 1
    assert article.error == ""


def test_it_writes_an_article_in_a_handful_of_queries(extractor, world):
    turkey, russia, iran, sochi, agreement = world
    body = " ".join(f"Turkey and Russia met in Sochi on {day} March 2019 about item {day}." for day in range(1, 29))
    article = make_article(body)
    extractor.candidates[body] = [
        make_candidate(
            body,
            f"Turkey and Russia met in Sochi on {day} March 2019 about item {day}.",
            f"{day} March 2019",
            f"2019-03-{day:02d}",
            actors=[turkey, russia, iran][: 1 + day % 3],
            places=[sochi],
            agreements=[agreement] if day % 2 else [],
        )
        for day in range(1, 29)
    ]
    with CaptureQueriesContext(connection) as queries:
        result = article_parse(article.pk)
    assert result.events == 28 and Event.objects.count() == 28
    # claim, read attempt, read article, (savepoint), fence article, synchronous_commit, advisory locks,
    # own sources, matching pool, events, history, actors, agreements, places, sources, mark parsed,
    # (release): the same count for 1 event or 1,000.
    assert len(queries) <= 17, "\n".join(q["sql"][:120] for q in queries.captured_queries)


def test_it_merges_a_candidate_into_a_matching_event_as_another_source(extractor, world):
    turkey, russia, iran, sochi, agreement = world
    existing = make_event("2018-09-17", actors=[turkey, russia], status=Event.Status.PUBLISHED, sentence="Elsewhere.")
    article = make_article(BODY)
    extractor.candidates[BODY] = sochi_candidates(BODY, world)[:1]
    result = article_parse(article.pk)
    assert (result.events, result.merged) == (0, 1)
    assert Event.objects.count() == 1
    assert existing.sources.filter(article=article).count() == 1
    existing.refresh_from_db()
    assert existing.status == Event.Status.PUBLISHED


def test_it_merges_candidates_of_one_article_that_describe_one_event(extractor, world):
    turkey, russia, iran, sochi, agreement = world
    body = "Turkey and Russia met on 5 May 2019. On 5 May 2019, Russia and Turkey also talked about Idlib."
    article = make_article(body)
    extractor.candidates[body] = [
        make_candidate(
            body, "Turkey and Russia met on 5 May 2019.", "5 May 2019", "2019-05-05", actors=[turkey, russia]
        ),
        make_candidate(
            body,
            "On 5 May 2019, Russia and Turkey also talked about Idlib.",
            "5 May 2019",
            "2019-05-05",
            actors=[russia, turkey, iran],
            places=[sochi],
        ),
    ]
    result = article_parse(article.pk)
    event = Event.objects.get()
    assert (result.events, result.sources) == (1, 2)
    assert set(event.actors.all()) == {turkey, russia, iran} and list(event.places.all()) == [sochi]


def test_it_keeps_different_events_apart(extractor, world):
    turkey, russia, iran, sochi, agreement = world
    other_place = make_place("Ankara")
    make_event("2018-09-17", actors=[turkey, russia, iran], places=[other_place], status=Event.Status.CANDIDATE)
    make_event("2018-09", actors=[turkey, russia], status=Event.Status.CANDIDATE)  # same month, other precision
    make_event("2018-09-17", actors=[turkey, iran], status=Event.Status.CANDIDATE)  # shares only one of two
    article = make_article(BODY)
    extractor.candidates[BODY] = sochi_candidates(BODY, world)[:1]
    result = article_parse(article.pk)
    assert (result.events, result.merged) == (1, 0)


def test_it_never_adds_the_same_source_twice(extractor, world):
    turkey, russia, *_ = world
    article = make_article(BODY)
    extractor.candidates[BODY] = sochi_candidates(BODY, world)[:1] * 2
    article_parse(article.pk)
    assert EventSource.objects.count() == 1
    event = Event.objects.get()
    event.status = Event.Status.PUBLISHED
    event.save()
    article_enqueue(article)
    result = article_parse(article.pk)
    assert (result.events, result.merged, result.sources) == (0, 0, 0)
    assert EventSource.objects.count() == 1


def test_it_replaces_its_own_candidates_when_parsed_again(extractor, world):
    turkey, russia, iran, sochi, agreement = world
    article = make_article(BODY)
    meeting, signing = sochi_candidates(BODY, world)
    extractor.candidates[BODY] = [meeting, signing]
    article_parse(article.pk)
    published = Event.objects.get(kind=Event.Kind.MEETING)
    published.status = Event.Status.PUBLISHED
    published.save()
    old_signing = Event.objects.get(kind=Event.Kind.AGREEMENT_SIGNED)
    shared = make_event("2019-01-01", actors=[iran], status=Event.Status.CANDIDATE, sentence="Other article.")
    EventSource.objects.create(event=shared, article=article, sentence="Iran was not there.", char_start=0, char_end=5)
    editor_source = EventSource.objects.create(
        event=old_signing, article=article, sentence="Added by hand.", char_start=1, char_end=2, extracted=False
    )

    iran_sentence = make_candidate(BODY, "Iran was not there.", "there", "2018-09-18", actors=[iran])
    extractor.candidates[BODY] = [meeting, iran_sentence]
    assert article_enqueue(article)
    result = article_parse(article.pk)

    # The meeting's sentence already supports the published event: nothing new to add there.
    assert (result.events, result.merged, result.sources, result.replaced) == (1, 0, 1, 0)
    assert Event.objects.filter(pk=published.pk, status=Event.Status.PUBLISHED).exists()
    assert published.sources.count() == 1  # kept, and not doubled
    assert EventSource.objects.filter(pk=editor_source.pk).exists()  # hand-added sources stay
    assert Event.objects.filter(pk=old_signing.pk).exists()  # it still has the hand-added source
    assert not old_signing.sources.filter(extracted=True).exists()
    shared.refresh_from_db()
    assert shared.sources.count() == 1  # the other article's source stays, this one's went
    assert Event.objects.filter(date_start=dt.date(2018, 9, 18), status=Event.Status.CANDIDATE).count() == 1


def test_it_deletes_its_own_candidates_left_without_sources(extractor, world):
    article = make_article(BODY)
    extractor.candidates[BODY] = sochi_candidates(BODY, world)
    article_parse(article.pk)
    rejected = Event.objects.get(kind=Event.Kind.AGREEMENT_SIGNED)
    rejected.status = Event.Status.REJECTED
    rejected.save()
    extractor.candidates[BODY] = []
    article_enqueue(article)
    result = article_parse(article.pk)
    assert result.replaced == 1
    assert list(Event.objects.all()) == [rejected]  # the candidate went, the rejected event stayed
    assert rejected.sources.count() == 1


def test_it_leaves_nothing_half_written_when_the_database_fails_mid_write(extractor, world):
    article = make_article(BODY)
    extractor.candidates[BODY] = sochi_candidates(BODY, world)
    with mock.patch(
        "tracker.parse.EventSource.objects.bulk_create", side_effect=OperationalError("server closed the connection")
    ):
        with pytest.raises(OperationalError):
            article_parse(article.pk)
    assert not Event.objects.exists() and not EventSource.objects.exists()
    article.refresh_from_db()
    assert article.status == Article.Status.QUEUED  # released for the retry
    assert "server closed the connection" in article.error
    result = article_parse(article.pk)
    assert result.events == 2 and EventSource.objects.count() == 2


def test_it_records_a_permanent_error_on_the_article(extractor):
    article = make_article(BODY)
    extractor.candidates = mock.Mock(get=mock.Mock(side_effect=ValueError("the pipeline broke")))
    result = article_parse(article.pk)
    assert result.error == "ValueError: the pipeline broke"
    article.refresh_from_db()
    assert article.status == Article.Status.FAILED and article.error == "ValueError: the pipeline broke"


def test_it_skips_a_missing_article_quietly(extractor):
    assert article_parse(987654) is None
    assert extractor.calls == 0


def test_it_does_not_parse_an_article_a_worker_holds(extractor):
    article = make_article(BODY)
    assert Article.objects.claim(article.pk, stale_after=dt.timedelta(minutes=1)) == 1
    assert article_parse(article.pk) is None
    assert extractor.calls == 0
    assert not article_enqueue(article)  # nor queue it again while it is parsed


def test_only_one_of_two_claims_wins():
    article = make_article(BODY, status=Article.Status.QUEUED)
    stale_after = dt.timedelta(minutes=1)
    assert Article.objects.claim(article.pk, stale_after=stale_after) == 1
    assert Article.objects.claim(article.pk, stale_after=stale_after) is None
    # A claim older than stale_after belongs to a dead worker: it may be taken, with a new attempt number.
    Article.objects.filter(pk=article.pk).update(status_changed_at=timezone.now() - dt.timedelta(minutes=2))
    assert Article.objects.claim(article.pk, stale_after=stale_after) == 2
    assert not Article.objects.claimed(article.pk, 1).exists()


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_only_one_of_many_racing_claims_wins():
    article = make_article(BODY, status=Article.Status.QUEUED)
    barrier, wins = threading.Barrier(8), []

    def claim():
        try:
            barrier.wait(timeout=10)
            wins.append(Article.objects.claim(article.pk, stale_after=dt.timedelta(minutes=1)))
        finally:
            connection.close()

    threads = [threading.Thread(target=claim) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=20)
    assert sorted(wins, key=lambda w: w or 0) == [None] * 7 + [1]


def test_a_write_after_the_claim_was_taken_over_lands_nowhere(extractor, world, settings):
    article = make_article(BODY)
    extractor.candidates[BODY] = sochi_candidates(BODY, world)

    def taken_over(*args, **kwargs):
        # While this parse was slow, its claim expired and another worker took the article.
        Article.objects.filter(pk=article.pk).update(attempts=5)

    with mock.patch("tracker.parse._test_delay", side_effect=taken_over):
        assert article_parse(article.pk) is None
    assert not Event.objects.exists()


def test_it_requeues_stuck_articles_and_gives_up_on_hopeless_ones(settings, django_capture_on_commit_callbacks):
    old = timezone.now() - settings.ARTICLE_STUCK_AFTER - dt.timedelta(seconds=1)
    waiting = make_article("Waiting in the queue.", status=Article.Status.QUEUED)
    dead = make_article("Held by a dead worker.", status=Article.Status.PARSING, attempts=1)
    hopeless = make_article("Killed every time.", status=Article.Status.PARSING, attempts=settings.PARSE_MAX_ATTEMPTS)
    never_sent = make_article("Stored by another path.")
    fresh = make_article("Just queued.", status=Article.Status.QUEUED)
    Article.objects.exclude(pk=fresh.pk).update(status_changed_at=old)
    with mock.patch("tracker.tasks.parse_article.delay") as delay:
        with django_capture_on_commit_callbacks(execute=True):
            report = articles_requeue_stuck()
    assert (report.requeued, report.given_up) == (3, 1)
    assert sorted(call.args[0] for call in delay.call_args_list) == sorted([waiting.pk, dead.pk, never_sent.pk])
    statuses = dict(Article.objects.values_list("pk", "status"))
    assert statuses[dead.pk] == statuses[waiting.pk] == statuses[never_sent.pk] == Article.Status.QUEUED
    assert statuses[hopeless.pk] == Article.Status.FAILED
    assert "Gave up after" in Article.objects.get(pk=hopeless.pk).error
    with mock.patch("tracker.tasks.parse_article.delay") as delay:
        with django_capture_on_commit_callbacks(execute=True):
            assert articles_requeue_stuck().requeued == 0  # each is sent at most once per ARTICLE_STUCK_AFTER


def test_it_parses_with_the_real_pipeline(world):
    turkey, russia, iran, sochi, agreement = world
    article = make_article(BODY, published=dt.date(2018, 9, 18))
    result = article_parse(article.pk)
    assert result.error == "" and result.events >= 1
    meeting = Event.objects.get(date_start=dt.date(2018, 9, 17), precision="day", actors=turkey)
    assert {turkey, russia} <= set(meeting.actors.all())
    for source in EventSource.objects.filter(article=article):
        assert BODY[source.char_start : source.char_end] == source.sentence
