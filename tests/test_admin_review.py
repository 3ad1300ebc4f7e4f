"""The review workflow in the admin: the queue, decisions, duplicates, articles."""

import datetime as dt
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.factories import make_actor, make_agreement, make_article, make_event, make_place, make_user
from tracker.models import Article, Event, EventActor, EventSource

pytestmark = pytest.mark.django_db

CANDIDATE, PUBLISHED, REJECTED = Event.Status.CANDIDATE, Event.Status.PUBLISHED, Event.Status.REJECTED
QUEUE = "admin:tracker_candidateevent_changelist"
XSS = '<script>alert(1)</script>"onmouseover=alert(2) x="'


@pytest.fixture(autouse=True)
def fresh_gazetteer(settings):
    # Rolled-back tests leave the cached version unchanged: start afresh.
    from tracker.gazetteer import bump_gazetteer_version

    bump_gazetteer_version()
    # Users are made in every test; the real hasher is slow on purpose.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def queue_ids(client, **params):
    response = client.get(reverse(QUEUE), params)
    assert response.status_code == 200
    return [event.pk for event in response.context["cl"].result_list]


def login(client, group):
    user = make_user(group)
    client.force_login(user)
    return user


def change_form_data(response):
    """Return the POST data that saves an admin change form unchanged."""
    data = {}

    def put(form, name):
        value = form[name].value()
        key = form.add_prefix(name)
        if value is None or value is False:
            return
        if value is True:
            data[key] = "on"
        elif isinstance(value, list | tuple):
            data[key] = [str(v) for v in value]
        else:
            data[key] = str(value)

    form = response.context["adminform"].form
    for name in form.fields:
        put(form, name)
    for inline in response.context.get("inline_admin_formsets", ()):
        formset = inline.formset
        for name in formset.management_form.fields:
            data[f"{formset.prefix}-{name}"] = str(formset.management_form[name].value())
        for sub in formset.forms:
            for name in sub.fields:
                put(sub, name)
    return data


@pytest.fixture
def queue():
    turkey, russia, usa = make_actor("Turkey", aliases=["Ankara"]), make_actor("Russia"), make_actor("United States")
    sochi = make_agreement("Sochi agreement")
    old = make_article("Turkey and Russia met in Sochi yesterday. Nothing else.", published=dt.date(2019, 2, 13))
    new = make_article("The United States said on Monday it would leave.", published=dt.date(2019, 10, 7))
    events = {
        "meeting": make_event(
            "2019-02-12",
            status=CANDIDATE,
            actors=[turkey, russia],
            agreements=[sochi],
            article=old,
            sentence="Turkey and Russia met in Sochi yesterday.",
        ),
        "withdrawal": make_event(
            "2019-10",
            status=CANDIDATE,
            kind=Event.Kind.WITHDRAWAL,
            actors=[usa],
            article=new,
            sentence="The United States said on Monday it would leave.",
        ),
        "year": make_event("2018", status=CANDIDATE, kind=Event.Kind.STATEMENT, actors=[turkey], article=old),
        "published": make_event(
            "2019-02-12", status=PUBLISHED, actors=[turkey, russia], article=old, sentence="Nothing else."
        ),
        "rejected": make_event("2019-02-12", status=REJECTED, actors=[turkey], article=old),
    }
    events.update(turkey=turkey, russia=russia, usa=usa, sochi=sochi, old=old, new=new)
    return events


def test_it_lists_only_candidates_newest_article_first(client, queue):
    login(client, "Editor")

    response = client.get(reverse(QUEUE))

    ids = [event.pk for event in response.context["cl"].result_list]
    assert ids[0] == queue["withdrawal"].pk
    assert set(ids) == {queue["meeting"].pk, queue["withdrawal"].pk, queue["year"].pk}
    assert "3 candidates waiting for review" in response.text


def test_it_links_to_the_public_page_only_once_published(client, queue):
    login(client, "Editor")

    def links_to_site(name):
        event = queue[name]
        html = client.get(reverse("admin:tracker_event_change", args=[event.pk])).text
        return reverse("event-detail", args=[event.pk]) in html

    assert links_to_site("published")
    assert not links_to_site("meeting")


