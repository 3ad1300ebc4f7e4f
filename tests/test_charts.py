"""The chart builders: plain rows in, Plotly figures out, no database."""

import datetime as dt
import html
import json

import pytest

from tracker import charts
from tracker.charts import Bar, DensityCell, MapPoint, TimelineEvent

HOSTILE = [
    "<script>alert(1)</script>",
    "</script><b>bold</b>",
    '"onmouseover="alert(1)',
    "<img src=x onerror=alert(1)>",
]


@pytest.fixture(autouse=True)
def _validate_every_trace(monkeypatch):
    """Let plotly.py check the attributes of the large traces too, which production skips for speed."""
    monkeypatch.setattr(charts, "VALIDATE_LARGE", True)


def make_timeline_event(day="2019-02-12", *, precision="day", last=None, title="Turkey and Russia meet", **kwargs):
    start = dt.date.fromisoformat(day)
    values = {
        "url": "/events/1/",
        "title": title,
        "start": start,
        "last": last or start,
        "precision": precision,
        "date_text": "12 February 2019",
        "kind": "Meeting",
        "lane": "Meeting",
        "group": "No agreement",
        "actors": ("Turkey", "Russia"),
    }
    values.update(kwargs)
    return TimelineEvent(**values)


def payload_text(fig) -> str:
    return json.dumps(charts.to_payload(fig))


def traces(fig, kind):
    return [trace for trace in fig.data if trace.type == kind]


def test_it_draws_a_day_event_as_a_point_and_a_month_event_as_a_bar_over_the_month():
    day = make_timeline_event("2019-02-12")
    month = make_timeline_event("2018-09-01", precision="month", last=dt.date(2018, 9, 30), url="/events/2/")

    fig = charts.timeline_figure([day, month], lanes=["Meeting"], groups=["No agreement"])

    (points,) = traces(fig, "scatter")
    assert list(points.x) == ["2019-02-12"]
    (bars,) = traces(fig, "bar")
    assert list(bars.base) == ["2018-09-01"]
    assert list(bars.x) == [30 * charts.MS_PER_DAY]  # the whole of September, not its first day
    assert bars.orientation == "h"


def test_it_draws_an_event_with_an_end_date_as_a_span():
    ranged = make_timeline_event("2019-01-16", last=dt.date(2019, 1, 29))

    fig = charts.timeline_figure([ranged], lanes=["Meeting"], groups=["No agreement"])

    (bars,) = traces(fig, "bar")
    assert list(bars.x) == [14 * charts.MS_PER_DAY]
    assert not traces(fig, "scatter")


def test_it_says_how_precisely_an_event_is_known_in_its_hover():
    month = make_timeline_event("2018-09-01", precision="month", last=dt.date(2018, 9, 30), date_text="September 2018")

    fig = charts.timeline_figure([month], lanes=["Meeting"], groups=["No agreement"])

    (bars,) = traces(fig, "bar")
    assert "September 2018" in bars.customdata[0][2]
    assert "known to the month" in bars.customdata[0][2]


def test_it_puts_the_event_url_first_in_customdata_for_clicks():
    fig = charts.timeline_figure([make_timeline_event(url="/events/41/")], lanes=["Meeting"], groups=["No agreement"])

    assert fig.data[0].customdata[0][0] == "/events/41/"


@pytest.mark.parametrize("hostile", HOSTILE)
def test_it_escapes_article_text_everywhere_plotly_renders_html(hostile):
    event = make_timeline_event(title=hostile, lane=hostile, group=hostile, actors=(hostile,), kind=hostile)
    figures = [
        charts.timeline_figure([event], lanes=[hostile], groups=[hostile], title=hostile),
        charts.density_figure(
            [DensityCell(hostile, dt.date(2019, 1, 1), "month", 3, "/timeline/")], lanes=[hostile], title=hostile
        ),
        charts.monthly_figure([(dt.date(2019, 1, 1), hostile, 2)], series=[hostile], title=hostile),
        charts.bar_figure([Bar(hostile, 3, "/actors/x/")], title=hostile),
        charts.heatmap_figure([[1]], x=[hostile], y=[hostile], title=hostile),
        charts.map_figure([MapPoint(hostile, 35.0, 36.0, 2, "/places/x/")], title=hostile),
    ]
    for fig in figures:
        text = payload_text(fig)
        assert json.dumps(hostile)[1:-1] not in text
        assert json.dumps(html.escape(hostile))[1:-1] in text


