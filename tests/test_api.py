"""The read API: curated data, events, visibility, filters, ordering, pagination, aggregates."""

import datetime as dt

import pytest
from django.contrib.auth.models import Permission
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from tests.factories import make_actor, make_agreement, make_article, make_event, make_place, make_user
from tracker.models import ActorRelation, AgreementParty, Event, EventActor, EventAgreement

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fresh_throttle():
    # Throttle counters live in the cache; one test's requests must not slow the next.
    cache.clear()


def client_for(user=None):
    client = APIClient()
    if user is not None:
        client.force_authenticate(user)
    return client


def get(path, user=None, **params):
    response = client_for(user).get(path, params)
    return response


def ids(response):
    return [row["id"] for row in response.json()["results"]]


# --- Curated data ----------------------------------------------------------------


def test_it_lists_actors_and_shows_one_by_slug_with_aliases_and_relations():
    turkey = make_actor("Turkey", aliases=["Ankara"])
    akar = make_actor("Hulusi Akar", kind="person", acts_for=turkey)

    listing = get(reverse("api-actor-list")).json()
    assert listing["count"] == 2
    assert [row["slug"] for row in listing["results"]] == ["hulusi-akar", "turkey"]

    detail = get(reverse("api-actor-detail", args=["turkey"])).json()
    assert detail["name"] == "Turkey"
    assert detail["aliases"] == [{"name": "Ankara", "kind": "alias"}]
    assert detail["related_from"][0]["actor"]["slug"] == akar.slug
    assert detail["related_from"][0]["kind"] == ActorRelation.Kind.ACTS_FOR
    assert detail["page_url"] == "/actors/turkey/"

    person = get(reverse("api-actor-detail", args=[akar.slug])).json()
    assert person["relations"] == [
        {
            "kind": "acts_for",
            "other": {"slug": "turkey", "name": "Turkey", "kind": "state"},
            "start": None,
            "end": None,
            "source": "",
        }
    ]


def test_it_answers_404_for_an_unknown_slug():
    assert get(reverse("api-actor-detail", args=["nobody"])).status_code == 404
    assert get(reverse("api-place-detail", args=["nowhere"])).status_code == 404
    assert get(reverse("api-agreement-detail", args=["nothing"])).status_code == 404


def test_it_shows_places_with_coordinates_and_parent():
    syria = make_place("Syria", kind="country")
    make_place("Idlib", kind="city", latitude=35.93, longitude=36.63, parent=syria)
    detail = get(reverse("api-place-detail", args=["idlib"])).json()
    assert detail["latitude"] == 35.93 and detail["longitude"] == 36.63
    assert detail["parent"] == "syria"


def test_it_shows_an_agreement_with_its_parties_and_their_roles():
    turkey, russia, iran = make_actor("Turkey"), make_actor("Russia"), make_actor("Iran")
    astana = make_agreement("Astana process", date=dt.date(2017, 1, 1), date_precision="month")
    AgreementParty.objects.create(agreement=astana, actor=turkey, role="guarantor")
    AgreementParty.objects.create(agreement=astana, actor=russia, role="guarantor")
    AgreementParty.objects.create(agreement=astana, actor=iran, role="observer")

    detail = get(reverse("api-agreement-detail", args=["astana-process"])).json()
    assert detail["date"] == "2017-01"
    assert {(p["actor"]["slug"], p["role"]) for p in detail["parties"]} == {
        ("turkey", "guarantor"),
        ("russia", "guarantor"),
        ("iran", "observer"),
    }


# --- Events: shape and visibility --------------------------------------------------


def test_it_shows_an_event_with_its_actors_places_agreements_and_sources():
    turkey, russia = make_actor("Turkey"), make_actor("Russia")
    idlib = make_place("Idlib")
    sochi = make_agreement("Sochi memorandum")
    article = make_article(
        "Turkey and Russia signed a memorandum in Sochi in September 2018.",
        title="Deal on Idlib",
        publisher="Example News",
        url="https://example.org/idlib",
        published=dt.date(2018, 9, 18),
    )
    event = make_event(
        "2018-09",
        date_end="2018-10",
        title="Sochi memorandum",
        actors=[turkey],
        places=[idlib],
        article=article,
        sentence="Turkey and Russia signed a memorandum in Sochi in September 2018.",
    )
    EventActor.objects.create(event=event, actor=russia, role="initiator")
    EventAgreement.objects.create(event=event, agreement=sochi, relation="signs")

    data = get(reverse("api-event-detail", args=[event.pk])).json()
    assert data["date"] == "2018-09"
    assert data["date_end"] == "2018-10"
    assert data["precision"] == "month"
    assert data["title"] == "Sochi memorandum"
    assert data["page_url"].endswith(f"/events/{event.pk}/")
    assert {(a["slug"], a["role"]) for a in data["actors"]} == {("turkey", "participant"), ("russia", "initiator")}
    assert data["places"][0]["slug"] == "idlib"
    assert data["agreements"] == [{"slug": "sochi-memorandum", "name": "Sochi memorandum", "relation": "signs"}]
    assert data["sources"] == [
        {
            "sentence": "Turkey and Russia signed a memorandum in Sochi in September 2018.",
            "date_text": "yesterday",
            "article": {
                "title": "Deal on Idlib",
                "publisher": "Example News",
                "published": "2018-09-18",
                "url": "https://example.org/idlib",
            },
        }
    ]


