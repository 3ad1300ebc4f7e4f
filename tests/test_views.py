"""The reader pages: what they show, what they never show, and how many queries they take."""

import json
import re

import pytest
from django.core.cache import cache
from django.urls import reverse

from tests.factories import make_actor, make_agreement, make_article, make_event, make_place, make_user
from tracker.models import ActorRelation, AgreementParty, Event

pytestmark = pytest.mark.django_db

HOSTILE = '<script>alert("x")</script> </script><b>bold</b> "onmouseover="alert(1)'


@pytest.fixture(autouse=True)
def _empty_cache():
    cache.clear()


@pytest.fixture
def world():
    """A small published world, with unpublished events that must never show."""
    turkey = make_actor("Turkey", aliases=["Ankara"])
    russia = make_actor("Russia")
    syria = make_place("Syria", kind="country", latitude=35.0, longitude=38.5)
    idlib = make_place("Idlib", parent=syria, latitude=35.93, longitude=36.63)
    sochi = make_agreement("Sochi agreement", summary="A demilitarised zone around Idlib.")
    AgreementParty.objects.create(agreement=sochi, actor=turkey, role=AgreementParty.Role.GUARANTOR)
    ActorRelation.objects.create(actor=turkey, other=russia, kind=ActorRelation.Kind.ALLIED_WITH)
    article = make_article(
        "Turkey and Russia signed the Sochi agreement in September last year.",
        title="Idlib deal",
        publisher="Daily Sabah",
        url="https://example.org/idlib",
    )
    signed = make_event(
        "2018-09",
        title="Turkey and Russia sign the Sochi agreement",
        kind=Event.Kind.AGREEMENT_SIGNED,
        actors=[turkey, russia],
        places=[idlib],
        agreements=[sochi],
        article=article,
        sentence="Turkey and Russia signed the Sochi agreement in September last year.",
    )
    meeting = make_event("2019-02-12", title="Turkey and Russia meet on Idlib", actors=[turkey, russia], places=[idlib])
    target = make_event("2019-03-01", title="Joint patrols begin", actors=[turkey], places=[idlib])
    hidden = [
        make_event("2019-04-01", title="SECRET candidate", status=Event.Status.CANDIDATE, actors=[turkey],
                   places=[idlib], agreements=[sochi]),
        make_event("2019-04-02", title="SECRET rejected", status=Event.Status.REJECTED, actors=[turkey],
                   places=[idlib], agreements=[sochi]),
        make_event("2019-04-03", title="SECRET merged", merged_into=target, actors=[turkey], places=[idlib],
                   agreements=[sochi]),
    ]  # fmt: skip
    return {
        "turkey": turkey,
        "russia": russia,
        "syria": syria,
        "idlib": idlib,
        "sochi": sochi,
        "signed": signed,
        "meeting": meeting,
        "hidden": hidden,
    }


def public_urls(world):
    return [
        reverse("overview"),
        reverse("overview") + "?lanes=actor",
        reverse("timeline"),
        reverse("timeline") + "?lanes=actor&order=oldest",
        reverse("timeline") + f"?actor={world['turkey'].slug}&date_from=2019",
        reverse("map"),
        reverse("matrix"),
        reverse("actor-index"),
        reverse("place-index"),
        reverse("agreement-index"),
        world["turkey"].get_absolute_url(),
        world["idlib"].get_absolute_url(),
        world["syria"].get_absolute_url(),
        world["sochi"].get_absolute_url(),
        world["signed"].get_absolute_url(),
    ]


def chart_data(response) -> dict:
    """Return the JSON of every chart on the page, by element id."""
    html = response.content.decode()
    found = re.findall(r'<script id="([^"]+)" type="application/json">(.*?)</script>', html, re.S)
    return {element_id: json.loads(text) for element_id, text in found}


def test_it_serves_every_page_without_unpublished_events(client, world):
    for url in public_urls(world):
        response = client.get(url)
        assert response.status_code == 200, url
        assert b"SECRET" not in response.content, url


def test_it_returns_404_for_events_that_are_not_published(client, world):
    for event in world["hidden"]:
        assert client.get(event.get_absolute_url()).status_code == 404


def test_it_draws_the_overview_with_numbers_and_four_charts(client, world):
    response = client.get(reverse("overview"))

    content = response.content.decode()
    assert "<title>Overview · Syria Conflict Tracker</title>" in content
    assert set(chart_data(response)) == {"timeline-data", "monthly-data", "actors-data"}
    numbers = response.context["numbers"]
    assert (numbers["events"], numbers["actors"], numbers["places"], numbers["agreements"]) == (3, 2, 1, 1)
    timeline = chart_data(response)["timeline-data"]
    urls = {point[0] for trace in timeline["data"] for point in trace["customdata"]}
    assert world["signed"].get_absolute_url() in urls
    assert "vendor/plotly/plotly-strict.min.js" in content