@pytest.mark.parametrize(
    "params, expected",
    [
        ({"article": "old"}, {"meeting", "year"}),
        ({"actor": "russia"}, {"meeting"}),
        ({"actor": "Ankara"}, {"meeting", "year"}),  # an alias finds the actor
        ({"agreement": "Sochi"}, {"meeting"}),
        ({"kind__exact": "withdrawal"}, {"withdrawal"}),
        ({"precision__exact": "year"}, {"year"}),
        ({"date_from": "2019-02", "date_to": "2019-02"}, {"meeting"}),
        ({"date_from": "2019-09-15"}, {"withdrawal"}),  # the month overlaps
        ({"date_to": "2018-12-31"}, {"year"}),
    ],
)
def test_it_filters_the_queue(client, queue, params, expected):
    login(client, "Editor")
    params = {k: str(queue[v].pk) if v in ("old", "russia") else v for k, v in params.items()}

    assert set(queue_ids(client, **params)) == {queue[name].pk for name in expected}


def test_it_rejects_a_malformed_date_filter_without_crashing(client, queue):
    login(client, "Editor")

    response = client.get(reverse(QUEUE), {"date_from": "September"})

    assert response.status_code == 302
    assert "e=1" in response.url


def test_it_highlights_the_date_and_every_recognised_name(client, queue):
    login(client, "Reviewer")

    html = client.get(reverse(QUEUE), {"article": queue["old"].pk}).text

    assert '<mark class="hl hl-date" title="yesterday">yesterday</mark>' in html
    assert '<mark class="hl hl-actor" title="Turkey">Turkey</mark>' in html
    assert '<mark class="hl hl-actor" title="Russia">Russia</mark>' in html
    assert "February 2019 (day)" in html or "12 February 2019 (day)" in html


def test_it_shows_decision_buttons_and_actions_to_reviewers_only(client, queue):
    login(client, "Editor")
    response = client.get(reverse(QUEUE))
    assert "data-review-decision" not in response.text
    assert "publish_selected" not in response.text

    login(client, "Reviewer")
    response = client.get(reverse(QUEUE))
    assert response.text.count('data-review-decision="publish"') == 3
    assert "publish_selected" in response.text and "merge_selected" in response.text


def test_it_publishes_in_one_click_and_readers_then_see_it(client, queue):
    reviewer = login(client, "Reviewer")
    event = queue["meeting"]
    assert client.get(reverse("event-detail", args=[event.pk])).status_code == 404

    response = client.post(
        reverse("admin:tracker_candidateevent_publish", args=[event.pk]), {"next": reverse(QUEUE) + "?kind=x"}
    )

    assert response.status_code == 302 and response.url == reverse(QUEUE) + "?kind=x"
    event.refresh_from_db()
    assert event.status == PUBLISHED and event.reviewed_by == reviewer
    assert event.history.latest().history_user == reviewer
    assert event.pk not in queue_ids(client)
    assert client.get(reverse("event-detail", args=[event.pk])).status_code == 200


def test_it_answers_the_script_with_json(client, queue):
    login(client, "Reviewer")
    event = queue["withdrawal"]

    response = client.post(
        reverse("admin:tracker_candidateevent_reject", args=[event.pk]), HTTP_ACCEPT="application/json"
    )

    assert response.status_code == 200
    assert response.json() == {
        "ok": True,
        "message": f"“{event.title}” was rejected.",
        "status": "rejected",
        "id": event.pk,
    }
    response = client.post(
        reverse("admin:tracker_candidateevent_publish", args=[queue["meeting"].pk]), HTTP_ACCEPT="application/json"
    )
    assert response.json()["url"] == reverse("event-detail", args=[queue["meeting"].pk])


def test_it_never_redirects_off_site_after_a_decision(client, queue):
    login(client, "Reviewer")

    response = client.post(
        reverse("admin:tracker_candidateevent_publish", args=[queue["meeting"].pk]), {"next": "https://evil.example/"}
    )

    assert response.url == reverse(QUEUE)


@pytest.mark.parametrize("decision", ["publish", "reject", "merge"])
def test_it_refuses_decisions_to_editors(client, queue, decision):
    login(client, "Editor")
    event = queue["meeting"]

    response = client.post(
        reverse(f"admin:tracker_candidateevent_{decision}", args=[event.pk]), {"target": queue["published"].pk}
    )

    assert response.status_code == 403
    event.refresh_from_db()
    assert event.status == CANDIDATE


