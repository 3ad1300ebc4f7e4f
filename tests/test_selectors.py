"""Reads that feed the reader pages and charts: published events only, aggregated in the database."""

import datetime as dt

import pytest
from django.core.cache import cache
from django.http import QueryDict

from tests.factories import make_actor, make_agreement, make_article, make_event, make_place
from tracker import selectors
from tracker.models import Event, EventActor

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _empty_cache():
    cache.clear()


def make_unpublished(**kwargs):
    """Make one candidate, one rejected and one merged event with `kwargs`."""
    target = make_event("2019-05-05", title="Merge target", **kwargs)
    return [
        make_event("2019-05-01", status=Event.Status.CANDIDATE, title="Candidate", **kwargs),
        make_event("2019-05-02", status=Event.Status.REJECTED, title="Rejected", **kwargs),
        make_event("2019-05-03", title="Merged away", merged_into=target, **kwargs),
    ]


def test_it_counts_only_what_is_public():
    turkey, russia = make_actor("Turkey"), make_actor("Russia")
    idlib = make_place("Idlib")
    make_event("2018-09", actors=[turkey], places=[idlib], agreements=[make_agreement("Sochi agreement")])
    make_event("2019-02-12", actors=[turkey], article=make_article())
    make_event("2017", status=Event.Status.CANDIDATE, actors=[russia], agreements=[make_agreement("Other")])

    numbers = selectors.headline_numbers()

    assert numbers["events"] == 2
    assert numbers["actors"] == 1
    assert numbers["places"] == 1
    assert numbers["agreements"] == 1
    assert numbers["sources"] == 1
    assert numbers["first"] == dt.date(2018, 9, 1)
    assert numbers["last"] == dt.date(2019, 2, 12)


def test_it_leaves_candidate_rejected_and_merged_events_out_of_timelines():
    turkey = make_actor("Turkey")
    make_unpublished(actors=[turkey])

    data = selectors.timeline_data(selectors.published_events())

    assert [e.title for e in data.events] == ["Merge target"]


def test_it_reads_events_one_by_one_when_they_are_few():
    turkey = make_actor("Turkey")
    sochi = make_agreement("Sochi agreement")
    make_event("2018-09", title="Sochi signed", actors=[turkey], agreements=[sochi], kind=Event.Kind.AGREEMENT_SIGNED)
    make_event("2019-02-12", title="Meeting", actors=[turkey])

    data = selectors.timeline_data(selectors.published_events())

    assert data.mode == "events"
    assert data.lanes == ["Meeting", "Agreement signed"]
    assert data.groups == ["Sochi agreement", "No agreement"]
    signed = next(e for e in data.events if e.title == "Sochi signed")
    assert (signed.start, signed.last, signed.precision) == (dt.date(2018, 9, 1), dt.date(2018, 9, 30), "month")
    assert signed.date_text == "September 2018"
    assert signed.url == f"/events/{Event.objects.get(title='Sochi signed').pk}/"


def test_it_puts_an_event_in_the_lane_of_each_of_its_actors():
    turkey, russia = make_actor("Turkey"), make_actor("Russia")
    make_event("2019-02-12", actors=[turkey, russia])
    make_event("2019-02-13")

    data = selectors.timeline_data(selectors.published_events(), lanes="actor")

    assert sorted(e.lane for e in data.events) == ["No actor named", "Russia", "Turkey"]
    assert data.lanes[-1] == "No actor named"


def test_it_counts_per_lane_and_month_when_events_are_many(monkeypatch):
    monkeypatch.setattr(selectors, "RAW_LIMIT", 3)
    for day in ("2019-02-01", "2019-02-20", "2019-03-05"):
        make_event(day, kind=Event.Kind.ATTACK)
    make_event("2019-02", kind=Event.Kind.ATTACK)
    make_event("2019", kind=Event.Kind.MEETING)

    data = selectors.timeline_data(selectors.published_events(), base=QueryDict("q=strike&page=4"))

    assert data.mode == "density" and data.total == 5
    cells = {(c.lane, c.start, c.precision): c for c in data.cells}
    assert cells[("Attack", dt.date(2019, 2, 1), "month")].count == 3  # two days and one month-precision event
    assert cells[("Attack", dt.date(2019, 3, 1), "month")].count == 1
    year = cells[("Meeting", dt.date(2019, 1, 1), "year")]
    assert year.count == 1
    assert year.url == "/timeline/?q=strike&kind=meeting&date_from=2019&date_to=2019"