def test_it_draws_a_month_precision_event_over_its_whole_month(client, world):
    timeline = chart_data(client.get(reverse("overview")))["timeline-data"]

    bars = [trace for trace in timeline["data"] if trace["type"] == "bar"]
    assert bars[0]["base"] == ["2018-09-01"]
    assert bars[0]["x"] == [30 * 86_400_000]


def test_it_uses_no_inline_script(client, world):
    for url in public_urls(world):
        html = client.get(url).content.decode()
        for tag in re.findall(r"<script[^>]*>", html):
            assert "src=" in tag or 'type="application/json"' in tag, (url, tag)
        assert "onclick" not in html and "javascript:" not in html


def test_it_escapes_article_text_in_html_and_chart_json(client, world):
    turkey, idlib = world["turkey"], world["idlib"]
    article = make_article(f"They said {HOSTILE} today.", title=HOSTILE, publisher=HOSTILE, url="https://example.org/x")
    event = make_event(
        "2019-05-05", title=HOSTILE, actors=[make_actor(HOSTILE[:60]), turkey], places=[idlib],
        article=article, sentence=f"They said {HOSTILE} today.",
    )  # fmt: skip

    for url in [reverse("overview"), reverse("timeline"), turkey.get_absolute_url(), event.get_absolute_url()]:
        response = client.get(url)
        html = response.content.decode()
        assert "<script>alert" not in html, url
        assert "<b>bold</b>" not in html, url
        assert '"onmouseover="' not in html, url
        for element_id, figure in chart_data(response).items():
            text = json.dumps(figure)
            assert "<script>alert" not in text and "<b>bold" not in text, (url, element_id)


def test_it_shows_every_source_with_its_quote_and_citation(client, world):
    response = client.get(world["signed"].get_absolute_url())

    content = response.content.decode()
    assert "Turkey and Russia signed the Sochi agreement in September last year." in content
    assert "Idlib deal" in content and "Daily Sabah" in content
    assert 'href="https://example.org/idlib"' in content
    assert "September 2018" in content and "known only to the month" in content
    assert "Guarantor" not in content  # agreement roles belong to the agreement page
    assert "Sochi agreement" in content and "Idlib" in content and "Russia" in content


def test_it_keeps_the_quote_of_an_internal_article_internal(client, world):
    article = make_article("Licensed text: the sentence stays inside.", title="Licensed report", internal=True,
                           publisher="Wire", url="https://example.org/licensed")  # fmt: skip
    event = make_event("2019-06-01", article=article, sentence="Licensed text: the sentence stays inside.")

    content = client.get(event.get_absolute_url()).content.decode()

    assert "Licensed report" in content and "Wire" in content
    assert "the sentence stays inside" not in content
    assert "https://example.org/licensed" not in content


def test_it_never_links_an_article_url_that_is_not_a_web_address(client, world):
    article = make_article("A sentence.", title="Odd link")
    type(article).objects.filter(pk=article.pk).update(url="javascript:alert(1)")
    event = make_event("2019-06-01", article=article, sentence="A sentence.")

    content = client.get(event.get_absolute_url()).content.decode()

    assert "javascript:alert" not in content
    assert "Odd link" in content


def test_it_filters_the_timeline_from_the_query_and_links_exports_with_it(client, world):
    query = f"actor={world['turkey'].slug}&date_from=2019-03"

    response = client.get(reverse("timeline") + "?" + query)

    titles = [event.title for event in response.context["page"].object_list]
    assert titles == ["Joint patrols begin"]
    content = response.content.decode()
    assert f'href="/api/exports/events.csv?{query.replace("&", "&amp;")}"' in content
    assert f'href="/api/exports/events.jsonl?{query.replace("&", "&amp;")}"' in content
    assert 'value="2019-03"' in content  # the form shows the filter it applied


def test_it_searches_the_timeline_text(client, world):
    response = client.get(reverse("timeline") + "?q=patrols")

    assert [event.title for event in response.context["page"].object_list] == ["Joint patrols begin"]


def test_it_reports_a_malformed_date_instead_of_hiding_everything(client, world):
    response = client.get(reverse("timeline") + "?date_from=last+spring")

    assert "Enter a date as YYYY, YYYY-MM or YYYY-MM-DD" in response.content.decode()
    assert response.context["page"].paginator.count == 3


