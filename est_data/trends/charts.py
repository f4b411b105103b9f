"""Plotly figures for the Trender page: Swedish labels and number formats, large type.

Figures take the DataFrames of :mod:`est_data.trends.series` and return ``go.Figure``; they
never query. Plotly has no Swedish locale without extra scripts, so month names come
from tick labels set here, and ``separators=", "`` gives decimal comma and space as
thousands separator (used by every ``:,`` format in hover texts and axes).
"""
from __future__ import annotations

import datetime as dt
import math

import pandas as pd
import plotly.graph_objects as go

from est_data.core.fmt import num
from est_data.core.fmt import date as fmt_date
from est_data.trends.series import GRAINS, OTHER_KEY, TOTAL_KEY, add_periods

MONTHS_SV = ("jan", "feb", "mar", "apr", "maj", "jun", "jul", "aug", "sep", "okt", "nov",
             "dec")
MONTH_NAMES_SV = ("januari", "februari", "mars", "april", "maj", "juni", "juli", "augusti",
                  "september", "oktober", "november", "december")
FONT_SIZE = 15
OTHER_COLOR = "#b0b0b0"
TOTAL_COLOR = "#222222"
LAST_YEAR_COLOR = "#7f7f7f"
ALERT_COLOR = "#d62728"
MEASURE_COLOR = "#2a7f3f"
# Colours for keys without their own (areas): colour-blind friendly, then repeats.
PALETTE = ("#4477aa", "#ee6677", "#228833", "#ccbb44", "#66ccee", "#aa3377", "#bbbbbb",
           "#332288", "#117733", "#882255", "#44aa99", "#999933")
WEEK_MS = 7 * 24 * 3600 * 1000


def figure_of(spec: dict) -> go.Figure:
    """A figure from a plain dict without plotly's validation (~30 ms per figure on
    this machine, a tenth of the page's time budget); the tests validate every figure
    (``go.Figure(fig.to_dict())``)."""
    return go.Figure(spec, _validate=False)


# --- Labels ----------------------------------------------------------------------------

def week_label(start: dt.date) -> str:
    """``"v. 45 2026 (2–8 nov)"``."""
    end = start + dt.timedelta(days=6)
    year, week, _ = start.isocalendar()
    if start.month == end.month:
        span = f"{start.day}–{end.day} {MONTHS_SV[end.month - 1]}"
    else:
        span = f"{start.day} {MONTHS_SV[start.month - 1]}–{end.day} {MONTHS_SV[end.month - 1]}"
    return f"v. {week} {year} ({span})"


def month_label(start: dt.date) -> str:
    """``"november 2026"``."""
    return f"{MONTH_NAMES_SV[start.month - 1]} {start.year}"


def period_label(start: dt.date, grain: str) -> str:
    return week_label(start) if grain == "week" else month_label(start)


def time_ticks(first: dt.date, last: dt.date, max_ticks: int = 13) -> tuple[list, list]:
    """Tick positions and Swedish labels for a time axis from ``first`` to ``last``.

    Short spans get one tick per week (``"v. 45"`` over the day and month), longer
    spans month starts every 1, 2, 3, 6 or 12 months (``"jan"``, the year added at
    January and at the first tick).
    """
    if (last - first).days <= 70:
        day = first - dt.timedelta(days=first.weekday())
        vals, texts = [], []
        while day <= last:
            vals.append(pd.Timestamp(day))
            texts.append(f"v. {day.isocalendar()[1]}<br>{day.day} {MONTHS_SV[day.month - 1]}")
            day += dt.timedelta(days=7)
        return vals, texts
    months = (last.year - first.year) * 12 + last.month - first.month + 1
    step = next(s for s in (1, 2, 3, 6, 12) if math.ceil(months / s) <= max_ticks)
    vals, texts = [], []
    y, m = first.year, first.month
    while (y, m) <= (last.year, last.month):
        if (m - 1) % step == 0:
            day = dt.date(y, m, 1)
            label = MONTHS_SV[m - 1]
            if not vals or m == 1:
                label += f"<br>{y}"
            vals.append(pd.Timestamp(day))
            texts.append(label)
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return vals, texts


