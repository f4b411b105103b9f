"""Plotly figures of when incidents happen: weekday × hour of day, and month of the
year per year. Same look as :mod:`est_data.trends.charts` (its layout, Swedish month
names and number separators); the data comes from :mod:`est_data.trends.series`."""
from __future__ import annotations

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from est_data.core import fmt
from est_data.core.filters import WEEKDAYS_SV
from est_data.core.fmt import WEEKDAY_NAMES
from est_data.maps.style import HEAT_GRADIENT
from est_data.trends import charts


def heat_colorscale() -> list[list]:
    """The map's heat gradient (pale yellow = few, dark red = many) as a Plotly colour
    scale from 0 to 1. Written out, not by name: Plotly.js's own "YlOrRd" runs the
    other way (dark red at the low end), which drew 0 as the darkest cell."""
    low, high = min(HEAT_GRADIENT), max(HEAT_GRADIENT)
    return [[round((p - low) / (high - low), 4), c] for p, c in sorted(HEAT_GRADIENT.items())]


SPREAD_CAPTION = ("Händelser med ett tidsintervall (t.ex. 22–06) fördelas över timmarna i "
                  "intervallet.")


def weight_text(value: float) -> str:
    """A weekday × hour count as shown: whole when it is whole, else one decimal (a
    span spread over its hours gives each hour a share, see ``series.weekday_hour``)."""
    whole = round(float(value))
    return fmt.num(whole) if abs(float(value) - whole) < 0.05 else fmt.num(float(value), 1)


def weekday_hour_figure(df: pd.DataFrame) -> go.Figure:
    """Heat matrix: weekdays (Monday on top) × hours of the day. A count left out (NaN,
    see :mod:`est_data.trends.shown`) is an empty cell without a hover text. Counts may
    be fractional (spans spread over their hours): the hover says one decimal then."""
    matrix = df.pivot(index="weekday", columns="hour", values="count").reindex(
        index=range(1, 8), columns=range(24), fill_value=0)
    z = matrix.to_numpy(dtype=float)
    hover = [[f"{WEEKDAY_NAMES[d - 1]} kl. {h:02d}–{(h + 1) % 24:02d}: "
              f"{'' if np.isnan(z[d - 1][h]) else weight_text(z[d - 1][h])} händelser"
              for h in range(24)] for d in range(1, 8)]
    trace = dict(type="heatmap", z=z, x=[f"{h:02d}" for h in range(24)],
                 y=[WEEKDAYS_SV[d - 1] for d in range(1, 8)], colorscale=heat_colorscale(), zmin=0,
                 customdata=hover, xgap=2, ygap=2, hoverongaps=False,
                 colorbar=dict(title=dict(text="Antal"), tickformat=",~f"),
                 hovertemplate="%{customdata}<extra></extra>")
    layout = charts.base_layout(
        430, yaxis=dict(autorange="reversed"),
        xaxis=dict(title=dict(text="Klockslag (timme då händelsen inträffade)"),
                   dtick=1, type="category"))
    layout["margin"]["t"] = 20
    return charts.figure_of(dict(data=[trace], layout=layout))


def seasonal_figure(df: pd.DataFrame) -> go.Figure:
    """Counts per month of the year, one line per year (the latest strongest).

    Months not fully covered by the data (or after the filter's end) are left out.
    """
    d = df[df["complete"]]
    years = sorted(int(y) for y in d["year"].unique())
    shades = ["#c6dbef", "#9ecae1", "#6baed6", "#3182bd", "#08519c"]
    traces = []
    for i, year in enumerate(years):
        y = d[d["year"] == year].sort_values("month")
        latest = year == years[-1]
        color = "#d95f02" if latest else shades[max(0, len(shades) - len(years) + i)]
        traces.append(dict(
            type="scatter", x=y["month"].to_numpy(), y=y["count"].to_numpy(),
            mode="lines+markers", name=str(year),
            line=dict(color=color, width=4 if latest else 2), marker=dict(size=8 if latest else 6),
            customdata=[f"{charts.MONTH_NAMES_SV[m - 1]} {year}" for m in y["month"]],
            hovertemplate="%{customdata}: %{y:,d}<extra></extra>"))
    layout = charts.base_layout(
        450, xaxis=dict(tickvals=list(range(1, 13)), ticktext=list(charts.MONTHS_SV), range=[0.7, 12.3]),
        yaxis=dict(title=dict(text="Händelser per månad"), tickformat=",d", rangemode="tozero"))
    return charts.figure_of(dict(data=traces, layout=layout))