def test_it_counts_density_by_actor_lanes(monkeypatch):
    monkeypatch.setattr(selectors, "RAW_LIMIT", 1)
    turkey, russia = make_actor("Turkey"), make_actor("Russia")
    make_event("2019-02-01", actors=[turkey, russia])
    make_event("2019-02-03", actors=[turkey])

    data = selectors.timeline_data(selectors.published_events(), lanes="actor")

    assert data.lanes == ["Turkey", "Russia"]
    assert {(c.lane, c.count) for c in data.cells} == {("Turkey", 2), ("Russia", 1)}
    assert f"actor={turkey.slug}" in next(c.url for c in data.cells if c.lane == "Turkey")


def test_it_counts_each_event_once_when_filtered_by_several_actors():
    turkey, russia = make_actor("Turkey"), make_actor("Russia")
    make_event("2019-02-12", actors=[turkey, russia])
    qs = selectors.published_events().involving(turkey, russia)

    counts, year_only = selectors.kind_month_counts(qs)

    assert counts == [(dt.date(2019, 2, 1), "Meeting", 1)]
    assert year_only == 0
    assert selectors.timeline_data(qs).total == 1


def test_it_leaves_year_precision_out_of_monthly_counts_but_counts_them():
    make_event("2019-02-12")
    make_event("2018", kind=Event.Kind.ATTACK)

    counts, year_only = selectors.kind_month_counts(selectors.published_events())

    assert counts == [(dt.date(2019, 2, 1), "Meeting", 1)]
    assert year_only == 1


def test_it_ranks_actors_and_partners_by_published_events():
    turkey, russia, iran = make_actor("Turkey"), make_actor("Russia"), make_actor("Iran")
    make_event("2019-02-12", actors=[turkey, russia])
    make_event("2019-02-13", actors=[turkey, russia, iran])
    make_event("2019-02-14", actors=[turkey, iran], status=Event.Status.CANDIDATE)
    make_event("2019-02-15", actors=[turkey])

    assert [(b.label, b.count) for b in selectors.top_actors(selectors.published_events())] == [
        ("Turkey", 3),
        ("Russia", 2),
        ("Iran", 1),
    ]
    assert [(b.label, b.count) for b in selectors.co_actors(turkey)] == [("Russia", 2), ("Iran", 1)]
    assert selectors.top_actors(selectors.published_events())[0].url == "/actors/turkey/"


def test_it_counts_an_actors_involvement_by_role_and_month():
    turkey = make_actor("Turkey")
    event = make_event("2019-02-12", actors=[turkey])
    EventActor.objects.filter(event=event).update(role=EventActor.Role.INITIATOR)
    make_event("2019", actors=[turkey])

    counts, year_only = selectors.actor_month_counts(turkey)

    assert counts == [(dt.date(2019, 2, 1), "Initiator", 1)]
    assert year_only == 1


def test_it_counts_pairs_of_actors_in_the_same_events():
    turkey, russia, iran = make_actor("Turkey"), make_actor("Russia"), make_actor("Iran")
    make_event("2019-02-12", actors=[turkey, russia])
    make_event("2019-02-13", actors=[turkey, russia, iran])
    make_event("2019-02-14", actors=[turkey, iran], status=Event.Status.REJECTED)

    actors, matrix = selectors.cooccurrence(selectors.published_events())

    names = [a.name for a in actors]
    assert names == ["Russia", "Turkey", "Iran"] or names == ["Turkey", "Russia", "Iran"]
    at = {name: i for i, name in enumerate(names)}
    assert matrix[at["Turkey"]][at["Russia"]] == 2
    assert matrix[at["Russia"]][at["Turkey"]] == 2
    assert matrix[at["Turkey"]][at["Iran"]] == 1
    assert matrix[at["Turkey"]][at["Turkey"]] is None