def key_colors(keys: list[str], known: dict[str, str]) -> dict[str, str]:
    """A colour per key: its own (category, actor) when known, else from PALETTE."""
    out, i = {}, 0
    for k in keys:
        if k == OTHER_KEY:
            out[k] = OTHER_COLOR
        elif k in known:
            out[k] = known[k]
        else:
            out[k] = PALETTE[i % len(PALETTE)]
            i += 1
    return out


def ordered_keys(df: pd.DataFrame) -> list[str]:
    """Series keys by size (largest first), "Övriga" last, the total left out; by the
    ``rank`` column when there is one (the meeting role's order, trends.shown)."""
    parts = df[df["key"] != TOTAL_KEY]
    if "rank" in df:
        ranks = parts.groupby("key", sort=False)["rank"].min()
        return sorted(ranks.index, key=lambda k: (k == OTHER_KEY, ranks[k], k))
    totals = parts.groupby("key", sort=False)["count"].sum()
    return sorted(totals.index, key=lambda k: (k == OTHER_KEY, -totals[k], k))


# --- Time series -------------------------------------------------------------------------

def _hover_periods(d: pd.DataFrame, grain: str) -> list[str]:
    texts = []
    for p, days, full in zip(d["period"], d["days"], d["period_days"]):
        text = period_label(p.date(), grain)
        if days < full:
            text += f" – ofullständig: {days} av {full} dagar i filtret"
        texts.append(text)
    return texts


def _x_period(grain: str):
    return WEEK_MS if grain == "week" else "M1"


def _clusters(dates: list[dt.date], span_days: int) -> list[list[int]]:
    """Group indexes of sorted dates lying within 4 % of the axis of the previous one,
    so measures taken in the same weeks share one label instead of overlapping."""
    groups: list[list[int]] = []
    for i, d in enumerate(dates):
        if groups and (d - dates[groups[-1][-1]]).days <= span_days * 0.04:
            groups[-1].append(i)
        else:
            groups.append([i])
    return groups


def measure_marks(measures: pd.DataFrame | None, first: dt.date, last: dt.date,
                  panels: int = 1) -> tuple[list[dict], list[dict], list[int]]:
    """Dashed vertical lines (in every panel) and numbered labels where measures started.

    Returns ``(shapes, annotations, numbers)``; the numbers are 1-based positions in
    ``measures`` of those on the axis, so the page can list them with the same numbers.
    """
    if measures is None or measures.empty:
        return [], [], []
    on_axis = [(n, pd.Timestamp(measures["started_on"].iloc[n - 1]).date())
               for n in measures_on_axis(measures, first, last)]
    shapes, labels = [], []
    for number, day in on_axis:
        x = pd.Timestamp(day)
        for panel in range(1, panels + 1):
            axis = "" if panel == 1 else str(panel)
            shapes.append(dict(type="line", xref=f"x{axis}", yref=f"y{axis} domain", x0=x, x1=x,
                               y0=0, y1=1, line=dict(color=MEASURE_COLOR, width=2, dash="dash")))
    for group in _clusters([d for _, d in on_axis], (last - first).days or 1):
        numbers = [on_axis[i][0] for i in group]
        text = str(numbers[0]) if len(numbers) == 1 else f"{numbers[0]}–{numbers[-1]}"
        hover = "<br>".join(
            f"{n}. {fmt_date(measures['started_on'].iloc[n - 1])} {measures['title'].iloc[n - 1]}"
            for n in numbers)
        labels.append(dict(x=pd.Timestamp(on_axis[group[0]][1]), y=1, xref="x", yref="paper",
                           text=f"<b>Åtgärd {text}</b>", showarrow=False, yanchor="top",
                           xanchor="left", font=dict(color="white", size=FONT_SIZE - 2),
                           bgcolor=MEASURE_COLOR, borderpad=3, hovertext=hover))
    return shapes, labels, [n for n, _ in on_axis]