def test_it_refuses_decisions_by_get(client, queue):
    login(client, "Reviewer")

    response = client.get(reverse("admin:tracker_candidateevent_publish", args=[queue["meeting"].pk]))

    assert response.status_code == 405
    assert Event.objects.get(pk=queue["meeting"].pk).status == CANDIDATE


def test_it_publishes_and_rejects_in_bulk(client, queue):
    reviewer = login(client, "Reviewer")
    chosen = [queue["meeting"].pk, queue["year"].pk]

    client.post(reverse(QUEUE), {"action": "publish_selected", "_selected_action": chosen})
    client.post(reverse(QUEUE), {"action": "reject_selected", "_selected_action": [queue["withdrawal"].pk]})

    statuses = dict(Event.objects.filter(reviewed_by=reviewer).values_list("pk", "status"))
    assert statuses == {
        queue["meeting"].pk: PUBLISHED,
        queue["year"].pk: PUBLISHED,
        queue["withdrawal"].pk: REJECTED,
    }
    assert queue_ids(client) == []
    assert Event.objects.get(pk=queue["meeting"].pk).history.latest().history_user == reviewer


def test_it_ignores_bulk_decisions_from_editors(client, queue):
    login(client, "Editor")

    client.post(reverse(QUEUE), {"action": "publish_selected", "_selected_action": [queue["meeting"].pk]})

    assert Event.objects.get(pk=queue["meeting"].pk).status == CANDIDATE


def test_it_merges_selected_events_into_the_published_one(client, queue):
    login(client, "Reviewer")
    published, meeting = queue["published"], queue["meeting"]

    client.post(
        reverse("admin:tracker_event_changelist"),
        {"action": "merge_selected", "_selected_action": [meeting.pk, published.pk]},
    )

    meeting.refresh_from_db()
    assert meeting.merged_into_id == published.pk and meeting.status == REJECTED
    assert EventSource.objects.filter(event=published).count() == 2
    assert set(published.agreements.all()) == {queue["sochi"]}


def test_it_shows_likely_duplicates_and_merges_from_the_change_page(client, queue):
    reviewer = login(client, "Reviewer")
    meeting, published = queue["meeting"], queue["published"]

    response = client.get(reverse("admin:tracker_event_change", args=[meeting.pk]))

    assert response.context["duplicates"] == [published]
    assert f"Merge into {published.pk}" in response.text
    assert "“Nothing else.”" in response.text  # its first source, to judge by
    assert queue["rejected"] not in response.context["duplicates"]

    response = client.post(reverse("admin:tracker_event_merge", args=[meeting.pk]), {"target": published.pk})

    assert response.url == reverse("admin:tracker_event_change", args=[published.pk])
    meeting.refresh_from_db()
    assert meeting.merged_into_id == published.pk
    assert published.history.latest().history_user == reviewer


def test_it_lets_editors_edit_a_candidate_inline(client, queue):
    editor = login(client, "Editor")
    event = queue["meeting"]
    url = reverse("admin:tracker_event_change", args=[event.pk])
    data = change_form_data(client.get(url))
    idlib = make_place("Idlib")
    data.update(title="Turkey and Russia meet in Sochi", precision="month", places=[str(idlib.pk)])
    roles = [k for k in data if k.startswith("actor_roles-") and k.endswith("-role")]
    data[roles[0]] = EventActor.Role.INITIATOR

    response = client.post(url, data)

    assert response.status_code == 302, response.context and response.context["adminform"].form.errors
    assert response.url == reverse(QUEUE)  # back to the queue it came from
    event.refresh_from_db()
    assert event.title == "Turkey and Russia meet in Sochi"
    assert event.date_display == "February 2019"
    assert list(event.places.all()) == [idlib]
    assert event.actor_roles.filter(role=EventActor.Role.INITIATOR).count() == 1
    assert event.status == CANDIDATE
    assert event.history.latest().history_user == editor


def test_it_saves_and_publishes_from_the_change_page_for_reviewers_only(client, queue):
    event = queue["meeting"]
    url = reverse("admin:tracker_event_change", args=[event.pk])
    login(client, "Editor")
    data = change_form_data(client.get(url))
    data["title"] = "Edited by the editor"

    assert "_publish" not in client.get(url).text
    assert client.post(url, {**data, "_publish": "1"}).status_code == 403
    event.refresh_from_db()
    assert event.status == CANDIDATE and event.title != "Edited by the editor"

    reviewer = login(client, "Reviewer")
    assert 'name="_publish"' in client.get(url).text
    response = client.post(url, {**data, "_publish": "1"})

    assert response.url == reverse(QUEUE)
    event.refresh_from_db()
    assert event.status == PUBLISHED and event.title == "Edited by the editor"
    assert event.reviewed_by == reviewer