def test_it_builds_events_exactly_as_the_declared_fields_would():
    from rest_framework.request import Request
    from rest_framework.test import APIRequestFactory

    from tracker.api.serializers import EventSerializer, event_prefetches

    turkey = make_actor("Turkey")
    article = make_article("Secret wording.", internal=True, url="https://example.org/x", published=None)
    event = make_event(
        "2018-09",
        date_end="2019",
        actors=[turkey],
        places=[make_place(latitude=1.5, longitude=2.5)],
        agreements=[make_agreement()],
        article=article,
        sentence="Secret wording.",
    )
    make_event("2019-01-02", status=Event.Status.CANDIDATE, article=make_article())
    request = Request(APIRequestFactory().get("/api/events/"))
    prefetched = Event.objects.prefetch_related(*event_prefetches())
    for shown in (False, True):
        for one in [*Event.objects.all(), *prefetched]:
            serializer = EventSerializer(context={"request": request, "show_internal": shown})
            assert serializer.to_representation(one) == serializer.generic_representation(one)
    assert event.pk


def test_it_formats_the_date_by_precision():
    day, month, year = make_event("2018-09-17"), make_event("2018-09"), make_event("2018")
    dates = {row["id"]: row["date"] for row in get(reverse("api-event-list")).json()["results"]}
    assert dates == {day.pk: "2018-09-17", month.pk: "2018-09", year.pk: "2018"}


def test_it_withholds_the_sentence_of_an_internal_article_from_readers():
    article = make_article("Licensed text that must stay internal.", internal=True)
    event = make_event(article=article, sentence="Licensed text that must stay internal.")
    source = get(reverse("api-event-detail", args=[event.pk])).json()["sources"][0]
    assert source["sentence"] is None
    assert source["article"]["title"] == "A test article"

    reviewer = make_user("Reviewer")
    staff_view = get(reverse("api-event-detail", args=[event.pk]), reviewer).json()["sources"][0]
    assert staff_view["sentence"] == "Licensed text that must stay internal."


def test_it_shows_readers_published_events_only():
    published = make_event(title="public")
    candidate = make_event(title="candidate", status=Event.Status.CANDIDATE)
    rejected = make_event(title="rejected", status=Event.Status.REJECTED)
    plain_user = make_user()

    for user in (None, plain_user):
        assert ids(get(reverse("api-event-list"), user)) == [published.pk]
        # Asking for candidates does not reveal them.
        assert ids(get(reverse("api-event-list"), user, status="candidate")) == [published.pk]
        for hidden in (candidate, rejected):
            assert get(reverse("api-event-detail", args=[hidden.pk]), user).status_code == 404


@pytest.mark.parametrize("group", ["Editor", "Reviewer"])
def test_it_lets_editors_and_reviewers_ask_for_candidates(group):
    published = make_event(title="public")
    candidate = make_event(title="candidate", status=Event.Status.CANDIDATE)
    user = make_user(group)

    assert ids(get(reverse("api-event-list"), user)) == [published.pk]
    assert ids(get(reverse("api-event-list"), user, status="candidate")) == [candidate.pk]
    detail = get(reverse("api-event-detail", args=[candidate.pk]), user).json()
    assert detail["status"] == "candidate"
    assert detail["page_url"] is None


def test_it_needs_both_staff_and_the_view_permission_for_candidates():
    candidate = make_event(status=Event.Status.CANDIDATE)
    user = make_user()
    user.user_permissions.add(Permission.objects.get(codename="view_event"))
    assert ids(get(reverse("api-event-list"), user, status="candidate")) == []
    user.is_staff = True
    user.save()
    assert ids(get(reverse("api-event-list"), user, status="candidate")) == [candidate.pk]