def measures_on_axis(measures: pd.DataFrame | None, first: dt.date, last: dt.date) -> list[int]:
    """1-based positions in ``measures`` of those that started between ``first`` and
    ``last`` (inclusive): the numbers shown on the axis."""
    if measures is None or measures.empty:
        return []
    return [i + 1 for i, s in enumerate(measures["started_on"])
            if first <= pd.Timestamp(s).date() <= last]


def _measure_legend() -> dict:
    return dict(type="scatter", x=[None], y=[None], mode="lines", name="Åtgärd (nr i listan)",
                line=dict(color=MEASURE_COLOR, width=2, dash="dash"), legendgroup="measure")


def _series_traces(d: pd.DataFrame, grain: str, label: str, color: str, hover: list[str],
                   axis: str = "", legend: bool = True, show_rolling: bool = True,
                   show_last_year: bool = True, alerts: bool = True) -> list[dict]:
    """Bars, rolling mean, last year and alert markers of one key, as trace dicts."""
    g = GRAINS[grain]
    common = dict(x=d["period"].to_numpy(), xperiod=_x_period(grain), xperiodalignment="middle",
                  xaxis=f"x{axis}", yaxis=f"y{axis}")
    traces = [dict(type="bar", y=d["count"].to_numpy(), name=label, marker=dict(
        color=color, opacity=[0.45 if p else 1.0 for p in d["partial"]]), customdata=hover,
        showlegend=legend, hovertemplate=f"%{{customdata}}<br>{label}: %{{y:,d}}<extra></extra>",
        **common)]
    if show_rolling:
        traces.append(dict(
            type="scatter", y=d["rolling"].to_numpy(), mode="lines",
            name=f"Glidande medel ({g.rolling} {g.label_plural})", legendgroup="rolling",
            line=dict(color=TOTAL_COLOR, width=3), customdata=hover, showlegend=legend,
            hovertemplate="%{customdata}<br>Glidande medel: %{y:,.1f}<extra></extra>", **common))
    if show_last_year:
        traces.append(dict(
            type="scatter", y=d["last_year"].to_numpy(), mode="lines", legendgroup="ly",
            name="Samma period i fjol", line=dict(color=LAST_YEAR_COLOR, width=2, dash="dot"),
            customdata=hover, showlegend=legend,
            hovertemplate="%{customdata}<br>Samma period i fjol: %{y:,d}<extra></extra>",
            **common))
    if alerts:
        a = d[d["alert"]]
        common["x"] = a["period"].to_numpy()
        traces.append(dict(
            type="scatter", y=a["count"].to_numpy(), mode="markers", name="Ovanligt hög nivå",
            legendgroup="alert", showlegend=legend and not a.empty,
            marker=dict(symbol="triangle-down", size=16, color=ALERT_COLOR,
                        line=dict(color="white", width=1)),
            customdata=[[period_label(p.date(), grain), num(e)] for p, e in
                        zip(a["period"], a["expected"])],
            hovertemplate=("<b>Ovanligt hög nivå</b> %{customdata[0]}<br>"
                           f"{label}: %{{y:,d}}, normalt %{{customdata[1]}}<extra></extra>"),
            **common))
    return traces


def base_layout(height: int, **extra) -> dict:
    """Shared look: Swedish separators, large readable type, legend on top."""
    layout = dict(
        template="plotly_white", height=height, separators=", ",
        font=dict(size=FONT_SIZE), hoverlabel=dict(font=dict(size=FONT_SIZE)),
        margin=dict(l=10, r=10, t=70, b=10),
        legend=dict(orientation="h", yanchor="bottom", y=1.02, xanchor="left", x=0,
                    traceorder="normal"),
    )
    layout.update(extra)
    return layout