def test_it_paginates_the_timeline(client, world):
    for day in range(1, 29):
        make_event(f"2020-02-{day:02d}", title=f"February event {day}")
        make_event(f"2020-03-{day:02d}", title=f"March event {day}")

    first = client.get(reverse("timeline"))
    second = client.get(reverse("timeline") + "?page=2")

    assert first.context["page"].paginator.num_pages == 2
    assert first.context["page"].object_list[0].title == "March event 28"
    assert len(second.context["page"].object_list) == 59 - 50


def test_it_shows_an_actor_with_its_agreements_relations_and_partners(client, world):
    response = client.get(world["turkey"].get_absolute_url())

    content = response.content.decode()
    assert "<h1>Turkey</h1>" in content
    assert "Ankara" in content
    assert "Guarantor" in content and "Sochi agreement" in content
    assert "is allied with" in content
    partners = chart_data(response)["partners-data"]["data"][0]
    assert partners["y"] == ["Russia"] and partners["x"] == [2]


def test_it_shows_an_agreement_with_parties_and_its_timeline_by_relation(client, world):
    response = client.get(world["sochi"].get_absolute_url())

    content = response.content.decode()
    assert "Guarantor" in content and "A demilitarised zone around Idlib." in content
    figure = chart_data(response)["agreement-timeline-data"]
    lanes = {lane for trace in figure["data"] for lane in trace["y"]}
    assert lanes == {"References"}


def test_it_counts_events_inside_a_place_on_its_page(client, world):
    response = client.get(world["syria"].get_absolute_url())

    assert response.context["page"].paginator.count == 3  # all at Idlib, inside Syria
    figure = chart_data(response)["map-data"]
    assert figure["data"][0]["type"] == "scattergeo"


def test_it_maps_places_with_local_map_data(client, world):
    response = client.get(reverse("map"))

    content = response.content.decode()
    assert 'data-topojson-url="/static/vendor/topojson/"' in content
    point = chart_data(response)["map-data"]["data"][0]
    assert point["customdata"][0][0] == world["idlib"].get_absolute_url()


def test_it_shows_the_matrix_filtered_by_agreement(client, world):
    response = client.get(reverse("matrix") + f"?agreement={world['sochi'].slug}")

    pairs = chart_data(response)["pairs-data"]["data"][0]
    assert sorted(pairs["y"]) == ["Russia", "Turkey"]
    assert max(max(v or 0 for v in row) for row in pairs["z"]) == 1


def test_it_links_the_admin_for_staff_only(client, world):
    assert b'href="/admin/"' not in client.get(reverse("overview")).content

    client.force_login(make_user("Editor"))
    assert b'href="/admin/"' in client.get(reverse("overview")).content


def test_it_serves_cached_charts_and_shows_a_newly_published_event(client, world):
    client.get(reverse("overview"))
    candidate = world["hidden"][0]
    candidate.status = Event.Status.PUBLISHED
    candidate.save()

    response = client.get(reverse("overview"))

    assert response.context["numbers"]["events"] == 4
    assert b"SECRET candidate" in response.content


@pytest.mark.parametrize(
    ("name", "cold", "warm"),
    [
        # overview: 5 headline counts, counts by kind and month, the timeline's count, events, actors and
        # agreements, top actors; then the latest events with their actors and places (3, never cached).
        ("overview", 14, 3),
        # timeline: the chart's 4 reads; page count, page, actors, places; the 3 filter menus.
        ("timeline", 11, 7),
        ("map", 4, 2),
        ("matrix", 5, 1),
        ("actor-index", 2, 1),
        ("place-index", 2, 1),
        ("agreement-index", 2, 1),
    ],
)
def test_it_reads_a_bounded_number_of_queries(client, world, django_assert_max_num_queries, name, cold, warm):
    for day in range(1, 20):
        make_event(f"2020-01-{day:02d}", actors=[world["turkey"], make_actor()], places=[make_place()])

    with django_assert_max_num_queries(cold):
        client.get(reverse(name))
    with django_assert_max_num_queries(warm):  # the charts come from the cache
        client.get(reverse(name))


@pytest.mark.parametrize("kind", ["actor", "place", "agreement", "event"])
def test_it_reads_a_bounded_number_of_queries_on_detail_pages(client, world, django_assert_max_num_queries, kind):
    url = {
        "actor": world["turkey"].get_absolute_url(),
        "place": world["syria"].get_absolute_url(),
        "agreement": world["sochi"].get_absolute_url(),
        "event": world["signed"].get_absolute_url(),
    }[kind]
    for day in range(1, 20):
        make_event(f"2020-01-{day:02d}", actors=[world["turkey"], make_actor()], places=[world["idlib"]],
                   agreements=[world["sochi"]])  # fmt: skip

    with django_assert_max_num_queries(12):
        assert client.get(url).status_code == 200
