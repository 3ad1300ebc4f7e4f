"""Plotly figures for the reader pages: plain rows in, a Figure out.

No database here. Every string that may come from an article or an editor
is HTML-escaped before it enters a figure, because plotly.js renders hover
text, legend names and tick labels as pseudo-HTML.
"""

from __future__ import annotations

import datetime as dt
import html
import json
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import plotly.graph_objects as go

DAY, MONTH, YEAR = "day", "month", "year"

# Above this many points a scatter trace is drawn with WebGL.
WEBGL_THRESHOLD = 1000
# plotly.py's validation costs ~0.1 ms a point; traces that may hold thousands skip it. Their
# attributes are fixed in this module and checked by tests that set this to True.
VALIDATE_LARGE = False
MS_PER_DAY = 86_400_000

# Okabe-Ito, readable by people with colour-blindness; yellow last (low contrast on white).
PALETTE = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#000000", "#F0E442"]
# Paul Tol's "muted" scheme extended with Okabe-Ito: one stable colour per event kind.
SERIES_PALETTE = [
    "#332288",
    "#88CCEE",
    "#44AA99",
    "#117733",
    "#999933",
    "#DDCC77",
    "#CC6677",
    "#882255",
    "#AA4499",
    "#0072B2",
    "#E69F00",
    "#D55E00",
    "#56B4E9",
    "#6b6b6b",
]
NEUTRAL = "#9aa0a6"
SEQUENTIAL = "Cividis"
# Light to dark: in a heatmap, more reads as darker, and empty cells as paper.
HEAT = "Blues"
FONT = "system-ui, -apple-system, 'Segoe UI', Roboto, 'Helvetica Neue', Arial, sans-serif"

# A small template instead of plotly's default, which weighs ~8 kB per figure.
TEMPLATE = {
    "layout": {
        "font": {"family": FONT, "size": 13, "color": "#1f2933"},
        "paper_bgcolor": "#ffffff",
        "plot_bgcolor": "#ffffff",
        "colorway": PALETTE,
        "hoverlabel": {"bgcolor": "#ffffff", "bordercolor": "#52606d", "font": {"size": 13}, "align": "left"},
        "hovermode": "closest",
        "xaxis": {"gridcolor": "#e4e7eb", "linecolor": "#9aa5b1", "zeroline": False, "automargin": True},
        "yaxis": {"gridcolor": "#e4e7eb", "linecolor": "#9aa5b1", "zeroline": False, "automargin": True},
        # Below the plot: above it, the legend collides with the mode bar and titles.
        "legend": {"orientation": "h", "yanchor": "top", "y": -0.12, "x": 0, "traceorder": "normal"},
        "margin": {"l": 8, "r": 8, "t": 48, "b": 40},
    }
}


def esc(text) -> str:
    """Return `text` safe to show in plotly's pseudo-HTML."""
    return html.escape(str(text), quote=True)


@dataclass(frozen=True)
class TimelineEvent:
    """One published event as the timeline draws it."""

    url: str
    title: str
    start: dt.date  # the first day the event may have happened on
    last: dt.date  # the last day it covers (a month-precision event covers its month)
    precision: str
    date_text: str  # the date as precisely as it is known, for people
    kind: str
    lane: str
    group: str  # what it is coloured by
    actors: tuple[str, ...] = ()
    deadline: bool = False

    @property
    def is_span(self) -> bool:
        return self.precision != DAY or self.last > self.start


@dataclass(frozen=True)
class DensityCell:
    """How many events of one lane fall in one month (or, known only to the year, one year)."""

    lane: str
    start: dt.date
    precision: str  # MONTH or YEAR
    count: int
    url: str


@dataclass(frozen=True)
class Bar:
    label: str
    count: int
    url: str = ""


@dataclass(frozen=True)
class MapPoint:
    name: str
    latitude: float
    longitude: float
    count: int
    url: str


def new_figure(*, height: int, title: str = "", **layout) -> go.Figure:
    # Set at construction: update_layout(template=...) would merge into plotly's default template.
    fig = go.Figure(layout={"template": TEMPLATE})
    fig.update_layout(height=height, **layout)
    if title:
        fig.update_layout(title={"text": esc(title), "x": 0, "xanchor": "left", "font": {"size": 15}})
    return fig


def empty_figure(message: str, *, height: int = 220) -> go.Figure:
    fig = new_figure(height=height)
    fig.update_layout(
        xaxis={"visible": False},
        yaxis={"visible": False},
        annotations=[{"text": esc(message), "showarrow": False, "font": {"size": 15, "color": "#52606d"}}],
    )
    return fig