def time_series_figure(df: pd.DataFrame, grain: str, names: dict[str, str],
                       colors: dict[str, str], measures: pd.DataFrame | None = None,
                       show_last_year: bool = True, show_rolling: bool = True) -> go.Figure:
    """Stacked bars per key with the total's rolling mean and last year's total.

    ``df`` is :func:`est_data.trends.time_series`; ``names`` maps keys to Swedish
    labels. A period where some key (or the total) was unusually high gets a red
    marker over the bar, whose hover text says which and how much; measures get
    numbered dashed lines. Figures are built as plain dicts and validated once (the
    plotly object API costs ~0.1 s per added shape in subplots).
    """
    g = GRAINS[grain]
    keys = ordered_keys(df) or [TOTAL_KEY]  # not split: the total as bars
    palette = key_colors(keys, {TOTAL_KEY: PALETTE[0], **colors})
    total = df[df["key"] == TOTAL_KEY].sort_values("period")
    hover = _hover_periods(total, grain)
    traces: list[dict] = []
    for key in keys:
        d = df[df["key"] == key].sort_values("period")
        traces += _series_traces(d, grain, names.get(key, key), palette[key], hover,
                                 show_rolling=False, show_last_year=False, alerts=False)
    traces += _series_traces(total, grain, "Totalt", TOTAL_COLOR, hover,
                             show_rolling=show_rolling, show_last_year=show_last_year,
                             alerts=False)[1:]
    traces += _stack_alerts(df, total, names, grain)
    first, last = axis_span(df, grain)
    shapes, labels, numbers = measure_marks(measures, first, last)
    if numbers:
        traces.append(_measure_legend())
    vals, texts = time_ticks(first, last)
    layout = base_layout(
        540, barmode="stack", bargap=0.15, shapes=shapes, annotations=labels,
        xaxis=dict(tickvals=vals, ticktext=texts, range=[pd.Timestamp(first),
                                                         pd.Timestamp(last)]),
        yaxis=dict(title=dict(text=f"Händelser per {g.label}"), tickformat=",d",
                   rangemode="tozero"))
    return figure_of(dict(data=traces, layout=layout))


def axis_span(df: pd.DataFrame, grain: str) -> tuple[dt.date, dt.date]:
    first = df["period"].min().date()
    last_start = df["period"].max().date()
    return first, add_periods(last_start, grain, 1) - dt.timedelta(days=1)


def _stack_alerts(df: pd.DataFrame, total: pd.DataFrame, names: dict[str, str],
                  grain: str) -> list[dict]:
    """One red marker over each stacked bar with an unusually high key or total."""
    flagged = df[df["alert"]].sort_values(["period", "p_value"])
    by_period: dict = {}
    for period, key, n, e in zip(flagged["period"], flagged["key"], flagged["full_count"],
                                 flagged["expected"]):
        label = "Totalt" if key == TOTAL_KEY else names.get(key, key)
        # Without numbers where they are withheld (the meeting role, trends.shown).
        by_period.setdefault(period, []).append(
            label if pd.isna(n) else f"{label}: {num(n)} (normalt {num(e)})")
    if not by_period:
        return []
    heights = total.set_index("period")["count"]
    xs = sorted(by_period)
    return [dict(
        type="scatter", x=xs, y=[heights.get(x, 0) for x in xs], mode="markers",
        name="Ovanligt hög nivå", xperiod=_x_period(grain), xperiodalignment="middle",
        marker=dict(symbol="triangle-down", size=18, color=ALERT_COLOR,
                    line=dict(color="white", width=1)),
        customdata=[period_label(x.date(), grain) + "<br>" + "<br>".join(by_period[x])
                    for x in xs],
        hovertemplate="<b>Ovanligt hög nivå</b> %{customdata}<extra></extra>")]