def test_it_colours_each_agreement_and_greys_events_without_one():
    events = [
        make_timeline_event(group="Sochi agreement"),
        make_timeline_event(group="No agreement", url="/events/2/"),
    ]

    fig = charts.timeline_figure(events, lanes=["Meeting"], groups=["Sochi agreement", "No agreement"])

    colours = {trace.name: trace.marker.color for trace in fig.data}
    assert colours["No agreement"] == charts.NEUTRAL
    assert colours["Sochi agreement"] == charts.PALETTE[0]


def test_it_marks_deadlines_with_a_diamond():
    fig = charts.timeline_figure(
        [make_timeline_event(deadline=True), make_timeline_event("2019-03-01", url="/events/2/")],
        lanes=["Meeting"],
        groups=["No agreement"],
    )

    assert list(fig.data[0].marker.symbol) == ["diamond", "circle"]


def test_it_switches_to_webgl_when_points_are_many():
    start = dt.date(2015, 1, 1)
    many = [
        make_timeline_event((start + dt.timedelta(days=i)).isoformat(), url=f"/events/{i}/")
        for i in range(charts.WEBGL_THRESHOLD + 1)
    ]

    assert traces(charts.timeline_figure(many, lanes=["Meeting"], groups=["No agreement"]), "scattergl")
    assert traces(charts.timeline_figure(many[:10], lanes=["Meeting"], groups=["No agreement"]), "scatter")


def test_it_draws_density_cells_known_to_the_year_as_a_bar_across_the_year():
    cells = [
        DensityCell("Attack", dt.date(2018, 9, 1), "month", 12, "/timeline/?kind=attack&date_from=2018-09"),
        DensityCell("Attack", dt.date(2018, 1, 1), "year", 5, "/timeline/?kind=attack&date_from=2018"),
    ]

    fig = charts.density_figure(cells, lanes=["Attack"], total=17)

    (year,) = traces(fig, "bar")
    assert list(year.base) == ["2018-01-01"] and list(year.x) == [365 * charts.MS_PER_DAY]
    (month,) = traces(fig, "scatter")
    assert list(month.x) == ["2018-09-15"]  # mid-month, not its first day
    assert month.customdata[0][0].startswith("/timeline/?kind=attack")
    assert "17 events" in payload_text(fig)


def test_it_leaves_events_known_only_to_the_year_out_of_monthly_bars_and_says_how_many():
    fig = charts.monthly_figure(
        [(dt.date(2019, 1, 1), "Attack", 3), (dt.date(2019, 2, 1), "Attack", 1), (dt.date(2019, 1, 1), "Meeting", 2)],
        series=["Attack", "Meeting", "Summit"],
        year_only=7,
    )

    assert [trace.name for trace in fig.data] == ["Attack", "Meeting"]
    assert list(fig.data[0].y) == [3, 1]
    assert "7 events known only to their year" in payload_text(fig)


def test_it_ranks_bars_with_links():
    fig = charts.bar_figure([Bar("Turkey", 10, "/actors/turkey/"), Bar("Russia", 4, "/actors/russia/")])

    assert list(fig.data[0].y) == ["Turkey", "Russia"]
    assert fig.data[0].customdata[1][0] == "/actors/russia/"
    assert fig.layout.yaxis.autorange == "reversed"


def test_it_frames_the_map_on_syria_and_widens_it_for_distant_points():
    syria_only = charts.map_figure([MapPoint("Idlib", 35.93, 36.63, 3, "/places/idlib/")])
    with_sochi = charts.map_figure([MapPoint("Sochi", 43.6, 39.7, 1, "/places/sochi/")])

    assert list(syria_only.layout.geo.lataxis.range) == [31.0, 38.5]
    assert with_sochi.layout.geo.lataxis.range[1] == pytest.approx(44.6)
    assert syria_only.data[0].type == "scattergeo"
    assert syria_only.data[0].customdata[0][0] == "/places/idlib/"


def test_it_explains_an_empty_chart_instead_of_drawing_nothing():
    fig = charts.timeline_figure([], lanes=[], groups=[])

    assert "No published events match." in payload_text(fig)


def test_it_keeps_figures_small_by_using_its_own_template():
    fig = charts.bar_figure([Bar("Turkey", 10, "/actors/turkey/")])

    text = payload_text(fig)
    assert len(text) < 3000
    assert "histogram2dcontour" not in text  # plotly's default template is not shipped