def lane_height(lanes: int) -> int:
    return max(260, 110 + 34 * lanes)


def timeline_figure(
    events: Sequence[TimelineEvent],
    *,
    lanes: Sequence[str],
    groups: Sequence[str],
    group_title: str = "Agreement",
    title: str = "",
    colours: dict[str, str] | None = None,
) -> go.Figure:
    """Draw each event in its lane: a day as a dot, a month, a year or a range as a bar over its span.

    Clicking a mark opens the event (customdata[0] is its URL).
    """
    if not events:
        return empty_figure("No published events match.")
    colours = {**group_colours(groups), **(colours or {})}
    lane_labels = [esc(lane) for lane in lanes]
    fig = new_figure(height=lane_height(len(lanes)), title=title)
    use_gl = sum(1 for e in events if not e.is_span) > WEBGL_THRESHOLD
    hover = "<b>%{customdata[1]}</b><br>%{customdata[2]}<br>%{customdata[3]}<br>%{customdata[4]}<extra></extra>"
    for group in groups:
        members = [e for e in events if e.group == group]
        if not members:
            continue
        spans = [e for e in members if e.is_span]
        points = [e for e in members if not e.is_span]
        legend = {"legendgroup": esc(group), "name": esc(group)}
        if spans:
            fig.add_trace(
                go.Bar(
                    orientation="h",
                    base=[e.start.isoformat() for e in spans],
                    x=[((e.last - e.start).days + 1) * MS_PER_DAY for e in spans],
                    y=[esc(e.lane) for e in spans],
                    width=0.55,
                    marker={"color": colours[group], "opacity": 0.45, "line": {"color": colours[group], "width": 1}},
                    customdata=[hover_data(e, group_title) for e in spans],
                    hovertemplate=hover,
                    showlegend=not points,
                    _validate=VALIDATE_LARGE,
                    **legend,
                )
            )
        if points:
            trace = go.Scattergl if use_gl else go.Scatter
            fig.add_trace(
                trace(
                    mode="markers",
                    x=[e.start.isoformat() for e in points],
                    y=[esc(e.lane) for e in points],
                    marker={
                        "color": colours[group],
                        "size": 11,
                        "symbol": ["diamond" if e.deadline else "circle" for e in points],
                        "line": {"color": "#ffffff", "width": 1},
                    },
                    customdata=[hover_data(e, group_title) for e in points],
                    hovertemplate=hover,
                    _validate=VALIDATE_LARGE,
                    **legend,
                )
            )
    fig.update_layout(
        barmode="overlay",
        xaxis={"type": "date", "title": None},
        yaxis={"type": "category", "categoryorder": "array", "categoryarray": lane_labels, "autorange": "reversed"},
        legend={"title": {"text": esc(group_title) + ": "}},
    )
    return fig


def hover_data(event: TimelineEvent, group_title: str) -> list[str]:
    actors = ", ".join(esc(a) for a in event.actors) or "no actor named"
    date_text = esc(event.date_text)
    if event.precision != DAY:
        date_text += f" <i>(known to the {event.precision})</i>"
    return [
        event.url,
        esc(event.title),
        date_text,
        f"{esc(event.kind)} · {actors}",
        f"{esc(group_title)}: {esc(event.group)}",
    ]


def group_colours(groups: Sequence[str]) -> dict[str, str]:
    """Give each colour group a palette colour; groups named "No …" or "Other …" are grey."""
    colours, i = {}, 0
    for group in groups:
        if group.startswith(("No ", "Other ")):
            colours[group] = NEUTRAL if group.startswith("No ") else "#52606d"
        else:
            colours[group] = PALETTE[i % len(PALETTE)]
            i += 1
    return colours