def test_it_leaves_out_events_merged_into_others():
    target = make_event(title="target")
    merged = make_event(title="merged", merged_into=target)
    assert ids(get(reverse("api-event-list"))) == [target.pk]
    assert merged.pk not in ids(get(reverse("api-event-list"), make_user("Reviewer"), status="published"))


# --- Filters -----------------------------------------------------------------------


def test_it_filters_by_several_actors_as_any_of_them():
    turkey, russia, iran = make_actor("Turkey"), make_actor("Russia"), make_actor("Iran")
    both = make_event(actors=[turkey, russia])
    only_russia = make_event(actors=[russia])
    make_event(actors=[iran])
    found = ids(get(reverse("api-event-list"), actor=["turkey", "russia"]))
    assert sorted(found) == sorted([both.pk, only_russia.pk])  # each event once


def test_it_filters_by_agreement_place_kind_and_precision():
    sochi, idlib = make_agreement("Sochi"), make_place("Idlib")
    under = make_event("2018-09-17", agreements=[sochi], kind="agreement_signed")
    at = make_event("2018-09", places=[idlib], kind="attack")
    patrol = make_event("2019", kind="patrol")
    assert ids(get(reverse("api-event-list"), agreement="sochi")) == [under.pk]
    assert ids(get(reverse("api-event-list"), place="idlib")) == [at.pk]
    assert sorted(ids(get(reverse("api-event-list"), kind=["attack", "patrol"]))) == sorted([at.pk, patrol.pk])
    assert ids(get(reverse("api-event-list"), precision="month")) == [at.pk]


def test_it_returns_a_month_event_for_a_day_inside_that_month():
    september = make_event("2018-09", title="September 2018")
    make_event("2018-08-31", title="too early")
    year = make_event("2018", title="2018")
    found = ids(get(reverse("api-event-list"), date_from="2018-09-15", date_to="2018-09-20"))
    assert sorted(found) == sorted([september.pk, year.pk])


def test_it_takes_partial_dates_as_whole_periods():
    make_event("2018-08-31")
    sept = make_event("2018-09-01")
    oct_ = make_event("2018-10-31")
    make_event("2018-11-01")
    assert sorted(ids(get(reverse("api-event-list"), date_from="2018-09", date_to="2018-10"))) == sorted(
        [sept.pk, oct_.pk]
    )
    assert len(ids(get(reverse("api-event-list"), date_from="2018", date_to="2018"))) == 4


def test_it_searches_title_and_summary():
    hit = make_event(title="Ceasefire agreed in Idlib")
    other = make_event(title="Patrol", summary="A joint patrol near the ceasefire line")
    make_event(title="Summit in Tehran")
    assert sorted(ids(get(reverse("api-event-list"), q="ceasefire"))) == sorted([hit.pk, other.pk])


def test_it_filters_by_updated_since_for_incremental_sync():
    old = make_event(title="old")
    Event.objects.filter(pk=old.pk).update(updated_at=timezone.now() - dt.timedelta(days=3))
    new = make_event(title="new")
    since = (timezone.now() - dt.timedelta(days=1)).isoformat()
    assert ids(get(reverse("api-event-list"), updated_since=since)) == [new.pk]


@pytest.mark.parametrize(
    "params, field",
    [
        ({"actor": "nobody"}, "actor"),
        ({"place": "nowhere"}, "place"),
        ({"agreement": "none"}, "agreement"),
        ({"kind": "picnic"}, "kind"),
        ({"precision": "hour"}, "precision"),
        ({"date_from": "2018-13"}, "date_from"),
        ({"date_to": "yesterday"}, "date_to"),
        ({"updated_since": "not a time"}, "updated_since"),
        ({"ordering": "title"}, "ordering"),
    ],
)
def test_it_refuses_a_bad_filter_with_a_message_naming_it(params, field):
    response = get(reverse("api-event-list"), **params)
    assert response.status_code == 400
    assert field in response.json()


# --- Ordering and pagination -------------------------------------------------------


def test_it_orders_by_date_either_way_and_by_update():
    year = make_event("2018")
    month = make_event("2018-01")
    day = make_event("2018-01-01")
    earlier = make_event("2017-12-31")
    Event.objects.filter(pk=day.pk).update(updated_at=timezone.now() - dt.timedelta(days=1))
    assert ids(get(reverse("api-event-list"), ordering="date")) == [earlier.pk, year.pk, month.pk, day.pk]
    assert ids(get(reverse("api-event-list"), ordering="-date")) == [day.pk, month.pk, year.pk, earlier.pk]
    assert ids(get(reverse("api-event-list"))) == [day.pk, month.pk, year.pk, earlier.pk]
    assert ids(get(reverse("api-event-list"), ordering="updated"))[0] == day.pk
    assert ids(get(reverse("api-event-list"), ordering="-updated"))[-1] == day.pk


