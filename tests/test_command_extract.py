import io
import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from tests.factories import make_actor, make_agreement, make_place
from tracker.models import ActorAlias, Event

pytestmark = pytest.mark.django_db


def make_names():
    turkey = make_actor("Turkey", aliases=["Turkish"])
    russia = make_actor("Russia", aliases=["Russian"])
    ActorAlias.objects.create(actor=russia, name="Moscow", kind=ActorAlias.Kind.CAPITAL)
    make_actor("Vladimir Putin", kind="person", aliases=["Putin"], acts_for=russia)
    make_place("Idlib")
    make_place("Moscow")
    make_agreement("Sochi agreement")
    return turkey


def run(tmp_path, lines):
    path = tmp_path / "articles.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    out, err = io.StringIO(), io.StringIO()
    call_command("extract", str(path), stdout=out, stderr=err)
    return [json.loads(line) for line in out.getvalue().splitlines()], err.getvalue()


def test_it_writes_one_line_per_article_with_events_by_canonical_name(tmp_path):
    make_names()
    article = {
        "id": "a1",
        "published": "2019-02-13",
        "title": "t",
        "text": "Nothing here. Putin met Turkish officials in Moscow yesterday on Idlib.",
    }
    rows, err = run(tmp_path, [json.dumps(article)])
    assert err == ""
    assert rows == [
        {
            "id": "a1",
            "events": [
                {
                    "date": "2019-02-12",
                    "date_end": None,
                    "precision": "day",
                    "kind": "meeting",
                    "title": rows[0]["events"][0]["title"],
                    "actors": ["Russia", "Turkey", "Vladimir Putin"],
                    "places": ["Idlib", "Moscow"],
                    "agreements": [],
                    "sentence": "Putin met Turkish officials in Moscow yesterday on Idlib.",
                    "char_start": 14,
                    "char_end": 71,
                    "date_text": "yesterday",
                }
            ],
        }
    ]
    assert rows[0]["events"][0]["title"].startswith("Vladimir Putin meets Turkish officials in Moscow")


def test_it_writes_dates_at_their_precision_and_resolves_only_dated_years_without_publication(tmp_path):
    make_names()
    article = {
        "id": 7,
        "published": None,
        "text": "Turkey and Russia signed the Sochi agreement in September 2018 and met yesterday.",
    }
    rows, _ = run(tmp_path, [json.dumps(article)])
    assert [(e["date"], e["precision"]) for e in rows[0]["events"]] == [("2018-09", "month")]
    assert rows[0]["id"] == 7


def test_it_reports_malformed_lines_by_number_and_goes_on(tmp_path):
    make_names()
    good = json.dumps({"id": "ok", "published": "2019-02-13", "text": "Turkey spoke today."})
    rows, err = run(
        tmp_path,
        [
            "not json",
            json.dumps(["a list"]),
            json.dumps({"id": "x"}),
            "",
            json.dumps({"id": "d", "text": "t", "published": "2019-13-45"}),
            good,
        ],
    )
    assert [r["id"] for r in rows] == ["ok"]
    for number in (1, 2, 3, 5):
        assert f"line {number}:" in err
    assert "line 4" not in err


def test_it_reads_stdin_and_writes_nothing_to_the_database(tmp_path, monkeypatch):
    make_names()
    monkeypatch.setattr(
        "sys.stdin",
        io.StringIO(json.dumps({"id": "s", "published": "2019-02-13", "text": "Turkey spoke today."}) + "\n"),
    )
    out = io.StringIO()
    call_command("extract", stdout=out)
    assert json.loads(out.getvalue())["events"][0]["date"] == "2019-02-13"
    assert Event.objects.count() == 0


def test_it_fails_clearly_on_a_missing_file(tmp_path):
    with pytest.raises(CommandError, match="cannot read"):
        call_command("extract", str(tmp_path / "missing.jsonl"))