def test_it_keeps_the_status_out_of_the_editors_hands(client, queue):
    login(client, "Reviewer")
    event = queue["meeting"]
    url = reverse("admin:tracker_event_change", args=[event.pk])
    data = change_form_data(client.get(url))

    client.post(url, {**data, "status": PUBLISHED})

    event.refresh_from_db()
    assert event.status == CANDIDATE


def test_it_never_shows_candidates_or_rejected_events_to_readers(client, queue):
    for name in ["meeting", "withdrawal", "rejected"]:
        assert client.get(reverse("event-detail", args=[queue[name].pk])).status_code == 404
    assert client.get(reverse("event-detail", args=[queue["published"].pk])).status_code == 200


def test_it_escapes_article_text_in_the_queue(client):
    turkey = make_actor("Turkey")
    article = make_article(f"Turkey said yesterday: {XSS} was said.", title=f"T {XSS}")
    make_event(status=CANDIDATE, title=f"E {XSS}", actors=[turkey], article=article, sentence=article.body)
    login(client, "Reviewer")

    html = client.get(reverse(QUEUE)).text

    assert "<script>alert(1)" not in html and '"onmouseover=alert(2)' not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;&quot;onmouseover=alert(2)" in html
    assert '<mark class="hl hl-actor" title="Turkey">Turkey</mark>' in html


def test_it_lists_the_queue_in_a_fixed_number_of_queries(client, django_assert_max_num_queries):
    actors = [make_actor(f"Actor {n}") for n in range(3)]
    for n in range(12):
        article = make_article(f"Actor 0 and Actor 1 met yesterday, number {n}.")
        make_event(status=CANDIDATE, actors=actors, article=article, sentence=article.body)
    login(client, "Reviewer")
    client.get(reverse(QUEUE))  # builds the gazetteer once

    with CaptureQueriesContext(connection) as few:
        assert len(queue_ids(client, article=article.pk)) == 1
    with CaptureQueriesContext(connection) as many:
        assert len(queue_ids(client)) == 12
    assert len(many) == len(few)
    # session, user, the reviewer's permissions (2), page count, page rows,
    # actors of the page's events, their sources with articles; at most two
    # more for a gazetteer version check.
    with django_assert_max_num_queries(10):
        client.get(reverse(QUEUE))


# --- Articles ---------------------------------------------------------------------------


def test_it_shows_an_article_highlighted_with_its_events_beside_it(client, queue):
    login(client, "Editor")
    article = queue["old"]

    response = client.get(reverse("admin:tracker_article_change", args=[article.pk]))

    html = response.text
    assert '<mark class="hl hl-actor" title="Turkey">Turkey</mark>' in html
    assert '<mark class="hl hl-date" title="yesterday">yesterday</mark>' in html
    shown = {e.pk for e in response.context["article_events"]}
    assert shown == {queue["meeting"].pk, queue["year"].pk, queue["published"].pk}
    assert reverse("admin:tracker_event_change", args=[queue["published"].pk]) in html


def test_it_parses_an_article_again_from_its_page_and_in_bulk(client, monkeypatch):
    queued = []
    monkeypatch.setattr("tracker.parse.article_enqueue", lambda article: queued.append(article.pk) or True)
    login(client, "Editor")
    failed = [make_article(status=Article.Status.FAILED, error=f"Timed out {n}") for n in range(2)]

    listing = client.get(reverse("admin:tracker_article_changelist"), {"status__exact": "failed"}).text
    assert "Timed out 0" in listing and "Timed out 1" in listing

    client.post(reverse("admin:tracker_article_reparse", args=[failed[0].pk]))
    client.post(
        reverse("admin:tracker_article_changelist"),
        {"action": "reparse", "_selected_action": [a.pk for a in failed]},
    )

    assert sorted(queued) == sorted([failed[0].pk, failed[0].pk, failed[1].pk])