def test_it_pages_events_with_a_count():
    for n in range(7):
        make_event(f"2019-01-0{n + 1}")
    first = get(reverse("api-event-list"), page_size=3, ordering="date").json()
    assert first["count"] == 7
    assert len(first["results"]) == 3
    assert first["next"] and first["previous"] is None
    last = get(reverse("api-event-list"), page_size=3, page=3, ordering="date").json()
    assert [row["date"] for row in last["results"]] == ["2019-01-07"]
    assert get(reverse("api-event-list"), page=9).status_code == 404


def make_rich_events(count):
    actors = [make_actor() for _ in range(3)]
    place, agreement, article = make_place(), make_agreement(), make_article()
    for n in range(count):
        make_event(
            f"2019-02-{n % 28 + 1:02d}",
            actors=actors,
            places=[place],
            agreements=[agreement],
            article=article,
            sentence=article.body[:40],
        )


def test_it_counts_afresh_once_published_events_change():
    make_event()
    assert get(reverse("api-event-list")).json()["count"] == 1
    make_event()
    assert get(reverse("api-event-list")).json()["count"] == 2
    candidate = make_event(status=Event.Status.CANDIDATE)
    reviewer = make_user("Reviewer", password=None)
    assert get(reverse("api-event-list"), reviewer, status="candidate").json()["count"] == 1
    # The parser writes candidates in bulk, with no signal: their count is never cached.
    Event.objects.bulk_create([Event(title="bulk", date_start=candidate.date_start, date_last=candidate.date_last)])
    assert get(reverse("api-event-list"), reviewer, status="candidate").json()["count"] == 2


def test_it_serves_a_page_of_events_in_a_fixed_number_of_queries(django_assert_num_queries):
    make_rich_events(60)
    # 1 count, 1 page of events, 4 prefetches: actors, places, agreements, sources with their articles.
    with django_assert_num_queries(6):
        response = get(reverse("api-event-list"))
    assert len(response.json()["results"]) == 50
    assert all(len(row["actors"]) == 3 and row["sources"] for row in response.json()["results"])


def test_it_keeps_the_query_count_when_filtering_by_actor(django_assert_num_queries):
    make_rich_events(55)
    slug = EventActor.objects.first().actor.slug
    # 1 actor lookup (validating the slug), 1 count, 1 page, 4 prefetches.
    with django_assert_num_queries(7):
        response = get(reverse("api-event-list"), actor=slug)
    assert response.json()["count"] == 55


def test_it_syncs_every_changed_event_by_cursor_in_update_order():
    events = [make_event(title=f"e{n}") for n in range(5)]
    base = timezone.now() - dt.timedelta(hours=1)
    for n, event in enumerate(events):
        Event.objects.filter(pk=event.pk).update(updated_at=base + dt.timedelta(minutes=n))
    seen, url = (
        [],
        reverse("api-event-sync")
        + "?page_size=2&updated_since="
        + (base + dt.timedelta(minutes=1)).isoformat().replace("+", "%2B"),
    )
    while url:
        page = client_for().get(url).json()
        assert "count" not in page
        seen += [row["id"] for row in page["results"]]
        url = page["next"]
    assert seen == [e.pk for e in events[1:]]


# --- Read-only and throttling --------------------------------------------------------


@pytest.mark.parametrize(
    "name, args",
    [
        ("api-actor-list", []),
        ("api-place-list", []),
        ("api-agreement-list", []),
        ("api-event-list", []),
        ("api-actor-detail", ["turkey"]),
        ("api-event-detail", [None]),
    ],
)
@pytest.mark.parametrize("who", [None, "plain", "Editor", "Reviewer"])
def test_it_refuses_writes_to_read_only_endpoints(name, args, who):
    make_actor("Turkey")
    event = make_event()
    args = [event.pk if a is None else a for a in args]
    user = None if who is None else make_user() if who == "plain" else make_user(who)
    client = client_for(user)
    url = reverse(name, args=args)
    for method in ("post", "put", "patch", "delete"):
        response = getattr(client, method)(url, {"title": "changed"}, format="json")
        # Anonymous writes are refused by authentication first; signed-in ones by the method.
        assert response.status_code == (401 if user is None else 405), (method, response.status_code)
    assert Event.objects.get(pk=event.pk).title == event.title