def density_figure(cells: Sequence[DensityCell], *, lanes: Sequence[str], title: str = "", total: int = 0) -> go.Figure:
    """Draw how many events each lane has per month; click a cell to see its events one by one.

    Events known only to their year are a bar across that year, not a dot in January.
    """
    if not cells:
        return empty_figure("No published events match.")
    lane_labels = [esc(lane) for lane in lanes]
    fig = new_figure(height=lane_height(len(lanes)), title=title)
    months = [c for c in cells if c.precision == MONTH]
    years = [c for c in cells if c.precision == YEAR]
    if years:
        fig.add_trace(
            go.Bar(
                orientation="h",
                base=[c.start.isoformat() for c in years],
                x=[((dt.date(c.start.year + 1, 1, 1) - c.start).days) * MS_PER_DAY for c in years],
                y=[esc(c.lane) for c in years],
                width=0.7,
                marker={"color": "#cbd2d9", "opacity": 0.6},
                name="Known only to the year",
                customdata=[[c.url, esc(c.lane), str(c.start.year), c.count] for c in years],
                hovertemplate="<b>%{customdata[1]}</b><br>%{customdata[2]} (month unknown): "
                "%{customdata[3]} events<br><i>Click to list them</i><extra></extra>",
            )
        )
    if months:
        biggest = max(c.count for c in months)
        trace = go.Scattergl if len(months) > WEBGL_THRESHOLD else go.Scatter
        fig.add_trace(
            trace(
                mode="markers",
                x=[(c.start + dt.timedelta(days=14)).isoformat() for c in months],
                y=[esc(c.lane) for c in months],
                name="Events in the month",
                marker={
                    "size": [max(4.0, 22 * math.sqrt(c.count / biggest)) for c in months],
                    "color": [c.count for c in months],
                    "colorscale": SEQUENTIAL,
                    "cmin": 0,
                    "cmax": biggest,
                    "showscale": True,
                    "colorbar": {"title": {"text": "events"}, "thickness": 12, "len": 0.8},
                    "line": {"width": 0},
                },
                customdata=[[c.url, esc(c.lane), c.start.strftime("%B %Y"), c.count] for c in months],
                hovertemplate="<b>%{customdata[1]}</b><br>%{customdata[2]}: %{customdata[3]} events"
                "<br><i>Click to list them</i><extra></extra>",
                _validate=VALIDATE_LARGE,
            )
        )
    fig.update_layout(
        barmode="overlay",
        xaxis={"type": "date", "title": None},
        yaxis={"type": "category", "categoryorder": "array", "categoryarray": lane_labels, "autorange": "reversed"},
        showlegend=bool(years),
    )
    if total:
        fig.add_annotation(
            text=f"{total:,} events: one dot per lane and month. Narrow the filters to see each event.",
            xref="paper",
            yref="paper",
            x=0,
            y=-0.02,
            yanchor="top",
            xanchor="left",
            showarrow=False,
            font={"size": 12, "color": "#52606d"},
        )
        fig.update_layout(margin={"b": 64})
    return fig


def monthly_figure(
    counts: Iterable[tuple[dt.date, str, int]],
    *,
    series: Sequence[str],
    colours: dict[str, str] | None = None,
    title: str = "",
    year_only: int = 0,
    height: int = 320,
) -> go.Figure:
    """Stack monthly counts by series; `year_only` events, known only to the year, are left out and said so."""
    by_series: dict[str, dict[dt.date, int]] = {name: {} for name in series}
    for month, name, n in counts:
        by_series.setdefault(name, {})[month] = by_series.get(name, {}).get(month, 0) + n
    if not any(by_series.values()):
        return empty_figure("No published events to count.")
    colours = colours or {name: SERIES_PALETTE[i % len(SERIES_PALETTE)] for i, name in enumerate(by_series)}
    fig = new_figure(height=height, title=title)
    for name, months in by_series.items():
        if not months:
            continue
        ordered = sorted(months)
        fig.add_trace(
            go.Bar(
                x=[m.isoformat() for m in ordered],
                y=[months[m] for m in ordered],
                name=esc(name),
                marker={"color": colours.get(name, NEUTRAL)},
                xperiod="M1",
                xperiodalignment="middle",
                hovertemplate=f"{esc(name)}: %{{y}}<extra>%{{x|%B %Y}}</extra>",
            )
        )
    fig.update_layout(
        barmode="stack",
        bargap=0.1,
        xaxis={"type": "date", "title": None},
        yaxis={"title": {"text": "events per month"}, "rangemode": "tozero"},
        hovermode="x unified",
    )
    if year_only:
        fig.add_annotation(
            text=f"Not shown: {year_only:,} events known only to their year.",
            xref="paper",
            yref="paper",
            x=0,
            y=1.0,
            xanchor="left",
            yanchor="bottom",
            showarrow=False,
            font={"size": 12, "color": "#52606d"},
        )
    return fig