def test_it_retries_a_failed_article_for_real(client, django_capture_on_commit_callbacks):
    article = make_article("Turkey and Russia met in Sochi yesterday.", status=Article.Status.FAILED, error="boom")
    login(client, "Editor")

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("admin:tracker_article_reparse", args=[article.pk]))

    assert response.url == reverse("admin:tracker_article_change", args=[article.pk])
    article.refresh_from_db()
    assert article.status == Article.Status.PARSED
    assert article.error == ""


def test_it_adds_a_pasted_article(client):
    editor = login(client, "Editor")

    response = client.post(
        reverse("admin:tracker_article_ingest"),
        {
            "title": "Talks in Sochi",
            "url": "https://news.example/sochi",
            "publisher": "Example News",
            "published": "2019-02-13",
            "body": "Turkey and Russia met in Sochi yesterday to discuss Idlib.",
        },
        follow=True,
    )

    article = Article.objects.get()
    assert (article.title, article.url, article.publisher, article.published) == (
        "Talks in Sochi",
        "https://news.example/sochi",
        "Example News",
        dt.date(2019, 2, 13),
    )
    assert article.submitted_by == editor
    assert "1 article(s) added" in response.text

    response = client.post(
        reverse("admin:tracker_article_ingest"),
        {"body": "Turkey and Russia met in Sochi yesterday to discuss Idlib."},
        follow=True,
    )
    assert Article.objects.count() == 1
    assert "0 article(s) added and queued for parsing; 1 already known; 0 not stored." in response.text


def test_it_adds_several_uploaded_files_at_once_and_reports_failures(client):
    login(client, "Editor")
    lines = [
        {"title": "One", "text": "Turkey and Russia met in Sochi yesterday.", "published": "2019-02-13"},
        {"title": "Two", "text": "The United States left Syria in October.", "published": "2019-11-01"},
    ]
    jsonl = "\n".join(json.dumps(line) for line in lines) + "\n{not json\n"
    files = [
        SimpleUploadedFile("batch.jsonl", jsonl.encode(), content_type="application/json"),
        SimpleUploadedFile("note.txt", b"Iran hosted talks in Tehran on Monday.", content_type="text/plain"),
    ]

    response = client.post(reverse("admin:tracker_article_ingest"), {"files": files}, follow=True)

    assert set(Article.objects.values_list("title", flat=True)) >= {"One", "Two"}
    assert Article.objects.count() == 3
    assert "3 article(s) added" in response.text
    assert "1 not stored" in response.text
    assert "Not stored: batch.jsonl:3: not valid JSON" in response.text


@pytest.mark.parametrize(
    "data, error",
    [
        ({}, "Paste an article"),
        ({"title": "Only a title"}, "paste the text too"),
        ({"body": "Some text.", "url": "not a url"}, "Enter a valid URL"),
        ({"body": "Some text.", "published": "13/13/2019"}, "Enter a valid date"),
    ],
)
def test_it_explains_bad_input_and_keeps_what_was_typed(client, data, error):
    login(client, "Editor")

    response = client.post(reverse("admin:tracker_article_ingest"), data)

    assert response.status_code == 200
    assert error in response.text
    if "body" in data:
        assert data["body"] in response.text
    assert not Article.objects.exists()


def test_it_feeds_an_alias_added_in_the_admin_to_the_next_parse(client, django_capture_on_commit_callbacks):
    from tracker.parse import article_parse

    hts = make_actor("Hayat Tahrir al-Sham", kind="armed_group")
    body = "The Levant Liberation Committee attacked Idlib on 3 March 2019, officials said."
    article = make_article(body, published=dt.date(2019, 3, 5))
    make_place("Idlib")
    article_parse(article.pk)
    assert not Event.objects.filter(actors=hts).exists()

    login(client, "Editor")
    response = client.post(
        reverse("admin:tracker_actoralias_add"),
        {"actor": hts.pk, "name": "Levant Liberation Committee", "kind": "alias"},
    )
    assert response.status_code == 302

    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("admin:tracker_article_reparse", args=[article.pk]))

    assert Event.objects.filter(actors=hts, sources__article=article).exists()


