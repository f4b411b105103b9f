"""Plotly figures of when incidents happen: weekday × hour of day, and month of the
year per year. Same look as :mod:`est_data.trends.charts` (its layout, Swedish month
names and number separators); the data comes from :mod:`est_data.trends.series`."""
from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from est_data.core.filters import WEEKDAYS_SV
from est_data.core.fmt import WEEKDAY_NAMES
from est_data.trends import charts


def weekday_hour_figure(df: pd.DataFrame) -> go.Figure:
    """Heat matrix: weekdays (Monday on top) × hours of the day. A count left out (NaN,
    see :mod:`est_data.trends.shown`) is an empty cell without a hover text."""
    matrix = df.pivot(index="weekday", columns="hour", values="count").reindex(
        index=range(1, 8), columns=range(24), fill_value=0)
    hover = [[f"{WEEKDAY_NAMES[d - 1]} kl. {h:02d}–{(h + 1) % 24:02d}" for h in range(24)]
             for d in range(1, 8)]
    trace = dict(type="heatmap", z=matrix.to_numpy(), x=[f"{h:02d}" for h in range(24)],
                 y=[WEEKDAYS_SV[d - 1] for d in range(1, 8)], colorscale="YlOrRd",
                 customdata=hover, xgap=2, ygap=2, hoverongaps=False,
                 colorbar=dict(title=dict(text="Antal"), tickformat=",d"),
                 hovertemplate="%{customdata}: %{z:,d} händelser<extra></extra>")
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
