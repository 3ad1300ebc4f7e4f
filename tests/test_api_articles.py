"""Submitting articles through the API, and following their parse."""

from unittest import mock

import pytest
from django.contrib.auth.models import Permission
from django.core.cache import cache
from django.urls import reverse
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from tests.factories import make_actor, make_article, make_event, make_user
from tracker.models import Article, Event

pytestmark = pytest.mark.django_db

ARTICLE = {
    "title": "Turkey and Russia agree on Idlib",
    "body": "Turkey and Russia signed a memorandum on Idlib in Sochi on 17 September 2018.",
    "published": "2018-09-18",
    "url": "https://example.org/news/idlib-memorandum",
    "publisher": "Example News",
}


@pytest.fixture(autouse=True)
def fresh_throttle():
    cache.clear()


def token_client(user):
    """Return a client that authenticates as `user` with a token, as an ingesting script would."""
    client = APIClient()
    token, _ = Token.objects.get_or_create(user=user)
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    return client


def user_for(who):
    if who == "plain":
        return make_user(password=None)
    if who == "add_article":
        user = make_user()
        user.user_permissions.add(Permission.objects.get(codename="add_article"))
        return user
    return make_user(who, password=None)


# --- Permissions ------------------------------------------------------------------


def test_it_refuses_anonymous_submissions():
    response = APIClient().post(reverse("api-article-list"), ARTICLE, format="json")
    assert response.status_code == 401
    assert not Article.objects.exists()


def test_it_refuses_a_bad_token():
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION="Token not-a-real-token")
    assert client.post(reverse("api-article-list"), ARTICLE, format="json").status_code == 401


def test_it_refuses_users_without_the_role_or_permission():
    response = token_client(make_user()).post(reverse("api-article-list"), ARTICLE, format="json")
    assert response.status_code == 403
    assert "Editor or Reviewer" in response.json()["detail"]
    assert not Article.objects.exists()


@pytest.mark.parametrize("who", ["Editor", "Reviewer", "add_article"])
def test_it_accepts_articles_from_editors_reviewers_and_holders_of_add_article(who, django_capture_on_commit_callbacks):
    user = user_for(who)
    with django_capture_on_commit_callbacks(execute=False):
        response = token_client(user).post(reverse("api-article-list"), ARTICLE, format="json")
    assert response.status_code == 202, response.content
    body = response.json()
    article = Article.objects.get(pk=body["id"])
    assert body["duplicate"] is False
    assert body["status_url"] == f"http://testserver/api/articles/{article.pk}/"
    assert article.submitted_by == user
    assert article.title == ARTICLE["title"]
    assert article.published.isoformat() == "2018-09-18"


@pytest.mark.parametrize("who, code", [(None, 401), ("plain", 403), ("Editor", 200), ("Reviewer", 200)])
def test_it_shows_article_status_only_to_those_who_may_submit(who, code):
    article = make_article()
    client = APIClient() if who is None else token_client(user_for(who))
    response = client.get(reverse("api-article-detail", args=[article.pk]))
    assert response.status_code == code
    if code == 200:
        assert response.json()["status"] == article.status


@pytest.mark.parametrize("method", ["put", "patch", "delete"])
def test_it_does_not_change_or_delete_articles(method):
    article = make_article()
    client = token_client(make_user("Reviewer"))
    response = getattr(client, method)(reverse("api-article-detail", args=[article.pk]), {"title": "x"}, format="json")
    assert response.status_code == 405
    assert Article.objects.get(pk=article.pk).title == article.title


def test_it_does_not_list_articles():
    response = token_client(make_user("Editor")).get(reverse("api-article-list"))
    assert response.status_code == 405


def test_it_answers_404_for_an_unknown_article():
    client = token_client(make_user("Editor"))
    assert client.get(reverse("api-article-detail", args=[987654])).status_code == 404
    assert client.get("/api/articles/not-a-number/").status_code == 404


# --- Input ---------------------------------------------------------------------------


def test_it_returns_the_stored_article_for_a_resubmission(django_capture_on_commit_callbacks):
    client = token_client(make_user("Editor"))
    with django_capture_on_commit_callbacks(execute=False):
        first = client.post(reverse("api-article-list"), ARTICLE, format="json").json()
        again = client.post(reverse("api-article-list"), ARTICLE, format="json")
    assert again.status_code == 200
    assert again.json()["duplicate"] is True
    assert again.json()["id"] == first["id"]
    assert Article.objects.count() == 1