def test_it_searches_events_by_words_or_id(client):
    login(client, "Editor")
    withdrawal = make_event(title="Turkey withdraws troops from Idlib")
    meeting = make_event(title="Turkey and Russia meet in Sochi", status=CANDIDATE)

    def found(term, changelist="admin:tracker_event_changelist"):
        return {e.pk for e in client.get(reverse(changelist), {"q": term}).context["cl"].result_list}

    assert found("withdraws") == {withdrawal.pk}
    assert found("Sochi") == {meeting.pk}
    assert found(str(meeting.pk)) == {meeting.pk}
    assert found("Sochi", QUEUE) == {meeting.pk}
    assert found("withdraws", QUEUE) == set()


def test_it_keeps_review_decisions_when_an_editor_reverts_to_an_older_version(client, queue):
    reviewer = make_user("Reviewer")
    event = queue["meeting"]
    candidate_version = event.history.latest()
    from tracker.review import event_reject

    event_reject(event, by=reviewer)
    login(client, "Editor")
    url = reverse("admin:tracker_event_simple_history", args=[event.pk, candidate_version.history_id])
    data = change_form_data(client.get(url))
    data["title"] = "Reverted title"

    response = client.post(url, data)

    assert response.status_code == 302
    event.refresh_from_db()
    assert event.title == "Reverted title"
    assert event.status == REJECTED and event.reviewed_by == reviewer


def test_it_adds_a_source_by_hand_finding_its_offsets(client, queue):
    login(client, "Editor")
    event, article = queue["withdrawal"], queue["old"]
    url = reverse("admin:tracker_eventsource_add")
    assert f"?event={event.pk}" in client.get(reverse("admin:tracker_event_change", args=[event.pk])).text

    response = client.post(
        url, {"event": event.pk, "article": article.pk, "sentence": "Nothing else.", "date_text": "", "_save": "1"}
    )

    assert response.status_code == 302
    source = event.sources.get(article=article)
    assert article.body[source.char_start : source.char_end] == "Nothing else."
    assert source.extracted is False

    response = client.post(url, {"event": event.pk, "article": article.pk, "sentence": "Not in the article."})
    assert "This sentence is not in the article" in response.text
    response = client.post(
        url,
        {"event": event.pk, "article": article.pk, "sentence": "Nothing else.", "char_start": "0", "char_end": "13"},
    )
    assert "is not the sentence" in response.text


def test_it_escapes_markup_in_names_and_aliases_it_marks(client):
    name = 'Turkey "onmouseover=alert(2) <script>alert(1)</script>'
    actor = make_actor(name, aliases=['Ankara"onmouseover=alert(3)'])
    body = f'Ankara"onmouseover=alert(3) said yesterday that {name} went.'
    article = make_article(body)
    make_event(status=CANDIDATE, actors=[actor], article=article, sentence=body)
    login(client, "Reviewer")

    for url in [reverse(QUEUE), reverse("admin:tracker_article_change", args=[article.pk])]:
        html = client.get(url).text
        assert "<script>alert(1)" not in html
        assert '"onmouseover=' not in html
        assert (
            '<mark class="hl hl-actor" title="Turkey &quot;onmouseover=alert(2) &lt;script&gt;alert(1)&lt;/script&gt;">'
            "Ankara&quot;onmouseover=alert(3)</mark>"
        ) in html


def test_it_refuses_an_oversized_upload_and_keeps_the_others(client, monkeypatch):
    monkeypatch.setattr("tracker.admin.MAX_UPLOAD_BYTES", 100)
    login(client, "Editor")
    files = [
        SimpleUploadedFile("big.txt", b"Turkey met Russia. " * 20, content_type="text/plain"),
        SimpleUploadedFile("small.txt", b"Iran hosted talks in Tehran on Monday.", content_type="text/plain"),
    ]

    response = client.post(reverse("admin:tracker_article_ingest"), {"files": files}, follow=True)

    assert Article.objects.count() == 1
    assert "Not stored: big.txt: larger than" in response.text


def test_it_lets_reviewers_take_a_published_event_off_the_site(client, queue):
    event = queue["published"]
    url = reverse("admin:tracker_event_change", args=[event.pk])
    login(client, "Editor")
    data = change_form_data(client.get(url))
    assert client.post(url, {**data, "_reject": "1"}).status_code == 403

    reviewer = login(client, "Reviewer")
    assert "Save and take off the public site" in client.get(url).text
    client.post(url, {**data, "_reject": "1"})

    event.refresh_from_db()
    assert event.status == REJECTED and event.reviewed_by == reviewer
    assert client.get(reverse("event-detail", args=[event.pk])).status_code == 404