def test_it_throttles_anonymous_clients(monkeypatch):
    from rest_framework.throttling import AnonRateThrottle

    monkeypatch.setattr(AnonRateThrottle, "rate", "3/minute", raising=False)
    monkeypatch.setattr(AnonRateThrottle, "num_requests", 3, raising=False)
    monkeypatch.setattr(AnonRateThrottle, "duration", 60, raising=False)
    monkeypatch.setattr(AnonRateThrottle, "get_rate", lambda self: "3/minute")
    codes = [get(reverse("api-actor-list")).status_code for _ in range(5)]
    assert codes == [200, 200, 200, 429, 429]
    # A signed-in client has its own, higher budget.
    assert get(reverse("api-actor-list"), make_user()).status_code == 200


# --- Aggregates ---------------------------------------------------------------------


def test_it_counts_events_per_month_by_kind_leaving_out_year_dates():
    make_event("2018-09-01", kind="attack")
    make_event("2018-09", kind="attack")
    make_event("2018-09-30", kind="meeting")
    make_event("2018-10-02", kind="attack")
    make_event("2018", kind="attack")
    make_event("2018-09-05", kind="attack", status=Event.Status.CANDIDATE)

    data = get(reverse("api-stats-events-per-period")).json()
    assert data["coarser"] == 1
    assert [(r["period"], r["key"], r["count"]) for r in data["results"]] == [
        ("2018-09", "attack", 2),
        ("2018-09", "meeting", 1),
        ("2018-10", "attack", 1),
    ]
    yearly = get(reverse("api-stats-events-per-period"), period="year").json()
    assert [(r["period"], r["key"], r["count"]) for r in yearly["results"]] == [
        ("2018", "attack", 4),
        ("2018", "meeting", 1),
    ]


def test_it_counts_events_per_year_by_actor_for_the_top_actors():
    turkey, russia, iran = make_actor("Turkey"), make_actor("Russia"), make_actor("Iran")
    make_event("2018-01-01", actors=[turkey, russia])
    make_event("2018-02-01", actors=[turkey])
    make_event("2019-02-01", actors=[turkey, iran])
    data = get(reverse("api-stats-events-per-period"), period="year", by="actor", top=2).json()
    rows = {(r["period"], r["key"]): r["count"] for r in data["results"]}
    assert rows == {("2018", "turkey"): 2, ("2018", "russia"): 1, ("2019", "turkey"): 1}


def test_it_counts_published_events_only_even_for_staff():
    make_event("2018-09-01", kind="attack")
    make_event("2018-09-02", kind="attack", status=Event.Status.CANDIDATE)
    data = get(reverse("api-stats-events-per-period"), make_user("Reviewer", password=None), status="candidate").json()
    assert [r["count"] for r in data["results"]] == [1]


def test_it_filters_aggregates_like_the_event_list():
    idlib = make_place("Idlib")
    make_event("2018-09-01", kind="attack", places=[idlib])
    make_event("2018-09-02", kind="attack")
    data = get(reverse("api-stats-events-per-period"), place="idlib").json()
    assert [r["count"] for r in data["results"]] == [1]
    assert get(reverse("api-stats-events-per-period"), period="week").status_code == 400


def test_it_counts_actor_pairs_in_published_events():
    turkey, russia, iran = make_actor("Turkey"), make_actor("Russia"), make_actor("Iran")
    make_event(actors=[turkey, russia])
    make_event(actors=[turkey, russia, iran])
    make_event(actors=[iran])
    make_event(actors=[iran, russia], status=Event.Status.CANDIDATE)

    results = get(reverse("api-stats-actor-pairs")).json()["results"]
    pairs = {frozenset((r["a"]["slug"], r["b"]["slug"])): r["count"] for r in results}
    assert pairs == {
        frozenset(("turkey", "russia")): 2,
        frozenset(("turkey", "iran")): 1,
        frozenset(("russia", "iran")): 1,
    }
    assert results[0]["count"] == 2
    assert len(get(reverse("api-stats-actor-pairs"), limit=1).json()["results"]) == 1


@pytest.mark.parametrize("path", ["/api/events.json", "/api/events/sync.json", "/api/actors.json"])
def test_it_answers_the_format_suffix_routes(path):
    make_event()
    response = get(path)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")


@pytest.mark.django_db
@pytest.mark.parametrize("value", ["1321-04-24T20:40:18.59-20:52", "0001-01-01T00:00:00+23:00"])
def test_it_accepts_or_refuses_extreme_updated_since_offsets_without_a_server_error(client, value):
    response = client.get("/api/events/", {"updated_since": value})
    assert response.status_code in {200, 400}
    response = client.get("/api/stats/actor-pairs/", {"updated_since": value})
    assert response.status_code in {200, 400}