def _grid(n: int, columns: int, hspace: float = 0.05, vspace_px: float = 70,
          height: int = 300) -> list[tuple[list[float], list[float]]]:
    """(x domain, y domain) of ``n`` panels in rows of ``columns``, first row on top."""
    rows = max(1, math.ceil(n / columns))
    vspace = min(0.3, vspace_px / height)
    w = (1 - (columns - 1) * hspace) / columns
    h = (1 - (rows - 1) * vspace) / rows
    out = []
    for i in range(n):
        r, c = divmod(i, columns)
        x0 = c * (w + hspace)
        y1 = 1 - r * (h + vspace)
        out.append(([max(0.0, x0), min(1.0, x0 + w)], [max(0.0, y1 - h), min(1.0, y1)]))
    return out


def small_multiples_figure(df: pd.DataFrame, grain: str, names: dict[str, str],
                           colors: dict[str, str], measures: pd.DataFrame | None = None,
                           columns: int = 3, show_last_year: bool = True,
                           show_rolling: bool = True,
                           totals_text: dict[str, str] | None = None) -> go.Figure:
    """One panel per key (own y scale): bars, rolling mean, last year, alerts, measures.
    ``totals_text``: each key's total as published (default: the sum, as a number)."""
    keys = ordered_keys(df)
    palette = key_colors(keys, colors)
    columns = max(1, min(columns, len(keys)))
    rows = max(1, math.ceil(len(keys) / columns))
    height = 130 + 250 * rows
    totals = df.groupby("key")["count"].sum()
    first, last = axis_span(df, grain)
    vals, texts = time_ticks(first, last, max_ticks=6)
    traces: list[dict] = []
    layout = base_layout(height, bargap=0.15)
    titles = []
    for i, (key, (xd, yd)) in enumerate(zip(keys, _grid(len(keys), columns, height=height))):
        axis = "" if i == 0 else str(i + 1)
        d = df[df["key"] == key].sort_values("period")
        label = names.get(key, key)
        traces += _series_traces(d, grain, label, palette[key], _hover_periods(d, grain), axis,
                                 legend=False, show_rolling=show_rolling,
                                 show_last_year=show_last_year)
        bottom = i + columns >= len(keys)
        layout[f"xaxis{axis}"] = dict(
            domain=xd, anchor=f"y{axis}", tickvals=vals, ticktext=texts,
            showticklabels=bottom, range=[pd.Timestamp(first), pd.Timestamp(last)],
            **({} if i == 0 else {"matches": "x"}))
        layout[f"yaxis{axis}"] = dict(domain=yd, anchor=f"x{axis}", tickformat=",d",
                                      rangemode="tozero")
        total = totals_text[key] if totals_text else num(int(totals[key]))
        titles.append(dict(text=f"<b>{label}</b> ({total})", x=sum(xd) / 2,
                           y=yd[1], xref="paper", yref="paper", xanchor="center",
                           yanchor="bottom", showarrow=False, font=dict(size=FONT_SIZE)))
    # Legend entries once, for what every panel shows.
    g = GRAINS[grain]
    legend = [dict(type="bar", x=[None], y=[None], name="Antal", marker=dict(color="#888888"))]
    if show_rolling:
        legend.append(dict(type="scatter", x=[None], y=[None], mode="lines",
                           name=f"Glidande medel ({g.rolling} {g.label_plural})",
                           line=dict(color=TOTAL_COLOR, width=3)))
    if show_last_year:
        legend.append(dict(type="scatter", x=[None], y=[None], mode="lines",
                           name="Samma period i fjol",
                           line=dict(color=LAST_YEAR_COLOR, width=2, dash="dot")))
    if df["alert"].any():
        legend.append(dict(type="scatter", x=[None], y=[None], mode="markers",
                           name="Ovanligt hög nivå",
                           marker=dict(symbol="triangle-down", size=14, color=ALERT_COLOR)))
    shapes, labels, numbers = measure_marks(measures, first, last, panels=len(keys))
    if numbers:
        legend.append(_measure_legend())
    layout["shapes"] = shapes
    layout["annotations"] = titles + labels
    layout["legend"]["y"] = 1 + 45 / height
    return figure_of(dict(data=traces + legend, layout=layout))