@pytest.mark.parametrize(
    "change, field",
    [
        ({"body": ""}, "body"),
        ({"body": None}, "body"),
        ({"published": "18/09/2018"}, "published"),
        ({"url": "not a url"}, "url"),
        ({"title": "x" * 501}, "title"),
    ],
)
def test_it_refuses_bad_input_with_a_message_naming_the_field(change, field):
    response = token_client(make_user("Editor")).post(reverse("api-article-list"), {**ARTICLE, **change}, format="json")
    assert response.status_code == 400
    assert field in response.json()
    assert not Article.objects.exists()


def test_it_passes_on_the_ingester_refusal_as_a_clear_400():
    # Whitespace only passes the field check but is no article.
    response = token_client(make_user("Editor")).post(
        reverse("api-article-list"), {**ARTICLE, "body": " \n\t "}, format="json"
    )
    assert response.status_code == 400
    assert "no text" in response.json()["detail"]
    assert not Article.objects.exists()


def test_it_refuses_an_article_over_the_size_limit(settings):
    settings.ARTICLE_MAX_BYTES = 1000
    response = token_client(make_user("Editor")).post(
        reverse("api-article-list"), {**ARTICLE, "body": "word " * 400}, format="json"
    )
    assert response.status_code == 400
    assert "limit" in response.json()["detail"]


def test_it_refuses_a_request_over_the_upload_limit_without_an_error(settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 10_000
    response = token_client(make_user("Editor")).post(
        reverse("api-article-list"), {**ARTICLE, "body": "word " * 5000}, format="json"
    )
    assert response.status_code in (400, 413)
    assert not Article.objects.exists()


def test_it_reads_html_when_asked():
    html = "<html><head><title>From HTML</title></head><body><p>Russia and Turkey met in Sochi.</p></body></html>"
    response = token_client(make_user("Editor")).post(
        reverse("api-article-list"), {"body": html, "is_html": True}, format="json"
    )
    assert response.status_code == 202
    article = Article.objects.get(pk=response.json()["id"])
    assert "<p>" not in article.body
    assert "Russia and Turkey met in Sochi." in article.body


def test_it_accepts_the_article_when_the_task_queue_is_down(django_capture_on_commit_callbacks, monkeypatch):
    from kombu.exceptions import OperationalError

    from tracker import parse

    # The parser remembers a dead queue for a while; forget it when this test ends.
    monkeypatch.setattr(parse, "_queue_down_until", parse._queue_down_until)
    client = token_client(make_user("Editor", password=None))
    down = OperationalError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")
    with mock.patch("tracker.tasks.parse_article.delay", side_effect=down) as delay:
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(reverse("api-article-list"), ARTICLE, format="json")
    delay.assert_called_once()
    assert response.status_code == 202
    assert response.json()["status"] == "queued"
    article = Article.objects.get(pk=response.json()["id"])
    assert article.status == Article.Status.QUEUED
    assert client.get(response.json()["status_url"]).json()["status"] == "queued"


# --- Round trip -----------------------------------------------------------------------


def test_it_parses_a_submitted_article_and_shows_its_candidate_events(django_capture_on_commit_callbacks):
    make_actor("Turkey")
    make_actor("Russia")
    client = token_client(make_user("Editor"))
    # Without REDIS_URL tasks run eagerly: the parse runs when the transaction commits.
    with django_capture_on_commit_callbacks(execute=True):
        receipt = client.post(reverse("api-article-list"), ARTICLE, format="json")
    assert receipt.status_code == 202

    status = client.get(receipt.json()["status_url"]).json()
    assert status["status"] == "parsed", status
    assert status["error"] == ""
    assert status["attempts"] == 1
    assert status["events"], "the article names two actors and a day: it gives at least one candidate"
    event = Event.objects.get(pk=status["events"][0]["id"])
    assert event.status == Event.Status.CANDIDATE
    assert status["events"][0]["date"] == "2018-09-17"
    # A candidate stays out of the public API.
    assert APIClient().get(reverse("api-event-detail", args=[event.pk])).status_code == 404


def test_it_lists_the_events_an_article_is_a_source_of():
    article = make_article()
    event = make_event("2019-02-12", article=article, status=Event.Status.CANDIDATE)
    make_event("2019-02-12")  # from another article
    status = token_client(make_user("Reviewer")).get(reverse("api-article-detail", args=[article.pk])).json()
    assert [row["id"] for row in status["events"]] == [event.pk]
    assert status["events"][0]["status"] == "candidate"


def test_it_takes_articles_and_shows_them_on_the_format_suffix_routes(django_capture_on_commit_callbacks):
    client = token_client(make_user("Editor", password=None))
    with django_capture_on_commit_callbacks(execute=False):
        created = client.post("/api/articles.json", ARTICLE, format="json")
    assert created.status_code == 202
    shown = client.get(f"/api/articles/{created.json()['id']}.json")
    assert shown.status_code == 200
    assert shown.json()["title"] == ARTICLE["title"]