def bar_figure(bars: Sequence[Bar], *, title: str = "", x_title: str = "events", colour: str = PALETTE[0]) -> go.Figure:
    """Draw a ranked horizontal bar chart, largest on top; clicking a bar opens its URL."""
    if not bars:
        return empty_figure("Nothing to rank yet.")
    fig = new_figure(height=max(220, 70 + 26 * len(bars)), title=title)
    fig.add_trace(
        go.Bar(
            orientation="h",
            x=[b.count for b in bars],
            y=[esc(b.label) for b in bars],
            marker={"color": colour},
            customdata=[[b.url] for b in bars],
            hovertemplate="<b>%{y}</b>: %{x} " + esc(x_title) + "<extra></extra>",
        )
    )
    fig.update_layout(
        yaxis={"type": "category", "autorange": "reversed"},
        xaxis={"title": {"text": esc(x_title)}, "rangemode": "tozero"},
        showlegend=False,
        margin={"t": 40 if title else 12},
    )
    return fig


def heatmap_figure(
    z: Sequence[Sequence[int]],
    *,
    x: Sequence[str],
    y: Sequence[str],
    urls: Sequence[Sequence[str]] | None = None,
    title: str = "",
    x_dates: bool = False,
    hover: str = "%{y} × %{x}: %{z} events",
) -> go.Figure:
    """Draw a count heatmap; cells with a URL open it when clicked."""
    if not z or not any(any(row) for row in z):
        return empty_figure("No published events to count.")
    fig = new_figure(height=max(320, 140 + 22 * len(y)), title=title)
    x_values = list(x) if x_dates else [esc(v) for v in x]
    fig.add_trace(
        go.Heatmap(
            z=[list(row) for row in z],
            x=x_values,
            y=[esc(v) for v in y],
            colorscale=HEAT,
            zmin=0,
            customdata=[[[u] for u in row] for row in urls] if urls else None,
            hovertemplate=hover + "<extra></extra>",
            colorbar={"title": {"text": "events"}, "thickness": 12},
            xgap=0 if x_dates else 1,
            ygap=1,
            _validate=VALIDATE_LARGE,
        )
    )
    fig.update_layout(
        xaxis={"type": "date" if x_dates else "category", "showgrid": False, "tickangle": 0 if x_dates else -45},
        yaxis={"type": "category", "autorange": "reversed", "showgrid": False},
    )
    return fig


def map_figure(points: Sequence[MapPoint], *, title: str = "", height: int = 560) -> go.Figure:
    """Draw places as circles sized by their number of events, framed on Syria and its neighbours."""
    fig = new_figure(height=height, title=title, margin={"l": 0, "r": 0, "t": 40 if title else 8, "b": 0})
    lat_range, lon_range = map_bounds(points)
    fig.update_geos(
        scope="asia",
        resolution=50,
        projection={"type": "mercator"},
        lataxis={"range": lat_range},
        lonaxis={"range": lon_range},
        showcountries=True,
        countrycolor="#7b8794",
        showland=True,
        landcolor="#f5f7fa",
        showocean=True,
        oceancolor="#dbeafe",
        showlakes=True,
        lakecolor="#dbeafe",
        showrivers=True,
        rivercolor="#93c5fd",
        showcoastlines=True,
        coastlinecolor="#7b8794",
        bgcolor="#ffffff",
    )
    if not points:
        fig.add_annotation(text="No mapped places yet.", showarrow=False, font={"size": 15, "color": "#52606d"})
        return fig
    biggest = max(p.count for p in points) or 1
    fig.add_trace(
        go.Scattergeo(
            lat=[p.latitude for p in points],
            lon=[p.longitude for p in points],
            mode="markers",
            marker={
                "size": [max(6.0, 34 * math.sqrt(p.count / biggest)) for p in points],
                "color": [p.count for p in points],
                "colorscale": "YlOrRd",
                "cmin": 0,
                "cmax": biggest,
                "opacity": 0.8,
                "line": {"color": "#7c2d12", "width": 0.8},
                "colorbar": {"title": {"text": "events"}, "thickness": 12, "len": 0.6},
            },
            customdata=[[p.url, esc(p.name), p.count] for p in points],
            hovertemplate="<b>%{customdata[1]}</b><br>%{customdata[2]} events<extra></extra>",
        )
    )
    return fig


def map_bounds(points: Sequence[MapPoint]) -> tuple[list[float], list[float]]:
    """Frame Syria (32.5–42.5°E, 32–37.5°N), widened to take in every point."""
    lats = [32.0, 37.5] + [p.latitude for p in points]
    lons = [35.0, 42.5] + [p.longitude for p in points]
    pad = 1.0
    return [max(-85.0, min(lats) - pad), min(85.0, max(lats) + pad)], [
        max(-180.0, min(lons) - pad),
        min(180.0, max(lons) + pad),
    ]


def to_payload(fig: go.Figure) -> dict:
    """Return the figure as plain JSON data for `json_script`."""
    return json.loads(fig.to_json())
