"""Streamed CSV and JSON Lines exports of filtered events."""

import csv
import io
import json

import pytest
from django.core.cache import cache
from django.db import connection
from django.http import StreamingHttpResponse
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from rest_framework.test import APIClient

from tests.factories import make_actor, make_article, make_event, make_place, make_user
from tracker import exports
from tracker.exports import CSV_COLUMNS, neutralise
from tracker.models import Event

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fresh_throttle():
    cache.clear()


def fetch(name, user=None, **params):
    client = APIClient()
    if user is not None:
        client.force_authenticate(user)
    return client.get(reverse(name), params)


def body_of(response):
    assert isinstance(response, StreamingHttpResponse)
    return b"".join(response.streaming_content).decode("utf-8")


def csv_rows(response):
    return list(csv.DictReader(io.StringIO(body_of(response))))


def jsonl_rows(response):
    return [json.loads(line) for line in body_of(response).splitlines()]


# --- The cell guard -----------------------------------------------------------------


@pytest.mark.parametrize(
    "value, expected",
    [
        ('=HYPERLINK("http://evil")', '\'=HYPERLINK("http://evil")'),
        ("+1+2", "'+1+2"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\t=1", "'\t=1"),
        ("Turkey = Ankara", "Turkey = Ankara"),
        ("2018-09", "2018-09"),
        (None, ""),
        (42, "42"),
    ],
)
def test_it_neutralises_cells_a_spreadsheet_would_run(value, expected):
    assert neutralise(value) == expected


# --- CSV --------------------------------------------------------------------------------


def test_it_streams_published_events_as_csv_newest_first():
    turkey = make_actor("Turkey")
    idlib = make_place("Idlib")
    later = make_event("2019-02-13", title="Later", actors=[turkey], places=[idlib])
    earlier = make_event("2018-09", date_end="2018-10", title="Earlier")
    make_event(title="Candidate", status=Event.Status.CANDIDATE)

    response = fetch("api-export-events-csv")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert 'filename="events.csv"' in response["Content-Disposition"]
    rows = csv_rows(response)
    assert list(rows[0]) == CSV_COLUMNS
    assert [row["id"] for row in rows] == [str(later.pk), str(earlier.pk)]
    assert rows[1]["date"] == "2018-09" and rows[1]["date_end"] == "2018-10" and rows[1]["precision"] == "month"
    assert rows[0]["actors"] == "Turkey (participant)"
    assert rows[0]["actor_slugs"] == "turkey"
    assert rows[0]["place_slugs"] == "idlib"
    assert rows[0]["page_url"] == f"http://testserver/events/{later.pk}/"
    oldest_first = csv_rows(fetch("api-export-events-csv", ordering="date"))
    assert [row["id"] for row in oldest_first] == [str(earlier.pk), str(later.pk)]


def test_it_neutralises_formulas_in_every_text_cell_of_the_csv():
    actor = make_actor("=cmd|' /C calc'!A0")
    article = make_article(url="https://example.org/a")
    make_event(title='=HYPERLINK("http://evil.example","click")', summary="+SUM(1,2)", actors=[actor], article=article)
    make_event(title="@import", summary="-1")
    rows = csv_rows(fetch("api-export-events-csv"))
    cells = [value for row in rows for value in row.values()]
    assert not [cell for cell in cells if cell and cell[0] in "=+-@"]
    titles = {row["title"] for row in rows}
    assert titles == {'\'=HYPERLINK("http://evil.example","click")', "'@import"}
    hyperlink = next(row for row in rows if "HYPERLINK" in row["title"])
    assert hyperlink["actors"].startswith("'=cmd")
    assert hyperlink["summary"] == "'+SUM(1,2)"


def test_it_applies_the_event_filters_to_the_export():
    turkey = make_actor("Turkey")
    wanted = make_event("2018-09", kind="attack", actors=[turkey])
    make_event("2018-09", kind="meeting", actors=[turkey])
    make_event("2017-01-01", kind="attack", actors=[turkey])
    make_event("2018-09-20", kind="attack")
    rows = csv_rows(fetch("api-export-events-csv", actor="turkey", kind="attack", date_from="2018-09-15"))
    assert [row["id"] for row in rows] == [str(wanted.pk)]


def test_it_refuses_a_bad_filter_before_streaming():
    response = fetch("api-export-events-csv", date_from="September")
    assert response.status_code == 400
    assert "date_from" in response.json()


def test_it_exports_candidates_only_to_staff_who_ask():
    make_event(title="Published")
    make_event(title="Candidate", status=Event.Status.CANDIDATE)
    assert [r["title"] for r in csv_rows(fetch("api-export-events-csv", status="candidate"))] == ["Published"]
    assert [r["title"] for r in csv_rows(fetch("api-export-events-csv", make_user(), status="candidate"))] == [
        "Published"
    ]
    reviewer = make_user("Reviewer")
    assert [r["title"] for r in csv_rows(fetch("api-export-events-csv", reviewer, status="candidate"))] == ["Candidate"]


def test_it_prefetches_related_rows_one_chunk_at_a_time(monkeypatch):
    monkeypatch.setattr(exports, "CHUNK_SIZE", 2)
    actor, place = make_actor(), make_place()
    for day in range(1, 6):
        make_event(f"2019-03-0{day}", actors=[actor], places=[place])
    response = fetch("api-export-events-csv")
    with CaptureQueriesContext(connection) as queries:
        rows = csv_rows(response)
    assert len(rows) == 5
    assert all(row["actor_slugs"] == actor.slug for row in rows)
    # Three chunks of at most two events: the actors are fetched once per chunk, not per event
    # and not all at once.
    actor_queries = [q for q in queries if 'FROM "tracker_eventactor"' in q["sql"]]
    assert len(actor_queries) == 3


# --- JSON Lines ----------------------------------------------------------------------------


def test_it_streams_events_as_json_lines_shaped_like_the_api():
    turkey = make_actor("Turkey")
    article = make_article("The sentence behind the event.", url="https://example.org/s")
    event = make_event(
        "2018-09-17", title="An event", actors=[turkey], article=article, sentence="The sentence behind the event."
    )
    make_event(title="Candidate", status=Event.Status.CANDIDATE)

    response = fetch("api-export-events-jsonl")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/jsonl; charset=utf-8"
    rows = jsonl_rows(response)
    assert len(rows) == 1
    api = APIClient().get(reverse("api-event-detail", args=[event.pk])).json()
    assert rows[0] == api
    assert rows[0]["sources"][0]["sentence"] == "The sentence behind the event."


def test_it_withholds_internal_sentences_from_the_json_lines_export():
    article = make_article("Licensed wording.", internal=True)
    make_event(article=article, sentence="Licensed wording.")
    rows = jsonl_rows(fetch("api-export-events-jsonl"))
    assert rows[0]["sources"][0]["sentence"] is None


def test_it_keeps_article_text_as_data_in_json_lines():
    make_event(title='Line one\n{"id": 1} </script>')
    lines = body_of(fetch("api-export-events-jsonl")).splitlines()
    assert len(lines) == 1
    assert json.loads(lines[0])["title"] == 'Line one\n{"id": 1} </script>'