def test_it_counts_actors_per_month_with_empty_months_filled():
    turkey = make_actor("Turkey")
    make_event("2019-01-12", actors=[turkey])
    make_event("2019-03-02", actors=[turkey])

    months, rows = selectors.actor_months(selectors.published_events(), [turkey])

    assert months == [dt.date(2019, 1, 1), dt.date(2019, 2, 1), dt.date(2019, 3, 1)]
    assert rows == [[1, 0, 1]]


def test_it_maps_places_with_coordinates_and_lists_the_others():
    idlib = make_place("Idlib", latitude=35.93, longitude=36.63)
    road = make_place("M4 highway", kind="road")
    make_event("2019-02-12", places=[idlib, road])
    make_event("2019-02-13", places=[idlib])
    make_event("2019-02-14", places=[road], status=Event.Status.CANDIDATE)

    points, unmapped = selectors.map_points(selectors.published_events())

    assert [(p.name, p.count, p.url) for p in points] == [("Idlib", 2, "/places/idlib/")]
    assert unmapped == [(road, 1)]


def test_it_includes_places_inside_a_place():
    syria = make_place("Syria", kind="country")
    idlib = make_place("Idlib", parent=syria)
    saraqib = make_place("Saraqib", parent=idlib)

    assert set(selectors.place_and_descendants(syria)) == {syria.pk, idlib.pk, saraqib.pk}


def test_it_lays_out_an_agreements_events_by_relation():
    sochi = make_agreement("Sochi agreement")
    signed = make_event("2018-09-17", agreements=[sochi], kind=Event.Kind.AGREEMENT_SIGNED)
    signed.agreement_links.update(relation="signs")
    make_event("2018-10-15", agreements=[sochi], kind=Event.Kind.DEADLINE)
    make_event("2019-01-01", agreements=[sochi], status=Event.Status.CANDIDATE)

    data = selectors.agreement_timeline(sochi)

    assert data.mode == "events" and data.total == 2
    assert data.lanes == ["Signs", "References"]
    assert [e.deadline for e in data.events] == [False, True]


def test_it_rebuilds_cached_charts_when_an_event_is_published():
    event = make_event("2019-02-12", status=Event.Status.CANDIDATE)
    assert selectors.cached("count", {}, lambda: selectors.published_events().count()) == 0

    event.status = Event.Status.PUBLISHED
    event.save()

    assert selectors.cached("count", {}, lambda: selectors.published_events().count()) == 1


def test_it_rebuilds_cached_charts_when_an_events_actors_or_places_change():
    event = make_event("2019-02-12")

    def actors():
        return selectors.cached("actors", {}, lambda: [b.label for b in selectors.top_actors(Event.objects.all())])

    assert actors() == []
    EventActor.objects.create(event=event, actor=make_actor("Turkey"))
    assert actors() == ["Turkey"]

    version = selectors.cache_version()
    event.places.add(make_place("Idlib"))
    assert selectors.cache_version() > version


def test_it_keys_the_cache_by_parameters():
    assert selectors.cached("x", {"a": 1}, lambda: "one") == "one"
    assert selectors.cached("x", {"a": 2}, lambda: "two") == "two"
    assert selectors.cached("x", {"a": 1}, lambda: "rebuilt") == "one"


@pytest.mark.postgres
def test_it_searches_with_the_gin_index_on_postgresql():
    from django.db import connection

    make_event("2019-02-12", title="Joint patrols on the M4 highway")
    make_event("2019-02-13", title="Talks in Sochi")
    qs = Event.objects.search("patrol")

    with connection.cursor() as cursor:
        # Small tables prefer a sequential scan; forbid it, so only a matching index expression can serve.
        cursor.execute("SET LOCAL enable_seqscan = off")
        plan = qs.explain()

    assert "tracker_event_search_gin" in plan
    assert [e.title for e in qs] == ["Joint patrols on the M4 highway"]
